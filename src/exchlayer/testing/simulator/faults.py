"""Fault injection: make the simulator fail the way real venues and networks do.

Rules match requests by venue, venue-neutral operation (``create_order``, ``ticker``, ...), HTTP
method and path, and fire with a probability (seeded, so runs repeat) up to a number of times::

    sim.faults.add(Fault.DROP_AFTER, operation=Operation.CREATE_ORDER, probability=0.2)
    sim.faults.add(Fault.RATE_LIMITED, venue="binance", times=1, retry_after=2)
    sim.faults.add(Fault.DELAY, operation=Operation.CREATE_ORDER, times=1, delay=1.5)
    sim.faults.add(Fault.ERROR_AFTER, venue="binance", code=-1007, times=1)
    sim.faults.add(Fault.MUTATE, operation=Operation.BALANCE, mutation=Mutation.NEGATE)
    sim.skew_clock(30_000)    # the venue's clock runs 30 s ahead of ours
    sim.lag_lookups(2.0)      # new orders show in queries 2 s after they are placed

Each fault says whether the venue processed the request (an order placed or not) before the
failure, because that is what decides whether a client may safely send it again:

========================  =========  ====================================================
fault                     processed  what the client sees
========================  =========  ====================================================
``LATENCY``               yes        the answer, ``delay`` seconds late
``DELAY``                 yes, late  nothing for ``delay`` seconds while the request is
                                     in transit; then the venue processes it and answers
                                     normally (a client that timed out and looked the
                                     order up found nothing: the venue placed it after)
``HANG``                  no         nothing for ``delay`` seconds (a client timeout)
``HANG_AFTER``            yes        nothing for ``delay`` seconds, after processing
``RESET``                 no         the connection dropped
``DROP_AFTER``            yes        the connection dropped ("accept, then drop")
``SERVER_ERROR``          no         HTTP ``status`` (5xx) with a JSON body; with
                                     ``code=``, the venue's own ambiguous error instead
``ERROR_AFTER``           yes        one of the venue's own "unknown / internal / busy /
                                     timeout, execution status unknown" errors, in its
                                     envelope and HTTP status (``code=``, ``status=``)
``HTML``                  no         HTTP 502 with an HTML page, as from a CDN or proxy
``RATE_LIMITED``          no         HTTP 429 with ``Retry-After``
``MALFORMED``             yes        HTTP 200 whose body is not JSON
``TRUNCATED``             yes        the real body, cut short mid-stream
``EMPTY``                 yes        HTTP 200 with an empty body
``WRONG_SHAPE``           yes        HTTP 200 with JSON of an unexpected shape
``MUTATE``                yes        the venue's real answer rewritten by ``mutation``
                                     (a ``Mutation``, see `.mutations`); its success
                                     envelope intact unless ``scope="all"``
========================  =========  ====================================================

``DELAY`` holds the request *before* the venue sees it, so the venue judges its timestamp when
it arrives: a request delayed past Binance's ``recvWindow`` (or KuCoin's 5 s, Bitget's 30 s,
Gate's ``X-Gate-Exptime``) is refused as too old, exactly as the real venue refuses it, and is
never placed. That is the guarantee a client leans on when it waits out the window before
deciding an order it cannot find does not exist.

The ambiguous errors of ``ERROR_AFTER`` are each venue module's ``ambiguous_errors`` (codes,
messages and statuses from the venue's documentation; the module docstring says where each
comes from); ``code=`` picks one (default: the first), ``status=`` overrides its HTTP status. A
code the venue does not list is sent with the first listed message and status.
"""

from __future__ import annotations

import asyncio
import enum
import fnmatch
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .mutations import Mutation, mutate_json, other_symbol_map
from .venues import AmbiguousError, Operation, VenueModule, VenueRequest, VenueResponse

__all__ = ["Fault", "FaultInjector", "FaultRule", "InjectedFault", "Mutation"]

Handler = Callable[[VenueRequest], Awaitable[VenueResponse]]


class Fault(str, enum.Enum):
    """What goes wrong (see the module table)."""

    LATENCY = "latency"
    DELAY = "delay"
    HANG = "hang"
    HANG_AFTER = "hang_after"
    RESET = "reset"
    DROP_AFTER = "drop_after"
    SERVER_ERROR = "server_error"
    HTML = "html"
    RATE_LIMITED = "rate_limited"
    MALFORMED = "malformed"
    TRUNCATED = "truncated"
    EMPTY = "empty"
    WRONG_SHAPE = "wrong_shape"
    ERROR_AFTER = "error_after"
    MUTATE = "mutate"

    @property
    def processed(self) -> bool:
        """Whether the venue acts on the request before the fault."""
        return self not in _BEFORE


