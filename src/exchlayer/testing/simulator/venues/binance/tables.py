"""Binance's wire tables: hosts, published rate limits, error codes and the route table."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from exchlayer.testing.simulator.engine import (
    DuplicateClientOrderId,
    EngineError,
    FeeSchedule,
    Filter,
    FilterFailure,
    InsufficientBalance,
    InvalidLeverage,
    InvalidOrderRequest,
    OrderStatus,
    OrderType,
    ReduceOnlyRejected,
    UnknownOrder,
    UnknownSymbol,
    VenueState,
    WouldTriggerImmediately,
)
from exchlayer.testing.simulator.ratelimit import Limit, Penalty, Quota
from exchlayer.testing.simulator.wire import (
    AmbiguousError,
    BadSignature,
    Call,
    ErrorTable,
    InvalidParameter,
    MalformedTimestamp,
    MissingCredential,
    MissingKey,
    MissingParameter,
    NoSuchEndpoint,
    Operation,
    RateLimited,
    Route,
    Rule,
    TimestampAhead,
    TimestampExpired,
    UnknownKey,
    WindowTooLarge,
)
from exchlayer.testing.simulator.wire.numbers import fixed

SPOT = "spot"
USDM = "usdm"
COINM = "coinm"
FUTURES = frozenset({USDM, COINM})

HOST_SURFACES: dict[str, frozenset[str]] = {
    "api.binance.com": frozenset({SPOT}),
    "fapi.binance.com": frozenset({USDM}),
    "dapi.binance.com": frozenset({COINM}),
    "demo-api.binance.com": frozenset({SPOT}),
    "demo-fapi.binance.com": frozenset({USDM}),
    "demo-dapi.binance.com": frozenset({COINM}),
    "testnet.binance.vision": frozenset({SPOT}),
    "testnet.binancefuture.com": frozenset({USDM, COINM}),
    "api.binance.us": frozenset({SPOT}),
}
SURFACE_PREFIXES = (("/api/", SPOT), ("/sapi/", SPOT), ("/fapi/", USDM), ("/dapi/", COINM))


@dataclass
class BinanceOrder(VenueState):
    """What Binance keeps about an order that the engine does not model."""

    wire_type: str = ""
    """The spot type it was placed as (`LIMIT_MAKER`, `STOP_LOSS_LIMIT`, ...)."""


NUMBER = re.compile(r"^[0-9]{1,20}(\.[0-9]{1,20})?$")
CLIENT_ID = re.compile(r"^[\.A-Z\:/a-z0-9_-]{1,36}$")
SPOT_ORDER_TYPES = [
    "LIMIT",
    "LIMIT_MAKER",
    "MARKET",
    "STOP_LOSS",
    "STOP_LOSS_LIMIT",
    "TAKE_PROFIT",
    "TAKE_PROFIT_LIMIT",
]
FUTURES_ORDER_TYPES = [
    "LIMIT",
    "MARKET",
    "STOP",
    "STOP_MARKET",
    "TAKE_PROFIT",
    "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
]
SPOT_TYPES: dict[str, OrderType] = {
    "LIMIT": OrderType.LIMIT,
    "LIMIT_MAKER": OrderType.LIMIT,
    "MARKET": OrderType.MARKET,
    "STOP_LOSS": OrderType.STOP,
    "STOP_LOSS_LIMIT": OrderType.STOP_LIMIT,
    "TAKE_PROFIT": OrderType.TAKE_PROFIT,
    "TAKE_PROFIT_LIMIT": OrderType.TAKE_PROFIT_LIMIT,
}
SPOT_TYPE_NAMES = {
    OrderType.LIMIT: "LIMIT",
    OrderType.MARKET: "MARKET",
    OrderType.STOP: "STOP_LOSS",
    OrderType.STOP_LIMIT: "STOP_LOSS_LIMIT",
    OrderType.TAKE_PROFIT: "TAKE_PROFIT",
    OrderType.TAKE_PROFIT_LIMIT: "TAKE_PROFIT_LIMIT",
}
ALGO_TYPES: dict[str, OrderType] = {
    "STOP_MARKET": OrderType.STOP,
    "STOP": OrderType.STOP_LIMIT,
    "TAKE_PROFIT_MARKET": OrderType.TAKE_PROFIT,
    "TAKE_PROFIT": OrderType.TAKE_PROFIT_LIMIT,
}
FUTURES_TYPE_NAMES = {v: k for k, v in ALGO_TYPES.items()} | {
    OrderType.LIMIT: "LIMIT",
    OrderType.MARKET: "MARKET",
}
STATUS = {
    OrderStatus.NEW: "NEW",
    OrderStatus.PARTIALLY_FILLED: "PARTIALLY_FILLED",
    OrderStatus.FILLED: "FILLED",
    OrderStatus.CANCELED: "CANCELED",
    OrderStatus.EXPIRED: "EXPIRED",
    OrderStatus.REJECTED: "REJECTED",
    OrderStatus.TRIGGERED: "FILLED",
}
#: The notional caps of the leverage brackets (each halves the leverage of the one before).
TIER_CAPS = [
    Decimal(50_000),
    Decimal(600_000),
    Decimal(3_000_000),
    Decimal(12_000_000),
    Decimal(70_000_000),
]
DEFAULT_RECV_WINDOW = 5000
MAX_RECV_WINDOW = 60000
ALL_ORDERS_LIMIT = (500, 1000)  # default, maximum
FUTURES_HISTORY_MS = 7 * 86_400_000

# Published REST limits (developers.binance.com: spot "rest-api/limits", USDⓈ-M futures "general
# info, limits"). REQUEST_WEIGHT and RAW_REQUESTS are counted per IP (here: per environment) and
# per host family; ORDERS per account. exchangeInfo's `rateLimits` lists the same numbers. A
# client that keeps sending after its 429s is banned (HTTP 418, from 2 minutes): modelled as 418
# for 2 minutes once 20 requests of one window were refused.
BAN = Penalty(seconds=120, status=418, after=20)
SPOT_WEIGHT = Limit("REQUEST_WEIGHT", Quota.rate_per_minute(6000), penalty=BAN)
SPOT_RAW = Limit("RAW_REQUESTS", Quota(61000, 300), penalty=BAN)
SPOT_ORDERS_10S = Limit("ORDERS", Quota(100, 10), per_key=True)
SPOT_ORDERS_1D = Limit("ORDERS", Quota(200000, 86400), per_key=True)
FUTURES_WEIGHT = Limit("REQUEST_WEIGHT", Quota.rate_per_minute(2400), penalty=BAN)
FUTURES_ORDERS_1M = Limit("ORDERS", Quota.rate_per_minute(1200), per_key=True)
FUTURES_ORDERS_10S = Limit("ORDERS", Quota(300, 10), per_key=True)
IP_LIMITS: dict[str, tuple[Limit, ...]] = {
    SPOT: (SPOT_WEIGHT, SPOT_RAW),
    USDM: (FUTURES_WEIGHT,),
    COINM: (FUTURES_WEIGHT,),
}
#: New orders also count against these (with the suffix of their usage header).
ORDER_LIMITS: dict[str, tuple[tuple[str, Limit], ...]] = {
    SPOT: (("10S", SPOT_ORDERS_10S), ("1D", SPOT_ORDERS_1D)),
    USDM: (("10S", FUTURES_ORDERS_10S), ("1M", FUTURES_ORDERS_1M)),
}
_INTERVALS = {1: "SECOND", 60: "MINUTE", 86400: "DAY"}

# Market history (developers.binance.com: spot "market data endpoints", USDⓈ-M "market data").
HISTORY = "market_history"
"""The operation of the market-history routes: klines, public trades, funding rates."""
KLINE_LIMITS = {SPOT: (500, 1000), USDM: (500, 1500)}  # default, maximum
TRADE_LIMITS = (500, 1000)
FUNDING_LIMITS = (100, 1000)
AGG_WINDOW_MS = 3_600_000
"""USDⓈ-M `aggTrades`: `startTime` and `endTime` together at most an hour apart."""
FUTURES_TRADE_RETENTION_MS = 365 * 86_400_000
"""USDⓈ-M `aggTrades` serves trades "not older than one year"."""
FUNDING_RATE_LIMIT = Limit("FUNDING_RATE", Quota(500, 300))
"""`GET /fapi/v1/fundingRate` shares 500 requests per 5 minutes per IP with
`/fapi/v1/fundingInfo`, instead of request weight."""


def rate_limit_info(limits: Iterable[Limit]) -> list[dict[str, Any]]:
    """exchangeInfo's `rateLimits` for `limits`."""
    out = []
    for limit in limits:
        seconds = int(limit.quota.seconds)
        unit = next(u for u in (86400, 60, 1) if seconds % u == 0)
        out.append(
            {
                "rateLimitType": limit.name,
                "interval": _INTERVALS[unit],
                "intervalNum": seconds // unit,
                "limit": int(limit.quota.limit),
            }
        )
    return out


