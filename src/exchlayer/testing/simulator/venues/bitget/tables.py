"""Bitget's wire tables: published rate limits, error codes, the route table and order state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from exchlayer.testing.simulator.engine import (
    DuplicateClientOrderId,
    EngineError,
    FeeSchedule,
    Filter,
    FilterFailure,
    InsufficientBalance,
    InsufficientMargin,
    InvalidLeverage,
    InvalidOrderRequest,
    OrderStatus,
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
    BadPassphrase,
    BadSignature,
    ErrorTable,
    InvalidParameter,
    MalformedTimestamp,
    MissingKey,
    MissingParameter,
    MissingPassphrase,
    MissingSignature,
    NoSuchEndpoint,
    Operation,
    RateLimited,
    Route,
    Rule,
    StaleTimestamp,
    UnknownKey,
    WrongEnvironment,
)
from exchlayer.testing.simulator.wire.numbers import decimals

HOST = "api.bitget.com"
LIVE = "live"
DEMO = "demo"
OK = "00000"
USDT_FUTURES = "USDT-FUTURES"
PRODUCT_TYPES = frozenset(
    {
        "USDT-FUTURES",
        "COIN-FUTURES",
        "USDC-FUTURES",
        "SUSDT-FUTURES",
        "SCOIN-FUTURES",
        "SUSDC-FUTURES",
    }
)
TIMESTAMP_WINDOW_MS = 30_000
# Published REST limits (bitget.com/api-doc: each endpoint's page, "Frequency limit: n times/1s
# (IP|UID)", and "the overall rate limit is 6000/IP/Min"). Every endpoint is metered on its own;
# over a limit, HTTP 429 with code "429".
OVERALL = Limit("overall", Quota.rate_per_minute(6000))
_PER_SECOND: dict[tuple[int, bool], Limit] = {}


def per_second(n: int, *, per_key: bool) -> Limit:
    """The limit of an endpoint metered at `n` requests a second (per IP, or per UID)."""
    found = _PER_SECOND.get((n, per_key))
    if found is None:
        scope = "uid" if per_key else "ip"
        found = _PER_SECOND[(n, per_key)] = Limit(
            f"{n}/s/{scope}", Quota.rate_per_second(n), per_key=per_key, per_endpoint=True
        )
    return found


SPOT_BOOK_MAX = 150

# ---- market history (bitget.com/api-doc: spot and contract "market" pages) -------------------
HISTORY = "market_history"
"""The operation of the market-history routes: candles, the public tape, funding rates."""
DAY_MS = 86_400_000
SPOT_GRANULARITIES: dict[str, str] = {
    "1min": "1m", "3min": "3m", "5min": "5m", "15min": "15m", "30min": "30m",
    "1h": "1h", "4h": "4h", "6Hutc": "6h", "12Hutc": "12h", "1Dutc": "1d", "3Dutc": "3d",
    "1Wutc": "1w", "1Mutc": "1M",
}
"""Spot `granularity` -> engine timeframe. The lines Bitget aligns to UTC+8 (`6h`, `12h`,
`1day`, `3day`, `1week`, `1M`) are not modelled (the engine aligns to UTC) and are refused like
an unknown granularity; `1h` and `4h` align the same in both. Spot has no 2-hour line."""
MIX_GRANULARITIES: dict[str, str] = {
    "1m": "1m", "3m": "3m", "5m": "5m", "15m": "15m", "30m": "30m",
    "1H": "1h", "2H": "2h", "4H": "4h", "6Hutc": "6h", "12Hutc": "12h", "1Dutc": "1d",
    "3Dutc": "3d", "1Wutc": "1w", "1Mutc": "1M",
}
"""Futures `granularity` -> engine timeframe (the UTC+8 lines `6H`, `12H`, `1D`, `3D`, `1W`,
`1M` are not modelled, as on spot)."""
RECENT_DAYS: dict[str, int] = {
    "1m": 30, "3m": 30, "5m": 30, "15m": 30, "30m": 30, "1h": 60, "2h": 120, "4h": 240,
    "6h": 360, "12h": 720, "1d": 1440, "3d": 3 * 1440, "1w": 7 * 1440, "1M": 30 * 1440,
}
"""How far back (days) `market/candles` reaches, by timeframe: the values ccxt 4.5.90 measured
(`options.fetchOHLCV.maxRecentDaysPerTimeframe`, "the values provided by API DOCS are wrong");
older candles only `market/history-candles` serves."""
CANDLE_LIMITS = (100, 1000)
"""`market/candles` `limit`: default, maximum."""
HISTORY_CANDLE_LIMITS = (100, 200)
"""`market/history-candles` `limit`: default, maximum."""
MIX_CANDLE_RANGE_MS = 90 * DAY_MS
"""Futures candles: `startTime` to `endTime` at most 90 days."""
SPOT_RECENT_FILLS = (100, 500)
MIX_RECENT_FILLS = (100, 100)
FILLS_HISTORY_LIMITS = (500, 1000)
FILLS_WINDOW_MS = 7 * DAY_MS
"""`market/fills-history`: `startTime` to `endTime` at most 7 days; one of them alone spans 7
days from (to) it."""
SPOT_TAPE_DAYS = 30
"""Spot `fills-history` serves the last 30 days."""
MIX_TAPE_DAYS = 7
"""Futures `fills-history` serves the last 7 days."""
FUNDING_PAGE = (20, 100)
"""`history-fund-rate` `pageSize`: default, maximum."""
MIX_BOOK_LIMITS = {"1": 1, "5": 5, "15": 15, "50": 50, "100": 100, "max": 150}
CLIENT_OID = re.compile(r"^[!-~]{1,50}$")
NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")
FORCES = {
    "gtc": TimeInForce.GTC,
    "ioc": TimeInForce.IOC,
    "fok": TimeInForce.FOK,
    "post_only": TimeInForce.GTC,
}
SPOT_STATUS = {
    OrderStatus.NEW: "live",
    OrderStatus.PARTIALLY_FILLED: "partially_filled",
    OrderStatus.FILLED: "filled",
    OrderStatus.CANCELED: "cancelled",
    OrderStatus.EXPIRED: "cancelled",
    OrderStatus.REJECTED: "cancelled",
    OrderStatus.TRIGGERED: "filled",
}
MIX_STATUS = {
    OrderStatus.NEW: "live",
    OrderStatus.PARTIALLY_FILLED: "partially_filled",
    OrderStatus.FILLED: "filled",
    OrderStatus.CANCELED: "canceled",
    OrderStatus.EXPIRED: "canceled",
    OrderStatus.REJECTED: "canceled",
    OrderStatus.TRIGGERED: "filled",
}


@dataclass
class BitgetOrder(VenueState):
    """What Bitget keeps about an order that the engine does not model."""

    force: str = "gtc"
    """Its `force` as sent (`post_only` is a post-only `gtc`)."""
    plan_type: str = "AMOUNT"
    """A spot plan order's `planType` (`AMOUNT`, or `TOTAL`: a market buy sized in quote)."""
    size: Decimal | None = None
    """A spot plan order's `size` as sent (quote for `TOTAL`)."""
    trigger_type: str = ""
    """A plan order's `triggerType` (`fill_price`, `mark_price`)."""


