"""Binance spot (``/api``, ``/sapi``) and USDⓈ-M futures (``/fapi``) wire format.

Served hosts and environments:

=============================  ===========  ====================================================
host                           environment  ccxt mode
=============================  ===========  ====================================================
api.binance.com                live         default (spot, sapi)
fapi.binance.com               live         default (USDⓈ-M)
dapi.binance.com               live         default (COIN-M: exchangeInfo/time/ping only)
demo-api.binance.com           demo         ``enable_demo_trading(True)``
demo-fapi.binance.com          demo         ``enable_demo_trading(True)``
demo-dapi.binance.com          demo         ``enable_demo_trading(True)``
testnet.binance.vision         sandbox      ``set_sandbox_mode(True)`` (spot)
testnet.binancefuture.com      sandbox      ``set_sandbox_mode(True)`` (futures)
api.binance.us                 binanceus    ccxt ``binanceus`` (spot wire format)
=============================  ===========  ====================================================

An API key belongs to one environment: a live key on a demo host gets ``-2015``.

Error bodies and the ccxt 4.5.90 exception each one produces (verified end to end by
``tests/simulator``; "spot"/"fapi" is the URL family, which selects ccxt's per-market table).
HTTP status 400 unless noted:

* -2014 "API-key format invalid." (no ``X-MBX-APIKEY``), 401 -> AuthenticationError
* -2015 "Invalid API-key, IP, or permissions for action.", 401 -> AuthenticationError [1]
* -1022 "Signature for this request is not valid." -> AuthenticationError
* -1021 "Timestamp for this request is outside of the recvWindow." -> InvalidNonce
* -1102 "Mandatory parameter '<p>' was not sent, ..." -> BadRequest
* -1100 "Illegal characters found in parameter '<p>'; ..." -> BadRequest
* -1121 "Invalid symbol." -> BadSymbol
* -2010 "Account has insufficient balance for requested action." (spot) -> InsufficientFunds
* -2010 "Duplicate order sent." (spot client id in use) -> InvalidOrder
* -2010 "Stop price would trigger immediately." (spot) -> OrderImmediatelyFillable
* -2010 "Order would immediately match and take." (spot LIMIT_MAKER)
  -> OrderImmediatelyFillable
* -1013 "Filter failure: LOT_SIZE" / "Filter failure: PRICE_FILTER" (spot) -> InvalidOrder
* -1013 "Filter failure: NOTIONAL" (spot) -> BadRequest [2]
* -2013 "Order does not exist." (fetch; spot and fapi) -> OrderNotFound
* -2011 "Unknown order sent." (cancel; spot and fapi) -> OrderNotFound
* -2019 "Margin is insufficient." (fapi) -> InsufficientFunds
* -4164 "Order's notional must be no smaller than N (unless you choose reduce only)."
  (fapi) -> InvalidOrder
* -1111 "Precision is over the maximum defined for this asset." (fapi) -> BadRequest
* -4014 "Price not increased by tick size." (fapi) -> BadRequest
* -4004 / -4005 quantity below min / above max, -4013 / -4002 price below min / above max
  (fapi) -> BadRequest
* -4116 "ClientOrderId is duplicated." (fapi) -> InvalidOrder
* -4028 "Leverage N is not valid" (fapi) -> BadRequest
* -2021 "Order would immediately trigger." (fapi algo) -> OrderImmediatelyFillable
* -2022 "ReduceOnly Order is rejected." (fapi) -> InvalidOrder
* -5021 FOK not fillable / -5022 post-only would take (fapi) -> OrderNotFillable
* -4120 conditional type sent to ``/fapi/v1/order`` -> InvalidOrder
* unknown endpoint: -1 "simulator: no such endpoint ...", 404 -> ExchangeError

[1] After one successful *spot* private call ccxt sets ``hasAlreadyAuthenticatedSuccessfully``
    and maps -2015 to DDoSProtection (it reads -2015 as a temporary ban).
[2] ccxt has no InvalidOrder rule for NOTIONAL: it falls through to -1013 -> BadRequest.

Futures trigger orders go to ``/fapi/v1/algoOrder`` (ccxt 4.5.90 sends ``algoType=CONDITIONAL``,
``type=STOP_MARKET|STOP|TAKE_PROFIT_MARKET|TAKE_PROFIT``, ``triggerPrice``, ``clientAlgoId``); when
one triggers, a regular order with a new ``orderId`` (``actualOrderId``) and the same client id
does the work, and the algo order reports ``TRIGGERED`` then ``FINISHED``.

Recent orders: ``GET /api/v3/allOrders`` (spot) and ``GET /fapi/v1/allOrders`` (USDⓈ-M,
regular orders only) list an account's orders of one symbol in the query shape, oldest first,
honouring ``orderId`` (from that id on), ``startTime`` / ``endTime`` and ``limit`` (default 500,
at most 1000); without any of them, the most recent orders (futures: of the last 7 days).

Client order ids follow Binance's documented rule for both spot and USDⓈ-M (``newClientOrderId``
"a unique id among open orders"): refused only while an open order uses it (-2010 "Duplicate
order sent." spot, -4116 futures), so a filled order's id can be used again and both orders
exist; a lookup by ``origClientOrderId`` then finds the most recent of them.

Clock: a signed request is refused with -1021 when ``timestamp >= server time + 1000`` ("1000ms
ahead") or ``server time - timestamp > recvWindow`` (default 5000, at most 60000), the check
Binance documents for spot and futures ("Timing security").

Ambiguous errors (``Fault.ERROR_AFTER``; Binance's "10xx - General Server or Network issues",
developers.binance.com spot errors and USDⓈ-M error codes). Binance documents that with HTTP 5XX
"the execution status is UNKNOWN and could have been a success", and -1006/-1007 say so in their
messages. HTTP statuses: -1008 arrives with 503 (seen from ``fapi/v1/order`` in the wild, e.g.
banbox/banbot#114); the others' are assumed (500; 408 for -1007, the timeout):

* -1000 "An unknown error occurred while processing the request." (500)
* -1007 "Timeout waiting for response from backend server. Send status unknown; execution
  status unknown." (408)
* -1008 "Server is currently overloaded with other requests. Please try again in a few
  minutes." (503)
* -1006 "An unexpected response was received from the message bus. Execution status
  unknown." (500)
* -1001 "Internal error; unable to process your request. Please try again." (500)

JSON types follow Binance: prices and quantities are strings; ids, times and counts are numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import (
    ZERO,
    Account,
    DuplicateClientOrderId,
    EngineError,
    ExpireReason,
    FeeSchedule,
    Filter,
    FilterFailure,
    Instrument,
    InsufficientBalance,
    InvalidLeverage,
    InvalidOrderRequest,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    ReduceOnlyRejected,
    Side,
    TimeInForce,
    Trade,
    UnknownOrder,
    UnknownSymbol,
    WouldTriggerImmediately,
)
from exchlayer.testing.simulator.ratelimit import Charge, Limit, Penalty, Quota, Refusal, Usage
from exchlayer.testing.simulator.venues import (
    AmbiguousError,
    Operation,
    VenueModule,
    VenueRequest,
    VenueResponse,
)

__all__ = ["VENUE", "BinanceVenue"]

_SPOT = "spot"
_USDM = "usdm"
_COINM = "coinm"

_HOST_SURFACES: dict[str, frozenset[str]] = {
    "api.binance.com": frozenset({_SPOT}),
    "fapi.binance.com": frozenset({_USDM}),
    "dapi.binance.com": frozenset({_COINM}),
    "demo-api.binance.com": frozenset({_SPOT}),
    "demo-fapi.binance.com": frozenset({_USDM}),
    "demo-dapi.binance.com": frozenset({_COINM}),
    "testnet.binance.vision": frozenset({_SPOT}),
    "testnet.binancefuture.com": frozenset({_USDM, _COINM}),
    "api.binance.us": frozenset({_SPOT}),
}

_NUMBER = re.compile(r"^[0-9]{1,20}(\.[0-9]{1,20})?$")
_CLIENT_ID = re.compile(r"^[\.A-Z\:/a-z0-9_-]{1,36}$")
_SPOT_ORDER_TYPES = [
    "LIMIT",
    "LIMIT_MAKER",
    "MARKET",
    "STOP_LOSS",
    "STOP_LOSS_LIMIT",
    "TAKE_PROFIT",
    "TAKE_PROFIT_LIMIT",
]
_FUTURES_ORDER_TYPES = [
    "LIMIT",
    "MARKET",
    "STOP",
    "STOP_MARKET",
    "TAKE_PROFIT",
    "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
]
_SPOT_TYPES: dict[str, OrderType] = {
    "LIMIT": OrderType.LIMIT,
    "LIMIT_MAKER": OrderType.LIMIT,
    "MARKET": OrderType.MARKET,
    "STOP_LOSS": OrderType.STOP,
    "STOP_LOSS_LIMIT": OrderType.STOP_LIMIT,
    "TAKE_PROFIT": OrderType.TAKE_PROFIT,
    "TAKE_PROFIT_LIMIT": OrderType.TAKE_PROFIT_LIMIT,
}
_SPOT_TYPE_NAMES = {
    OrderType.LIMIT: "LIMIT",
    OrderType.MARKET: "MARKET",
    OrderType.STOP: "STOP_LOSS",
    OrderType.STOP_LIMIT: "STOP_LOSS_LIMIT",
    OrderType.TAKE_PROFIT: "TAKE_PROFIT",
    OrderType.TAKE_PROFIT_LIMIT: "TAKE_PROFIT_LIMIT",
}
_ALGO_TYPES: dict[str, OrderType] = {
    "STOP_MARKET": OrderType.STOP,
    "STOP": OrderType.STOP_LIMIT,
    "TAKE_PROFIT_MARKET": OrderType.TAKE_PROFIT,
    "TAKE_PROFIT": OrderType.TAKE_PROFIT_LIMIT,
}
_FUTURES_TYPE_NAMES = {v: k for k, v in _ALGO_TYPES.items()} | {
    OrderType.LIMIT: "LIMIT",
    OrderType.MARKET: "MARKET",
}
_STATUS = {
    OrderStatus.NEW: "NEW",
    OrderStatus.PARTIALLY_FILLED: "PARTIALLY_FILLED",
    OrderStatus.FILLED: "FILLED",
    OrderStatus.CANCELED: "CANCELED",
    OrderStatus.EXPIRED: "EXPIRED",
    OrderStatus.REJECTED: "REJECTED",
    OrderStatus.TRIGGERED: "FILLED",
}
# Published REST limits (developers.binance.com: spot "rest-api/limits", USDⓈ-M futures "general
# info, limits"). REQUEST_WEIGHT and RAW_REQUESTS are counted per IP (here: per environment) and
# per host family; ORDERS per account. exchangeInfo's ``rateLimits`` lists the same numbers. A
# client that keeps sending after its 429s is banned (HTTP 418, from 2 minutes): modelled as 418
# for 2 minutes once 20 requests of one window were refused.
_BAN = Penalty(seconds=120, status=418, after=20)
_SPOT_WEIGHT = Limit("REQUEST_WEIGHT", Quota.rate_per_minute(6000), penalty=_BAN)
_SPOT_RAW = Limit("RAW_REQUESTS", Quota(61000, 300), penalty=_BAN)
_SPOT_ORDERS_10S = Limit("ORDERS", Quota(100, 10), per_key=True)
_SPOT_ORDERS_1D = Limit("ORDERS", Quota(200000, 86400), per_key=True)
_FUTURES_WEIGHT = Limit("REQUEST_WEIGHT", Quota.rate_per_minute(2400), penalty=_BAN)
_FUTURES_ORDERS_1M = Limit("ORDERS", Quota.rate_per_minute(1200), per_key=True)
_FUTURES_ORDERS_10S = Limit("ORDERS", Quota(300, 10), per_key=True)
_IP_LIMITS: dict[str, tuple[Limit, ...]] = {
    _SPOT: (_SPOT_WEIGHT, _SPOT_RAW),
    _USDM: (_FUTURES_WEIGHT,),
    _COINM: (_FUTURES_WEIGHT,),
}
_ORDER_LIMITS: dict[str, tuple[tuple[str, Limit], ...]] = {
    _SPOT: (("10S", _SPOT_ORDERS_10S), ("1D", _SPOT_ORDERS_1D)),
    _USDM: (("10S", _FUTURES_ORDERS_10S), ("1M", _FUTURES_ORDERS_1M)),
}
_INTERVALS = {1: "SECOND", 60: "MINUTE", 86400: "DAY"}


def _rate_limit_info(limits: Iterable[Limit]) -> list[dict[str, Any]]:
    """exchangeInfo's ``rateLimits`` for ``limits``."""
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