SPOT_RATE_LIMITS = rate_limit_info([SPOT_WEIGHT, SPOT_ORDERS_10S, SPOT_ORDERS_1D, SPOT_RAW])
FUTURES_RATE_LIMITS = rate_limit_info([FUTURES_WEIGHT, FUTURES_ORDERS_1M, FUTURES_ORDERS_10S])


def window_text(window_ms: int) -> str:
    """`1 MINUTE`, `10 SECOND`: a window as Binance words it in its 429 messages."""
    seconds = window_ms / 1000
    for unit, name in ((86400, "DAY"), (60, "MINUTE"), (1, "SECOND")):
        if seconds >= unit and seconds % unit == 0:
            return f"{int(seconds // unit)} {name}"
    return f"{seconds:g} SECOND"


def plain(value: Any, min_places: int = 0, max_places: int = 8) -> str:
    """Shortest plain rendering with between min_places and max_places decimals."""
    text = fixed(value, max_places)
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0")
        if len(frac) < min_places:
            frac = frac.ljust(min_places, "0")
        text = f"{whole}.{frac}" if frac else whole
    return text


def _illegal(e: InvalidParameter) -> str:
    legal = "^[0-9]{1,20}$" if e.kind == "integer" else "^([0-9]{1,20})(\\.[0-9]{1,20})?$"
    return f"Illegal characters found in parameter '{e.name}'; legal range is '{legal}'."


