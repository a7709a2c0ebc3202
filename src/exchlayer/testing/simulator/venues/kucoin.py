"""KuCoin spot (high-frequency "HF" account) and USDT-margined futures wire format.

Served hosts (both are the live environment; KuCoin has no sandbox):

==========================  =========  ======================================================
host                        surface    endpoints
==========================  =========  ======================================================
api.kucoin.com              spot       ``/api/v1``, ``/api/v2``, ``/api/v3``, ``/api/ua/v1``
api-futures.kucoin.com      futures    ``/api/v1``, ``/api/v2``
==========================  =========  ======================================================

Spot and futures share paths such as ``/api/v1/orders`` and ``/api/v1/timestamp``, so every
request is routed on its original host first. Every answer is KuCoin's envelope,
``{"code": "200000", "data": ...}``; an error is ``{"code": "<code>", "msg": "<text>"}``.

Authentication (private endpoints), checked in this order:

* ``KC-API-KEY``, ``KC-API-SIGN``, ``KC-API-TIMESTAMP`` and ``KC-API-PASSPHRASE`` present, else
  400001 (HTTP 401);
* ``KC-API-TIMESTAMP`` (ms) within 5 s of the server clock, else 400002;
* the key exists in this environment, else 400003;
* ``KC-API-PASSPHRASE`` equals base64 HMAC-SHA256(secret, passphrase) with
  ``KC-API-KEY-VERSION: 2`` (or 3; version 1 sends the passphrase itself), else 400004;
* ``KC-API-SIGN`` equals base64 HMAC-SHA256(secret, timestamp + METHOD + path + ``?query`` (as
  sent) + body), else 400005.

Partner headers (``KC-API-PARTNER*``) are accepted and ignored.

Error bodies and the ccxt 4.5.90 exception each one produces (``kucoin`` and ``kucoinfutures``
share one ``handle_errors``: the message is matched exactly first, then the code). HTTP 200 unless
noted:

* 400001 "Please check the header of your request for KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP,
  KC-API-PASSPHRASE" (401) -> AuthenticationError
* 400002 "KC-API-TIMESTAMP Invalid -- Time differs from server time by more than 5 seconds"
  (401) -> InvalidNonce
* 400003 "KC-API-KEY not exists" (401) -> AuthenticationError
* 400004 "Invalid KC-API-PASSPHRASE" (401) -> AuthenticationError
* 400005 "Invalid KC-API-SIGN" (401) -> AuthenticationError
* 400100 "Unsupported trading pair." (unknown symbol, both hosts) -> BadSymbol
* 200004 "Balance insufficient!" (spot) -> InsufficientFunds
* 300003 "Balance not enough, please first deposit at least 2 USDT before you start the battle"
  (futures margin) -> InsufficientFunds
* 400100 "The order does not exist." (spot HF and stop order lookups) -> OrderNotFound
* 400100 "order_not_exist_or_not_allow_to_cancel" (spot cancels of unknown or finished orders)
  -> OrderNotFound
* 100001 "error.getOrder.orderNotExist" (futures lookups and cancels of unknown ids)
  -> OrderNotFound
* 100004 "Order is in not cancelable state" (futures cancel of a finished order) -> BadRequest
  [the exchlayer adapter reads it as "not open any more"]
* 400100 "Order size increment invalid." / "Order size below the minimum requirement." /
  "The quantity is below the minimum requirement." -> InvalidOrder
* 600101 "The order funds should more then <min> USDT." (spot minimum value) -> InvalidOrder
* 300000 "Price increment invalid." / "Order price out of range." / "Order size above the maximum
  requirement." / "Duplicate clientOid." (futures) -> InvalidOrder
* 126044 "clientOid duplicate" (spot client id of an open order) -> InvalidOrder
* 300009 "No open positions to close." (futures reduce-only or closeOrder) -> InvalidOrder
* 330005 "The order's margin mode does not match the selected one. ..." (``marginMode:
  ISOLATED``; the simulator's symbols are in cross mode) -> InvalidOrder
* 400100 any other parameter error (missing or malformed field, bad leverage) -> BadRequest
* 404000 "simulator: no such endpoint ..." (404) -> NotSupported

Order model:

* Spot orders are HF orders (``/api/v1/hf/orders``); ids are 24 hex digits. A finished HF order
  reports ``active: false``; a cancelled one, or the cancelled remainder of an IOC, FOK, post-only
  or market order, ``cancelExist: true`` (KuCoin cancels such orders, it does not reject them).
* Spot stop orders live apart (``/api/v1/stop-order``) with ``vs…`` ids and no fills. ``stop``
  is ``loss`` (trigger at or below ``stopPrice``, the default) or ``entry`` (at or above). When
  one triggers it reports ``TRIGGERED`` and a new HF order with a new id and the same
  ``clientOid`` does the work; a cancelled stop order reports ``CANCEL``.
* Futures sizes are whole lots of ``multiplier`` base units (the instrument's amount step: BTC
  lots are 0.001 BTC) and BTC is named ``XBT`` (``XBTUSDTM``). Stop orders go to
  ``/api/v1/orders`` with ``stop`` (``up``/``down``), ``stopPrice`` and ``stopPriceType``, keep
  their id when they trigger, and are listed by ``/api/v1/stopOrders`` until then. The
  simulator's perpetuals are in cross margin mode; an opening order's ``leverage`` becomes the
  symbol's leverage (as ``changeCrossUserLeverage`` would). KuCoin's perpetuals have no minimum
  order value: the engine's minimum notional is not applied to them.
* Spot fees are charged in the quote currency.
* Not simulated: a stop order whose price is already reached is refused with 400100 (KuCoin
  would trigger it at once); ``valueQty`` futures orders; ``GTT`` time in force; margin trading.

Recent orders: spot ``GET /api/v1/hf/orders/done`` (``symbol`` required; ``side``, ``type``,
``startAt``, ``endAt``, ``lastId``, ``limit`` 20 by default and at most 100; ``{"lastId",
"items"}``, newest first) and futures ``GET /api/v1/orders?status=done`` (paginated ``items``,
``startAt``/``endAt``) list finished orders (``Operation.ORDER_HISTORY``); ``status=active``
lists are ``OPEN_ORDERS``.

Client order ids: KuCoin asks for a unique ``clientOid`` ("please do not initiate requests using
the same clientOid") but enforces it only among active orders: a finished order's clientOid can
be used again (observed and reported in Kucoin/kucoin-api-docs#468), so both markets default to
``ClientIdRule.OPEN_ONLY``. A lookup by clientOid finds the active order, else the newest.

Clock: ``KC-API-TIMESTAMP`` may be at most 5 s from the server clock either way (400002).

Ambiguous errors (``Fault.ERROR_AFTER``): 500000 "Internal Server Error" (HTTP 500; KuCoin's
HTTP error table: "We had a problem with our server. Try again later."), 408000 "Network timeout,
please try again later" and 126038 "Third-party service call failed (internal exception)" (HTTP
200, assumed). Codes and messages as ccxt 4.5.90's KuCoin exception table quotes them; ccxt maps
500000 to ExchangeNotAvailable but 408000 to BadRequest and 126038 to ExchangeError.

JSON types follow KuCoin: spot numbers are strings; futures sizes are integers and contract,
position and account figures JSON numbers, while order prices and values are strings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import unquote

from exchlayer.testing.simulator.engine import (
    ZERO,
    Account,
    DuplicateClientOrderId,
    EngineError,
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
from exchlayer.testing.simulator.ratelimit import Charge, Limit, Quota, Refusal, Usage
from exchlayer.testing.simulator.venues import (
    AmbiguousError,
    Operation,
    VenueModule,
    VenueRequest,
    VenueResponse,
)

__all__ = ["VENUE", "KucoinVenue"]

_SPOT = "spot"
_FUTURES = "futures"
_HOST_SURFACE = {"api.kucoin.com": _SPOT, "api-futures.kucoin.com": _FUTURES}

_OK = "200000"
_TIME_WINDOW_MS = 5000
# Published REST limits (kucoin.com/docs "Rate Limit", VIP0): resource pools refilled every 30 s,
# the window opening with the first request. Public endpoints of both hosts share one pool per
# IP; the others are per UID. Each endpoint spends its documented weight from one pool; each
# answer carries gw-ratelimit-limit/-remaining/-reset (ms) for that pool; over it, HTTP 429 with
# code 429000.
_PUBLIC_POOL = Limit("public", Quota(2000, 30), anchored=True)
_SPOT_POOL = Limit("spot", Quota(4000, 30), per_key=True, anchored=True)
_FUTURES_POOL = Limit("futures", Quota(2000, 30), per_key=True, anchored=True)
_MANAGEMENT_POOL = Limit("management", Quota(2000, 30), per_key=True, anchored=True)
_MANAGEMENT_PATHS = frozenset({"/api/v1/accounts", "/api/ua/v1/account/mode",
                               "/api/v1/hf/accounts/opened"})
_PUBLIC_PATHS = frozenset({"/api/v3/margin/symbols", "/api/v1/isolated/symbols"})
_NS = 1_000_000
_EIGHT_HOURS_MS = 28_800_000

_NUMBER = re.compile(r"^[0-9]{1,20}(\.[0-9]{1,20})?$")
_CLIENT_OID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_HEX_ID = re.compile(r"^[0-9a-f]{24}$")
_STOP_ID = re.compile(r"^vs[0-9a-f]{22}$")

_AUTH_HEADERS = ("KC-API-KEY", "KC-API-SIGN", "KC-API-TIMESTAMP", "KC-API-PASSPHRASE")
_NOT_EXIST = "The order does not exist."
_NOT_CANCELLABLE = "order_not_exist_or_not_allow_to_cancel"
_FUTURES_NOT_EXIST = "error.getOrder.orderNotExist"


class _KucoinError(Exception):
    def __init__(self, code: str, msg: str, status: int = 200) -> None:
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status


def _param_error(msg: str) -> _KucoinError:
    return _KucoinError("400100", msg)


@dataclass(frozen=True)
class _Envelope:
    """A whole response body (for the few answers that carry more than ``code`` and ``data``)."""

    body: dict[str, Any]


@dataclass
class _Call:
    request: VenueRequest
    surface: str
    query: dict[str, str]
    body: dict[str, Any]
    path: dict[str, str] = field(default_factory=dict)
    account: Account | None = None

    @property
    def acct(self) -> Account:
        assert self.account is not None
        return self.account

    def text(self, name: str) -> str | None:
        """A parameter from the JSON body, else the query string, as text (``None`` if absent)."""
        value: Any = self.body.get(name, self.query.get(name))
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value)
        return str(value)

    def require(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise _param_error(f"{name} is required")
        return value

    def decimal(self, name: str, *, required: bool = False) -> Decimal | None:
        raw = self.require(name) if required else self.text(name)
        if raw is None:
            return None
        if not _NUMBER.match(raw):
            raise _param_error(f"{name} is invalid")
        try:
            return Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the regex already guards this
            raise _param_error(f"{name} is invalid") from None

    def integer(self, name: str, *, default: int | None = None) -> int | None:
        raw = self.text(name)
        if raw is None:
            return default
        if not raw.isdigit():
            raise _param_error(f"{name} is invalid")
        return int(raw)

    def flag(self, name: str) -> bool:
        return (self.text(name) or "false").lower() == "true"


_Handler = Callable[["KucoinVenue", _Call], Any]


@dataclass(frozen=True)
class _Route:
    surface: str
    method: str
    pattern: re.Pattern[str]
    handler: _Handler
    operation: str
    private: bool
    weight: int
    pool: Limit


# ---- number formatting (the wire edge; money stays Decimal everywhere else) -----------------


def _plain(value: Decimal) -> str:
    """Shortest plain decimal text: ``Decimal("50000.10")`` -> ``"50000.1"``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _f20(value: Decimal | None) -> str | None:
    """KuCoin's 20-decimal rendering of stop-order figures."""
    return None if value is None else f"{value:.20f}"


