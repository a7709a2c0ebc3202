"""Connectors wired to a running simulator: one at a time (``connect``), or every connector a
program creates (``route_to``)."""

from __future__ import annotations

import asyncio
import inspect
import secrets
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import TracebackType
from typing import Any

import aiohttp

from ..base import BaseExchange
from ..config import Credentials
from ..errors import ConfigurationError
from ..factory import ExchangeFactory
from .simulator import Simulator, reroute_middleware
from .simulator.venues.gate import GateOrder

__all__ = [
    "SIMULATED_VENUES",
    "SimulatedVenue",
    "SimulatorRoute",
    "connect",
    "held_client_order_ids",
    "route_to",
]


@dataclass(frozen=True)
class SimulatedVenue:
    """Where an exchlayer exchange lives in the simulator."""

    venue: str
    """The simulator's venue module."""
    live: str = "live"
    """The environment a live connector reaches."""
    testnet: str | None = None
    """The environment ``is_testnet=True`` reaches, when the exchange has one."""


SIMULATED_VENUES: dict[str, SimulatedVenue] = {
    "binance": SimulatedVenue("binance", testnet="demo"),
    "binanceus": SimulatedVenue("binance", live="binanceus"),
    "gateio": SimulatedVenue("gate", testnet="testnet"),
    "bingx": SimulatedVenue("bingx", testnet="vst"),
    "bitget": SimulatedVenue("bitget", testnet="demo"),
    "kucoin": SimulatedVenue("kucoin"),
}
"""exchlayer exchange name -> simulator venue and environments. Plugins may add theirs."""


async def connect(
    sim: Simulator,
    name: str,
    *,
    is_testnet: bool = False,
    credentials: bool = True,
    open_account: bool = True,
    api_key: str | None = None,
    api_secret: str | None = None,
    passphrase: str | None = None,
    balances: Mapping[str, Decimal] | None = None,
    futures_balance: Mapping[str, Decimal] | None = None,
    venue: str | None = None,
    environment: str | None = None,
    **options: Any,
) -> BaseExchange:
    """Create the exchange ``name`` through ``ExchangeFactory``, talking to ``sim``.

    A funded account is opened in the simulator: random key, secret and passphrase unless given;
    ``credentials=False`` for a public-data-only connector; ``open_account=False`` to use the
    given credentials without opening an account (a wrong secret for a known key, say).

    Requests go through a session routed to the simulator, which closes it when it stops; close
    the connector yourself (or use ``async with``). ccxt's throttling is off unless
    ``rate_limit=True`` is passed.
    """
    where = SIMULATED_VENUES.get(name.lower(), SimulatedVenue(name.lower()))
    env = environment or (where.testnet if is_testnet else where.live)
    if env is None:
        env = "live"  # the connector will refuse is_testnet itself, with NotSupported
    if credentials:
        api_key = api_key or f"sim-key-{secrets.token_hex(8)}"
        api_secret = api_secret or secrets.token_hex(24)
        passphrase = passphrase or f"sim-pass-{secrets.token_hex(4)}"
    if credentials and open_account:
        assert api_key is not None and api_secret is not None
        sim.add_account(
            venue or where.venue,
            api_key=api_key,
            secret=api_secret,
            passphrase=passphrase,
            environment=env,
            balances=balances,
            futures_balance=futures_balance,
        )
    options.setdefault("rate_limit", False)
    return ExchangeFactory.create_exchange(
        name,
        api_key=api_key if credentials else None,
        api_secret=api_secret if credentials else None,
        passphrase=passphrase if credentials else None,
        is_testnet=is_testnet,
        session=sim.client_session(),
        **options,
    )


