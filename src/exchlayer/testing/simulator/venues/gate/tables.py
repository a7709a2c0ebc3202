"""Gate's wire tables: published rate limits, error labels, the route table and order state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from exchlayer.testing.simulator.engine import (
    DuplicateClientOrderId,
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
    ReduceOnlyRejected,
    TimeInForce,
    UnknownOrder,
    UnknownSymbol,
    VenueState,
    WouldTriggerImmediately,
)
from exchlayer.testing.simulator.ratelimit import Limit, Quota
from exchlayer.testing.simulator.wire import (
    AmbiguousError,
    BadSignature,
    ErrorTable,
    InvalidParameter,
    MalformedTimestamp,
    MissingCredential,
    MissingParameter,
    NoSuchEndpoint,
    Operation,
    RateLimited,
    Route,
    Rule,
    StaleTimestamp,
    UnknownKey,
)

PREFIX = "/api/v4"
SPOT = "spot"
FUTURES = "futures"

# Published REST limits (gate.com/docs/developers/apiv4 "Frequency limit rule", in force since
# 2024-01-22): every public endpoint 200 requests per 10 s per IP; every private one 200 per 10 s
# per UID; spot order placement 10 per second per UID and market, futures order placement 100
# per second; order cancellation 200 per second. Each answer carries X-Gate-RateLimit-* for
# the endpoint's limit; over it, HTTP 429 TOO_MANY_REQUESTS.
PUBLIC = Limit("public", Quota(200, 10), per_endpoint=True)
PRIVATE = Limit("private", Quota(200, 10), per_key=True, per_endpoint=True)
SPOT_PLACE = Limit("spot-place", Quota.rate_per_second(10), per_key=True)
"""Counted per market (`currency_pair`), not per endpoint."""
FUTURES_PLACE = Limit("futures-place", Quota.rate_per_second(100), per_key=True, per_endpoint=True)
CANCEL = Limit("cancel", Quota.rate_per_second(200), per_key=True, per_endpoint=True)

MAX_CLOCK_GAP_S = 60
TEXT_LOOKUP_AFTER_FINISH_MS = 60_000  # futures: a text still finds an order this long
TEXT = re.compile(r"^t-[0-9A-Za-z_.\-]{1,28}$")
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
SPOT_SOURCE = "apiv4"
FUTURES_SOURCE = "api"
PRICE_DEVIATE = Decimal("0.5")
TIFS = {"gtc": TimeInForce.GTC, "ioc": TimeInForce.IOC, "fok": TimeInForce.FOK,
        "poc": TimeInForce.GTC}
FUTURES_FINISH = {
    ExpireReason.IOC_REMAINDER: "ioc",
    ExpireReason.NO_LIQUIDITY: "ioc",
    ExpireReason.FOK_UNFILLABLE: "cancelled",
    ExpireReason.POST_ONLY_WOULD_TAKE: "cancelled",
    ExpireReason.REDUCE_ONLY: "reduce_only",
    ExpireReason.INSUFFICIENT_FUNDS_ON_TRIGGER: "cancelled",
}
SPOT_FINISH = {
    ExpireReason.IOC_REMAINDER: "ioc",
    ExpireReason.NO_LIQUIDITY: "depth_not_enough",
    ExpireReason.FOK_UNFILLABLE: "fok",
    ExpireReason.POST_ONLY_WOULD_TAKE: "poc",
    ExpireReason.REDUCE_ONLY: "cancelled",
    ExpireReason.INSUFFICIENT_FUNDS_ON_TRIGGER: "cancelled",
}


@dataclass
class GateOrder(VenueState):
    """What Gate keeps about an order that the engine does not model."""

    text: str = ""
    """The order's `text`: the caller's `t-...` id, else `apiv4` (spot) or `api` (futures)."""
    tif: str = ""
    """Its `time_in_force` / `tif` as sent (`poc` is a post-only `gtc`)."""
    type: str = ""
    """A spot order's `type` as sent (`limit`, `market`)."""
    close: bool = False
    """A futures order sent with `close: true` (reported with size 0)."""
    put_price: Decimal | None = None
    """A spot price order's `put.price`."""
    expiration: Any = 0
    """A price order's `trigger.expiration`, echoed as sent."""
    text_sent: bool = False
    """Whether a spot price order carried a `trigger.text` (echoed only then)."""
    price_type: Any = 0
    """A futures price order's `trigger.price_type`, echoed as sent."""

    def spawned(self) -> GateOrder:
        """The order a price order fires carries its text, time in force and type."""
        return GateOrder(text=self.text, tif=self.tif, type=self.type)


