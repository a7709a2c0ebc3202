"""A simulated venue for Examplex, a made-up exchange: the worked example of
docs/simulator-venues.md (the page includes this file, and test_venue_example.py runs it).

Examplex's REST API, as its (imaginary) documentation has it:

* `GET /v1/time`, `GET /v1/ticker?market=BTC-USDT`: public.
* `GET /v1/balances`, `POST /v1/orders`, `GET /v1/orders/{id}`, `DELETE /v1/orders/{id}`:
  signed, with the key in `X-EX-KEY`, a `timestamp` (ms) and a hex HMAC-SHA256 `signature` of
  the query string and form body (the scheme Binance uses).
* Success: `{"ok": true, "result": ...}`. Error: `{"ok": false, "error": {"code": ...,
  "message": ...}}`, HTTP 400 unless noted.
* 100 requests per 10 s per IP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from exchlayer.testing.simulator import (
    AmbiguousError,
    Call,
    EngineError,
    ErrorTable,
    FilterFailure,
    Instrument,
    InsufficientBalance,
    Operation,
    Order,
    OrderRequest,
    OrderType,
    Route,
    Rule,
    Side,
    UnknownOrder,
    UnknownSymbol,
    VenueError,
    VenueState,
    WireVenue,
)
from exchlayer.testing.simulator.ratelimit import Limit, Quota
from exchlayer.testing.simulator.wire import (
    AuthFailure,
    BadSignature,
    InvalidParameter,
    InvalidTimestamp,
    MissingParameter,
    NoSuchEndpoint,
    QueryHmac,
    RateLimited,
)

# --8<-- [start:tables]
REQUESTS = Limit("requests", Quota(100, 10))

ROUTES = (
    Route("GET", "/v1/time", Operation.TIME, "time", limits=(REQUESTS,)),
    Route("GET", "/v1/ticker", Operation.TICKER, "ticker", limits=(REQUESTS,)),
    Route("GET", "/v1/balances", Operation.BALANCE, "balances", private=True, limits=(REQUESTS,)),
    Route("POST", "/v1/orders", Operation.CREATE_ORDER, "place", private=True,
          limits=(REQUESTS,)),
    Route("GET", "/v1/orders/{id}", Operation.FETCH_ORDER, "get_order", private=True,
          limits=(REQUESTS,)),
    Route("DELETE", "/v1/orders/{id}", Operation.CANCEL_ORDER, "cancel", private=True,
          limits=(REQUESTS,)),
)

ERRORS = ErrorTable(
    Rule(NoSuchEndpoint, "NOT_FOUND", lambda e: f"no such endpoint: {e.method} {e.path}", 404),
    Rule(RateLimited, "RATE_LIMIT", "slow down"),
    Rule(BadSignature, "BAD_SIGNATURE", "signature mismatch", 401),
    Rule(InvalidTimestamp, "STALE_REQUEST", "timestamp outside the receive window", 401),
    Rule(AuthFailure, "BAD_KEY", "unknown or missing API key", 401),  # every other one
    Rule(MissingParameter, "MISSING_PARAMETER", lambda e: f"{e.name} is required"),
    Rule(InvalidParameter, "INVALID_PARAMETER", lambda e: f"{e.name} is invalid"),
    Rule(UnknownSymbol, "UNKNOWN_MARKET", "no such market"),
    Rule(UnknownOrder, "UNKNOWN_ORDER", "no such order", 404),
    Rule(InsufficientBalance, "INSUFFICIENT_FUNDS", "insufficient funds"),
    Rule(FilterFailure, "INVALID_ORDER", lambda e: f"order refused: {e.filter.value}"),
    Rule(EngineError, "INTERNAL", "internal error", 500),  # anything else the engine refuses
)
# --8<-- [end:tables]


# --8<-- [start:state]
@dataclass
class ExamplexOrder(VenueState):
    """What Examplex keeps about an order that the engine does not model."""

    label: str = ""
    """The free-text `label` the order was placed with, echoed in every answer about it."""
# --8<-- [end:state]


# --8<-- [start:render]
def market_id(inst: Instrument) -> str:
    return f"{inst.base}-{inst.quote}"


def render_order(order: Order) -> dict[str, Any]:
    return {
        "id": str(order.id),
        "client_id": order.client_order_id,
        "market": order.symbol.replace("/", "-"),
        "side": order.side.value.lower(),
        "type": order.type.value.lower(),
        "price": str(order.price) if order.price is not None else None,
        "amount": str(order.amount),
        "filled": str(order.filled),
        "status": "open" if order.is_open else order.status.value.lower(),
        "label": ExamplexOrder.of(order).label,
    }
# --8<-- [end:render]


# --8<-- [start:venue]
class ExamplexVenue(WireVenue):
    """Examplex spot on the simulator's engine."""

    name: ClassVar[str] = "examplex"
    hosts: ClassVar[dict[str, str]] = {"api.examplex.test": "live"}
    routes = ROUTES
    errors = ERRORS
    auth = QueryHmac("X-EX-KEY")
    # what fault injection needs: the envelope, and the venue's "status unknown" answer
    envelope_keys: ClassVar[frozenset[str]] = frozenset({"ok", "result"})
    payload_key: ClassVar[str | None] = "result"
    ambiguous_errors: ClassVar[tuple[AmbiguousError, ...]] = (
        AmbiguousError("BUSY", "server busy, the request may or may not have been processed", 503),
    )

    def envelope(self, data: Any, call: Call) -> Any:
        return {"ok": True, "result": data}

    def error_body(self, code: int | str, message: str) -> Any:
        return {"ok": False, "error": {"code": code, "message": message}}

    def is_success(self, status: int, body: Any) -> bool:
        return status == 200 and isinstance(body, dict) and body.get("ok") is True

    # ---- handlers: `def name(self, call) -> data`, named by the routes -----------------------

    def _market(self, call: Call) -> Instrument:
        wanted = call.require("market")
        for inst in self.engine.instruments.values():
            if inst.kind == "spot" and market_id(inst) == wanted:
                return inst
        raise UnknownSymbol(wanted)  # the error table words it

    def time(self, call: Call) -> dict[str, Any]:
        return {"time": self.engine.now_ms()}

    def ticker(self, call: Call) -> dict[str, Any]:
        inst = self._market(call)
        (bid, _), (ask, _) = self.engine.best_bid_ask(inst.symbol)
        last = self.engine.price(inst.symbol)
        return {"market": market_id(inst), "last": str(last), "bid": str(bid), "ask": str(ask)}

    def balances(self, call: Call) -> list[dict[str, Any]]:
        return [
            {"asset": asset, "free": str(bal.free), "locked": str(bal.locked)}
            for asset, bal in call.acct.balances.items()
        ]

    def place(self, call: Call) -> dict[str, Any]:
        inst = self._market(call)
        side = {"buy": Side.BUY, "sell": Side.SELL}.get(call.require("side"))
        kind = {"limit": OrderType.LIMIT, "market": OrderType.MARKET}.get(call.require("type"))
        if side is None or kind is None:
            raise VenueError("INVALID_PARAMETER", "side and type are buy|sell, limit|market")
        order = self.engine.place_order(
            call.acct,
            OrderRequest(
                symbol=inst.symbol,
                side=side,
                type=kind,
                amount=call.decimal("amount", required=True),
                price=call.decimal("price", required=kind is OrderType.LIMIT),
                client_order_id=call.get("client_id"),
            ),
        )
        ExamplexOrder(label=call.get("label") or "").attach(order)
        return render_order(order)

    def get_order(self, call: Call) -> dict[str, Any]:
        return render_order(self._order(call))

    def cancel(self, call: Call) -> dict[str, Any]:
        order = self._order(call)
        if not order.is_open:
            raise VenueError("ORDER_CLOSED", "the order is not open")
        return render_order(self.engine.cancel_order(call.acct, order_id=order.id))

    def _order(self, call: Call) -> Order:
        raw = call.args["id"]
        return self.engine.get_order(call.acct, order_id=int(raw) if raw.isdigit() else -1)
# --8<-- [end:venue]

