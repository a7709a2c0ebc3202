"""The exchlayer error tree.

Every error a connector raises is an `ExchangeLayerError`. Transient errors may succeed if
tried again later; permanent ones will not, and retrying them only costs rate-limit budget:

    ExchangeLayerError
    ├── TransientError                 try again later
    │   ├── NetworkError
    │   │   ├── RequestTimeout
    │   │   └── ExchangeUnavailable
    │   │       └── MalformedResponse  the answer is garbled or holds impossible values
    │   ├── ClockSkew                  the venue refused our timestamp
    │   └── RateLimitExceeded          .retry_after (seconds, or None)
    ├── PermanentError                 retrying will not help
    │   ├── AuthenticationError
    │   │   └── PermissionDenied
    │   ├── InsufficientFunds
    │   ├── InvalidArgument            (also a ValueError) nothing was sent
    │   │   └── InvalidOrder
    │   │       └── OrderLimitViolation  .limit, .value, .allowed
    │   ├── OrderNotFound
    │   ├── BadSymbol                  (also a ValueError)
    │   ├── NotSupported
    │   ├── ConnectionNotFound         no such connection (TradingService)
    │   ├── ConfigurationError
    │   └── ExchangeError              a venue refusal exchlayer has no better name for
    └── OrderStatusUnknown             .client_order_id: the order may or may not exist

Each error carries ``exchange``, ``operation`` and ``symbol`` (when there is one) and never a
secret. Catch the branch you can act on:

    try:
        order = await exchange.create_order(...)
    except OrderStatusUnknown as exc:
        order = await exchange.get_order(None, exc.symbol, client_order_id=exc.client_order_id)
    except TransientError:
        ...  # back off and try again
    except InvalidOrder as exc:
        ...  # fix the order; nothing was sent
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

__all__ = [
    "AuthenticationError",
    "BadSymbol",
    "ClockSkew",
    "ConfigurationError",
    "ConnectionNotFound",
    "ExchangeError",
    "ExchangeLayerError",
    "ExchangeUnavailable",
    "InsufficientFunds",
    "InvalidArgument",
    "InvalidOrder",
    "MalformedResponse",
    "NetworkError",
    "NotSupported",
    "OrderLimitViolation",
    "OrderNotFound",
    "OrderStatusUnknown",
    "PermanentError",
    "PermissionDenied",
    "RateLimitExceeded",
    "RequestTimeout",
    "TransientError",
]


class ExchangeLayerError(Exception):
    """The root of every error exchlayer raises."""

    def __init__(
        self,
        message: str,
        *,
        exchange: str | None = None,
        operation: str | None = None,
        symbol: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exchange = exchange
        self.operation = operation
        self.symbol = symbol

    def __str__(self) -> str:
        # Never raises, whatever a caller passed as the symbol (an int, bytes, an object whose
        # own __str__ fails): an error that cannot print hides the failure it reports.
        parts = [_text(part) for part in (self.exchange, self.operation, self.symbol) if part]
        where = " ".join(part for part in parts if part)
        message = _text(self.message)
        return f"{where}: {message}" if where else message

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the keyword context when an error crosses a process boundary.
        return (_rebuild, (type(self), self.message, self.__dict__.copy()))


def _text(value: object) -> str:
    """``value`` as text for an error message, never raising."""
    if isinstance(value, str):
        return value
    try:
        return repr(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


def _rebuild(cls: type[ExchangeLayerError], message: str, state: dict[str, object]) -> object:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class TransientError(ExchangeLayerError):
    """The request may succeed if tried again later."""


class NetworkError(TransientError):
    """The request did not get a usable answer: connection refused, reset, or garbled."""


class RequestTimeout(NetworkError):
    """No answer arrived in time. For an order, its fate is open: look it up."""


class ExchangeUnavailable(NetworkError):
    """The venue is down, in maintenance, or answered with a server error."""


class MalformedResponse(ExchangeUnavailable):
    """The venue's answer could not be read or holds values no venue sends (garbled, truncated,
    wrongly shaped, a negative price, another market's data). It is never returned as data; the
    venue may have acted on the request, so an order answered this way is reconciled."""


class ClockSkew(TransientError):
    """The venue refused the request's timestamp: the local clock and the venue's disagree."""


class RateLimitExceeded(TransientError):
    """The venue refused the request for exceeding its rate limit."""

    def __init__(self, message: str, *, retry_after: float | None = None, **context: str | None):
        super().__init__(message, **context)
        self.retry_after = retry_after
        """Seconds the venue asked us to wait, when it said."""


class PermanentError(ExchangeLayerError):
    """The request will fail the same way if retried."""


class AuthenticationError(PermanentError):
    """The venue rejected the credentials (wrong key, secret, passphrase or signature)."""


class PermissionDenied(AuthenticationError):
    """The credentials are valid but lack the permission for this call."""


class InsufficientFunds(PermanentError):
    """The account's balance or margin does not cover the order."""


class InvalidArgument(PermanentError, ValueError):
    """An argument is malformed or out of range; exchlayer refused it before sending anything."""


class InvalidOrder(InvalidArgument):
    """The order's parameters are wrong. Raised by exchlayer before sending (nothing was sent)
    or by the venue when it refuses the order."""


class OrderLimitViolation(InvalidOrder):
    """The order breaks one of the market's precision or size rules; nothing was sent."""

    def __init__(
        self,
        message: str,
        *,
        limit: str,
        value: Decimal,
        allowed: Decimal,
        **context: str | None,
    ) -> None:
        super().__init__(message, **context)
        self.limit = limit
        """Which rule: ``amount_step``, ``price_tick``, ``min_amount``, ``max_amount``,
        ``min_price``, ``max_price`` or ``min_notional``."""
        self.value = value
        self.allowed = allowed


class OrderNotFound(PermanentError):
    """The venue has no order with that id."""


class BadSymbol(PermanentError, ValueError):
    """The symbol is malformed or the venue does not list it."""


class NotSupported(PermanentError):
    """The exchange (or this mode of it) cannot do what was asked."""


class ConnectionNotFound(PermanentError):
    """A TradingService has no connection with that id (or not for that user)."""


class ConfigurationError(PermanentError):
    """The connector is set up wrongly: missing credentials, closed, or a bad option."""


class ExchangeError(PermanentError):
    """The venue refused the request for a reason exchlayer has no more specific error for."""


class OrderStatusUnknown(ExchangeLayerError):
    """An order was sent but its fate could not be established.

    The order may or may not exist on the venue; exchlayer never sends it again on its own.
    Look it up by ``client_order_id`` (``get_order(None, symbol, client_order_id=...)``) before
    deciding to send it again: once `settles_by` has passed, a lookup that does not find
    it is final, because the venue refuses the original request by then.
    """

    def __init__(
        self,
        message: str,
        *,
        client_order_id: str,
        sent_at: datetime | None = None,
        settles_by: datetime | None = None,
        **context: str | None,
    ) -> None:
        super().__init__(message, **context)
        self.client_order_id = client_order_id
        """The order's client order id: the key to look it up with."""
        self.sent_at = sent_at
        """When the order was sent (UTC, the local clock)."""
        self.settles_by = settles_by
        """From this time on (UTC, the local clock) the venue would refuse the original request
        as too old, and its lookups have caught up (within the venue's documented bounds and
        exchlayer's assumption about lookup lag): a lookup that does not find the order then
        means it was not placed. ``None`` when the venue offers no such bound."""