def _rate(e: RateLimited) -> str:
    return f"{e.refusal.budget:g}"


_PRICE_FILTERS = (Filter.PRICE_TICK, Filter.MIN_PRICE, Filter.MAX_PRICE)

ERRORS = ErrorTable(
    Rule(NoSuchEndpoint, -1, lambda e: f"simulator: no such endpoint {e}", 404),
    Rule(
        RateLimited, -1003,
        lambda e: f"Way too much request weight used; IP banned until "
        f"{e.refusal.banned_until_ms}. Please use WebSocket Streams for live updates to avoid "
        "bans.",
        when=lambda e: e.refusal.status == 418,
    ),
    Rule(
        RateLimited, -1015,
        lambda e: f"Too many new orders; current limit is {_rate(e)} orders per "
        f"{window_text(e.window_ms)}.",
        when=lambda e: e.refusal.limit.name == "ORDERS",
    ),
    Rule(
        RateLimited, -1003,
        lambda e: f"Too much request weight used; current limit is {_rate(e)} request weight "
        f"per {window_text(e.window_ms)}. Please use WebSocket Streams for live updates to "
        "avoid polling the API.",
        surface=SPOT,
    ),
    Rule(
        RateLimited, -1003,
        lambda e: f"Too many requests; current limit of IP(127.0.0.1) is {_rate(e)} requests "
        f"per {window_text(e.window_ms).lower()}. Please use the websocket for live updates to "
        "avoid polling the API.",
    ),
    Rule(MissingKey, -2014, "API-key format invalid.", 401),
    Rule(UnknownKey, -2015, "Invalid API-key, IP, or permissions for action.", 401),
    Rule(BadSignature, -1022, "Signature for this request is not valid."),
    Rule(
        (MissingParameter, MissingCredential, MalformedTimestamp), -1102,
        lambda e: f"Mandatory parameter '{e.name}' was not sent, was empty/null, or malformed.",
    ),
    Rule(InvalidParameter, -1100, _illegal),
    Rule(WindowTooLarge, -1131, "recvWindow must be less than 60000"),
    Rule(TimestampAhead, -1021,
         "Timestamp for this request was 1000ms ahead of the server's time."),
    Rule(TimestampExpired, -1021, "Timestamp for this request is outside of the recvWindow."),
    Rule(UnknownSymbol, -1121, "Invalid symbol."),
    Rule(UnknownOrder, -2011, "Unknown order sent.", operation=Operation.CANCEL_ORDER),
    Rule(UnknownOrder, -2013, "Order does not exist."),
    Rule(InsufficientBalance, -2019, "Margin is insufficient.", surface=FUTURES),
    Rule(InsufficientBalance, -2010, "Account has insufficient balance for requested action."),
    Rule(DuplicateClientOrderId, -4116, "ClientOrderId is duplicated.", surface=FUTURES),
    Rule(DuplicateClientOrderId, -2010, "Duplicate order sent."),
    Rule(WouldTriggerImmediately, -2021, "Order would immediately trigger.", surface=FUTURES),
    Rule(WouldTriggerImmediately, -2010, "Stop price would trigger immediately."),
    Rule(ReduceOnlyRejected, -2022, "ReduceOnly Order is rejected."),
    Rule(InvalidLeverage, -4028, lambda e: f"Leverage {e.leverage} is not valid"),
    Rule(FilterFailure, -1013, "Filter failure: PRICE_FILTER", surface=SPOT,
         filters=_PRICE_FILTERS),
    Rule(FilterFailure, -1013, "Filter failure: NOTIONAL", surface=SPOT,
         filters=[Filter.MIN_NOTIONAL]),
    Rule(FilterFailure, -1013, "Filter failure: LOT_SIZE", surface=SPOT),
    Rule(FilterFailure, -4014, "Price not increased by tick size.", filters=[Filter.PRICE_TICK]),
    Rule(FilterFailure, -4002, "Price greater than max price.", filters=[Filter.MAX_PRICE]),
    Rule(FilterFailure, -4013, "Price less than min price.", filters=[Filter.MIN_PRICE]),
    Rule(FilterFailure, -1111, "Precision is over the maximum defined for this asset.",
         filters=[Filter.LOT_STEP]),
    Rule(FilterFailure, -4004, "Quantity less than min quantity.", filters=[Filter.MIN_AMOUNT]),
    Rule(FilterFailure, -4005, "Quantity greater than max quantity.",
         filters=[Filter.MAX_AMOUNT]),
    Rule(
        FilterFailure, -4164,
        lambda e: f"Order's notional must be no smaller than {plain(e.instrument.min_notional)} "
        "(unless you choose reduce only).",
    ),
    Rule(InvalidOrderRequest, -1102, str),
    Rule(
        EngineError, -1000,
        lambda e: f"An unknown error occurred while processing the request. {e}", 500,
    ),
)


