"""TradingService: many accounts on many venues, managed inside your own process.

    async with TradingService(store=store) as service:
        conn = await service.add_exchange_connection(
            ExchangeConnection(user="alice", exchange="binance", credentials=creds)
        )
        quotes = await service.get_ticker("BTC/USDT")          # every connected venue at once
        print(quotes.best_bid, quotes.best_ask)
        order = await service.create_order(
            connection_id=conn.id, symbol="BTC/USDT", order_type=OrderType.MARKET,
            side=OrderSide.BUY, amount=Decimal("0.001"),
        )

Every connector the service creates shares one HTTP connection pool and, per venue, one copy of
the market metadata (:class:`~exchlayer.connector.markets.MarketCache`). A background monitor
re-tests each connection every ``health_check_interval`` seconds; ``get_connection_status()``
answers from that cache.

Adding, updating, testing and removing connections is safe while calls run, and against each
other. Removal wins: no add, update, test or load of a connection still in flight when it is
removed can bring it back (in memory or in the store); each fails with ``ConnectionNotFound``
and closes what it built. Of concurrent updates, the last to finish its test wins. A removed or
replaced connector is closed only after the calls already using it finish.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TypeVar, overload

import aiohttp
from pydantic import BaseModel, ConfigDict

from . import errors
from .base import BaseExchange
from .connection import ExchangeConnection
from .errors import ConfigurationError, ConnectionNotFound, ExchangeLayerError
from .factory import ExchangeFactory
from .models import (
    Balance,
    ConnectionCheck,
    Order,
    OrderBook,
    OrderSide,
    OrderType,
    Position,
    Ticker,
    TimeInForce,
    Trade,
    TradeType,
)
from .store import ConnectionStore

__all__ = [
    "ConnectionStatus",
    "ExchangeConnection",
    "Portfolio",
    "PortfolioBalance",
    "TickerSnapshot",
    "TradingService",
    "VenueQuote",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class ConnectionStatus(BaseModel):
    """The cached health of one connection."""

    model_config = _FROZEN

    connection_id: int
    user: str
    exchange: str
    label: str
    is_testnet: bool
    connected: bool
    last_check: datetime | None = None
    latency_ms: float | None = None
    last_error: str | None = None
    error_type: str | None = None


class VenueQuote(BaseModel):
    """A price on one venue."""

    model_config = _FROZEN

    exchange: str
    price: Decimal
    amount: Decimal | None = None


class TickerSnapshot(BaseModel):
    """One symbol's tickers on every connected venue, and the best bid and ask across them."""

    model_config = _FROZEN

    symbol: str
    tickers: dict[str, Ticker]
    """Exchange name -> its ticker."""
    errors: dict[str, str]
    """Exchange name -> why its ticker could not be fetched."""
    best_bid: VenueQuote | None
    best_ask: VenueQuote | None

    @property
    def spread(self) -> Decimal | None:
        """Best ask minus best bid across venues (negative: the books cross between venues)."""
        if self.best_bid is None or self.best_ask is None:
            return None
        return self.best_ask.price - self.best_bid.price


class PortfolioBalance(BaseModel):
    """One currency summed across connections."""

    model_config = _FROZEN

    currency: str
    free: Decimal
    used: Decimal
    total: Decimal
    by_connection: dict[int, Balance]


class Portfolio(BaseModel):
    """Balances summed across a user's connections (or all connections)."""

    model_config = _FROZEN

    user: str | None
    exchange: str | None = None
    """Set when the portfolio covers one exchange only."""
    balances: dict[str, PortfolioBalance]
    errors: dict[int, str]
    """Connection id -> why its balance could not be read (it is left out of the sums)."""


@dataclass(eq=False)
class _Entry:
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
        assert self.connection.id is not None
        return self.connection.id


