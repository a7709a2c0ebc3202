"""KuCoin's wire tables: resource pools, error codes, the route table and order state."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from exchlayer.testing.simulator.engine import (
    DuplicateClientOrderId,
    EngineError,
    FeeSchedule,
    Filter,
    FilterFailure,
    InsufficientBalance,
    InvalidLeverage,
    InvalidOrderRequest,
    ReduceOnlyRejected,
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
    InvalidTimestamp,
    MissingCredential,
    MissingParameter,
    NoSuchEndpoint,
    Operation,
    RateLimited,
    Route,
    Rule,
    UnknownKey,
)

SPOT = "spot"
FUTURES = "futures"
HOST_SURFACE = {"api.kucoin.com": SPOT, "api-futures.kucoin.com": FUTURES}

OK = "200000"
TIME_WINDOW_MS = 5000
# Published REST limits (kucoin.com/docs "Rate Limit", VIP0): resource pools refilled every 30 s,
# the window opening with the first request. Public endpoints of both hosts share one pool per
# IP; the others are per UID. Each endpoint spends its documented weight from one pool; each
# answer carries gw-ratelimit-limit/-remaining/-reset (ms) for that pool; over it, HTTP 429 with
# code 429000.
PUBLIC_POOL = Limit("public", Quota(2000, 30), anchored=True)
SPOT_POOL = Limit("spot", Quota(4000, 30), per_key=True, anchored=True)
FUTURES_POOL = Limit("futures", Quota(2000, 30), per_key=True, anchored=True)
MANAGEMENT_POOL = Limit("management", Quota(2000, 30), per_key=True, anchored=True)
_MANAGEMENT_PATHS = frozenset({"/api/v1/accounts", "/api/ua/v1/account/mode",
                               "/api/v1/hf/accounts/opened"})
_PUBLIC_PATHS = frozenset({"/api/v3/margin/symbols", "/api/v1/isolated/symbols"})
NS = 1_000_000
EIGHT_HOURS_MS = 28_800_000

CLIENT_OID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
HEX_ID = re.compile(r"^[0-9a-f]{24}$")
STOP_ID = re.compile(r"^vs[0-9a-f]{22}$")

NOT_EXIST = "The order does not exist."
NOT_CANCELLABLE = "order_not_exist_or_not_allow_to_cancel"
FUTURES_NOT_EXIST = "error.getOrder.orderNotExist"


@dataclass
class KucoinOrder(VenueState):
    """What KuCoin keeps about an order that the engine does not model."""

    stop: str = ""
    """A stop order's `stop`: spot `loss` / `entry`, futures `up` / `down`."""
    stop_price_type: str = ""
    """A futures stop order's `stopPriceType` (`TP`, `MP`, `IP`)."""
    close: bool = False
    """A futures order sent with `closeOrder: true`."""


_PARAM = "400100"

ERRORS = ErrorTable(
    Rule(NoSuchEndpoint, "404000", lambda e: f"simulator: no such endpoint {e}", 404),
    Rule(RateLimited, "429000", "Too Many Requests"),
    Rule(MissingCredential, "400001",
         "Please check the header of your request for KC-API-KEY, KC-API-SIGN, "
         "KC-API-TIMESTAMP, KC-API-PASSPHRASE", 401),
    Rule(InvalidTimestamp, "400002",
         "KC-API-TIMESTAMP Invalid -- Time differs from server time by more than 5 seconds",
         401),
    Rule(UnknownKey, "400003", "KC-API-KEY not exists", 401),
    Rule(BadPassphrase, "400004", "Invalid KC-API-PASSPHRASE", 401),
    Rule(BadSignature, "400005", "Invalid KC-API-SIGN", 401),
    Rule(MissingParameter, _PARAM, lambda e: f"{e.name} is required"),
    Rule(InvalidParameter, _PARAM, lambda e: f"{e.name} is invalid"),
    Rule(UnknownSymbol, _PARAM, "Unsupported trading pair."),
    Rule(UnknownOrder, "100001", FUTURES_NOT_EXIST, surface=FUTURES),
    Rule(UnknownOrder, _PARAM, NOT_EXIST),
    Rule(InsufficientBalance, "300003",  # incl. InsufficientMargin
         "Balance not enough, please first deposit at least 2 USDT before you start the battle",
         surface=FUTURES),
    Rule(InsufficientBalance, "200004", "Balance insufficient!"),
    Rule(DuplicateClientOrderId, "300000", "Duplicate clientOid.", surface=FUTURES),
    Rule(DuplicateClientOrderId, "126044", "clientOid duplicate"),
    Rule(WouldTriggerImmediately, _PARAM,
         "simulator: the stop price is already reached (KuCoin would trigger the order at "
         "once)"),
    Rule(ReduceOnlyRejected, "300009", "No open positions to close."),
    Rule(InvalidLeverage, _PARAM, "Leverage parameter invalid."),
    Rule(FilterFailure, _PARAM, "Order size increment invalid.", filters=[Filter.LOT_STEP]),
    Rule(FilterFailure, _PARAM, "The quantity is below the minimum requirement.",
         surface=FUTURES, filters=[Filter.MIN_AMOUNT]),
    Rule(FilterFailure, _PARAM, "Order size below the minimum requirement.",
         filters=[Filter.MIN_AMOUNT]),
    Rule(FilterFailure, "300000", "Order size above the maximum requirement.",
         filters=[Filter.MAX_AMOUNT]),
    Rule(FilterFailure, "300000", "Price increment invalid.", filters=[Filter.PRICE_TICK]),
    Rule(FilterFailure, "300000", "Order price out of range.",
         filters=[Filter.MIN_PRICE, Filter.MAX_PRICE]),
    Rule(FilterFailure, "600101",
         lambda e: f"The order funds should more then {_plain(e.instrument.min_notional)} "
         f"{e.instrument.quote}."),
    Rule(InvalidOrderRequest, _PARAM, str),
    Rule(EngineError, "500000", "Internal Server Error", 500),
)