# ---- routes ---------------------------------------------------------------------------------


def depth_weight(call: Call) -> int:
    """The weight of a book request, by its `limit` (spot and futures differ)."""
    raw = call.get("limit") or ""
    limit = int(raw) if raw.isdigit() else (100 if call.surface == SPOT else 500)
    if call.surface == SPOT:
        return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250
    return 2 if limit < 100 else 5 if limit < 500 else 10 if limit < 1000 else 20


def kline_weight(call: Call) -> int:
    """The weight of a USDⓈ-M kline request, by its `limit` (as sent; default 500)."""
    raw = call.get("limit") or ""
    limit = int(raw) if raw.isdigit() else KLINE_LIMITS[USDM][0]
    return 1 if limit < 100 else 2 if limit < 500 else 5 if limit <= 1000 else 10


def many(single: int, every: int) -> Callable[[Call], int]:
    """The weight of an endpoint that answers for one symbol, or for all of them."""
    return lambda call: single if call.get("symbol") else every


def _family(surface: str, *, private: bool) -> Callable[..., Route]:
    def route(method: str, path: str, operation: str, handler: str, weight: Any = 1) -> Route:
        return Route(method, path, operation, handler, private, weight, surface)

    return route


_spot, _spot_signed = _family(SPOT, private=False), _family(SPOT, private=True)
_usdm, _usdm_signed = _family(USDM, private=False), _family(USDM, private=True)