@dataclass(eq=False)
class _Life:
    """One life of a connection id: from the add (or the load from the store) that reserves the
    id to the removal (or the service's close) that ends it.

    Routing the id to a new entry (an add, load or update completing) and ending the life both
    happen holding ``lock``, after checking ``ended``; the network is never awaited under it. So
    an update tests its new connector while the old one keeps serving, a removal waits at most
    for a store write in progress, and once a life has ended nothing can commit to it: whatever
    was still in flight for it finds ``ended``, closes the connector it built and gives up.
    """

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ended: bool = False


def _status(connection: ExchangeConnection, check: ConnectionCheck | None) -> ConnectionStatus:
    assert connection.id is not None
    return ConnectionStatus(
        connection_id=connection.id,
        user=connection.user,
        exchange=connection.exchange,
        label=connection.label,
        is_testnet=connection.is_testnet,
        connected=bool(check and check.ok),
        last_check=check.checked_at if check else None,
        latency_ms=check.latency_ms if check else None,
        last_error=check.error if check else None,
        error_type=check.error_type if check else None,
    )


def _error_from(check: ConnectionCheck) -> ExchangeLayerError:
    cls = getattr(errors, check.error_type or "", None)
    if not (isinstance(cls, type) and issubclass(cls, ExchangeLayerError)):
        cls = ExchangeLayerError
    return cls(check.error or "the connection test failed", exchange=check.exchange)