_BEFORE = frozenset(
    {Fault.HANG, Fault.RESET, Fault.SERVER_ERROR, Fault.HTML, Fault.RATE_LIMITED}
)


@dataclass
class FaultRule:
    """When to inject one fault. ``None`` matches anything."""

    fault: Fault
    venue: str | None = None
    operation: str | None = None
    method: str | None = None
    path: str | None = None
    """An ``fnmatch`` pattern on the request path (``/api/v3/*``)."""
    probability: float = 1.0
    times: int | None = None
    """Inject at most this many times."""
    delay: float = 0.5
    """Seconds, for LATENCY, DELAY, HANG and HANG_AFTER."""
    status: int | None = None
    """The HTTP status of SERVER_ERROR (default 503, or the venue error's own with ``code``)
    and of ERROR_AFTER (default: the venue error's own)."""
    retry_after: float = 1.0
    """Seconds in the Retry-After header of RATE_LIMITED."""
    code: int | str | None = None
    """ERROR_AFTER (and SERVER_ERROR): which of the venue's ambiguous errors (its code or
    label, e.g. ``-1007``, ``"TOO_BUSY"``); default the venue's first listed one."""
    mutation: Mutation | None = None
    """MUTATE: how the answer is rewritten (default ``Mutation.NEGATE``)."""
    scope: str = "payload"
    """MUTATE: ``"payload"`` keeps the venue's success envelope, ``"all"`` rewrites it too."""
    injected: int = 0

    def matches(self, venue: str | None, operation: str, request: VenueRequest) -> bool:
        if self.times is not None and self.injected >= self.times:
            return False
        if self.venue is not None and self.venue != venue:
            return False
        if self.operation is not None and self.operation != operation:
            return False
        if self.method is not None and self.method.upper() != request.method:
            return False
        return self.path is None or fnmatch.fnmatchcase(request.path, self.path)


@dataclass(frozen=True)
class InjectedFault:
    """A record of one injected fault."""

    fault: Fault
    venue: str | None
    operation: str
    method: str
    path: str
    received_ms: int


