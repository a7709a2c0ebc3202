"""`GateVenue`: the hooks and handlers of Gate's wire format (see the package docstring)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import ROUND_CEILING
from typing import Any, ClassVar
from urllib.parse import unquote

from exchlayer.testing.simulator.engine import (
    ClientIdRule,
)
from exchlayer.testing.simulator.ratelimit import Charge, Refusal, Usage
from exchlayer.testing.simulator.venues.gate.futures import GateFutures
from exchlayer.testing.simulator.venues.gate.history import GateHistory
from exchlayer.testing.simulator.venues.gate.render import (
    gate_text,
    market_id,
)
from exchlayer.testing.simulator.venues.gate.spot import GateSpot
from exchlayer.testing.simulator.venues.gate.streams import GateStreams
from exchlayer.testing.simulator.venues.gate.tables import (
    AMBIGUOUS_ERRORS,
    ERRORS,
    FEES,
    FUTURES,
    HOSTS,
    NUMBER,
    PREFIX,
    ROUTES,
    SPOT,
    SPOT_PLACE,
    Contract,
)
from exchlayer.testing.simulator.wire import (
    Call,
    GateHmac,
    Operation,
    ParamRules,
    Route,
    VenueError,
    VenueRequest,
    WireVenue,
)

__all__ = ["GateVenue"]










class GateVenue(GateSpot, GateFutures, GateHistory, GateStreams, WireVenue):
    """Gate spot + USDT-settled perpetual futures on the shared engine."""

    name: ClassVar[str] = "gate"
    hosts = HOSTS
    fees = FEES
    # no envelope: a success answer is the payload itself (errors are told by HTTP status)
    ambiguous_errors = AMBIGUOUS_ERRORS
    client_id_defaults: ClassVar[Mapping[str, ClientIdRule]] = {
        "spot": ClientIdRule.NONE,
        "swap": ClientIdRule.NONE,
    }
    routes = ROUTES
    errors = ERRORS
    auth = GateHmac()
    param_rules = ParamRules(number=NUMBER, text=gate_text)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pairs = {}
        self._contracts = {"usdt": {}, "btc": {}}
        self._by_symbol = {}
        for inst in self.engine.instruments.values():
            if inst.kind == "spot":
                self._pairs[market_id(inst)] = inst
            elif inst.settle == inst.quote and inst.settle is not None:
                size_min = (inst.min_amount / inst.amount_step).to_integral_value(ROUND_CEILING)
                contract = Contract(
                    inst=inst,
                    name=market_id(inst),
                    multiplier=inst.amount_step * inst.contract_size,
                    size_min=max(1, int(size_min)),
                    size_max=int(inst.max_amount / inst.amount_step),
                )
                self._contracts.setdefault(inst.settle.lower(), {})[contract.name] = contract
                self._by_symbol[inst.symbol] = contract
        self._cross = {}
        """Per (account, symbol): cross margin (Gate's default) or isolated (a leverage set)."""
        self.init_streams()

    def error_body(self, code: int | str, message: str) -> Any:
        return {"label": code, "message": message}

    def market_id_families(self) -> list[list[str]]:
        return [list(self._pairs), [c.name for c in self._by_symbol.values()]]

    # ---- hooks ---------------------------------------------------------------------------------

    def route_key(self, request: VenueRequest) -> tuple[str, str] | None:
        """Everything lives under `/api/v4` (matched percent-decoded); `/futures/...` is the
        futures surface."""
        path = unquote(request.path)
        if not path.startswith(PREFIX + "/"):
            return None
        rest = path[len(PREFIX) :]
        return (FUTURES if rest.startswith("/futures/") else SPOT), rest

    def operation(self, route: Route, request: VenueRequest) -> str:
        """Order lists serve open and finished orders: `status=finished` is history."""
        if route.operation == Operation.OPEN_ORDERS and request.query.get("status") == "finished":
            return Operation.ORDER_HISTORY
        return route.operation

    def read(self, call: Call) -> None:
        """The query string; a JSON body (`INVALID_REQUEST_BODY` when it is not JSON)."""
        call.params = dict(call.request.query)
        if call.request.body:
            try:
                call.body = json.loads(call.request.body)
            except ValueError:
                raise VenueError("INVALID_REQUEST_BODY", "Invalid request body") from None

    def charges(self, call: Call) -> list[Charge]:
        """One request of the route's limit, per endpoint; spot orders per market."""
        limit = call.route.limits[0]
        part = call.route.endpoint
        if limit is SPOT_PLACE:
            body = call.body if isinstance(call.body, dict) else {}
            part = str(body.get("currency_pair", ""))
        return [Charge(limit, 1, part)]

    def usage_headers(
        self, usages: list[Usage], call: Call, refusal: Refusal | None
    ) -> dict[str, str]:
        """`X-Gate-RateLimit-*` for the endpoint's limit. The reset timestamp is the current
        time unless the limit was exceeded (then: when its window ends)."""
        if not usages:
            return {}
        usage = usages[0]
        reset_ms = usage.window_end_ms if refusal is not None else call.request.received_ms
        return {
            "X-Gate-RateLimit-Requests-Remain": f"{int(usage.remaining)}",
            "X-Gate-RateLimit-Limit": f"{usage.budget:g}",
            "X-Gate-RateLimit-Reset-Timestamp": str(-(-reset_ms // 1000)),
        }

    def check(self, call: Call) -> None:
        """New spot and futures orders honour `X-Gate-Exptime` (ms)."""
        if "expiring" not in call.route.tags:
            return
        raw = call.request.headers.get("X-Gate-Exptime")
        if raw is None:
            return
        if not raw.isdigit():
            raise VenueError("INVALID_PARAM_VALUE", "Invalid x-gate-exptime")
        if self.engine.now_ms() > int(raw):
            # Gate does not document this answer's label; the simulator reuses its
            # "request too old" one
            raise VenueError("REQUEST_EXPIRED", "Request received after x-gate-exptime", 401)

    # ---- handlers ------------------------------------------------------------------------------