def plain(value: Decimal | None) -> str:
    """Shortest plain rendering (`0.001`, `50000`), never an exponent."""
    if value is None:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


_INVALID = "Parameter verification failed"

ERRORS = ErrorTable(
    Rule(NoSuchEndpoint, "40404", "Request URL NOT FOUND", 404),
    Rule(RateLimited, "429", "Too Many Requests"),
    Rule(MissingKey, "40001", "ACCESS_KEY cannot be empty", 401),
    Rule(MissingSignature, "40003", "Signature cannot be empty", 401),
    Rule(MissingPassphrase, "40011", "ACCESS_PASSPHRASE cannot be empty", 401),
    Rule(MalformedTimestamp, "40005", "Invalid ACCESS_TIMESTAMP"),
    Rule(StaleTimestamp, "40008", "Request timestamp expired"),
    Rule(WrongEnvironment, "40099", "exchange environment is incorrect"),
    Rule(UnknownKey, "40006", "Invalid ACCESS_KEY", 401),
    Rule(BadPassphrase, "40012", "apikey/password is incorrect", 401),
    Rule(BadSignature, "40009", "sign signature error", 401),
    Rule(MissingParameter, "40019", lambda e: f"Parameter {e.name} cannot be empty"),
    # a public market-data endpoint answers 400172 (ccxt/ccxt#18888: `market/fills` with a
    # `limit` out of range)
    Rule(InvalidParameter, "400172", _INVALID, operation=HISTORY),
    Rule(InvalidParameter, "40017", _INVALID),
    Rule(UnknownSymbol, "40309", "The symbol has been removed"),
    Rule(InsufficientMargin, "40762", "The order amount exceeds the balance"),
    Rule(InsufficientBalance, "43012", "Insufficient balance"),
    Rule(DuplicateClientOrderId, "40786", "Duplicate clientOid"),
    Rule(WouldTriggerImmediately, "43011",
         "The parameter does not meet the specification triggerPrice == current price"),
    Rule(ReduceOnlyRejected, "22002", "No position to close"),
    Rule(InvalidLeverage, "40797", "Exceeded the maximum settable leverage"),
    Rule(FilterFailure, "41103", "param price scale error error", filters=[Filter.PRICE_TICK]),
    Rule(FilterFailure, "40706", "Wrong order price",
         filters=[Filter.MIN_PRICE, Filter.MAX_PRICE]),
    Rule(FilterFailure, "40808",
         lambda e: f"Parameter verification exception size checkBDScale error value={e.detail} "
         f"checkScale={decimals(e.instrument.amount_step * e.instrument.contract_size)}",
         filters=[Filter.LOT_STEP]),
    Rule(FilterFailure, "45111", "less than the minimum order quantity",
         filters=[Filter.MIN_AMOUNT]),
    Rule(FilterFailure, "45112", "more than the maximum order quantity",
         filters=[Filter.MAX_AMOUNT]),
    Rule(FilterFailure, "45110",
         lambda e: f"less than the minimum amount {plain(e.instrument.min_notional)} USDT"),
    Rule(UnknownOrder, "43001", "The order does not exist"),
    Rule(InvalidOrderRequest, "40017", _INVALID),
    Rule(EngineError, "40015", "System is abnormal, please try again later"),
)