@dataclass
class Contract:
    """How Gate presents one engine perpetual."""

    inst: Instrument
    name: str
    multiplier: Decimal  # base currency per contract
    size_min: int
    size_max: int


def _invalid(name: str) -> str:
    return f"invalid argument: {name}"


def _too_small(amount: Any, unit: str) -> str:
    return f"Your order size is too small. The minimum is {plain(amount)} {unit}"


def plain(value: Decimal) -> str:
    """A Decimal as Gate prints it: plain digits, no exponent, no trailing zeros."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


_STEPS = (Filter.PRICE_TICK, Filter.LOT_STEP)

ERRORS = ErrorTable(
    Rule(NoSuchEndpoint, "NOT_FOUND",
         lambda e: f"simulator: no such endpoint {e.method} {e.path}", 404),
    Rule(RateLimited, "TOO_MANY_REQUESTS", "Request Rate limit Exceeded"),
    Rule(MissingCredential, "MISSING_REQUIRED_HEADER",
         lambda e: f"Missing required header: {e.name}", 401),
    Rule(UnknownKey, "INVALID_KEY", "Invalid key provided", 401),
    Rule(MalformedTimestamp, "REQUEST_EXPIRED", "Request timestamp is invalid", 401),
    Rule(StaleTimestamp, "REQUEST_EXPIRED",
         f"gap between request Timestamp and server time exceeds {MAX_CLOCK_GAP_S}", 401),
    Rule(BadSignature, "INVALID_SIGNATURE", "Signature mismatch", 401),
    Rule(MissingParameter, "MISSING_REQUIRED_PARAM",
         lambda e: f"Missing required parameter: {e.name}"),
    Rule(InvalidParameter, "INVALID_PARAM_VALUE", lambda e: _invalid(e.name)),
    Rule(UnknownSymbol, "CONTRACT_NOT_FOUND", "Contract not found", surface=FUTURES),
    Rule(UnknownSymbol, "INVALID_CURRENCY_PAIR", "Invalid currency pair"),
    Rule(UnknownOrder, "ORDER_NOT_FOUND", "Order not found", 404),
    Rule(DuplicateClientOrderId, "INVALID_PARAM_VALUE",
         _invalid("text is in use by another order")),
    Rule(InsufficientMargin, "INSUFFICIENT_AVAILABLE", "Insufficient available balance"),
    Rule(InsufficientBalance, "INSUFFICIENT_AVAILABLE", "Insufficient available balance",
         surface=FUTURES),
    Rule(InsufficientBalance, "BALANCE_NOT_ENOUGH", "Not enough balance"),
    Rule(ReduceOnlyRejected, "INCREASE_POSITION", "reduce-only order would increase position"),
    Rule(InvalidLeverage, "LEVERAGE_TOO_HIGH", lambda e: f"leverage too high: {e.leverage}",
         when=lambda e: e.leverage > e.maximum),
    Rule(InvalidLeverage, "LEVERAGE_TOO_LOW", lambda e: f"leverage too low: {e.leverage}"),
    Rule(WouldTriggerImmediately, "AUTO_TRIGGER_PRICE_GREATE_LAST",
         _invalid("Trigger.Price must > last_price")),
    Rule(FilterFailure, "INVALID_PARAM_VALUE", _invalid("price"), surface=FUTURES,
         filters=[Filter.PRICE_TICK]),
    Rule(FilterFailure, "INVALID_PARAM_VALUE", _invalid("size"), surface=FUTURES,
         filters=[Filter.LOT_STEP]),
    Rule(FilterFailure, "INVALID_PRECISION", "Invalid precision", filters=_STEPS),
    Rule(FilterFailure, "INVALID_PARAM_VALUE",
         lambda e: _too_small(e.instrument.min_notional, e.instrument.quote),
         filters=[Filter.MIN_NOTIONAL]),
    Rule(FilterFailure, "INVALID_PARAM_VALUE",
         lambda e: _too_small(e.instrument.min_amount, e.instrument.base),
         filters=[Filter.MIN_AMOUNT]),
    Rule(FilterFailure, "INVALID_PARAM_VALUE",
         lambda e: f"Your order size is too large. The maximum is "
         f"{plain(e.instrument.max_amount)} {e.instrument.base}",
         filters=[Filter.MAX_AMOUNT]),
    Rule(FilterFailure, "INVALID_PARAM_VALUE", _invalid("price")),
    Rule(InvalidOrderRequest, "INVALID_PARAM_VALUE", str),
    Rule(EngineError, "SERVER_ERROR", lambda e: f"Internal server error: {e}", 500),
)


# ---- routes ---------------------------------------------------------------------------------

_EXPIRING = frozenset({"expiring"})
"""Honours `X-Gate-Exptime` (new spot and futures orders, not price orders)."""


def _r(method: str, path: str, operation: str, handler: str, *, private: bool = False,
       limit: Limit | None = None, tags: frozenset[str] = frozenset()) -> Route:
    surface = FUTURES if path.startswith("/futures/") else SPOT
    limits = (limit or (PRIVATE if private else PUBLIC),)
    return Route(method, path, operation, handler, private, 1, surface, limits, tags)


_op = Operation
_f = "/futures/{settle}"
HISTORY = "market_history"
"""The operation of the market-history routes: candlesticks, public trades, funding rates."""

ROUTES: tuple[Route, ...] = (
    _r("GET", "/spot/time", _op.TIME, "time"),
    _r("GET", "/spot/currencies", _op.CURRENCIES, "currencies"),
    _r("GET", "/spot/currency_pairs", _op.MARKETS, "currency_pairs"),
    _r("GET", "/margin/currency_pairs", _op.MARKETS, "margin_pairs"),
    _r("GET", "/spot/tickers", _op.TICKER, "spot_tickers"),
    _r("GET", "/spot/order_book", _op.ORDER_BOOK, "spot_book"),
    _r("GET", f"{_f}/contracts", _op.MARKETS, "futures_contracts"),
    _r("GET", f"{_f}/contracts/{{contract}}", _op.MARKETS, "futures_contract"),
    _r("GET", f"{_f}/tickers", _op.TICKER, "futures_tickers"),
    _r("GET", f"{_f}/order_book", _op.ORDER_BOOK, "futures_book"),
    _r("GET", "/spot/candlesticks", HISTORY, "spot_candlesticks"),
    _r("GET", "/spot/trades", HISTORY, "spot_market_trades"),
    _r("GET", f"{_f}/candlesticks", HISTORY, "futures_candlesticks"),
    _r("GET", f"{_f}/trades", HISTORY, "futures_market_trades"),
    _r("GET", f"{_f}/funding_rate", HISTORY, "futures_funding_rate"),
    _r("GET", "/delivery/{settle}/contracts", _op.MARKETS, "empty"),
    _r("GET", "/options/underlyings", _op.MARKETS, "empty"),
    _r("GET", "/account/detail", _op.OTHER, "account_detail", private=True),
    _r("GET", "/spot/accounts", _op.BALANCE, "spot_accounts", private=True),
    _r("POST", "/spot/orders", _op.CREATE_ORDER, "spot_create", private=True,
       limit=SPOT_PLACE, tags=_EXPIRING),
    _r("GET", "/spot/orders", _op.OPEN_ORDERS, "spot_list", private=True),
    _r("GET", "/spot/orders/{order_id}", _op.FETCH_ORDER, "spot_get", private=True),
    _r("DELETE", "/spot/orders/{order_id}", _op.CANCEL_ORDER, "spot_cancel", private=True,
       limit=CANCEL),
    _r("GET", "/spot/open_orders", _op.OPEN_ORDERS, "spot_open_orders", private=True),
    _r("GET", "/spot/my_trades", _op.MY_TRADES, "spot_trades", private=True),
    _r("POST", "/spot/price_orders", _op.CREATE_ORDER, "spot_price_create", private=True),
    _r("GET", "/spot/price_orders", _op.OPEN_ORDERS, "spot_price_list", private=True),
    _r("GET", "/spot/price_orders/{order_id}", _op.FETCH_ORDER, "spot_price_get",
       private=True),
    _r("DELETE", "/spot/price_orders/{order_id}", _op.CANCEL_ORDER, "spot_price_cancel",
       private=True),
    _r("GET", f"{_f}/accounts", _op.BALANCE, "futures_accounts", private=True),
    _r("POST", f"{_f}/orders", _op.CREATE_ORDER, "futures_create", private=True,
       limit=FUTURES_PLACE, tags=_EXPIRING),
    _r("GET", f"{_f}/orders", _op.OPEN_ORDERS, "futures_list", private=True),
    _r("GET", f"{_f}/orders_timerange", _op.ORDER_HISTORY, "futures_timerange", private=True),
    _r("GET", f"{_f}/orders/{{order_id}}", _op.FETCH_ORDER, "futures_get", private=True),
    _r("DELETE", f"{_f}/orders/{{order_id}}", _op.CANCEL_ORDER, "futures_cancel",
       private=True, limit=CANCEL),
    _r("GET", f"{_f}/my_trades", _op.MY_TRADES, "futures_trades", private=True),
    _r("GET", f"{_f}/my_trades_timerange", _op.MY_TRADES, "futures_trades", private=True),
    _r("POST", f"{_f}/price_orders", _op.CREATE_ORDER, "futures_price_create", private=True),
    _r("GET", f"{_f}/price_orders", _op.OPEN_ORDERS, "futures_price_list", private=True),
    _r("GET", f"{_f}/price_orders/{{order_id}}", _op.FETCH_ORDER, "futures_price_get",
       private=True),
    _r("DELETE", f"{_f}/price_orders/{{order_id}}", _op.CANCEL_ORDER, "futures_price_cancel",
       private=True),
    _r("GET", f"{_f}/positions", _op.POSITIONS, "positions", private=True),
    _r("GET", f"{_f}/positions/{{contract}}", _op.POSITIONS, "position_one", private=True),
    _r("POST", f"{_f}/positions/{{contract}}/leverage", _op.LEVERAGE, "leverage",
       private=True),
)


# ---- the venue ------------------------------------------------------------------------------

HOSTS: dict[str, str] = {
    "api.gateio.ws": "live",
    "api-testnet.gateapi.io": "testnet",
}
FEES: FeeSchedule = FeeSchedule(
    spot_maker=Decimal("0.002"),
    spot_taker=Decimal("0.002"),
    swap_maker=Decimal("0.0002"),
    swap_taker=Decimal("0.0005"),
)
AMBIGUOUS_ERRORS: tuple[AmbiguousError, ...] = (
    AmbiguousError("SERVER_ERROR", "Internal server error", 500),
    AmbiguousError("INTERNAL", "Internal server error", 500),
    AmbiguousError("TOO_BUSY", "Server is too busy at the moment", 503),
)