def _plain(value: object) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# ---- routes ---------------------------------------------------------------------------------

_WITH_MSG = frozenset({"msg"})
"""The envelope carries `"msg": "success"` (the spot server time)."""


def _family(surface: str) -> Callable[..., Route]:
    def route(method: str, path: str, operation: str, handler: str, weight: int = 2, *,
              private: bool = False, tags: frozenset[str] = frozenset()) -> Route:
        if not private or path in _PUBLIC_PATHS:
            pool = PUBLIC_POOL
        elif path in _MANAGEMENT_PATHS:
            pool = MANAGEMENT_POOL
        else:
            pool = SPOT_POOL if surface == SPOT else FUTURES_POOL
        return Route(method, path, operation, handler, private, weight, surface, (pool,), tags)

    return route


_spot, _futures = _family(SPOT), _family(FUTURES)


_op = Operation
_hf = "/api/v1/hf/orders"
_so = "/api/v1/stop-order"

ROUTES: tuple[Route, ...] = (
    # spot, public
    _spot("GET", "/api/v1/timestamp", _op.TIME, "timestamp", 3, tags=_WITH_MSG),
    _spot("GET", "/api/v1/status", _op.OTHER, "status", 3),
    _spot("GET", "/api/v3/currencies", _op.CURRENCIES, "currencies", 3),
    _spot("GET", "/api/v2/symbols", _op.MARKETS, "symbols", 4),
    _spot("GET", "/api/v1/market/allTickers", _op.TICKER, "all_tickers", 15),
    _spot("GET", "/api/v1/market/stats", _op.TICKER, "stats", 15),
    _spot("GET", "/api/v1/market/orderbook/level2_{depth}", _op.ORDER_BOOK, "spot_part_book",
       4),
    _spot("GET", "/api/v1/market/candles", _op.OTHER, "spot_candles", 3),
    _spot("GET", "/api/v1/market/histories", _op.OTHER, "spot_trades", 3),
    # spot, private
    _spot("GET", "/api/v3/market/orderbook/level2", _op.ORDER_BOOK, "spot_full_book", 3,
       private=True),
    _spot("GET", "/api/ua/v1/account/mode", _op.OTHER, "account_mode", private=True),
    _spot("GET", "/api/v1/hf/accounts/opened", _op.OTHER, "hf_opened", private=True),
    _spot("GET", "/api/v3/margin/symbols", _op.MARKETS, "margin_symbols", private=True),
    _spot("GET", "/api/v1/isolated/symbols", _op.MARKETS, "isolated_symbols", private=True),
    _spot("GET", "/api/v1/accounts", _op.BALANCE, "account_list", 5, private=True),
    _spot("POST", _hf, _op.CREATE_ORDER, "hf_new", 1, private=True),
    _spot("POST", f"{_hf}/sync", _op.CREATE_ORDER, "hf_new_sync", 1, private=True),
    _spot("GET", f"{_hf}/active", _op.OPEN_ORDERS, "hf_active", private=True),
    _spot("GET", f"{_hf}/done", _op.ORDER_HISTORY, "hf_done", private=True),
    _spot("GET", f"{_hf}/client-order/{{clientOid}}", _op.FETCH_ORDER, "hf_get", private=True),
    _spot("GET", f"{_hf}/{{orderId}}", _op.FETCH_ORDER, "hf_get", private=True),
    _spot("DELETE", f"{_hf}/client-order/{{clientOid}}", _op.CANCEL_ORDER, "hf_cancel", 1,
       private=True),
    _spot("DELETE", f"{_hf}/{{orderId}}", _op.CANCEL_ORDER, "hf_cancel", 1, private=True),
    _spot("GET", "/api/v1/hf/fills", _op.MY_TRADES, "hf_fills", private=True),
    _spot("POST", _so, _op.CREATE_ORDER, "stop_new", private=True),
    _spot("GET", _so, _op.OPEN_ORDERS, "stop_list", 8, private=True),
    _spot("GET", f"{_so}/queryOrderByClientOid", _op.FETCH_ORDER, "stop_query_client", 3,
       private=True),
    _spot("GET", f"{_so}/{{orderId}}", _op.FETCH_ORDER, "stop_get", 3, private=True),
    _spot("DELETE", f"{_so}/cancelOrderByClientOid", _op.CANCEL_ORDER, "stop_cancel_client", 5,
       private=True),
    _spot("DELETE", f"{_so}/{{orderId}}", _op.CANCEL_ORDER, "stop_cancel", 3, private=True),
    # futures, public
    _futures("GET", "/api/v1/timestamp", _op.TIME, "timestamp"),
    _futures("GET", "/api/v1/status", _op.OTHER, "status"),
    _futures("GET", "/api/v1/contracts/active", _op.MARKETS, "contracts_active", 3),
    _futures("GET", "/api/v1/contracts/{symbol}", _op.MARKETS, "contract_one", 3),
    _futures("GET", "/api/v1/ticker", _op.TICKER, "futures_ticker"),
    _futures("GET", "/api/v1/level2/depth{depth}", _op.ORDER_BOOK, "futures_depth", 5),
    _futures("GET", "/api/v1/level2/snapshot", _op.ORDER_BOOK, "futures_snapshot", 3),
    _futures("GET", "/api/v1/kline/query", _op.OTHER, "futures_klines", 3),
    _futures("GET", "/api/v1/trade/history", _op.OTHER, "futures_trades", 5),
    _futures("GET", "/api/v1/contract/funding-rates", _op.OTHER, "funding_rates", 5),
    # futures, private
    _futures("GET", "/api/v1/account-overview", _op.BALANCE, "account_overview", private=True),
    _futures("POST", "/api/v1/orders", _op.CREATE_ORDER, "futures_new", private=True),
    _futures("GET", "/api/v1/orders", _op.OPEN_ORDERS, "futures_list", private=True),
    _futures("GET", "/api/v1/orders/byClientOid", _op.FETCH_ORDER, "futures_get", private=True),
    _futures("GET", "/api/v1/orders/{orderId}", _op.FETCH_ORDER, "futures_get", private=True),
    _futures("DELETE", "/api/v1/orders/client-order/{clientOid}", _op.CANCEL_ORDER,
       "futures_cancel", 1, private=True),
    _futures("DELETE", "/api/v1/orders/{orderId}", _op.CANCEL_ORDER, "futures_cancel",
       private=True),
    _futures("GET", "/api/v1/stopOrders", _op.OPEN_ORDERS, "futures_stop_list", private=True),
    _futures("GET", "/api/v1/fills", _op.MY_TRADES, "futures_fills", 5, private=True),
    _futures("GET", "/api/v1/positions", _op.POSITIONS, "positions", private=True),
    _futures("GET", "/api/v1/position", _op.POSITIONS, "position", private=True),
    _futures("POST", "/api/v2/changeCrossUserLeverage", _op.LEVERAGE, "change_leverage",
       private=True),
    _futures("GET", "/api/v2/getCrossUserLeverage", _op.LEVERAGE_INFO, "get_leverage",
       private=True),
)


# ---- the venue ------------------------------------------------------------------------------

HOSTS: dict[str, str] = {"api.kucoin.com": "live", "api-futures.kucoin.com": "live"}
FEES: FeeSchedule = FeeSchedule(
    spot_maker=Decimal("0.001"),
    spot_taker=Decimal("0.001"),
    swap_maker=Decimal("0.0002"),
    swap_taker=Decimal("0.0006"),
    spot_fee_in_received_asset=False,
)
AMBIGUOUS_ERRORS: tuple[AmbiguousError, ...] = (
    AmbiguousError("500000", "Internal Server Error", 500),
    AmbiguousError("408000", "Network timeout, please try again later", 200),
    AmbiguousError("126038", "Third-party service call failed (internal exception)", 200),
)