# ---- routes ---------------------------------------------------------------------------------


def _public(method: str, path: str, operation: str, handler: str, per: int = 20) -> Route:
    """A public route metered at its documented `per` requests a second per IP."""
    return Route(method, path, operation, handler, False, 1, "",
                 (OVERALL, per_second(per, per_key=False)))


def _signed(method: str, path: str, operation: str, handler: str, per: int = 10) -> Route:
    """A private route metered at its documented `per` requests a second per UID."""
    return Route(method, path, operation, handler, True, 1, "",
                 (OVERALL, per_second(per, per_key=True)))


_op = Operation
_spot, _mix = "/api/v2/spot", "/api/v2/mix"

ROUTES: tuple[Route, ...] = (
    # public
    _public("GET", "/api/v2/public/time", _op.TIME, "time"),
    _public("GET", f"{_spot}/public/coins", _op.CURRENCIES, "coins", 3),
    _public("GET", f"{_spot}/public/symbols", _op.MARKETS, "spot_symbols"),
    _public("GET", "/api/v2/margin/currencies", _op.MARKETS, "margin_currencies", 10),
    _public("GET", f"{_mix}/market/contracts", _op.MARKETS, "contracts"),
    _public("GET", f"{_spot}/market/tickers", _op.TICKER, "spot_tickers"),
    _public("GET", f"{_mix}/market/ticker", _op.TICKER, "mix_ticker"),
    _public("GET", f"{_mix}/market/tickers", _op.TICKER, "mix_tickers"),
    _public("GET", f"{_spot}/market/orderbook", _op.ORDER_BOOK, "spot_book"),
    _public("GET", f"{_mix}/market/merge-depth", _op.ORDER_BOOK, "merge_depth"),
    # public: market history
    _public("GET", f"{_spot}/market/candles", HISTORY, "spot_candles"),
    _public("GET", f"{_spot}/market/history-candles", HISTORY, "spot_history_candles"),
    _public("GET", f"{_spot}/market/fills", HISTORY, "spot_market_fills", 10),
    _public("GET", f"{_spot}/market/fills-history", HISTORY, "spot_market_fills_history", 10),
    _public("GET", f"{_mix}/market/candles", HISTORY, "mix_candles"),
    _public("GET", f"{_mix}/market/history-candles", HISTORY, "mix_history_candles"),
    _public("GET", f"{_mix}/market/fills", HISTORY, "mix_market_fills"),
    _public("GET", f"{_mix}/market/fills-history", HISTORY, "mix_market_fills_history", 10),
    _public("GET", f"{_mix}/market/history-fund-rate", HISTORY, "mix_funding_history"),
    # private: account
    _signed("GET", "/api/v3/account/settings", _op.OTHER, "uta_settings"),
    _signed("GET", f"{_spot}/account/assets", _op.BALANCE, "spot_assets"),
    _signed("GET", f"{_mix}/account/accounts", _op.BALANCE, "mix_accounts"),
    _signed("GET", f"{_mix}/account/account", _op.LEVERAGE_INFO, "mix_account"),
    # private: spot orders
    _signed("POST", f"{_spot}/trade/place-order", _op.CREATE_ORDER, "spot_place"),
    _signed("POST", f"{_spot}/trade/place-plan-order", _op.CREATE_ORDER, "spot_plan_place", 20),
    _signed("POST", f"{_spot}/trade/cancel-order", _op.CANCEL_ORDER, "spot_cancel"),
    _signed("POST", f"{_spot}/trade/cancel-plan-order", _op.CANCEL_ORDER, "spot_plan_cancel",
            20),
    _signed("GET", f"{_spot}/trade/orderInfo", _op.FETCH_ORDER, "spot_order_info", 20),
    _signed("GET", f"{_spot}/trade/unfilled-orders", _op.OPEN_ORDERS, "spot_unfilled", 20),
    _signed("GET", f"{_spot}/trade/history-orders", _op.ORDER_HISTORY, "spot_history", 20),
    _signed("GET", f"{_spot}/trade/current-plan-order", _op.OPEN_ORDERS, "spot_plan_current",
            20),
    _signed("GET", f"{_spot}/trade/history-plan-order", _op.FETCH_ORDER, "spot_plan_history",
            20),
    _signed("GET", f"{_spot}/trade/plan-sub-order", _op.FETCH_ORDER, "spot_plan_sub", 20),
    _signed("GET", f"{_spot}/trade/fills", _op.MY_TRADES, "spot_fills"),
    # private: futures orders
    _signed("POST", f"{_mix}/order/place-order", _op.CREATE_ORDER, "mix_place"),
    _signed("POST", f"{_mix}/order/place-plan-order", _op.CREATE_ORDER, "mix_plan_place"),
    _signed("POST", f"{_mix}/order/cancel-order", _op.CANCEL_ORDER, "mix_cancel"),
    _signed("POST", f"{_mix}/order/cancel-plan-order", _op.CANCEL_ORDER, "mix_plan_cancel"),
    _signed("GET", f"{_mix}/order/detail", _op.FETCH_ORDER, "mix_detail"),
    _signed("GET", f"{_mix}/order/orders-pending", _op.OPEN_ORDERS, "mix_pending"),
    _signed("GET", f"{_mix}/order/orders-history", _op.ORDER_HISTORY, "mix_history"),
    _signed("GET", f"{_mix}/order/orders-plan-pending", _op.OPEN_ORDERS, "mix_plan_pending"),
    _signed("GET", f"{_mix}/order/orders-plan-history", _op.FETCH_ORDER, "mix_plan_history"),
    _signed("GET", f"{_mix}/order/plan-sub-order", _op.FETCH_ORDER, "mix_plan_sub"),
    _signed("GET", f"{_mix}/order/fills", _op.MY_TRADES, "mix_fills"),
    # private: positions and leverage
    _signed("GET", f"{_mix}/position/all-position", _op.POSITIONS, "positions", 5),
    _signed("GET", f"{_mix}/position/single-position", _op.POSITIONS, "single_position"),
    _signed("POST", f"{_mix}/account/set-leverage", _op.LEVERAGE, "set_leverage", 5),
)


# ---- the venue ------------------------------------------------------------------------------

HOSTS: dict[str, str] = {HOST: LIVE}
FEES: FeeSchedule = FeeSchedule(
    spot_maker=Decimal("0.001"),
    spot_taker=Decimal("0.001"),
    swap_maker=Decimal("0.0002"),
    swap_taker=Decimal("0.0006"),
)
AMBIGUOUS_ERRORS: tuple[AmbiguousError, ...] = (
    AmbiguousError("40015", "System is abnormal, please try again later", 400),
    AmbiguousError("40010", "Request timed out", 400),
)