def _num(value: Decimal) -> int | float:
    """A JSON number where KuCoin sends one (futures figures)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _decimals(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _fmt(value: Decimal, step: Decimal) -> str:
    return f"{value:.{_decimals(step)}f}"


def _hex_id(number: int) -> str:
    return f"{number:024x}"


def _stop_id(number: int) -> str:
    return f"vs{number:022x}"


def _parse_id(raw: str, pattern: re.Pattern[str]) -> int | None:
    if not pattern.match(raw):
        return None
    return int(raw[2:] if raw.startswith("vs") else raw, 16)


def _base_id(inst: Instrument) -> str:
    return "XBT" if inst.base == "BTC" else inst.base


def _spot_market_id(inst: Instrument) -> str:
    return f"{inst.base}-{inst.quote}"


def _futures_market_id(inst: Instrument) -> str:
    return f"{_base_id(inst)}{inst.quote}M"


def _lot(inst: Instrument) -> Decimal:
    """Engine units (contracts) in one KuCoin lot."""
    return inst.amount_step


def _multiplier(inst: Instrument) -> Decimal:
    """Base currency in one KuCoin lot."""
    return inst.amount_step * inst.contract_size


def _lots(amount: Decimal, inst: Instrument) -> int:
    return int(amount / _lot(inst))


def _side(raw: str | None) -> Side:
    if raw is None:
        raise _param_error("side is required")
    try:
        return Side(raw.upper())
    except ValueError:
        raise _param_error("side is invalid") from None


def _client_oid(raw: str | None) -> str | None:
    if raw is None:
        return None
    if not _CLIENT_OID.match(raw):
        raise _param_error("clientOid is invalid")
    return raw


def _trigger_type(side: Side, rising: bool, limit: bool) -> OrderType:
    """The engine's trigger type: a STOP rises for a buy and falls for a sell, TAKE_PROFIT the
    other way round."""
    if rising == (side is Side.BUY):
        return OrderType.STOP_LIMIT if limit else OrderType.STOP
    return OrderType.TAKE_PROFIT_LIMIT if limit else OrderType.TAKE_PROFIT


def _is_cancelled(order: Order) -> bool:
    return order.status in (OrderStatus.CANCELED, OrderStatus.EXPIRED)


def _page(items: list[dict[str, Any]], call: _Call, default_size: int) -> dict[str, Any]:
    page = max(call.integer("currentPage", default=1) or 1, 1)
    size = min(max(call.integer("pageSize", default=default_size) or default_size, 1), 1000)
    total = len(items)
    chosen = items[(page - 1) * size : page * size]
    return {
        "currentPage": page,
        "pageSize": size,
        "totalNum": total,
        "totalPage": (total + size - 1) // size,
        "items": chosen,
    }


class KucoinVenue(VenueModule):
    """KuCoin spot (HF) + USDT-margined perpetual futures on the shared engine."""

    name: ClassVar[str] = "kucoin"
    hosts: ClassVar[dict[str, str]] = {"api.kucoin.com": "live", "api-futures.kucoin.com": "live"}
    fees: ClassVar[FeeSchedule] = FeeSchedule(
        spot_maker=Decimal("0.001"),
        spot_taker=Decimal("0.001"),
        swap_maker=Decimal("0.0002"),
        swap_taker=Decimal("0.0006"),
        spot_fee_in_received_asset=False,
    )

    ambiguous_errors: ClassVar[tuple[AmbiguousError, ...]] = (
        AmbiguousError("500000", "Internal Server Error", 500),
        AmbiguousError("408000", "Network timeout, please try again later", 200),
        AmbiguousError("126038", "Third-party service call failed (internal exception)", 200),
    )
    envelope_keys: ClassVar[frozenset[str]] = frozenset({"code", "data"})
    payload_key: ClassVar[str | None] = "data"

    _routes: ClassVar[list[_Route]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spot: dict[str, Instrument] = {}
        self._futures: dict[str, Instrument] = {}
        for inst in self.engine.instruments.values():
            if inst.kind == "spot":
                self._spot[_spot_market_id(inst)] = inst
            elif inst.settle == inst.quote:
                self._futures[_futures_market_id(inst)] = inst

    def error_body(self, code: int | str, message: str) -> Any:
        return {"code": str(code), "msg": message}

    def is_success(self, status: int, body: Any) -> bool:
        return 200 <= status < 300 and isinstance(body, dict) and body.get("code") == _OK

    def market_id_families(self) -> list[list[str]]:
        return [list(self._spot), list(self._futures)]

    # ---- dispatch ------------------------------------------------------------------------

    @staticmethod
    def _operation(route: _Route, request: VenueRequest) -> str:
        """The futures order list serves active and finished orders (``status``, default
        ``done``): finished ones are history."""
        if (
            route.surface == _FUTURES
            and route.handler is KucoinVenue._futures_list
            and (request.query.get("status") or "done").lower() != "active"
        ):
            return Operation.ORDER_HISTORY
        return route.operation

    async def handle(self, request: VenueRequest) -> VenueResponse:
        surface = _HOST_SURFACE.get(request.host, "")
        route, params = self._match(surface, request.method, request.path)
        if route is None:
            return VenueResponse.json(
                {
                    "code": "404000",
                    "msg": f"simulator: no such endpoint {request.method} {request.path} "
                    f"on {request.host}",
                },
                404,
                operation=Operation.UNKNOWN,
            )
        api_key = request.headers.get("KC-API-KEY") if route.pool.per_key else None
        usages, refusal = self.rate_limits.charge(
            request.environment, api_key, request.received_ms,
            [Charge(route.pool, route.weight)],
        )
        if refusal is not None:
            return self._refused(refusal, route, request.received_ms)
        status = 200
        operation = self._operation(route, request)
        try:
            call = _Call(request, surface, dict(request.query), _json_body(request), params)
            if route.private:
                call.account = self.query_account(self._authenticate(request), operation)
            data = route.handler(self, call)
            body = data.body if isinstance(data, _Envelope) else {"code": _OK, "data": data}
        except _KucoinError as exc:
            body, status = {"code": exc.code, "msg": exc.msg}, exc.status
        except EngineError as exc:
            err = self._translate(exc, surface)
            body, status = {"code": err.code, "msg": err.msg}, err.status
        return VenueResponse.json(
            body,
            status,
            operation=operation,
            private=route.private,
            headers=_rate_headers(usages[0], request.received_ms),
        )

    def _refused(self, refusal: Refusal, route: _Route, now_ms: int) -> VenueResponse:
        usage = Usage(refusal.limit, refusal.budget, refusal.used, now_ms + refusal.retry_after_ms)
        return VenueResponse.json(
            {"code": "429000", "msg": "Too Many Requests"},
            429,
            operation=route.operation,
            private=route.private,
            headers=_rate_headers(usage, now_ms),
        )

    def classify(self, request: VenueRequest) -> str:
        route, _ = self._match(_HOST_SURFACE.get(request.host, ""), request.method, request.path)
        return Operation.UNKNOWN if route is None else self._operation(route, request)

    def _match(
        self, surface: str, method: str, path: str
    ) -> tuple[_Route | None, dict[str, str]]:
        for route in self._routes:
            if route.surface != surface or route.method != method:
                continue
            found = route.pattern.fullmatch(path)
            if found is not None:
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
        return None, {}

    # ---- authentication ------------------------------------------------------------------

    def _authenticate(self, request: VenueRequest) -> Account:
        headers = request.headers
        values = [headers.get(name) for name in _AUTH_HEADERS]
        if not all(values):
            raise _KucoinError(
                "400001",
                "Please check the header of your request for KC-API-KEY, KC-API-SIGN, "
                "KC-API-TIMESTAMP, KC-API-PASSPHRASE",
                401,
            )
        api_key, signature, timestamp, passphrase = (str(v) for v in values)
        now = self.engine.now_ms()
        if not timestamp.isdigit() or abs(now - int(timestamp)) > _TIME_WINDOW_MS:
            raise _KucoinError(
                "400002",
                "KC-API-TIMESTAMP Invalid -- Time differs from server time by more than 5 seconds",
                401,
            )
        account = self.accounts.find(self.name, request.environment, api_key)
        if account is None:
            raise _KucoinError("400003", "KC-API-KEY not exists", 401)
        secret = account.secret.encode()
        version = headers.get("KC-API-KEY-VERSION") or "1"
        expected_passphrase = account.passphrase or ""
        if version in ("2", "3"):
            expected_passphrase = _b64_hmac(secret, expected_passphrase)
        if account.passphrase is None or not hmac.compare_digest(
            expected_passphrase.encode(), passphrase.encode()
        ):
            raise _KucoinError("400004", "Invalid KC-API-PASSPHRASE", 401)
        endpoint = request.path + (f"?{request.raw_query}" if request.raw_query else "")
        candidates = {endpoint, unquote(endpoint)}
        method = request.method.upper()
        if not any(
            hmac.compare_digest(
                _b64_hmac(secret, timestamp + method + text + request.body).encode(),
                signature.encode(),
            )
            for text in candidates
        ):
            raise _KucoinError("400005", "Invalid KC-API-SIGN", 401)
        return account

    # ---- error translation -----------------------------------------------------------------

    def _translate(self, exc: EngineError, surface: str) -> _KucoinError:
        futures = surface == _FUTURES
        if isinstance(exc, UnknownSymbol):
            return _param_error("Unsupported trading pair.")
        if isinstance(exc, UnknownOrder):
            if futures:
                return _KucoinError("100001", _FUTURES_NOT_EXIST)
            return _param_error(_NOT_EXIST)
        if futures and isinstance(exc, InsufficientBalance):  # incl. InsufficientMargin
            return _KucoinError(
                "300003",
                "Balance not enough, please first deposit at least 2 USDT before you start "
                "the battle",
            )
        if isinstance(exc, InsufficientBalance):
            return _KucoinError("200004", "Balance insufficient!")
        if isinstance(exc, DuplicateClientOrderId):
            if futures:
                return _KucoinError("300000", "Duplicate clientOid.")
            return _KucoinError("126044", "clientOid duplicate")
        if isinstance(exc, WouldTriggerImmediately):
            return _param_error(
                "simulator: the stop price is already reached (KuCoin would trigger the order "
                "at once)"
            )
        if isinstance(exc, ReduceOnlyRejected):
            return _KucoinError("300009", "No open positions to close.")
        if isinstance(exc, InvalidLeverage):
            return _param_error("Leverage parameter invalid.")
        if isinstance(exc, FilterFailure):
            return _filter_error(exc, futures)
        if isinstance(exc, InvalidOrderRequest):
            return _param_error(str(exc))
        return _KucoinError("500000", "Internal Server Error", 500)

    # ---- instruments --------------------------------------------------------------------------

    def _spot_inst(self, call: _Call) -> Instrument:
        inst = self._spot.get(call.require("symbol"))
        if inst is None:
            raise _param_error("Unsupported trading pair.")
        return inst

    def _futures_inst(self, call: _Call, *, required: bool = True) -> Instrument | None:
        market_id = call.require("symbol") if required else call.text("symbol")
        if market_id is None:
            return None
        inst = self._futures.get(market_id)
        if inst is None:
            raise _param_error("Unsupported trading pair.")
        return inst

    def _fut(self, call: _Call) -> Instrument:
        inst = self._futures_inst(call)
        assert inst is not None
        return inst

    # ---- public: both hosts ---------------------------------------------------------------------

    def _timestamp(self, call: _Call) -> Any:
        now = self.engine.now_ms()
        if call.surface == _SPOT:
            return _Envelope({"code": _OK, "msg": "success", "data": now})
        return now

    def _status(self, call: _Call) -> dict[str, Any]:
        return {"status": "open", "msg": ""}

    # ---- spot: reference data -----------------------------------------------------------------

    def _assets(self) -> list[str]:
        seen: dict[str, None] = {}
        for inst in self._spot.values():
            seen.setdefault(inst.base)
            seen.setdefault(inst.quote)
        for inst in self._futures.values():
            seen.setdefault(inst.base)
            seen.setdefault(inst.quote)
        return list(seen)

    def _currencies(self, call: _Call) -> list[dict[str, Any]]:
        return [
            {
                "currency": asset,
                "name": asset,
                "fullName": asset,
                "precision": 8,
                "confirms": None,
                "contractAddress": None,
                "isMarginEnabled": True,
                "isDebitEnabled": True,
                "chains": [
                    {
                        "chainName": "ERC20",
                        "withdrawalMinSize": "10",
                        "depositMinSize": None,
                        "withdrawFeeRate": "0",
                        "withdrawalMinFee": "1",
                        "isWithdrawEnabled": True,
                        "isDepositEnabled": True,
                        "confirms": 12,
                        "preConfirms": 12,
                        "contractAddress": "",
                        "withdrawPrecision": 8,
                        "maxWithdraw": None,
                        "maxDeposit": None,
                        "needTag": False,
                        "chainId": "eth",
                    }
                ],
            }
            for asset in self._assets()
        ]

    def _symbol_info(self, inst: Instrument) -> dict[str, Any]:
        return {
            "symbol": _spot_market_id(inst),
            "name": _spot_market_id(inst),
            "baseCurrency": inst.base,
            "quoteCurrency": inst.quote,
            "feeCurrency": inst.quote,
            "market": "USDS",
            "baseMinSize": _plain(inst.min_amount),
            "quoteMinSize": _plain(inst.min_notional),
            "baseMaxSize": _plain(inst.max_amount),
            "quoteMaxSize": "99999999",
            "baseIncrement": _plain(inst.amount_step),
            "quoteIncrement": _plain(inst.price_tick),
            "priceIncrement": _plain(inst.price_tick),
            "priceLimitRate": "0.1",
            "minFunds": _plain(inst.min_notional),
            "isMarginEnabled": True,
            "enableTrading": True,
            "feeCategory": 1,
            "makerFeeCoefficient": "1.00",
            "takerFeeCoefficient": "1.00",
            "st": False,
            "callauctionIsEnabled": False,
            "callauctionPriceFloor": None,
            "callauctionPriceCeiling": None,
            "callauctionFirstStageStartTime": None,
            "callauctionSecondStageStartTime": None,
            "callauctionThirdStageStartTime": None,
            "tradingStartTime": None,
        }

    def _symbols(self, call: _Call) -> list[dict[str, Any]]:
        market = call.text("market")
        if market is not None and market != "USDS":
            return []
        return [self._symbol_info(inst) for inst in self._spot.values()]

    def _margin_symbols(self, call: _Call) -> dict[str, Any]:
        items = []
        for inst in self._spot.values():
            info = self._symbol_info(inst)
            items.append(
                {
                    key: info[key]
                    for key in (
                        "symbol",
                        "name",
                        "enableTrading",
                        "market",
                        "baseCurrency",
                        "quoteCurrency",
                        "baseIncrement",
                        "baseMinSize",
                        "baseMaxSize",
                        "quoteIncrement",
                        "quoteMinSize",
                        "quoteMaxSize",
                        "priceIncrement",
                        "feeCurrency",
                        "priceLimitRate",
                        "minFunds",
                    )
                }
            )
        return {"timestamp": self.engine.now_ms(), "items": items}

    def _isolated_symbols(self, call: _Call) -> list[dict[str, Any]]:
        return [
            {
                "symbol": _spot_market_id(inst),
                "symbolName": _spot_market_id(inst),
                "baseCurrency": inst.base,
                "quoteCurrency": inst.quote,
                "maxLeverage": 10,
                "flDebtRatio": "0.97",
                "tradeEnable": True,
                "autoRenewMaxDebtRatio": "0.96",
                "baseBorrowEnable": True,
                "quoteBorrowEnable": True,
                "baseTransferInEnable": True,
                "quoteTransferInEnable": True,
                "baseBorrowCoefficient": "1",
                "quoteBorrowCoefficient": "1",
            }
            for inst in self._spot.values()
        ]

    # ---- spot: market data -----------------------------------------------------------------

    def _spot_ticker(self, inst: Instrument, *, all_tickers: bool) -> dict[str, Any]:
        st = self.engine.stats(inst.symbol)
        tick, step = inst.price_tick, inst.amount_step
        rate = (st.change / st.open) if st.open else ZERO
        out: dict[str, Any] = {}
        if not all_tickers:
            out["time"] = st.close_ms
        out["symbol"] = _spot_market_id(inst)
        if all_tickers:
            out["symbolName"] = _spot_market_id(inst)
        out["buy"] = _fmt(st.bid, tick)
        if all_tickers:
            out["bestBidSize"] = _fmt(st.bid_qty, step)
        out["sell"] = _fmt(st.ask, tick)
        if all_tickers:
            out["bestAskSize"] = _fmt(st.ask_qty, step)
        out.update(
            changeRate=f"{rate:.4f}",
            changePrice=_fmt(st.change, tick),
            high=_fmt(st.high, tick),
            low=_fmt(st.low, tick),
            vol=_fmt(st.volume, step),
            volValue=_plain(st.quote_volume),
            last=_fmt(st.last, tick),
            averagePrice=_fmt(st.weighted_average, Decimal("0.00000001")),
            takerFeeRate=_plain(self.fees.spot_taker),
            makerFeeRate=_plain(self.fees.spot_maker),
            takerCoefficient="1",
            makerCoefficient="1",
        )
        return out

    def _stats(self, call: _Call) -> dict[str, Any]:
        return self._spot_ticker(self._spot_inst(call), all_tickers=False)

    def _all_tickers(self, call: _Call) -> dict[str, Any]:
        return {
            "time": self.engine.now_ms(),
            "ticker": [self._spot_ticker(i, all_tickers=True) for i in self._spot.values()],
        }

    def _spot_book(self, call: _Call, depth: int) -> dict[str, Any]:
        inst = self._spot_inst(call)
        snap = self.engine.book(inst.symbol, depth)
        tick, step = inst.price_tick, inst.amount_step
        return {
            "time": snap.time_ms,
            "sequence": str(snap.update_id),
            "bids": [[_fmt(p, tick), _fmt(s, step)] for p, s in snap.bids],
            "asks": [[_fmt(p, tick), _fmt(s, step)] for p, s in snap.asks],
        }

    def _spot_part_book(self, call: _Call) -> dict[str, Any]:
        return self._spot_book(call, _part_depth(call))

    def _spot_full_book(self, call: _Call) -> dict[str, Any]:
        return self._spot_book(call, self.engine.BOOK_DEPTH)

    # ---- spot: account ---------------------------------------------------------------------

    def _account_mode(self, call: _Call) -> dict[str, Any]:
        return {"selfAccountMode": "CLASSIC"}

    def _hf_opened(self, call: _Call) -> bool:
        return True

    def _accounts(self, call: _Call) -> list[dict[str, Any]]:
        wanted_type = call.text("type")
        if wanted_type not in (None, "trade_hf"):
            return []  # the simulator keeps spot funds in the HF trading account only
        currency = call.text("currency")
        acct = call.acct
        return [
            {
                "id": f"{acct.id:08x}{index:016x}",
                "currency": asset,
                "type": "trade_hf",
                "balance": _plain(bal.total),
                "available": _plain(bal.free),
                "holds": _plain(bal.locked),
            }
            for index, (asset, bal) in enumerate(acct.balances.items())
            if currency is None or asset == currency
        ]

    # ---- spot: HF orders -----------------------------------------------------------------

    @staticmethod
    def _is_hf(order: Order) -> bool:
        return order.kind == "spot" and not order.spawn_on_trigger

    @staticmethod
    def _is_stop(order: Order) -> bool:
        return order.kind == "spot" and order.spawn_on_trigger

    def _hf_new(self, call: _Call) -> dict[str, Any]:
        order = self._hf_place(call)
        return {"orderId": _hex_id(order.id), "clientOid": order.client_order_id}

    def _hf_new_sync(self, call: _Call) -> dict[str, Any]:
        """"Add Order Sync": placed like ``_hf_new``, answered after matching, with the order's
        sizes and status (``open`` while it rests, ``done`` once filled or cancelled), but not
        its price, type, side or fills."""
        order = self._hf_place(call)
        cancelled = _is_cancelled(order)
        remaining = order.remaining if order.quote_amount is None else ZERO
        return {
            "orderId": _hex_id(order.id),
            "clientOid": order.client_order_id,
            "orderTime": order.created_ms,
            "originSize": _plain(order.amount or ZERO),
            "dealSize": _plain(order.filled),
            "remainSize": _plain(remaining if order.is_open else ZERO),
            "canceledSize": _plain(remaining if cancelled else ZERO),
            "status": "open" if order.is_open else "done",
            "matchTime": order.updated_ms,
        }

    def _hf_place(self, call: _Call) -> Order:
        inst = self._spot_inst(call)
        side = _side(call.text("side"))
        wire_type = (call.text("type") or "limit").lower()
        client_id = _client_oid(call.text("clientOid"))
        tif, post_only = _spot_time_in_force(call)
        if wire_type == "limit":
            req = OrderRequest(
                symbol=inst.symbol,
                side=side,
                type=OrderType.LIMIT,
                amount=call.decimal("size", required=True),
                price=call.decimal("price", required=True),
                time_in_force=tif,
                post_only=post_only,
                client_order_id=client_id,
            )
        elif wire_type == "market":
            size, funds = call.decimal("size"), call.decimal("funds")
            if (size is None) == (funds is None):
                raise _param_error("exactly one of size and funds is required")
            req = OrderRequest(
                symbol=inst.symbol,
                side=side,
                type=OrderType.MARKET,
                amount=size,
                quote_amount=funds,
                client_order_id=client_id,
            )
        else:
            raise _param_error("type is invalid")
        return self.engine.place_order(call.acct, req)

    def _hf_order(self, acct: Account, order: Order) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        trades = self.engine.order_trades(acct, order)
        fee = sum((t.fee for t in trades), ZERO)
        by_funds = order.quote_amount is not None
        is_open = order.is_open
        remaining = order.remaining if not by_funds else ZERO
        cancelled = _is_cancelled(order)
        if order.price is not None and order.amount is not None:
            funds = order.price * order.amount
        else:
            funds = order.quote_amount or ZERO
        return {
            "id": _hex_id(order.id),
            "clientOid": order.client_order_id,
            "symbol": _spot_market_id(inst),
            "opType": "DEAL",
            "type": "limit" if order.type.has_limit_price else "market",
            "side": order.side.value.lower(),
            "price": _plain(order.price or ZERO),
            "size": "0" if by_funds else _plain(order.amount or ZERO),
            "funds": _plain(funds),
            "dealSize": _plain(order.filled),
            "dealFunds": _plain(order.cost),
            "fee": _plain(fee),
            "feeCurrency": trades[0].fee_asset if trades else inst.quote,
            "stp": None,
            "timeInForce": order.time_in_force.value,
            "postOnly": order.post_only,
            "hidden": False,
            "iceberg": False,
            "visibleSize": "0",
            "cancelAfter": 0,
            "channel": "API",
            "remark": None,
            "tags": None,
            "cancelExist": cancelled,
            "createdAt": order.created_ms,
            "lastUpdatedAt": order.updated_ms,
            "tradeType": "TRADE",
            "inOrderBook": is_open and order.price is not None,
            "cancelledSize": _plain(remaining if cancelled else ZERO),
            "cancelledFunds": _plain(
                (order.price or ZERO) * remaining if cancelled else ZERO
            ),
            "remainSize": _plain(remaining if is_open else ZERO),
            "remainFunds": _plain((order.price or ZERO) * remaining if is_open else ZERO),
            "tax": "0",
            "active": is_open,
        }

    def _hf_find(self, call: _Call) -> Order:
        inst = self._spot_inst(call)
        acct = call.acct
        if "orderId" in call.path:
            number = _parse_id(call.path["orderId"], _HEX_ID)
            order = acct.orders.get(number) if number is not None else None
            if order is None or not self._is_hf(order) or order.symbol != inst.symbol:
                raise _param_error(_NOT_EXIST)
            return order
        found = _by_client_id(
            (o for o in acct.orders.values() if self._is_hf(o) and o.symbol == inst.symbol),
            call.path["clientOid"],
        )
        if found is None:
            raise _param_error(_NOT_EXIST)
        return found

    def _hf_get(self, call: _Call) -> dict[str, Any]:
        return self._hf_order(call.acct, self._hf_find(call))

    def _hf_cancel(self, call: _Call) -> dict[str, Any]:
        try:
            order = self._hf_find(call)
        except _KucoinError:
            raise _param_error(_NOT_CANCELLABLE) from None
        if not order.is_open:
            raise _param_error(_NOT_CANCELLABLE)
        self.engine.cancel_order(call.acct, order_id=order.id)
        if "orderId" in call.path:
            return {"orderId": _hex_id(order.id)}
        return {"clientOid": order.client_order_id}

    def _hf_active(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._spot_inst(call)
        acct = call.acct
        return [
            self._hf_order(acct, o)
            for o in self.engine.open_orders(acct, inst.symbol)
            if self._is_hf(o)
        ]

    def _hf_done(self, call: _Call) -> dict[str, Any]:
        """Finished HF orders of one symbol, newest first (``lastId`` pages backwards)."""
        inst = self._spot_inst(call)
        acct = call.acct
        side, wire_type = call.text("side"), call.text("type")
        start, end = call.integer("startAt"), call.integer("endAt")
        last_id = call.integer("lastId")
        raw_limit = call.integer("limit") or call.integer("pageSize") or 20
        limit = min(max(raw_limit, 1), 100)
        selected = [
            o
            for o in reversed(list(acct.orders.values()))
            if self._is_hf(o)
            and o.symbol == inst.symbol
            and not o.is_open
            and (side is None or o.side.value.lower() == side)
            and (
                wire_type is None
                or wire_type == ("limit" if o.type.has_limit_price else "market")
            )
            and (start is None or o.created_ms >= start)
            and (end is None or o.created_ms <= end)
            and (last_id is None or o.id < last_id)
        ][:limit]
        return {
            "lastId": selected[-1].id if selected else 0,
            "items": [self._hf_order(acct, o) for o in selected],
        }

    def _hf_fills(self, call: _Call) -> dict[str, Any]:
        inst = self._spot_inst(call)
        acct = call.acct
        wanted = call.text("orderId")
        order_number = _parse_id(wanted, _HEX_ID) if wanted is not None else None
        side = call.text("side")
        start, end = call.integer("startAt"), call.integer("endAt")
        last_id = call.integer("lastId")
        limit = min(max(call.integer("limit", default=20) or 20, 1), 100)
        selected = [
            t
            for t in reversed(self.engine.trades(acct, inst.symbol))
            if (wanted is None or t.order_id == order_number)
            and (side is None or t.side.value.lower() == side)
            and (start is None or t.time_ms >= start)
            and (end is None or t.time_ms <= end)
            and (last_id is None or t.id < last_id)
        ][:limit]
        items = [self._spot_fill(acct, inst, t) for t in selected]
        return {"items": items, "lastId": selected[-1].id if selected else 0}

    def _spot_fill(self, acct: Account, inst: Instrument, trade: Trade) -> dict[str, Any]:
        order = acct.orders.get(trade.order_id)
        order_type = "limit" if order is not None and order.type.has_limit_price else "market"
        rate = acct.fees.rate("spot", maker=trade.is_maker)
        return {
            "id": trade.id,
            "orderId": _hex_id(trade.order_id),
            "counterOrderId": _hex_id(trade.id * 7 + 1),
            "tradeId": trade.id,
            "symbol": _spot_market_id(inst),
            "side": trade.side.value.lower(),
            "liquidity": "maker" if trade.is_maker else "taker",
            "type": order_type,
            "forceTaker": False,
            "price": _fmt(trade.price, inst.price_tick),
            "size": _fmt(trade.amount, inst.amount_step),
            "funds": _plain(trade.quote_amount),
            "fee": _plain(trade.fee),
            "feeRate": _plain(rate),
            "feeCurrency": trade.fee_asset,
            "stop": "",
            "tradeType": "TRADE",
            "taxRate": "0",
            "tax": "0",
            "createdAt": trade.time_ms,
        }

    # ---- spot: stop orders -----------------------------------------------------------------

    def _stop_new(self, call: _Call) -> dict[str, Any]:
        inst = self._spot_inst(call)
        side = _side(call.text("side"))
        wire_type = (call.text("type") or "limit").lower()
        client_id = _client_oid(call.text("clientOid"))
        if (call.text("tradeType") or "TRADE") != "TRADE":
            raise _param_error("simulator: only tradeType TRADE (spot) stop orders are served")
        stop = (call.text("stop") or "loss").lower()
        if stop not in ("loss", "entry"):
            raise _param_error("stop is invalid")
        stop_price = call.decimal("stopPrice", required=True)
        tif, post_only = _spot_time_in_force(call)
        if wire_type == "limit":
            price, size, funds = call.decimal("price", required=True), call.decimal("size"), None
            if size is None:
                raise _param_error("size is required")
        elif wire_type == "market":
            price, size, funds = None, call.decimal("size"), call.decimal("funds")
            if (size is None) == (funds is None):
                raise _param_error("exactly one of size and funds is required")
        else:
            raise _param_error("type is invalid")
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=_trigger_type(side, stop == "entry", wire_type == "limit"),
            amount=size,
            price=price,
            stop_price=stop_price,
            quote_amount=funds,
            time_in_force=tif,
            post_only=post_only,
            client_order_id=client_id,
            spawn_on_trigger=True,
        )
        order = self.engine.place_order(call.acct, req)
        order.extra["kucoin_stop"] = stop
        return {"orderId": _stop_id(order.id), "clientOid": order.client_order_id}

    def _stop_order(self, acct: Account, order: Order) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        if order.pending_trigger:
            status = "NEW"
        elif order.status is OrderStatus.TRIGGERED:
            status = "TRIGGERED"
        else:
            status = "CANCEL"
        return {
            "id": _stop_id(order.id),
            "symbol": _spot_market_id(inst),
            "userId": f"{acct.id:024x}",
            "status": status,
            "type": "limit" if order.type.has_limit_price else "market",
            "side": order.side.value.lower(),
            "price": _f20(order.price),
            "size": _f20(order.amount),
            "funds": _f20(order.quote_amount),
            "stp": None,
            "timeInForce": order.time_in_force.value,
            "cancelAfter": -1,
            "postOnly": order.post_only,
            "hidden": False,
            "iceberg": False,
            "visibleSize": None,
            "channel": "API",
            "clientOid": order.client_order_id,
            "remark": None,
            "tags": None,
            "relatedNo": None,
            "orderTime": order.created_ms * _NS,
            "domainId": "kucoin",
            "tradeSource": "USER",
            "tradeType": "TRADE",
            "feeCurrency": inst.quote,
            "takerFeeRate": _f20(acct.fees.spot_taker),
            "makerFeeRate": _f20(acct.fees.spot_maker),
            "createdAt": order.created_ms,
            "stop": order.extra.get("kucoin_stop", "loss"),
            "stopTriggerTime": order.trigger_ms or None,
            "stopPrice": _f20(order.stop_price),
        }

    def _stop_by_id(self, call: _Call) -> Order:
        number = _parse_id(call.path["orderId"], _STOP_ID)
        order = call.acct.orders.get(number) if number is not None else None
        if order is None or not self._is_stop(order):
            raise _param_error(_NOT_EXIST)
        return order

    def _stop_by_client_oid(self, call: _Call) -> list[Order]:
        client_id = call.require("clientOid")
        symbol = call.text("symbol")
        inst = self._spot_inst(call) if symbol is not None else None
        return [
            o
            for o in call.acct.orders.values()
            if self._is_stop(o)
            and o.client_order_id == client_id
            and (inst is None or o.symbol == inst.symbol)
        ]

    def _stop_get(self, call: _Call) -> dict[str, Any]:
        return self._stop_order(call.acct, self._stop_by_id(call))

    def _stop_query_client(self, call: _Call) -> list[dict[str, Any]]:
        orders = self._stop_by_client_oid(call)
        if not orders:
            raise _param_error(_NOT_EXIST)
        orders.sort(key=lambda o: (not o.pending_trigger, -o.id))
        return [self._stop_order(call.acct, o) for o in orders]

    def _stop_cancel(self, call: _Call) -> dict[str, Any]:
        try:
            order = self._stop_by_id(call)
        except _KucoinError:
            raise _param_error(_NOT_CANCELLABLE) from None
        if not order.pending_trigger:
            raise _param_error(_NOT_CANCELLABLE)
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"cancelledOrderIds": [_stop_id(order.id)]}

    def _stop_cancel_client(self, call: _Call) -> dict[str, Any]:
        pending = [o for o in self._stop_by_client_oid(call) if o.pending_trigger]
        if not pending:
            raise _param_error(_NOT_CANCELLABLE)
        order = pending[0]
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"cancelledOrderId": _stop_id(order.id), "clientOid": order.client_order_id}

    def _stop_list(self, call: _Call) -> dict[str, Any]:
        symbol = call.text("symbol")
        inst = self._spot_inst(call) if symbol is not None else None
        side = call.text("side")
        acct = call.acct
        orders = [
            o
            for o in reversed(list(acct.orders.values()))
            if self._is_stop(o)
            and o.pending_trigger
            and (inst is None or o.symbol == inst.symbol)
            and (side is None or o.side.value.lower() == side)
        ]
        return _page([self._stop_order(acct, o) for o in orders], call, 50)

    # ---- futures: reference and market data --------------------------------------------------

    def _contract(self, inst: Instrument) -> dict[str, Any]:
        st = self.engine.stats(inst.symbol)
        base_id = _base_id(inst)
        market_id = _futures_market_id(inst)
        now = self.engine.now_ms()
        mark = self.engine.price(inst.symbol)
        change_pct = (st.change / st.open) if st.open else ZERO
        return {
            "symbol": market_id,
            "rootSymbol": inst.settle,
            "type": "FFWCSX",
            "firstOpenDate": 1585555200000,
            "expireDate": None,
            "settleDate": None,
            "baseCurrency": base_id,
            "quoteCurrency": inst.quote,
            "settleCurrency": inst.settle,
            "maxOrderQty": _lots(inst.max_amount, inst),
            "maxPrice": _num(inst.max_price),
            "lotSize": 1,
            "tickSize": _num(inst.price_tick),
            "indexPriceTickSize": _num(inst.price_tick),
            "multiplier": _num(_multiplier(inst)),
            "initialMargin": _num(Decimal(1) / inst.max_leverage),
            "maintainMargin": _num(inst.maintenance_margin_rate),
            "maxRiskLimit": 100000,
            "minRiskLimit": 100000,
            "riskStep": 50000,
            "makerFeeRate": _num(self.fees.swap_maker),
            "takerFeeRate": _num(self.fees.swap_taker),
            "takerFixFee": 0,
            "makerFixFee": 0,
            "settlementFee": None,
            "isDeleverage": True,
            "isQuanto": True,
            "isInverse": False,
            "markMethod": "FairPrice",
            "fairMethod": "FundingRate",
            "fundingBaseSymbol": f".{base_id}INT8H",
            "fundingQuoteSymbol": f".{inst.quote}INT8H",
            "fundingRateSymbol": f".{market_id}FPI8H",
            "indexSymbol": f".K{base_id}{inst.quote}",
            "settlementSymbol": "",
            "status": "Open",
            "fundingFeeRate": 0.0001,
            "predictedFundingFeeRate": 0.0001,
            "fundingRateGranularity": _EIGHT_HOURS_MS,
            "openInterest": "0",
            "turnoverOf24h": _num(st.quote_volume),
            "volumeOf24h": _num(st.volume * _multiplier(inst) / _lot(inst)),
            "markPrice": _num(mark),
            "indexPrice": _num(mark),
            "lastTradePrice": _num(st.last),
            "nextFundingRateTime": _EIGHT_HOURS_MS - now % _EIGHT_HOURS_MS,
            "maxLeverage": inst.max_leverage,
            "sourceExchanges": ["okex", "binance", "kucoin", "bybit", "bitget", "gateio"],
            "premiumsSymbol1M": f".{market_id}PI",
            "premiumsSymbol8H": f".{market_id}PI8H",
            "fundingBaseSymbol1M": f".{base_id}INT",
            "fundingQuoteSymbol1M": f".{inst.quote}INT",
            "lowPrice": _num(st.low),
            "highPrice": _num(st.high),
            "priceChgPct": _num(change_pct.quantize(Decimal("0.0001"))),
            "priceChg": _num(st.change),
            "k": 490.0,
            "m": 300.0,
            "f": 1.3,
            "mmrLimit": 0.3,
            "mmrLevConstant": float(inst.max_leverage),
            "supportCross": True,
            "buyLimit": _num(mark * Decimal("1.05")),
            "sellLimit": _num(mark * Decimal("0.95")),
        }

    def _contracts_active(self, call: _Call) -> list[dict[str, Any]]:
        return [self._contract(inst) for inst in self._futures.values()]

    def _contract_one(self, call: _Call) -> dict[str, Any]:
        inst = self._futures.get(call.path["symbol"])
        if inst is None:
            raise _param_error("Unsupported trading pair.")
        return self._contract(inst)

    def _futures_ticker(self, call: _Call) -> dict[str, Any]:
        inst = self._fut(call)
        st = self.engine.stats(inst.symbol)
        now = self.engine.now_ms()
        return {
            "sequence": st.trade_count,
            "symbol": _futures_market_id(inst),
            "side": "buy",
            "size": _lots(st.last_qty, inst),
            "tradeId": _hex_id(st.first_trade_id + st.trade_count),
            "price": _fmt(st.last, inst.price_tick),
            "bestBidPrice": _fmt(st.bid, inst.price_tick),
            "bestBidSize": _lots(st.bid_qty, inst),
            "bestAskPrice": _fmt(st.ask, inst.price_tick),
            "bestAskSize": _lots(st.ask_qty, inst),
            "ts": now * _NS,
        }

    def _futures_book(self, call: _Call, depth: int) -> dict[str, Any]:
        inst = self._fut(call)
        snap = self.engine.book(inst.symbol, depth)
        return {
            "symbol": _futures_market_id(inst),
            "sequence": snap.update_id,
            "asks": [[_num(p), _lots(s, inst)] for p, s in snap.asks],
            "bids": [[_num(p), _lots(s, inst)] for p, s in snap.bids],
            "ts": snap.time_ms * _NS,
        }

    def _futures_depth(self, call: _Call) -> dict[str, Any]:
        return self._futures_book(call, _part_depth(call))

    def _futures_snapshot(self, call: _Call) -> dict[str, Any]:
        return self._futures_book(call, self.engine.BOOK_DEPTH)

    # ---- futures: account, leverage, positions ------------------------------------------------

    def _account_overview(self, call: _Call) -> dict[str, Any]:
        currency = call.text("currency") or "XBT"
        asset = "BTC" if currency == "XBT" else currency
        s = self.engine.margin_summary(call.acct, asset)
        risk = (s.maintenance_margin / s.margin_balance) if s.margin_balance else ZERO
        return {
            "accountEquity": _num(s.margin_balance),
            "unrealisedPNL": _num(s.unrealized_pnl),
            "marginBalance": _num(s.wallet_balance),
            "positionMargin": _num(s.position_initial_margin),
            "orderMargin": _num(s.open_order_initial_margin),
            "frozenFunds": 0,
            "availableBalance": _num(s.available_balance),
            "currency": currency,
            "riskRatio": _num(risk.quantize(Decimal("0.0001"))),
            "maxWithdrawAmount": _num(min(s.available_balance, s.wallet_balance)),
        }

    def _change_leverage(self, call: _Call) -> bool:
        inst = self._fut(call)
        self.engine.set_leverage(call.acct, inst.symbol, _leverage(call.require("leverage")))
        return True

    def _get_leverage(self, call: _Call) -> dict[str, Any]:
        inst = self._fut(call)
        return {
            "symbol": _futures_market_id(inst),
            "leverage": str(self.engine.get_leverage(call.acct, inst.symbol)),
        }

    def _position_row(self, acct: Account, inst: Instrument) -> dict[str, Any]:
        view = self.engine.position(acct, inst.symbol)
        state = acct.positions.get(inst.symbol)
        qty = view.amount * inst.contract_size  # signed base units
        cost = view.entry_price * qty
        margin = view.initial_margin
        roe = (view.unrealized_pnl / margin) if margin else ZERO
        pnl_pct = (view.unrealized_pnl / abs(cost)) if cost else ZERO
        now = self.engine.now_ms()
        return {
            "id": f"{acct.id:08x}{zlib.crc32(inst.symbol.encode()):016x}",
            "symbol": _futures_market_id(inst),
            "autoDeposit": False,
            "crossMode": True,
            "marginMode": "CROSS",
            "positionSide": "BOTH",
            "leverage": view.leverage,
            "maintMarginReq": _num(inst.maintenance_margin_rate),
            "riskLimit": 100000,
            "realLeverage": view.leverage,
            "delevPercentage": 0.5 if view.amount else 0.0,
            "openingTimestamp": view.updated_ms,
            "currentTimestamp": now,
            "currentQty": _lots(view.amount, inst),
            "currentCost": _num(cost),
            "currentComm": 0,
            "unrealisedCost": _num(cost),
            "realisedGrossCost": _num(-(state.realized_pnl if state else ZERO)),
            "realisedCost": _num(-(state.realized_pnl if state else ZERO)),
            "isOpen": view.amount != 0,
            "markPrice": _num(view.mark_price),
            "markValue": _num(view.notional),
            "posCost": _num(cost),
            "posCross": 0,
            "posCrossMargin": 0,
            "posInit": _num(margin),
            "posComm": 0,
            "posCommCommon": 0,
            "posLoss": 0,
            "posMargin": _num(margin),
            "posFunding": 0,
            "posMaint": _num(view.maintenance_margin),
            "maintMargin": _num(margin + view.unrealized_pnl),
            "realisedGrossPnl": _num(view.realized_pnl),
            "realisedPnl": _num(view.realized_pnl),
            "unrealisedPnl": _num(view.unrealized_pnl),
            "unrealisedPnlPcnt": _num(pnl_pct.quantize(Decimal("0.0001"))),
            "unrealisedRoePcnt": _num(roe.quantize(Decimal("0.0001"))),
            "avgEntryPrice": _num(view.entry_price),
            "liquidationPrice": _num(view.liquidation_price),
            "bankruptPrice": _num(view.liquidation_price),
            "settleCurrency": inst.settle,
            "isInverse": False,
            "maintainMargin": _num(inst.maintenance_margin_rate),
        }

    def _positions(self, call: _Call) -> list[dict[str, Any]]:
        currency = call.text("currency")
        acct = call.acct
        rows = []
        for inst in self._futures.values():
            state = acct.positions.get(inst.symbol)
            if state is None or state.amount == 0:
                continue
            if currency is None or currency == inst.settle:
                rows.append(self._position_row(acct, inst))
        return rows

    def _position(self, call: _Call) -> dict[str, Any]:
        return self._position_row(call.acct, self._fut(call))

    # ---- futures: orders -----------------------------------------------------------------

    def _futures_new(self, call: _Call) -> dict[str, Any]:
        inst = self._fut(call)
        acct = call.acct
        wire_type = (call.text("type") or "limit").lower()
        if wire_type not in ("limit", "market"):
            raise _param_error("type is invalid")
        client_id = _client_oid(call.text("clientOid"))
        if call.text("valueQty") is not None or call.text("qty") is not None:
            raise _param_error("simulator: only size (lots) orders are served")
        margin_mode = (call.text("marginMode") or "CROSS").upper()
        if margin_mode == "ISOLATED":
            raise _KucoinError(
                "330005",
                "The order's margin mode does not match the selected one. Please switch and "
                "try again.",
            )
        if margin_mode != "CROSS":
            raise _param_error("marginMode is invalid")
        close_order = call.flag("closeOrder")
        reduce_only = call.flag("reduceOnly") or close_order
        if close_order:
            position = acct.positions.get(inst.symbol)
            if position is None or position.amount == 0:
                raise _KucoinError("300009", "No open positions to close.")
            side = Side.SELL if position.amount > 0 else Side.BUY
            amount = abs(position.amount)
        else:
            side = _side(call.text("side"))
            lots = call.require("size")
            if not lots.isdigit() or int(lots) < 1:
                raise _KucoinError("400100", "The quantity is below the minimum requirement.")
            amount = int(lots) * _lot(inst)
        stop, stop_price = call.text("stop"), call.decimal("stopPrice")
        if (stop is None) != (stop_price is None):
            raise _param_error("stop and stopPrice must be sent together")
        if stop is not None and stop not in ("up", "down"):
            raise _param_error("stop is invalid")
        price_type = (call.text("stopPriceType") or "TP").upper()
        if price_type not in ("TP", "MP", "IP"):
            raise _param_error("stopPriceType is invalid")
        tif_raw = (call.text("timeInForce") or "GTC").upper()
        if tif_raw not in ("GTC", "IOC"):
            raise _param_error("timeInForce is invalid")
        limit = wire_type == "limit"
        price = call.decimal("price", required=True) if limit else None
        otype = OrderType.LIMIT if limit else OrderType.MARKET
        if stop is not None:
            otype = _trigger_type(side, stop == "up", limit)
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=otype,
            amount=amount,
            price=price,
            stop_price=stop_price,
            time_in_force=TimeInForce(tif_raw),
            post_only=call.flag("postOnly"),
            reduce_only=reduce_only,
            client_order_id=client_id,
            check_min_notional=False,
        )
        previous = self.engine.get_leverage(acct, inst.symbol)
        raw_leverage = call.text("leverage")
        if raw_leverage is not None and not reduce_only:
            self.engine.set_leverage(acct, inst.symbol, _leverage(raw_leverage))
        try:
            order = self.engine.place_order(acct, req)
        except EngineError:
            acct.leverage[inst.symbol] = previous
            raise
        order.extra.update(
            kucoin_stop=stop or "",
            kucoin_stop_price_type=price_type if stop is not None else "",
            kucoin_close=close_order,
        )
        return {"orderId": _hex_id(order.id), "clientOid": order.client_order_id}

    def _futures_order(self, order: Order) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        mult = _multiplier(inst)
        amount = order.amount or ZERO
        avg = order.average_price
        ref = order.price or avg or ZERO
        stop = str(order.extra.get("kucoin_stop") or "")
        leverage = order.extra.get("leverage", 20)
        return {
            "id": _hex_id(order.id),
            "symbol": _futures_market_id(inst),
            "type": "limit" if order.type.has_limit_price else "market",
            "side": order.side.value.lower(),
            "price": _fmt(order.price, inst.price_tick) if order.price is not None else None,
            "size": _lots(amount, inst),
            "value": _plain(_lots(amount, inst) * mult * ref),
            "dealValue": _plain(order.cost),
            "dealSize": _lots(order.filled, inst),
            "stp": "",
            "stop": stop,
            "stopPriceType": str(order.extra.get("kucoin_stop_price_type") or ""),
            "stopTriggered": bool(stop) and order.triggered,
            "stopPrice": (
                _fmt(order.stop_price, inst.price_tick) if order.stop_price is not None else None
            ),
            "timeInForce": order.time_in_force.value,
            "postOnly": order.post_only,
            "hidden": False,
            "iceberg": False,
            "leverage": str(leverage),
            "forceHold": False,
            "closeOrder": bool(order.extra.get("kucoin_close")),
            "visibleSize": None,
            "clientOid": order.client_order_id,
            "remark": None,
            "tags": "",
            "isActive": order.is_open,
            "cancelExist": _is_cancelled(order),
            "createdAt": order.created_ms,
            "updatedAt": order.updated_ms,
            "endAt": None if order.is_open else order.updated_ms,
            "orderTime": order.created_ms * _NS,
            "settleCurrency": inst.settle,
            "marginMode": "CROSS",
            "avgDealPrice": _plain(avg) if avg is not None else "0",
            "filledSize": _lots(order.filled, inst),
            "filledValue": _plain(order.cost),
            "status": "open" if order.is_open else "done",
            "reduceOnly": order.reduce_only,
            "positionSide": "BOTH",
        }

    def _futures_find(self, call: _Call) -> Order:
        acct = call.acct
        if "orderId" in call.path:
            number = _parse_id(call.path["orderId"], _HEX_ID)
            order = acct.orders.get(number) if number is not None else None
            if order is None or order.kind != "swap":
                raise _KucoinError("100001", _FUTURES_NOT_EXIST)
            return order
        client_id = call.path.get("clientOid") or call.require("clientOid")
        inst = self._futures_inst(call, required=False)
        found = _by_client_id(
            (
                o
                for o in acct.orders.values()
                if o.kind == "swap" and (inst is None or o.symbol == inst.symbol)
            ),
            client_id,
        )
        if found is None:
            raise _KucoinError("100001", _FUTURES_NOT_EXIST)
        return found

    def _futures_get(self, call: _Call) -> dict[str, Any]:
        return self._futures_order(self._futures_find(call))

    def _futures_cancel(self, call: _Call) -> dict[str, Any]:
        order = self._futures_find(call)
        if not order.is_open:
            raise _KucoinError("100004", "Order is in not cancelable state")
        self.engine.cancel_order(call.acct, order_id=order.id)
        if "orderId" in call.path:
            return {"cancelledOrderIds": [_hex_id(order.id)]}
        return {"clientOid": order.client_order_id}

    def _futures_list(self, call: _Call) -> dict[str, Any]:
        status = (call.text("status") or "done").lower()
        if status not in ("active", "done"):
            raise _param_error("status is invalid")
        return self._futures_page(call, active=status == "active", stops=False)

    def _futures_stop_list(self, call: _Call) -> dict[str, Any]:
        return self._futures_page(call, active=True, stops=True)

    def _futures_page(self, call: _Call, *, active: bool, stops: bool) -> dict[str, Any]:
        inst = self._futures_inst(call, required=False)
        side = call.text("side")
        start, end = call.integer("startAt"), call.integer("endAt")
        orders = [
            o
            for o in reversed(list(call.acct.orders.values()))
            if o.kind == "swap"
            and (inst is None or o.symbol == inst.symbol)
            and (side is None or o.side.value.lower() == side)
            and (start is None or o.created_ms >= start)
            and (end is None or o.created_ms <= end)
            and (o.pending_trigger if stops else o.is_open == active and not o.pending_trigger)
        ]
        return _page([self._futures_order(o) for o in orders], call, 50)

    def _futures_fills(self, call: _Call) -> dict[str, Any]:
        inst = self._futures_inst(call, required=False)
        acct = call.acct
        wanted = call.text("orderId")
        order_number = _parse_id(wanted, _HEX_ID) if wanted is not None else None
        side = call.text("side")
        start, end = call.integer("startAt"), call.integer("endAt")
        trades = [
            t
            for t in reversed(acct.trades)
            if self.engine.instrument(t.symbol).is_swap
            and (inst is None or t.symbol == inst.symbol)
            and (wanted is None or t.order_id == order_number)
            and (side is None or t.side.value.lower() == side)
            and (start is None or t.time_ms >= start)
            and (end is None or t.time_ms <= end)
        ]
        return _page([self._futures_fill(acct, t) for t in trades], call, 50)

    def _futures_fill(self, acct: Account, trade: Trade) -> dict[str, Any]:
        inst = self.engine.instrument(trade.symbol)
        order = acct.orders.get(trade.order_id)
        order_type = "limit" if order is not None and order.type.has_limit_price else "market"
        stop = str(order.extra.get("kucoin_stop") or "") if order is not None else ""
        rate = acct.fees.rate("swap", maker=trade.is_maker)
        return {
            "symbol": _futures_market_id(inst),
            "tradeId": _hex_id(trade.id),
            "orderId": _hex_id(trade.order_id),
            "side": trade.side.value.lower(),
            "liquidity": "maker" if trade.is_maker else "taker",
            "forceTaker": False,
            "price": _fmt(trade.price, inst.price_tick),
            "size": _lots(trade.amount, inst),
            "value": _plain(trade.quote_amount),
            "openFeePay": _plain(trade.fee if trade.realized_pnl == 0 else ZERO),
            "closeFeePay": _plain(trade.fee if trade.realized_pnl != 0 else ZERO),
            "stop": stop,
            "feeRate": _plain(rate),
            "fixFee": "0",
            "feeCurrency": trade.fee_asset,
            "tradeTime": trade.time_ms * _NS,
            "subTradeType": None,
            "marginMode": "CROSS",
            "displayType": order_type,
            "fee": _plain(trade.fee),
            "settleCurrency": inst.settle,
            "orderType": order_type,
            "tradeType": "trade",
            "createdAt": trade.time_ms,
        }


# ---- helpers -------------------------------------------------------------------------------


def _b64_hmac(secret: bytes, text: str) -> str:
    digest = hmac.new(secret, text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _json_body(request: VenueRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        raise _param_error("request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _param_error("request body must be a JSON object")
    return body


def _by_client_id(orders: Iterable[Order], client_id: str) -> Order | None:
    """The open order with ``client_id``, else the newest one."""
    newest: Order | None = None
    for order in orders:
        if order.client_order_id != client_id:
            continue
        if order.is_open:
            return order
        if newest is None or order.id > newest.id:
            newest = order
    return newest


def _spot_time_in_force(call: _Call) -> tuple[TimeInForce, bool]:
    raw = (call.text("timeInForce") or "GTC").upper()
    if raw == "GTT":
        raise _param_error("simulator: timeInForce GTT is not served")
    try:
        tif = TimeInForce(raw)
    except ValueError:
        raise _param_error("timeInForce is invalid") from None
    post_only = call.flag("postOnly")
    if post_only and tif is not TimeInForce.GTC:
        raise _param_error("postOnly is invalid when timeInForce is IOC or FOK")
    return tif, post_only


def _part_depth(call: _Call) -> int:
    """The depth of KuCoin's partial books: 20 or 100 levels (any other path is unknown)."""
    depth = call.path["depth"]
    if depth not in ("20", "100"):
        raise _KucoinError("404000", "Not Found", 404)
    return int(depth)


