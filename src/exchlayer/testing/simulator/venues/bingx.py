"""BingX spot (``/openApi/spot``) and USDT-M perpetual swap (``/openApi/swap``) wire format.

Served hosts and environments:

=============================  ===========  ===============================================
host                           environment  ccxt mode
=============================  ===========  ===============================================
open-api.bingx.com             live         default (spot, swap, cswap, wallets)
open-api-vst.bingx.com         vst          ``set_sandbox_mode(True)`` (swap only: VST)
=============================  ===========  ===============================================

An API key belongs to one environment: a live key on the VST host gets ``100413``. The VST host
serves the perpetual-swap endpoints only (and the server time); anything else answers HTTP 404.

Signing (every private request): all parameters plus ``timestamp``, key-sorted ``k=v&...``
*without* percent-encoding, hex HMAC-SHA256 with the secret; the URL carries the percent-encoded
form plus ``&signature=``; the key travels in ``X-BX-APIKEY``. POST and DELETE carry everything
in the query string. The server unquotes the query before ``signature`` and recomputes; a request
is refused when ``timestamp >= server time + 1000`` or ``server time - timestamp > recvWindow``
(default 5000 ms): the shape of Binance's rule, which BingX's "timing security" section
describes (its own limits: 1 s ahead, ``recvWindow`` behind).

BingX answers errors with HTTP 200 and ``{"code": <int>, "msg": "...", "data": {}}``; success is
``code`` 0. The bodies below (codes and messages from BingX's API documentation) and the ccxt
4.5.90 exception each one produces, verified end to end by ``tests/simulator/test_bingx_*``:

* 100413 "Incorrect apiKey, please check your valid api key" (unknown or missing key)
  -> AuthenticationError
* 100412 "Null signature, please check your signature" -> AuthenticationError
* 100001 "Signature verification failed due to signature mismatch, ..." -> AuthenticationError
* 100421 "Null timestamp or timestamp mismatch, ..." -> BadSymbol [1]
* 100421 "The symbol you request is not available to place order currently, ..." (spot
  unknown symbol) -> BadSymbol
* 109425 "NOPE-USDT not exist, please verify it ..." (swap unknown symbol) -> BadSymbol
* 100202 "Insufficient assets, please verify the assets status" (spot) -> InsufficientFunds
* 101204 "Insufficient margin" (swap) -> InsufficientFunds
* 100400 " order not exist" (spot query of an unknown order) -> BadRequest [1]
* 100400 "the order you want to cancel is FILLED or CANCELLED already, or is not a valid order
  id ,please verify" (spot cancel) -> BadRequest [1]
* 80016 "order does not exist" (swap query) -> OrderNotFound
* 109414 "order not exist" (swap cancel of an unknown order) -> ExchangeError [1]
* 80018 "order is already filled, The order doesn't exist" (swap cancel of a finished order)
  -> ExchangeError [1]
* 100400 "Invalid parameters, ..." (spot: missing or malformed parameter, price/quantity
  precision, quantity bounds, bad client order id, trigger price already reached)
  -> BadRequest (exchlayer: InvalidOrder for an order)
* 100400 " check limit entrust value fail, entrust volume too low, ..." (spot minimum notional)
  -> BadRequest
* 100440 " check price diverge fail, ..." (spot price out of bounds) -> ExchangeError [1]
* 80014 "Invalid parameters,positionSide: This field is required." / "parameter quantity is
  must" (swap) -> BadRequest
* 109400 "Invalid parameters, ..." (swap precision, client id, leverage range, trigger price
  already reached) / "In the One-way mode, the 'PositionSide' field can only be set to BOTH."
  -> BadRequest
* 101400 "The minimum order amount is N BTC." / "Please ensure that the minimum nominal value
  of the order placed must be greater than Nu" (swap) -> InvalidOrder
* 101211 "Order price should be higher than N" (swap) -> ExchangeError [1]
* 101419 "Your order size has reached the upper limit" (swap) -> ExchangeError [1]
* 101290 "The Reduce Only order can only decrease the position ..." (swap) -> ExchangeError [1]
* 101215 "The Maker (Post Only) order ensures ... it will be canceled." (swap) -> ExchangeError [1]
* 101481 "clientOrderID cannot be repeated" (open order with that client id) -> InvalidOrder
  (DuplicateOrderId)
* unknown endpoint: HTTP 404 ``{"code": 100404, ...}`` -> ExchangeError

[1] ccxt's class is too coarse or wrong here; ``exchlayer.venues.bingx`` refines it from the
    message (ClockSkew, OrderNotFound, InvalidOrder).

Orders: spot types MARKET, LIMIT, TRIGGER_MARKET and TRIGGER_LIMIT (``stopPrice``); swap types
MARKET, LIMIT, TRIGGER_MARKET and TRIGGER_LIMIT, one-way mode (``positionSide=BOTH``). A trigger
order keeps its id when it fires. Spot ``newClientOrderId`` takes letters, digits and ``_`` (1-40);
the swap ``clientOrderID`` takes 1-40 characters and is stored lower-cased, as BingX does. Order
lookups accept ``clientOrderID`` or ``clientOrderId`` and treat ``orderId=None`` (what ccxt sends
with a client id) as absent.

Recent orders: spot ``GET spot/v1/trade/historyOrders`` (finished orders; ``startTime``,
``endTime``, ``orderId``, ``pageIndex``, ``pageSize`` at most 100; ``data.orders``), swap
``GET swap/v2/trade/allOrders`` (finished orders, what ccxt 4.5.90's ``fetch_closed_orders`` and
``fetch_canceled_and_closed_orders`` call) and ``GET swap/v1/trade/fullOrder`` (orders of every
status, ``fetch_orders``), both with ``startTime``, ``endTime``, ``orderId`` and ``limit``
(default 500, at most 1000). Newest first; ``Operation.ORDER_HISTORY``.

Client order ids: BingX's order-placement parameters say "different orders cannot use the same
clientOrderID" (spot ``newClientOrderId`` and swap ``clientOrderID``), so both markets default to
``ClientIdRule.LIFETIME``: an id is refused (101481) while any order with it is remembered, open
or finished. (BingX promises lookups by client id for 2 hours only; how long it refuses a used id
is not documented, and the simulator never forgets.) Under another rule, a lookup by client id
finds the open order with it, else the newest.

Ambiguous errors (``Fault.ERROR_AFTER``), HTTP 200 with the code in the body like every BingX
error: 100500 "Internal system error", 109500 and 100410 "The current system is busy, please try
again later" (codes and messages from ccxt 4.5.90's BingX table, which maps all three to
OperationFailed).

JSON types follow BingX: order ids and times are numbers; spot market data (symbols, 24h ticker)
carries JSON numbers; everything else (balances, orders, fills, swap market data) strings.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import unquote

from exchlayer.testing.simulator.engine import (
    ZERO,
    Account,
    ClientIdRule,
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

__all__ = ["VENUE", "BingXVenue"]

_SPOT = "spot"
_SWAP = "swap"
_CSWAP = "cswap"

_HOST_SURFACES: dict[str, frozenset[str]] = {
    "open-api.bingx.com": frozenset({_SPOT, _SWAP, _CSWAP}),
    "open-api-vst.bingx.com": frozenset({_SWAP}),
}

_DEFAULT_RECV_WINDOW = 5000
_AHEAD_LIMIT_MS = 1000  # a timestamp this far ahead of the server clock is refused
_SWAP_HISTORY_LIMIT = (500, 1000)  # default, maximum
_SPOT_HISTORY_PAGE = (100, 100)
# Published REST limits (bingx-api.github.io "Rate limit", and BingX's API rate-limit notice of
# 2025-10-16): per IP, the market data of spot and swap together 500 requests per 10 s and 1000
# per minute; the account interfaces 2000 per 10 s together and 300 per 10 s each; per UID, each
# trading endpoint its own per-second limit. A client over any of them is refused (HTTP 429)
# and "recovers after 5 minutes". Answers carry X-RateLimit-Requests-Remain and
# X-RateLimit-Requests-Expire (the window's end, ms) for the endpoint's tightest limit.
_RESTRICTED = Penalty(seconds=300)
_MARKET_10S = Limit("market", Quota(500, 10), penalty=_RESTRICTED)
_MARKET_1M = Limit("market-1m", Quota.rate_per_minute(1000), penalty=_RESTRICTED)
_ACCOUNT = Limit("account", Quota(2000, 10), penalty=_RESTRICTED)
_ACCOUNT_EACH = Limit("account-endpoint", Quota(300, 10), penalty=_RESTRICTED)
_PER_UID: dict[int, Limit] = {
    n: Limit(f"uid-{n}/s", Quota.rate_per_second(n), per_key=True, penalty=_RESTRICTED)
    for n in (5, 10)
}
_NUMBER = re.compile(r"^[0-9]{1,20}(\.[0-9]{1,20})?$")
_SPOT_CLIENT_ID = re.compile(r"^[A-Za-z0-9_]{1,40}$")
_CLIENT_ID_KEY = "bingx_client_id"
_DOCS_LINK = "https://bingx-api.github.io/docs/#/en-us/spot/account-api.html#Query%20Assets"

_TYPES: dict[str, OrderType] = {
    "MARKET": OrderType.MARKET,
    "LIMIT": OrderType.LIMIT,
    "TRIGGER_MARKET": OrderType.STOP,
    "TRIGGER_LIMIT": OrderType.STOP_LIMIT,
}
_TYPE_NAMES = {v: k for k, v in _TYPES.items()}
_TIF = {"GTC": TimeInForce.GTC, "IOC": TimeInForce.IOC, "FOK": TimeInForce.FOK}
#: average prices carry four more decimals than the price tick
_AVG_PLACES = {p: Decimal(10) ** -(p + 4) for p in range(20)}


class _BingXError(Exception):
    """A BingX error body: HTTP 200 with a non-zero code, unless ``status`` says otherwise."""

    def __init__(self, code: int, msg: str, status: int = 200) -> None:
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status


def _invalid(surface: str, detail: str) -> _BingXError:
    code = 100400 if surface == _SPOT else 109400
    return _BingXError(code, f"Invalid parameters, {detail}")


def _decimals(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _fmt(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}"


def _plain(value: Decimal | None) -> str:
    """The shortest plain rendering (``"50000"``, ``"0.00001"``), as BingX's spot strings."""
    if value is None or value == 0:
        return "0"
    return format(value.normalize(), "f")


