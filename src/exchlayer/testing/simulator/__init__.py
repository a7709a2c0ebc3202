"""A loopback venue simulator that speaks real venues' REST wire formats.

It never imports anything from exchlayer outside this package, so raw ccxt can use it
(benchmarks, bug reproductions) without the rest of the library:

    from exchlayer.testing.simulator import Simulator

    async with Simulator() as sim:
        sim.add_account("binance", api_key="key", secret="secret")
        ex = ccxt.async_support.binance(
            {"apiKey": "key", "secret": "secret", "session": sim.client_session(),
             "enableRateLimit": False})
        await ex.fetch_ticker("BTC/USDT")   # answered by 127.0.0.1, nothing leaves the machine

It plays the hostile conditions real venues and networks produce, on purpose: faults
(`faults`: dropped connections, requests delayed in transit, the venue's own "execution status
unknown" errors after acting, answers rewritten behind an "OK" envelope, see `mutations`), a
skewed venue clock (`sim.skew_clock`), queries that lag behind new orders (`sim.lag_lookups`)
and each venue's client-order-id rule (`sim.set_client_id_rule`).

The package: `engine` (the venue-neutral matching engine), `wire` (the request pipeline every
venue shares: routes, signing schemes, error tables), `venues` (one package per venue, and the
registry), `server` (the aiohttp server), `faults`, `mutations`, `ratelimit`. Writing a venue of
your own: `docs/simulator-venues.md`.
"""

from __future__ import annotations

from .engine import (
    Account,
    AssetBalance,
    ClientIdRule,
    DuplicateClientOrderId,
    Engine,
    EngineError,
    ExpireReason,
    FeeSchedule,
    Filter,
    FilterFailure,
    Instrument,
    InsufficientBalance,
    InsufficientMargin,
    InvalidLeverage,
    InvalidOrderRequest,
    MarginSummary,
    MarketStats,
    Order,
    OrderBookSnapshot,
    OrderNotOpen,
    OrderRequest,
    OrderStatus,
    OrderType,
    PositionView,
    ReduceOnlyRejected,
    Side,
    TimeInForce,
    Trade,
    UnknownOrder,
    UnknownSymbol,
    VenueState,
    WouldTriggerImmediately,
    default_instruments,
    synthetic_instruments,
)
from .faults import Fault, FaultInjector, FaultRule, InjectedFault
from .mutations import Mutation
from .ratelimit import Charge, Limit, Penalty, Quota, RateLimitBook, RateLimitSettings, Refusal
from .server import Interceptor, RecordedRequest, Simulator, reroute_middleware
from .venues import register_venue, unregister_venue
from .wire import (
    AmbiguousError,
    Call,
    ErrorTable,
    Operation,
    Route,
    Rule,
    VenueError,
    VenueModule,
    VenueRequest,
    VenueResponse,
    WireVenue,
)

__all__ = [
    "Account",
    "AmbiguousError",
    "AssetBalance",
    "Call",
    "Charge",
    "ClientIdRule",
    "DuplicateClientOrderId",
    "Engine",
    "EngineError",
    "ErrorTable",
    "ExpireReason",
    "Fault",
    "FaultInjector",
    "FaultRule",
    "FeeSchedule",
    "Filter",
    "FilterFailure",
    "InjectedFault",
    "Instrument",
    "InsufficientBalance",
    "InsufficientMargin",
    "Interceptor",
    "InvalidLeverage",
    "InvalidOrderRequest",
    "Limit",
    "MarginSummary",
    "MarketStats",
    "Mutation",
    "Operation",
    "Order",
    "OrderBookSnapshot",
    "OrderNotOpen",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "Penalty",
    "PositionView",
    "Quota",
    "RateLimitBook",
    "RateLimitSettings",
    "RecordedRequest",
    "ReduceOnlyRejected",
    "Refusal",
    "Route",
    "Rule",
    "Side",
    "Simulator",
    "TimeInForce",
    "Trade",
    "UnknownOrder",
    "UnknownSymbol",
    "VenueError",
    "VenueModule",
    "VenueRequest",
    "VenueResponse",
    "VenueState",
    "WireVenue",
    "WouldTriggerImmediately",
    "default_instruments",
    "register_venue",
    "reroute_middleware",
    "synthetic_instruments",
    "unregister_venue",
]
