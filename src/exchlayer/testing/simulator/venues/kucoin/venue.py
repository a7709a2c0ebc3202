"""`KucoinVenue`: the hooks and handlers of KuCoin's wire format (see the package docstring)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from exchlayer.testing.simulator.ratelimit import Refusal, Usage
from exchlayer.testing.simulator.venues.kucoin.futures import KucoinFutures
from exchlayer.testing.simulator.venues.kucoin.history import KucoinHistory
from exchlayer.testing.simulator.venues.kucoin.render import (
    futures_market_id,
    param_error,
    spot_market_id,
)
from exchlayer.testing.simulator.venues.kucoin.spot import KucoinSpot
from exchlayer.testing.simulator.venues.kucoin.tables import (
    AMBIGUOUS_ERRORS,
    ERRORS,
    FEES,
    HOST_SURFACE,
    HOSTS,
    OK,
    ROUTES,
    TIME_WINDOW_MS,
)
from exchlayer.testing.simulator.wire import (
    Call,
    HeaderHmac,
    Operation,
    ParamRules,
    Route,
    VenueRequest,
    WireVenue,
    json_text,
)
from exchlayer.testing.simulator.wire.signing import path_and_query

__all__ = ["KucoinVenue"]


class KucoinVenue(KucoinSpot, KucoinFutures, KucoinHistory, WireVenue):
    """KuCoin spot (HF) + USDT-margined perpetual futures on the shared engine."""

    name: ClassVar[str] = "kucoin"
    hosts = HOSTS
    fees = FEES
    ambiguous_errors = AMBIGUOUS_ERRORS
    envelope_keys: ClassVar[frozenset[str]] = frozenset({"code", "data"})
    payload_key: ClassVar[str | None] = "data"
    routes = ROUTES
    errors = ERRORS
    auth = HeaderHmac(
        key_header="KC-API-KEY",
        sign_header="KC-API-SIGN",
        timestamp_header="KC-API-TIMESTAMP",
        passphrase_header="KC-API-PASSPHRASE",
        required=("KC-API-KEY", "KC-API-SIGN", "KC-API-TIMESTAMP", "KC-API-PASSPHRASE"),
        window_ms=TIME_WINDOW_MS,
        targets=path_and_query,
        version_header="KC-API-KEY-VERSION",
    )
    param_rules = ParamRules(text=json_text)
    error_status = 200

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spot = {}
        self._futures = {}
        for inst in self.engine.instruments.values():
            if inst.kind == "spot":
                self._spot[spot_market_id(inst)] = inst
            elif inst.settle == inst.quote:
                self._futures[futures_market_id(inst)] = inst

    def error_body(self, code: int | str, message: str) -> Any:
        return {"code": str(code), "msg": message}

    def is_success(self, status: int, body: Any) -> bool:
        return 200 <= status < 300 and isinstance(body, dict) and body.get("code") == OK

    def market_id_families(self) -> list[list[str]]:
        return [list(self._spot), list(self._futures)]

    # ---- hooks ---------------------------------------------------------------------------------

    def route_key(self, request: VenueRequest) -> tuple[str, str] | None:
        """Spot and futures share paths (`/api/v1/orders`): the host says which is meant."""
        surface = HOST_SURFACE.get(request.host)
        return None if surface is None else (surface, request.path)

    def operation(self, route: Route, request: VenueRequest) -> str:
        """The futures order list serves active and finished orders (`status`, default
        `done`): finished ones are history."""
        if (
            route.handler == "futures_list"
            and (request.query.get("status") or "done").lower() != "active"
        ):
            return Operation.ORDER_HISTORY
        return route.operation

    def read(self, call: Call) -> None:
        """The query string, and a JSON object body over it."""
        call.params = dict(call.request.query)
        raw = call.request.body
        if not raw:
            return
        try:
            body = json.loads(raw)
        except ValueError:
            raise param_error("request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise param_error("request body must be a JSON object")
        call.body = body
        call.params.update(body)

    def usage_headers(
        self, usages: list[Usage], call: Call, refusal: Refusal | None
    ) -> dict[str, str]:
        """`gw-ratelimit-*` for the endpoint's resource pool."""
        usage, now_ms = usages[0], call.request.received_ms
        return {
            "gw-ratelimit-limit": f"{usage.budget:g}",
            "gw-ratelimit-remaining": f"{int(usage.remaining)}",
            "gw-ratelimit-reset": str(max(usage.window_end_ms - now_ms, 0)),
        }

    def envelope(self, data: Any, call: Call) -> Any:
        if "msg" in call.route.tags:
            return {"code": OK, "msg": "success", "data": data}
        return {"code": OK, "data": data}

    # ---- handlers ------------------------------------------------------------------------------

