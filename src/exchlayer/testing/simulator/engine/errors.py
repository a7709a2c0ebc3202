"""The errors the engine raises: `EngineError` and its subclasses (unknown symbols and
orders, insufficient funds or margin, filter failures, duplicate client ids, bad leverage,
invalid or immediately triggering requests, refused reduce-only orders), which venue modules
translate into their venue's bodies.
"""

from __future__ import annotations

from decimal import Decimal

from .instruments import Instrument
from .model import Filter


class EngineError(Exception):
    """Base of every error the engine raises; venue modules translate these into venue bodies."""


class UnknownSymbol(EngineError):
    def __init__(self, symbol: str) -> None:
        super().__init__(f"unknown symbol {symbol!r}")
        self.symbol = symbol


class UnknownOrder(EngineError):
    """No such order on the account."""


class OrderNotOpen(UnknownOrder):
    """The order exists but is no longer open (cannot be cancelled)."""


class InsufficientBalance(EngineError):
    def __init__(self, asset: str, required: Decimal, available: Decimal) -> None:
        super().__init__(f"insufficient {asset}: need {required}, have {available}")
        self.asset, self.required, self.available = asset, required, available


class InsufficientMargin(InsufficientBalance):
    """The futures wallet cannot cover the order's margin."""


class FilterFailure(EngineError):
    def __init__(self, filter: Filter, detail: str, instrument: Instrument) -> None:
        super().__init__(f"{filter.value}: {detail}")
        self.filter, self.detail, self.instrument = filter, detail, instrument


class DuplicateClientOrderId(EngineError):
    """The venue's `ClientIdRule` refuses this client order id (an open order uses it,
    or, under ``LIFETIME``, any order ever did)."""


class InvalidLeverage(EngineError):
    def __init__(self, leverage: int, maximum: int) -> None:
        super().__init__(f"leverage {leverage} is not in 1..{maximum}")
        self.leverage, self.maximum = leverage, maximum


class InvalidOrderRequest(EngineError):
    """Missing or inconsistent parameters (e.g. a limit order without a price)."""


class WouldTriggerImmediately(EngineError):
    """A stop order whose trigger price the market has already reached."""


class ReduceOnlyRejected(EngineError):
    """A reduce-only order that would open or grow a position."""