def _leverage(raw: str) -> int:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _param_error("Leverage parameter invalid.") from None
    if value != value.to_integral_value() or value < 1:
        raise _param_error("Leverage parameter invalid.")
    return int(value)


def _filter_error(exc: FilterFailure, futures: bool) -> _KucoinError:
    flt, inst = exc.filter, exc.instrument
    if flt is Filter.LOT_STEP:
        return _param_error("Order size increment invalid.")
    if flt is Filter.MIN_AMOUNT:
        if futures:
            return _param_error("The quantity is below the minimum requirement.")
        return _param_error("Order size below the minimum requirement.")
    if flt is Filter.MAX_AMOUNT:
        return _KucoinError("300000", "Order size above the maximum requirement.")
    if flt is Filter.PRICE_TICK:
        return _KucoinError("300000", "Price increment invalid.")
    if flt in (Filter.MIN_PRICE, Filter.MAX_PRICE):
        return _KucoinError("300000", "Order price out of range.")
    return _KucoinError(
        "600101", f"The order funds should more then {_plain(inst.min_notional)} {inst.quote}."
    )


def _route(
    surface: str,
    method: str,
    path: str,
    handler: _Handler,
    operation: str,
    *,
    private: bool = False,
    weight: int = 2,
) -> None:
    """Register an endpoint; ``{name}`` in ``path`` captures one path segment."""
    parts = re.split(r"(\{\w+\})", path)
    pattern = re.compile(
        "".join(
            f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
            for part in parts
        )
    )
    if not private or path in _PUBLIC_PATHS:
        pool = _PUBLIC_POOL
    elif path in _MANAGEMENT_PATHS:
        pool = _MANAGEMENT_POOL
    else:
        pool = _SPOT_POOL if surface == _SPOT else _FUTURES_POOL
    KucoinVenue._routes.append(
        _Route(surface, method, pattern, handler, operation, private, weight, pool)
    )


