"""The loopback HTTP server: routing by original host, request log, lifecycle.

ccxt keeps its real ``https://`` URLs. A client session made by `Simulator.client_session`
(or any ``aiohttp.ClientSession`` given `reroute_middleware`) rewrites
``https://<host><path>?<query>`` to ``http://127.0.0.1:<port>/<host><path>?<query>``, keeping the
raw path and query byte for byte so signatures stay valid. The server takes the first path
segment as the original host and hands the request to the venue module that claims that host.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp
from aiohttp import web
from yarl import URL

from exchlayer.testing.simulator.engine import (
    Account,
    ClientIdRule,
    Clock,
    Engine,
    History,
    Instrument,
    system_clock,
)
from exchlayer.testing.simulator.faults import FaultInjector
from exchlayer.testing.simulator.ratelimit import RateLimitSettings
from exchlayer.testing.simulator.venues import (
    AccountDirectory,
    Operation,
    VenueModule,
    VenueRequest,
    VenueResponse,
    host_table,
    venue_classes,
)
from exchlayer.testing.simulator.wire.stream import StreamSession, StreamVenue

__all__ = [
    "Handler",
    "Interceptor",
    "RecordedRequest",
    "Simulator",
    "reroute_middleware",
]

Handler = Callable[[VenueRequest], Awaitable[VenueResponse]]
#: ``async def interceptor(request, call_next) -> VenueResponse``: runs before the venue module.
#: The hook for fault injection and rate-limit enforcement (latency, 5xx, 429, malformed bodies).
Interceptor = Callable[[VenueRequest, Handler], Awaitable[VenueResponse]]

_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})

DEFAULT_SPOT_BALANCES: Mapping[str, Decimal] = {"USDT": Decimal(10_000), "BTC": Decimal(1)}
DEFAULT_FUTURES_BALANCE: Mapping[str, Decimal] = {"USDT": Decimal(10_000)}


def reroute_middleware(port: int, host: str = "127.0.0.1") -> aiohttp.ClientMiddlewareType:
    """An aiohttp (>= 3.12) client middleware that sends every request to the simulator.

    ``https://api.binance.com/api/v3/time?x=1`` becomes
    ``http://127.0.0.1:<port>/api.binance.com/api/v3/time?x=1`` (raw path and query kept).
    Requests already addressed to the simulator pass through unchanged.
    """

    async def reroute(
        req: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        url = req.url
        if not (url.host in _LOCAL_HOSTS and url.port == port):
            req.url = URL.build(
                scheme="http",
                host=host,
                port=port,
                path="/" + (url.raw_host or "") + url.raw_path,
                query_string=url.raw_query_string,
                encoded=True,
            )
        return await handler(req)

    return reroute


@dataclass(frozen=True)
class RecordedRequest:
    """One request the simulator received (secrets never appear: only the signed payload)."""

    venue: str | None
    environment: str | None
    host: str
    method: str
    path: str
    query: dict[str, str]
    body: str
    headers: dict[str, str]
    is_private: bool
    operation: str
    status: int
    timestamp_ms: int

    @property
    def is_order_mutation(self) -> bool:
        """True for order placement and cancellation on any venue."""
        return self.operation in Operation.ORDER_MUTATIONS


class Simulator:
    """A loopback venue simulator: an aiohttp server on 127.0.0.1 plus a matching engine.

    >>> async with Simulator() as sim:                                   # doctest: +SKIP
    ...     sim.add_account("binance", api_key="k", secret="s")
    ...     ex = ccxt.async_support.binance(
    ...         {"apiKey": "k", "secret": "s", "session": sim.client_session()})

    Args:
        seed: seeds the price walk and the fault injector, so runs repeat.
        instruments: the markets (default: the engine's BTC, ETH, ... against USDT).
        clock: the venues' clock in ms (default: the system clock).
        rate_limits: enforce each venue's published REST limits, answering over-budget requests
            with the venue's 429 (default ``True``; also ``sim.rate_limits``).
        rate_limit_scale: every rate-limit window and budget times this (``0.1``: Binance's
            6,000 weight per 60 s becomes 600 per 6 s); see
            `exchlayer.testing.simulator.ratelimit`.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        instruments: Iterable[Instrument] | None = None,
        clock: Clock | None = None,
        rate_limits: bool = True,
        rate_limit_scale: float = 1.0,
    ) -> None:
        base_clock = clock or system_clock
        self._rate_limit_settings = RateLimitSettings(rate_limits, rate_limit_scale)
        self.clock_offset_ms = 0
        """Added to the venue's clock: a positive offset means the venue runs ahead of us."""
        self.engine = Engine(
            seed=seed,
            instruments=instruments,
            clock=lambda: base_clock() + self.clock_offset_ms,
        )
        self.accounts = AccountDirectory()
        classes = venue_classes()
        self.venues: dict[str, VenueModule] = {
            name: cls(self.engine, self.accounts) for name, cls in classes.items()
        }
        for module in self.venues.values():
            module.rate_limits.settings = self._rate_limit_settings
        self._hosts = host_table(classes)
        self.requests: list[RecordedRequest] = []
        self.interceptors: list[Interceptor] = []
        self.faults = FaultInjector(venue_of=self._venue_of, seed=seed)
        """Fault rules (``sim.faults.add(Fault.DROP_AFTER, operation=...)``)."""
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._sessions: list[aiohttp.ClientSession] = []

    # ---- lifecycle -----------------------------------------------------------------------

    async def start(self) -> Simulator:
        if self._runner is not None:
            return self
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        addr = runner.addresses[0]
        self._port = int(addr[1])
        return self

    async def close(self) -> None:
        sessions, self._sessions = self._sessions, []
        for session in sessions:
            if not session.closed:
                await session.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        # let the transports of closed connections finish closing (no ResourceWarning)
        await asyncio.sleep(0)

    async def __aenter__(self) -> Simulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the simulator is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client_session(self, **kwargs: Any) -> aiohttp.ClientSession:
        """A ClientSession routed to this simulator; closed by `close` if still open."""
        middlewares = (reroute_middleware(self.port), *kwargs.pop("middlewares", ()))
        session = aiohttp.ClientSession(middlewares=middlewares, **kwargs)
        self._sessions.append(session)
        return session

    # ---- rate limits -----------------------------------------------------------------------

    @property
    def rate_limits(self) -> bool:
        """Whether the venues refuse requests over their published limits (default ``True``).
        Off, usage is still counted and reported in the venues' usage headers."""
        return self._rate_limit_settings.enabled

    @rate_limits.setter
    def rate_limits(self, enabled: bool) -> None:
        self._rate_limit_settings.enabled = bool(enabled)

    @property
    def rate_limit_scale(self) -> float:
        """Every rate-limit window and budget times this (default ``1.0``): ``0.1`` makes
        Binance's 6,000 weight per 60 s 600 per 6 s (see
        `exchlayer.testing.simulator.ratelimit`)."""
        return self._rate_limit_settings.scale

    @rate_limit_scale.setter
    def rate_limit_scale(self, scale: float) -> None:
        if not scale > 0:
            raise ValueError(f"rate_limit_scale must be positive, got {scale}")
        self._rate_limit_settings.scale = float(scale)
        self.reset_rate_limits()

    def reset_rate_limits(self) -> None:
        """Forget every venue's rate-limit usage (and bans)."""
        for module in self.venues.values():
            module.rate_limits.reset()

    # ---- accounts and market control -------------------------------------------------------

    def add_account(
        self,
        venue: str,
        *,
        api_key: str,
        secret: str,
        passphrase: str | None = None,
        environment: str = "live",
        balances: Mapping[str, Decimal] | None = None,
        futures_balance: Mapping[str, Decimal] | None = None,
    ) -> Account:
        """Create a funded account (10,000 USDT + 1 BTC spot, 10,000 USDT futures by default)."""
        module = self.venues.get(venue)
        if module is None:
            raise ValueError(f"unknown venue {venue!r}; known: {sorted(self.venues)}")
        if environment not in module.environments():
            raise ValueError(
                f"{venue} has no environment {environment!r}; "
                f"known: {sorted(module.environments())}"
            )
        account = self.engine.create_account(
            venue=venue,
            environment=environment,
            api_key=api_key,
            secret=secret,
            passphrase=passphrase,
            fees=module.fees,
            balances=DEFAULT_SPOT_BALANCES if balances is None else balances,
            futures_balance=DEFAULT_FUTURES_BALANCE if futures_balance is None else futures_balance,
        )
        self.accounts.add(account)
        return account

    def skew_clock(self, offset_ms: int) -> None:
        """Make the venues' clock run ``offset_ms`` ahead of ours (negative: behind), so
        signed requests carry timestamps the venue finds too old or too new."""
        self.clock_offset_ms = offset_ms

    def lag_lookups(self, seconds: float, venue: str | None = None) -> None:
        """Make a newly placed order, and its fills, show in every query of ``venue`` (all
        venues when ``None``) only ``seconds`` after it was placed: lookups by id and client
        id, open and historical order lists and fill lists answer as for an unknown order
        until then. Matching, balances and cancels are not affected. ``0`` turns it off
        (also ``sim.venues[name].lookup_lag``)."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        for module in self._modules(venue):
            module.lookup_lag = float(seconds)

    def set_client_id_rule(
        self, venue: str, rule: ClientIdRule | str, kind: str | None = None
    ) -> None:
        """Change when ``venue`` refuses a duplicate client order id (``kind``: ``"spot"``,
        ``"swap"``, or ``None`` for both); each venue's default is its documented rule."""
        (module,) = self._modules(venue)
        module.set_client_id_rule(rule, kind)

    def _modules(self, venue: str | None) -> list[VenueModule]:
        if venue is None:
            return list(self.venues.values())
        module = self.venues.get(venue)
        if module is None:
            raise ValueError(f"unknown venue {venue!r}; known: {sorted(self.venues)}")
        return [module]

    def _venue_of(self, request: VenueRequest) -> VenueModule | None:
        entry = self._hosts.get(request.host)
        return None if entry is None else self.venues[entry[0]]

    def set_price(self, symbol: str, price: Decimal) -> None:
        self.engine.set_price(symbol, price)
        self.publish()

    def advance(self, steps: int = 1) -> None:
        self.engine.advance(steps)
        self.publish()

    @property
    def history(self) -> History:
        """The markets' deterministic past that every venue's kline, trades and funding
        endpoints serve: move a listing, add or clear outages here."""
        return self.engine.history

    # ---- request log ---------------------------------------------------------------------

    def clear_requests(self) -> None:
        self.requests.clear()

    def count_requests(self, predicate: Callable[[RecordedRequest], bool] | None = None) -> int:
        """How many recorded requests match ``predicate`` (all of them when ``None``)."""
        if predicate is None:
            return len(self.requests)
        return sum(1 for r in self.requests if predicate(r))

    # ---- HTTP ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        rel = request.rel_url
        _, _, rest = rel.raw_path.partition("/")
        host, sep, tail = rest.partition("/")
        path = "/" + tail if sep else "/"
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._stream(request, host, path)
        body = await request.text() if request.body_exists else ""
        now = self.engine.now_ms()
        entry = self._hosts.get(host)
        venue_name, environment = entry if entry is not None else (None, None)
        vreq = VenueRequest(
            method=request.method,
            host=host,
            environment=environment or "",
            path=path,
            raw_query=rel.raw_query_string,
            query=dict(rel.query.items()),
            body=body,
            headers=request.headers,
            received_ms=now,
        )
        if venue_name is None:
            handler: Handler = self._unknown_host
        else:
            handler = _bind(self.faults, self.venues[venue_name].handle)
        for interceptor in reversed(self.interceptors):
            handler = _bind(interceptor, handler)
        response = await handler(vreq)
        self.requests.append(
            RecordedRequest(
                venue=venue_name,
                environment=environment,
                host=host,
                method=request.method,
                path=path,
                query=dict(vreq.query),
                body=body,
                headers=dict(request.headers),
                is_private=response.private,
                operation=response.operation,
                status=response.status,
                timestamp_ms=now,
            )
        )
        if response.drop:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=response.status)
        if response.truncate_at is not None:
            headers = dict(response.headers, **{"Content-Length": str(len(response.body))})
            partial = web.StreamResponse(status=response.status, headers=headers)
            await partial.prepare(request)
            await partial.write(response.body[: response.truncate_at])
            if request.transport is not None:
                request.transport.abort()
            return partial
        return web.Response(status=response.status, body=response.body, headers=response.headers)

    # ---- WebSocket ---------------------------------------------------------------------------

    @property
    def stream_sessions(self) -> list[StreamSession]:
        """Every open WebSocket connection, oldest first (faults: `drop`, `stall`)."""
        return [s for m in self._stream_venues() for s in m.sessions]

    def _stream_venues(self) -> list[Any]:
        return [m for m in self.venues.values() if isinstance(m, StreamVenue)]

    def publish(self) -> None:
        """Send every stream subscriber what the market's last move changed (done by
        `set_price` and `advance`; call it after moving the engine directly)."""
        for module in self._stream_venues():
            module.publish()

    async def _stream(self, request: web.Request, host: str, path: str) -> web.StreamResponse:
        for module in self._stream_venues():
            endpoint = module.stream_hosts.get(host)
            if endpoint is not None:
                break
        else:
            return web.Response(status=404, text=f"no stream host {host!r} here")
        ws = web.WebSocketResponse(autoping=True, compress=False, max_msg_size=1 << 20)
        await ws.prepare(request)
        session = StreamSession(ws, request, module.name, host, path,
                                dict(request.rel_url.query.items()), endpoint)
        session.start()
        try:
            await module.serve_stream(session)
        finally:
            await session.close()
        return ws

    @staticmethod
    async def _unknown_host(request: VenueRequest) -> VenueResponse:
        return VenueResponse.json(
            {
                "error": f"the exchlayer simulator does not serve host {request.host!r}",
                "host": request.host,
            },
            404,
            operation=Operation.UNKNOWN,
        )


def _bind(interceptor: Interceptor, call_next: Handler) -> Handler:
    async def bound(request: VenueRequest) -> VenueResponse:
        return await interceptor(request, call_next)

    return bound