class TradingService:
    """Manages exchange connections for your application.

    Args:
        store: where connections are loaded from on :meth:`start` and saved to when added,
            updated or removed (e.g. an encrypted SQLite store). Without one, connections live
            in memory and ids are assigned by the service.
        health_check_interval: seconds between background connection tests (``None``: off).
        session: the ``aiohttp.ClientSession`` every connector shares. When omitted the service
            creates one and closes it in :meth:`close_all_connections`.
        market_ttl: seconds before a venue's shared market metadata is reloaded.
        drain_timeout: how long removing a connection waits for its in-flight calls.
    """

    def __init__(
        self,
        *,
        store: ConnectionStore | None = None,
        health_check_interval: float | None = 60.0,
        session: aiohttp.ClientSession | None = None,
        market_ttl: float | None = 3600.0,
        drain_timeout: float = 30.0,
    ) -> None:
        from .connector.markets import MarketCache

        if health_check_interval is not None and health_check_interval <= 0:
            raise ConfigurationError("health_check_interval must be positive or None")
        self._store = store
        self._interval = health_check_interval
        self._session = session
        self._own_session: aiohttp.ClientSession | None = None
        self.market_cache = MarketCache(ttl=market_ttl)
        self._drain_timeout = drain_timeout
        self._entries: dict[int, _Entry] = {}
        """The live connections: where calls are routed."""
        self._lives: dict[int, _Life] = {}
        """Every id not removed: the live connections and those being added or loaded."""
        self._retiring: set[_Entry] = set()
        """Entries no longer routed to (removed or replaced) whose connectors are not closed yet."""
        self._public: dict[str, BaseExchange] = {}
        self._ids = itertools.count(1)
        self._monitor: asyncio.Task[None] | None = None
        self._started = False
        self._closed = False

    # --- lifecycle -------------------------------------------------------------------
    async def __aenter__(self) -> TradingService:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close_all_connections()

    async def start(self) -> None:
        """Connect every stored connection (those that fail their test stay listed, marked
        disconnected) and start the health monitor."""
        self._check_open()
        if self._started:
            return
        self._started = True
        if self._store is not None:
            stored = await self._store.list()
            self._check_open()
            # Reserve every id before the first await, so a removal during the load wins.
            pending = [
                (c, self._reserve(c.id)) for c in stored
                if c.id is not None and c.id not in self._lives
            ]
            await asyncio.gather(*(self._load(c, life) for c, life in pending))
        if self._interval is not None and not self._closed:
            self._monitor = asyncio.create_task(self._monitor_loop(self._interval))

    async def close_all_connections(self) -> None:
        """Stop the monitor and close every connector (and the shared session if owned).

        Anything still in flight loses: an add, update or load finishing afterwards raises
        (or, for a load, drops the connection) and closes the connector it built.
        """
        if self._closed:
            return
        self._closed = True  # from here on no life can begin
        if self._monitor is not None:
            self._monitor.cancel()
            await asyncio.gather(self._monitor, return_exceptions=True)

        async def end(connection_id: int, life: _Life) -> None:
            async with life.lock:  # lets a store write in progress finish
                if not life.ended:
                    self._end(connection_id, life)

        await asyncio.gather(*(end(cid, life) for cid, life in list(self._lives.items())))
        # also those a concurrent removal or update is retiring: none may outlive the service
        await asyncio.gather(*(self._retire(entry) for entry in list(self._retiring)))
        public = list(self._public.values())
        self._public.clear()
        await asyncio.gather(*(exchange.close() for exchange in public))
        if self._own_session is not None:
            await self._own_session.close()
            self._own_session = None

    def _check_open(self) -> None:
        if self._closed:
            raise ConfigurationError("this TradingService is closed; create a new one")

    def _http(self) -> aiohttp.ClientSession:
        if self._session is not None:
            return self._session
        if self._own_session is None:
            from .connector.core import _ssl_context

            connector = aiohttp.TCPConnector(ssl=_ssl_context(), limit=100)
            self._own_session = aiohttp.ClientSession(connector=connector, trust_env=False)
        return self._own_session

    # --- the life of a connection ----------------------------------------------------------
    # An id's life begins with _reserve and ends with _end (a removal or the close) or _abandon
    # (its add or load failed). _install routes the id to a new entry. _install and _end run
    # holding the life's lock, after _changing has checked that the life has not ended.
    def _reserve(self, connection_id: int) -> _Life:
        self._check_open()
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
        """Hold the id's lock; raise if its life ended (removed, or the service closed)."""
        async with life.lock:
            if life.ended:
                self._check_open()
                raise ConnectionNotFound(f"connection {connection_id} was removed")
            yield

    def _install(self, entry: _Entry) -> _Entry | None:
        """Route the entry's id to it; the entry it replaces, if any, is to be retired."""
        old = self._entries.get(entry.id)
        self._entries[entry.id] = entry
        if old is not None:
            self._retiring.add(old)
        return old

    def _end(self, connection_id: int, life: _Life) -> _Entry | None:
        """End a life: the id is forgotten and its entry, if any, is to be retired."""
        life.ended = True
        del self._lives[connection_id]
        entry = self._entries.pop(connection_id, None)
        if entry is not None:
            self._retiring.add(entry)
        return entry

    async def _retire(self, entry: _Entry) -> None:
        """Close a connector no longer routed to, once the calls using it finish (or after
        ``drain_timeout``). Idempotent; the close goes on if the caller is cancelled."""
        if entry.closing is None:
            entry.closing = asyncio.ensure_future(self._drain_and_close(entry))
        await asyncio.shield(entry.closing)

    async def _drain_and_close(self, entry: _Entry) -> None:
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

    # --- connections -----------------------------------------------------------------
    def _build(self, connection: ExchangeConnection) -> BaseExchange:
        from .connector.core import CcxtExchange

        cls = ExchangeFactory.get_exchange_class(connection.exchange)
        options = dict(connection.options)
        if issubclass(cls, CcxtExchange):
            options.setdefault("session", self._http())
            options.setdefault("market_cache", self.market_cache)
        creds = connection.credentials
        return ExchangeFactory.create_exchange(
            connection.exchange,
            api_key=creds.api_key if creds else None,
            api_secret=creds.api_secret if creds else None,
            passphrase=creds.passphrase if creds else None,
            is_testnet=connection.is_testnet,
            **options,
        )

    @staticmethod
    async def _tested(exchange: BaseExchange) -> ConnectionCheck:
        check = await exchange.check_connection()
        if not check.ok:
            raise _error_from(check)
        return check

    async def _load(self, connection: ExchangeConnection, life: _Life) -> None:
        """Connect a stored connection; one that fails its test stays listed, marked
        disconnected. Removed (or the service closed) meanwhile: dropped."""
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
                    self._install(_Entry(connection, exchange, _status(connection, check)))
                    return
        except BaseException:
            self._abandon(connection.id, life)
            await exchange.close()
            raise
        await exchange.close()

    async def add_exchange_connection(
        self, connection: ExchangeConnection, *, test: bool = True
    ) -> ExchangeConnection:
        """Create the connector, test it, and keep it (saved to the store, if any).

        A connection given with an id (one already in the store, say) takes that id at once:
        adding it again meanwhile is refused, and removing it meanwhile makes this add fail.

        Returns:
            The connection with its id assigned (truthy, so ``if await add(...)`` reads well).

        Raises:
            ConfigurationError: unknown exchange, incomplete credentials, a duplicate id, or the
                service closed meanwhile.
            ConnectionNotFound: the connection (given with an id) was removed meanwhile.
            AuthenticationError, ExchangeUnavailable, ...: the connection test failed; nothing
                is kept. With ``test=False`` the connection is kept untested.
        """
        self._check_open()
        life = None if connection.id is None else self._reserve(connection.id)
        exchange: BaseExchange | None = None
        saved = False
        try:
            exchange = self._build(connection)  # configuration errors surface before any I/O
            check = await self._tested(exchange) if test else None
            if connection.id is None:
                connection = await self._with_new_id(connection)
                assert connection.id is not None
                saved = self._store is not None
                life = self._reserve(connection.id)
            assert life is not None
            async with self._changing(connection.id, life):
                self._install(_Entry(connection, exchange, _status(connection, check)))
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

    async def update_exchange_connection(
        self, connection: ExchangeConnection, *, test: bool = True
    ) -> ExchangeConnection:
        """Replace a connection (new credentials, label or options), re-test it, save it.

        The old connector serves calls while the new one is tested; then calls are routed to
        the new one and the old one is closed once the calls using it finish. Of concurrent
        updates of one connection, the last to finish wins: its connector is the one left, its
        version the one stored; the others' connectors are closed.

        Raises:
            ConnectionNotFound: no such connection, or it was removed before this update
                finished (removal wins: nothing is saved and the new connector is closed).
            AuthenticationError, ExchangeUnavailable, ...: the connection test failed; the
                connection stays as it was.
        """
        self._check_open()
        if connection.id is None:
            raise ConfigurationError("the connection to update has no id")
        connection_id = connection.id
        self._entry(connection_id)
        life = self._lives[connection_id]
        exchange = self._build(connection)
        try:
            check = await self._tested(exchange) if test else None
            async with self._changing(connection_id, life):
                if self._store is not None:
                    connection = await self._store.update(connection)
                old = self._install(_Entry(connection, exchange, _status(connection, check)))
        except BaseException:
            await exchange.close()
            raise
        if old is not None:
            await self._retire(old)
        return connection

    async def remove_exchange_connection(self, connection_id: int) -> bool:
        """Close and forget a connection (and delete it from the store). ``False`` if unknown.

        The connection takes no new calls from now on; its connector is closed when the calls
        already using it finish (or after ``drain_timeout``). Removal wins over an add, update
        or test of the connection still in flight: they fail with ``ConnectionNotFound``.
        """
        life = self._lives.get(connection_id)
        if life is None:
            return False
        async with life.lock:  # waits for a store write in progress, never for the network
            if life.ended:
                return False  # a concurrent removal (or the service's close) came first
            entry = self._end(connection_id, life)
        try:
            if self._store is not None:
                await self._store.delete(connection_id)
        finally:
            if entry is not None:
                await self._retire(entry)
        return True

    def connections(self, user: str | None = None) -> list[ExchangeConnection]:
        """The connections (of ``user``), by id. Credentials stay inside."""
        entries = sorted(self._entries.values(), key=lambda e: e.id)
        return [e.connection for e in entries if user is None or e.connection.user == user]

    def get_connection(self, connection_id: int, *, user: str | None = None) -> ExchangeConnection:
        """One connection; with ``user``, only if it is that user's."""
        return self._entry(connection_id, user).connection

    def _entry(self, connection_id: int, user: str | None = None) -> _Entry:
        entry = self._entries.get(connection_id)
        if entry is None or (user is not None and entry.connection.user != user):
            raise ConnectionNotFound(f"no connection {connection_id}")
        return entry

    async def get_exchange(
        self, exchange_name: str, *, user: str | None = None
    ) -> BaseExchange | None:
        """A connector for ``exchange_name`` (a connected one if any), or ``None``."""
        name = exchange_name.strip().lower()
        candidates = [
            e for e in self._entries.values()
            if e.connection.exchange == name and (user is None or e.connection.user == user)
        ]
        candidates.sort(key=lambda e: (not e.status.connected, e.id))
        return candidates[0].exchange if candidates else None

    async def market_data(self, exchange_name: str) -> BaseExchange:
        """A credential-less connector for public market data of ``exchange_name`` (tickers,
        books, symbols, exchange info), created on first use and shared; it belongs to no user,
        so serving public data never touches anyone's connection."""
        self._check_open()
        name = exchange_name.strip().lower()
        found = self._public.get(name)
        if found is None:  # no await between the check and the insert: one per venue
            found = self._public[name] = self._build(
                ExchangeConnection(user="public", exchange=name)
            )
        return found

    def exchange_for(self, connection_id: int, *, user: str | None = None) -> BaseExchange:
        """The connector of one connection (for calls the service does not route)."""
        return self._entry(connection_id, user).exchange

    @asynccontextmanager
    async def _using(self, entry: _Entry) -> AsyncIterator[BaseExchange]:
        """Count a call on ``entry``, so that retiring it waits for the call; refused if the
        entry no longer serves its connection (removed or replaced)."""
        if self._entries.get(entry.id) is not entry:
            raise ConnectionNotFound(f"no connection {entry.id}")
        entry.active += 1
        entry.idle.clear()
        try:
            yield entry.exchange
        finally:
            entry.active -= 1
            if entry.active == 0:
                entry.idle.set()

    async def _call(
        self,
        connection_id: int,
        user: str | None,
        call: Callable[[BaseExchange], Awaitable[T]],
    ) -> T:
        async with self._using(self._entry(connection_id, user)) as exchange:
            return await call(exchange)

    # --- health ------------------------------------------------------------------------
    async def get_connection_status(
        self, *, refresh: bool = False, user: str | None = None
    ) -> dict[int, ConnectionStatus]:
        """Per connection: connected, last check, latency, last error. Answered from the
        monitor's cache unless ``refresh`` (which tests every connection now)."""
        if refresh:
            await self._check_all()
        return {
            cid: e.status for cid, e in sorted(self._entries.items())
            if user is None or e.connection.user == user
        }

    async def test_connection(
        self, connection_id: int, *, user: str | None = None
    ) -> ConnectionStatus:
        """Test one connection now and return its refreshed status. If an update replaces the
        connector during the test, the replacement is tested.

        Raises:
            ConnectionNotFound: no such connection, or it was removed during the test.
        """
        while True:
            entry = self._entry(connection_id, user)
            async with self._using(entry) as exchange:
                check = await exchange.check_connection()
            entry.status = _status(entry.connection, check)
            if self._entries.get(connection_id) is entry:
                return entry.status

    async def _check_all(self) -> None:
        entries = list(self._entries.values())

        async def check(entry: _Entry) -> None:
            try:
                async with self._using(entry) as exchange:
                    result = await exchange.check_connection()
            except ConnectionNotFound:
                return  # removed or replaced meanwhile
            entry.status = _status(entry.connection, result)  # a retired entry's is never read

        await asyncio.gather(*(check(e) for e in entries))

    async def _monitor_loop(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self._check_all()
            except Exception:  # the monitor must outlive any one failure
                log.exception("connection health check failed")

    # --- routed calls: market data ---------------------------------------------------------
    @overload
    async def get_ticker(
        self, symbol: str, exchange: str, *, user: str | None = None
    ) -> Ticker: ...
    @overload
    async def get_ticker(
        self, symbol: str, exchange: None = None, *, user: str | None = None
    ) -> TickerSnapshot: ...
    async def get_ticker(
        self, symbol: str, exchange: str | None = None, *, user: str | None = None
    ) -> Ticker | TickerSnapshot:
        """The ticker of ``symbol`` on one venue, or on every venue that has a connection (of
        ``user``: which venues others use is none of their business), concurrently, with the
        best bid and ask across them. Public data: served by :meth:`market_data` connectors."""
        if exchange is not None:
            return await (await self.market_data(exchange)).get_ticker(symbol)
        names = sorted({c.exchange for c in self.connections(user)})
        venues = {name: await self.market_data(name) for name in names}
        results = await asyncio.gather(
            *(c.get_ticker(symbol) for c in venues.values()), return_exceptions=True
        )
        tickers: dict[str, Ticker] = {}
        failures: dict[str, str] = {}
        for name, result in zip(venues, results, strict=True):
            if isinstance(result, Ticker):
                tickers[name] = result
            elif isinstance(result, ExchangeLayerError):
                failures[name] = str(result)
            elif isinstance(result, BaseException):
                raise result
        bids = [VenueQuote(exchange=n, price=t.bid, amount=t.bid_size)
                for n, t in tickers.items() if t.bid is not None]
        asks = [VenueQuote(exchange=n, price=t.ask, amount=t.ask_size)
                for n, t in tickers.items() if t.ask is not None]
        return TickerSnapshot(
            symbol=symbol,
            tickers=tickers,
            errors=failures,
            best_bid=max(bids, key=lambda q: q.price, default=None),
            best_ask=min(asks, key=lambda q: q.price, default=None),
        )

    async def get_order_book(self, symbol: str, exchange: str, limit: int = 20) -> OrderBook:
        """The order book of ``symbol`` on one venue."""
        return await (await self.market_data(exchange)).get_order_book(symbol, limit)

    # --- routed calls: by connection --------------------------------------------------------
    async def create_order(
        self,
        *,
        connection_id: int,
        symbol: str,
        order_type: OrderType,
        side: OrderSide,
        amount: Decimal,
        price: Decimal | None = None,
        stop_price: Decimal | None = None,
        trade_type: TradeType | None = None,
        time_in_force: TimeInForce | None = None,
        reduce_only: bool = False,
        client_order_id: str | None = None,
        user: str | None = None,
    ) -> Order:
        """Place an order through one connection (see :meth:`BaseExchange.create_order`)."""
        return await self._call(
            connection_id,
            user,
            lambda ex: ex.create_order(
                symbol, order_type, side, amount, price,
                stop_price=stop_price, trade_type=trade_type, time_in_force=time_in_force,
                reduce_only=reduce_only, client_order_id=client_order_id,
            ),
        )

    async def get_order(
        self,
        connection_id: int,
        order_id: str | None,
        symbol: str,
        *,
        client_order_id: str | None = None,
        trade_type: TradeType | None = None,
        user: str | None = None,
    ) -> Order:
        """Look an order up through one connection."""
        return await self._call(
            connection_id, user,
            lambda ex: ex.get_order(
                order_id, symbol, client_order_id=client_order_id, trade_type=trade_type
            ),
        )

    async def cancel_order(
        self,
        connection_id: int,
        order_id: str | None,
        symbol: str,
        *,
        client_order_id: str | None = None,
        trade_type: TradeType | None = None,
        user: str | None = None,
    ) -> bool:
        """Cancel an order through one connection."""
        return await self._call(
            connection_id, user,
            lambda ex: ex.cancel_order(
                order_id, symbol, client_order_id=client_order_id, trade_type=trade_type
            ),
        )

    async def get_open_orders(
        self,
        connection_id: int,
        symbol: str | None = None,
        *,
        trade_type: TradeType | None = None,
        user: str | None = None,
    ) -> list[Order]:
        """Open orders through one connection."""
        return await self._call(
            connection_id, user, lambda ex: ex.get_open_orders(symbol, trade_type=trade_type)
        )

    async def get_trades(
        self,
        connection_id: int,
        symbol: str,
        limit: int = 100,
        *,
        trade_type: TradeType | None = None,
        user: str | None = None,
    ) -> list[Trade]:
        """The account's fills on ``symbol`` through one connection."""
        return await self._call(
            connection_id, user, lambda ex: ex.get_trades(symbol, limit, trade_type=trade_type)
        )

    async def get_positions(
        self, connection_id: int, symbol: str | None = None, *, user: str | None = None
    ) -> list[Position]:
        """Open futures positions through one connection."""
        return await self._call(connection_id, user, lambda ex: ex.get_positions(symbol))

    async def set_leverage(
        self, connection_id: int, symbol: str, leverage: int, *, user: str | None = None
    ) -> bool:
        """Set leverage through one connection."""
        return await self._call(connection_id, user, lambda ex: ex.set_leverage(symbol, leverage))

    async def get_balance(
        self,
        connection_id: int,
        currency: str | None = None,
        *,
        trade_type: TradeType | None = None,
        user: str | None = None,
    ) -> list[Balance]:
        """Balances of one connection."""
        return await self._call(
            connection_id, user, lambda ex: ex.get_balance(currency, trade_type=trade_type)
        )

    async def get_portfolio(
        self,
        user: str | None = None,
        *,
        exchange: str | None = None,
        trade_type: TradeType | None = None,
    ) -> Portfolio:
        """Balances summed per currency across the connections (of ``user``, to ``exchange``),
        read concurrently; a connection that fails is reported in ``errors`` and left out.

        Raises:
            ConnectionNotFound: ``exchange`` is given and no such connection exists.
            ExchangeLayerError: every connection failed (there is nothing to sum): the first
                connection's error.
        """
        name = exchange.strip().lower() if exchange is not None else None
        ids = [
            c.id for c in self.connections(user)
            if c.id is not None and c.has_credentials and (name is None or c.exchange == name)
        ]
        if name is not None and not ids:
            raise ConnectionNotFound(f"no connection to {name}", exchange=name)
        results = await asyncio.gather(
            *(self.get_balance(cid, trade_type=trade_type, user=user) for cid in ids),
            return_exceptions=True,
        )
        rows: dict[str, list[tuple[int, Balance]]] = {}
        failures: dict[int, str] = {}
        first_error: ExchangeLayerError | None = None
        for cid, result in zip(ids, results, strict=True):
            if isinstance(result, ExchangeLayerError):
                failures[cid] = str(result)
                first_error = first_error or result
                continue
            if isinstance(result, BaseException):
                raise result
            for balance in result:
                rows.setdefault(balance.currency, []).append((cid, balance))
        if first_error is not None and len(failures) == len(ids):
            raise first_error
        return Portfolio(
            user=user,
            exchange=name,
            balances={
                currency: PortfolioBalance(
                    currency=currency,
                    free=sum((b.free for _, b in items), Decimal(0)),
                    used=sum((b.used for _, b in items), Decimal(0)),
                    total=sum((b.total for _, b in items), Decimal(0)),
                    by_connection=dict(items),
                )
                for currency, items in sorted(rows.items())
            },
            errors=failures,
        )

    def __repr__(self) -> str:
        return f"<TradingService connections={len(self._entries)}>"

