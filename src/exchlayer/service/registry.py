"""The connection registry: which connector serves which connection id, and the life of each id.

Adding, updating, testing and removing connections is safe while calls run, and against each
other. Removal wins: no add, update, test or load of a connection still in flight when it is
removed can bring it back (in memory or in the store); each fails with `ConnectionNotFound` and
closes what it built. Of concurrent updates, the last to finish its test wins. A removed or
replaced connector is closed only after the calls already using it finish.

An id's life begins with `_reserve` and ends with `_end` (a removal or the close) or `_abandon`
(its add or load failed). `_install` routes the id to a new entry. `_install` and `_end` run
holding the life's lock, after `_changing` has checked that the life has not ended.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from ..base import BaseExchange
from ..connection import ExchangeConnection
from ..errors import ConfigurationError, ConnectionNotFound, ExchangeLayerError
from ..store import ConnectionStore
from .health import status_of, tested
from .models import ConnectionStatus

__all__ = ["ConnectionRegistry", "Entry"]

log = logging.getLogger("exchlayer.service")
T = TypeVar("T")


@dataclass(eq=False)
class Entry:
    """One connector serving one connection, and the calls using it right now."""

    connection: ExchangeConnection
    exchange: BaseExchange
    status: ConnectionStatus
    active: int = 0
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    closing: asyncio.Future[None] | None = None
    """Set once the entry is retired: draining its calls, then closing its connector."""

    def __post_init__(self) -> None:
        self.idle.set()

    @property
    def id(self) -> int:
        """The connection id."""
        assert self.connection.id is not None
        return self.connection.id


@dataclass(eq=False)
class _Life:
    """One life of a connection id: from the add (or the load from the store) that reserves the
    id to the removal (or the registry's close) that ends it.

    Routing the id to a new entry (an add, load or update completing) and ending the life both
    happen holding `lock`, after checking `ended`; the network is never awaited under it. So
    an update tests its new connector while the old one keeps serving, a removal waits at most
    for a store write in progress, and once a life has ended nothing can commit to it: whatever
    was still in flight for it finds `ended`, closes the connector it built and gives up.
    """

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ended: bool = False


class ConnectionRegistry:
    """The live connections, their connectors, and the store kept in step with them.

    Args:
        build: creates the connector of a connection (raising on a bad configuration).
        store: where connections are loaded from and saved to; without one, ids are assigned
            here and connections live in memory.
        drain_timeout: how long retiring a connector waits for the calls using it.
    """

    def __init__(
        self,
        build: Callable[[ExchangeConnection], BaseExchange],
        *,
        store: ConnectionStore | None,
        drain_timeout: float,
    ) -> None:
        self._build = build
        self._store = store
        self._drain_timeout = drain_timeout
        self._entries: dict[int, Entry] = {}
        """The live connections: where calls are routed."""
        self._lives: dict[int, _Life] = {}
        """Every id not removed: the live connections and those being added or loaded."""
        self._retiring: set[Entry] = set()
        """Entries no longer routed to (removed or replaced) whose connectors are not closed yet."""
        self._ids = itertools.count(1)
        self._closed = False

    def __len__(self) -> int:
        return len(self._entries)

    # --- open and closed ---------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        """Whether the registry refuses new lives (it is closing or closed)."""
        return self._closed

    def check_open(self) -> None:
        """Raise if the registry (the service) is closed.

        Raises:
            ConfigurationError: it is closed.
        """
        if self._closed:
            raise ConfigurationError("this TradingService is closed; create a new one")

    def shut(self) -> None:
        """Refuse every new life from now on: the first step of closing, taken at once."""
        self._closed = True

    async def close(self) -> None:
        """End every life and close every connector, the retiring ones included.

        Anything still in flight loses: an add, update or load finishing afterwards raises
        (or, for a load, drops the connection) and closes the connector it built.
        """
        self.shut()

        async def end(connection_id: int, life: _Life) -> None:
            async with life.lock:  # lets a store write in progress finish
                if not life.ended:
                    self._end(connection_id, life)

        await asyncio.gather(*(end(cid, life) for cid, life in list(self._lives.items())))
        # also those a concurrent removal or update is retiring: none may outlive the registry
        await asyncio.gather(*(self._retire(entry) for entry in list(self._retiring)))

    # --- the life of a connection ------------------------------------------------------------
    def _reserve(self, connection_id: int) -> _Life:
        self.check_open()
        if connection_id in self._lives:
            raise ConfigurationError(f"connection {connection_id} is already added")
        life = self._lives[connection_id] = _Life()
        return life

    def _abandon(self, connection_id: int, life: _Life) -> None:
        """End a life that never got an entry (its add or load failed)."""
        life.ended = True
        if self._lives.get(connection_id) is life:
            del self._lives[connection_id]

    @asynccontextmanager
    async def _changing(self, connection_id: int, life: _Life) -> AsyncIterator[None]:
        """Hold the id's lock; raise if its life ended (removed, or the registry closed)."""
        async with life.lock:
            if life.ended:
                self.check_open()
                raise ConnectionNotFound(f"connection {connection_id} was removed")
            yield

    def _install(self, entry: Entry) -> Entry | None:
        """Route the entry's id to it; the entry it replaces, if any, is to be retired."""
        old = self._entries.get(entry.id)
        self._entries[entry.id] = entry
        if old is not None:
            self._retiring.add(old)
        return old

    def _end(self, connection_id: int, life: _Life) -> Entry | None:
        """End a life: the id is forgotten and its entry, if any, is to be retired."""
        life.ended = True
        del self._lives[connection_id]
        entry = self._entries.pop(connection_id, None)
        if entry is not None:
            self._retiring.add(entry)
        return entry

    async def _retire(self, entry: Entry) -> None:
        """Close a connector no longer routed to, once the calls using it finish (or after
        `drain_timeout`). Idempotent; the close goes on if the caller is cancelled."""
        if entry.closing is None:
            entry.closing = asyncio.ensure_future(self._drain_and_close(entry))
        await asyncio.shield(entry.closing)

    async def _drain_and_close(self, entry: Entry) -> None:
        try:
            await asyncio.wait_for(entry.idle.wait(), self._drain_timeout)
        except asyncio.TimeoutError:
            log.warning(
                "closing connection %s with %d call(s) still running", entry.id, entry.active
            )
        try:
            await entry.exchange.close()
        finally:
            self._retiring.discard(entry)

    # --- loading, adding, updating, removing -------------------------------------------------
    async def load(self) -> None:
        """Connect every stored connection not already added."""
        if self._store is None:
            return
        stored = await self._store.list()
        self.check_open()
        # Reserve every id before the first await, so a removal during the load wins.
        pending = [
            (c, self._reserve(c.id)) for c in stored
            if c.id is not None and c.id not in self._lives
        ]
        await asyncio.gather(*(self._load(c, life) for c, life in pending))

    async def _load(self, connection: ExchangeConnection, life: _Life) -> None:
        """Connect a stored connection; one that fails its test stays listed, marked
        disconnected. Removed (or the registry closed) meanwhile: dropped."""
        assert connection.id is not None
        try:
            exchange = self._build(connection)
        except ExchangeLayerError as exc:
            log.warning("stored connection %s cannot be created: %s", connection.id, exc)
            self._abandon(connection.id, life)
            return
        try:
            check = await exchange.check_connection()
            async with life.lock:
                if not life.ended:
                    self._install(Entry(connection, exchange, status_of(connection, check)))
                    return
        except BaseException:
            self._abandon(connection.id, life)
            await exchange.close()
            raise
        await exchange.close()

    async def add(self, connection: ExchangeConnection, *, test: bool) -> ExchangeConnection:
        """Build, test (if `test`) and keep a connection; see
        `TradingService.add_exchange_connection`."""
        self.check_open()
        life = None if connection.id is None else self._reserve(connection.id)
        exchange: BaseExchange | None = None
        saved = False
        try:
            exchange = self._build(connection)  # configuration errors surface before any I/O
            check = await tested(exchange) if test else None
            if connection.id is None:
                connection = await self._with_new_id(connection)
                assert connection.id is not None
                saved = self._store is not None
                life = self._reserve(connection.id)
            assert life is not None
            async with self._changing(connection.id, life):
                self._install(Entry(connection, exchange, status_of(connection, check)))
        except BaseException:
            if exchange is not None:
                await exchange.close()
            if connection.id is not None:
                if life is not None:
                    self._abandon(connection.id, life)
                if saved:
                    await self._unsave(connection.id)
            raise
        return connection

    async def _with_new_id(self, connection: ExchangeConnection) -> ExchangeConnection:
        if self._store is not None:
            return await self._store.add(connection)
        connection_id = next(self._ids)
        while connection_id in self._lives:  # taken by a connection added with its id
            connection_id = next(self._ids)
        return connection.model_copy(update={"id": connection_id})

    async def _unsave(self, connection_id: int) -> None:
        """Take the row of an add that failed after saving back out of the store."""
        assert self._store is not None
        try:
            await self._store.delete(connection_id)
        except ExchangeLayerError as exc:
            log.warning("could not delete stored connection %s: %s", connection_id, exc)

    async def update(self, connection: ExchangeConnection, *, test: bool) -> ExchangeConnection:
        """Replace a connection's connector and stored version; see
        `TradingService.update_exchange_connection`."""
        self.check_open()
        if connection.id is None:
            raise ConfigurationError("the connection to update has no id")
        connection_id = connection.id
        self.entry(connection_id)
        life = self._lives[connection_id]
        exchange = self._build(connection)
        try:
            check = await tested(exchange) if test else None
            async with self._changing(connection_id, life):
                if self._store is not None:
                    connection = await self._store.update(connection)
                old = self._install(Entry(connection, exchange, status_of(connection, check)))
        except BaseException:
            await exchange.close()
            raise
        if old is not None:
            await self._retire(old)
        return connection

    async def remove(self, connection_id: int) -> bool:
        """End a connection's life; see `TradingService.remove_exchange_connection`."""
        life = self._lives.get(connection_id)
        if life is None:
            return False
        async with life.lock:  # waits for a store write in progress, never for the network
            if life.ended:
                return False  # a concurrent removal (or the registry's close) came first
            entry = self._end(connection_id, life)
        try:
            if self._store is not None:
                await self._store.delete(connection_id)
        finally:
            if entry is not None:
                await self._retire(entry)
        return True

    # --- lookups and calls -------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        """The live entries, by id."""
        return sorted(self._entries.values(), key=lambda e: e.id)

    def connections(self, user: str | None = None) -> list[ExchangeConnection]:
        """The connections (of `user`), by id."""
        return [e.connection for e in self.entries() if user is None or e.connection.user == user]

    def entry(self, connection_id: int, user: str | None = None) -> Entry:
        """The live entry of a connection; with `user`, only if it is that user's.

        Raises:
            ConnectionNotFound: no such connection (for `user`).
        """
        entry = self._entries.get(connection_id)
        if entry is None or (user is not None and entry.connection.user != user):
            raise ConnectionNotFound(f"no connection {connection_id}")
        return entry

    def is_current(self, entry: Entry) -> bool:
        """Whether `entry` still serves its connection (not removed, not replaced)."""
        return self._entries.get(entry.id) is entry

    def find(self, exchange_name: str, user: str | None = None) -> BaseExchange | None:
        """A connector of a connection to `exchange_name` (a connected one first), or `None`."""
        name = exchange_name.strip().lower()
        candidates = [
            e for e in self._entries.values()
            if e.connection.exchange == name and (user is None or e.connection.user == user)
        ]
        candidates.sort(key=lambda e: (not e.status.connected, e.id))
        return candidates[0].exchange if candidates else None

    @asynccontextmanager
    async def using(self, entry: Entry) -> AsyncIterator[BaseExchange]:
        """Count a call on `entry`, so that retiring it waits for the call.

        Raises:
            ConnectionNotFound: the entry no longer serves its connection (removed or replaced).
        """
        if not self.is_current(entry):
            raise ConnectionNotFound(f"no connection {entry.id}")
        entry.active += 1
        entry.idle.clear()
        try:
            yield entry.exchange
        finally:
            entry.active -= 1
            if entry.active == 0:
                entry.idle.set()

    async def call(
        self,
        connection_id: int,
        user: str | None,
        call: Callable[[BaseExchange], Awaitable[T]],
    ) -> T:
        """`call` on the connector of one connection (of `user`), counted as in `using`."""
        async with self.using(self.entry(connection_id, user)) as exchange:
            return await call(exchange)