_op = Operation
_f = "/fapi/v1"

ROUTES: tuple[Route, ...] = (
    *(
        route
        for prefix in ("/api/v3", "/api/v1")
        for route in (
            _spot("GET", f"{prefix}/ping", _op.OTHER, "ping"),
            _spot("GET", f"{prefix}/time", _op.TIME, "time"),
        )
    ),
    _spot("GET", "/api/v3/exchangeInfo", _op.MARKETS, "exchange_info", 20),
    _spot("GET", "/api/v3/depth", _op.ORDER_BOOK, "depth", depth_weight),
    _spot("GET", "/api/v3/ticker/24hr", _op.TICKER, "ticker_24hr", many(2, 80)),
    _spot("GET", "/api/v3/ticker/price", _op.TICKER, "ticker_price", many(2, 4)),
    _spot("GET", "/api/v3/ticker/bookTicker", _op.TICKER, "book_ticker", many(2, 4)),
    _spot("GET", "/api/v3/klines", HISTORY, "klines", 2),
    _spot("GET", "/api/v3/aggTrades", HISTORY, "agg_trades", 4),
    _spot("GET", "/api/v3/trades", HISTORY, "recent_trades", 25),
    _spot("GET", "/api/v3/historicalTrades", HISTORY, "historical_trades", 25),
    _spot_signed("GET", "/api/v3/account", _op.BALANCE, "spot_account", 20),
    _spot_signed("POST", "/api/v3/order", _op.CREATE_ORDER, "spot_new_order", 1),
    _spot_signed("GET", "/api/v3/order", _op.FETCH_ORDER, "spot_get_order", 4),
    _spot_signed("DELETE", "/api/v3/order", _op.CANCEL_ORDER, "spot_cancel", 1),
    _spot_signed("GET", "/api/v3/openOrders", _op.OPEN_ORDERS, "spot_open_orders", many(6, 80)),
    _spot_signed("GET", "/api/v3/myTrades", _op.MY_TRADES, "my_trades", 20),
    _spot_signed("GET", "/api/v3/allOrders", _op.ORDER_HISTORY, "spot_all_orders", 20),
    _spot_signed("GET", "/sapi/v1/capital/config/getall", _op.CURRENCIES, "capital_config", 10),
    _spot_signed("GET", "/sapi/v1/margin/allPairs", _op.MARKETS, "margin_all_pairs", 1),
    _spot_signed("GET", "/sapi/v1/margin/isolated/allPairs", _op.MARKETS, "isolated_all_pairs",
                 10),
    *(
        route
        for surface, prefix in ((USDM, "/fapi/v1"), (COINM, "/dapi/v1"))
        for route in (
            Route("GET", f"{prefix}/ping", _op.OTHER, "ping", surface=surface),
            Route("GET", f"{prefix}/time", _op.TIME, "time", surface=surface),
            Route("GET", f"{prefix}/exchangeInfo", _op.MARKETS, "exchange_info",
                  surface=surface),
        )
    ),
    _usdm("GET", f"{_f}/depth", _op.ORDER_BOOK, "depth", depth_weight),
    _usdm("GET", f"{_f}/ticker/24hr", _op.TICKER, "ticker_24hr", many(1, 40)),
    _usdm("GET", f"{_f}/ticker/price", _op.TICKER, "ticker_price", many(1, 2)),
    _usdm("GET", f"{_f}/ticker/bookTicker", _op.TICKER, "book_ticker", many(2, 5)),
    _usdm("GET", f"{_f}/premiumIndex", _op.TICKER, "premium_index", 1),
    _usdm("GET", f"{_f}/klines", HISTORY, "klines", kline_weight),
    _usdm("GET", f"{_f}/aggTrades", HISTORY, "agg_trades", 20),
    _usdm("GET", f"{_f}/trades", HISTORY, "recent_trades", 5),
    Route("GET", f"{_f}/fundingRate", HISTORY, "funding_rate", False, 0, USDM,
          (FUNDING_RATE_LIMIT,)),
    _usdm_signed("GET", "/fapi/v3/account", _op.BALANCE, "futures_account", 5),
    _usdm_signed("GET", "/fapi/v2/account", _op.BALANCE, "futures_account_v2", 5),
    # a new futures order costs no IP weight, only order counts
    _usdm_signed("POST", f"{_f}/order", _op.CREATE_ORDER, "futures_new_order", 0),
    _usdm_signed("GET", f"{_f}/order", _op.FETCH_ORDER, "futures_get_order"),
    _usdm_signed("DELETE", f"{_f}/order", _op.CANCEL_ORDER, "futures_cancel"),
    _usdm_signed("GET", f"{_f}/openOrders", _op.OPEN_ORDERS, "futures_open_orders",
                 many(1, 40)),
    _usdm_signed("GET", f"{_f}/userTrades", _op.MY_TRADES, "my_trades", 5),
    _usdm_signed("GET", f"{_f}/allOrders", _op.ORDER_HISTORY, "futures_all_orders", 5),
    _usdm_signed("POST", f"{_f}/algoOrder", _op.CREATE_ORDER, "algo_new"),
    _usdm_signed("GET", f"{_f}/algoOrder", _op.FETCH_ORDER, "algo_get"),
    _usdm_signed("DELETE", f"{_f}/algoOrder", _op.CANCEL_ORDER, "algo_cancel"),
    _usdm_signed("GET", f"{_f}/openAlgoOrders", _op.OPEN_ORDERS, "algo_open", many(1, 40)),
    _usdm_signed("GET", "/fapi/v3/positionRisk", _op.POSITIONS, "position_risk", 5),
    _usdm_signed("GET", "/fapi/v2/positionRisk", _op.POSITIONS, "position_risk_v2", 5),
    _usdm_signed("GET", f"{_f}/leverageBracket", _op.LEVERAGE_INFO, "leverage_bracket"),
    _usdm_signed("GET", f"{_f}/symbolConfig", _op.LEVERAGE_INFO, "symbol_config", 5),
    _usdm_signed("POST", f"{_f}/leverage", _op.LEVERAGE, "set_leverage"),
)


