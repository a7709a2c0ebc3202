"""BingX's wire tables: published rate limits, error codes, the route table and order state."""

from __future__ import annotations

import re
from collections.abc import Callable
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
    OrderType,
    ReduceOnlyRejected,
    TimeInForce,
    UnknownOrder,
    UnknownSymbol,
    VenueState,
    WouldTriggerImmediately,
)
from exchlayer.testing.simulator.ratelimit import Limit, Penalty, Quota
from exchlayer.testing.simulator.wire import (
    AmbiguousError,
    BadSignature,
    ErrorTable,
    InvalidParameter,
    InvalidTimestamp,
    MissingKey,
    MissingParameter,
    MissingSignature,
    NoSuchEndpoint,
    Operation,
    RateLimited,
    Route,
    Rule,
    UnknownKey,
)
from exchlayer.testing.simulator.wire.numbers import decimals

SPOT = "spot"
SWAP = "swap"
CSWAP = "cswap"

HOST_SURFACES: dict[str, frozenset[str]] = {
    "open-api.bingx.com": frozenset({SPOT, SWAP, CSWAP}),
    "open-api-vst.bingx.com": frozenset({SWAP}),
}
SURFACE_PREFIXES = (
    ("/openApi/spot/", SPOT),
    ("/openApi/wallets/", SPOT),
    ("/openApi/swap/", SWAP),
    ("/openApi/cswap/", CSWAP),
)

SWAP_HISTORY_LIMIT = (500, 1000)  # default, maximum
SPOT_HISTORY_PAGE = (100, 100)
# Market history (bingx-api.github.io docs-v3, "Market Data"): default and maximum page sizes.
HISTORY = "market_history"
"""The operation of the market-history routes: klines, recent trades, funding rates."""
KLINE_LIMIT = (500, 1440)  # spot and swap klines alike
SPOT_TRADES_LIMIT = (100, 500)
SWAP_TRADES_LIMIT = (500, 1000)
FUNDING_LIMIT = (100, 1000)
# Published REST limits (bingx-api.github.io "Rate limit", and BingX's API rate-limit notice of
# 2025-10-16): per IP, the market data of spot and swap together 500 requests per 10 s and 1000
# per minute; the account interfaces 2000 per 10 s together and 300 per 10 s each; per UID, each
# trading endpoint its own per-second limit. A client over any of them is refused (HTTP 429)
# and "recovers after 5 minutes". Answers carry X-RateLimit-Requests-Remain and
# X-RateLimit-Requests-Expire (the window's end, ms) for the endpoint's tightest limit.
RESTRICTED = Penalty(seconds=300)
MARKET_10S = Limit("market", Quota(500, 10), penalty=RESTRICTED)
MARKET_1M = Limit("market-1m", Quota.rate_per_minute(1000), penalty=RESTRICTED)
ACCOUNT = Limit("account", Quota(2000, 10), penalty=RESTRICTED)
ACCOUNT_EACH = Limit("account-endpoint", Quota(300, 10), penalty=RESTRICTED, per_endpoint=True)
PER_UID: dict[int, Limit] = {
    n: Limit(f"uid-{n}/s", Quota.rate_per_second(n), per_key=True, penalty=RESTRICTED,
             per_endpoint=True)
    for n in (5, 10)
}
SPOT_CLIENT_ID = re.compile(r"^[A-Za-z0-9_]{1,40}$")
DOCS_LINK = "https://bingx-api.github.io/docs/#/en-us/spot/account-api.html#Query%20Assets"

TYPES: dict[str, OrderType] = {
    "MARKET": OrderType.MARKET,
    "LIMIT": OrderType.LIMIT,
    "TRIGGER_MARKET": OrderType.STOP,
    "TRIGGER_LIMIT": OrderType.STOP_LIMIT,
}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
TIF = {"GTC": TimeInForce.GTC, "IOC": TimeInForce.IOC, "FOK": TimeInForce.FOK}
#: average prices carry four more decimals than the price tick
AVG_PLACES = {p: Decimal(10) ** -(p + 4) for p in range(20)}


@dataclass
class BingXOrder(VenueState):
    """What BingX keeps about an order that the engine does not model."""

    client_id: str = ""
    """The client order id as the user sent it (`""` when none was: BingX makes up none)."""