_RATE_LIMITS = _rate_limit_info([_SPOT_WEIGHT, _SPOT_ORDERS_10S, _SPOT_ORDERS_1D, _SPOT_RAW])
_FUTURES_RATE_LIMITS = _rate_limit_info(
    [_FUTURES_WEIGHT, _FUTURES_ORDERS_1M, _FUTURES_ORDERS_10S]
)
_DEFAULT_RECV_WINDOW = 5000
_MAX_RECV_WINDOW = 60000
_AHEAD_LIMIT_MS = 1000  # a timestamp this far ahead of the server clock is refused
_ALL_ORDERS_LIMIT = (500, 1000)  # default, maximum
_FUTURES_HISTORY_MS = 7 * 86_400_000


@dataclass(frozen=True)
class _Encoded:
    """A response body that is already JSON (cached rendering of hot endpoints)."""

    body: bytes


class _BinanceError(Exception):
    def __init__(self, code: int, msg: str, status: int = 400) -> None:
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status


def _missing(name: str) -> _BinanceError:
    return _BinanceError(
        -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def _decimals(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _fmt(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}"


def _fmt8(value: Decimal | None) -> str:
    return f"{(value or ZERO):.8f}"


def _plain(value: Decimal, min_places: int = 0, max_places: int = 8) -> str:
    """Shortest plain rendering with between min_places and max_places decimals."""
    text = f"{value:.{max_places}f}"
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0")
        if len(frac) < min_places:
            frac = frac.ljust(min_places, "0")
        text = f"{whole}.{frac}" if frac else whole
    return text


def _number(value: Decimal) -> int | float:
    """A JSON number where Binance sends one (bracket tables): the wire edge, not money math."""
    return int(value) if value == value.to_integral_value() else float(value)


def _id22(seed: object) -> str:
    digest = hashlib.sha256(str(seed).encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:22])


@dataclass
class _Call:
    request: VenueRequest
    params: dict[str, str]
    surface: str
    account: Account | None

    @property
    def acct(self) -> Account:
        assert self.account is not None
        return self.account

    def get(self, name: str) -> str | None:
        value = self.params.get(name)
        return value if value not in (None, "") else None

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise _missing(name)
        return value

    def decimal(self, name: str, required: bool = False) -> Decimal | None:
        raw = self.require(name) if required else self.get(name)
        if raw is None:
            return None
        if not _NUMBER.match(raw):
            raise _BinanceError(
                -1100,
                f"Illegal characters found in parameter '{name}'; legal range is "
                "'^([0-9]{1,20})(\\.[0-9]{1,20})?$'.",
            )
        try:
            return Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the regex already guards this
            raise _BinanceError(-1100, f"Illegal characters found in parameter '{name}'.") from None

    def integer(self, name: str, required: bool = False) -> int | None:
        raw = self.require(name) if required else self.get(name)
        if raw is None:
            return None
        if not raw.lstrip("-").isdigit():
            raise _BinanceError(
                -1100,
                f"Illegal characters found in parameter '{name}'; "
                "legal range is '^[0-9]{1,20}$'.",
            )
        return int(raw)

    def flag(self, name: str) -> bool:
        return (self.get(name) or "false").lower() == "true"


_Route = Callable[["BinanceVenue", _Call], Any]


@dataclass(frozen=True)
class _Endpoint:
    handler: _Route
    operation: str
    private: bool
    weight: int | Callable[[_Call], int] = 1


class BinanceVenue(VenueModule):
    """Binance spot + USDⓈ-M futures (and Binance.US spot) on the shared engine."""

    name: ClassVar[str] = "binance"
    hosts: ClassVar[dict[str, str]] = {
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
    fees: ClassVar[FeeSchedule] = FeeSchedule(
        spot_maker=Decimal("0.001"),
        spot_taker=Decimal("0.001"),
        swap_maker=Decimal("0.0002"),
        swap_taker=Decimal("0.0005"),
    )

    # no envelope: a success answer is the payload itself (errors are told by HTTP status)
    envelope_keys: ClassVar[frozenset[str]] = frozenset()
    payload_key: ClassVar[str | None] = None
    ambiguous_errors: ClassVar[tuple[AmbiguousError, ...]] = (
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

    _routes: ClassVar[dict[tuple[str, str, str], _Endpoint]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ids: dict[str, dict[str, Instrument]] = {_SPOT: {}, _USDM: {}}
        for inst in self.engine.instruments.values():
            market_id = f"{inst.base}{inst.quote}"
            if inst.kind == "spot":
                self._ids[_SPOT][market_id] = inst
            elif inst.settle == inst.quote:
                self._ids[_USDM][market_id] = inst
        self._info_cache: dict[tuple[str, str], dict[str, Any]] = {}
        self._depth_cache: dict[tuple[str, str, int], tuple[int, str]] = {}
        self._cancel_ids = 0

    def market_id_families(self) -> list[list[str]]:
        return [list(self._ids[_SPOT]), list(self._ids[_USDM])]

    # ---- dispatch ------------------------------------------------------------------------

    def classify(self, request: VenueRequest) -> str:
        surface = _surface(request.path)
        if surface not in _HOST_SURFACES.get(request.host, frozenset()):
            return Operation.UNKNOWN
        endpoint = self._routes.get((surface, request.method, request.path))
        return Operation.UNKNOWN if endpoint is None else endpoint.operation

    async def handle(self, request: VenueRequest) -> VenueResponse:
        surface = _surface(request.path)
        endpoint = None
        if surface in _HOST_SURFACES.get(request.host, frozenset()):
            endpoint = self._routes.get((surface, request.method, request.path))
        if endpoint is None:
            return VenueResponse.json(
                {
                    "code": -1,
                    "msg": f"simulator: no such endpoint {request.method} {request.path} "
                    f"on {request.host}",
                },
                404,
                operation=Operation.UNKNOWN,
            )
        call = _Call(request, request.params(), surface, None)
        weight = endpoint.weight(call) if callable(endpoint.weight) else endpoint.weight
        usages, refusal = self._charge(request, surface, endpoint, weight)
        if refusal is not None:
            return self._refused(refusal, surface, endpoint)
        try:
            if endpoint.private:
                call.account = self.query_account(
                    self._authenticate(request, call.params), endpoint.operation
                )
            data = endpoint.handler(self, call)
            status = 200
        except _BinanceError as exc:
            data, status = {"code": exc.code, "msg": exc.msg}, exc.status
        except EngineError as exc:
            err = self._translate(exc, surface, endpoint.operation)
            data, status = {"code": err.code, "msg": err.msg}, err.status
        headers = _usage_headers(usages)
        if isinstance(data, _Encoded):
            headers["Content-Type"] = "application/json;charset=UTF-8"
            return VenueResponse(status, data.body, headers, endpoint.operation, endpoint.private)
        return VenueResponse.json(
            data, status, operation=endpoint.operation, private=endpoint.private, headers=headers
        )

    # ---- rate limits ---------------------------------------------------------------------------

    def _charge(
        self, request: VenueRequest, surface: str, endpoint: _Endpoint, weight: int
    ) -> tuple[list[Usage], Refusal | None]:
        weight_limit, *others = _IP_LIMITS[surface]
        charges = [Charge(weight_limit, weight, surface)]
        charges += [Charge(limit, 1, surface) for limit in others]
        if endpoint.operation == Operation.CREATE_ORDER and surface in _ORDER_LIMITS:
            charges += [Charge(limit, 1, surface) for _, limit in _ORDER_LIMITS[surface]]
        return self.rate_limits.charge(
            request.environment, request.headers.get("X-MBX-APIKEY"), request.received_ms,
            charges,
        )

    def _refused(self, refusal: Refusal, surface: str, endpoint: _Endpoint) -> VenueResponse:
        limit = refusal.limit
        budget = f"{refusal.budget:g}"
        window = _window_text(self.rate_limits.window_ms(limit))
        if refusal.status == 418:
            code, msg = -1003, (
                f"Way too much request weight used; IP banned until {refusal.banned_until_ms}. "
                "Please use WebSocket Streams for live updates to avoid bans."
            )
        elif limit.name == "ORDERS":
            code = -1015
            msg = f"Too many new orders; current limit is {budget} orders per {window}."
        elif surface == _SPOT:
            code, msg = -1003, (
                f"Too much request weight used; current limit is {budget} request weight per "
                f"{window}. Please use WebSocket Streams for live updates to avoid polling the API."
            )
        else:
            code, msg = -1003, (
                f"Too many requests; current limit of IP(127.0.0.1) is {budget} requests per "
                f"{window.lower()}. Please use the websocket for live updates to avoid polling "
                "the API."
            )
        return VenueResponse.json(
            {"code": code, "msg": msg},
            refusal.status,
            operation=endpoint.operation,
            private=endpoint.private,
            headers={"Retry-After": str(refusal.retry_after_seconds)},
        )

    # ---- authentication ----------------------------------------------------------------------

    def _authenticate(self, request: VenueRequest, params: dict[str, str]) -> Account:
        api_key = request.headers.get("X-MBX-APIKEY")
        if not api_key:
            raise _BinanceError(-2014, "API-key format invalid.", 401)
        account = self.accounts.find(self.name, request.environment, api_key)
        if account is None:
            raise _BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401)
        payload, signature = _signed_payload(request)
        if signature is None:
            raise _missing("signature")
        expected = hmac.new(account.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature.lower()):
            raise _BinanceError(-1022, "Signature for this request is not valid.")
        raw_ts = params.get("timestamp")
        if not raw_ts or not raw_ts.isdigit():
            raise _missing("timestamp")
        raw_window = params.get("recvWindow") or str(_DEFAULT_RECV_WINDOW)
        if not raw_window.isdigit():
            raise _missing("recvWindow")
        window = int(raw_window)
        if window > _MAX_RECV_WINDOW:
            raise _BinanceError(-1131, "recvWindow must be less than 60000")
        now = self.engine.now_ms()
        timestamp = int(raw_ts)
        if timestamp >= now + _AHEAD_LIMIT_MS:
            raise _BinanceError(
                -1021, "Timestamp for this request was 1000ms ahead of the server's time."
            )
        if now - timestamp > window:
            raise _BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.")
        return account

    # ---- error translation ----------------------------------------------------------------

    def _translate(self, exc: EngineError, surface: str, operation: str) -> _BinanceError:
        futures = surface != _SPOT
        if isinstance(exc, UnknownSymbol):
            return _BinanceError(-1121, "Invalid symbol.")
        if isinstance(exc, UnknownOrder):
            if operation == Operation.CANCEL_ORDER:
                return _BinanceError(-2011, "Unknown order sent.")
            return _BinanceError(-2013, "Order does not exist.")
        if futures and isinstance(exc, InsufficientBalance):  # incl. InsufficientMargin
            return _BinanceError(-2019, "Margin is insufficient.")
        if isinstance(exc, InsufficientBalance):
            return _BinanceError(-2010, "Account has insufficient balance for requested action.")
        if isinstance(exc, DuplicateClientOrderId):
            if futures:
                return _BinanceError(-4116, "ClientOrderId is duplicated.")
            return _BinanceError(-2010, "Duplicate order sent.")
        if isinstance(exc, WouldTriggerImmediately):
            if futures:
                return _BinanceError(-2021, "Order would immediately trigger.")
            return _BinanceError(-2010, "Stop price would trigger immediately.")
        if isinstance(exc, ReduceOnlyRejected):
            return _BinanceError(-2022, "ReduceOnly Order is rejected.")
        if isinstance(exc, InvalidLeverage):
            return _BinanceError(-4028, f"Leverage {exc.leverage} is not valid")
        if isinstance(exc, FilterFailure):
            return _filter_error(exc, futures)
        if isinstance(exc, InvalidOrderRequest):
            return _BinanceError(-1102, str(exc))
        return _BinanceError(
            -1000, f"An unknown error occurred while processing the request. {exc}", 500
        )

    # ---- symbols -------------------------------------------------------------------------------

    def _instrument(self, call: _Call, required: bool = True) -> Instrument | None:
        market_id = call.require("symbol") if required else call.get("symbol")
        if market_id is None:
            return None
        inst = self._ids.get(call.surface, {}).get(market_id)
        if inst is None:
            raise _BinanceError(-1121, "Invalid symbol.")
        return inst

    def _inst(self, call: _Call) -> Instrument:
        inst = self._instrument(call)
        assert inst is not None
        return inst

    @staticmethod
    def _market_id(inst: Instrument) -> str:
        return f"{inst.base}{inst.quote}"

    # ---- public: general ----------------------------------------------------------------------

    def _ping(self, call: _Call) -> dict[str, Any]:
        return {}

    def _time(self, call: _Call) -> dict[str, Any]:
        return {"serverTime": self.engine.now_ms()}

    def _exchange_info(self, call: _Call) -> Any:
        surface = call.surface
        selected: Iterable[Instrument]
        wanted = call.get("symbol")
        if wanted is not None:
            inst = self._inst(call)
            selected = [inst]
        else:
            selected = self._ids.get(surface, {}).values()
        symbols = [self._symbol_info(surface, inst) for inst in selected]
        if surface == _SPOT:
            return {
                "timezone": "UTC",
                "serverTime": self.engine.now_ms(),
                "rateLimits": _RATE_LIMITS,
                "exchangeFilters": [],
                "symbols": symbols,
            }
        info: dict[str, Any] = {
            "timezone": "UTC",
            "serverTime": self.engine.now_ms(),
            "futuresType": "U_MARGINED" if surface == _USDM else "COIN_MARGINED",
            "rateLimits": _FUTURES_RATE_LIMITS,
            "exchangeFilters": [],
            "symbols": symbols,
        }
        if surface == _USDM:
            settles = sorted({i.settle for i in self._ids[_USDM].values() if i.settle})
            info["assets"] = [
                {"asset": a, "marginAvailable": True, "autoAssetExchange": "-10000"}
                for a in settles
            ]
        return info

    def _symbol_info(self, surface: str, inst: Instrument) -> dict[str, Any]:
        key = (surface, inst.symbol)
        info = self._info_cache.get(key)
        if info is None:
            info = _spot_symbol(inst) if surface == _SPOT else _futures_symbol(inst)
            self._info_cache[key] = info
        return info

    # ---- public: market data ------------------------------------------------------------------

    def _depth(self, call: _Call) -> _Encoded:
        inst = self._inst(call)
        default = 100 if call.surface == _SPOT else 500
        limit = call.integer("limit") or default
        maximum = 5000 if call.surface == _SPOT else 1000
        if not 1 <= limit <= maximum:
            raise _BinanceError(-1130, "Data sent for parameter 'limit' is not valid.")
        snap = self.engine.book(inst.symbol, limit)
        key = (call.surface, inst.symbol, limit)
        cached = self._depth_cache.get(key)
        if cached is None or cached[0] != snap.update_id:
            if call.surface == _SPOT:
                p = q = 8
            else:
                p, q = _decimals(inst.price_tick), _decimals(inst.amount_step)
            bids = [[_fmt(px, p), _fmt(sz, q)] for px, sz in snap.bids]
            asks = [[_fmt(px, p), _fmt(sz, q)] for px, sz in snap.asks]
            levels = json.dumps({"bids": bids, "asks": asks}, separators=(",", ":"))[1:]
            cached = self._depth_cache[key] = (snap.update_id, levels)
        head = f'{{"lastUpdateId":{snap.update_id},'
        if call.surface != _SPOT:
            now = self.engine.now_ms()
            head += f'"E":{now},"T":{now},'
        return _Encoded((head + cached[1]).encode())

    def _many(self, call: _Call) -> list[Instrument] | None:
        """Instruments named by ``symbol`` / ``symbols``; ``None`` means a single object."""
        if call.get("symbol") is not None:
            return None
        raw = call.get("symbols")
        table = self._ids.get(call.surface, {})
        if raw is None:
            return list(table.values())
        names = re.findall(r'"([^"]+)"', raw)
        out = []
        for name in names:
            if name not in table:
                raise _BinanceError(-1121, "Invalid symbol.")
            out.append(table[name])
        return out

    def _ticker_24hr(self, call: _Call) -> Any:
        many = self._many(call)
        if many is None:
            return self._ticker_one(call.surface, self._inst(call))
        return [self._ticker_one(call.surface, inst) for inst in many]

    def _ticker_one(self, surface: str, inst: Instrument) -> dict[str, Any]:
        st = self.engine.stats(inst.symbol)
        spot = surface == _SPOT
        p = 8 if spot else _decimals(inst.price_tick)
        q = 8 if spot else _decimals(inst.amount_step)
        pct = (st.change / st.open * 100) if st.open else ZERO
        out: dict[str, Any] = {
            "symbol": self._market_id(inst),
            "priceChange": _fmt(st.change, p),
            "priceChangePercent": _fmt(pct, 3),
            "weightedAvgPrice": _fmt(st.weighted_average, p),
        }
        if spot:
            out["prevClosePrice"] = _fmt(st.open, p)
        out["lastPrice"] = _fmt(st.last, p)
        out["lastQty"] = _fmt(st.last_qty, q)
        if spot:
            out.update(
                bidPrice=_fmt(st.bid, p),
                bidQty=_fmt(st.bid_qty, q),
                askPrice=_fmt(st.ask, p),
                askQty=_fmt(st.ask_qty, q),
            )
        out.update(
            openPrice=_fmt(st.open, p),
            highPrice=_fmt(st.high, p),
            lowPrice=_fmt(st.low, p),
            volume=_fmt(st.volume, q),
            quoteVolume=_fmt(st.quote_volume, 8 if spot else 2),
            openTime=st.open_ms,
            closeTime=st.close_ms,
            firstId=st.first_trade_id,
            lastId=st.first_trade_id + st.trade_count - 1,
            count=st.trade_count,
        )
        return out

    def _ticker_price(self, call: _Call) -> Any:
        def one(inst: Instrument) -> dict[str, Any]:
            p = 8 if call.surface == _SPOT else _decimals(inst.price_tick)
            out: dict[str, Any] = {
                "symbol": self._market_id(inst),
                "price": _fmt(self.engine.price(inst.symbol), p),
            }
            if call.surface != _SPOT:
                out["time"] = self.engine.now_ms()
            return out

        many = self._many(call)
        return one(self._inst(call)) if many is None else [one(i) for i in many]

    def _book_ticker(self, call: _Call) -> Any:
        def one(inst: Instrument) -> dict[str, Any]:
            spot = call.surface == _SPOT
            p = 8 if spot else _decimals(inst.price_tick)
            q = 8 if spot else _decimals(inst.amount_step)
            (bid, bq), (ask, aq) = self.engine.best_bid_ask(inst.symbol)
            out: dict[str, Any] = {
                "symbol": self._market_id(inst),
                "bidPrice": _fmt(bid, p),
                "bidQty": _fmt(bq, q),
                "askPrice": _fmt(ask, p),
                "askQty": _fmt(aq, q),
            }
            if not spot:
                out["time"] = self.engine.now_ms()
                out["lastUpdateId"] = self.engine.book(inst.symbol, 1).update_id
            return out

        many = self._many(call)
        return one(self._inst(call)) if many is None else [one(i) for i in many]

    def _premium_index(self, call: _Call) -> Any:
        def one(inst: Instrument) -> dict[str, Any]:
            now = self.engine.now_ms()
            price = self.engine.price(inst.symbol)
            return {
                "symbol": self._market_id(inst),
                "markPrice": _fmt8(price),
                "indexPrice": _fmt8(price),
                "estimatedSettlePrice": _fmt8(price),
                "lastFundingRate": "0.00010000",
                "interestRate": "0.00010000",
                "nextFundingTime": (now // 28_800_000 + 1) * 28_800_000,
                "time": now,
            }

        many = self._many(call)
        return one(self._inst(call)) if many is None else [one(i) for i in many]

    # ---- sapi (load_markets with keys on the live environment) -------------------------------

    def _capital_config(self, call: _Call) -> list[dict[str, Any]]:
        assets: dict[str, None] = {}
        for inst in self.engine.instruments.values():
            assets.setdefault(inst.base)
            assets.setdefault(inst.quote)
        for asset in call.acct.balances:
            assets.setdefault(asset)
        out = []
        for asset in assets:
            bal = call.acct.balances.get(asset)
            out.append(
                {
                    "coin": asset,
                    "depositAllEnable": True,
                    "withdrawAllEnable": True,
                    "name": asset,
                    "free": _plain(bal.free if bal else ZERO),
                    "locked": _plain(bal.locked if bal else ZERO),
                    "freeze": "0",
                    "withdrawing": "0",
                    "ipoing": "0",
                    "ipoable": "0",
                    "storage": "0",
                    "isLegalMoney": False,
                    "trading": True,
                    "networkList": [
                        {
                            "network": "ETH",
                            "coin": asset,
                            "withdrawIntegerMultiple": "0.00000001",
                            "isDefault": True,
                            "depositEnable": True,
                            "withdrawEnable": True,
                            "depositDesc": "",
                            "withdrawDesc": "",
                            "specialTips": "",
                            "specialWithdrawTips": "",
                            "name": "Ethereum (ERC20)",
                            "resetAddressStatus": False,
                            "addressRegex": "^(0x)[0-9A-Fa-f]{40}$",
                            "addressRule": "",
                            "memoRegex": "",
                            "withdrawFee": "1",
                            "withdrawMin": "10",
                            "withdrawMax": "10000000000",
                            "depositDust": "0.00000001",
                            "minConfirm": 12,
                            "unLockConfirm": 64,
                            "sameAddress": False,
                            "estimatedArrivalTime": 5,
                            "busy": False,
                            "contractAddressUrl": "https://etherscan.io/address/",
                            "contractAddress": "",
                        }
                    ],
                }
            )
        return out

    def _margin_all_pairs(self, call: _Call) -> list[dict[str, Any]]:
        return [
            {
                "id": str(351637150141315861 + n),
                "symbol": mid,
                "base": inst.base,
                "quote": inst.quote,
                "isMarginTrade": True,
                "isBuyAllowed": True,
                "isSellAllowed": True,
            }
            for n, (mid, inst) in enumerate(self._ids[_SPOT].items())
        ]

    def _isolated_all_pairs(self, call: _Call) -> list[dict[str, Any]]:
        return [
            {
                "symbol": mid,
                "base": inst.base,
                "quote": inst.quote,
                "isMarginTrade": True,
                "isBuyAllowed": True,
                "isSellAllowed": True,
            }
            for mid, inst in self._ids[_SPOT].items()
        ]

    # ---- spot private -------------------------------------------------------------------------

    def _spot_account(self, call: _Call) -> dict[str, Any]:
        acct = call.acct
        fees = acct.fees
        return {
            "makerCommission": int(fees.spot_maker * 10_000),
            "takerCommission": int(fees.spot_taker * 10_000),
            "buyerCommission": 0,
            "sellerCommission": 0,
            "commissionRates": {
                "maker": _fmt8(fees.spot_maker),
                "taker": _fmt8(fees.spot_taker),
                "buyer": _fmt8(ZERO),
                "seller": _fmt8(ZERO),
            },
            "canTrade": True,
            "canWithdraw": True,
            "canDeposit": True,
            "brokered": False,
            "requireSelfTradePrevention": False,
            "preventSor": False,
            "updateTime": max([acct.created_ms, *(t.time_ms for t in acct.trades[-1:])]),
            "accountType": "SPOT",
            "balances": [
                {"asset": asset, "free": _fmt8(bal.free), "locked": _fmt8(bal.locked)}
                for asset, bal in acct.balances.items()
            ],
            "permissions": ["SPOT"],
            "uid": 100_000_000 + acct.id,
        }

    def _spot_new_order(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        side = _side(call.require("side"))
        wire_type = call.require("type").upper()
        otype = _SPOT_TYPES.get(wire_type)
        if otype is None:
            raise _BinanceError(-1116, "Invalid orderType.")
        quantity = call.decimal("quantity")
        quote_qty = call.decimal("quoteOrderQty")
        price = call.decimal("price")
        stop_price = call.decimal("stopPrice")
        tif_raw = call.get("timeInForce")
        if wire_type == "MARKET":
            if quantity is None and quote_qty is None:
                raise _BinanceError(
                    -1102,
                    "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
                )
            if quantity is not None and quote_qty is not None:
                raise _BinanceError(-1106, "Parameter 'quoteOrderQty' sent when not required.")
        else:
            if quantity is None:
                raise _missing("quantity")
            if quote_qty is not None:
                raise _BinanceError(-1106, "Parameter 'quoteOrderQty' sent when not required.")
        if otype.has_limit_price and price is None:
            raise _missing("price")
        if otype.is_trigger and stop_price is None:
            raise _missing("stopPrice")
        if otype.has_limit_price and wire_type != "LIMIT_MAKER" and tif_raw is None:
            raise _missing("timeInForce")
        tif = _tif(tif_raw) if tif_raw is not None else TimeInForce.GTC
        client_id = _client_id(call.get("newClientOrderId"), futures=False)
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=otype,
            amount=quantity,
            price=price if otype.has_limit_price else None,
            stop_price=stop_price,
            quote_amount=quote_qty,
            time_in_force=tif,
            post_only=wire_type == "LIMIT_MAKER",
            client_order_id=client_id,
        )
        order = self.engine.place_order(call.acct, req)
        order.extra["binance_type"] = wire_type
        if order.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE:
            raise _BinanceError(-2010, "Order would immediately match and take.")
        resp_type = (call.get("newOrderRespType") or _default_resp(wire_type)).upper()
        if resp_type == "ACK":
            return {
                "symbol": self._market_id(inst),
                "orderId": order.id,
                "orderListId": -1,
                "clientOrderId": order.client_order_id,
                "transactTime": order.created_ms,
            }
        out = self._spot_order(inst, order, view="result")
        if resp_type == "FULL":
            out["fills"] = [_spot_fill(t) for t in self.engine.order_trades(call.acct, order)]
        return out

    def _spot_order(self, inst: Instrument, order: Order, *, view: str) -> dict[str, Any]:
        wire_type = str(order.extra.get("binance_type") or _SPOT_TYPE_NAMES[order.type])
        pending = order.pending_trigger
        working = -1 if pending else (order.trigger_ms or order.created_ms)
        out: dict[str, Any] = {
            "symbol": self._market_id(inst),
            "orderId": order.id,
            "orderListId": -1,
            "clientOrderId": order.client_order_id,
        }
        if view == "result":
            out["transactTime"] = order.created_ms
        out.update(
            price=_fmt8(order.price),
            origQty=_fmt8(order.amount),
            executedQty=_fmt8(order.filled),
        )
        if view == "result":
            out["origQuoteOrderQty"] = _fmt8(order.quote_amount)
        out.update(
            cummulativeQuoteQty=_fmt8(order.cost),
            status=_STATUS[order.status],
            timeInForce=order.time_in_force.value,
            type=wire_type,
            side=order.side.value,
        )
        if view == "result":
            if order.stop_price is not None:
                out["stopPrice"] = _fmt8(order.stop_price)
            out["workingTime"] = working
            out["selfTradePreventionMode"] = "EXPIRE_MAKER"
            return out
        out.update(
            stopPrice=_fmt8(order.stop_price),
            icebergQty=_fmt8(ZERO),
            time=order.created_ms,
            updateTime=order.updated_ms,
            isWorking=not pending,
            workingTime=working,
            origQuoteOrderQty=_fmt8(order.quote_amount),
            selfTradePreventionMode="EXPIRE_MAKER",
        )
        return out

    def _order_lookup(
        self, call: _Call, id_param: str = "orderId", client_param: str = "origClientOrderId"
    ) -> tuple[int | None, str | None]:
        order_id = call.integer(id_param)
        client_id = call.get(client_param)
        if order_id is None and client_id is None:
            raise _BinanceError(
                -1102,
                f"Param '{client_param}' or '{id_param}' must be sent, but both were empty/null!",
            )
        return order_id, client_id

    def _find(self, call: _Call, inst: Instrument) -> Order:
        """An order by ``orderId`` or ``origClientOrderId`` (the most recent one using it)."""
        order_id, client_id = self._order_lookup(call)
        return self.engine.get_order(
            call.acct,
            order_id=order_id,
            client_order_id=client_id,
            symbol=inst.symbol,
            pick="newest",
        )

    def _spot_get_order(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        return self._spot_order(inst, self._find(call, inst), view="query")

    def _spot_cancel(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        order = self.engine.cancel_order(call.acct, order_id=self._find(call, inst).id)
        self._cancel_ids += 1
        cancel_id = call.get("newClientOrderId") or _id22(("cancel", order.id, self._cancel_ids))
        return {
            "symbol": self._market_id(inst),
            "origClientOrderId": order.client_order_id,
            "orderId": order.id,
            "orderListId": -1,
            "clientOrderId": cancel_id,
            "transactTime": order.updated_ms,
            "price": _fmt8(order.price),
            "origQty": _fmt8(order.amount),
            "executedQty": _fmt8(order.filled),
            "origQuoteOrderQty": _fmt8(order.quote_amount),
            "cummulativeQuoteQty": _fmt8(order.cost),
            "status": _STATUS[order.status],
            "timeInForce": order.time_in_force.value,
            "type": str(order.extra.get("binance_type") or _SPOT_TYPE_NAMES[order.type]),
            "side": order.side.value,
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }

    def _spot_open_orders(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return [
            self._spot_order(self.engine.instrument(o.symbol), o, view="query")
            for o in orders
            if o.kind == "spot"
        ]

    def _recent_orders(self, call: _Call, inst: Instrument, kind: str) -> list[Order]:
        """``allOrders``: the account's orders of one symbol, oldest first (Binance's rules for
        ``orderId``, ``startTime``, ``endTime`` and ``limit``)."""
        order_id = call.integer("orderId")
        start, end = call.integer("startTime"), call.integer("endTime")
        default, maximum = _ALL_ORDERS_LIMIT
        limit = min(max(call.integer("limit") or default, 1), maximum)
        if start is None and end is None and order_id is None and kind == "swap":
            start = self.engine.now_ms() - _FUTURES_HISTORY_MS
        orders = [
            o
            for o in call.acct.orders.values()
            if o.symbol == inst.symbol
            and o.kind == kind
            and not o.spawn_on_trigger
            and (order_id is None or o.id >= order_id)
            and (start is None or o.created_ms >= start)
            and (end is None or o.created_ms <= end)
        ]
        orders.sort(key=lambda o: o.id)
        from_start = order_id is not None or call.integer("startTime") is not None
        return orders[:limit] if from_start else orders[-limit:]

    def _spot_all_orders(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._inst(call)
        return [
            self._spot_order(inst, o, view="query")
            for o in self._recent_orders(call, inst, "spot")
        ]

    def _futures_all_orders(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._inst(call)
        return [
            self._futures_order(inst, o, query=True)
            for o in self._recent_orders(call, inst, "swap")
        ]

    def _my_trades(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._inst(call)
        trades = self.engine.trades(call.acct, inst.symbol)
        order_id = call.integer("orderId")
        start, end, from_id = (
            call.integer("startTime"),
            call.integer("endTime"),
            call.integer("fromId"),
        )
        limit = call.integer("limit") or 500
        limit = min(max(limit, 1), 1000)
        selected = [
            t
            for t in trades
            if (order_id is None or t.order_id == order_id)
            and (start is None or t.time_ms >= start)
            and (end is None or t.time_ms <= end)
            and (from_id is None or t.id >= from_id)
        ]
        selected = selected[:limit] if from_id is not None else selected[-limit:]
        if call.surface == _SPOT:
            return [_spot_trade(inst, t) for t in selected]
        return [_futures_trade(inst, t) for t in selected]

    # ---- futures private ----------------------------------------------------------------------

    def _futures_account(self, call: _Call, *, v2: bool = False) -> dict[str, Any]:
        acct = call.acct
        assets = dict.fromkeys(["USDT", *acct.futures_wallet])
        rows = []
        totals: dict[str, Decimal] = {}
        for asset in assets:
            s = self.engine.margin_summary(acct, asset)
            row: dict[str, Any] = {
                "asset": asset,
                "walletBalance": _fmt8(s.wallet_balance),
                "unrealizedProfit": _fmt8(s.unrealized_pnl),
                "marginBalance": _fmt8(s.margin_balance),
                "maintMargin": _fmt8(s.maintenance_margin),
                "initialMargin": _fmt8(s.initial_margin),
                "positionInitialMargin": _fmt8(s.position_initial_margin),
                "openOrderInitialMargin": _fmt8(s.open_order_initial_margin),
                "crossWalletBalance": _fmt8(s.wallet_balance),
                "crossUnPnl": _fmt8(s.unrealized_pnl),
                "availableBalance": _fmt8(s.available_balance),
                "maxWithdrawAmount": _fmt8(min(s.available_balance, s.wallet_balance)),
            }
            if v2:
                row["marginAvailable"] = True
            row["updateTime"] = s.updated_ms if (s.wallet_balance or asset == "USDT") else 0
            rows.append(row)
            if asset == "USDT":
                totals = {
                    "totalInitialMargin": s.initial_margin,
                    "totalMaintMargin": s.maintenance_margin,
                    "totalWalletBalance": s.wallet_balance,
                    "totalUnrealizedProfit": s.unrealized_pnl,
                    "totalMarginBalance": s.margin_balance,
                    "totalPositionInitialMargin": s.position_initial_margin,
                    "totalOpenOrderInitialMargin": s.open_order_initial_margin,
                    "totalCrossWalletBalance": s.wallet_balance,
                    "totalCrossUnPnl": s.unrealized_pnl,
                    "availableBalance": s.available_balance,
                    "maxWithdrawAmount": min(s.available_balance, s.wallet_balance),
                }
        out: dict[str, Any] = {}
        if v2:
            out.update(
                feeTier=0,
                canTrade=True,
                canDeposit=True,
                canWithdraw=True,
                tradeGroupId=-1,
                updateTime=0,
                multiAssetsMargin=False,
            )
        out.update({k: _fmt8(v) for k, v in totals.items()})
        out["assets"] = rows
        positions = []
        for view in self.engine.positions(acct):
            inst = self.engine.instrument(view.symbol)
            if inst.settle != inst.quote:
                continue
            positions.append(
                {
                    "symbol": self._market_id(inst),
                    "positionSide": "BOTH",
                    "positionAmt": _fmt(view.amount, _decimals(inst.amount_step)),
                    "unrealizedProfit": _fmt8(view.unrealized_pnl),
                    "isolatedMargin": "0",
                    "notional": _fmt8(view.notional),
                    "isolatedWallet": "0",
                    "initialMargin": _fmt8(view.initial_margin + view.open_order_initial_margin),
                    "maintMargin": _fmt8(view.maintenance_margin),
                    "updateTime": view.updated_ms,
                }
            )
        out["positions"] = positions
        return out

    def _futures_new_order(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        wire_type = call.require("type").upper()
        if wire_type in _ALGO_TYPES or wire_type == "TRAILING_STOP_MARKET":
            raise _BinanceError(
                -4120,
                "Order type not supported for this endpoint. Please use the Algo Order API "
                "endpoints instead.",
            )
        if wire_type not in ("LIMIT", "MARKET"):
            raise _BinanceError(-1116, "Invalid orderType.")
        return self._futures_place(call, inst, wire_type, algo=False)

    def _futures_place(
        self, call: _Call, inst: Instrument, wire_type: str, *, algo: bool
    ) -> dict[str, Any]:
        side = _side(call.require("side"))
        position_side = (call.get("positionSide") or "BOTH").upper()
        if position_side != "BOTH":
            raise _BinanceError(-4061, "Order's position side does not match user's setting.")
        if call.flag("closePosition"):
            raise _BinanceError(-1014, "Unsupported order combination.")
        otype = OrderType.LIMIT if wire_type == "LIMIT" else OrderType.MARKET
        if algo:
            otype = _ALGO_TYPES[wire_type]
        quantity = call.decimal("quantity", required=True)
        price = call.decimal("price")
        if otype.has_limit_price and price is None:
            raise _missing("price")
        trigger = call.decimal("triggerPrice" if algo else "stopPrice")
        if otype.is_trigger and trigger is None:
            raise _missing("triggerPrice")
        tif_raw = call.get("timeInForce")
        if otype is OrderType.LIMIT and tif_raw is None:
            raise _missing("timeInForce")
        post_only = (tif_raw or "").upper() == "GTX"
        tif = TimeInForce.GTC if post_only or tif_raw is None else _tif(tif_raw)
        client_param = "clientAlgoId" if algo else "newClientOrderId"
        client_id = _client_id(call.get(client_param), futures=True)
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=otype,
            amount=quantity,
            price=price if otype.has_limit_price else None,
            stop_price=trigger if otype.is_trigger else None,
            time_in_force=tif,
            post_only=post_only,
            reduce_only=call.flag("reduceOnly"),
            client_order_id=client_id,
            spawn_on_trigger=algo,
        )
        order = self.engine.place_order(call.acct, req)
        if order.expire_reason is ExpireReason.FOK_UNFILLABLE:
            raise _BinanceError(
                -5021,
                "Due to the order could not be filled immediately, the FOK order has been "
                "rejected. The order will not be recorded in the order history",
            )
        if order.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE:
            raise _BinanceError(
                -5022,
                "Due to the order could not be executed as maker, the Post Only order will be "
                "rejected. The order will not be recorded in the order history",
            )
        if algo:
            return self._algo_order(inst, order, call.acct)
        return self._futures_order(inst, order, query=False)

    def _futures_order(self, inst: Instrument, order: Order, *, query: bool) -> dict[str, Any]:
        p, q = _decimals(inst.price_tick), _decimals(inst.amount_step)
        avg = order.average_price
        wire_type = _FUTURES_TYPE_NAMES[order.type]
        out: dict[str, Any] = {
            "orderId": order.id,
            "symbol": self._market_id(inst),
            "status": _STATUS[order.status],
            "clientOrderId": order.client_order_id,
            "price": _fmt(order.price or ZERO, p),
            "avgPrice": _plain(avg, p, 8) if avg is not None else _fmt(ZERO, p),
            "origQty": _fmt(order.amount or ZERO, q),
            "executedQty": _fmt(order.filled, q),
            "cumQty": _fmt(order.filled, q),
            "cumQuote": _plain(order.cost, 5, 8),
            "timeInForce": "GTX" if order.post_only else order.time_in_force.value,
            "type": wire_type,
            "reduceOnly": order.reduce_only,
            "closePosition": False,
            "side": order.side.value,
            "positionSide": "BOTH",
            "stopPrice": _fmt(order.stop_price or ZERO, p),
            "workingType": "CONTRACT_PRICE",
            "priceProtect": False,
            "origType": str(order.extra.get("binance_orig_type") or wire_type),
            "priceMatch": "NONE",
            "selfTradePreventionMode": "EXPIRE_MAKER",
            "goodTillDate": 0,
        }
        if query:
            out["time"] = order.created_ms
        out["updateTime"] = order.updated_ms
        return out

    def _futures_get_order(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        order = self._find(call, inst)
        if order.spawn_on_trigger:
            raise UnknownOrder("algo orders are queried on /fapi/v1/algoOrder")
        return self._futures_order(inst, order, query=True)

    def _futures_cancel(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        order = self._find(call, inst)
        if order.spawn_on_trigger:
            raise UnknownOrder("algo orders are cancelled on /fapi/v1/algoOrder")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return self._futures_order(inst, order, query=False)

    def _futures_open_orders(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return [
            self._futures_order(self.engine.instrument(o.symbol), o, query=True)
            for o in orders
            if o.kind == "swap" and not o.spawn_on_trigger
        ]

    # ---- futures algo (conditional) orders ---------------------------------------------------

    def _algo_new(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        algo_type = (call.get("algoType") or "").upper()
        if algo_type != "CONDITIONAL":
            raise _BinanceError(-1116 if algo_type else -1102, "Invalid algoType.")
        wire_type = call.require("type").upper()
        if wire_type not in _ALGO_TYPES:
            raise _BinanceError(-1116, "Invalid orderType.")
        return self._futures_place(call, inst, wire_type, algo=True)

    def _algo_order(self, inst: Instrument, order: Order, acct: Account) -> dict[str, Any]:
        p, q = _decimals(inst.price_tick), _decimals(inst.amount_step)
        child = acct.orders.get(order.child_id) if order.child_id is not None else None
        if order.status is OrderStatus.TRIGGERED:
            status = "TRIGGERED" if child is not None and child.is_open else "FINISHED"
        else:
            status = _STATUS[order.status]
        actual_price = child.average_price if child is not None else None
        return {
            "algoId": order.id,
            "clientAlgoId": order.client_order_id,
            "algoType": "CONDITIONAL",
            "orderType": _FUTURES_TYPE_NAMES[order.type],
            "symbol": self._market_id(inst),
            "side": order.side.value,
            "positionSide": "BOTH",
            "timeInForce": "GTX" if order.post_only else order.time_in_force.value,
            "quantity": _fmt(order.amount or ZERO, q),
            "algoStatus": status,
            "actualOrderId": str(child.id) if child is not None else "",
            "actualPrice": _plain(actual_price, p, 8) if actual_price else _fmt(ZERO, p),
            "triggerPrice": _fmt(order.stop_price or ZERO, p),
            "price": _fmt(order.price or ZERO, p),
            "icebergQuantity": None,
            "tpTriggerPrice": _fmt(ZERO, p),
            "tpPrice": _fmt(ZERO, p),
            "slTriggerPrice": _fmt(ZERO, p),
            "slPrice": _fmt(ZERO, p),
            "tpOrderType": "",
            "selfTradePreventionMode": "EXPIRE_MAKER",
            "workingType": "CONTRACT_PRICE",
            "priceMatch": "NONE",
            "closePosition": False,
            "priceProtect": False,
            "reduceOnly": order.reduce_only,
            "createTime": order.created_ms,
            "updateTime": order.updated_ms,
            "triggerTime": order.trigger_ms,
            "goodTillDate": 0,
        }

    def _algo_find(self, call: _Call) -> tuple[Instrument | None, Order]:
        inst = self._instrument(call, required=False)
        algo_id, client_id = self._order_lookup(call, "algoId", "clientAlgoId")
        order = self.engine.get_order(
            call.acct,
            order_id=algo_id,
            client_order_id=client_id,
            symbol=inst.symbol if inst else None,
        )
        if not order.spawn_on_trigger:
            raise UnknownOrder("not an algo order")
        return inst, order

    def _algo_get(self, call: _Call) -> dict[str, Any]:
        _, order = self._algo_find(call)
        return self._algo_order(self.engine.instrument(order.symbol), order, call.acct)

    def _algo_cancel(self, call: _Call) -> dict[str, Any]:
        _, order = self._algo_find(call)
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {
            "algoId": order.id,
            "clientAlgoId": order.client_order_id,
            "code": "200",
            "msg": "success",
        }

    def _algo_open(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return [
            self._algo_order(self.engine.instrument(o.symbol), o, call.acct)
            for o in orders
            if o.spawn_on_trigger
        ]

    # ---- futures positions and leverage ------------------------------------------------------

    def _position_risk(self, call: _Call, *, v2: bool = False) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        acct = call.acct
        if v2:
            symbols = [inst.symbol] if inst else [i.symbol for i in self._ids[_USDM].values()]
            views = [self.engine.position(acct, s) for s in symbols]
        else:
            views = [
                v for v in self.engine.positions(acct) if inst is None or v.symbol == inst.symbol
            ]
        taker = acct.fees.swap_taker
        out = []
        for view in views:
            vinst = self.engine.instrument(view.symbol)
            if vinst.settle != vinst.quote:
                continue
            q = _decimals(vinst.amount_step)
            if view.amount > 0:
                break_even = view.entry_price * (1 + taker)
            elif view.amount < 0:
                break_even = view.entry_price * (1 - taker)
            else:
                break_even = ZERO
            row: dict[str, Any] = {
                "symbol": self._market_id(vinst),
                "positionSide": "BOTH",
                "positionAmt": _fmt(view.amount, q),
                "entryPrice": _plain(view.entry_price, 1, 8),
                "breakEvenPrice": _plain(break_even, 1, 8),
                "markPrice": _fmt8(view.mark_price),
                "unRealizedProfit": _fmt8(view.unrealized_pnl),
                "liquidationPrice": _fmt8(view.liquidation_price),
                "isolatedMargin": "0",
                "notional": _fmt8(view.notional),
                "marginAsset": view.margin_asset,
                "isolatedWallet": "0",
                "initialMargin": _fmt8(view.initial_margin + view.open_order_initial_margin),
                "maintMargin": _fmt8(view.maintenance_margin),
                "positionInitialMargin": _fmt8(view.initial_margin),
                "openOrderInitialMargin": _fmt8(view.open_order_initial_margin),
                "adl": 0 if view.amount == 0 else 2,
                "bidNotional": "0",
                "askNotional": "0",
                "updateTime": view.updated_ms,
            }
            if v2:
                for key in (
                    "marginAsset",
                    "initialMargin",
                    "maintMargin",
                    "positionInitialMargin",
                    "openOrderInitialMargin",
                    "adl",
                    "bidNotional",
                    "askNotional",
                ):
                    row.pop(key)
                row.update(
                    leverage=str(view.leverage),
                    maxNotionalValue=str(_max_notional(vinst, view.leverage)),
                    marginType="cross",
                    isAutoAddMargin="false",
                    isolated=False,
                    adlQuantile=0,
                )
            out.append(row)
        return out

    def _leverage_bracket(self, call: _Call) -> Any:
        inst = self._instrument(call, required=False)
        selected = [inst] if inst else list(self._ids[_USDM].values())
        rows = [
            {"symbol": self._market_id(i), "notionalCoef": 1.0, "brackets": _brackets(i)}
            for i in selected
        ]
        return rows[0] if inst else rows

    def _set_leverage(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        leverage = call.integer("leverage", required=True)
        assert leverage is not None
        value = self.engine.set_leverage(call.acct, inst.symbol, leverage)
        return {
            "leverage": value,
            "maxNotionalValue": str(_max_notional(inst, value)),
            "symbol": self._market_id(inst),
        }

    def _symbol_config(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        selected = [inst] if inst else list(self._ids[_USDM].values())
        out = []
        for i in selected:
            lev = self.engine.get_leverage(call.acct, i.symbol)
            out.append(
                {
                    "symbol": self._market_id(i),
                    "marginType": "CROSSED",
                    "isAutoAddMargin": False,
                    "leverage": lev,
                    "maxNotionalValue": str(_max_notional(i, lev)),
                }
            )
        return out


def _route(
    surface: str,
    method: str,
    path: str,
    handler: _Route,
    operation: str,
    *,
    private: bool = False,
    weight: int | Callable[[_Call], int] = 1,
) -> None:
    BinanceVenue._routes[(surface, method, path)] = _Endpoint(handler, operation, private, weight)


def _depth_weight(call: _Call) -> int:
    raw = call.get("limit") or ""
    limit = int(raw) if raw.isdigit() else (100 if call.surface == _SPOT else 500)
    if call.surface == _SPOT:
        return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250
    return 2 if limit < 100 else 5 if limit < 500 else 10 if limit < 1000 else 20


def _many_weight(single: int, many: int) -> Callable[[_Call], int]:
    return lambda call: single if call.get("symbol") else many


def _install_routes() -> None:
    v = BinanceVenue
    op = Operation
    for prefix in ("/api/v3", "/api/v1"):
        _route(_SPOT, "GET", f"{prefix}/ping", v._ping, op.OTHER)
        _route(_SPOT, "GET", f"{prefix}/time", v._time, op.TIME)
    _route(_SPOT, "GET", "/api/v3/exchangeInfo", v._exchange_info, op.MARKETS, weight=20)
    _route(_SPOT, "GET", "/api/v3/depth", v._depth, op.ORDER_BOOK, weight=_depth_weight)
    _route(
        _SPOT, "GET", "/api/v3/ticker/24hr", v._ticker_24hr, op.TICKER, weight=_many_weight(2, 80)
    )
    _route(
        _SPOT, "GET", "/api/v3/ticker/price", v._ticker_price, op.TICKER, weight=_many_weight(2, 4)
    )
    _route(
        _SPOT,
        "GET",
        "/api/v3/ticker/bookTicker",
        v._book_ticker,
        op.TICKER,
        weight=_many_weight(2, 4),
    )
    _route(_SPOT, "GET", "/api/v3/account", v._spot_account, op.BALANCE, private=True, weight=20)
    _route(_SPOT, "POST", "/api/v3/order", v._spot_new_order, op.CREATE_ORDER, private=True)
    _route(_SPOT, "GET", "/api/v3/order", v._spot_get_order, op.FETCH_ORDER, private=True, weight=4)
    _route(_SPOT, "DELETE", "/api/v3/order", v._spot_cancel, op.CANCEL_ORDER, private=True)
    _route(
        _SPOT,
        "GET",
        "/api/v3/openOrders",
        v._spot_open_orders,
        op.OPEN_ORDERS,
        private=True,
        weight=_many_weight(6, 80),
    )
    _route(_SPOT, "GET", "/api/v3/myTrades", v._my_trades, op.MY_TRADES, private=True, weight=20)
    _route(
        _SPOT, "GET", "/api/v3/allOrders", v._spot_all_orders, op.ORDER_HISTORY, private=True,
        weight=20,
    )
    _route(
        _SPOT,
        "GET",
        "/sapi/v1/capital/config/getall",
        v._capital_config,
        op.CURRENCIES,
        private=True,
        weight=10,
    )
    _route(_SPOT, "GET", "/sapi/v1/margin/allPairs", v._margin_all_pairs, op.MARKETS, private=True)
    _route(
        _SPOT,
        "GET",
        "/sapi/v1/margin/isolated/allPairs",
        v._isolated_all_pairs,
        op.MARKETS,
        private=True,
        weight=10,
    )
    for surface, prefix in ((_USDM, "/fapi/v1"), (_COINM, "/dapi/v1")):
        _route(surface, "GET", f"{prefix}/ping", v._ping, op.OTHER)
        _route(surface, "GET", f"{prefix}/time", v._time, op.TIME)
        _route(surface, "GET", f"{prefix}/exchangeInfo", v._exchange_info, op.MARKETS)
    f = "/fapi/v1"
    _route(_USDM, "GET", f"{f}/depth", v._depth, op.ORDER_BOOK, weight=_depth_weight)
    _route(_USDM, "GET", f"{f}/ticker/24hr", v._ticker_24hr, op.TICKER, weight=_many_weight(1, 40))
    _route(_USDM, "GET", f"{f}/ticker/price", v._ticker_price, op.TICKER, weight=_many_weight(1, 2))
    _route(
        _USDM, "GET", f"{f}/ticker/bookTicker", v._book_ticker, op.TICKER, weight=_many_weight(2, 5)
    )
    _route(_USDM, "GET", f"{f}/premiumIndex", v._premium_index, op.TICKER)
    _route(
        _USDM,
        "GET",
        "/fapi/v3/account",
        v._futures_account,
        op.BALANCE,
        private=True,
        weight=5,
    )
    _route(
        _USDM,
        "GET",
        "/fapi/v2/account",
        lambda self, call: self._futures_account(call, v2=True),
        op.BALANCE,
        private=True,
        weight=5,
    )
    # a new futures order costs no IP weight, only order counts
    _route(
        _USDM, "POST", f"{f}/order", v._futures_new_order, op.CREATE_ORDER, private=True,
        weight=0,
    )
    _route(_USDM, "GET", f"{f}/order", v._futures_get_order, op.FETCH_ORDER, private=True)
    _route(_USDM, "DELETE", f"{f}/order", v._futures_cancel, op.CANCEL_ORDER, private=True)
    _route(
        _USDM,
        "GET",
        f"{f}/openOrders",
        v._futures_open_orders,
        op.OPEN_ORDERS,
        private=True,
        weight=_many_weight(1, 40),
    )
    _route(_USDM, "GET", f"{f}/userTrades", v._my_trades, op.MY_TRADES, private=True, weight=5)
    _route(
        _USDM, "GET", f"{f}/allOrders", v._futures_all_orders, op.ORDER_HISTORY, private=True,
        weight=5,
    )
    _route(_USDM, "POST", f"{f}/algoOrder", v._algo_new, op.CREATE_ORDER, private=True)
    _route(_USDM, "GET", f"{f}/algoOrder", v._algo_get, op.FETCH_ORDER, private=True)
    _route(_USDM, "DELETE", f"{f}/algoOrder", v._algo_cancel, op.CANCEL_ORDER, private=True)
    _route(
        _USDM,
        "GET",
        f"{f}/openAlgoOrders",
        v._algo_open,
        op.OPEN_ORDERS,
        private=True,
        weight=_many_weight(1, 40),
    )
    _route(
        _USDM,
        "GET",
        "/fapi/v3/positionRisk",
        v._position_risk,
        op.POSITIONS,
        private=True,
        weight=5,
    )
    _route(
        _USDM,
        "GET",
        "/fapi/v2/positionRisk",
        lambda self, call: self._position_risk(call, v2=True),
        op.POSITIONS,
        private=True,
        weight=5,
    )
    _route(
        _USDM, "GET", f"{f}/leverageBracket", v._leverage_bracket, op.LEVERAGE_INFO, private=True
    )
    _route(
        _USDM,
        "GET",
        f"{f}/symbolConfig",
        v._symbol_config,
        op.LEVERAGE_INFO,
        private=True,
        weight=5,
    )
    _route(_USDM, "POST", f"{f}/leverage", v._set_leverage, op.LEVERAGE, private=True)


# ---- helpers ---------------------------------------------------------------------------------


def _usage_headers(usages: Iterable[Usage]) -> dict[str, str]:
    """Binance's usage headers: ``X-MBX-USED-WEIGHT-1M`` on every answer, and the order
    counts (``X-MBX-ORDER-COUNT-10S``, ``-1D``; futures ``-10S``, ``-1M``) on new orders."""
    headers = {}
    for usage in usages:
        limit = usage.limit
        if limit.name == "REQUEST_WEIGHT":
            headers["X-MBX-USED-WEIGHT-1M"] = f"{usage.used:g}"
        elif limit.name == "ORDERS":
            for suffix, known in (*_ORDER_LIMITS[_SPOT], *_ORDER_LIMITS[_USDM]):
                if known is limit:
                    headers[f"X-MBX-ORDER-COUNT-{suffix}"] = f"{usage.used:g}"
    return headers


def _window_text(window_ms: int) -> str:
    """``1 MINUTE``, ``10 SECOND``: a window as Binance words it in its 429 messages."""
    seconds = window_ms / 1000
    for unit, name in ((86400, "DAY"), (60, "MINUTE"), (1, "SECOND")):
        if seconds >= unit and seconds % unit == 0:
            return f"{int(seconds // unit)} {name}"
    return f"{seconds:g} SECOND"


def _surface(path: str) -> str:
    if path.startswith(("/api/", "/sapi/")):
        return _SPOT
    if path.startswith("/fapi/"):
        return _USDM
    if path.startswith("/dapi/"):
        return _COINM
    return ""


def _signed_payload(request: VenueRequest) -> tuple[str, str | None]:
    """The exact signed text (query then body) and the signature sent, per Binance's rules."""
    marker = "signature="
    query, body = request.raw_query, request.body
    for text, is_body in ((body, True), (query, False)):
        if not text:
            continue
        if text.startswith(marker):
            head, sig = "", text[len(marker) :]
        else:
            idx = text.find("&" + marker)
            if idx < 0:
                continue
            head, sig = text[:idx], text[idx + len(marker) + 1 :]
        sig = sig.split("&", 1)[0]
        payload = (query + head) if is_body else head
        return payload, sig
    return query + body, None


def _side(raw: str) -> Side:
    try:
        return Side(raw.upper())
    except ValueError:
        raise _BinanceError(-1117, "Invalid side.") from None


def _tif(raw: str) -> TimeInForce:
    try:
        return TimeInForce(raw.upper())
    except ValueError:
        raise _BinanceError(-1115, "Invalid timeInForce.") from None


def _client_id(raw: str | None, *, futures: bool) -> str | None:
    if raw is None:
        return None
    if not _CLIENT_ID.match(raw):
        if futures:
            raise _BinanceError(-4015, "Client order id is not valid.")
        raise _BinanceError(
            -1100,
            "Illegal characters found in parameter 'newClientOrderId'; legal range is "
            "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
        )
    return raw


def _default_resp(wire_type: str) -> str:
    return "FULL" if wire_type in ("MARKET", "LIMIT") else "ACK"


def _filter_error(exc: FilterFailure, futures: bool) -> _BinanceError:
    flt, inst = exc.filter, exc.instrument
    if not futures:
        if flt in (Filter.PRICE_TICK, Filter.MIN_PRICE, Filter.MAX_PRICE):
            return _BinanceError(-1013, "Filter failure: PRICE_FILTER")
        if flt is Filter.MIN_NOTIONAL:
            return _BinanceError(-1013, "Filter failure: NOTIONAL")
        return _BinanceError(-1013, "Filter failure: LOT_SIZE")
    if flt is Filter.PRICE_TICK:
        return _BinanceError(-4014, "Price not increased by tick size.")
    if flt is Filter.MAX_PRICE:
        return _BinanceError(-4002, "Price greater than max price.")
    if flt is Filter.MIN_PRICE:
        return _BinanceError(-4013, "Price less than min price.")
    if flt is Filter.LOT_STEP:
        return _BinanceError(-1111, "Precision is over the maximum defined for this asset.")
    if flt is Filter.MIN_AMOUNT:
        return _BinanceError(-4004, "Quantity less than min quantity.")
    if flt is Filter.MAX_AMOUNT:
        return _BinanceError(-4005, "Quantity greater than max quantity.")
    return _BinanceError(
        -4164,
        f"Order's notional must be no smaller than {_plain(inst.min_notional)} "
        "(unless you choose reduce only).",
    )


def _spot_fill(t: Trade) -> dict[str, Any]:
    return {
        "price": _fmt8(t.price),
        "qty": _fmt8(t.amount),
        "commission": _fmt8(t.fee),
        "commissionAsset": t.fee_asset,
        "tradeId": t.id,
    }


def _spot_trade(inst: Instrument, t: Trade) -> dict[str, Any]:
    return {
        "symbol": f"{inst.base}{inst.quote}",
        "id": t.id,
        "orderId": t.order_id,
        "orderListId": -1,
        "price": _fmt8(t.price),
        "qty": _fmt8(t.amount),
        "quoteQty": _fmt8(t.quote_amount),
        "commission": _fmt8(t.fee),
        "commissionAsset": t.fee_asset,
        "time": t.time_ms,
        "isBuyer": t.side is Side.BUY,
        "isMaker": t.is_maker,
        "isBestMatch": True,
    }


def _futures_trade(inst: Instrument, t: Trade) -> dict[str, Any]:
    p, q = _decimals(inst.price_tick), _decimals(inst.amount_step)
    return {
        "symbol": f"{inst.base}{inst.quote}",
        "id": t.id,
        "orderId": t.order_id,
        "side": t.side.value,
        "price": _fmt(t.price, p),
        "qty": _fmt(t.amount, q),
        "realizedPnl": _plain(t.realized_pnl, 0, 8),
        "marginAsset": inst.settle,
        "quoteQty": _plain(t.quote_amount, 5, 8),
        "commission": _fmt8(t.fee),
        "commissionAsset": t.fee_asset,
        "time": t.time_ms,
        "positionSide": "BOTH",
        "maker": t.is_maker,
        "buyer": t.side is Side.BUY,
    }


def _spot_symbol(inst: Instrument) -> dict[str, Any]:
    return {
        "symbol": f"{inst.base}{inst.quote}",
        "status": "TRADING",
        "baseAsset": inst.base,
        "baseAssetPrecision": 8,
        "quoteAsset": inst.quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": _SPOT_ORDER_TYPES,
        "icebergAllowed": True,
        "ocoAllowed": True,
        "otoAllowed": True,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": True,
        "cancelReplaceAllowed": True,
        "amendAllowed": True,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": True,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": _fmt8(inst.lowest_price),
                "maxPrice": _fmt8(inst.max_price),
                "tickSize": _fmt8(inst.price_tick),
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": _fmt8(inst.min_amount),
                "maxQty": _fmt8(inst.max_amount),
                "stepSize": _fmt8(inst.amount_step),
            },
            {"filterType": "ICEBERG_PARTS", "limit": 10},
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": _fmt8(ZERO),
                "maxQty": _fmt8(inst.max_amount),
                "stepSize": _fmt8(ZERO),
            },
            {
                "filterType": "TRAILING_DELTA",
                "minTrailingAboveDelta": 10,
                "maxTrailingAboveDelta": 2000,
                "minTrailingBelowDelta": 10,
                "maxTrailingBelowDelta": 2000,
            },
            {
                "filterType": "PERCENT_PRICE_BY_SIDE",
                "bidMultiplierUp": "5",
                "bidMultiplierDown": "0.2",
                "askMultiplierUp": "5",
                "askMultiplierDown": "0.2",
                "avgPriceMins": 5,
            },
            {
                "filterType": "NOTIONAL",
                "minNotional": _fmt8(inst.min_notional),
                "applyMinToMarket": True,
                "maxNotional": _fmt8(Decimal(9_000_000)),
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5},
        ],
        "permissions": [],
        "permissionSets": [["SPOT", "MARGIN"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": [
            "EXPIRE_TAKER",
            "EXPIRE_MAKER",
            "EXPIRE_BOTH",
            "DECREMENT",
        ],
    }


def _futures_symbol(inst: Instrument) -> dict[str, Any]:
    p, q = _decimals(inst.price_tick), _decimals(inst.amount_step)
    mmr_pct = inst.maintenance_margin_rate * 100
    return {
        "symbol": f"{inst.base}{inst.quote}",
        "pair": f"{inst.base}{inst.quote}",
        "contractType": "PERPETUAL",
        "deliveryDate": 4133404800000,
        "onboardDate": 1569398400000,
        "status": "TRADING",
        "maintMarginPercent": _fmt(mmr_pct, 4),
        "requiredMarginPercent": _fmt(mmr_pct * 2, 4),
        "baseAsset": inst.base,
        "quoteAsset": inst.quote,
        "marginAsset": inst.settle,
        "pricePrecision": p,
        "quantityPrecision": q,
        "baseAssetPrecision": 8,
        "quotePrecision": 8,
        "underlyingType": "COIN",
        "underlyingSubType": ["PoW"] if inst.base == "BTC" else [],
        "permissionSets": ["GRID", "COPY"],
        "settlePlan": 0,
        "triggerProtect": "0.0500",
        "liquidationFee": "0.012500",
        "marketTakeBound": "0.05",
        "maxMoveOrderLimit": 10000,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": _fmt(inst.lowest_price, p),
                "maxPrice": _plain(inst.max_price),
                "tickSize": _fmt(inst.price_tick, p),
            },
            {
                "filterType": "LOT_SIZE",
                "stepSize": _fmt(inst.amount_step, q),
                "minQty": _fmt(inst.min_amount, q),
                "maxQty": _plain(inst.max_amount),
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "stepSize": _fmt(inst.amount_step, q),
                "minQty": _fmt(inst.min_amount, q),
                "maxQty": _plain(inst.max_amount),
            },
            {"filterType": "MAX_NUM_ORDERS", "limit": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 10},
            {"filterType": "MIN_NOTIONAL", "notional": _plain(inst.min_notional)},
            {
                "filterType": "PERCENT_PRICE",
                "multiplierUp": "1.0500",
                "multiplierDown": "0.9500",
                "multiplierDecimal": "4",
            },
        ],
        "orderTypes": _FUTURES_ORDER_TYPES,
        "timeInForce": ["GTC", "IOC", "FOK", "GTX", "GTD"],
    }


_TIER_CAPS = [
    Decimal(50_000),
    Decimal(600_000),
    Decimal(3_000_000),
    Decimal(12_000_000),
    Decimal(70_000_000),
]


def _brackets(inst: Instrument) -> list[dict[str, Any]]:
    out = []
    floor = ZERO
    cum = ZERO
    prev_mmr = inst.maintenance_margin_rate
    leverage = inst.max_leverage
    for n, cap in enumerate(_TIER_CAPS, start=1):
        mmr = inst.maintenance_margin_rate * (2 ** (n - 1))
        cum += floor * (mmr - prev_mmr)
        out.append(
            {
                "bracket": n,
                "initialLeverage": max(1, leverage),
                "notionalCap": _number(cap),
                "notionalFloor": _number(floor),
                "maintMarginRatio": _number(mmr),
                "cum": _number(cum),
            }
        )
        prev_mmr, floor, leverage = mmr, cap, max(1, leverage // 2)
    return out


def _max_notional(inst: Instrument, leverage: int) -> int:
    """The notional cap of the bracket whose leverage still allows ``leverage``."""
    allowed = inst.max_leverage
    cap = _TIER_CAPS[0]
    for tier_cap in _TIER_CAPS:
        if leverage <= allowed:
            cap = tier_cap
        allowed = max(1, allowed // 2)
    return int(cap)


_install_routes()

VENUE = BinanceVenue