# ---- the venue ------------------------------------------------------------------------------

HOSTS: dict[str, str] = {
    "api.binance.com": "live",
    "fapi.binance.com": "live",
    "dapi.binance.com": "live",
    "demo-api.binance.com": "demo",
    "demo-fapi.binance.com": "demo",
    "demo-dapi.binance.com": "demo",
    "testnet.binance.vision": "sandbox",
    "testnet.binancefuture.com": "sandbox",
    "api.binance.us": "binanceus",
}
FEES: FeeSchedule = FeeSchedule(
    spot_maker=Decimal("0.001"),
    spot_taker=Decimal("0.001"),
    swap_maker=Decimal("0.0002"),
    swap_taker=Decimal("0.0005"),
)
AMBIGUOUS_ERRORS: tuple[AmbiguousError, ...] = (
    AmbiguousError(-1000, "An unknown error occurred while processing the request.", 500),
    AmbiguousError(
        -1007,
        "Timeout waiting for response from backend server. Send status unknown; "
        "execution status unknown.",
        408,
    ),
    AmbiguousError(
        -1008,
        "Server is currently overloaded with other requests. Please try again in a few "
        "minutes.",
        503,
    ),
    AmbiguousError(
        -1006,
        "An unexpected response was received from the message bus. Execution status "
        "unknown.",
        500,
    ),
    AmbiguousError(
        -1001, "Internal error; unable to process your request. Please try again.", 500
    ),
)
