"""Bitget classic v2 wire format: spot (``/api/v2/spot``) and USDT-M futures (``/api/v2/mix``).

Served host and environments:

==================  ===========  ==========================================================
host                environment  how ccxt 4.5.90 gets there
==================  ===========  ==========================================================
api.bitget.com      live         default
api.bitget.com      demo         ``set_sandbox_mode(True)`` / ``enable_demo_trading(True)``:
                                 the same host, every request but ``v2/public/time`` carries
                                 the header ``PAPTRADING: 1``
==================  ===========  ==========================================================

The host alone cannot tell the environments apart, so the environment of a request is taken from
the ``PAPTRADING`` header (``RecordedRequest.environment`` names the host's, ``live``: look at the
recorded headers to tell demo requests apart). An API key belongs to one environment: a live key
with the header, or a demo key without it, gets ``40099`` "exchange environment is incorrect".
Demo trading uses the ordinary symbols and product types (``BTCUSDT``, ``USDT-FUTURES``). The
simulated-coin product types of the live environment (``SUSDT-FUTURES``, ``SCOIN-FUTURES``,
``SUSDC-FUTURES``) and ``COIN-FUTURES`` / ``USDC-FUTURES`` list no contracts here: the engine's
perpetuals are all USDT-margined.

Every private request is verified as Bitget does: ``ACCESS-SIGN`` must be the base64
HMAC-SHA256 (secret) of ``ACCESS-TIMESTAMP + METHOD + path + ('?' + query) + body``, where the
query is the (percent-decoded) query string as sent and the body the raw JSON body;
``ACCESS-PASSPHRASE`` is compared in plain text and ``ACCESS-TIMESTAMP`` must be within 30 s of
the server clock. The unified-account probe ``GET /api/v3/account/settings`` answers ``40084``,
as it does for a classic account (ccxt then stays on the classic v2 API).

Error bodies are ``{"code": "<code>", "msg": ..., "requestTime": <ms>, "data": null}`` and produce,
in ccxt 4.5.90 (exact-code table of ``bitget.describe()``):

* 40001 "ACCESS_KEY cannot be empty", 401 -> AuthenticationError
* 40003 "Signature cannot be empty", 401 -> AuthenticationError
* 40011 "ACCESS_PASSPHRASE cannot be empty", 401 -> AuthenticationError
* 40005 "Invalid ACCESS_TIMESTAMP" -> InvalidNonce
* 40008 "Request timestamp expired" (more than 30 s off) -> InvalidNonce
* 40006 "Invalid ACCESS_KEY", 401 -> AuthenticationError
* 40012 "apikey/password is incorrect" (wrong passphrase), 401 -> AuthenticationError
* 40009 "sign signature error", 401 -> AuthenticationError
* 40099 "exchange environment is incorrect" (key of the other environment) -> ExchangeError [1]
* 40084 "You are in Classic Account mode, ..." (``/api/v3/account/settings``) -> ExchangeError
* 40019 "Parameter <p> cannot be empty" -> BadRequest
* 40017 "Parameter verification failed" (malformed or unsupported value) -> BadRequest
* 40305 "Client_oid length is not greater than 50, and cannot be Martian characters"
  -> BadRequest
* 40309 "The symbol has been removed" (unknown symbol) -> BadSymbol
* 43012 "Insufficient balance" (spot) -> InsufficientFunds
* 40762 "The order amount exceeds the balance" (futures margin) -> InsufficientFunds
* 43001 "The order does not exist" (spot cancel) -> OrderNotFound
* 40109 "The data of the order cannot be found, please confirm the order number" (futures
  order detail) -> OrderNotFound
* 40768 "Order does not exist" (futures cancel) -> OrderNotFound
* 43025 "Plan order does not exist" (spot plan cancel / sub-orders) -> InvalidOrder [1]
* 45110 "less than the minimum amount <n> USDT" (min notional) -> InvalidOrder
* 40808 "Parameter verification exception size checkBDScale error ..." (amount step)
  -> InvalidOrder
* 41103 "param price scale error error" (price tick) -> InvalidOrder
* 40706 "Wrong order price" (price below min / above max) -> InvalidOrder
* 45111 "less than the minimum order quantity", 45112 "more than the maximum order quantity"
  -> ExchangeError [1]
* 40786 "Duplicate clientOid" (client id of an open order) -> ExchangeError [1]
* 43011 "The parameter does not meet the specification triggerPrice ..." (a trigger price
  equal to the last price) -> InvalidOrder
* 22002 "No position to close" (reduce-only without a position) -> ExchangeError [1]
* 40797 "Exceeded the maximum settable leverage" -> ExchangeError [1]
* 40774 "The order type for unilateral position must also be the unilateral position type."
  (``tradeSide`` sent to this one-way account) -> InvalidOrder
* "429" "Too Many Requests", HTTP 429 (:func:`error_response`, for fault injection)
  -> DDoSProtection
* unknown endpoint: 40404 "Request URL NOT FOUND", 404 -> BadRequest

[1] exchlayer's Bitget adapter refines these (see ``exchlayer.venues.bitget``).

Quirks reproduced: an unknown order on ``spot/trade/orderInfo`` is an empty ``data`` list, not an
error; a futures plan-order cancel always answers ``00000`` and lists the orders it could not
cancel in ``failureList``; spot market *buy* ``size`` is the quote amount to spend (and a spot plan
order with ``planType=total``); a spot ``unfilled-orders`` row carries the limit price in
``priceAvg`` and the average fill price in ``basePrice``; futures ``merge-depth`` levels are JSON
numbers, spot book levels strings; order ids are strings. Plan (trigger) orders have their own ids
and endpoints: once one triggers, a regular order with a new id does the work and
``plan-sub-order`` names it. Like Bitget, a plan order triggers when the price reaches the trigger
price from the side it was on when the order was placed (so a buy below the market waits for a dip).
Recent orders: ``GET spot/trade/history-orders`` and ``GET mix/order/orders-history`` list
finished orders, newest first, honouring ``startTime``, ``endTime`` (ms), ``idLessThan`` and
``limit`` (at most 100) (``Operation.ORDER_HISTORY``).

Client order ids: Bitget's place-order documents ``clientOid`` as idempotent for 6 hours "only
valid when orders are unfilled", so both markets default to ``ClientIdRule.OPEN_ONLY`` (40786
while an open order uses it; the 6-hour bound is not modelled). A lookup by clientOid finds the
newest order with it.

Clock: ``ACCESS-TIMESTAMP`` may be at most 30 s from the server clock either way (40008; tests may
narrow ``timestamp_window_ms``).

Ambiguous errors (``Fault.ERROR_AFTER``), from Bitget's common error-code table: 40015 "System is
abnormal, please try again later" and 40010 "Request timed out" (HTTP 400 like Bitget's other
error bodies: assumed). ccxt 4.5.90 maps 40015 to ExchangeError and 40010 to
AuthenticationError (its table's comment calls it "sign signature error").

Simulator limits: futures are cross margin and one-way position mode only (``marginMode=isolated``
and ``tradeSide`` are refused); a spot plan market buy by ``planType=total`` is converted to a base
amount at its trigger price when placed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
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
    InsufficientMargin,
    InvalidLeverage,
    InvalidOrderRequest,
    Order,
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
    WouldTriggerImmediately,
)
from exchlayer.testing.simulator.ratelimit import Charge, Limit, Quota
from exchlayer.testing.simulator.venues import (
    AmbiguousError,
    Operation,
    VenueModule,
    VenueRequest,
    VenueResponse,
)

__all__ = ["VENUE", "BitgetVenue", "error_response"]

HOST = "api.bitget.com"
LIVE = "live"
DEMO = "demo"
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
_TIMESTAMP_WINDOW_MS = 30_000
# Published REST limits (bitget.com/api-doc: each endpoint's page, "Frequency limit: n times/1s
# (IP|UID)", and "the overall rate limit is 6000/IP/Min"). Every endpoint is metered on its own;
# over a limit, HTTP 429 with code "429".
_OVERALL = Limit("overall", Quota.rate_per_minute(6000))
_PER_IP: dict[int, Limit] = {}
_PER_UID: dict[int, Limit] = {}


def _per_second(n: int, *, per_key: bool) -> Limit:
    table = _PER_UID if per_key else _PER_IP
    found = table.get(n)
    if found is None:
        scope = "uid" if per_key else "ip"
        found = table[n] = Limit(f"{n}/s/{scope}", Quota.rate_per_second(n), per_key=per_key)
    return found

_SPOT_BOOK_MAX = 150
_MIX_BOOK_LIMITS = {"1": 1, "5": 5, "15": 15, "50": 50, "100": 100, "max": 150}
_CLIENT_OID = re.compile(r"^[!-~]{1,50}$")
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_FORCES = {
    "gtc": TimeInForce.GTC,
    "ioc": TimeInForce.IOC,
    "fok": TimeInForce.FOK,
    "post_only": TimeInForce.GTC,
}
_SPOT_STATUS = {
    OrderStatus.NEW: "live",
    OrderStatus.PARTIALLY_FILLED: "partially_filled",
    OrderStatus.FILLED: "filled",
    OrderStatus.CANCELED: "cancelled",
    OrderStatus.EXPIRED: "cancelled",
    OrderStatus.REJECTED: "cancelled",
    OrderStatus.TRIGGERED: "filled",
}
_MIX_STATUS = {
    OrderStatus.NEW: "live",
    OrderStatus.PARTIALLY_FILLED: "partially_filled",
    OrderStatus.FILLED: "filled",
    OrderStatus.CANCELED: "canceled",
    OrderStatus.EXPIRED: "canceled",
    OrderStatus.REJECTED: "canceled",
    OrderStatus.TRIGGERED: "filled",
}


class _BitgetError(Exception):
    def __init__(self, code: str, msg: str, status: int = 400) -> None:
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status


@dataclass(frozen=True)
class _Raw:
    """``data`` that is already JSON text (levels that Bitget sends as JSON numbers)."""

    text: str


def error_response(
    code: str, msg: str, request_time: int, status: int = 400, operation: str = Operation.OTHER
) -> VenueResponse:
    """A Bitget error body, e.g. ``error_response("429", "Too Many Requests", now, 429)`` from a
    simulator interceptor to inject a rate-limit refusal."""
    return VenueResponse.json(
        {"code": code, "msg": msg, "requestTime": request_time, "data": None},
        status,
        operation=operation,
    )


def _missing(name: str) -> _BitgetError:
    return _BitgetError("40019", f"Parameter {name} cannot be empty")


def _invalid() -> _BitgetError:
    return _BitgetError("40017", "Parameter verification failed")


def _decimals(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _fmt(value: Decimal | None, places: int) -> str:
    return f"{(value or ZERO):.{places}f}"


def _plain(value: Decimal | None) -> str:
    """Shortest plain rendering (``0.001``, ``50000``), never an exponent."""
    if value is None:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _floor(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_DOWN) * step


@dataclass
class _Call:
    request: VenueRequest
    params: dict[str, Any]
    environment: str
    account: Account | None = None

    @property
    def acct(self) -> Account:
        assert self.account is not None
        return self.account

    def get(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else str(value)

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise _missing(name)
        return value

    def decimal(self, name: str, *, required: bool = False) -> Decimal | None:
        raw = self.require(name) if required else self.get(name)
        if raw is None:
            return None
        if not _NUMBER.match(raw):
            raise _invalid()
        try:
            return Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the regex already guards this
            raise _invalid() from None

    def integer(self, name: str) -> int | None:
        raw = self.get(name)
        if raw is None:
            return None
        if not raw.isdigit():
            raise _invalid()
        return int(raw)


_Route = Callable[["BitgetVenue", _Call], Any]


@dataclass(frozen=True)
class _Endpoint:
    handler: _Route
    operation: str
    private: bool
    limit: Limit


class BitgetVenue(VenueModule):
    """Bitget classic (v2) spot + USDT-M futures on the shared engine."""

    name: ClassVar[str] = "bitget"
    hosts: ClassVar[dict[str, str]] = {HOST: LIVE}
    fees: ClassVar[FeeSchedule] = FeeSchedule(
        spot_maker=Decimal("0.001"),
        spot_taker=Decimal("0.001"),
        swap_maker=Decimal("0.0002"),
        swap_taker=Decimal("0.0006"),
    )

    ambiguous_errors: ClassVar[tuple[AmbiguousError, ...]] = (
        AmbiguousError("40015", "System is abnormal, please try again later", 400),
        AmbiguousError("40010", "Request timed out", 400),
    )
    envelope_keys: ClassVar[frozenset[str]] = frozenset({"code", "msg", "requestTime", "data"})
    payload_key: ClassVar[str | None] = "data"

    _routes: ClassVar[dict[tuple[str, str], _Endpoint]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spot: dict[str, Instrument] = {}
        self._perps: dict[str, Instrument] = {}
        for inst in self.engine.instruments.values():
            market_id = f"{inst.base}{inst.quote}"
            if inst.kind == "spot":
                self._spot[market_id] = inst
            elif inst.settle == "USDT" and inst.quote == "USDT":
                self._perps[market_id] = inst
        self._client_oids = itertools.count(1_100_000_000_000_000_001)
        self.timestamp_window_ms = _TIMESTAMP_WINDOW_MS
        """How far ``ACCESS-TIMESTAMP`` may be from the server clock (30 s on Bitget, which
        offers no way to shorten it; tests may, to make reconciliation waits short)."""

    @classmethod
    def environments(cls) -> frozenset[str]:
        # one host serves both: the PAPTRADING header picks the environment
        return frozenset({LIVE, DEMO})

    def error_body(self, code: int | str, message: str) -> Any:
        return {"code": str(code), "msg": message, "requestTime": self.engine.now_ms(),
                "data": None}

    def is_success(self, status: int, body: Any) -> bool:
        return 200 <= status < 300 and isinstance(body, dict) and body.get("code") == "00000"

    def market_id_families(self) -> list[list[str]]:
        return [list(self._spot), list(self._perps)]

    # ---- dispatch ------------------------------------------------------------------------

    def classify(self, request: VenueRequest) -> str:
        endpoint = self._routes.get((request.method, request.path))
        return Operation.UNKNOWN if endpoint is None else endpoint.operation

    async def handle(self, request: VenueRequest) -> VenueResponse:
        now = self.engine.now_ms()
        endpoint = self._routes.get((request.method, request.path))
        if endpoint is None:
            return error_response(
                "40404", "Request URL NOT FOUND", now, 404, operation=Operation.UNKNOWN
            )
        environment = request.environment
        if request.headers.get("PAPTRADING") == "1":
            environment = DEMO
        api_key = request.headers.get("ACCESS-KEY") if endpoint.limit.per_key else None
        _, refusal = self.rate_limits.charge(
            environment, api_key, request.received_ms,
            [Charge(_OVERALL, 1), Charge(endpoint.limit, 1, f"{request.method} {request.path}")],
        )
        if refusal is not None:
            response = error_response("429", "Too Many Requests", now, 429, endpoint.operation)
            response.private = endpoint.private
            return response
        try:
            call = _Call(request, _parameters(request), environment)
            if endpoint.private:
                call.account = self.query_account(
                    self._authenticate(request, environment), endpoint.operation
                )
            data = endpoint.handler(self, call)
        except _BitgetError as exc:
            return self._error(exc, now, endpoint)
        except EngineError as exc:
            return self._error(_translate(exc), now, endpoint)
        if isinstance(data, _Raw):
            body = (
                f'{{"code":"00000","msg":"success","requestTime":{now},"data":{data.text}}}'
            ).encode()
            headers = {"Content-Type": "application/json"}
            return VenueResponse(200, body, headers, endpoint.operation, endpoint.private)
        return VenueResponse.json(
            {"code": "00000", "msg": "success", "requestTime": now, "data": data},
            operation=endpoint.operation,
            private=endpoint.private,
        )

    @staticmethod
    def _error(exc: _BitgetError, now: int, endpoint: _Endpoint) -> VenueResponse:
        response = error_response(exc.code, exc.msg, now, exc.status, endpoint.operation)
        response.private = endpoint.private
        return response

    # ---- authentication ----------------------------------------------------------------------

    def _authenticate(self, request: VenueRequest, environment: str) -> Account:
        headers = request.headers
        api_key = headers.get("ACCESS-KEY")
        signature = headers.get("ACCESS-SIGN")
        timestamp = headers.get("ACCESS-TIMESTAMP")
        passphrase = headers.get("ACCESS-PASSPHRASE")
        if not api_key:
            raise _BitgetError("40001", "ACCESS_KEY cannot be empty", 401)
        if not signature:
            raise _BitgetError("40003", "Signature cannot be empty", 401)
        if not passphrase:
            raise _BitgetError("40011", "ACCESS_PASSPHRASE cannot be empty", 401)
        if not timestamp or not timestamp.isdigit():
            raise _BitgetError("40005", "Invalid ACCESS_TIMESTAMP")
        if abs(self.engine.now_ms() - int(timestamp)) > self.timestamp_window_ms:
            raise _BitgetError("40008", "Request timestamp expired")
        account = self.accounts.find(self.name, environment, api_key)
        if account is None:
            other = LIVE if environment == DEMO else DEMO
            if self.accounts.find(self.name, other, api_key) is not None:
                raise _BitgetError("40099", "exchange environment is incorrect")
            raise _BitgetError("40006", "Invalid ACCESS_KEY", 401)
        if not hmac.compare_digest((account.passphrase or "").encode(), passphrase.encode()):
            raise _BitgetError("40012", "apikey/password is incorrect", 401)
        query = "?" + unquote(request.raw_query) if request.raw_query else ""
        prehash = timestamp + request.method + request.path + query + request.body
        digest = hmac.new(account.secret.encode(), prehash.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(base64.b64encode(digest).decode(), signature):
            raise _BitgetError("40009", "sign signature error", 401)
        return account

    # ---- symbols ---------------------------------------------------------------------------

    def _spot_inst(self, call: _Call, *, required: bool = True) -> Instrument | None:
        market_id = call.require("symbol") if required else call.get("symbol")
        if market_id is None:
            return None
        inst = self._spot.get(market_id.upper())
        if inst is None:
            raise _BitgetError("40309", "The symbol has been removed")
        return inst

    def _spot_one(self, call: _Call) -> Instrument:
        inst = self._spot_inst(call)
        assert inst is not None
        return inst

    @staticmethod
    def _product_type(call: _Call) -> str:
        product_type = call.require("productType").upper()
        if product_type not in PRODUCT_TYPES:
            raise _invalid()
        return product_type

    def _perp_inst(self, call: _Call, *, required: bool = True) -> Instrument | None:
        product_type = self._product_type(call)
        market_id = call.require("symbol") if required else call.get("symbol")
        if market_id is None:
            return None
        inst = self._perps.get(market_id.upper()) if product_type == USDT_FUTURES else None
        if inst is None:
            raise _BitgetError("40309", "The symbol has been removed")
        return inst

    def _perp_one(self, call: _Call) -> Instrument:
        inst = self._perp_inst(call)
        assert inst is not None
        return inst

    def _perps_of(self, call: _Call) -> list[Instrument]:
        return list(self._perps.values()) if self._product_type(call) == USDT_FUTURES else []

    @staticmethod
    def _check_margin(call: _Call, inst: Instrument) -> None:
        if call.require("marginCoin").upper() != inst.settle:
            raise _invalid()

    # ---- public ------------------------------------------------------------------------------

    def _time(self, call: _Call) -> dict[str, Any]:
        return {"serverTime": str(self.engine.now_ms())}

    def _coins(self, call: _Call) -> list[dict[str, Any]]:
        assets: dict[str, None] = {}
        for inst in self.engine.instruments.values():
            assets.setdefault(inst.base)
            assets.setdefault(inst.quote)
        return [
            {
                "coinId": str(n),
                "coin": asset,
                "transfer": "true",
                "chains": [
                    {
                        "chain": "ERC20",
                        "needTag": "false",
                        "withdrawable": "true",
                        "rechargeable": "true",
                        "withdrawFee": "1",
                        "extraWithdrawFee": "0",
                        "depositConfirm": "12",
                        "withdrawConfirm": "64",
                        "minDepositAmount": "0.0001",
                        "minWithdrawAmount": "0.001",
                        "browserUrl": "https://etherscan.io/tx/",
                        "contractAddress": "",
                        "withdrawStep": "0",
                        "withdrawMinScale": "8",
                        "congestion": "normal",
                    }
                ],
                "areaCoin": "no",
            }
            for n, asset in enumerate(assets, start=1)
        ]

    def _spot_symbols(self, call: _Call) -> list[dict[str, Any]]:
        wanted = self._spot_inst(call, required=False)
        selected = [wanted] if wanted is not None else list(self._spot.values())
        return [self._spot_symbol(inst) for inst in selected]

    def _spot_symbol(self, inst: Instrument) -> dict[str, Any]:
        return {
            "symbol": f"{inst.base}{inst.quote}",
            "baseCoin": inst.base,
            "quoteCoin": inst.quote,
            "minTradeAmount": _plain(inst.min_amount),
            "maxTradeAmount": _plain(inst.max_amount),
            "takerFeeRate": _plain(self.fees.spot_taker),
            "makerFeeRate": _plain(self.fees.spot_maker),
            "pricePrecision": str(_decimals(inst.price_tick)),
            "quantityPrecision": str(_decimals(inst.amount_step)),
            "quotePrecision": "8",
            "status": "online",
            "minTradeUSDT": _plain(inst.min_notional),
            "buyLimitPriceRatio": "0.05",
            "sellLimitPriceRatio": "0.05",
            "areaSymbol": "no",
            "orderQuantity": "200",
            "openTime": "1532454360000",
            "offTime": "",
        }

    def _margin_currencies(self, call: _Call) -> list[dict[str, Any]]:
        return [
            {
                "symbol": market_id,
                "baseCoin": inst.base,
                "quoteCoin": inst.quote,
                "maxCrossedLeverage": "3",
                "maxIsolatedLeverage": "10",
                "warningRiskRatio": "0.8",
                "liquidationRiskRatio": "1",
                "minTradeAmount": _plain(inst.min_amount),
                "maxTradeAmount": _plain(inst.max_amount),
                "takerFeeRate": _plain(self.fees.spot_taker),
                "makerFeeRate": _plain(self.fees.spot_maker),
                "priceScale": str(_decimals(inst.price_tick)),
                "quantityScale": str(_decimals(inst.amount_step)),
                "minTradeUSDT": _plain(inst.min_notional),
                "isBorrowable": True,
                "userMinBorrow": "0.00000001",
                "status": "1",
                "isIsolatedBaseBorrowable": True,
                "isIsolatedQuoteBorrowable": True,
                "isCrossBorrowable": True,
            }
            for market_id, inst in self._spot.items()
        ]

    def _contracts(self, call: _Call) -> list[dict[str, Any]]:
        wanted = call.get("symbol")
        return [
            self._contract(inst)
            for inst in self._perps_of(call)
            if wanted is None or wanted.upper() == f"{inst.base}{inst.quote}"
        ]

    def _contract(self, inst: Instrument) -> dict[str, Any]:
        tick = inst.price_tick.normalize()
        price_place = _decimals(tick)
        step = (inst.amount_step * inst.contract_size).normalize()
        return {
            "symbol": f"{inst.base}{inst.quote}",
            "baseCoin": inst.base,
            "quoteCoin": inst.quote,
            "buyLimitPriceRatio": "0.01",
            "sellLimitPriceRatio": "0.01",
            "feeRateUpRatio": "0.005",
            "makerFeeRate": _plain(self.fees.swap_maker),
            "takerFeeRate": _plain(self.fees.swap_taker),
            "openCostUpRatio": "0.01",
            "supportMarginCoins": [inst.settle],
            "minTradeNum": _plain(inst.min_amount * inst.contract_size),
            "priceEndStep": _plain(tick.scaleb(price_place)),
            "volumePlace": str(_decimals(step)),
            "pricePlace": str(price_place),
            "sizeMultiplier": _plain(step),
            "symbolType": "perpetual",
            "minTradeUSDT": _plain(inst.min_notional),
            "maxSymbolOrderNum": "200",
            "maxProductOrderNum": "1000",
            "maxPositionNum": "150",
            "symbolStatus": "normal",
            "offTime": "-1",
            "limitOpenTime": "-1",
            "deliveryTime": "",
            "deliveryStartTime": "",
            "deliveryPeriod": "",
            "launchTime": "",
            "fundInterval": "8",
            "minLever": "1",
            "maxLever": str(inst.max_leverage),
            "posLimit": "0.1",
            "maintainTime": "",
            "openTime": "",
        }

    def _spot_tickers(self, call: _Call) -> list[dict[str, Any]]:
        wanted = self._spot_inst(call, required=False)
        selected = [wanted] if wanted is not None else list(self._spot.values())
        return [self._ticker(inst, futures=False) for inst in selected]

    def _mix_ticker(self, call: _Call) -> list[dict[str, Any]]:
        return [self._ticker(self._perp_one(call), futures=True)]

    def _mix_tickers(self, call: _Call) -> list[dict[str, Any]]:
        return [self._ticker(inst, futures=True) for inst in self._perps_of(call)]

    def _ticker(self, inst: Instrument, *, futures: bool) -> dict[str, Any]:
        st = self.engine.stats(inst.symbol)
        p = _decimals(inst.price_tick)
        size = inst.contract_size
        q = _decimals(inst.amount_step * size)
        change = (st.change / st.open).quantize(Decimal("0.00001")) if st.open else ZERO
        volume = st.volume * size
        out: dict[str, Any] = {
            "symbol": f"{inst.base}{inst.quote}",
            "lastPr": _fmt(st.last, p),
            "askPr": _fmt(st.ask, p),
            "bidPr": _fmt(st.bid, p),
            "bidSz": _fmt(st.bid_qty * size, q),
            "askSz": _fmt(st.ask_qty * size, q),
            "high24h": _fmt(st.high, p),
            "low24h": _fmt(st.low, p),
            "ts": str(self.engine.now_ms()),
            "change24h": _plain(change),
            "baseVolume": _fmt(volume, q),
            "quoteVolume": _fmt(st.quote_volume, 4),
            "usdtVolume": _fmt(st.quote_volume, 4),
            "openUtc": _fmt(st.open, p),
            "changeUtc24h": _plain(change),
        }
        if futures:
            out.update(
                indexPrice=_fmt(st.last, p),
                fundingRate="0.0001",
                holdingAmount=_fmt(volume / 10, q),
                deliveryStartTime=None,
                deliveryTime=None,
                deliveryStatus="",
                open24h=_fmt(st.open, p),
                markPrice=_fmt(st.last, p),
            )
        else:
            out["open"] = _fmt(st.open, p)
        return out

    def _spot_book(self, call: _Call) -> dict[str, Any]:
        inst = self._spot_one(call)
        limit = call.integer("limit") or 100
        if not 1 <= limit <= _SPOT_BOOK_MAX:
            raise _invalid()
        snap = self.engine.book(inst.symbol, limit)
        p, q = _decimals(inst.price_tick), _decimals(inst.amount_step)
        return {
            "asks": [[_fmt(px, p), _fmt(sz, q)] for px, sz in snap.asks],
            "bids": [[_fmt(px, p), _fmt(sz, q)] for px, sz in snap.bids],
            "ts": str(snap.time_ms),
        }

    def _merge_depth(self, call: _Call) -> _Raw:
        inst = self._perp_one(call)
        raw_limit = call.get("limit") or "100"
        limit = _MIX_BOOK_LIMITS.get(raw_limit)
        if limit is None:
            raise _invalid()
        snap = self.engine.book(inst.symbol, limit)
        size = inst.contract_size
        p, q = _decimals(inst.price_tick), _decimals(inst.amount_step * size)

        def levels(rows: Iterable[tuple[Decimal, Decimal]]) -> str:
            # Bitget sends futures depth levels as JSON numbers
            return ",".join(f"[{_fmt(px, p)},{_fmt(sz * size, q)}]" for px, sz in rows)

        tick = _plain(inst.price_tick)
        return _Raw(
            f'{{"asks":[{levels(snap.asks)}],"bids":[{levels(snap.bids)}],'
            f'"ts":"{snap.time_ms}","scale":"{tick}","precision":"scale0",'
            f'"isMaxPrecision":"YES"}}'
        )

    # ---- account -----------------------------------------------------------------------------

    def _uta_settings(self, call: _Call) -> dict[str, Any]:
        raise _BitgetError(
            "40084",
            "You are in Classic Account mode, and the Unified Account API is not supported "
            "at this time",
        )

    def _spot_assets(self, call: _Call) -> list[dict[str, Any]]:
        acct = call.acct
        wanted = call.get("coin")
        updated = str(max([acct.created_ms, *(t.time_ms for t in acct.trades[-1:])]))
        return [
            {
                "coin": asset,
                "available": _fmt(bal.free, 8),
                "limitAvailable": "0",
                "frozen": _fmt(bal.locked, 8),
                "locked": "0.00000000",
                "uTime": updated,
            }
            for asset, bal in acct.balances.items()
            if (wanted is None and bal.total != 0) or asset == wanted
        ]

    def _mix_accounts(self, call: _Call) -> list[dict[str, Any]]:
        if self._product_type(call) != USDT_FUTURES:
            return []
        return [self._mix_account_row(call.acct, "USDT", leverage=None)]

    def _mix_account(self, call: _Call) -> dict[str, Any]:
        inst = self._perp_one(call)
        self._check_margin(call, inst)
        assert inst.settle is not None
        leverage = self.engine.get_leverage(call.acct, inst.symbol)
        return self._mix_account_row(call.acct, inst.settle, leverage=leverage)

    def _mix_account_row(
        self, acct: Account, asset: str, *, leverage: int | None
    ) -> dict[str, Any]:
        s = self.engine.margin_summary(acct, asset)
        equity = s.margin_balance
        btc = self._perps.get("BTCUSDT")
        btc_equity = equity / self.engine.price(btc.symbol) if btc is not None else ZERO
        risk = s.maintenance_margin / equity if equity > 0 else ZERO
        row: dict[str, Any] = {
            "marginCoin": asset,
            "locked": "0",
            "available": _fmt(s.available_balance, 8),
            "crossedMaxAvailable": _fmt(s.available_balance, 8),
            "isolatedMaxAvailable": _fmt(s.available_balance, 8),
            "maxTransferOut": _fmt(min(s.available_balance, s.wallet_balance), 8),
            "accountEquity": _fmt(equity, 8),
            "usdtEquity": _fmt(equity, 12),
            "btcEquity": _fmt(btc_equity, 12),
            "crossedRiskRate": _fmt(risk, 12),
        }
        if leverage is not None:
            row.update(
                crossedMarginLeverage=leverage,
                isolatedLongLever=leverage,
                isolatedShortLever=leverage,
                marginMode="crossed",
                posMode="one_way_mode",
            )
        row.update(
            unrealizedPL=_fmt(s.unrealized_pnl, 8),
            coupon="0",
        )
        if leverage is None:
            row.update(
                unionTotalMagin=_fmt(equity, 8),
                unionAvailable=_fmt(s.available_balance, 8),
                unionMm=_fmt(s.maintenance_margin, 8),
                assetList=[],
            )
        row.update(
            crossedUnrealizedPL=_fmt(s.unrealized_pnl, 8),
            isolatedUnrealizedPL="",
            grant="",
            assetMode="single",
            isolatedMargin=None,
            crossedMargin=None,
        )
        return row

    # ---- orders: helpers ---------------------------------------------------------------------

    def _client_oid(self, call: _Call) -> str:
        raw = call.get("clientOid")
        if raw is None:
            return str(next(self._client_oids))  # Bitget numbers the ones it makes up
        if not _CLIENT_OID.match(raw):
            raise _BitgetError(
                "40305",
                "Client_oid length is not greater than 50, and cannot be Martian characters",
            )
        return raw

    @staticmethod
    def _venue_oid(order: Order) -> str:
        """The clientOid Bitget shows: a triggered plan order's child gets one of its own."""
        return str(order.id) if order.parent_id is not None else order.client_order_id

    @staticmethod
    def _side(call: _Call) -> Side:
        raw = call.require("side").lower()
        if raw not in ("buy", "sell"):
            raise _invalid()
        return Side.BUY if raw == "buy" else Side.SELL

    @staticmethod
    def _force(call: _Call) -> tuple[TimeInForce, bool]:
        raw = (call.get("force") or "gtc").lower()
        tif = _FORCES.get(raw)
        if tif is None:
            raise _invalid()
        return tif, raw == "post_only"

    @staticmethod
    def _order_type(call: _Call) -> bool:
        """Whether the order is a limit order (``orderType`` limit|market)."""
        raw = call.require("orderType").lower()
        if raw not in ("limit", "market"):
            raise _invalid()
        return raw == "limit"

    def _find(
        self,
        acct: Account,
        kind: str,
        *,
        plan: bool,
        order_id: str | None,
        client_oid: str | None,
        inst: Instrument | None = None,
    ) -> Order | None:
        def matches(order: Order) -> bool:
            return (
                order.kind == kind
                and order.spawn_on_trigger == plan
                and (inst is None or order.symbol == inst.symbol)
            )

        if order_id is not None:
            order = acct.orders.get(int(order_id)) if order_id.isdigit() else None
            return order if order is not None and matches(order) else None
        if client_oid is not None:
            for order in reversed(acct.orders.values()):
                if matches(order) and self._venue_oid(order) == client_oid:
                    return order
            return None
        raise _missing("orderId")

    def _trades_of(self, acct: Account, order: Order) -> list[Trade]:
        return self.engine.order_trades(acct, order)

    def _trigger_type(
        self, inst: Instrument, side: Side, trigger: Decimal, limit: bool
    ) -> OrderType:
        """Bitget triggers when the price reaches ``trigger`` from where it is now."""
        last = self.engine.price(inst.symbol)
        if trigger == last:
            raise _BitgetError(
                "43011",
                "The parameter does not meet the specification triggerPrice == current price",
            )
        rising = trigger > last
        take_profit = rising != (side is Side.BUY)
        if take_profit:
            return OrderType.TAKE_PROFIT_LIMIT if limit else OrderType.TAKE_PROFIT
        return OrderType.STOP_LIMIT if limit else OrderType.STOP

    # ---- spot orders -------------------------------------------------------------------------

    def _spot_place(self, call: _Call) -> dict[str, Any]:
        inst = self._spot_one(call)
        side = self._side(call)
        limit = self._order_type(call)
        tif, post_only = self._force(call)
        size = call.decimal("size", required=True)
        assert size is not None
        price = call.decimal("price", required=limit)
        market_buy = not limit and side is Side.BUY
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=OrderType.LIMIT if limit else OrderType.MARKET,
            amount=None if market_buy else size,
            quote_amount=size if market_buy else None,
            price=price if limit else None,
            time_in_force=tif,
            post_only=post_only,
            client_order_id=self._client_oid(call),
        )
        order = self.engine.place_order(call.acct, req)
        order.extra["bitget_force"] = "post_only" if post_only else tif.value.lower()
        return {"orderId": str(order.id), "clientOid": order.client_order_id}

    def _spot_plan_place(self, call: _Call) -> dict[str, Any]:
        inst = self._spot_one(call)
        side = self._side(call)
        limit = self._order_type(call)
        tif, post_only = self._force(call)
        trigger = call.decimal("triggerPrice", required=True)
        assert trigger is not None
        trigger_type = call.require("triggerType").lower()
        if trigger_type not in ("fill_price", "mark_price"):
            raise _invalid()
        price = call.decimal("executePrice", required=limit)
        size = call.decimal("size", required=True)
        assert size is not None
        plan_type = (call.get("planType") or "amount").lower()
        if plan_type not in ("amount", "total"):
            raise _invalid()
        amount = size
        if plan_type == "total":
            # quote to spend; the engine sizes trigger orders in base: convert at the order's price
            reference = price if price is not None else trigger
            amount = _floor(size / reference, inst.amount_step)
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=self._trigger_type(inst, side, trigger, limit),
            amount=amount,
            price=price if limit else None,
            stop_price=trigger,
            time_in_force=tif,
            post_only=post_only,
            client_order_id=self._client_oid(call),
            spawn_on_trigger=True,
        )
        order = self.engine.place_order(call.acct, req)
        order.extra.update(
            bitget_plan_type=plan_type.upper(),
            bitget_size=size,
            bitget_trigger_type=trigger_type,
        )
        return {"orderId": str(order.id), "clientOid": order.client_order_id}

    def _spot_cancel(self, call: _Call) -> dict[str, Any]:
        inst = self._spot_one(call)
        order = self._find(
            call.acct,
            "spot",
            plan=False,
            order_id=call.get("orderId"),
            client_oid=call.get("clientOid"),
            inst=inst,
        )
        if order is None or not order.is_open:
            raise _BitgetError("43001", "The order does not exist")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"orderId": str(order.id), "clientOid": self._venue_oid(order)}

    def _spot_plan_cancel(self, call: _Call) -> dict[str, Any]:
        order = self._find(
            call.acct,
            "spot",
            plan=True,
            order_id=call.get("orderId"),
            client_oid=call.get("clientOid"),
        )
        if order is None or not order.is_open:
            raise _BitgetError("43025", "Plan order does not exist")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"result": "success"}

    def _spot_order_info(self, call: _Call) -> list[dict[str, Any]]:
        order = self._find(
            call.acct,
            "spot",
            plan=False,
            order_id=call.get("orderId"),
            client_oid=call.get("clientOid"),
        )
        return [] if order is None else [self._spot_order(call.acct, order)]

    def _spot_unfilled(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._spot_inst(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return [
            self._spot_unfilled_row(call.acct, o)
            for o in orders
            if o.kind == "spot" and not o.spawn_on_trigger
        ]

    @staticmethod
    def _in_window(call: _Call, order: Order) -> bool:
        """``startTime`` / ``endTime`` (ms, on the creation time) and ``idLessThan``."""
        start, end = call.integer("startTime"), call.integer("endTime")
        before = call.integer("idLessThan")
        return (
            (start is None or order.created_ms >= start)
            and (end is None or order.created_ms <= end)
            and (before is None or order.id < before)
        )

    def _spot_history(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._spot_inst(call, required=False)
        limit = min(call.integer("limit") or 100, 100)
        closed = [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == "spot"
            and not o.spawn_on_trigger
            and not o.is_open
            and (inst is None or o.symbol == inst.symbol)
            and self._in_window(call, o)
        ]
        return [self._spot_order(call.acct, o) for o in closed[:limit]]

    def _spot_plan_current(self, call: _Call) -> dict[str, Any]:
        inst = self._spot_inst(call, required=False)
        orders = [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == "spot"
            and o.spawn_on_trigger
            and o.is_open
            and (inst is None or o.symbol == inst.symbol)
        ]
        return self._plan_page(orders, call)

    def _spot_plan_history(self, call: _Call) -> dict[str, Any]:
        inst = self._spot_one(call)
        orders = [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == "spot" and o.spawn_on_trigger and not o.is_open and o.symbol == inst.symbol
        ]
        return self._plan_page(orders, call)

    def _plan_page(self, orders: list[Order], call: _Call) -> dict[str, Any]:
        limit = min(call.integer("limit") or 100, 100)
        page = orders[:limit]
        return {
            "nextFlag": len(orders) > limit,
            "idLessThan": str(page[-1].id) if page else "",
            "orderList": [self._spot_plan(call.acct, o) for o in page],
        }

    def _spot_plan_sub(self, call: _Call) -> list[dict[str, Any]]:
        plan = self._find(
            call.acct, "spot", plan=True, order_id=call.require("planOrderId"), client_oid=None
        )
        if plan is None:
            raise _BitgetError("43025", "Plan order does not exist")
        return self._sub_orders(call.acct, plan)

    def _sub_orders(self, acct: Account, plan: Order) -> list[dict[str, Any]]:
        child = acct.orders.get(plan.child_id) if plan.child_id is not None else None
        if child is None:
            return []
        failed = child.status is OrderStatus.EXPIRED and not child.filled
        return [
            {
                "orderId": str(child.id),
                "price": _plain(child.price) if child.price is not None else "0",
                "type": "limit" if child.type is OrderType.LIMIT else "market",
                "status": "fail" if failed else "success",
            }
        ]

    def _spot_fills(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._spot_one(call)
        limit = min(call.integer("limit") or 100, 100)
        order_id = call.get("orderId")
        trades = [
            t
            for t in reversed(self.engine.trades(call.acct, inst.symbol))
            if order_id is None or str(t.order_id) == order_id
        ]
        return [self._spot_fill(call.acct, inst, t) for t in trades[:limit]]

    # ---- spot views --------------------------------------------------------------------------

    def _fee_detail(self, acct: Account, order: Order) -> str:
        trades = self._trades_of(acct, order)
        if not trades:
            return ""
        fee = sum((t.fee for t in trades), ZERO)
        coin = trades[0].fee_asset
        total = f"-{_fmt(fee, 12)}"
        # a JSON object inside a string, with numbers, exactly as Bitget nests it
        return (
            f'{{"newFees":{{"c":0,"d":0,"deduction":false,"r":{total},"t":{total},'
            f'"totalDeductionFee":0}},"{coin}":{{"deduction":false,"feeCoinCode":"{coin}",'
            f'"totalDeductionFee":0,"totalFee":{total}}}}}'
        )

    @staticmethod
    def _spot_size(order: Order) -> Decimal:
        """A market buy's ``size`` is what it may spend (quote); every other order's, base."""
        if order.quote_amount is not None:
            return order.quote_amount
        return order.amount or ZERO

    def _spot_order(self, acct: Account, order: Order) -> dict[str, Any]:
        limit = order.type is OrderType.LIMIT
        avg = order.average_price
        return {
            "userId": str(7_000_000_000 + acct.id),
            "symbol": self._market_id(order),
            "orderId": str(order.id),
            "clientOid": self._venue_oid(order),
            "price": _fmt(order.price if limit else ZERO, 16),
            "size": _fmt(self._spot_size(order), 16),
            "orderType": "limit" if limit else "market",
            "side": order.side.value.lower(),
            "status": _SPOT_STATUS[order.status],
            "priceAvg": _fmt(avg, 16),
            "baseVolume": _fmt(order.filled, 16),
            "quoteVolume": _fmt(order.cost, 16),
            "enterPointSource": "API",
            "feeDetail": self._fee_detail(acct, order),
            "orderSource": "normal" if limit else "market",
            "cTime": str(order.created_ms),
            "uTime": str(order.updated_ms),
        }

    def _spot_unfilled_row(self, acct: Account, order: Order) -> dict[str, Any]:
        limit = order.type is OrderType.LIMIT
        return {
            "userId": str(7_000_000_000 + acct.id),
            "symbol": self._market_id(order),
            "orderId": str(order.id),
            "clientOid": self._venue_oid(order),
            # Bitget puts the limit price in priceAvg here, and the average fill in basePrice
            "priceAvg": _plain(order.price) if limit else "0",
            "size": _plain(self._spot_size(order)),
            "orderType": "limit" if limit else "market",
            "side": order.side.value.lower(),
            "status": _SPOT_STATUS[order.status],
            "basePrice": _plain(order.average_price),
            "baseVolume": _plain(order.filled),
            "quoteVolume": _plain(order.cost),
            "enterPointSource": "API",
            "orderSource": "normal" if limit else "market",
            "cTime": str(order.created_ms),
            "uTime": str(order.updated_ms),
        }

    def _plan_status(self, order: Order, *, spot: bool) -> str:
        if order.status is OrderStatus.NEW:
            return "live"
        if order.status is OrderStatus.TRIGGERED:
            return "executed"
        if order.status is OrderStatus.EXPIRED:
            return "fail_execute" if spot else "fail_trigger"
        return "cancelled"

    def _spot_plan(self, acct: Account, order: Order) -> dict[str, Any]:
        limit = order.type.has_limit_price
        size = order.extra.get("bitget_size")
        return {
            "orderId": str(order.id),
            "clientOid": order.client_order_id,
            "symbol": self._market_id(order),
            "size": _plain(size if isinstance(size, Decimal) else order.amount),
            "executePrice": _plain(order.price) if limit else "",
            "triggerPrice": _plain(order.stop_price),
            "status": self._plan_status(order, spot=True),
            "orderType": "limit" if limit else "market",
            "side": order.side.value.lower(),
            "planType": str(order.extra.get("bitget_plan_type", "AMOUNT")),
            "triggerType": str(order.extra.get("bitget_trigger_type", "fill_price")),
            "enterPointSource": "API",
            "uTime": str(order.updated_ms),
            "cTime": str(order.created_ms),
        }

    def _spot_fill(self, acct: Account, inst: Instrument, t: Trade) -> dict[str, Any]:
        order = acct.orders[t.order_id]
        return {
            "userId": str(7_000_000_000 + acct.id),
            "symbol": f"{inst.base}{inst.quote}",
            "orderId": str(t.order_id),
            "tradeId": str(t.id),
            "orderType": "limit" if order.type.has_limit_price else "market",
            "side": t.side.value.lower(),
            "priceAvg": _plain(t.price),
            "size": _plain(t.amount),
            "amount": _plain(t.quote_amount),
            "feeDetail": {
                "deduction": "no",
                "feeCoin": t.fee_asset,
                "totalDeductionFee": "",
                "totalFee": f"-{_plain(t.fee)}",
            },
            "tradeScope": "maker" if t.is_maker else "taker",
            "cTime": str(t.time_ms),
            "uTime": str(t.time_ms),
        }

    @staticmethod
    def _market_id(order: Order) -> str:
        base, _, rest = order.symbol.partition("/")
        return base + rest.partition(":")[0]

    # ---- futures orders ----------------------------------------------------------------------

    def _mix_common(self, call: _Call) -> tuple[Instrument, Side, bool, bool]:
        inst = self._perp_one(call)
        self._check_margin(call, inst)
        if call.require("marginMode").lower() != "crossed":
            raise _invalid()  # the simulator keeps cross margin only
        if call.get("tradeSide") is not None:
            raise _BitgetError(
                "40774",
                "The order type for unilateral position must also be the unilateral position type.",
            )
        reduce_raw = (call.get("reduceOnly") or "NO").upper()
        if reduce_raw not in ("YES", "NO"):
            raise _invalid()
        return inst, self._side(call), self._order_type(call), reduce_raw == "YES"

    def _mix_place(self, call: _Call) -> dict[str, Any]:
        inst, side, limit, reduce_only = self._mix_common(call)
        tif, post_only = self._force(call)
        size = call.decimal("size", required=True)
        assert size is not None
        price = call.decimal("price", required=limit)
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=OrderType.LIMIT if limit else OrderType.MARKET,
            amount=size / inst.contract_size,
            price=price if limit else None,
            time_in_force=tif,
            post_only=post_only,
            reduce_only=reduce_only,
            client_order_id=self._client_oid(call),
        )
        order = self.engine.place_order(call.acct, req)
        order.extra["bitget_force"] = "post_only" if post_only else tif.value.lower()
        return {"orderId": str(order.id), "clientOid": order.client_order_id}

    def _mix_plan_place(self, call: _Call) -> dict[str, Any]:
        inst, side, limit, reduce_only = self._mix_common(call)
        if call.require("planType") != "normal_plan":
            raise _invalid()  # trailing (track_plan) orders are not simulated
        tif, post_only = self._force(call)
        trigger = call.decimal("triggerPrice", required=True)
        assert trigger is not None
        trigger_type = call.require("triggerType").lower()
        if trigger_type not in ("fill_price", "mark_price"):
            raise _invalid()
        price = call.decimal("price") or call.decimal("executePrice")
        if limit and price is None:
            raise _missing("price")
        size = call.decimal("size", required=True)
        assert size is not None
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=self._trigger_type(inst, side, trigger, limit),
            amount=size / inst.contract_size,
            price=price if limit else None,
            stop_price=trigger,
            time_in_force=tif,
            post_only=post_only,
            reduce_only=reduce_only,
            client_order_id=self._client_oid(call),
            spawn_on_trigger=True,
        )
        order = self.engine.place_order(call.acct, req)
        order.extra["bitget_trigger_type"] = trigger_type
        return {"orderId": str(order.id), "clientOid": order.client_order_id}

    def _mix_cancel(self, call: _Call) -> dict[str, Any]:
        inst = self._perp_one(call)
        order = self._find(
            call.acct,
            "swap",
            plan=False,
            order_id=call.get("orderId"),
            client_oid=call.get("clientOid"),
            inst=inst,
        )
        if order is None or not order.is_open:
            raise _BitgetError("40768", "Order does not exist")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"orderId": str(order.id), "clientOid": self._venue_oid(order)}

    def _mix_plan_cancel(self, call: _Call) -> dict[str, Any]:
        inst = self._perp_inst(call, required=False)
        wanted = call.params.get("orderIdList")
        success: list[dict[str, Any]] = []
        failure: list[dict[str, Any]] = []
        if wanted is None:
            # no list: every open plan order of the product type (and symbol)
            targets = [
                o
                for o in call.acct.orders.values()
                if o.kind == "swap"
                and o.spawn_on_trigger
                and o.is_open
                and (inst is None or o.symbol == inst.symbol)
            ]
            for order in targets:
                self.engine.cancel_order(call.acct, order_id=order.id)
                success.append({"orderId": str(order.id), "clientOid": order.client_order_id})
            return {"successList": success, "failureList": failure}
        if not isinstance(wanted, list) or inst is None:
            raise _invalid()
        for item in wanted:
            if not isinstance(item, dict):
                raise _invalid()
            order_id = str(item.get("orderId") or "") or None
            client_oid = str(item.get("clientOid") or "") or None
            found = self._find(
                call.acct, "swap", plan=True, order_id=order_id, client_oid=client_oid, inst=inst
            )
            if found is None or not found.is_open:
                failure.append(
                    {
                        "orderId": order_id or "",
                        "clientOid": client_oid or "",
                        "errorMsg": "Order does not exist",
                        "errorCode": "40768",
                    }
                )
                continue
            self.engine.cancel_order(call.acct, order_id=found.id)
            success.append({"orderId": str(found.id), "clientOid": found.client_order_id})
        return {"successList": success, "failureList": failure}

    def _mix_detail(self, call: _Call) -> dict[str, Any]:
        inst = self._perp_one(call)
        order = self._find(
            call.acct,
            "swap",
            plan=False,
            order_id=call.get("orderId"),
            client_oid=call.get("clientOid"),
            inst=inst,
        )
        if order is None:
            raise _BitgetError(
                "40109", "The data of the order cannot be found, please confirm the order number"
            )
        return self._mix_order(call.acct, order, state_key="state")

    def _mix_list(self, call: _Call, *, plan: bool, open_: bool) -> dict[str, Any]:
        inst = self._perp_inst(call, required=False)
        if plan and call.require("planType") != "normal_plan":
            return {"entrustedList": [], "endId": ""}
        order_id, client_oid = call.get("orderId"), call.get("clientOid")
        perps = {i.symbol for i in self._perps_of(call)}
        limit = min(call.integer("limit") or 100, 100)
        orders = [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == "swap"
            and o.symbol in perps
            and o.spawn_on_trigger == plan
            and o.is_open == open_
            and (inst is None or o.symbol == inst.symbol)
            and (order_id is None or str(o.id) == order_id)
            and (client_oid is None or self._venue_oid(o) == client_oid)
            and (open_ or self._in_window(call, o))
        ][:limit]
        rows = [
            self._mix_plan(o) if plan else self._mix_order(call.acct, o, state_key="status")
            for o in orders
        ]
        return {"entrustedList": rows, "endId": str(orders[-1].id) if orders else ""}

    def _mix_pending(self, call: _Call) -> dict[str, Any]:
        return self._mix_list(call, plan=False, open_=True)

    def _mix_history(self, call: _Call) -> dict[str, Any]:
        return self._mix_list(call, plan=False, open_=False)

    def _mix_plan_pending(self, call: _Call) -> dict[str, Any]:
        return self._mix_list(call, plan=True, open_=True)

    def _mix_plan_history(self, call: _Call) -> dict[str, Any]:
        return self._mix_list(call, plan=True, open_=False)

    def _mix_plan_sub(self, call: _Call) -> list[dict[str, Any]]:
        self._product_type(call)
        call.require("planType")
        plan = self._find(
            call.acct, "swap", plan=True, order_id=call.require("planOrderId"), client_oid=None
        )
        if plan is None:
            raise _BitgetError(
                "40109", "The data of the order cannot be found, please confirm the order number"
            )
        return self._sub_orders(call.acct, plan)

    def _mix_fills(self, call: _Call) -> dict[str, Any]:
        inst = self._perp_inst(call, required=False)
        perps = {i.symbol for i in self._perps_of(call)}
        limit = min(call.integer("limit") or 100, 100)
        order_id = call.get("orderId")
        trades = [
            t
            for t in reversed(self.engine.trades(call.acct))
            if t.symbol in perps
            and (inst is None or t.symbol == inst.symbol)
            and (order_id is None or str(t.order_id) == order_id)
        ][:limit]
        return {
            "fillList": [self._mix_fill(t) for t in trades],
            "endId": str(trades[-1].id) if trades else "",
        }

    # ---- futures views -----------------------------------------------------------------------

    def _mix_order(self, acct: Account, order: Order, *, state_key: str) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        size = inst.contract_size
        limit = order.type is OrderType.LIMIT
        trades = self._trades_of(acct, order)
        fee = sum((t.fee for t in trades), ZERO)
        profit = sum((t.realized_pnl for t in trades), ZERO)
        avg = order.average_price
        force = order.extra.get("bitget_force", "gtc")
        return {
            "symbol": self._market_id(order),
            "size": _plain((order.amount or ZERO) * size),
            "orderId": str(order.id),
            "clientOid": self._venue_oid(order),
            "baseVolume": _plain(order.filled * size),
            "fee": f"-{_plain(fee)}" if fee else "0",
            "price": _plain(order.price) if limit else "",
            "priceAvg": _plain(avg) if avg is not None else "",
            state_key: _MIX_STATUS[order.status],
            "side": order.side.value.lower(),
            "force": str(force),
            "totalProfits": _plain(profit),
            "posSide": "net",
            "marginCoin": inst.settle,
            "presetStopSurplusPrice": "",
            "presetStopLossPrice": "",
            "quoteVolume": _plain(order.cost),
            "orderType": "limit" if limit else "market",
            "leverage": str(order.extra.get("leverage", 20)),
            "marginMode": "crossed",
            "reduceOnly": "YES" if order.reduce_only else "NO",
            "enterPointSource": "API",
            "tradeSide": f"{order.side.value.lower()}_single",
            "posMode": "one_way_mode",
            "orderSource": "normal" if limit else "market",
            "cTime": str(order.created_ms),
            "uTime": str(order.updated_ms),
        }

    def _mix_plan(self, order: Order) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        limit = order.type.has_limit_price
        return {
            "planType": "normal_plan",
            "symbol": self._market_id(order),
            "size": _plain((order.amount or ZERO) * inst.contract_size),
            "orderId": str(order.id),
            "clientOid": order.client_order_id,
            "price": _plain(order.price) if limit else "",
            "executePrice": _plain(order.price) if limit else "",
            "callbackRatio": "",
            "triggerPrice": _plain(order.stop_price),
            "triggerType": str(order.extra.get("bitget_trigger_type", "mark_price")),
            "planStatus": self._plan_status(order, spot=False),
            "side": order.side.value.lower(),
            "posSide": "net",
            "marginCoin": inst.settle,
            "marginMode": "crossed",
            "enterPointSource": "API",
            "tradeSide": f"{order.side.value.lower()}_single",
            "posMode": "one_way_mode",
            "orderType": "limit" if limit else "market",
            "reduceOnly": "YES" if order.reduce_only else "NO",
            "stopSurplusTriggerPrice": "",
            "stopSurplusExecutePrice": "",
            "stopSurplusTriggerType": "fill_price",
            "stopLossTriggerPrice": "",
            "stopLossExecutePrice": "",
            "stopLossTriggerType": "fill_price",
            "cTime": str(order.created_ms),
            "uTime": str(order.updated_ms),
        }

    def _mix_fill(self, t: Trade) -> dict[str, Any]:
        inst = self.engine.instrument(t.symbol)
        return {
            "tradeId": str(t.id),
            "symbol": f"{inst.base}{inst.quote}",
            "orderId": str(t.order_id),
            "price": _plain(t.price),
            "baseVolume": _plain(t.amount * inst.contract_size),
            "feeDetail": [
                {
                    "deduction": "no",
                    "feeCoin": t.fee_asset,
                    "totalDeductionFee": None,
                    "totalFee": f"-{_plain(t.fee)}",
                }
            ],
            "side": t.side.value.lower(),
            "quoteVolume": _plain(t.quote_amount),
            "profit": _plain(t.realized_pnl),
            "enterPointSource": "api",
            "tradeSide": f"{t.side.value.lower()}_single",
            "posMode": "one_way_mode",
            "tradeScope": "maker" if t.is_maker else "taker",
            "cTime": str(t.time_ms),
        }

    # ---- positions and leverage --------------------------------------------------------------

    def _positions(self, call: _Call) -> list[dict[str, Any]]:
        perps = {i.symbol for i in self._perps_of(call)}
        margin_coin = call.get("marginCoin")
        if margin_coin is not None and margin_coin.upper() != "USDT":
            return []
        return [
            self._position(call.acct, view)
            for view in self.engine.positions(call.acct)
            if view.symbol in perps and view.amount != 0
        ]

    def _single_position(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._perp_one(call)
        self._check_margin(call, inst)
        view = self.engine.position(call.acct, inst.symbol)
        return [self._position(call.acct, view)] if view.amount != 0 else []

    def _position(self, acct: Account, view: PositionView) -> dict[str, Any]:
        inst = self.engine.instrument(view.symbol)
        size = inst.contract_size
        p = _decimals(inst.price_tick)
        total = abs(view.amount) * size
        pending = sum(
            (
                o.remaining * size
                for o in acct.orders.values()
                if o.symbol == view.symbol and o.is_open and not o.spawn_on_trigger
            ),
            ZERO,
        )
        equity = self.engine.margin_summary(acct, view.margin_asset).margin_balance
        ratio = view.maintenance_margin / equity if equity > 0 else ZERO
        taker = acct.fees.swap_taker
        break_even = view.entry_price * (1 + taker if view.amount > 0 else 1 - taker)
        return {
            "marginCoin": view.margin_asset,
            "symbol": f"{inst.base}{inst.quote}",
            "holdSide": "long" if view.amount > 0 else "short",
            "openDelegateSize": _plain(pending),
            "marginSize": _fmt(view.initial_margin, 8),
            "available": _plain(total),
            "locked": "0",
            "total": _plain(total),
            "leverage": str(view.leverage),
            "achievedProfits": _plain(view.realized_pnl),
            "openPriceAvg": _plain(view.entry_price),
            "marginMode": "crossed",
            "posMode": "one_way_mode",
            "unrealizedPL": _fmt(view.unrealized_pnl, 8),
            "liquidationPrice": _fmt(view.liquidation_price, p),
            "keepMarginRate": _plain(inst.maintenance_margin_rate),
            "markPrice": _fmt(view.mark_price, p),
            "breakEvenPrice": _fmt(break_even, p),
            "totalFee": "0",
            "deductedFee": "0",
            "marginRatio": _fmt(ratio, 12),
            "cTime": str(view.updated_ms),
            "uTime": str(view.updated_ms),
        }

    def _set_leverage(self, call: _Call) -> dict[str, Any]:
        inst = self._perp_one(call)
        self._check_margin(call, inst)
        leverage = call.integer("leverage")
        if leverage is None:
            raise _missing("leverage")
        value = str(self.engine.set_leverage(call.acct, inst.symbol, leverage))
        return {
            "symbol": f"{inst.base}{inst.quote}".lower(),
            "marginCoin": inst.settle,
            "longLeverage": value,
            "shortLeverage": value,
            "crossMarginLeverage": value,
            "marginMode": "crossed",
        }


# ---- helpers ---------------------------------------------------------------------------------


def _parameters(request: VenueRequest) -> dict[str, Any]:
    """Query parameters (GET) or the JSON body (POST)."""
    if request.method != "POST":
        return dict(request.query)
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        raise _BitgetError("40017", "Parameter verification failed") from None
    if not isinstance(body, dict):
        raise _BitgetError("40017", "Parameter verification failed")
    return body


def _filter_error(exc: FilterFailure) -> _BitgetError:
    flt, inst = exc.filter, exc.instrument
    if flt is Filter.PRICE_TICK:
        return _BitgetError("41103", "param price scale error error")
    if flt in (Filter.MIN_PRICE, Filter.MAX_PRICE):
        return _BitgetError("40706", "Wrong order price")
    if flt is Filter.LOT_STEP:
        scale = _decimals(inst.amount_step * inst.contract_size)
        return _BitgetError(
            "40808",
            f"Parameter verification exception size checkBDScale error value={exc.detail} "
            f"checkScale={scale}",
        )
    if flt is Filter.MIN_AMOUNT:
        return _BitgetError("45111", "less than the minimum order quantity")
    if flt is Filter.MAX_AMOUNT:
        return _BitgetError("45112", "more than the maximum order quantity")
    return _BitgetError("45110", f"less than the minimum amount {_plain(inst.min_notional)} USDT")


def _translate(exc: EngineError) -> _BitgetError:
    if isinstance(exc, UnknownSymbol):
        return _BitgetError("40309", "The symbol has been removed")
    if isinstance(exc, InsufficientMargin):
        return _BitgetError("40762", "The order amount exceeds the balance")
    if isinstance(exc, InsufficientBalance):
        return _BitgetError("43012", "Insufficient balance")
    if isinstance(exc, DuplicateClientOrderId):
        return _BitgetError("40786", "Duplicate clientOid")
    if isinstance(exc, WouldTriggerImmediately):
        return _BitgetError(
            "43011", "The parameter does not meet the specification triggerPrice == current price"
        )
    if isinstance(exc, ReduceOnlyRejected):
        return _BitgetError("22002", "No position to close")
    if isinstance(exc, InvalidLeverage):
        return _BitgetError("40797", "Exceeded the maximum settable leverage")
    if isinstance(exc, FilterFailure):
        return _filter_error(exc)
    if isinstance(exc, UnknownOrder):
        return _BitgetError("43001", "The order does not exist")
    if isinstance(exc, InvalidOrderRequest):
        return _BitgetError("40017", "Parameter verification failed")
    return _BitgetError("40015", "System is abnormal, please try again later")


def _route(
    method: str,
    path: str,
    handler: _Route,
    operation: str,
    *,
    private: bool = False,
    per_second: int | None = None,
) -> None:
    """Register an endpoint; ``per_second`` is its documented limit (per IP when public, per UID
    when private; 20 and 10 unless given)."""
    limit = _per_second(per_second or (10 if private else 20), per_key=private)
    BitgetVenue._routes[(method, path)] = _Endpoint(handler, operation, private, limit)


def _install_routes() -> None:
    v, op = BitgetVenue, Operation
    spot, mix = "/api/v2/spot", "/api/v2/mix"
    # public
    _route("GET", "/api/v2/public/time", v._time, op.TIME)
    _route("GET", f"{spot}/public/coins", v._coins, op.CURRENCIES, per_second=3)
    _route("GET", f"{spot}/public/symbols", v._spot_symbols, op.MARKETS)
    _route("GET", "/api/v2/margin/currencies", v._margin_currencies, op.MARKETS, per_second=10)
    _route("GET", f"{mix}/market/contracts", v._contracts, op.MARKETS)
    _route("GET", f"{spot}/market/tickers", v._spot_tickers, op.TICKER)
    _route("GET", f"{mix}/market/ticker", v._mix_ticker, op.TICKER)
    _route("GET", f"{mix}/market/tickers", v._mix_tickers, op.TICKER)
    _route("GET", f"{spot}/market/orderbook", v._spot_book, op.ORDER_BOOK)
    _route("GET", f"{mix}/market/merge-depth", v._merge_depth, op.ORDER_BOOK)
    # private: account
    _route("GET", "/api/v3/account/settings", v._uta_settings, op.OTHER, private=True)
    _route("GET", f"{spot}/account/assets", v._spot_assets, op.BALANCE, private=True)
    _route("GET", f"{mix}/account/accounts", v._mix_accounts, op.BALANCE, private=True)
    _route("GET", f"{mix}/account/account", v._mix_account, op.LEVERAGE_INFO, private=True)
    # private: spot orders
    _route("POST", f"{spot}/trade/place-order", v._spot_place, op.CREATE_ORDER, private=True)
    _route(
        "POST", f"{spot}/trade/place-plan-order", v._spot_plan_place, op.CREATE_ORDER,
        private=True, per_second=20,
    )
    _route("POST", f"{spot}/trade/cancel-order", v._spot_cancel, op.CANCEL_ORDER, private=True)
    _route(
        "POST",
        f"{spot}/trade/cancel-plan-order",
        v._spot_plan_cancel,
        op.CANCEL_ORDER,
        private=True,
        per_second=20,
    )
    def spot_20(method: str, path: str, handler: _Route, operation: str) -> None:
        _route(method, path, handler, operation, private=True, per_second=20)

    spot_20("GET", f"{spot}/trade/orderInfo", v._spot_order_info, op.FETCH_ORDER)
    spot_20("GET", f"{spot}/trade/unfilled-orders", v._spot_unfilled, op.OPEN_ORDERS)
    spot_20("GET", f"{spot}/trade/history-orders", v._spot_history, op.ORDER_HISTORY)
    spot_20("GET", f"{spot}/trade/current-plan-order", v._spot_plan_current, op.OPEN_ORDERS)
    spot_20("GET", f"{spot}/trade/history-plan-order", v._spot_plan_history, op.FETCH_ORDER)
    spot_20("GET", f"{spot}/trade/plan-sub-order", v._spot_plan_sub, op.FETCH_ORDER)
    _route("GET", f"{spot}/trade/fills", v._spot_fills, op.MY_TRADES, private=True)
    # private: futures orders
    _route("POST", f"{mix}/order/place-order", v._mix_place, op.CREATE_ORDER, private=True)
    _route(
        "POST", f"{mix}/order/place-plan-order", v._mix_plan_place, op.CREATE_ORDER, private=True
    )
    _route("POST", f"{mix}/order/cancel-order", v._mix_cancel, op.CANCEL_ORDER, private=True)
    _route(
        "POST",
        f"{mix}/order/cancel-plan-order",
        v._mix_plan_cancel,
        op.CANCEL_ORDER,
        private=True,
    )
    _route("GET", f"{mix}/order/detail", v._mix_detail, op.FETCH_ORDER, private=True)
    _route("GET", f"{mix}/order/orders-pending", v._mix_pending, op.OPEN_ORDERS, private=True)
    _route(
        "GET", f"{mix}/order/orders-history", v._mix_history, op.ORDER_HISTORY, private=True
    )
    _route(
        "GET",
        f"{mix}/order/orders-plan-pending",
        v._mix_plan_pending,
        op.OPEN_ORDERS,
        private=True,
    )
    _route(
        "GET",
        f"{mix}/order/orders-plan-history",
        v._mix_plan_history,
        op.FETCH_ORDER,
        private=True,
    )
    _route("GET", f"{mix}/order/plan-sub-order", v._mix_plan_sub, op.FETCH_ORDER, private=True)
    _route("GET", f"{mix}/order/fills", v._mix_fills, op.MY_TRADES, private=True)
    # private: positions and leverage
    _route(
        "GET", f"{mix}/position/all-position", v._positions, op.POSITIONS, private=True,
        per_second=5,
    )
    _route("GET", f"{mix}/position/single-position", v._single_position, op.POSITIONS, private=True)
    _route(
        "POST", f"{mix}/account/set-leverage", v._set_leverage, op.LEVERAGE, private=True,
        per_second=5,
    )


_install_routes()

VENUE = BitgetVenue
