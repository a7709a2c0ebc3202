"""exchlayer: one typed async interface for trading on many crypto exchanges, on top of ccxt.

    from decimal import Decimal
    from exchlayer import ExchangeFactory, OrderSide, OrderType

    async with ExchangeFactory.create_exchange("binance", api_key=..., api_secret=...) as ex:
        ticker = await ex.get_ticker("BTC/USDT")
        order = await ex.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, Decimal("0.001"), Decimal("50000")
        )

Importing exchlayer does not import ccxt, aiohttp or the optional parts: `CcxtExchange`,
`TradingService` (and its results), `RetryPolicy` and the connection stores are imported on
first use of their name, and the first connector that needs ccxt imports it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .base import BaseExchange
from .config import Credentials
from .connection import ExchangeConnection
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
from .history.models import Candle, FundingRate, PublicTrade
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
    from .resilience import RetryPolicy
    from .service import (
        ConnectionStatus,
        Portfolio,
        PortfolioBalance,
        TickerSnapshot,
        TradingService,
        VenueQuote,
    )
    from .store import ConnectionStore, MemoryConnectionStore, SQLiteConnectionStore

__version__ = "0.1.0"

__all__ = [
    "AuthenticationError",
    "BadSymbol",
    "Balance",
    "BaseExchange",
    "Candle",
    "Capabilities",
    "CcxtExchange",
    "ClockSkew",
    "ConfigurationError",
    "ConnectionCheck",
    "ConnectionNotFound",
    "ConnectionStatus",
    "ConnectionStore",
    "Credentials",
    "ExchangeConnection",
    "ExchangeError",
    "ExchangeFactory",
    "ExchangeInfo",
    "ExchangeLayerError",
    "ExchangeUnavailable",
    "Fee",
    "FundingRate",
    "InsufficientFunds",
    "InvalidArgument",
    "InvalidOrder",
    "MalformedResponse",
    "MarginMode",
    "Market",
    "MemoryConnectionStore",
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
    "Portfolio",
    "PortfolioBalance",
    "Position",
    "PositionSide",
    "PublicTrade",
    "RateLimitExceeded",
    "RequestTimeout",
    "RetryPolicy",
    "SQLiteConnectionStore",
    "Ticker",
    "TickerSnapshot",
    "TimeInForce",
    "Trade",
    "TradeType",
    "TradingService",
    "TransientError",
    "VenueQuote",
    "__version__",
]

# Names whose modules import aiohttp, ccxt, tenacity or sqlite3: imported on first access.
_LAZY = {
    "CcxtExchange": "exchlayer.connector.core",
    "ConnectionStatus": "exchlayer.service",
    "ConnectionStore": "exchlayer.store",
    "MemoryConnectionStore": "exchlayer.store",
    "Portfolio": "exchlayer.service",
    "PortfolioBalance": "exchlayer.service",
    "RetryPolicy": "exchlayer.resilience",
    "SQLiteConnectionStore": "exchlayer.store",
    "TickerSnapshot": "exchlayer.service",
    "TradingService": "exchlayer.service",
    "VenueQuote": "exchlayer.service",
}

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'exchlayer' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
