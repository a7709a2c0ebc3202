"""Gate (API v4) spot and USDT-settled perpetual futures wire format.

Served hosts and environments (everything lives under ``/api/v4``):

=========================  ===========  ==========================================
host                       environment  ccxt mode
=========================  ===========  ==========================================
api.gateio.ws              live         default
api-testnet.gateapi.io     testnet      ``set_sandbox_mode(True)`` (spot and futures)
=========================  ===========  ==========================================

An API key belongs to one environment: a live key on the testnet host gets ``INVALID_KEY``.

Private requests are verified as Gate does: headers ``KEY``, ``Timestamp`` (unix seconds, at most
60 s from the server clock) and ``SIGN`` = hex HMAC-SHA512 of
``METHOD\\n/api/v4/<path>\\n<query string, not URL-encoded>\\n<hex SHA512(body)>\\n<Timestamp>``.

Market model. Spot pairs are the engine's spot instruments (``BTC_USDT``; ``precision`` and
``amount_precision`` are the decimals of the tick and the step). USDT-settled contracts are the
engine's linear perpetuals. Gate sizes contracts in whole numbers: one contract
(``quanto_multiplier``) is one engine amount step, so ``size`` on the wire is an integer and the
engine amount is ``size x step``; ``order_size_min`` is the engine's minimum amount in contracts.
Gate contracts have no minimum order value: futures orders skip the engine's notional minimum.

Market buys on spot are sized in quote currency (``amount`` is the cost), exactly as on Gate; so
are market-type spot price orders that buy. Spot orders without a ``text`` report ``"apiv4"``,
futures orders ``"api"``. A ``t-...`` text finds a spot order only while it is open and a futures
order while it is open or for 60 seconds after it finished (Gate's documented rules). Price
(trigger) orders have their own ids and endpoints (``spot/price_orders``,
``futures/usdt/price_orders``); when one fires, a new order (``fired_order_id`` / ``trade_id``)
carrying the same text does the work. A spot price order echoes its text in ``trigger.text``, which
is where ccxt 4.5.90 sends and reads it. The shared engine reserves the funds of a spot price order
when it is placed, except those of a market buy sized in quote (Gate reserves nothing and checks
when the order fires); a price order that cannot be paid when it fires reports ``failed``.

Error bodies are ``{"label": ..., "message": ...}``; the ccxt 4.5.90 exception each produces
(verified by ``tests/simulator/test_gate_*.py``):

* MISSING_REQUIRED_HEADER (401), INVALID_KEY (401), INVALID_SIGNATURE (401) -> AuthenticationError
* REQUEST_EXPIRED (401), Timestamp more than 60 s off -> AuthenticationError [1]
* INVALID_CURRENCY_PAIR, CONTRACT_NOT_FOUND -> BadSymbol
* ORDER_NOT_FOUND (404) -> OrderNotFound
* ORDER_CLOSED, ORDER_CANCELLED (spot cancel of a finished order) -> InvalidOrder [1]
* ORDER_FINISHED (futures cancel of a finished order) -> ExchangeError [1]
* BALANCE_NOT_ENOUGH (spot), INSUFFICIENT_AVAILABLE (futures margin) -> InsufficientFunds
* INVALID_PRECISION (price or amount off the tick/step) -> InvalidOrder
* SIZE_TOO_SMALL, SIZE_TOO_LARGE (contracts outside order_size_min..max) -> InvalidOrder
* PRICE_TOO_DEVIATED (futures price beyond order_price_deviate of the mark) -> InvalidOrder
* POC_FILL_IMMEDIATELY (spot), ORDER_POC_IMMEDIATE (futures) -> OrderImmediatelyFillable
* AUTO_TRIGGER_PRICE_GREATE_LAST / AUTO_TRIGGER_PRICE_LESS_LAST (trigger already crossed)
  -> InvalidOrder
* INCREASE_POSITION (reduce-only order that would not reduce) -> InvalidOrder
* POSITION_EMPTY (a close order without a position) -> InvalidOrder
* LEVERAGE_TOO_HIGH / LEVERAGE_TOO_LOW -> InvalidOrder
* INVALID_PARAM_VALUE ("Your order size ... is too small", a bad value) -> BadRequest
* MISSING_REQUIRED_PARAM -> ArgumentsRequired
* INVALID_REQUEST_BODY (body is not JSON) -> BadRequest
* NOT_FOUND (404, unknown endpoint) -> ExchangeError
* SERVER_ERROR (500, an engine refusal Gate has no label for) -> ExchangeNotAvailable

[1] exchlayer's Gate adapter refines these: REQUEST_EXPIRED is ``ClockSkew``; the "already
    finished" labels are ``OrderNotFound`` (there is no open order to cancel).

Clock: ``Timestamp`` may be at most 60 s (Gate: "the gap ... cannot exceed 60 seconds") from
the server clock either way; a new spot or futures order also honours ``X-Gate-Exptime`` (ms):
received after it, it is refused.

Recent orders: ``GET spot/orders?status=finished`` (``from``/``to`` in seconds, ``page``,
``limit``) and ``GET futures/usdt/orders_timerange`` (``contract``, ``from``, ``to``, ``limit``,
``offset``; what ccxt 4.5.90's ``fetch_closed_orders`` calls for swaps with ``since``) list
finished orders, newest first; ``futures/usdt/orders?status=finished`` lists them without a time
range. These are ``Operation.ORDER_HISTORY``; ``status=open`` lists are ``OPEN_ORDERS``.

Client order ids (``text``): Gate documents the format (``t-`` then at most 28 characters) but
no uniqueness rule, so the default is ``ClientIdRule.NONE`` (an assumption: nothing in Gate's
documentation says a second order with the same text is refused). Under another rule a refused
text answers INVALID_PARAM_VALUE "invalid argument: text ... is in use" (the simulator's choice:
Gate documents no label for it).

Ambiguous errors (``Fault.ERROR_AFTER``): the "Server errors" of Gate's APIv4 label list,
INTERNAL and SERVER_ERROR "Internal server error" and TOO_BUSY "Server is too busy at the
moment" (HTTP 500, 500 and 503: the statuses are assumed); ccxt 4.5.90 maps all three to
ExchangeNotAvailable.

JSON types follow Gate: spot ids are strings, futures and price-order ids numbers; prices and spot
amounts are strings; contract sizes are integers; futures times are float seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote

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
    InsufficientMargin,
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

__all__ = ["VENUE", "GateVenue"]

_PREFIX = "/api/v4"
# Published REST limits (gate.com/docs/developers/apiv4 "Frequency limit rule", in force since
# 2024-01-22): every public endpoint 200 requests per 10 s per IP; every private one 200 per 10 s
# per UID; spot order placement 10 per second per UID and market, futures order placement 100
# per second; order cancellation 200 per second. Each answer carries X-Gate-RateLimit-* for
# the endpoint's limit; over it, HTTP 429 TOO_MANY_REQUESTS.
_PUBLIC = Limit("public", Quota(200, 10))
_PRIVATE = Limit("private", Quota(200, 10), per_key=True)
_SPOT_PLACE = Limit("spot-place", Quota.rate_per_second(10), per_key=True)
_FUTURES_PLACE = Limit("futures-place", Quota.rate_per_second(100), per_key=True)
_CANCEL = Limit("cancel", Quota.rate_per_second(200), per_key=True)
_CANCEL_PATHS = ("/spot/orders/{order_id}", "/futures/{settle}/orders/{order_id}")
_MAX_CLOCK_GAP_S = 60
_TEXT_LOOKUP_AFTER_FINISH_MS = 60_000  # futures: a text still finds an order this long
_TEXT = re.compile(r"^t-[0-9A-Za-z_.\-]{1,28}$")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_SPOT_SOURCE = "apiv4"
_FUTURES_SOURCE = "api"
_PRICE_DEVIATE = Decimal("0.5")
_TIFS = {"gtc": TimeInForce.GTC, "ioc": TimeInForce.IOC, "fok": TimeInForce.FOK,
         "poc": TimeInForce.GTC}
_FUTURES_FINISH = {
    ExpireReason.IOC_REMAINDER: "ioc",
    ExpireReason.NO_LIQUIDITY: "ioc",
    ExpireReason.FOK_UNFILLABLE: "cancelled",
    ExpireReason.POST_ONLY_WOULD_TAKE: "cancelled",
    ExpireReason.REDUCE_ONLY: "reduce_only",
    ExpireReason.INSUFFICIENT_FUNDS_ON_TRIGGER: "cancelled",
}
_SPOT_FINISH = {
    ExpireReason.IOC_REMAINDER: "ioc",
    ExpireReason.NO_LIQUIDITY: "depth_not_enough",
    ExpireReason.FOK_UNFILLABLE: "fok",
    ExpireReason.POST_ONLY_WOULD_TAKE: "poc",
    ExpireReason.REDUCE_ONLY: "cancelled",
    ExpireReason.INSUFFICIENT_FUNDS_ON_TRIGGER: "cancelled",
}


class _GateError(Exception):
    def __init__(self, label: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.label, self.message, self.status = label, message, status


def _not_found() -> _GateError:
    return _GateError("ORDER_NOT_FOUND", "Order not found", 404)


def _invalid(name: str) -> _GateError:
    return _GateError("INVALID_PARAM_VALUE", f"invalid argument: {name}")


def _s(value: Decimal) -> str:
    """A Decimal as Gate prints it: plain digits, no exponent, no trailing zeros."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def _decimals(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _seconds(ms: int) -> float:
    """Gate's futures times: float seconds (the wire edge, not money)."""
    return ms / 1000