def route_to(
    sim: Simulator,
    *,
    balances: Mapping[str, Decimal] | None = None,
    futures_balance: Mapping[str, Decimal] | None = None,
    open_accounts: bool = True,
) -> SimulatorRoute:
    """Send every connector ``ExchangeFactory`` creates from now on to ``sim``: run code written
    for the real venues (a notebook, a bot, the documentation) offline, unchanged.

        async with Simulator() as sim:
            with route_to(sim):
                binance = ExchangeFactory.create_exchange(
                    "binance", api_key="my-key", api_secret="my-secret", is_testnet=True
                )
                await binance.get_balance()   # answered by 127.0.0.1

    While the route is open, each connector the factory creates (directly, through
    ``from_env``, or for a ``TradingService``) talks to ``sim`` through a routed session, and
    its API key, when the simulated venue does not know it yet, gets a funded account there
    (``balances`` and ``futures_balance``, else the simulator's defaults: 10,000 USDT and 1 BTC
    spot, 10,000 USDT futures). A key the venue knows keeps its account and secret, so a wrong
    secret still fails as on the real venue. A connector given a session that is already routed
    to a simulator (``connect()``, ``sim.client_session()``) keeps it.

    Closing the route (leaving the ``with`` block, or ``route.close()``) stops routing new
    connectors; those made meanwhile keep talking to ``sim`` until it stops. Use it without
    ``with`` where a block does not fit (a notebook: ``route = route_to(sim)`` in one cell).
    Routes nest: the innermost open one wins.

    Connectors must be created in a running event loop (a notebook cell, ``python -m asyncio``,
    or inside ``asyncio.run()``), which their session belongs to. Nothing leaves the machine: a
    connector that cannot be routed is refused with ``ConfigurationError`` (an exchange the
    simulator does not serve, see ``SIMULATED_VENUES``, or a connector class that takes no
    ``session``), never created.

    Args:
        sim: a started simulator.
        balances: the spot balances of each account opened for an unknown key.
        futures_balance: the futures wallet of each account opened for an unknown key.
        open_accounts: ``False`` to open no accounts (an unknown key then fails to
            authenticate, as on the real venue).
    """
    return SimulatorRoute(
        sim, balances=balances, futures_balance=futures_balance, open_accounts=open_accounts
    )


class SimulatorRoute:
    """An open route from ``ExchangeFactory`` to a simulator, made by ``route_to``."""

    def __init__(
        self,
        sim: Simulator,
        *,
        balances: Mapping[str, Decimal] | None = None,
        futures_balance: Mapping[str, Decimal] | None = None,
        open_accounts: bool = True,
    ) -> None:
        sim.port  # noqa: B018 - refuses a simulator that is not started
        self.sim = sim
        """The simulator connectors are routed to."""
        self._balances = balances
        self._futures_balance = futures_balance
        self._open_accounts = open_accounts
        try:
            self._home: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self._home = None
        self._sessions: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, aiohttp.ClientSession
        ] = weakref.WeakKeyDictionary()
        self._keepers: set[asyncio.Task[None]] = set()
        self._open = True
        ExchangeFactory.add_creation_hook(self._provision)

    @property
    def active(self) -> bool:
        """Whether new connectors are being routed."""
        return self._open

    def close(self) -> None:
        """Stop routing new connectors (closing twice is harmless)."""
        if self._open:
            self._open = False
            ExchangeFactory.remove_creation_hook(self._provision)

    def __enter__(self) -> SimulatorRoute:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _provision(
        self,
        exchange_class: type[BaseExchange],
        *,
        credentials: Credentials | None,
        is_testnet: bool,
        options: Mapping[str, Any],
    ) -> Mapping[str, Any]:
        name = exchange_class.name
        where = SIMULATED_VENUES.get(name, SimulatedVenue(name))
        if where.venue not in self.sim.venues:
            raise ConfigurationError(
                f"route_to: the simulator does not serve {name!r} (it serves "
                f"{', '.join(sorted(self.sim.venues))}); a plugin adds its venue to "
                "exchlayer.testing.SIMULATED_VENUES",
                exchange=name,
            )
        if not _takes_session(exchange_class):
            raise ConfigurationError(
                f"route_to: {exchange_class.__qualname__} takes no session, so it cannot be "
                "routed to the simulator; refusing to create it",
                exchange=name,
            )
        given = options.get("session")
        if isinstance(given, aiohttp.ClientSession) and _routed(given):
            return options  # already talks to a simulator: the caller's choice stands
        routed = dict(options, session=self._session(name))
        env = where.testnet if is_testnet else where.live
        if credentials is not None and self._open_accounts and env is not None:
            self._open_account(where.venue, env, credentials)
        # env None: no testnet here, and the connector itself refuses is_testnet=True
        return routed

    def _session(self, name: str) -> aiohttp.ClientSession:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise ConfigurationError(
                "route_to: create connectors in a running event loop (a notebook cell, "
                "python -m asyncio, or inside asyncio.run()); their session belongs to it",
                exchange=name,
            ) from None
        session = self._sessions.get(loop)
        if session is None or session.closed:
            session = self._sessions[loop] = self.sim.client_session()
            if loop is not self._home:
                # the simulator closes its sessions when it stops; one of a loop that ends
                # first (a script's asyncio.run()) is closed as that loop cancels its tasks
                keeper = loop.create_task(_close_when_cancelled(session))
                self._keepers.add(keeper)
                keeper.add_done_callback(self._keepers.discard)
        return session

    def _open_account(self, venue: str, environment: str, credentials: Credentials) -> None:
        api_key = credentials.api_key.get_secret_value()

        def open_if_unknown() -> None:
            if self.sim.accounts.find(venue, environment, api_key) is None:
                self.sim.add_account(
                    venue,
                    api_key=api_key,
                    secret=credentials.api_secret.get_secret_value(),
                    passphrase=(
                        credentials.passphrase.get_secret_value()
                        if credentials.passphrase is not None
                        else None
                    ),
                    environment=environment,
                    balances=self._balances,
                    futures_balance=self._futures_balance,
                )

        home = self._home
        if home is not None and home.is_running() and home is not asyncio.get_running_loop():
            # the simulator's loop runs in another thread: change its accounts from there
            async def opened() -> None:
                open_if_unknown()

            asyncio.run_coroutine_threadsafe(opened(), home).result(timeout=10)
        else:
            open_if_unknown()


