"""`BitgetVenue`: the hooks and handlers of Bitget's wire format (see the package docstring)."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from typing import Any, ClassVar

from exchlayer.testing.simulator.venues.bitget.futures import BitgetFutures
from exchlayer.testing.simulator.venues.bitget.history import BitgetHistory
from exchlayer.testing.simulator.venues.bitget.render import invalid
from exchlayer.testing.simulator.venues.bitget.spot import BitgetSpot
from exchlayer.testing.simulator.venues.bitget.streams import BitgetStreams
from exchlayer.testing.simulator.venues.bitget.tables import (
    AMBIGUOUS_ERRORS,
    DEMO,
    ERRORS,
    FEES,
    HOSTS,
    LIVE,
    OK,
    ROUTES,
    TIMESTAMP_WINDOW_MS,
)
from exchlayer.testing.simulator.wire import (
    Call,
    HeaderHmac,
    Operation,
    ParamRules,
    RawJson,
    VenueRequest,
    VenueResponse,
    WireVenue,
)
from exchlayer.testing.simulator.wire.signing import path_and_unquoted_query

__all__ = ["BitgetVenue", "error_response"]


def error_response(
    code: str, msg: str, request_time: int, status: int = 400, operation: str = Operation.OTHER
) -> VenueResponse:
    """A Bitget error body, e.g. `error_response("429", "Too Many Requests", now, 429)` from a
    simulator interceptor to inject a rate-limit refusal.

    Args:
        code: Bitget's code.
        msg: Its message.
        request_time: The `requestTime` (ms).
        status: The HTTP status.
        operation: The operation the request log records.

    Returns:
        The response.
    """
    return VenueResponse.json(
        {"code": code, "msg": msg, "requestTime": request_time, "data": None},
        status,
        operation=operation,
    )




class BitgetVenue(BitgetSpot, BitgetFutures, BitgetHistory, BitgetStreams, WireVenue):
    """Bitget classic (v2) spot + USDT-M futures on the shared engine."""

    name: ClassVar[str] = "bitget"
    hosts = HOSTS
    fees = FEES
    ambiguous_errors = AMBIGUOUS_ERRORS
    envelope_keys: ClassVar[frozenset[str]] = frozenset({"code", "msg", "requestTime", "data"})
    payload_key: ClassVar[str | None] = "data"
    routes = ROUTES
    errors = ERRORS
    auth: HeaderHmac = HeaderHmac(
        key_header="ACCESS-KEY",
        sign_header="ACCESS-SIGN",
        timestamp_header="ACCESS-TIMESTAMP",
        passphrase_header="ACCESS-PASSPHRASE",
        required=("ACCESS-KEY", "ACCESS-SIGN", "ACCESS-PASSPHRASE"),
        window_ms=TIMESTAMP_WINDOW_MS,
        targets=path_and_unquoted_query,
    )
    param_rules = ParamRules(number=re.compile(r"^[0-9]+(\.[0-9]+)?$"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spot = {}
        self._perps = {}
        for inst in self.engine.instruments.values():
            market_id = f"{inst.base}{inst.quote}"
            if inst.kind == "spot":
                self._spot[market_id] = inst
            elif inst.settle == "USDT" and inst.quote == "USDT":
                self._perps[market_id] = inst
        self._client_oids = itertools.count(1_100_000_000_000_000_001)
        self.init_streams()

    @property
    def timestamp_window_ms(self) -> int:
        """How far `ACCESS-TIMESTAMP` may be from the server clock (30 s on Bitget, which
        offers no way to shorten it; tests may, to make reconciliation waits short)."""
        return self.auth.window_ms

    @timestamp_window_ms.setter
    def timestamp_window_ms(self, window_ms: int) -> None:
        self.auth = dataclasses.replace(self.auth, window_ms=window_ms)

    @classmethod
    def environments(cls) -> frozenset[str]:
        # one host serves both: the PAPTRADING header picks the environment
        return frozenset({LIVE, DEMO})

    def error_body(self, code: int | str, message: str) -> Any:
        return {"code": str(code), "msg": message, "requestTime": self.engine.now_ms(),
                "data": None}

    def is_success(self, status: int, body: Any) -> bool:
        return 200 <= status < 300 and isinstance(body, dict) and body.get("code") == OK

    def market_id_families(self) -> list[list[str]]:
        return [list(self._spot), list(self._perps)]

    # ---- hooks ---------------------------------------------------------------------------------

    def environment(self, request: VenueRequest) -> str:
        """The demo environment is the live host with the header `PAPTRADING: 1`."""
        return DEMO if request.headers.get("PAPTRADING") == "1" else request.environment

    def read(self, call: Call) -> None:
        """Query parameters (GET) or the JSON body (POST)."""
        request = call.request
        if request.method != "POST":
            call.params = dict(request.query)
            return
        if not request.body:
            return
        try:
            body = json.loads(request.body)
        except ValueError:
            raise invalid() from None
        if not isinstance(body, dict):
            raise invalid()
        call.params = body

    def envelope(self, data: Any, call: Call) -> Any:
        now = self.engine.now_ms()
        if isinstance(data, RawJson):
            return RawJson(
                f'{{"code":"{OK}","msg":"success","requestTime":{now},"data":{data.text}}}',
                "application/json",
            )
        return {"code": OK, "msg": "success", "requestTime": now, "data": data}

    # ---- handlers ------------------------------------------------------------------------------