def plain(value: Decimal | None) -> str:
    """The shortest plain rendering (`"50000"`, `"0.00001"`), as BingX's spot strings."""
    if value is None or value == 0:
        return "0"
    return format(value.normalize(), "f")


def _invalid(detail: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda e: f"Invalid parameters, {detail(e)}"


def _at_most(name: str, step: Callable[[Any], Decimal]) -> Callable[[Any], str]:
    return _invalid(lambda e: f"{name}: at most {decimals(step(e))} decimals are allowed")


def _tick(e: FilterFailure) -> Decimal:
    return e.instrument.price_tick


def _step(e: FilterFailure) -> Decimal:
    return e.instrument.amount_step


_CANCEL = Operation.CANCEL_ORDER

ERRORS = ErrorTable(
    Rule(NoSuchEndpoint, 100404, lambda e: f"simulator: no such endpoint {e}", 404),
    Rule(RateLimited, 429, "Too Many Requests"),
    Rule((MissingKey, UnknownKey), 100413, "Incorrect apiKey, please check your valid api key"),
    Rule(MissingSignature, 100412, "Null signature, please check your signature"),
    Rule(BadSignature, 100001,
         "Signature verification failed due to signature mismatch,please verify our "
         "authentication signature and try to run our sample code from the link " + DOCS_LINK),
    Rule(InvalidTimestamp, 100421,
         "Null timestamp or timestamp mismatch, try to run our sample code from the link "
         + DOCS_LINK),
    Rule(MissingParameter, 100400,
         lambda e: f"Invalid parameters, {e.name}: This field is required.", surface=SPOT),
    Rule(MissingParameter, 80014,
         lambda e: f"Invalid parameters,{e.name}: This field is required."),
    Rule(InvalidParameter, 100400, _invalid(lambda e: f"{e.name}: {e.raw!r} is not an integer"),
         surface=SPOT, when=lambda e: e.kind == "integer"),
    Rule(InvalidParameter, 109400, _invalid(lambda e: f"{e.name}: {e.raw!r} is not an integer"),
         when=lambda e: e.kind == "integer"),
    Rule(InvalidParameter, 100400,
         _invalid(lambda e: f"{e.name}: {e.raw!r} is not a valid number"), surface=SPOT),
    Rule(InvalidParameter, 109400,
         _invalid(lambda e: f"{e.name}: {e.raw!r} is not a valid number")),
    Rule(UnknownSymbol, 100421,
         "The symbol you request is not available to place order currently, please verify "
         "symbol's status by api:/openApi/spot/v1/common/symbols", surface=SPOT),
    Rule(UnknownSymbol, 109425,
         lambda e: f"{e.symbol} not exist, please verify it on the official website"),
    Rule(UnknownOrder, 100400,
         "the order you want to cancel is FILLED or CANCELLED already, or is not a valid order "
         "id ,please verify", surface=SPOT, operation=_CANCEL),
    Rule(UnknownOrder, 100400, " order not exist", surface=SPOT),
    Rule(UnknownOrder, 109414, "order not exist", operation=_CANCEL),
    Rule(UnknownOrder, 80016, "order does not exist"),
    Rule(InsufficientBalance, 100202, "Insufficient assets, please verify the assets status",
         surface=SPOT),
    Rule(InsufficientBalance, 101204, "Insufficient margin"),
    Rule(DuplicateClientOrderId, 101481, "clientOrderID cannot be repeated"),
    Rule(WouldTriggerImmediately, 100400,
         "Invalid parameters, stopPrice: the trigger price has already been reached",
         surface=SPOT),
    Rule(WouldTriggerImmediately, 109400,
         "Invalid parameters, stopPrice: the trigger price has already been reached"),
    Rule(ReduceOnlyRejected, 101290,
         "The Reduce Only order can only decrease the position and not be used to open a "
         "position. Please check your positions and open orders."),
    Rule(InvalidLeverage, 100400,
         _invalid(lambda e: f"leverage: {e.leverage} is not in the range 1-{e.maximum}"),
         surface=SPOT),
    Rule(InvalidLeverage, 109400,
         _invalid(lambda e: f"leverage: {e.leverage} is not in the range 1-{e.maximum}")),
    # spot filters
    Rule(FilterFailure, 100400,
         lambda e: " check limit entrust value fail, entrust volume too low, userID: ***, "
         f"minVolume:{plain(e.instrument.min_notional)}, {e.detail}",
         surface=SPOT, filters=[Filter.MIN_NOTIONAL]),
    Rule(FilterFailure, 100440,
         lambda e: f" check price diverge fail, {e.detail}, minEntrustPrice:"
         f"{plain(e.instrument.lowest_price)}, maxEntrustPrice:{plain(e.instrument.max_price)}",
         surface=SPOT, filters=[Filter.MIN_PRICE, Filter.MAX_PRICE]),
    Rule(FilterFailure, 100400, _at_most("price", _tick), surface=SPOT,
         filters=[Filter.PRICE_TICK]),
    Rule(FilterFailure, 100400, _at_most("quantity", _step), surface=SPOT,
         filters=[Filter.LOT_STEP]),
    Rule(FilterFailure, 100400,
         _invalid(lambda e: f"quantity: must be between {plain(e.instrument.min_amount)} and "
                  f"{plain(e.instrument.max_amount)}"),
         surface=SPOT),
    # swap filters
    Rule(FilterFailure, 101400,
         lambda e: "Please ensure that the minimum nominal value of the order placed must be "
         f"greater than {plain(e.instrument.min_notional)}u",
         filters=[Filter.MIN_NOTIONAL]),
    Rule(FilterFailure, 101400,
         lambda e: f"The minimum order amount is {plain(e.instrument.min_amount)} "
         f"{e.instrument.base}.",
         filters=[Filter.MIN_AMOUNT]),
    Rule(FilterFailure, 101419, "Your order size has reached the upper limit",
         filters=[Filter.MAX_AMOUNT]),
    Rule(FilterFailure, 101211,
         lambda e: f"Order price should be higher than {plain(e.instrument.lowest_price)}",
         filters=[Filter.MIN_PRICE]),
    Rule(FilterFailure, 101211,
         lambda e: f"Order price should be lower than {plain(e.instrument.max_price)}",
         filters=[Filter.MAX_PRICE]),
    Rule(FilterFailure, 109400, _at_most("price", _tick), filters=[Filter.PRICE_TICK]),
    Rule(FilterFailure, 109400, _at_most("quantity", _step)),
    Rule(InvalidOrderRequest, 100400, _invalid(str), surface=SPOT),
    Rule(InvalidOrderRequest, 109400, _invalid(str)),
    Rule(EngineError, 100500, lambda e: f"Internal server error: {e}"),
)


# ---- routes ---------------------------------------------------------------------------------

_TS = frozenset({"ts"})
"""The envelope is `{"code", "timestamp", "data"}` (else by surface: spot `{"code", "msg",
"debugMsg", "data"}`, swap `{"code", "msg", "data"}`)."""


def _public(method: str, path: str, operation: str, handler: str,
            tags: frozenset[str] = frozenset()) -> Route:
    surface = next(s for prefix, s in SURFACE_PREFIXES if path.startswith(prefix))
    return Route(method, path, operation, handler, False, 1, surface, (MARKET_10S, MARKET_1M),
                 tags)


def _signed(method: str, path: str, operation: str, handler: str, per_second: int, *,
            tags: frozenset[str] = frozenset()) -> Route:
    """A private route with its own per-UID limit ("rate limitation by UID: n/s")."""
    surface = next(s for prefix, s in SURFACE_PREFIXES if path.startswith(prefix))
    limits = (ACCOUNT, ACCOUNT_EACH, PER_UID[per_second])
    return Route(method, path, operation, handler, True, 1, surface, limits, tags)


_op = Operation
_o = "/openApi"

ROUTES: tuple[Route, ...] = (
    _public("GET", f"{_o}/swap/v2/server/time", _op.TIME, "server_time"),
    _public("GET", f"{_o}/spot/v1/server/time", _op.TIME, "server_time"),
    _public("GET", f"{_o}/spot/v1/common/symbols", _op.MARKETS, "spot_symbols"),
    _public("GET", f"{_o}/swap/v2/quote/contracts", _op.MARKETS, "swap_contracts"),
    _public("GET", f"{_o}/cswap/v1/market/contracts", _op.MARKETS, "inverse_contracts"),
    _public("GET", f"{_o}/spot/v1/ticker/24hr", _op.TICKER, "spot_ticker", _TS),
    _public("GET", f"{_o}/swap/v2/quote/ticker", _op.TICKER, "swap_ticker"),
    _public("GET", f"{_o}/spot/v1/market/depth", _op.ORDER_BOOK, "depth", _TS),
    _public("GET", f"{_o}/swap/v2/quote/depth", _op.ORDER_BOOK, "depth"),
    _public("GET", f"{_o}/spot/v1/market/kline", HISTORY, "spot_klines", _TS),
    _public("GET", f"{_o}/spot/v2/market/kline", HISTORY, "spot_klines", _TS),
    _public("GET", f"{_o}/swap/v3/quote/klines", HISTORY, "swap_klines"),
    _public("GET", f"{_o}/spot/v1/market/trades", HISTORY, "spot_trades", _TS),
    _public("GET", f"{_o}/swap/v2/quote/trades", HISTORY, "swap_trades"),
    _public("GET", f"{_o}/swap/v2/quote/fundingRate", HISTORY, "funding_rates"),
    _signed("GET", f"{_o}/wallets/v1/capital/config/getall", _op.CURRENCIES, "capital_config",
            5, tags=_TS),
    _signed("GET", f"{_o}/spot/v1/account/balance", _op.BALANCE, "spot_balance", 5),
    _signed("POST", f"{_o}/spot/v1/trade/order", _op.CREATE_ORDER, "spot_new_order", 5),
    _signed("GET", f"{_o}/spot/v1/trade/query", _op.FETCH_ORDER, "spot_query", 10),
    _signed("POST", f"{_o}/spot/v1/trade/cancel", _op.CANCEL_ORDER, "spot_cancel", 5),
    _signed("GET", f"{_o}/spot/v1/trade/openOrders", _op.OPEN_ORDERS, "spot_open_orders", 10),
    _signed("GET", f"{_o}/spot/v1/trade/myTrades", _op.MY_TRADES, "spot_my_trades", 5),
    _signed("GET", f"{_o}/spot/v1/trade/historyOrders", _op.ORDER_HISTORY, "spot_history", 10),
    _signed("GET", f"{_o}/swap/v3/user/balance", _op.BALANCE, "swap_balance", 5),
    _signed("POST", f"{_o}/swap/v2/trade/order", _op.CREATE_ORDER, "swap_new_order", 10),
    _signed("GET", f"{_o}/swap/v2/trade/order", _op.FETCH_ORDER, "swap_query", 5),
    _signed("DELETE", f"{_o}/swap/v2/trade/order", _op.CANCEL_ORDER, "swap_cancel", 5),
    _signed("GET", f"{_o}/swap/v2/trade/openOrders", _op.OPEN_ORDERS, "swap_open_orders", 5),
    _signed("GET", f"{_o}/swap/v2/trade/allFillOrders", _op.MY_TRADES, "swap_fills", 5),
    _signed("GET", f"{_o}/swap/v2/trade/allOrders", _op.ORDER_HISTORY, "swap_all_orders", 5),
    _signed("GET", f"{_o}/swap/v1/trade/fullOrder", _op.ORDER_HISTORY, "swap_full_orders", 5),
    _signed("GET", f"{_o}/swap/v2/user/positions", _op.POSITIONS, "positions", 5),
    _signed("POST", f"{_o}/swap/v2/trade/leverage", _op.LEVERAGE, "set_leverage", 5),
)


# ---- the venue ------------------------------------------------------------------------------

HOSTS: dict[str, str] = {
    "open-api.bingx.com": "live",
    "open-api-vst.bingx.com": "vst",
}
FEES: FeeSchedule = FeeSchedule(
    spot_maker=Decimal("0.001"),
    spot_taker=Decimal("0.001"),
    swap_maker=Decimal("0.0002"),
    swap_taker=Decimal("0.0005"),
)
AMBIGUOUS_ERRORS: tuple[AmbiguousError, ...] = (
    AmbiguousError(100500, "Internal system error", 200),
    AmbiguousError(109500, "The current system is busy, please try again later", 200),
    AmbiguousError(100410, "The current system is busy, please try again later", 200),
)