@dataclass
class FaultInjector:
    """The simulator's fault interceptor (``sim.faults``)."""

    venue_of: Callable[[VenueRequest], VenueModule | None]
    seed: int = 0
    rules: list[FaultRule] = field(default_factory=list)
    events: list[InjectedFault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def add(self, fault: Fault | str, **match: object) -> FaultRule:
        """Add a rule (keywords as in `FaultRule`) and return it."""
        rule = FaultRule(Fault(fault), **match)  # type: ignore[arg-type]
        if not 0.0 <= rule.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if rule.mutation is not None:
            rule.mutation = Mutation(rule.mutation)
        if rule.scope not in ("payload", "all"):
            raise ValueError(f"scope must be 'payload' or 'all', got {rule.scope!r}")
        if rule.delay < 0:
            raise ValueError("delay must not be negative")
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule (the event log stays)."""
        self.rules.clear()

    def count(self, fault: Fault | None = None) -> int:
        """How many faults (of one kind) were injected."""
        return sum(1 for e in self.events if fault is None or e.fault is fault)

    async def __call__(self, request: VenueRequest, call_next: Handler) -> VenueResponse:
        if not self.rules:
            return await call_next(request)
        module = self.venue_of(request)
        venue = module.name if module is not None else None
        operation = module.classify(request) if module is not None else Operation.UNKNOWN
        for rule in self.rules:
            if rule.matches(venue, operation, request) and (
                rule.probability >= 1.0 or self._random.random() < rule.probability
            ):
                rule.injected += 1
                self.events.append(
                    InjectedFault(
                        rule.fault, venue, operation, request.method, request.path,
                        request.received_ms,
                    )
                )
                return await _inject(rule, module, operation, request, call_next)
        return await call_next(request)


_HTML_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>cloudflare</center></body></html>"
)


async def _inject(  # noqa: PLR0911, PLR0912 - one branch per Fault kind: a flat dispatch
    rule: FaultRule,
    module: VenueModule | None,
    operation: str,
    request: VenueRequest,
    call_next: Handler,
) -> VenueResponse:
    fault = rule.fault
    if fault is Fault.HANG:
        await asyncio.sleep(rule.delay)
        return VenueResponse(0, b"", drop=True, operation=operation)
    if fault is Fault.RESET:
        return VenueResponse(0, b"", drop=True, operation=operation)
    if fault is Fault.SERVER_ERROR:
        if rule.code is not None:
            return _ambiguous(rule, module, operation, private=False)
        status = rule.status or 503
        error = json.dumps({"code": status, "msg": "Internal error; unable to process"})
        return VenueResponse(status, error.encode(), {"Content-Type": "application/json"},
                             operation=operation)
    if fault is Fault.HTML:
        return VenueResponse(502, _HTML_PAGE, {"Content-Type": "text/html"}, operation=operation)
    if fault is Fault.RATE_LIMITED:
        limited = json.dumps({"code": 429, "msg": "Too many requests; slow down"}).encode()
        headers = {"Content-Type": "application/json", "Retry-After": f"{rule.retry_after:g}"}
        return VenueResponse(429, limited, headers, operation=operation)
    if fault is Fault.DELAY:
        await asyncio.sleep(rule.delay)  # in transit: the venue has not seen it yet
        return await call_next(request)
    response = await call_next(request)  # the venue acts on the request
    if fault is Fault.LATENCY:
        await asyncio.sleep(rule.delay)
        return response
    if fault is Fault.HANG_AFTER:
        await asyncio.sleep(rule.delay)
        return VenueResponse(0, b"", drop=True, operation=response.operation)
    if fault is Fault.DROP_AFTER:
        return VenueResponse(0, b"", drop=True, operation=response.operation)
    if fault is Fault.TRUNCATED:
        response.truncate_at = max(1, len(response.body) // 2)
        return response
    if fault is Fault.ERROR_AFTER:
        return _ambiguous(rule, module, response.operation, private=response.private)
    if fault is Fault.MUTATE:
        return _mutate(rule, module, response)
    headers = {"Content-Type": "application/json"}
    body: bytes
    if fault is Fault.MALFORMED:
        body = b'{"code": 0, "data": {"orderId": 12'
    elif fault is Fault.EMPTY:
        body = b""
    else:  # WRONG_SHAPE
        body = b'[{"unexpected": true}]' if response.body.startswith(b"{") else b'{"unexpected": 1}'
    return VenueResponse(200, body, headers, operation=response.operation,
                         private=response.private)


_GENERIC_AMBIGUOUS = AmbiguousError(
    500, "simulator: internal error, execution status unknown", 500
)


def _pick_error(rule: FaultRule, module: VenueModule | None) -> AmbiguousError:
    listed = module.ambiguous_errors if module is not None else ()
    if not listed:
        base = _GENERIC_AMBIGUOUS
        return base if rule.code is None else AmbiguousError(rule.code, base.message, base.status)
    if rule.code is None:
        return listed[0]
    for error in listed:
        if str(error.code) == str(rule.code):
            return error
    return AmbiguousError(rule.code, listed[0].message, listed[0].status)


def _ambiguous(
    rule: FaultRule, module: VenueModule | None, operation: str, *, private: bool
) -> VenueResponse:
    error = _pick_error(rule, module)
    status = rule.status if rule.status is not None else error.status
    if module is not None:
        body = module.error_body(error.code, error.message)
    else:
        body = {"code": error.code, "msg": error.message}
    return VenueResponse.json(body, status, operation=operation, private=private)


def _mutate(rule: FaultRule, module: VenueModule | None, response: VenueResponse) -> VenueResponse:
    """The venue's answer rewritten by the rule's mutation (an error answer passes as is)."""
    if response.drop or response.truncate_at is not None:
        return response
    try:
        parsed = json.loads(response.body)
    except ValueError:
        return response
    if module is not None and not module.is_success(response.status, parsed):
        return response
    if module is None and not 200 <= response.status < 300:
        return response
    symbols = other_symbol_map(module.market_id_families()) if module is not None else {}
    mutated = mutate_json(
        response.body,
        rule.mutation or Mutation.NEGATE,
        payload_key=module.payload_key if module is not None else None,
        whole=rule.scope == "all",
        symbols=symbols,
    )
    if mutated is None:
        return response
    headers = dict(response.headers)
    headers.pop("Content-Length", None)
    headers.setdefault("Content-Type", "application/json")
    return VenueResponse(response.status, mutated, headers, operation=response.operation,
                         private=response.private)