def _dec(raw: Any, name: str, *, required: bool = True) -> Decimal | None:
    if raw is None or raw == "":
        if required:
            raise _GateError("MISSING_REQUIRED_PARAM", f"Missing required parameter: {name}")
        return None
    text = str(raw) if isinstance(raw, (int, str)) and not isinstance(raw, bool) else None
    if text is None or not _NUMBER.match(text):
        raise _invalid(name)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex guards this
        raise _invalid(name) from None


def _text(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not _TEXT.match(raw):
        raise _invalid("text")
    return raw


def _is_multiple(value: Decimal, step: Decimal) -> bool:
    return value % step == ZERO


@dataclass
class _Call:
    request: VenueRequest
    query: dict[str, str]
    body: Any
    args: dict[str, str]
    account: Account | None = None

    @property
    def acct(self) -> Account:
        assert self.account is not None
        return self.account

    def get(self, name: str) -> str | None:
        value = self.query.get(name)
        return value if value not in (None, "") else None

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise _GateError("MISSING_REQUIRED_PARAM", f"Missing required parameter: {name}")
        return value

    def integer(self, name: str, default: int) -> int:
        raw = self.get(name)
        if raw is None:
            return default
        if not raw.isdigit():
            raise _invalid(name)
        return int(raw)

    def json(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise _GateError("INVALID_REQUEST_BODY", "Invalid request body")
        return self.body


_Handler = Callable[["GateVenue", _Call], Any]


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: _Handler
    operation: str
    private: bool
    limit: Limit
    expiring: bool = False
    """Honours ``X-Gate-Exptime`` (new spot and futures orders, not price orders)."""

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.pattern.pattern}"


@dataclass
class _Contract:
    """How Gate presents one engine perpetual."""

    inst: Instrument
    name: str
    multiplier: Decimal  # base currency per contract
    size_min: int
    size_max: int


@dataclass
class _State:
    """Venue-side facts the engine does not model (per account and symbol)."""

    cross: dict[tuple[int, str], bool] = field(default_factory=dict)


class GateVenue(VenueModule):
    """Gate spot + USDT-settled perpetual futures on the shared engine."""

    name: ClassVar[str] = "gate"
    hosts: ClassVar[dict[str, str]] = {
        "api.gateio.ws": "live",
        "api-testnet.gateapi.io": "testnet",
    }
    fees: ClassVar[FeeSchedule] = FeeSchedule(
        spot_maker=Decimal("0.002"),
        spot_taker=Decimal("0.002"),
        swap_maker=Decimal("0.0002"),
        swap_taker=Decimal("0.0005"),
    )

    # no envelope: a success answer is the payload itself (errors are told by HTTP status)
    envelope_keys: ClassVar[frozenset[str]] = frozenset()
    payload_key: ClassVar[str | None] = None
    ambiguous_errors: ClassVar[tuple[AmbiguousError, ...]] = (
        AmbiguousError("SERVER_ERROR", "Internal server error", 500),
        AmbiguousError("INTERNAL", "Internal server error", 500),
        AmbiguousError("TOO_BUSY", "Server is too busy at the moment", 503),
    )
    client_id_defaults: ClassVar[Mapping[str, ClientIdRule]] = {
        "spot": ClientIdRule.NONE,
        "swap": ClientIdRule.NONE,
    }

    _routes: ClassVar[list[_Route]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pairs: dict[str, Instrument] = {}
        self._contracts: dict[str, dict[str, _Contract]] = {"usdt": {}, "btc": {}}
        self._by_symbol: dict[str, _Contract] = {}
        for inst in self.engine.instruments.values():
            market_id = f"{inst.base}_{inst.quote}"
            if inst.kind == "spot":
                self._pairs[market_id] = inst
            elif inst.settle == inst.quote and inst.settle is not None:
                size_min = (inst.min_amount / inst.amount_step).to_integral_value(ROUND_CEILING)
                contract = _Contract(
                    inst=inst,
                    name=market_id,
                    multiplier=inst.amount_step * inst.contract_size,
                    size_min=max(1, int(size_min)),
                    size_max=int(inst.max_amount / inst.amount_step),
                )
                self._contracts.setdefault(inst.settle.lower(), {})[market_id] = contract
                self._by_symbol[inst.symbol] = contract
        self._state = _State()

    def error_body(self, code: int | str, message: str) -> Any:
        return {"label": code, "message": message}

    def market_id_families(self) -> list[list[str]]:
        return [list(self._pairs), [c.name for c in self._by_symbol.values()]]

    # ---- dispatch ------------------------------------------------------------------------

    @staticmethod
    def _operation(route: _Route, request: VenueRequest) -> str:
        """Order lists serve open and finished orders: ``status=finished`` is history."""
        if route.operation == Operation.OPEN_ORDERS and request.query.get("status") == "finished":
            return Operation.ORDER_HISTORY
        return route.operation

    async def handle(self, request: VenueRequest) -> VenueResponse:
        route, args = self._match(request)
        if route is None:
            return VenueResponse.json(
                {"label": "NOT_FOUND",
                 "message": f"simulator: no such endpoint {request.method} {request.path}"},
                404,
                operation=Operation.UNKNOWN,
            )
        call = _Call(request, dict(request.query), None, args)
        if request.body:
            try:
                call.body = json.loads(request.body)
            except ValueError:
                return VenueResponse.json(
                    {"label": "INVALID_REQUEST_BODY", "message": "Invalid request body"},
                    400,
                    operation=route.operation,
                    private=route.private,
                )
        usage, refusal = self._charge(request, route, call)
        if refusal is not None:
            return self._refused(refusal, route)
        operation = self._operation(route, request)
        try:
            if route.private:
                call.account = self.query_account(self._authenticate(request), operation)
            if route.expiring:
                self._check_expiry(request)
            data = route.handler(self, call)
            status = 200
        except _GateError as exc:
            data, status = {"label": exc.label, "message": exc.message}, exc.status
        except EngineError as exc:
            err = self._translate(exc, call)
            data, status = {"label": err.label, "message": err.message}, err.status
        return VenueResponse.json(
            data, status, operation=operation, private=route.private,
            headers=_usage_headers(usage, request.received_ms, None),
        )

    def _check_expiry(self, request: VenueRequest) -> None:
        raw = request.headers.get("X-Gate-Exptime")
        if raw is None:
            return
        if not raw.isdigit():
            raise _GateError("INVALID_PARAM_VALUE", "Invalid x-gate-exptime")
        if self.engine.now_ms() > int(raw):
            # Gate does not document this answer's label; the simulator reuses its
            # "request too old" one
            raise _GateError("REQUEST_EXPIRED", "Request received after x-gate-exptime", 401)

    # ---- rate limits ---------------------------------------------------------------------

    def _charge(
        self, request: VenueRequest, route: _Route, call: _Call
    ) -> tuple[Usage | None, Refusal | None]:
        part = route.endpoint
        if route.limit is _SPOT_PLACE:
            body = call.body if isinstance(call.body, dict) else {}
            part = str(body.get("currency_pair", ""))
        api_key = request.headers.get("KEY") if route.limit.per_key else None
        usages, refusal = self.rate_limits.charge(
            request.environment, api_key, request.received_ms, [Charge(route.limit, 1, part)]
        )
        return (usages[0] if usages else None), refusal

    def _refused(self, refusal: Refusal, route: _Route) -> VenueResponse:
        usage = Usage(refusal.limit, refusal.budget, refusal.used,
                      refusal.retry_after_ms + self.engine.now_ms())
        return VenueResponse.json(
            {"label": "TOO_MANY_REQUESTS", "message": "Request Rate limit Exceeded"},
            429,
            operation=route.operation,
            private=route.private,
            headers=_usage_headers(usage, self.engine.now_ms(), refusal),
        )

    def classify(self, request: VenueRequest) -> str:
        route, _ = self._match(request)
        return Operation.UNKNOWN if route is None else self._operation(route, request)

    def _match(self, request: VenueRequest) -> tuple[_Route | None, dict[str, str]]:
        path = unquote(request.path)
        if not path.startswith(_PREFIX + "/"):
            return None, {}
        rest = path[len(_PREFIX):]
        for route in self._routes:
            if route.method != request.method:
                continue
            match = route.pattern.fullmatch(rest)
            if match is not None:
                return route, match.groupdict()
        return None, {}

    # ---- authentication --------------------------------------------------------------------

    def _authenticate(self, request: VenueRequest) -> Account:
        headers = request.headers
        values = {name: headers.get(name) for name in ("KEY", "Timestamp", "SIGN")}
        for name, value in values.items():
            if not value:
                raise _GateError(
                    "MISSING_REQUIRED_HEADER", f"Missing required header: {name}", 401
                )
        key, timestamp, sign = values["KEY"], values["Timestamp"], values["SIGN"]
        assert key is not None and timestamp is not None and sign is not None
        account = self.accounts.find(self.name, request.environment, key)
        if account is None:
            raise _GateError("INVALID_KEY", "Invalid key provided", 401)
        try:
            sent = Decimal(timestamp)
        except InvalidOperation:
            raise _GateError("REQUEST_EXPIRED", "Request timestamp is invalid", 401) from None
        now = Decimal(self.engine.now_ms()) / 1000
        if abs(now - sent) > _MAX_CLOCK_GAP_S:
            raise _GateError(
                "REQUEST_EXPIRED",
                f"gap between request Timestamp and server time exceeds {_MAX_CLOCK_GAP_S}",
                401,
            )
        query = "&".join(
            f"{k}={v}" for k, v in parse_qsl(request.raw_query, keep_blank_values=True)
        )
        payload = "\n".join(
            [
                request.method.upper(),
                unquote(request.path),
                query,
                hashlib.sha512(request.body.encode()).hexdigest(),
                timestamp,
            ]
        )
        expected = hmac.new(account.secret.encode(), payload.encode(), hashlib.sha512).hexdigest()
        if not hmac.compare_digest(expected, sign.lower()):
            raise _GateError("INVALID_SIGNATURE", "Signature mismatch", 401)
        return account

    # ---- error translation ---------------------------------------------------------------

    def _translate(self, exc: EngineError, call: _Call) -> _GateError:
        futures = call.args.get("settle") is not None
        if isinstance(exc, UnknownSymbol):
            if futures:
                return _GateError("CONTRACT_NOT_FOUND", "Contract not found")
            return _GateError("INVALID_CURRENCY_PAIR", "Invalid currency pair")
        if isinstance(exc, UnknownOrder):
            return _not_found()
        if isinstance(exc, DuplicateClientOrderId):
            return _invalid("text is in use by another order")
        if isinstance(exc, InsufficientMargin) or (
            futures and isinstance(exc, InsufficientBalance)
        ):
            return _GateError("INSUFFICIENT_AVAILABLE", "Insufficient available balance")
        if isinstance(exc, InsufficientBalance):
            return _GateError("BALANCE_NOT_ENOUGH", "Not enough balance")
        if isinstance(exc, ReduceOnlyRejected):
            return _GateError("INCREASE_POSITION", "reduce-only order would increase position")
        if isinstance(exc, InvalidLeverage):
            if exc.leverage > exc.maximum:
                return _GateError("LEVERAGE_TOO_HIGH", f"leverage too high: {exc.leverage}")
            return _GateError("LEVERAGE_TOO_LOW", f"leverage too low: {exc.leverage}")
        if isinstance(exc, WouldTriggerImmediately):
            return _GateError("AUTO_TRIGGER_PRICE_GREATE_LAST",
                              "invalid argument: Trigger.Price must > last_price")
        if isinstance(exc, FilterFailure):
            return _filter_error(exc, futures)
        if isinstance(exc, InvalidOrderRequest):
            return _GateError("INVALID_PARAM_VALUE", str(exc))
        return _GateError("SERVER_ERROR", f"Internal server error: {exc}", 500)

    # ---- lookups ---------------------------------------------------------------------------

    def _pair(self, market_id: str | None) -> Instrument:
        if market_id is None:
            raise _GateError("MISSING_REQUIRED_PARAM", "Missing required parameter: currency_pair")
        inst = self._pairs.get(market_id)
        if inst is None:
            raise _GateError("INVALID_CURRENCY_PAIR", f"Invalid currency pair {market_id}")
        return inst

    def _settle(self, call: _Call) -> dict[str, _Contract]:
        settle = call.args.get("settle", "")
        contracts = self._contracts.get(settle)
        if contracts is None:
            raise _invalid("settle")
        return contracts

    def _contract(self, call: _Call, name: str | None) -> _Contract:
        if name is None:
            raise _GateError("MISSING_REQUIRED_PARAM", "Missing required parameter: contract")
        contract = self._settle(call).get(name)
        if contract is None:
            raise _GateError("CONTRACT_NOT_FOUND", f"Contract not found: {name}")
        return contract

    @staticmethod
    def _market_id(inst: Instrument) -> str:
        return f"{inst.base}_{inst.quote}"

    def _user(self, account: Account) -> int:
        return 10_000_000 + account.id

    # ---- public: general and spot ------------------------------------------------------------

    def _time(self, call: _Call) -> dict[str, Any]:
        return {"server_time": self.engine.now_ms()}

    def _currencies(self, call: _Call) -> list[dict[str, Any]]:
        codes: dict[str, None] = {}
        for inst in self.engine.instruments.values():
            codes.setdefault(inst.base)
            codes.setdefault(inst.quote)
        return [
            {
                "currency": code,
                "name": code,
                "delisted": False,
                "withdraw_disabled": False,
                "withdraw_delayed": False,
                "deposit_disabled": False,
                "trade_disabled": False,
                "fixed_rate": "",
                "chain": "ETH",
                "chains": [
                    {
                        "name": "ETH",
                        "addr": "",
                        "withdraw_disabled": False,
                        "withdraw_delayed": False,
                        "deposit_disabled": False,
                    }
                ],
            }
            for code in codes
        ]

    def _currency_pairs(self, call: _Call) -> list[dict[str, Any]]:
        out = []
        for market_id, inst in self._pairs.items():
            out.append(
                {
                    "id": market_id,
                    "base": inst.base,
                    "base_name": inst.base,
                    "quote": inst.quote,
                    "quote_name": inst.quote,
                    "fee": _s(self.fees.spot_taker * 100),
                    "min_base_amount": _s(inst.min_amount),
                    "min_quote_amount": _s(inst.min_notional),
                    "max_base_amount": _s(inst.max_amount),
                    "max_quote_amount": "5000000",
                    "amount_precision": _decimals(inst.amount_step),
                    "precision": _decimals(inst.price_tick),
                    "trade_status": "tradable",
                    "sell_start": 1516378650,
                    "buy_start": 1516378650,
                    "delisting_time": 0,
                    "type": "normal",
                    "trade_url": f"https://www.gate.com/trade/{market_id}",
                    "st_tag": False,
                }
            )
        return out

    def _margin_pairs(self, call: _Call) -> list[dict[str, Any]]:
        return [
            {
                "id": market_id,
                "base": inst.base,
                "quote": inst.quote,
                "leverage": 10,
                "min_base_amount": _s(inst.min_amount),
                "min_quote_amount": _s(inst.min_notional),
                "max_quote_amount": "5000000",
                "status": 1,
            }
            for market_id, inst in self._pairs.items()
        ]

    def _spot_tickers(self, call: _Call) -> list[dict[str, Any]]:
        market_id = call.get("currency_pair")
        selected = [self._pair(market_id)] if market_id else list(self._pairs.values())
        out = []
        for inst in selected:
            st = self.engine.stats(inst.symbol)
            pct = (st.change / st.open * 100) if st.open else ZERO
            row: dict[str, Any] = {
                "currency_pair": self._market_id(inst),
                "last": _s(st.last),
                "lowest_ask": _s(st.ask),
                "highest_bid": _s(st.bid),
                "change_percentage": _s(pct.quantize(Decimal("0.01"))),
                "change_utc0": _s(pct.quantize(Decimal("0.01"))),
                "change_utc8": _s(pct.quantize(Decimal("0.01"))),
                "base_volume": _s(st.volume),
                "quote_volume": _s(st.quote_volume),
                "high_24h": _s(st.high),
                "low_24h": _s(st.low),
            }
            if market_id:
                row["lowest_size"] = _s(st.ask_qty)
                row["highest_size"] = _s(st.bid_qty)
            out.append(row)
        return out

    def _book_limit(self, call: _Call, maximum: int) -> int:
        limit = call.integer("limit", 10)
        if not 1 <= limit <= maximum:
            raise _invalid("limit")
        return limit

    def _spot_book(self, call: _Call) -> dict[str, Any]:
        inst = self._pair(call.require("currency_pair"))
        snap = self.engine.book(inst.symbol, self._book_limit(call, 1000))
        out: dict[str, Any] = {}
        if (call.get("with_id") or "").lower() == "true":
            out["id"] = snap.update_id
        out.update(
            current=self.engine.now_ms(),
            update=snap.time_ms,
            asks=[[_s(p), _s(q)] for p, q in snap.asks],
            bids=[[_s(p), _s(q)] for p, q in snap.bids],
        )
        return out

    # ---- public: futures ---------------------------------------------------------------------

    def _contract_info(self, contract: _Contract) -> dict[str, Any]:
        inst = contract.inst
        price = self.engine.price(inst.symbol)
        now_s = self.engine.now_ms() // 1000
        st = self.engine.stats(inst.symbol)
        return {
            "name": contract.name,
            "type": "direct",
            "quanto_multiplier": _s(contract.multiplier),
            "ref_discount_rate": "0",
            "order_price_deviate": _s(_PRICE_DEVIATE),
            "maintenance_rate": _s(inst.maintenance_margin_rate),
            "mark_type": "index",
            "last_price": _s(price),
            "mark_price": _s(price),
            "index_price": _s(price),
            "funding_rate_indicative": "0.0001",
            "mark_price_round": _s(inst.price_tick),
            "funding_offset": 0,
            "in_delisting": False,
            "risk_limit_base": "1000000",
            "interest_rate": "0.0003",
            "order_price_round": _s(inst.price_tick),
            "order_size_min": contract.size_min,
            "ref_rebate_rate": "0.2",
            "funding_interval": 28800,
            "risk_limit_step": "1000000",
            "leverage_min": "1",
            "leverage_max": str(inst.max_leverage),
            "risk_limit_max": "8000000",
            "maker_fee_rate": _s(self.fees.swap_maker),
            "taker_fee_rate": _s(self.fees.swap_taker),
            "funding_rate": "0.0001",
            "order_size_max": contract.size_max,
            "funding_next_apply": (now_s // 28800 + 1) * 28800,
            "short_users": 0,
            "config_change_time": 1700000000,
            "trade_size": int(st.volume / inst.amount_step),
            "position_size": 0,
            "long_users": 0,
            "funding_impact_value": "60000",
            "orders_limit": 200,
            "trade_id": st.first_trade_id + st.trade_count,
            "orderbook_id": self.engine.book(inst.symbol, 1).update_id,
            "enable_bonus": True,
            "enable_credit": True,
            "create_time": 1569398400,
            "funding_cap_ratio": "0.75",
            "status": "trading",
            "launch_time": 1569398400,
            "enable_decimal": False,
        }

    def _futures_contracts(self, call: _Call) -> list[dict[str, Any]]:
        return [self._contract_info(c) for c in self._settle(call).values()]

    def _futures_contract(self, call: _Call) -> dict[str, Any]:
        return self._contract_info(self._contract(call, call.args.get("contract")))

    def _futures_tickers(self, call: _Call) -> list[dict[str, Any]]:
        name = call.get("contract")
        selected = [self._contract(call, name)] if name else list(self._settle(call).values())
        out = []
        for contract in selected:
            inst = contract.inst
            st = self.engine.stats(inst.symbol)
            step = inst.amount_step
            pct = (st.change / st.open * 100) if st.open else ZERO
            base_volume = st.volume * inst.contract_size
            out.append(
                {
                    "contract": contract.name,
                    "last": _s(st.last),
                    "change_percentage": _s(pct.quantize(Decimal("0.01"))),
                    "total_size": "0",
                    "low_24h": _s(st.low),
                    "high_24h": _s(st.high),
                    "volume_24h": _s((st.volume / step).to_integral_value(ROUND_DOWN)),
                    "volume_24h_btc": _s(base_volume),
                    "volume_24h_usd": _s(st.quote_volume),
                    "volume_24h_base": _s(base_volume),
                    "volume_24h_quote": _s(st.quote_volume),
                    "volume_24h_settle": _s(st.quote_volume),
                    "mark_price": _s(st.last),
                    "funding_rate": "0.0001",
                    "funding_rate_indicative": "0.0001",
                    "index_price": _s(st.last),
                    "quanto_base_rate": "",
                    "lowest_ask": _s(st.ask),
                    "lowest_size": _s(st.ask_qty / step),
                    "highest_bid": _s(st.bid),
                    "highest_size": _s(st.bid_qty / step),
                }
            )
        return out

    def _futures_book(self, call: _Call) -> dict[str, Any]:
        contract = self._contract(call, call.require("contract"))
        inst = contract.inst
        snap = self.engine.book(inst.symbol, self._book_limit(call, 300))
        step = inst.amount_step
        out: dict[str, Any] = {}
        if (call.get("with_id") or "").lower() == "true":
            out["id"] = snap.update_id
        out.update(
            current=_seconds(self.engine.now_ms()),
            update=_seconds(snap.time_ms),
            asks=[{"p": _s(p), "s": int(q / step)} for p, q in snap.asks],
            bids=[{"p": _s(p), "s": int(q / step)} for p, q in snap.bids],
        )
        return out

    def _empty(self, call: _Call) -> list[Any]:
        """Markets exchlayer does not model (delivery futures, options): none listed."""
        return []

    # ---- account ---------------------------------------------------------------------------

    def _account_detail(self, call: _Call) -> dict[str, Any]:
        return {
            "user_id": self._user(call.acct),
            "ip_whitelist": [],
            "currency_pairs": [],
            "key": {"mode": 1},  # classic account
            "tier": 0,
            "tier_expire_time": "0001-01-01T00:00:00Z",
            "copy_trading_role": 0,
        }

    def _spot_accounts(self, call: _Call) -> list[dict[str, Any]]:
        wanted = call.get("currency")
        return [
            {
                "currency": asset,
                "available": _s(bal.free),
                "locked": _s(bal.locked),
                "update_id": 1,
            }
            for asset, bal in call.acct.balances.items()
            if wanted is None or asset == wanted
        ]

    def _futures_accounts(self, call: _Call) -> dict[str, Any]:
        settle = call.args["settle"].upper()
        self._settle(call)
        acct = call.acct
        s = self.engine.margin_summary(acct, settle)
        return {
            "user": self._user(acct),
            "currency": settle,
            "total": _s(s.wallet_balance),
            "unrealised_pnl": _s(s.unrealized_pnl),
            "position_margin": _s(s.position_initial_margin),
            "order_margin": _s(s.open_order_initial_margin),
            "available": _s(s.available_balance),
            "point": "0",
            "bonus": "0",
            "in_dual_mode": False,
            "enable_evolved_classic": True,
            "cross_initial_margin": _s(s.initial_margin),
            "cross_maintenance_margin": _s(s.maintenance_margin),
            "cross_order_margin": _s(s.open_order_initial_margin),
            "cross_unrealised_pnl": _s(s.unrealized_pnl),
            "cross_available": _s(s.available_balance),
            "cross_margin_balance": _s(s.margin_balance),
            "isolated_position_margin": "0",
            "maintenance_margin": _s(s.maintenance_margin),
            "margin_mode": 0,
            "history": {
                "dnw": _s(s.wallet_balance),
                "pnl": "0",
                "fee": "0",
                "refr": "0",
                "fund": "0",
                "point_dnw": "0",
                "point_fee": "0",
                "point_refr": "0",
                "bonus_dnw": "0",
                "bonus_offset": "0",
            },
        }

    # ---- spot orders ----------------------------------------------------------------------

    def _spot_create(self, call: _Call) -> dict[str, Any]:
        body = call.json()
        inst = self._pair(body.get("currency_pair"))
        if (body.get("account") or "spot") != "spot":
            raise _invalid("account")
        side = _side(body.get("side"))
        kind = body.get("type") or "limit"
        if kind not in ("limit", "market"):
            raise _invalid("type")
        amount = _dec(body.get("amount"), "amount")
        assert amount is not None
        tif_raw = str(body.get("time_in_force") or ("ioc" if kind == "market" else "gtc"))
        if tif_raw not in _TIFS or (kind == "market" and tif_raw not in ("ioc", "fok")):
            raise _invalid("time_in_force")
        text = _text(body.get("text"))
        price: Decimal | None = None
        quote_amount: Decimal | None = None
        if kind == "limit":
            price = _dec(body.get("price"), "price")
        elif side is Side.BUY:
            quote_amount, amount = amount, None
            if not _is_multiple(quote_amount, inst.price_tick):
                raise _GateError("INVALID_PRECISION", "Invalid precision")
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=OrderType.LIMIT if kind == "limit" else OrderType.MARKET,
            amount=amount,
            price=price,
            quote_amount=quote_amount,
            time_in_force=_TIFS[tif_raw],
            post_only=tif_raw == "poc",
            client_order_id=text,
        )
        order = self.engine.place_order(call.acct, req)
        order.extra.update(_gate_text=text or _SPOT_SOURCE, _gate_tif=tif_raw, _gate_type=kind)
        if order.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE:
            raise _GateError(
                "POC_FILL_IMMEDIATELY", "Order would match and take immediately so its cancelled"
            )
        return self._spot_order(inst, order, call.acct)

    def _spot_order(self, inst: Instrument, order: Order, acct: Account) -> dict[str, Any]:
        quote_sized = order.quote_amount is not None
        if quote_sized:
            assert order.quote_amount is not None
            amount = order.quote_amount
            left = order.quote_amount - order.cost if order.amount is not None else amount
        else:
            amount = order.amount or ZERO
            left = order.remaining
        if order.is_open:
            status, finish_as = "open", "open"
        elif order.status is OrderStatus.FILLED:
            status, finish_as = "closed", "filled"
        elif order.status is OrderStatus.EXPIRED and order.expire_reason is not None:
            status, finish_as = "cancelled", _SPOT_FINISH.get(order.expire_reason, "cancelled")
        else:
            status, finish_as = "cancelled", "cancelled"
        trades = self.engine.order_trades(acct, order)
        fee = sum((t.fee for t in trades), ZERO)
        fee_currency = inst.base if order.side is Side.BUY else inst.quote
        if trades:
            fee_currency = trades[0].fee_asset
        kind = str(order.extra.get("_gate_type") or
                   ("limit" if order.type.has_limit_price else "market"))
        tif = str(order.extra.get("_gate_tif") or ("gtc" if kind == "limit" else "ioc"))
        avg = order.average_price
        return {
            "id": str(order.id),
            "text": str(order.extra.get("_gate_text") or _SPOT_SOURCE),
            "amend_text": "-",
            "create_time": str(order.created_ms // 1000),
            "update_time": str(order.updated_ms // 1000),
            "create_time_ms": order.created_ms,
            "update_time_ms": order.updated_ms,
            "status": status,
            "currency_pair": self._market_id(inst),
            "type": kind,
            "account": "spot",
            "side": order.side.value.lower(),
            "amount": _s(amount),
            "price": _s(order.price) if kind == "limit" and order.price is not None else "0",
            "time_in_force": tif,
            "iceberg": "0",
            "left": _s(left),
            "filled_amount": _s(order.filled),
            "fill_price": _s(order.cost),
            "filled_total": _s(order.cost),
            "avg_deal_price": _s(avg) if avg is not None else "0",
            "fee": _s(fee),
            "fee_currency": fee_currency,
            "point_fee": "0",
            "gt_fee": "0",
            "gt_maker_fee": "0",
            "gt_taker_fee": "0",
            "gt_discount": False,
            "rebated_fee": "0",
            "rebated_fee_currency": inst.quote if order.side is Side.BUY else inst.base,
            "stp_id": 0,
            "stp_act": "-",
            "finish_as": finish_as,
        }

    def _spot_find(self, acct: Account, inst: Instrument, order_id: str) -> Order:
        """A plain spot order by id, or by its text while it is open (Gate's rule)."""
        found: Order | None = None
        if order_id.isdigit():
            found = acct.orders.get(int(order_id))
        elif order_id.startswith("t-"):
            for order in reversed(acct.orders.values()):
                if order.is_open and order.kind == "spot" and order.extra.get(
                    "_gate_text"
                ) == order_id and not order.spawn_on_trigger:
                    found = order
                    break
        if (
            found is None
            or found.kind != "spot"
            or found.spawn_on_trigger
            or found.symbol != inst.symbol
        ):
            raise _not_found()
        return found

    def _spot_get(self, call: _Call) -> dict[str, Any]:
        inst = self._pair(call.require("currency_pair"))
        order = self._spot_find(call.acct, inst, call.args["order_id"])
        return self._spot_order(inst, order, call.acct)

    def _spot_cancel(self, call: _Call) -> dict[str, Any]:
        inst = self._pair(call.require("currency_pair"))
        order = self._spot_find(call.acct, inst, call.args["order_id"])
        if not order.is_open:
            if order.status is OrderStatus.FILLED:
                raise _GateError("ORDER_CLOSED", "Order has been filled")
            raise _GateError("ORDER_CANCELLED", "Order has been cancelled")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return self._spot_order(inst, order, call.acct)

    def _spot_orders(self, acct: Account, inst: Instrument | None) -> Iterable[Order]:
        return (
            o
            for o in acct.orders.values()
            if o.kind == "spot"
            and not o.spawn_on_trigger
            and (inst is None or o.symbol == inst.symbol)
        )

    def _spot_open_orders(self, call: _Call) -> list[dict[str, Any]]:
        market_id = call.get("currency_pair")
        inst = self._pair(market_id) if market_id else None
        groups: dict[str, list[dict[str, Any]]] = {}
        for order in self._spot_orders(call.acct, inst):
            if order.is_open:
                oinst = self.engine.instrument(order.symbol)
                groups.setdefault(self._market_id(oinst), []).append(
                    self._spot_order(oinst, order, call.acct)
                )
        return [
            {"currency_pair": pair, "total": len(orders), "orders": orders}
            for pair, orders in groups.items()
        ]

    def _spot_list(self, call: _Call) -> list[dict[str, Any]]:
        inst = self._pair(call.require("currency_pair"))
        status = call.require("status")
        if status not in ("open", "finished"):
            raise _invalid("status")
        limit = min(call.integer("limit", 100), 1000)
        page = max(call.integer("page", 1), 1)
        start, end = call.integer("from", 0), call.integer("to", 0)
        wanted_open = status == "open"
        selected = [
            o
            for o in self._spot_orders(call.acct, inst)
            if o.is_open == wanted_open
            and (wanted_open or not start or o.created_ms >= start * 1000)
            and (wanted_open or not end or o.created_ms <= end * 1000)
        ]
        selected.reverse()  # newest first
        chunk = selected[(page - 1) * limit : page * limit]
        return [self._spot_order(inst, o, call.acct) for o in chunk]

    def _spot_trades(self, call: _Call) -> list[dict[str, Any]]:
        market_id = call.get("currency_pair")
        inst = self._pair(market_id) if market_id else None
        order_id = call.get("order_id")
        start, end = call.integer("from", 0), call.integer("to", 0)
        limit = min(max(call.integer("limit", 100), 1), 1000)
        page = max(call.integer("page", 1), 1)
        selected = [
            t
            for t in call.acct.trades
            if self.engine.instrument(t.symbol).kind == "spot"
            and (inst is None or t.symbol == inst.symbol)
            and (order_id is None or str(t.order_id) == order_id)
            and (not start or t.time_ms >= start * 1000)
            and (not end or t.time_ms <= end * 1000)
        ]
        selected.reverse()  # newest first
        chunk = selected[(page - 1) * limit : page * limit]
        return [self._spot_trade(call.acct, t) for t in chunk]

    def _spot_trade(self, acct: Account, t: Trade) -> dict[str, Any]:
        order = acct.orders.get(t.order_id)
        text = str(order.extra.get("_gate_text") or _SPOT_SOURCE) if order else _SPOT_SOURCE
        return {
            "id": str(t.id),
            "create_time": str(t.time_ms // 1000),
            "create_time_ms": f"{t.time_ms}.000000",
            "currency_pair": self._market_id(self.engine.instrument(t.symbol)),
            "side": t.side.value.lower(),
            "role": "maker" if t.is_maker else "taker",
            "amount": _s(t.amount),
            "price": _s(t.price),
            "order_id": str(t.order_id),
            "fee": _s(t.fee),
            "fee_currency": t.fee_asset,
            "point_fee": "0",
            "gt_fee": "0",
            "amend_text": "-",
            "sequence_id": str(t.id),
            "text": text,
        }

    # ---- spot price (trigger) orders ---------------------------------------------------------

    def _spot_price_create(self, call: _Call) -> dict[str, Any]:
        body = call.json()
        inst = self._pair(body.get("market"))
        trigger, put = body.get("trigger"), body.get("put")
        if not isinstance(trigger, dict) or not isinstance(put, dict):
            raise _invalid("trigger" if not isinstance(trigger, dict) else "put")
        stop = _dec(trigger.get("price"), "trigger.price")
        assert stop is not None
        rule = trigger.get("rule")
        if rule not in (">=", "<="):
            raise _invalid("Trigger.rule")
        expiration = trigger.get("expiration")
        if not isinstance(expiration, int) or isinstance(expiration, bool) or expiration <= 0:
            raise _invalid("trigger.expiration invalid range")
        if (put.get("account") or "normal") != "normal":
            raise _invalid("put.account")
        side = _side(put.get("side"))
        kind = put.get("type") or "limit"
        if kind not in ("limit", "market"):
            raise _invalid("put.type")
        price = _dec(put.get("price"), "put.price")
        amount = _dec(put.get("amount"), "put.amount")
        assert price is not None and amount is not None
        tif_raw = str(put.get("time_in_force") or "gtc")
        if tif_raw not in ("gtc", "ioc"):
            raise _invalid("put.time_in_force")
        text = _text(trigger.get("text"))
        quote_amount: Decimal | None = None
        if kind == "market" and side is Side.BUY:
            quote_amount, amount = amount, None
            if not _is_multiple(quote_amount, inst.price_tick):
                raise _GateError("INVALID_PRECISION", "Invalid precision")
        rising = rule == ">="
        self._check_trigger(inst, stop, rising)
        take_profit = (side is Side.BUY) != rising
        if kind == "market":
            otype = OrderType.TAKE_PROFIT if take_profit else OrderType.STOP
        else:
            otype = OrderType.TAKE_PROFIT_LIMIT if take_profit else OrderType.STOP_LIMIT
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=otype,
            amount=amount,
            price=price if kind == "limit" else None,
            stop_price=stop,
            quote_amount=quote_amount,
            time_in_force=_TIFS[tif_raw],
            spawn_on_trigger=True,
        )
        order = self.engine.place_order(call.acct, req)
        order.extra.update(
            _gate_text=text or _SPOT_SOURCE,
            _gate_tif=tif_raw,
            _gate_type=kind,
            gate_put_price=price,
            gate_expiration=expiration,
            gate_text_sent=text is not None,
        )
        return {"id": order.id}

    def _check_trigger(self, inst: Instrument, stop: Decimal, rising: bool) -> None:
        last = self.engine.price(inst.symbol)
        if rising and stop <= last:
            raise _GateError(
                "AUTO_TRIGGER_PRICE_GREATE_LAST",
                "invalid argument: Trigger.Price must > last_price",
            )
        if not rising and stop >= last:
            raise _GateError(
                "AUTO_TRIGGER_PRICE_LESS_LAST",
                "invalid argument: Trigger.Price must < last_price",
            )

    def _fired(self, acct: Account, order: Order) -> Order | None:
        """The order a fired price order placed, unless placing it failed."""
        child = acct.orders.get(order.child_id) if order.child_id is not None else None
        if child is None or (
            child.expire_reason is ExpireReason.INSUFFICIENT_FUNDS_ON_TRIGGER
            and child.filled == 0
        ):
            return None
        return child

    def _spot_price_order(self, order: Order, acct: Account) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        rising = (order.side is Side.BUY) != order.type.is_take_profit
        trigger: dict[str, Any] = {
            "price": _s(order.stop_price or ZERO),
            "rule": ">=" if rising else "<=",
            "expiration": order.extra.get("gate_expiration", 86400),
        }
        if order.extra.get("gate_text_sent"):
            trigger["text"] = order.extra.get("_gate_text")
        amount = order.quote_amount if order.quote_amount is not None else order.amount
        put_price = order.extra.get("gate_put_price")
        child = self._fired(acct, order)
        out: dict[str, Any] = {
            "trigger": trigger,
            "put": {
                "type": str(order.extra.get("_gate_type") or "limit"),
                "side": order.side.value.lower(),
                "price": _s(put_price) if isinstance(put_price, Decimal) else "0",
                "amount": _s(amount or ZERO),
                "account": "normal",
                "time_in_force": str(order.extra.get("_gate_tif") or "gtc"),
                "auto_borrow": False,
                "auto_repay": False,
                "text": _FUTURES_SOURCE,
            },
            "id": order.id,
            "user": self._user(acct),
            "market": self._market_id(inst),
            "ctime": order.created_ms // 1000,
        }
        if order.status is OrderStatus.TRIGGERED:
            out["ftime"] = order.trigger_ms // 1000
            if child is not None:
                out["fired_order_id"] = child.id
                out["status"], out["reason"] = "finish", ""
            else:
                out["status"], out["reason"] = "failed", "Not enough balance"
        elif order.status is OrderStatus.CANCELED:
            out["ftime"] = order.updated_ms // 1000
            out["status"], out["reason"] = "cancelled", ""
        else:
            out["status"], out["reason"] = "open", ""
        return out

    def _price_find(self, acct: Account, order_id: str, kind: str) -> Order:
        order = acct.orders.get(int(order_id)) if order_id.isdigit() else None
        if order is None or order.kind != kind or not order.spawn_on_trigger:
            raise _not_found()
        return order

    def _spot_price_get(self, call: _Call) -> dict[str, Any]:
        order = self._price_find(call.acct, call.args["order_id"], "spot")
        return self._spot_price_order(order, call.acct)

    def _spot_price_cancel(self, call: _Call) -> dict[str, Any]:
        order = self._price_find(call.acct, call.args["order_id"], "spot")
        if not order.is_open:
            raise _not_found()
        self.engine.cancel_order(call.acct, order_id=order.id)
        return self._spot_price_order(order, call.acct)

    def _spot_price_list(self, call: _Call) -> list[dict[str, Any]]:
        status = call.require("status")
        if status not in ("open", "finished"):
            raise _invalid("status")
        market_id = call.get("market")
        inst = self._pair(market_id) if market_id else None
        limit = min(call.integer("limit", 100), 1000)
        offset = call.integer("offset", 0)
        selected = [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == "spot"
            and o.spawn_on_trigger
            and (inst is None or o.symbol == inst.symbol)
            and o.is_open == (status == "open")
        ]
        return [self._spot_price_order(o, call.acct) for o in selected[offset : offset + limit]]

    # ---- futures orders ----------------------------------------------------------------------

    def _size(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise _invalid("size")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and re.fullmatch(r"-?[0-9]+", raw):
            return int(raw)
        raise _invalid("size")

    def _futures_request(
        self, call: _Call, contract: _Contract, spec: dict[str, Any]
    ) -> tuple[OrderRequest, str, str, bool]:
        """The engine request for a futures order body (``initial`` of a price order)."""
        inst = contract.inst
        acct = call.acct
        size = self._size(spec.get("size", 0))
        close = spec.get("close") is True
        reduce_only = spec.get("reduce_only") is True
        if close:
            if size != 0:
                raise _invalid("size")
            position = self.engine.position(acct, inst.symbol)
            if position.amount == 0:
                raise _GateError("POSITION_EMPTY", "Position is empty")
            size = -int(position.amount / inst.amount_step)
            reduce_only = True
        if size == 0:
            raise _invalid("size")
        if abs(size) < contract.size_min and not reduce_only:
            raise _GateError("SIZE_TOO_SMALL", f"size {abs(size)} is less than {contract.size_min}")
        if abs(size) > contract.size_max:
            raise _GateError("SIZE_TOO_LARGE", f"size {abs(size)} exceeds {contract.size_max}")
        price = _dec(spec.get("price"), "price")
        assert price is not None
        tif_raw = str(spec.get("tif") or "gtc")
        if tif_raw not in _TIFS:
            raise _invalid("tif")
        market = price == 0
        if market and tif_raw not in ("ioc", "fok"):
            raise _invalid("price")
        if not market:
            if not _is_multiple(price, inst.price_tick):
                raise _invalid("price")
            mark = self.engine.price(inst.symbol)
            if abs(price - mark) > mark * _PRICE_DEVIATE:
                raise _GateError(
                    "PRICE_TOO_DEVIATED",
                    f"order price {_s(price)} while mark price {_s(mark)} "
                    f"and deviation-rate {_s(_PRICE_DEVIATE)}",
                )
        text = _text(spec.get("text"))
        side = Side.BUY if size > 0 else Side.SELL
        otype = OrderType.MARKET if market else OrderType.LIMIT
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=otype,
            amount=abs(size) * inst.amount_step,
            price=None if market else price,
            time_in_force=_TIFS[tif_raw],
            post_only=tif_raw == "poc",
            reduce_only=reduce_only,
            client_order_id=text,
            check_min_notional=False,  # Gate contracts have no minimum order value
        )
        return req, text or _FUTURES_SOURCE, tif_raw, close

    def _futures_create(self, call: _Call) -> dict[str, Any]:
        body = call.json()
        contract = self._contract(call, body.get("contract"))
        req, text, tif, close = self._futures_request(call, contract, body)
        order = self.engine.place_order(call.acct, req)
        order.extra.update(_gate_text=text, _gate_tif=tif, gate_close=close)
        if order.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE:
            raise _GateError("ORDER_POC_IMMEDIATE", "order would match and take immediately")
        return self._futures_order(contract, order, call.acct)

    def _futures_order(self, contract: _Contract, order: Order, acct: Account) -> dict[str, Any]:
        step = contract.inst.amount_step
        # a close order is sent, and reported, with size 0 (Gate closes the whole position)
        close = bool(order.extra.get("gate_close"))
        sign = 0 if close else order.side.sign
        avg = order.average_price
        out: dict[str, Any] = {
            "id": order.id,
            "user": self._user(acct),
            "create_time": _seconds(order.created_ms),
        }
        if not order.is_open:
            out["finish_time"] = _seconds(order.updated_ms)
            if order.status is OrderStatus.FILLED:
                out["finish_as"] = "filled"
            elif order.status is OrderStatus.EXPIRED and order.expire_reason is not None:
                out["finish_as"] = _FUTURES_FINISH.get(order.expire_reason, "cancelled")
            else:
                out["finish_as"] = "cancelled"
        out.update(
            status="open" if order.is_open else "finished",
            contract=contract.name,
            size=sign * int((order.amount or ZERO) / step),
            iceberg=0,
            price=_s(order.price) if order.price is not None else "0",
            close=close,
            is_close=close,
            reduce_only=order.reduce_only,
            is_reduce_only=order.reduce_only,
            is_liq=False,
            tif=str(order.extra.get("_gate_tif") or "gtc"),
            left=sign * int(order.remaining / step),
            fill_price=_s(avg) if avg is not None else "0",
            text=str(order.extra.get("_gate_text") or _FUTURES_SOURCE),
            tkfr=_s(acct.fees.swap_taker),
            mkfr=_s(acct.fees.swap_maker),
            refu=0,
            auto_size="",
            stp_id=0,
            stp_act="-",
            amend_text="-",
            biz_info="-",
        )
        return out

    def _futures_find(self, call: _Call, order_id: str) -> tuple[_Contract, Order]:
        """A plain futures order by id, or by its text while open and for 60 s after."""
        acct = call.acct
        found: Order | None = None
        if order_id.isdigit():
            found = acct.orders.get(int(order_id))
        elif order_id.startswith("t-"):
            now = self.engine.now_ms()
            for order in reversed(acct.orders.values()):
                if (
                    order.kind == "swap"
                    and not order.spawn_on_trigger
                    and order.extra.get("_gate_text") == order_id
                    and (order.is_open or now - order.updated_ms <= _TEXT_LOOKUP_AFTER_FINISH_MS)
                ):
                    found = order
                    break
        if found is None or found.kind != "swap" or found.spawn_on_trigger:
            raise _not_found()
        contract = self._by_symbol.get(found.symbol)
        if contract is None or contract.name not in self._settle(call):
            raise _not_found()
        return contract, found

    def _futures_get(self, call: _Call) -> dict[str, Any]:
        contract, order = self._futures_find(call, call.args["order_id"])
        return self._futures_order(contract, order, call.acct)

    def _futures_cancel(self, call: _Call) -> dict[str, Any]:
        contract, order = self._futures_find(call, call.args["order_id"])
        if not order.is_open:
            raise _GateError("ORDER_FINISHED", "Order already finished")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return self._futures_order(contract, order, call.acct)

    def _futures_list(self, call: _Call) -> list[dict[str, Any]]:
        status = call.require("status")
        if status not in ("open", "finished"):
            raise _invalid("status")
        return self._futures_orders(call, open_=status == "open", start=0, end=0)

    def _futures_timerange(self, call: _Call) -> list[dict[str, Any]]:
        """``orders_timerange``: finished orders created between ``from`` and ``to`` (s)."""
        start, end = call.integer("from", 0), call.integer("to", 0)
        return self._futures_orders(call, open_=False, start=start, end=end)

    def _futures_orders(
        self, call: _Call, *, open_: bool, start: int, end: int
    ) -> list[dict[str, Any]]:
        contracts = self._settle(call)
        name = call.get("contract")
        only = self._contract(call, name) if name else None
        limit = min(call.integer("limit", 100), 1000)
        offset = call.integer("offset", 0)
        out = []
        for order in reversed(call.acct.orders.values()):
            contract = self._by_symbol.get(order.symbol)
            if (
                order.kind != "swap"
                or order.spawn_on_trigger
                or contract is None
                or contract.name not in contracts
                or (only is not None and contract is not only)
                or order.is_open != open_
                or (start and order.created_ms < start * 1000)
                or (end and order.created_ms > end * 1000)
            ):
                continue
            out.append(self._futures_order(contract, order, call.acct))
        return out[offset : offset + limit]

    def _futures_trades(self, call: _Call) -> list[dict[str, Any]]:
        contracts = self._settle(call)
        name = call.get("contract")
        only = self._contract(call, name) if name else None
        order_id = call.get("order")
        start, end = call.integer("from", 0), call.integer("to", 0)
        limit = min(max(call.integer("limit", 100), 1), 1000)
        offset = call.integer("offset", 0)
        out = []
        for t in reversed(call.acct.trades):
            contract = self._by_symbol.get(t.symbol)
            if (
                contract is None
                or contract.name not in contracts
                or (only is not None and contract is not only)
                or (order_id is not None and str(t.order_id) != order_id)
                or (start and t.time_ms < start * 1000)
                or (end and t.time_ms > end * 1000)
            ):
                continue
            out.append(self._futures_trade(call.acct, contract, t))
        return out[offset : offset + limit]

    def _futures_trade(self, acct: Account, contract: _Contract, t: Trade) -> dict[str, Any]:
        step = contract.inst.amount_step
        order = acct.orders.get(t.order_id)
        text = str(order.extra.get("_gate_text") or _FUTURES_SOURCE) if order else _FUTURES_SOURCE
        closing = int(t.amount / step) if t.realized_pnl else 0
        return {
            "trade_id": str(t.id),
            "create_time": _seconds(t.time_ms),
            "contract": contract.name,
            "order_id": str(t.order_id),
            "size": t.side.sign * int(t.amount / step),
            "close_size": t.side.sign * closing,
            "price": _s(t.price),
            "role": "maker" if t.is_maker else "taker",
            "text": text,
            "fee": _s(t.fee),
            "point_fee": "0",
        }

    # ---- futures price (trigger) orders -------------------------------------------------------

    def _futures_price_create(self, call: _Call) -> dict[str, Any]:
        body = call.json()
        initial, trigger = body.get("initial"), body.get("trigger")
        if not isinstance(initial, dict) or not isinstance(trigger, dict):
            raise _invalid("initial" if not isinstance(initial, dict) else "trigger")
        contract = self._contract(call, initial.get("contract"))
        inst = contract.inst
        if trigger.get("strategy_type", 0) != 0:
            raise _invalid("Trigger.StrategyType")
        if trigger.get("price_type", 0) not in (0, 1, 2):
            raise _invalid("Trigger.PriceType")
        rule = trigger.get("rule")
        if rule not in (1, 2):
            raise _invalid("Trigger.rule")
        stop = _dec(trigger.get("price"), "Trigger.Price")
        assert stop is not None
        req, text, tif, close = self._futures_request(call, contract, initial)
        rising = rule == 1
        self._check_trigger(inst, stop, rising)
        take_profit = (req.side is Side.BUY) != rising
        if req.type is OrderType.MARKET:
            otype = OrderType.TAKE_PROFIT if take_profit else OrderType.STOP
        else:
            otype = OrderType.TAKE_PROFIT_LIMIT if take_profit else OrderType.STOP_LIMIT
        order = self.engine.place_order(
            call.acct,
            OrderRequest(
                symbol=req.symbol,
                side=req.side,
                type=otype,
                amount=req.amount,
                price=req.price,
                stop_price=stop,
                time_in_force=req.time_in_force,
                post_only=req.post_only,
                reduce_only=req.reduce_only,
                spawn_on_trigger=True,
                check_min_notional=False,
            ),
        )
        order.extra.update(
            _gate_text=text,
            _gate_tif=tif,
            gate_close=close,
            gate_price_type=trigger.get("price_type", 0),
            gate_expiration=trigger.get("expiration", 0),
        )
        return {"id": order.id}

    def _futures_price_order(self, order: Order, acct: Account) -> dict[str, Any]:
        contract = self._by_symbol[order.symbol]
        step = contract.inst.amount_step
        rising = (order.side is Side.BUY) != order.type.is_take_profit
        child = self._fired(acct, order)
        close = bool(order.extra.get("gate_close"))
        out: dict[str, Any] = {
            "initial": {
                "contract": contract.name,
                "size": 0 if close else order.side.sign * int((order.amount or ZERO) / step),
                "price": _s(order.price) if order.price is not None else "0",
                "tif": str(order.extra.get("_gate_tif") or "gtc"),
                "text": str(order.extra.get("_gate_text") or _FUTURES_SOURCE),
                "iceberg": 0,
                "is_close": close,
                "is_reduce_only": order.reduce_only,
                "auto_size": "",
            },
            "trigger": {
                "strategy_type": 0,
                "price_type": order.extra.get("gate_price_type", 0),
                "price": _s(order.stop_price or ZERO),
                "rule": 1 if rising else 2,
                "expiration": order.extra.get("gate_expiration", 0),
            },
            "id": order.id,
            "user": self._user(acct),
            "create_time": _seconds(order.created_ms),
            "trade_id": child.id if child is not None else 0,
            "status": "open" if order.is_open else "finished",
            "reason": "",
            "order_type": "",
            "me_order_id": 0,
            "is_stop_order": False,
            "stop_trigger": {"rule": 0, "trigger_price": "", "order_price": ""},
        }
        if order.status is OrderStatus.TRIGGERED:
            out["finish_time"] = _seconds(order.trigger_ms)
            if child is not None:
                out["finish_as"] = "succeeded"
            else:
                out["finish_as"], out["reason"] = "failed", "insufficient available balance"
        elif order.status is OrderStatus.CANCELED:
            out["finish_time"] = _seconds(order.updated_ms)
            out["finish_as"] = "cancelled"
        return out

    def _futures_price_get(self, call: _Call) -> dict[str, Any]:
        self._settle(call)
        order = self._price_find(call.acct, call.args["order_id"], "swap")
        return self._futures_price_order(order, call.acct)

    def _futures_price_cancel(self, call: _Call) -> dict[str, Any]:
        self._settle(call)
        order = self._price_find(call.acct, call.args["order_id"], "swap")
        if not order.is_open:
            raise _not_found()
        self.engine.cancel_order(call.acct, order_id=order.id)
        return self._futures_price_order(order, call.acct)

    def _futures_price_list(self, call: _Call) -> list[dict[str, Any]]:
        contracts = self._settle(call)
        name = call.get("contract")
        only = self._contract(call, name) if name else None
        status = call.require("status")
        if status not in ("open", "finished"):
            raise _invalid("status")
        limit = min(call.integer("limit", 100), 1000)
        offset = call.integer("offset", 0)
        out = []
        for order in reversed(call.acct.orders.values()):
            contract = self._by_symbol.get(order.symbol)
            if (
                order.kind != "swap"
                or not order.spawn_on_trigger
                or contract is None
                or contract.name not in contracts
                or (only is not None and contract is not only)
                or order.is_open != (status == "open")
            ):
                continue
            out.append(self._futures_price_order(order, call.acct))
        return out[offset : offset + limit]

    # ---- positions and leverage ------------------------------------------------------------

    def _position(self, acct: Account, contract: _Contract) -> dict[str, Any]:
        inst = contract.inst
        step = inst.amount_step
        view = self.engine.position(acct, inst.symbol)
        # Gate positions start in cross margin; a leverage set through the API makes them isolated
        cross = self._state.cross.get((acct.id, inst.symbol), True)
        pending = sum(
            1 for o in acct.orders.values() if o.symbol == inst.symbol and o.is_open
        )
        state = acct.positions.get(inst.symbol)
        opened = state.updated_ms // 1000 if state is not None and view.amount else 0
        return {
            "value": _s(abs(view.notional)),
            "leverage": "0" if cross else str(view.leverage),
            "mode": "single",
            "realised_point": "0",
            "contract": contract.name,
            "entry_price": _s(view.entry_price),
            "mark_price": _s(view.mark_price),
            "history_point": "0",
            "realised_pnl": _s(view.realized_pnl),
            "close_order": None,
            "size": int(view.amount / step),
            "cross_leverage_limit": str(view.leverage) if cross else "0",
            "pending_orders": pending,
            "adl_ranking": 6 if view.amount == 0 else 3,
            "maintenance_rate": _s(inst.maintenance_margin_rate),
            "unrealised_pnl": _s(view.unrealized_pnl),
            "user": self._user(acct),
            "leverage_max": str(inst.max_leverage),
            "history_pnl": "0",
            "risk_limit": "1000000",
            "margin": _s(view.initial_margin),
            "last_close_pnl": "0",
            "liq_price": _s(view.liquidation_price),
            "update_time": view.updated_ms // 1000,
            "update_id": 1,
            "initial_margin": "0",
            "maintenance_margin": "0",
            "open_time": opened,
            "trade_max_size": "0",
            "risk_limit_table": "",
            "average_maintenance_rate": _s(inst.maintenance_margin_rate),
            "pnl_pnl": _s(view.realized_pnl),
            "pnl_fund": "0",
            "pnl_fee": "0",
        }

    def _positions(self, call: _Call) -> list[dict[str, Any]]:
        contracts = self._settle(call)
        holding = (call.get("holding") or "").lower() == "true"
        out = []
        for view in self.engine.positions(call.acct):
            contract = self._by_symbol.get(view.symbol)
            if contract is None or contract.name not in contracts:
                continue
            if holding and view.amount == 0:
                continue
            out.append(self._position(call.acct, contract))
        return out

    def _position_one(self, call: _Call) -> dict[str, Any]:
        contract = self._contract(call, call.args.get("contract"))
        return self._position(call.acct, contract)

    def _leverage(self, call: _Call) -> dict[str, Any]:
        contract = self._contract(call, call.args.get("contract"))
        inst = contract.inst
        raw = call.require("leverage")
        cross_raw = call.get("cross_leverage_limit")
        leverage = _dec(raw, "leverage")
        assert leverage is not None
        cross = leverage == 0
        target = _dec(cross_raw, "cross_leverage_limit") if cross else leverage
        if target is None:
            raise _GateError(
                "MISSING_REQUIRED_PARAM", "Missing required parameter: cross_leverage_limit"
            )
        if target != target.to_integral_value():
            raise _invalid("leverage")
        self.engine.set_leverage(call.acct, inst.symbol, int(target))
        self._state.cross[(call.acct.id, inst.symbol)] = cross
        return self._position(call.acct, contract)


def _side(raw: Any) -> Side:
    if raw == "buy":
        return Side.BUY
    if raw == "sell":
        return Side.SELL
    raise _invalid("side")


def _filter_error(exc: FilterFailure, futures: bool) -> _GateError:
    flt, inst = exc.filter, exc.instrument
    unit = inst.quote
    if flt in (Filter.PRICE_TICK, Filter.LOT_STEP):
        if futures:
            return _invalid("price" if flt is Filter.PRICE_TICK else "size")
        return _GateError("INVALID_PRECISION", "Invalid precision")
    if flt is Filter.MIN_NOTIONAL:
        return _GateError(
            "INVALID_PARAM_VALUE",
            f"Your order size is too small. The minimum is {_s(inst.min_notional)} {unit}",
        )
    if flt is Filter.MIN_AMOUNT:
        return _GateError(
            "INVALID_PARAM_VALUE",
            f"Your order size is too small. The minimum is {_s(inst.min_amount)} {inst.base}",
        )
    if flt is Filter.MAX_AMOUNT:
        return _GateError(
            "INVALID_PARAM_VALUE",
            f"Your order size is too large. The maximum is {_s(inst.max_amount)} {inst.base}",
        )
    return _invalid("price")


def _route(
    method: str, path: str, handler: _Handler, operation: str, *, private: bool = False
) -> None:
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    limit = _PRIVATE if private else _PUBLIC
    expiring = False
    if method == "POST" and path in ("/spot/orders", "/futures/{settle}/orders"):
        limit, expiring = (_SPOT_PLACE if path.startswith("/spot") else _FUTURES_PLACE), True
    elif method == "DELETE" and path in _CANCEL_PATHS:
        limit = _CANCEL
    GateVenue._routes.append(
        _Route(method, re.compile(pattern), handler, operation, private, limit, expiring)
    )


def _usage_headers(usage: Usage | None, now_ms: int, refusal: Refusal | None) -> dict[str, str]:
    """Gate's ``X-Gate-RateLimit-*`` headers for the endpoint's limit. The reset timestamp is
    the current time unless the limit was exceeded (then: when its window ends)."""
    if usage is None:
        return {}
    reset_ms = usage.window_end_ms if refusal is not None else now_ms
    return {
        "X-Gate-RateLimit-Requests-Remain": f"{int(usage.remaining)}",
        "X-Gate-RateLimit-Limit": f"{usage.budget:g}",
        "X-Gate-RateLimit-Reset-Timestamp": str(-(-reset_ms // 1000)),
    }


def _install_routes() -> None:
    v = GateVenue
    op = Operation
    _route("GET", "/spot/time", v._time, op.TIME)
    _route("GET", "/spot/currencies", v._currencies, op.CURRENCIES)
    _route("GET", "/spot/currency_pairs", v._currency_pairs, op.MARKETS)
    _route("GET", "/margin/currency_pairs", v._margin_pairs, op.MARKETS)
    _route("GET", "/spot/tickers", v._spot_tickers, op.TICKER)
    _route("GET", "/spot/order_book", v._spot_book, op.ORDER_BOOK)
    _route("GET", "/futures/{settle}/contracts", v._futures_contracts, op.MARKETS)
    _route("GET", "/futures/{settle}/contracts/{contract}", v._futures_contract, op.MARKETS)
    _route("GET", "/futures/{settle}/tickers", v._futures_tickers, op.TICKER)
    _route("GET", "/futures/{settle}/order_book", v._futures_book, op.ORDER_BOOK)
    _route("GET", "/delivery/{settle}/contracts", v._empty, op.MARKETS)
    _route("GET", "/options/underlyings", v._empty, op.MARKETS)
    _route("GET", "/account/detail", v._account_detail, op.OTHER, private=True)
    _route("GET", "/spot/accounts", v._spot_accounts, op.BALANCE, private=True)
    _route("POST", "/spot/orders", v._spot_create, op.CREATE_ORDER, private=True)
    _route("GET", "/spot/orders", v._spot_list, op.OPEN_ORDERS, private=True)
    _route("GET", "/spot/orders/{order_id}", v._spot_get, op.FETCH_ORDER, private=True)
    _route("DELETE", "/spot/orders/{order_id}", v._spot_cancel, op.CANCEL_ORDER, private=True)
    _route("GET", "/spot/open_orders", v._spot_open_orders, op.OPEN_ORDERS, private=True)
    _route("GET", "/spot/my_trades", v._spot_trades, op.MY_TRADES, private=True)
    _route("POST", "/spot/price_orders", v._spot_price_create, op.CREATE_ORDER, private=True)
    _route("GET", "/spot/price_orders", v._spot_price_list, op.OPEN_ORDERS, private=True)
    _route(
        "GET", "/spot/price_orders/{order_id}", v._spot_price_get, op.FETCH_ORDER, private=True
    )
    _route(
        "DELETE",
        "/spot/price_orders/{order_id}",
        v._spot_price_cancel,
        op.CANCEL_ORDER,
        private=True,
    )
    f = "/futures/{settle}"
    _route("GET", f"{f}/accounts", v._futures_accounts, op.BALANCE, private=True)
    _route("POST", f"{f}/orders", v._futures_create, op.CREATE_ORDER, private=True)
    _route("GET", f"{f}/orders", v._futures_list, op.OPEN_ORDERS, private=True)
    _route(
        "GET", f"{f}/orders_timerange", v._futures_timerange, op.ORDER_HISTORY, private=True
    )
    _route("GET", f"{f}/orders/{{order_id}}", v._futures_get, op.FETCH_ORDER, private=True)
    _route(
        "DELETE", f"{f}/orders/{{order_id}}", v._futures_cancel, op.CANCEL_ORDER, private=True
    )
    _route("GET", f"{f}/my_trades", v._futures_trades, op.MY_TRADES, private=True)
    _route("GET", f"{f}/my_trades_timerange", v._futures_trades, op.MY_TRADES, private=True)
    _route("POST", f"{f}/price_orders", v._futures_price_create, op.CREATE_ORDER, private=True)
    _route("GET", f"{f}/price_orders", v._futures_price_list, op.OPEN_ORDERS, private=True)
    _route(
        "GET",
        f"{f}/price_orders/{{order_id}}",
        v._futures_price_get,
        op.FETCH_ORDER,
        private=True,
    )
    _route(
        "DELETE",
        f"{f}/price_orders/{{order_id}}",
        v._futures_price_cancel,
        op.CANCEL_ORDER,
        private=True,
    )
    _route("GET", f"{f}/positions", v._positions, op.POSITIONS, private=True)
    _route("GET", f"{f}/positions/{{contract}}", v._position_one, op.POSITIONS, private=True)
    _route(
        "POST", f"{f}/positions/{{contract}}/leverage", v._leverage, op.LEVERAGE, private=True
    )


_install_routes()

VENUE = GateVenue