def _rate_headers(usage: Usage, now_ms: int) -> dict[str, str]:
    """KuCoin's ``gw-ratelimit-*`` headers for the endpoint's resource pool."""
    return {
        "gw-ratelimit-limit": f"{usage.budget:g}",
        "gw-ratelimit-remaining": f"{int(usage.remaining)}",
        "gw-ratelimit-reset": str(max(usage.window_end_ms - now_ms, 0)),
    }


def _install_routes() -> None:
    v = KucoinVenue
    op = Operation
    s, f = _SPOT, _FUTURES
    # spot, public
    _route(s, "GET", "/api/v1/timestamp", v._timestamp, op.TIME, weight=3)
    _route(s, "GET", "/api/v1/status", v._status, op.OTHER, weight=3)
    _route(s, "GET", "/api/v3/currencies", v._currencies, op.CURRENCIES, weight=3)
    _route(s, "GET", "/api/v2/symbols", v._symbols, op.MARKETS, weight=4)
    _route(s, "GET", "/api/v1/market/allTickers", v._all_tickers, op.TICKER, weight=15)
    _route(s, "GET", "/api/v1/market/stats", v._stats, op.TICKER, weight=15)
    _route(
        s,
        "GET",
        "/api/v1/market/orderbook/level2_{depth}",
        v._spot_part_book,
        op.ORDER_BOOK,
        weight=4,
    )
    # spot, private
    _route(
        s,
        "GET",
        "/api/v3/market/orderbook/level2",
        v._spot_full_book,
        op.ORDER_BOOK,
        private=True,
        weight=3,
    )
    _route(s, "GET", "/api/ua/v1/account/mode", v._account_mode, op.OTHER, private=True)
    _route(s, "GET", "/api/v1/hf/accounts/opened", v._hf_opened, op.OTHER, private=True)
    _route(s, "GET", "/api/v3/margin/symbols", v._margin_symbols, op.MARKETS, private=True)
    _route(s, "GET", "/api/v1/isolated/symbols", v._isolated_symbols, op.MARKETS, private=True)
    _route(s, "GET", "/api/v1/accounts", v._accounts, op.BALANCE, private=True, weight=5)
    hf = "/api/v1/hf/orders"
    _route(s, "POST", hf, v._hf_new, op.CREATE_ORDER, private=True, weight=1)
    _route(s, "POST", f"{hf}/sync", v._hf_new_sync, op.CREATE_ORDER, private=True, weight=1)
    _route(s, "GET", f"{hf}/active", v._hf_active, op.OPEN_ORDERS, private=True)
    _route(s, "GET", f"{hf}/done", v._hf_done, op.ORDER_HISTORY, private=True)
    _route(s, "GET", f"{hf}/client-order/{{clientOid}}", v._hf_get, op.FETCH_ORDER, private=True)
    _route(s, "GET", f"{hf}/{{orderId}}", v._hf_get, op.FETCH_ORDER, private=True)
    _route(
        s,
        "DELETE",
        f"{hf}/client-order/{{clientOid}}",
        v._hf_cancel,
        op.CANCEL_ORDER,
        private=True,
        weight=1,
    )
    _route(s, "DELETE", f"{hf}/{{orderId}}", v._hf_cancel, op.CANCEL_ORDER, private=True, weight=1)
    _route(s, "GET", "/api/v1/hf/fills", v._hf_fills, op.MY_TRADES, private=True)
    so = "/api/v1/stop-order"
    _route(s, "POST", so, v._stop_new, op.CREATE_ORDER, private=True)
    _route(s, "GET", so, v._stop_list, op.OPEN_ORDERS, private=True, weight=8)
    _route(
        s,
        "GET",
        f"{so}/queryOrderByClientOid",
        v._stop_query_client,
        op.FETCH_ORDER,
        private=True,
        weight=3,
    )
    _route(s, "GET", f"{so}/{{orderId}}", v._stop_get, op.FETCH_ORDER, private=True, weight=3)
    _route(
        s,
        "DELETE",
        f"{so}/cancelOrderByClientOid",
        v._stop_cancel_client,
        op.CANCEL_ORDER,
        private=True,
        weight=5,
    )
    _route(
        s, "DELETE", f"{so}/{{orderId}}", v._stop_cancel, op.CANCEL_ORDER, private=True, weight=3
    )
    # futures, public
    _route(f, "GET", "/api/v1/timestamp", v._timestamp, op.TIME)
    _route(f, "GET", "/api/v1/status", v._status, op.OTHER)
    _route(f, "GET", "/api/v1/contracts/active", v._contracts_active, op.MARKETS, weight=3)
    _route(f, "GET", "/api/v1/contracts/{symbol}", v._contract_one, op.MARKETS, weight=3)
    _route(f, "GET", "/api/v1/ticker", v._futures_ticker, op.TICKER)
    _route(f, "GET", "/api/v1/level2/depth{depth}", v._futures_depth, op.ORDER_BOOK, weight=5)
    _route(f, "GET", "/api/v1/level2/snapshot", v._futures_snapshot, op.ORDER_BOOK, weight=3)
    # futures, private
    _route(f, "GET", "/api/v1/account-overview", v._account_overview, op.BALANCE, private=True)
    _route(f, "POST", "/api/v1/orders", v._futures_new, op.CREATE_ORDER, private=True)
    _route(f, "GET", "/api/v1/orders", v._futures_list, op.OPEN_ORDERS, private=True)
    _route(f, "GET", "/api/v1/orders/byClientOid", v._futures_get, op.FETCH_ORDER, private=True)
    _route(f, "GET", "/api/v1/orders/{orderId}", v._futures_get, op.FETCH_ORDER, private=True)
    _route(
        f,
        "DELETE",
        "/api/v1/orders/client-order/{clientOid}",
        v._futures_cancel,
        op.CANCEL_ORDER,
        private=True,
        weight=1,
    )
    _route(
        f, "DELETE", "/api/v1/orders/{orderId}", v._futures_cancel, op.CANCEL_ORDER, private=True
    )
    _route(f, "GET", "/api/v1/stopOrders", v._futures_stop_list, op.OPEN_ORDERS, private=True)
    _route(f, "GET", "/api/v1/fills", v._futures_fills, op.MY_TRADES, private=True, weight=5)
    _route(f, "GET", "/api/v1/positions", v._positions, op.POSITIONS, private=True)
    _route(f, "GET", "/api/v1/position", v._position, op.POSITIONS, private=True)
    _route(
        f,
        "POST",
        "/api/v2/changeCrossUserLeverage",
        v._change_leverage,
        op.LEVERAGE,
        private=True,
    )
    _route(
        f,
        "GET",
        "/api/v2/getCrossUserLeverage",
        v._get_leverage,
        op.LEVERAGE_INFO,
        private=True,
    )


_install_routes()

VENUE = KucoinVenue
