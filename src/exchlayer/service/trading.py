"""`TradingService`: the one object users hold. It ties the parts of the package together:

- `connectors`: builds connectors and owns what they share (HTTP session, market cache, the
  credential-less connectors serving public data);
- `registry`: the connections, the life of each id, the store kept in step;
- `health`: connection tests and the background monitor;
- `aggregation`: answers gathered across venues and connections.

The calls routed to one connection are here, each a one-line hand-over to the connector.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import TYPE_CHECKING, overload

import aiohttp

from ..base import BaseExchange
from ..connection import ExchangeConnection
from ..errors import ConfigurationError, ConnectionNotFound
from ..models import (
    Balance,
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
from ..orders import OrderRequest, order_request
from ..store import ConnectionStore
from . import aggregation
from .connectors import Connectors
from .health import HealthMonitor
from .models import ConnectionStatus, Portfolio, QuoteSnapshot, TickerSnapshot
from .registry import ConnectionRegistry

if TYPE_CHECKING:
    from ..connector.markets import MarketCache

__all__ = ["TradingService"]


class TradingService:
    """Manages exchange connections for your application.

    Args:
        store: where connections are loaded from on `start` and saved to when added,
            updated or removed (e.g. an encrypted SQLite store). Without one, connections live
            in memory and ids are assigned by the service.
        health_check_interval: seconds between background connection tests (`None`: off).
        session: the `aiohttp.ClientSession` every connector shares. When omitted the service
            creates one and closes it in `close_all_connections`.
        market_ttl: seconds before a venue's shared market metadata is reloaded.
        drain_timeout: how long removing a connection waits for its in-flight calls.

    Raises:
        ConfigurationError: `health_check_interval` is not positive.
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
        if health_check_interval is not None and health_check_interval <= 0:
            raise ConfigurationError("health_check_interval must be positive or None")
        self._connectors = Connectors(session=session, market_ttl=market_ttl)
        self.market_cache: MarketCache = self._connectors.market_cache
        """The market metadata every connector of a venue shares."""
        self._registry = ConnectionRegistry(
            self._connectors.build, store=store, drain_timeout=drain_timeout
        )
        self._health = HealthMonitor(self._registry, interval=health_check_interval)
        self._started = False

    # --- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> TradingService:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close_all_connections()

    async def start(self) -> None:
        """Connect every stored connection (those that fail their test stay listed, marked
        disconnected) and start the health monitor.

        Raises:
            ConfigurationError: the service is closed.
        """
        self._registry.check_open()
        if self._started:
            return
        self._started = True
        await self._registry.load()
        if not self._registry.closed:
            self._health.start()

    async def close_all_connections(self) -> None:
        """Stop the monitor and close every connector (and the shared session if owned).

        Anything still in flight loses: an add, update or load finishing afterwards raises
        (or, for a load, drops the connection) and closes the connector it built.
        """
        if self._registry.closed:
            return
        self._registry.shut()  # from here on no life can begin
        await self._health.stop()
        await self._registry.close()
        await self._connectors.close()

    # --- connections -----------------------------------------------------------------------
    async def add_exchange_connection(
        self, connection: ExchangeConnection, *, test: bool = True
    ) -> ExchangeConnection:
        """Create the connector, test it, and keep it (saved to the store, if any).

        A connection given with an id (one already in the store, say) takes that id at once:
        adding it again meanwhile is refused, and removing it meanwhile makes this add fail.

        Args:
            connection: the connection to add, with or without an id.
            test: test the connection first (`False`: keep it untested).

        Returns:
            The connection with its id assigned (truthy, so `if await add(...)` reads well).

        Raises:
            ConfigurationError: unknown exchange, incomplete credentials, a duplicate id, or the
                service closed meanwhile.
            ConnectionNotFound: the connection (given with an id) was removed meanwhile.
            AuthenticationError: the venue refused the credentials; nothing is kept. Any other
                error of the test (`ExchangeUnavailable`, ...) likewise.
        """
        return await self._registry.add(connection, test=test)

    async def update_exchange_connection(
        self, connection: ExchangeConnection, *, test: bool = True
    ) -> ExchangeConnection:
        """Replace a connection (new credentials, label or options), re-test it, save it.

        The old connector serves calls while the new one is tested; then calls are routed to
        the new one and the old one is closed once the calls using it finish. Of concurrent
        updates of one connection, the last to finish wins: its connector is the one left, its
        version the one stored; the others' connectors are closed.

        Args:
            connection: the new version, with the id of the connection it replaces.
            test: test the new version first.

        Returns:
            The connection as stored.

        Raises:
            ConfigurationError: the connection has no id, or its configuration is invalid.
            ConnectionNotFound: no such connection, or it was removed before this update
                finished (removal wins: nothing is saved and the new connector is closed).
            AuthenticationError: the venue refused the new credentials; the connection stays
                as it was. Any other error of the test (`ExchangeUnavailable`, ...) likewise.
        """
        return await self._registry.update(connection, test=test)

    async def remove_exchange_connection(self, connection_id: int) -> bool:
        """Close and forget a connection (and delete it from the store).

        The connection takes no new calls from now on; its connector is closed when the calls
        already using it finish (or after `drain_timeout`). Removal wins over an add, update
        or test of the connection still in flight: they fail with `ConnectionNotFound`.

        Args:
            connection_id: the connection to remove.

        Returns:
            `True` if it was removed, `False` if there was no such connection.
        """
        return await self._registry.remove(connection_id)

    def connections(self, user: str | None = None) -> list[ExchangeConnection]:
        """The connections (of `user`), by id. Credentials stay inside."""
        return self._registry.connections(user)

    def get_connection(self, connection_id: int, *, user: str | None = None) -> ExchangeConnection:
        """One connection; with `user`, only if it is that user's.

        Raises:
            ConnectionNotFound: no such connection (for `user`).
        """
        return self._registry.entry(connection_id, user).connection

    async def get_exchange(
        self, exchange_name: str, *, user: str | None = None
    ) -> BaseExchange | None:
        """A connector for `exchange_name` (a connected one if any), or `None`."""
        return self._registry.find(exchange_name, user)

    async def market_data(self, exchange_name: str) -> BaseExchange:
        """A credential-less connector for public market data of `exchange_name` (tickers,
        books, symbols, exchange info), created on first use and shared; it belongs to no user,
        so serving public data never touches anyone's connection.

        Raises:
            ConfigurationError: unknown exchange, or the service is closed.
        """
        self._registry.check_open()
        return self._connectors.public(exchange_name)

    def exchange_for(self, connection_id: int, *, user: str | None = None) -> BaseExchange:
        """The connector of one connection (for calls the service does not route).

        Raises:
            ConnectionNotFound: no such connection (for `user`).
        """
        return self._registry.entry(connection_id, user).exchange

    # --- health ----------------------------------------------------------------------------
    async def get_connection_status(
        self, *, refresh: bool = False, user: str | None = None
    ) -> dict[int, ConnectionStatus]:
        """Per connection: connected, last check, latency, last error. Answered from the
        monitor's cache unless `refresh` (which tests every connection now)."""
        if refresh:
            await self._health.check_all()
        return self._health.statuses(user)

    async def test_connection(
        self, connection_id: int, *, user: str | None = None
    ) -> ConnectionStatus:
        """Test one connection now and return its refreshed status. If an update replaces the
        connector during the test, the replacement is tested.

        Raises:
            ConnectionNotFound: no such connection, or it was removed during the test.
        """
        return await self._health.test(connection_id, user)

    # --- market data -----------------------------------------------------------------------
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
        """The ticker of `symbol` on one venue, or on every venue that has a connection (of
        `user`: which venues others use is none of their business), concurrently, with the
        best bid and ask across them. Public data: served by `market_data` connectors."""
        if exchange is not None:
            return await (await self.market_data(exchange)).get_ticker(symbol)
        names = sorted({c.exchange for c in self.connections(user)})
        venues = {name: await self.market_data(name) for name in names}
        return await aggregation.ticker_snapshot(
            symbol, {name: venue.get_ticker(symbol) for name, venue in venues.items()}
        )

    async def watch_best_bid_ask(
        self, symbol: str, *, user: str | None = None, depth: int = 5
    ) -> AsyncIterator[QuoteSnapshot]:
        """The best bid and ask of `symbol` across every venue that has a connection (of
        `user`), as a stream: one `QuoteSnapshot` after each venue's book update, each venue's
        top `depth` levels in it. Venues without an order-book stream are named in its
        `errors`; so is one whose stream fails, while the others go on. `break` ends it."""
        names = sorted({c.exchange for c in self.connections(user)})
        streams: dict[str, AsyncIterator[OrderBook]] = {}
        errors: dict[str, str] = {}
        for name in names:
            venue = await self.market_data(name)
            if "order_book" in venue.capabilities.streams:
                streams[name] = venue.watch_order_book(symbol, limit=depth)
            else:
                errors[name] = f"{name} has no order-book stream"
        async for snapshot in aggregation.best_quotes(symbol, streams, errors):
            yield snapshot

    async def get_order_book(self, symbol: str, exchange: str, limit: int = 20) -> OrderBook:
        """The order book of `symbol` on one venue."""
        return await (await self.market_data(exchange)).get_order_book(symbol, limit)

    # --- routed calls: by connection -------------------------------------------------------
    async def place_order(
        self, connection_id: int, request: OrderRequest, *, user: str | None = None
    ) -> Order:
        """Place the order `request` describes through one connection (see
        `BaseExchange.place_order`)."""
        return await self._registry.call(connection_id, user, lambda ex: ex.place_order(request))

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
        """Place an order given field by field: `place_order(connection_id, order_request(...))`.
        A malformed order is refused (`InvalidOrder`) before the connection is looked up."""
        request = order_request(
            symbol, order_type, side, amount, price, stop_price=stop_price,
            trade_type=trade_type, time_in_force=time_in_force, reduce_only=reduce_only,
            client_order_id=client_order_id,
        )
        return await self.place_order(connection_id, request, user=user)

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
        return await self._registry.call(
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
        return await self._registry.call(
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
        return await self._registry.call(
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
        """The account's fills on `symbol` through one connection."""
        return await self._registry.call(
            connection_id, user, lambda ex: ex.get_trades(symbol, limit, trade_type=trade_type)
        )

    async def get_positions(
        self, connection_id: int, symbol: str | None = None, *, user: str | None = None
    ) -> list[Position]:
        """Open futures positions through one connection."""
        return await self._registry.call(connection_id, user, lambda ex: ex.get_positions(symbol))

    async def set_leverage(
        self, connection_id: int, symbol: str, leverage: int, *, user: str | None = None
    ) -> bool:
        """Set leverage through one connection."""
        return await self._registry.call(
            connection_id, user, lambda ex: ex.set_leverage(symbol, leverage)
        )

    async def get_balance(
        self,
        connection_id: int,
        currency: str | None = None,
        *,
        trade_type: TradeType | None = None,
        user: str | None = None,
    ) -> list[Balance]:
        """Balances of one connection."""
        return await self._registry.call(
            connection_id, user, lambda ex: ex.get_balance(currency, trade_type=trade_type)
        )

    async def get_portfolio(
        self,
        user: str | None = None,
        *,
        exchange: str | None = None,
        trade_type: TradeType | None = None,
    ) -> Portfolio:
        """Balances summed per currency across the connections (of `user`, to `exchange`),
        read concurrently; a connection that fails is reported in `errors` and left out.

        Raises:
            ConnectionNotFound: `exchange` is given and no such connection exists.
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
        return await aggregation.portfolio(
            {cid: self.get_balance(cid, trade_type=trade_type, user=user) for cid in ids},
            user=user,
            exchange=name,
        )

    def __repr__(self) -> str:
        return f"<TradingService connections={len(self._registry)}>"
