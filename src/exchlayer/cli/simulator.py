"""The venue simulator from the command line.

``--simulator`` on a venue command runs it against the built-in simulator: started in the
process (no value), or one already serving on ``127.0.0.1:PORT``. ``exchlayer simulator`` serves
one in the foreground until Ctrl-C, with an account on every venue (and testnet) for the fixed
test keys `simulator_credentials` gives, which ``--simulator HOST:PORT`` uses.

The library never imports ``exchlayer.testing`` on its own: every function here that needs it
imports it when called.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConfigurationError, NetworkError
from ..factory import ExchangeFactory
from .app import EXIT_INTERRUPTED, Command, Context, ParserOptions, UsageError

if TYPE_CHECKING:
    import aiohttp

    from ..testing import Simulator
    from ..testing.simulator import VenueRequest, VenueResponse

__all__ = [
    "COMMAND",
    "LOCAL_HOST",
    "SimulatedAccount",
    "SimulatorTarget",
    "in_process_simulator",
    "provision",
    "remote_session",
    "simulator_credentials",
    "simulator_target",
]

LOCAL_HOST = "127.0.0.1"
_LOCAL_NAMES = frozenset({"127.0.0.1", "localhost"})


@dataclass(frozen=True)
class SimulatorTarget:
    """Which simulator a command talks to: one started in the process (``port`` None), or the
    one serving on ``127.0.0.1:port``."""

    port: int | None = None

    def __str__(self) -> str:
        return "in-process" if self.port is None else f"{LOCAL_HOST}:{self.port}"


IN_PROCESS = SimulatorTarget()


def simulator_target(text: str) -> SimulatorTarget:
    """The argparse type of ``--simulator``: empty for in-process, else ``HOST:PORT`` on
    127.0.0.1 (``localhost`` is accepted); anything else is a usage error."""
    if not text:
        return IN_PROCESS
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(
            f"expected HOST:PORT, e.g. 127.0.0.1:8765, got {text!r}"
        )
    if host not in _LOCAL_NAMES:
        raise argparse.ArgumentTypeError(
            f"the simulator is reached on 127.0.0.1 only, not on {host!r}"
        )
    return SimulatorTarget(int(port))


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number (0 to 65535), got {text!r}")
    return int(text)


def simulator_credentials(exchange: str) -> tuple[str, str, str]:
    """The fixed test API key, secret and passphrase of ``exchange`` in a simulator the command
    line started. They open nothing but simulated accounts; they are printed on purpose."""
    return f"sim-{exchange}-key", f"sim-{exchange}-secret", "sim-passphrase"


@dataclass(frozen=True)
class SimulatedAccount:
    """One account `provision` opened."""

    exchange: str
    testnet: bool
    environment: str
    api_key: str
    secret: str
    passphrase: str


def provision(sim: Simulator) -> list[SimulatedAccount]:
    """Open a funded account (the simulator's default balances) for `simulator_credentials` on
    every exchange the simulator serves, live and testnet where the venue has one."""
    from ..testing import SIMULATED_VENUES

    accounts = []
    for name in ExchangeFactory.get_available_exchanges():
        where = SIMULATED_VENUES.get(name)
        if where is None or where.venue not in sim.venues:
            continue
        key, secret, passphrase = simulator_credentials(name)
        for environment, testnet in ((where.live, False), (where.testnet, True)):
            if environment is None:
                continue
            if sim.accounts.find(where.venue, environment, key) is None:
                sim.add_account(
                    where.venue, api_key=key, secret=secret, passphrase=passphrase,
                    environment=environment,
                )
            accounts.append(
                SimulatedAccount(name, testnet, environment, key, secret, passphrase)
            )
    return accounts


@contextlib.asynccontextmanager
async def in_process_simulator() -> AsyncIterator[Simulator]:
    """A simulator started in this process, its test accounts open; stopped on exit."""
    from ..testing import Simulator

    async with Simulator() as sim:
        provision(sim)
        yield sim


async def remote_session(target: SimulatorTarget) -> aiohttp.ClientSession:
    """A session that sends every request to the simulator serving at ``target`` (the caller
    closes it).

    Raises:
        NetworkError: nothing answers there.
    """
    import aiohttp

    from ..testing.simulator import reroute_middleware

    assert target.port is not None
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(LOCAL_HOST, target.port), timeout=5
        )
    except (OSError, asyncio.TimeoutError) as exc:
        if isinstance(exc, ConnectionRefusedError):
            reason = "connection refused"
        elif isinstance(exc, OSError):
            reason = exc.strerror or type(exc).__name__
        else:
            reason = "timed out"
        raise NetworkError(
            f"no simulator answers on {target} ({reason}); start one with "
            f"'exchlayer simulator --port {target.port}'"
        ) from None
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return aiohttp.ClientSession(
        middlewares=(reroute_middleware(target.port, LOCAL_HOST),), trust_env=False
    )


# ---- exchlayer simulator --------------------------------------------------------------------


class _Relay:
    """A TCP relay from ``127.0.0.1:port`` to the simulator's own (ephemeral) port: the
    simulator always listens on a port of its choosing, the command on the one asked for."""

    def __init__(self, upstream: int) -> None:
        self._upstream = upstream
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    async def start(self, port: int) -> int:
        try:
            self._server = await asyncio.start_server(self._client, LOCAL_HOST, port)
        except OSError as exc:
            raise ConfigurationError(
                f"cannot listen on {LOCAL_HOST}:{port}: {exc.strerror or exc}"
            ) from None
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        upstream: asyncio.StreamWriter | None = None
        try:
            up_reader, upstream = await asyncio.open_connection(LOCAL_HOST, self._upstream)
            await asyncio.gather(_pipe(reader, upstream), _pipe(up_reader, writer))
        except OSError:
            pass
        finally:
            self._tasks.discard(task)
            for stream in (upstream, writer):
                if stream is not None:
                    stream.close()
                    with contextlib.suppress(OSError, asyncio.CancelledError):
                        await stream.wait_closed()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()  # the whole connection: the other direction ends too


def _request_log(ctx: Context) -> Callable[..., Awaitable[VenueResponse]]:
    async def log(
        request: VenueRequest, call_next: Callable[[VenueRequest], Awaitable[VenueResponse]]
    ) -> VenueResponse:
        response = await call_next(request)
        ctx.out.say(
            f"{request.method} {request.host}{request.path} -> {response.status} "
            f"({response.operation})",
            indent="    ",
        )
        return response

    return log


async def _serve(args: argparse.Namespace, ctx: Context) -> int:
    if args.host not in _LOCAL_NAMES:
        raise UsageError(f"the simulator serves 127.0.0.1 only, not {args.host!r}")
    out = ctx.out
    async with in_process_simulator() as sim:
        accounts = provision(sim)  # already open: this lists them
        relay = _Relay(sim.port)
        port = await relay.start(args.port)
        try:
            address = f"{LOCAL_HOST}:{port}"
            if args.json:
                out.json({"address": address, "host": LOCAL_HOST, "port": port,
                          "accounts": [vars(a) for a in accounts]})
            else:
                _announce(ctx, address, accounts)
            if not (args.quiet or args.json):
                sim.interceptors.append(_request_log(ctx))
            await asyncio.Event().wait()  # until Ctrl-C
        finally:
            await relay.close()
    return EXIT_INTERRUPTED  # pragma: no cover - the wait above ends only by cancellation


def _announce(ctx: Context, address: str, accounts: list[SimulatedAccount]) -> None:
    out = ctx.out
    out.say(f"exchlayer simulator: serving on {address} (Ctrl-C to stop)")
    testnets = {a.exchange for a in accounts if a.testnet}
    live = [a for a in accounts if not a.testnet]
    out.table(
        ("exchange", "api key", "secret", "passphrase", "testnet too"),
        [[a.exchange, a.api_key, a.secret, a.passphrase,
          "yes" if a.exchange in testnets else "no"] for a in live],
        title="test accounts (simulated money; these keys open nothing real):",
    )
    out.note(f"try: exchlayer balance binance --simulator {address}")
    out.say("requests:")


def _configure(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    parser.add_argument(
        "--port", type=_port, default=0, help="the port to listen on (default: a free one)"
    )
    parser.add_argument(
        "--host", default=LOCAL_HOST, help="the address to listen on: 127.0.0.1 only"
    )
    parser.add_argument("--quiet", action="store_true", help="do not print each request")
    parser.add_argument(
        "--json", action="store_true",
        help="print the address and the test accounts as one JSON object (no request log)",
    )


COMMAND = Command(
    name="simulator",
    help="serve the venue simulator on 127.0.0.1 until Ctrl-C",
    description="Serve the built-in venue simulator (all five venues, live and testnet "
    "environments) on 127.0.0.1 until Ctrl-C, with a funded test account on each. Point any "
    "venue command at it with --simulator 127.0.0.1:PORT; its state (orders, balances, "
    "positions) lasts until it stops.",
    configure=_configure,
    run=_serve,
)
