"""exchlayer: one typed async interface for trading on many crypto exchanges, on top of ccxt.

    from decimal import Decimal
    from exchlayer import ExchangeFactory, OrderSide, OrderType

    async with ExchangeFactory.create_exchange("binance", api_key=..., api_secret=...) as ex:
        ticker = await ex.get_ticker("BTC/USDT")
        order = await ex.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, Decimal("0.001"), Decimal("50000")
        )

Importing exchlayer does not import ccxt; the first connector that needs it does.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .base import BaseExchange
from .config import Credentials
from .errors import (
    AuthenticationError,
    BadSymbol,
    ClockSkew,
    ConfigurationError,
    ConnectionNotFound,
    ExchangeError,
    ExchangeLayerError,
    ExchangeUnavailable,
    InsufficientFunds,
    InvalidArgument,
    InvalidOrder,
    MalformedResponse,
    NetworkError,
    NotSupported,
    OrderLimitViolation,
    OrderNotFound,
    OrderStatusUnknown,
    PermanentError,
    PermissionDenied,
    RateLimitExceeded,
    RequestTimeout,
    TransientError,
)
from .factory import ExchangeFactory
from .models import (
    Balance,
    Capabilities,
    ConnectionCheck,
    ExchangeInfo,
    Fee,
    MarginMode,
    Market,
    Order,
    OrderBook,
    OrderBookLevel,
    OrderSide,
    OrderStatus,
    OrderType,
    Position,
    PositionSide,
    Ticker,
    TimeInForce,
    Trade,
    TradeType,
)

if TYPE_CHECKING:
    from .connector.core import CcxtExchange

__version__ = "0.1.0"

__all__ = [
    "AuthenticationError",
    "BadSymbol",
    "Balance",
    "BaseExchange",
    "Capabilities",
    "CcxtExchange",
    "ClockSkew",
    "ConfigurationError",
    "ConnectionCheck",
    "ConnectionNotFound",
    "Credentials",
    "ExchangeError",
    "ExchangeFactory",
    "ExchangeInfo",
    "ExchangeLayerError",
    "ExchangeUnavailable",
    "Fee",
    "InsufficientFunds",
    "InvalidArgument",
    "InvalidOrder",
    "MalformedResponse",
    "MarginMode",
    "Market",
    "NetworkError",
    "NotSupported",
    "Order",
    "OrderBook",
    "OrderBookLevel",
    "OrderLimitViolation",
    "OrderNotFound",
    "OrderSide",
    "OrderStatus",
    "OrderStatusUnknown",
    "OrderType",
    "PermanentError",
    "PermissionDenied",
    "Position",
    "PositionSide",
    "RateLimitExceeded",
    "RequestTimeout",
    "Ticker",
    "TimeInForce",
    "Trade",
    "TradeType",
    "TransientError",
    "__version__",
]

_LAZY = {"CcxtExchange": "exchlayer.connector.core"}

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'exchlayer' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