def _num(value: Decimal) -> int | float:
    """A JSON number where BingX sends one (spot market data): the wire edge, not money math."""
    return int(value) if value == value.to_integral_value() else float(value)


def _iso_seconds(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_local(ms: int) -> str:
    """BingX's ``filledTime``: milliseconds, in UTC+8."""
    stamp = datetime.fromtimestamp(ms / 1000 + 8 * 3600, timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}+0800"


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

    def get(self, *names: str) -> str | None:
        for name in names:
            value = self.params.get(name)
            if value not in (None, "", "None"):  # ccxt sends a missing orderId as "None"
                return value
        return None

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            if self.surface == _SPOT:
                raise _invalid(_SPOT, f"{name}: This field is required.")
            raise _BingXError(80014, f"Invalid parameters,{name}: This field is required.")
        return value

    def decimal(self, name: str) -> Decimal | None:
        raw = self.get(name)
        if raw is None:
            return None
        if not _NUMBER.match(raw):
            raise _invalid(self.surface, f"{name}: {raw!r} is not a valid number")
        try:
            return Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the regex already guards this
            raise _invalid(self.surface, f"{name}: {raw!r} is not a valid number") from None

    def integer(self, name: str) -> int | None:
        raw = self.get(name)
        if raw is None:
            return None
        if not raw.isdigit():
            raise _invalid(self.surface, f"{name}: {raw!r} is not an integer")
        return int(raw)


_Route = Callable[["BingXVenue", _Call], Any]


@dataclass(frozen=True)
class _Endpoint:
    handler: _Route
    operation: str
    private: bool
    envelope: str
    """``spot``: code/msg/debugMsg/data; ``swap``: code/msg/data; ``ts``: code/timestamp/data."""
    uid_limit: Limit | None = None
    """The endpoint's own per-UID limit (trading endpoints)."""


class BingXVenue(VenueModule):
    """BingX spot + USDT-M perpetual swaps (live and VST) on the shared engine."""

    name: ClassVar[str] = "bingx"
    hosts: ClassVar[dict[str, str]] = {
        "open-api.bingx.com": "live",
        "open-api-vst.bingx.com": "vst",
    }
    fees: ClassVar[FeeSchedule] = FeeSchedule(
        spot_maker=Decimal("0.001"),
        spot_taker=Decimal("0.001"),
        swap_maker=Decimal("0.0002"),
        swap_taker=Decimal("0.0005"),
    )

    ambiguous_errors: ClassVar[tuple[AmbiguousError, ...]] = (
        AmbiguousError(100500, "Internal system error", 200),
        AmbiguousError(109500, "The current system is busy, please try again later", 200),
        AmbiguousError(100410, "The current system is busy, please try again later", 200),
    )
    envelope_keys: ClassVar[frozenset[str]] = frozenset(
        {"code", "msg", "debugMsg", "timestamp", "data"}
    )
    payload_key: ClassVar[str | None] = "data"
    client_id_defaults: ClassVar[Mapping[str, ClientIdRule]] = {
        "spot": ClientIdRule.LIFETIME,
        "swap": ClientIdRule.LIFETIME,
    }

    _routes: ClassVar[dict[tuple[str, str], _Endpoint]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ids: dict[str, dict[str, Instrument]] = {_SPOT: {}, _SWAP: {}, _CSWAP: {}}
        for inst in self.engine.instruments.values():
            market_id = f"{inst.base}-{inst.quote}"
            if inst.kind == "spot":
                self._ids[_SPOT][market_id] = inst
            elif inst.settle == inst.quote:
                self._ids[_SWAP][market_id] = inst
            else:
                self._ids[_CSWAP][market_id] = inst

    def error_body(self, code: int | str, message: str) -> Any:
        return {"code": code, "msg": message, "data": {}}

    def is_success(self, status: int, body: Any) -> bool:
        return 200 <= status < 300 and isinstance(body, dict) and body.get("code") == 0

    def market_id_families(self) -> list[list[str]]:
        return [list(self._ids[_SPOT]), list(self._ids[_SWAP])]

    # ---- dispatch ------------------------------------------------------------------------

    def _endpoint(self, request: VenueRequest) -> _Endpoint | None:
        if _surface(request.path) not in _HOST_SURFACES.get(request.host, frozenset()):
            return None
        return self._routes.get((request.method, request.path))

    def classify(self, request: VenueRequest) -> str:
        endpoint = self._endpoint(request)
        return Operation.UNKNOWN if endpoint is None else endpoint.operation

    async def handle(self, request: VenueRequest) -> VenueResponse:
        surface = _surface(request.path)
        endpoint = self._endpoint(request)
        if endpoint is None:
            return VenueResponse.json(
                {
                    "code": 100404,
                    "msg": f"simulator: no such endpoint {request.method} {request.path} "
                    f"on {request.host}",
                    "data": {},
                },
                404,
                operation=Operation.UNKNOWN,
            )
        call = _Call(request, request.params(), surface, None)
        usage, refusal = self._charge(request, endpoint)
        if refusal is not None:
            return VenueResponse.json(
                {"code": 429, "msg": "Too Many Requests", "data": {}},
                429,
                operation=endpoint.operation,
                private=endpoint.private,
                headers={
                    **_usage_headers(
                        Usage(refusal.limit, refusal.budget, refusal.used,
                              request.received_ms + refusal.retry_after_ms)
                    ),
                    "Retry-After": str(refusal.retry_after_seconds),
                },
            )
        headers = _usage_headers(usage)
        try:
            if endpoint.private:
                call.account = self.query_account(
                    self._authenticate(request, call.params), endpoint.operation
                )
            data = endpoint.handler(self, call)
        except _BingXError as exc:
            return VenueResponse.json(
                {"code": exc.code, "msg": exc.msg, "data": {}},
                exc.status,
                operation=endpoint.operation,
                private=endpoint.private,
                headers=headers,
            )
        except EngineError as exc:
            err = self._translate(exc, surface, endpoint.operation)
            return VenueResponse.json(
                {"code": err.code, "msg": err.msg, "data": {}},
                err.status,
                operation=endpoint.operation,
                private=endpoint.private,
                headers=headers,
            )
        if endpoint.envelope == "spot":
            body: dict[str, Any] = {"code": 0, "msg": "", "debugMsg": "", "data": data}
        elif endpoint.envelope == "ts":
            body = {"code": 0, "timestamp": self.engine.now_ms(), "data": data}
        else:
            body = {"code": 0, "msg": "", "data": data}
        return VenueResponse.json(
            body, operation=endpoint.operation, private=endpoint.private, headers=headers
        )

    # ---- rate limits ---------------------------------------------------------------------------

    def _charge(
        self, request: VenueRequest, endpoint: _Endpoint
    ) -> tuple[Usage | None, Refusal | None]:
        path = f"{request.method} {request.path}"
        if endpoint.private:
            charges = [Charge(_ACCOUNT, 1), Charge(_ACCOUNT_EACH, 1, path)]
        else:
            charges = [Charge(_MARKET_10S, 1), Charge(_MARKET_1M, 1)]
        if endpoint.uid_limit is not None:
            charges.append(Charge(endpoint.uid_limit, 1, path))
        usages, refusal = self.rate_limits.charge(
            request.environment, request.headers.get("X-BX-APIKEY"), request.received_ms,
            charges,
        )
        tightest = min(usages, key=lambda u: u.remaining, default=None)
        return tightest, refusal

    # ---- authentication ----------------------------------------------------------------------

    def _authenticate(self, request: VenueRequest, params: dict[str, str]) -> Account:
        api_key = request.headers.get("X-BX-APIKEY")
        account = self.accounts.find(self.name, request.environment, api_key)
        if account is None:
            raise _BingXError(100413, "Incorrect apiKey, please check your valid api key")
        payload, signature = _signed_payload(request)
        if signature is None:
            raise _BingXError(100412, "Null signature, please check your signature")
        expected = hmac.new(account.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature.lower()):
            raise _BingXError(
                100001,
                "Signature verification failed due to signature mismatch,please verify our "
                "authentication signature and try to run our sample code from the link "
                + _DOCS_LINK,
            )
        raw_ts = params.get("timestamp") or ""
        raw_window = params.get("recvWindow") or str(_DEFAULT_RECV_WINDOW)
        now = self.engine.now_ms()
        if (
            not raw_ts.isdigit()
            or not raw_window.isdigit()
            or int(raw_ts) >= now + _AHEAD_LIMIT_MS
            or now - int(raw_ts) > int(raw_window)
        ):
            raise _BingXError(
                100421,
                "Null timestamp or timestamp mismatch, try to run our sample code from the link "
                + _DOCS_LINK,
            )
        return account

    # ---- error translation ----------------------------------------------------------------

    def _translate(self, exc: EngineError, surface: str, operation: str) -> _BingXError:
        spot = surface == _SPOT
        if isinstance(exc, UnknownSymbol):
            return _unknown_symbol(surface, exc.symbol)
        if isinstance(exc, UnknownOrder):
            if spot and operation == Operation.CANCEL_ORDER:
                return _BingXError(
                    100400,
                    "the order you want to cancel is FILLED or CANCELLED already, or is not a "
                    "valid order id ,please verify",
                )
            if spot:
                return _BingXError(100400, " order not exist")
            if operation == Operation.CANCEL_ORDER:
                return _BingXError(109414, "order not exist")
            return _BingXError(80016, "order does not exist")
        if isinstance(exc, InsufficientBalance):  # incl. InsufficientMargin
            if spot:
                return _BingXError(100202, "Insufficient assets, please verify the assets status")
            return _BingXError(101204, "Insufficient margin")
        if isinstance(exc, DuplicateClientOrderId):
            return _BingXError(101481, "clientOrderID cannot be repeated")
        if isinstance(exc, WouldTriggerImmediately):
            return _invalid(surface, "stopPrice: the trigger price has already been reached")
        if isinstance(exc, ReduceOnlyRejected):
            return _BingXError(
                101290,
                "The Reduce Only order can only decrease the position and not be used to open "
                "a position. Please check your positions and open orders.",
            )
        if isinstance(exc, InvalidLeverage):
            return _invalid(
                surface, f"leverage: {exc.leverage} is not in the range 1-{exc.maximum}"
            )
        if isinstance(exc, FilterFailure):
            return _filter_error(exc, spot)
        if isinstance(exc, InvalidOrderRequest):
            return _invalid(surface, str(exc))
        return _BingXError(100500, f"Internal server error: {exc}")

    # ---- symbols -------------------------------------------------------------------------------

    def _instrument(self, call: _Call, required: bool = True) -> Instrument | None:
        market_id = call.require("symbol") if required else call.get("symbol")
        if market_id is None:
            return None
        inst = self._ids.get(call.surface, {}).get(market_id)
        if inst is None:
            raise _unknown_symbol(call.surface, market_id)
        return inst

    def _inst(self, call: _Call) -> Instrument:
        inst = self._instrument(call)
        assert inst is not None
        return inst

    # ---- public: general ----------------------------------------------------------------------

    def _server_time(self, call: _Call) -> dict[str, Any]:
        return {"serverTime": self.engine.now_ms()}

    def _spot_symbols(self, call: _Call) -> dict[str, Any]:
        inst = self._instrument(call, required=False)
        selected = [inst] if inst is not None else list(self._ids[_SPOT].values())
        return {
            "symbols": [
                {
                    "symbol": f"{i.base}-{i.quote}",
                    "minQty": _num(i.min_amount),
                    "maxQty": _num(i.max_amount),
                    "minNotional": _num(i.min_notional),
                    "maxNotional": 9_000_000,
                    "status": 1,
                    "tickSize": _num(i.price_tick),
                    "stepSize": _num(i.amount_step),
                    "apiStateSell": True,
                    "apiStateBuy": True,
                    "timeOnline": 0,
                    "offTime": 0,
                    "maintainTime": 0,
                }
                for i in selected
            ]
        }

    def _swap_contracts(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        selected = [inst] if inst is not None else list(self._ids[_SWAP].values())
        fees = self.fees
        return [
            {
                "contractId": str(100 + n),
                "symbol": f"{i.base}-{i.quote}",
                "size": _plain(i.amount_step),
                "quantityPrecision": _decimals(i.amount_step),
                "pricePrecision": _decimals(i.price_tick),
                "feeRate": _num(fees.swap_taker),
                "makerFeeRate": _num(fees.swap_maker),
                "takerFeeRate": _num(fees.swap_taker),
                "tradeMinLimit": 0,
                "tradeMinQuantity": _num(i.min_amount),
                "tradeMinUSDT": _num(i.min_notional),
                "maxLongLeverage": i.max_leverage,
                "maxShortLeverage": i.max_leverage,
                "currency": i.settle,
                "asset": i.base,
                "status": 1,
                "apiStateOpen": "true",
                "apiStateClose": "true",
                "ensureTrigger": True,
                "triggerFeeRate": "0.00020000",
                "brokerState": True,
                "launchTime": 1586275200000,
                "maintainTime": 0,
                "offTime": 0,
                "displayName": f"{i.base}-{i.quote}",
            }
            for n, i in enumerate(selected)
        ]

    def _inverse_contracts(self, call: _Call) -> list[dict[str, Any]]:
        return [
            {
                "symbol": f"{i.base}-{i.quote}",
                "pricePrecision": _decimals(i.price_tick),
                "minTickSize": _plain(i.contract_size),
                "minTradeValue": _plain(i.contract_size),
                "minQty": _fmt(i.min_amount, 8),
                "status": 1,
                "timeOnline": 1710738000000,
            }
            for i in self._ids[_CSWAP].values()
        ]

    # ---- public: market data ------------------------------------------------------------------

    def _spot_ticker(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        selected = [inst] if inst is not None else list(self._ids[_SPOT].values())
        out = []
        for i in selected:
            st = self.engine.stats(i.symbol)
            pct = (st.change / st.open * 100) if st.open else ZERO
            out.append(
                {
                    "symbol": f"{i.base}-{i.quote}",
                    "openPrice": _num(st.open),
                    "highPrice": _num(st.high),
                    "lowPrice": _num(st.low),
                    "lastPrice": _num(st.last),
                    "priceChange": _num(st.change),
                    "priceChangePercent": f"{pct:.2f}%",
                    "volume": _num(st.volume),
                    "quoteVolume": _num(st.quote_volume.quantize(Decimal("0.01"))),
                    "openTime": st.open_ms,
                    "closeTime": st.close_ms,
                    "askPrice": _num(st.ask),
                    "askQty": _num(st.ask_qty),
                    "bidPrice": _num(st.bid),
                    "bidQty": _num(st.bid_qty),
                }
            )
        return out

    def _swap_ticker_one(self, inst: Instrument) -> dict[str, Any]:
        st = self.engine.stats(inst.symbol)
        p, q = _decimals(inst.price_tick), _decimals(inst.amount_step)
        pct = (st.change / st.open * 100) if st.open else ZERO
        return {
            "symbol": f"{inst.base}-{inst.quote}",
            "priceChange": _fmt(st.change, p),
            "priceChangePercent": f"{pct:.2f}",
            "lastPrice": _fmt(st.last, p),
            "lastQty": _fmt(st.last_qty, q),
            "highPrice": _fmt(st.high, p),
            "lowPrice": _fmt(st.low, p),
            "volume": _fmt(st.volume, q),
            "quoteVolume": _fmt(st.quote_volume, 2),
            "openPrice": _fmt(st.open, p),
            "openTime": st.open_ms,
            "closeTime": st.close_ms,
            "askPrice": _fmt(st.ask, p),
            "askQty": _fmt(st.ask_qty, q),
            "bidPrice": _fmt(st.bid, p),
            "bidQty": _fmt(st.bid_qty, q),
        }

    def _swap_ticker(self, call: _Call) -> Any:
        inst = self._instrument(call, required=False)
        if inst is not None:
            return self._swap_ticker_one(inst)
        return [self._swap_ticker_one(i) for i in self._ids[_SWAP].values()]

    def _depth(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        spot = call.surface == _SPOT
        limit = call.integer("limit") or 20
        if spot and not 1 <= limit <= 1000:
            raise _invalid(_SPOT, f"limit: {limit} must be between 1 and 1000")
        if not spot and limit not in (5, 10, 20, 50, 100, 500, 1000):
            raise _invalid(_SWAP, f"limit: {limit} must be one of 5, 10, 20, 50, 100, 500, 1000")
        snap = self.engine.book(inst.symbol, limit)
        p, q = _decimals(inst.price_tick), _decimals(inst.amount_step)
        bids = [[_fmt(px, p), _fmt(sz, q)] for px, sz in snap.bids]
        # BingX lists the best asks worst first
        asks = [[_fmt(px, p), _fmt(sz, q)] for px, sz in reversed(snap.asks)]
        if spot:
            return {"bids": bids, "asks": asks, "ts": snap.time_ms, "lastUpdateId": snap.update_id}
        size = inst.contract_size
        return {
            "T": snap.time_ms,
            "bids": bids,
            "asks": asks,
            "bidsCoin": [[_fmt(px, p), _plain(sz * size)] for px, sz in snap.bids],
            "asksCoin": [[_fmt(px, p), _plain(sz * size)] for px, sz in reversed(snap.asks)],
        }

    # ---- wallets (load_markets with keys on the live environment) ---------------------------

    def _capital_config(self, call: _Call) -> list[dict[str, Any]]:
        assets: dict[str, None] = {}
        for inst in self.engine.instruments.values():
            assets.setdefault(inst.base)
            assets.setdefault(inst.quote)
        for asset in call.acct.balances:
            assets.setdefault(asset)
        return [
            {
                "coin": asset,
                "name": asset,
                "networkList": [
                    {
                        "name": asset,
                        "network": "ERC20",
                        "isDefault": True,
                        "minConfirm": 12,
                        "withdrawEnable": True,
                        "depositEnable": True,
                        "withdrawFee": "1",
                        "withdrawMax": "1000000",
                        "withdrawMin": "10",
                        "depositMin": "0.0002",
                        "withdrawPrecision": "8",
                        "depositPrecision": "8",
                        "contractAddress": "",
                        "needTagOrMemo": "false",
                        "displayName": asset,
                    }
                ],
            }
            for asset in assets
        ]

    # ---- spot private -------------------------------------------------------------------------

    def _spot_balance(self, call: _Call) -> dict[str, Any]:
        return {
            "balances": [
                {"asset": asset, "free": _plain(bal.free), "locked": _plain(bal.locked)}
                for asset, bal in call.acct.balances.items()
            ]
        }

    def _spot_new_order(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        side = _side(call)
        wire_type = call.require("type").upper()
        otype = _TYPES.get(wire_type)
        if otype is None:
            raise _invalid(_SPOT, f"type: {wire_type} is not supported")
        quantity = call.decimal("quantity")
        quote_qty = call.decimal("quoteOrderQty")
        price = call.decimal("price") if otype.has_limit_price else None
        stop_price = call.decimal("stopPrice")
        if quantity is not None:
            quote_qty = None  # BingX uses quantity when both are sent
        elif quote_qty is not None and otype.is_trigger:
            raise _invalid(
                _SPOT, "quoteOrderQty: the simulator sizes trigger orders by quantity only"
            )
        elif quote_qty is None or otype.has_limit_price:
            raise _invalid(_SPOT, "quantity: This field is required.")
        if otype.has_limit_price and (price is None or price <= 0):
            raise _BingXError(100400, "price can't be lte 0 in limit order")
        if otype.is_trigger and stop_price is None:
            raise _invalid(_SPOT, "stopPrice: This field is required.")
        tif, post_only = _time_in_force(call)
        client_id = call.get("newClientOrderId")
        if client_id is not None and not _SPOT_CLIENT_ID.match(client_id):
            raise _invalid(
                _SPOT,
                "newClientOrderId: only letters, numbers and _ are allowed, 1-40 characters",
            )
        order = self.engine.place_order(
            call.acct,
            OrderRequest(
                symbol=inst.symbol,
                side=side,
                type=otype,
                amount=quantity,
                price=price,
                stop_price=stop_price if otype.is_trigger else None,
                quote_amount=quote_qty,
                time_in_force=tif,
                post_only=post_only,
                client_order_id=client_id,
            ),
        )
        order.extra[_CLIENT_ID_KEY] = client_id or ""
        out = {
            "symbol": f"{inst.base}-{inst.quote}",
            "orderId": order.id,
            "transactTime": order.created_ms,
            **self._spot_amounts(inst, order),
            "clientOrderID": client_id or "",
        }
        if order.stop_price is not None:
            out["stopPrice"] = _plain(order.stop_price)
        return out

    def _spot_amounts(self, inst: Instrument, order: Order) -> dict[str, Any]:
        price = order.price
        if price is None and order.type is OrderType.MARKET:
            price = order.average_price  # a market order reports its average fill price
        return {
            "price": _plain(price),
            "origQty": _plain(order.amount if order.quote_amount is None else ZERO),
            "executedQty": _plain(order.filled),
            "cummulativeQuoteQty": _plain(order.cost),
            "status": _spot_status(order),
            "type": _TYPE_NAMES[order.type],
            "side": order.side.value,
        }

    def _spot_order(self, inst: Instrument, order: Order, acct: Account) -> dict[str, Any]:
        fee = sum((t.fee for t in self.engine.order_trades(acct, order)), ZERO)
        avg = order.average_price
        return {
            "symbol": f"{inst.base}-{inst.quote}",
            "orderId": order.id,
            **self._spot_amounts(inst, order),
            "time": order.created_ms,
            "updateTime": order.updated_ms,
            "origQuoteOrderQty": _plain(order.quote_amount),
            "fee": _plain(-fee),
            "feeAsset": inst.base if order.side is Side.BUY else inst.quote,
            "clientOrderID": _client_id(order),
            "stopPrice": _plain(order.stop_price),
            "avgPrice": _plain(avg),
        }

    def _find(self, call: _Call, inst: Instrument) -> Order:
        order_id = call.integer("orderId")
        client_id = call.get("clientOrderID", "clientOrderId")
        if order_id is None and client_id is None:
            raise _invalid(call.surface, "orderId or clientOrderID: one of them is required.")
        if client_id is not None and call.surface == _SWAP:
            client_id = client_id.lower()
        return self.engine.get_order(
            call.acct,
            order_id=order_id,
            client_order_id=None if order_id is not None else client_id,
            symbol=inst.symbol,
        )

    def _spot_query(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        return self._spot_order(inst, self._find(call, inst), call.acct)

    def _spot_cancel(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        order = self._find(call, inst)
        self.engine.cancel_order(call.acct, order_id=order.id)
        out = {
            "symbol": f"{inst.base}-{inst.quote}",
            "orderId": order.id,
            **self._spot_amounts(inst, order),
            "clientOrderID": _client_id(order),
        }
        out["stopPrice"] = _plain(order.stop_price)
        return out

    def _spot_open_orders(self, call: _Call) -> dict[str, Any]:
        inst = self._instrument(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return {
            "orders": [
                self._spot_order(self.engine.instrument(o.symbol), o, call.acct)
                for o in orders
                if o.kind == "spot"
            ]
        }

    def _spot_my_trades(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        order_id = call.integer("orderId")
        start, end = call.integer("startTime"), call.integer("endTime")
        from_id = call.integer("fromId")
        limit = min(max(call.integer("limit") or 500, 1), 1000)
        selected = [
            t
            for t in self.engine.trades(call.acct, inst.symbol)
            if (order_id is None or t.order_id == order_id)
            and (start is None or t.time_ms >= start)
            and (end is None or t.time_ms <= end)
            and (from_id is None or t.id >= from_id)
        ]
        selected = selected[:limit] if from_id is not None else selected[-limit:]
        return {"fills": [_spot_fill(inst, t) for t in selected]}

    def _history(
        self, call: _Call, inst: Instrument | None, kind: str, *, finished: bool
    ) -> list[Order]:
        """The account's orders of ``kind`` (finished ones only when ``finished``), newest
        first, filtered by ``orderId`` (that order), ``startTime`` and ``endTime``."""
        order_id = call.integer("orderId")
        start, end = call.integer("startTime"), call.integer("endTime")
        return [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == kind
            and (inst is None or o.symbol == inst.symbol)
            and (not finished or not o.is_open)
            and (order_id is None or o.id == order_id)
            and (start is None or o.created_ms >= start)
            and (end is None or o.created_ms <= end)
        ]

    def _spot_history(self, call: _Call) -> dict[str, Any]:
        inst = self._instrument(call, required=False)
        default, maximum = _SPOT_HISTORY_PAGE
        size = min(max(call.integer("pageSize") or default, 1), maximum)
        page = max(call.integer("pageIndex") or 1, 1)
        orders = self._history(call, inst, "spot", finished=True)[(page - 1) * size : page * size]
        return {
            "orders": [
                self._spot_order(self.engine.instrument(o.symbol), o, call.acct) for o in orders
            ]
        }

    def _swap_orders(self, call: _Call, *, finished: bool) -> dict[str, Any]:
        inst = self._instrument(call, required=False)
        default, maximum = _SWAP_HISTORY_LIMIT
        limit = min(max(call.integer("limit") or default, 1), maximum)
        orders = self._history(call, inst, "swap", finished=finished)[:limit]
        return {
            "orders": [
                self._swap_order(self.engine.instrument(o.symbol), o, call.acct) for o in orders
            ]
        }

    def _swap_all_orders(self, call: _Call) -> dict[str, Any]:
        return self._swap_orders(call, finished=True)

    def _swap_full_orders(self, call: _Call) -> dict[str, Any]:
        return self._swap_orders(call, finished=False)

    # ---- swap private -------------------------------------------------------------------------

    def _swap_balance(self, call: _Call) -> list[dict[str, Any]]:
        acct = call.acct
        rows = []
        for asset in dict.fromkeys(["USDT", "USDC", *acct.futures_wallet]):
            s = self.engine.margin_summary(acct, asset)
            rows.append(
                {
                    "userId": str(1_341_158_271_307_522_000 + acct.id),
                    "asset": asset,
                    "balance": _fmt(s.wallet_balance, 4),
                    "equity": _fmt(s.margin_balance, 4),
                    "unrealizedProfit": _fmt(s.unrealized_pnl, 4),
                    "realisedProfit": _plain(
                        sum(
                            (
                                p.realized_pnl
                                for sym, p in acct.positions.items()
                                if self.engine.instrument(sym).settle == asset
                            ),
                            ZERO,
                        )
                    ),
                    "availableMargin": _fmt(s.available_balance, 4),
                    "usedMargin": _fmt(s.position_initial_margin, 4),
                    "freezedMargin": _fmt(s.open_order_initial_margin, 4),
                    "shortUid": str(25_307_298 + acct.id),
                }
            )
        return rows

    def _swap_new_order(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        side = _side(call)
        wire_type = call.require("type").upper()
        otype = _TYPES.get(wire_type)
        if otype is None:
            raise _invalid(_SWAP, f"type: {wire_type} is not supported")
        position_side = call.require("positionSide").upper()
        if position_side != "BOTH":
            raise _BingXError(
                109400, "In the One-way mode, the 'PositionSide' field can only be set to BOTH."
            )
        quantity = call.decimal("quantity")
        if quantity is None:
            raise _BingXError(80014, "parameter quantity is must")
        price = call.decimal("price") if otype.has_limit_price else None
        if otype.has_limit_price and price is None:
            raise _BingXError(80014, "Invalid parameters,price: This field is required.")
        stop_price = call.decimal("stopPrice")
        if otype.is_trigger and stop_price is None:
            raise _BingXError(80014, "Invalid parameters,stopPrice: This field is required.")
        tif, post_only = _time_in_force(call)
        client_id = call.get("clientOrderID", "clientOrderId")
        if client_id is not None:
            if len(client_id) > 40:
                raise _invalid(_SWAP, "clientOrderID: 1-40 characters are allowed")
            client_id = client_id.lower()  # BingX stores swap client order ids lower-cased
        reduce_only = (call.get("reduceOnly") or "false").lower() == "true"
        order = self.engine.place_order(
            call.acct,
            OrderRequest(
                symbol=inst.symbol,
                side=side,
                type=otype,
                amount=quantity,
                price=price,
                stop_price=stop_price if otype.is_trigger else None,
                time_in_force=tif,
                post_only=post_only,
                reduce_only=reduce_only,
                client_order_id=client_id,
            ),
        )
        order.extra[_CLIENT_ID_KEY] = client_id or ""
        if order.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE:
            raise _BingXError(
                101215,
                "The Maker (Post Only) order ensures that the user always acts as a maker. If "
                "the order would immediately match with available orders in the market, it "
                "will be canceled.",
            )
        return {
            "order": {
                "symbol": f"{inst.base}-{inst.quote}",
                "orderId": order.id,
                "side": order.side.value,
                "positionSide": "BOTH",
                "type": wire_type,
                "clientOrderID": client_id or "",
                "workingType": "MARK_PRICE",
            }
        }

    def _swap_order(self, inst: Instrument, order: Order, acct: Account) -> dict[str, Any]:
        p, q = _decimals(inst.price_tick), _decimals(inst.amount_step)
        fee = sum((t.fee for t in self.engine.order_trades(acct, order)), ZERO)
        profit = sum((t.realized_pnl for t in self.engine.order_trades(acct, order)), ZERO)
        avg = order.average_price
        return {
            "symbol": f"{inst.base}-{inst.quote}",
            "orderId": order.id,
            "side": order.side.value,
            "positionSide": "BOTH",
            "type": _TYPE_NAMES[order.type],
            "origQty": _fmt(order.amount or ZERO, q),
            "price": _fmt(order.price or ZERO, p),
            "executedQty": _fmt(order.filled, q),
            "avgPrice": _fmt(ZERO, p) if avg is None else _plain(avg.quantize(_AVG_PLACES[p])),
            "cumQuote": _plain(order.cost),
            "stopPrice": _fmt(order.stop_price, p) if order.stop_price is not None else "",
            "profit": _fmt(profit, 4),
            "commission": _fmt(-fee, 6),
            "status": _swap_status(order),
            "time": order.created_ms,
            "updateTime": order.updated_ms,
            "clientOrderId": _client_id(order),
            "leverage": "",
            "takeProfit": _no_tp_sl(),
            "stopLoss": _no_tp_sl(),
            "advanceAttr": 0,
            "positionID": 0,
            "takeProfitEntrustPrice": 0,
            "stopLossEntrustPrice": 0,
            "orderType": "",
            "workingType": "MARK_PRICE",
            "onlyOnePosition": True,
            "reduceOnly": order.reduce_only,
            "postOnly": order.post_only,
            "stopGuaranteed": "false",
            "triggerOrderId": order.id,
        }

    def _swap_query(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        return {"order": self._swap_order(inst, self._find(call, inst), call.acct)}

    def _swap_cancel(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        order = self._find(call, inst)
        if not order.is_open:
            raise _BingXError(80018, "order is already filled, The order doesn't exist")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"order": self._swap_order(inst, order, call.acct)}

    def _swap_open_orders(self, call: _Call) -> dict[str, Any]:
        inst = self._instrument(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return {
            "orders": [
                self._swap_order(self.engine.instrument(o.symbol), o, call.acct)
                for o in orders
                if o.kind == "swap"
            ]
        }

    def _swap_fills(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        unit = (call.get("tradingUnit") or "CONT").upper()
        if unit not in ("COIN", "CONT"):
            raise _invalid(_SWAP, f"tradingUnit: {unit} must be COIN or CONT")
        start, end = call.integer("startTs"), call.integer("endTs")
        if start is None or end is None:
            raise _invalid(_SWAP, "startTs and endTs: This field is required.")
        order_id = call.integer("orderId")
        p = _decimals(inst.price_tick)
        fills = []
        for t in self.engine.trades(call.acct, inst.symbol):
            if not start <= t.time_ms <= end or (order_id is not None and t.order_id != order_id):
                continue
            order = call.acct.orders[t.order_id]
            volume = t.amount * inst.contract_size if unit == "COIN" else t.amount
            fills.append(
                {
                    "filledTm": _iso_seconds(t.time_ms),
                    "volume": _plain(volume),
                    "price": _fmt(t.price, p),
                    "amount": _fmt(t.quote_amount, 4),
                    "commission": _plain(-t.fee),
                    "currency": t.fee_asset,
                    "orderId": str(t.order_id),
                    "liquidatedPrice": "",
                    "liquidatedMarginRatio": "",
                    "filledTime": _iso_local(t.time_ms),
                    "clientOrderId": _client_id(order),
                    "symbol": f"{inst.base}-{inst.quote}",
                    "side": t.side.value,
                    "positionSide": "BOTH",
                    "type": _TYPE_NAMES[order.type],
                    "workingType": "MARK_PRICE",
                    "onlyOnePosition": True,
                }
            )
        return {"fill_orders": fills}

    def _positions(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        out: list[dict[str, Any]] = []
        for view in self.engine.positions(call.acct):
            vinst = self.engine.instrument(view.symbol)
            if view.amount == 0 or vinst.settle != vinst.quote:
                continue
            if inst is not None and vinst.symbol != inst.symbol:
                continue
            q = _decimals(vinst.amount_step)
            size = abs(view.amount)
            upnl_ratio = view.unrealized_pnl / view.initial_margin if view.initial_margin else ZERO
            out.append(
                {
                    "positionId": str(1_735_000_000_000_000_000 + call.acct.id * 1000 + len(out)),
                    "symbol": f"{vinst.base}-{vinst.quote}",
                    "currency": vinst.settle,
                    "positionAmt": _fmt(size, q),
                    "availableAmt": _fmt(size, q),
                    "positionSide": "LONG" if view.amount > 0 else "SHORT",
                    "isolated": False,
                    "avgPrice": _plain(view.entry_price),
                    "initialMargin": _fmt(view.initial_margin, 4),
                    "margin": _fmt(view.initial_margin, 4),
                    "leverage": view.leverage,
                    "unrealizedProfit": _fmt(view.unrealized_pnl, 4),
                    "realisedProfit": _fmt(view.realized_pnl, 4),
                    "liquidationPrice": _num(view.liquidation_price.quantize(Decimal("0.0001"))),
                    "pnlRatio": _fmt(upnl_ratio, 4),
                    "maxMarginReduction": "0.0000",
                    "riskRate": _fmt(
                        view.maintenance_margin / view.initial_margin if view.initial_margin
                        else ZERO,
                        4,
                    ),
                    "markPrice": _plain(view.mark_price),
                    "positionValue": _fmt(abs(view.notional), 4),
                    "onlyOnePosition": True,
                    "updateTime": view.updated_ms,
                }
            )
        return out

    def _set_leverage(self, call: _Call) -> dict[str, Any]:
        inst = self._inst(call)
        side = call.require("side").upper()
        if side != "BOTH":
            raise _BingXError(
                109400, "In the One-way mode, the 'Side' field can only be set to BOTH."
            )
        leverage = call.integer("leverage")
        if leverage is None:
            raise _BingXError(80014, "Invalid parameters,leverage: This field is required.")
        value = self.engine.set_leverage(call.acct, inst.symbol, leverage)
        available = self.engine.margin_summary(call.acct, inst.settle or "USDT").available_balance
        notional = available * value
        price = self.engine.price(inst.symbol)
        return {
            "leverage": value,
            "symbol": f"{inst.base}-{inst.quote}",
            "availableLongVol": _plain((notional / price).quantize(inst.amount_step)),
            "availableShortVol": _plain((notional / price).quantize(inst.amount_step)),
            "availableLongVal": _fmt(notional, 4),
            "availableShortVal": _fmt(notional, 4),
            "maxPositionLongVal": "50000000",
            "maxPositionShortVal": "50000000",
        }


def _route(
    method: str,
    path: str,
    handler: _Route,
    operation: str,
    *,
    private: bool = False,
    envelope: str = "swap",
    per_second: int | None = None,
) -> None:
    uid_limit = None if per_second is None else _PER_UID[per_second]
    BingXVenue._routes[(method, path)] = _Endpoint(
        handler, operation, private, envelope, uid_limit
    )


def _usage_headers(usage: Usage | None) -> dict[str, str]:
    if usage is None:
        return {}
    return {
        "X-RateLimit-Requests-Remain": f"{int(usage.remaining)}",
        "X-RateLimit-Requests-Expire": str(usage.window_end_ms),
    }


def _install_routes() -> None:
    v = BingXVenue
    op = Operation
    o = "/openApi"
    _route("GET", f"{o}/swap/v2/server/time", v._server_time, op.TIME)
    _route("GET", f"{o}/spot/v1/server/time", v._server_time, op.TIME, envelope="spot")
    _route("GET", f"{o}/spot/v1/common/symbols", v._spot_symbols, op.MARKETS, envelope="spot")
    _route("GET", f"{o}/swap/v2/quote/contracts", v._swap_contracts, op.MARKETS)
    _route("GET", f"{o}/cswap/v1/market/contracts", v._inverse_contracts, op.MARKETS)
    _route("GET", f"{o}/spot/v1/ticker/24hr", v._spot_ticker, op.TICKER, envelope="ts")
    _route("GET", f"{o}/swap/v2/quote/ticker", v._swap_ticker, op.TICKER)
    _route("GET", f"{o}/spot/v1/market/depth", v._depth, op.ORDER_BOOK, envelope="ts")
    _route("GET", f"{o}/swap/v2/quote/depth", v._depth, op.ORDER_BOOK)
    _route(
        "GET",
        f"{o}/wallets/v1/capital/config/getall",
        v._capital_config,
        op.CURRENCIES,
        private=True,
        envelope="ts",
        per_second=5,
    )

    # per-UID limits from each endpoint's page ("rate limitation by UID: n/s")
    def spot(method: str, path: str, handler: _Route, operation: str, per_second: int) -> None:
        _route(
            method, path, handler, operation, private=True, envelope="spot",
            per_second=per_second,
        )

    def swap(method: str, path: str, handler: _Route, operation: str, per_second: int) -> None:
        _route(method, path, handler, operation, private=True, per_second=per_second)

    spot("GET", f"{o}/spot/v1/account/balance", v._spot_balance, op.BALANCE, 5)
    spot("POST", f"{o}/spot/v1/trade/order", v._spot_new_order, op.CREATE_ORDER, 5)
    spot("GET", f"{o}/spot/v1/trade/query", v._spot_query, op.FETCH_ORDER, 10)
    spot("POST", f"{o}/spot/v1/trade/cancel", v._spot_cancel, op.CANCEL_ORDER, 5)
    spot("GET", f"{o}/spot/v1/trade/openOrders", v._spot_open_orders, op.OPEN_ORDERS, 10)
    spot("GET", f"{o}/spot/v1/trade/myTrades", v._spot_my_trades, op.MY_TRADES, 5)
    spot("GET", f"{o}/spot/v1/trade/historyOrders", v._spot_history, op.ORDER_HISTORY, 10)
    swap("GET", f"{o}/swap/v3/user/balance", v._swap_balance, op.BALANCE, 5)
    swap("POST", f"{o}/swap/v2/trade/order", v._swap_new_order, op.CREATE_ORDER, 10)
    swap("GET", f"{o}/swap/v2/trade/order", v._swap_query, op.FETCH_ORDER, 5)
    swap("DELETE", f"{o}/swap/v2/trade/order", v._swap_cancel, op.CANCEL_ORDER, 5)
    swap("GET", f"{o}/swap/v2/trade/openOrders", v._swap_open_orders, op.OPEN_ORDERS, 5)
    swap("GET", f"{o}/swap/v2/trade/allFillOrders", v._swap_fills, op.MY_TRADES, 5)
    swap("GET", f"{o}/swap/v2/trade/allOrders", v._swap_all_orders, op.ORDER_HISTORY, 5)
    swap("GET", f"{o}/swap/v1/trade/fullOrder", v._swap_full_orders, op.ORDER_HISTORY, 5)
    swap("GET", f"{o}/swap/v2/user/positions", v._positions, op.POSITIONS, 5)
    swap("POST", f"{o}/swap/v2/trade/leverage", v._set_leverage, op.LEVERAGE, 5)


# ---- helpers ---------------------------------------------------------------------------------


def _surface(path: str) -> str:
    if path.startswith(("/openApi/spot/", "/openApi/wallets/")):
        return _SPOT
    if path.startswith("/openApi/swap/"):
        return _SWAP
    if path.startswith("/openApi/cswap/"):
        return _CSWAP
    return ""


def _signed_payload(request: VenueRequest) -> tuple[str, str | None]:
    """The signed text (query, then any form body, unquoted, without ``signature``) and the
    signature sent, per BingX's rules."""
    signature = None
    parts = []
    for text in (request.raw_query, request.body):
        kept = []
        for pair in text.split("&") if text else ():
            key, _, value = pair.partition("=")
            if key == "signature":
                signature = unquote(value)
            else:
                kept.append(pair)
        parts.append(unquote("&".join(kept)))
    return "".join(parts), signature


def _unknown_symbol(surface: str, market_id: str) -> _BingXError:
    if surface == _SPOT:
        return _BingXError(
            100421,
            "The symbol you request is not available to place order currently, please verify "
            "symbol's status by api:/openApi/spot/v1/common/symbols",
        )
    return _BingXError(109425, f"{market_id} not exist, please verify it on the official website")


def _side(call: _Call) -> Side:
    raw = call.require("side").upper()
    try:
        return Side(raw)
    except ValueError:
        raise _invalid(call.surface, f"side: {raw} must be BUY or SELL") from None


def _time_in_force(call: _Call) -> tuple[TimeInForce, bool]:
    raw = (call.get("timeInForce") or "GTC").upper()
    if raw == "POSTONLY":
        return TimeInForce.GTC, True
    tif = _TIF.get(raw)
    if tif is None:
        raise _invalid(call.surface, f"timeInForce: {raw} must be PostOnly, GTC, IOC or FOK")
    return tif, False


def _spot_status(order: Order) -> str:
    status = order.status
    if status is OrderStatus.NEW:
        return "NEW" if order.pending_trigger else "PENDING"
    if status in (OrderStatus.CANCELED, OrderStatus.EXPIRED):
        return "CANCELED"
    if status is OrderStatus.REJECTED:
        return "FAILED"
    return str(status.value)  # PARTIALLY_FILLED, FILLED


def _swap_status(order: Order) -> str:
    status = order.status
    if status is OrderStatus.NEW:
        return "NEW" if order.pending_trigger else "PENDING"
    if status in (OrderStatus.CANCELED, OrderStatus.EXPIRED, OrderStatus.REJECTED):
        return "CANCELLED"
    return str(status.value)


def _client_id(order: Order) -> str:
    """The client order id as the user sent it ("" when none was: BingX makes up none)."""
    return str(order.extra.get(_CLIENT_ID_KEY, ""))


def _no_tp_sl() -> dict[str, Any]:
    return {"type": "", "quantity": 0, "stopPrice": 0, "price": 0, "workingType": ""}


def _spot_fill(inst: Instrument, t: Trade) -> dict[str, Any]:
    return {
        "symbol": f"{inst.base}-{inst.quote}",
        "id": t.id,
        "orderId": t.order_id,
        "price": _plain(t.price),
        "qty": _plain(t.amount),
        "quoteQty": _plain(t.quote_amount),
        "commission": _num(-t.fee),
        "commissionAsset": t.fee_asset,
        "time": t.time_ms,
        "isBuyer": t.side is Side.BUY,
        "isMaker": t.is_maker,
    }


def _filter_error(exc: FilterFailure, spot: bool) -> _BingXError:
    flt, inst = exc.filter, exc.instrument
    if spot:
        if flt is Filter.MIN_NOTIONAL:
            return _BingXError(
                100400,
                " check limit entrust value fail, entrust volume too low, userID: ***, "
                f"minVolume:{_plain(inst.min_notional)}, {exc.detail}",
            )
        if flt in (Filter.MIN_PRICE, Filter.MAX_PRICE):
            return _BingXError(
                100440,
                f" check price diverge fail, {exc.detail}, minEntrustPrice:"
                f"{_plain(inst.lowest_price)}, maxEntrustPrice:{_plain(inst.max_price)}",
            )
        if flt is Filter.PRICE_TICK:
            return _invalid(
                _SPOT, f"price: at most {_decimals(inst.price_tick)} decimals are allowed"
            )
        if flt is Filter.LOT_STEP:
            return _invalid(
                _SPOT, f"quantity: at most {_decimals(inst.amount_step)} decimals are allowed"
            )
        return _invalid(
            _SPOT,
            f"quantity: must be between {_plain(inst.min_amount)} and {_plain(inst.max_amount)}",
        )
    if flt is Filter.MIN_NOTIONAL:
        return _BingXError(
            101400,
            "Please ensure that the minimum nominal value of the order placed must be greater "
            f"than {_plain(inst.min_notional)}u",
        )
    if flt is Filter.MIN_AMOUNT:
        return _BingXError(
            101400, f"The minimum order amount is {_plain(inst.min_amount)} {inst.base}."
        )
    if flt is Filter.MAX_AMOUNT:
        return _BingXError(101419, "Your order size has reached the upper limit")
    if flt is Filter.MIN_PRICE:
        return _BingXError(101211, f"Order price should be higher than {_plain(inst.lowest_price)}")
    if flt is Filter.MAX_PRICE:
        return _BingXError(101211, f"Order price should be lower than {_plain(inst.max_price)}")
    if flt is Filter.PRICE_TICK:
        return _invalid(_SWAP, f"price: at most {_decimals(inst.price_tick)} decimals are allowed")
    return _invalid(
        _SWAP, f"quantity: at most {_decimals(inst.amount_step)} decimals are allowed"
    )


_install_routes()

VENUE = BingXVenue