def _takes_session(exchange_class: type[BaseExchange]) -> bool:
    try:
        parameters = inspect.signature(exchange_class).parameters.values()
    except (TypeError, ValueError):  # a constructor without a readable signature
        return False
    return any(
        p.name == "session" or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters
    )


# Every function reroute_middleware() returns shares this code object.
_REROUTE_CODE = reroute_middleware(1).__code__


def _routed(session: aiohttp.ClientSession) -> bool:
    """Whether ``session`` sends its requests to a simulator (aiohttp keeps a session's
    middlewares private; without them, a session counts as not routed and gets replaced)."""
    middlewares = getattr(session, "_middlewares", None) or ()
    return any(getattr(m, "__code__", None) is _REROUTE_CODE for m in middlewares)


async def _close_when_cancelled(session: aiohttp.ClientSession) -> None:
    try:
        await asyncio.Event().wait()
    finally:
        await session.close()


def held_client_order_ids(sim: Simulator, name: str) -> list[str]:
    """The client order ids, as exchlayer's connector for ``name`` reports them, of every order
    the simulated venue holds (every account, every state, oldest first): a client id listed
    twice is a duplicated order."""
    where = SIMULATED_VENUES.get(name.lower(), SimulatedVenue(name.lower()))
    decode = _decoders().get(where.venue, str)
    ids: list[str] = []
    for account in sim.accounts:
        if account.venue != where.venue:
            continue
        for order in account.orders.values():
            state = order.venue_state
            if isinstance(state, GateOrder):  # Gate keeps the caller's id in "t-<id>"
                if state.text.startswith("t-"):
                    ids.append(state.text[2:])
            elif order.client_order_id:
                ids.append(decode(order.client_order_id))
    return ids


def _decoders() -> dict[str, Callable[[str], str]]:
    from ..venues.bingx import decode_client_order_id

    return {"bingx": decode_client_order_id}  # BingX stores an escaped form of the id
