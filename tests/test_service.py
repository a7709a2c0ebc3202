"""TradingService end to end: many connections, routed calls, health, safety under churn."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any, ClassVar

import pytest
import pytest_asyncio

from exchlayer import (
    AuthenticationError,
    ConfigurationError,
    ConnectionNotFound,
    Credentials,
    OrderSide,
    OrderStatus,
    OrderType,
    TradeType,
)
from exchlayer.connection import ExchangeConnection
from exchlayer.service import TradingService
from exchlayer.testing import Operation, Simulator
from exchlayer.testing.simulator import VenueRequest, VenueResponse
from exchlayer.venues.binance import BinanceExchange

D = Decimal


def account(sim: Simulator, key: str, usdt: str = "10000", **kw: object) -> Credentials:
    sim.add_account("binance", api_key=key, secret=f"{key}-secret",
                    balances={"USDT": D(usdt), "BTC": D("1")}, **kw)  # type: ignore[arg-type]
    creds = Credentials.from_values(key, f"{key}-secret")
    assert creds is not None
    return creds


def connection(creds: Credentials | None, user: str = "alice", **kw: object) -> ExchangeConnection:
    return ExchangeConnection(user=user, exchange="binance", credentials=creds,
                              options={"rate_limit": False}, **kw)  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def service(venue_simulator: Simulator) -> AsyncIterator[TradingService]:
    async with TradingService(
        session=venue_simulator.client_session(), health_check_interval=None
    ) as svc:
        yield svc


async def test_add_connection_tests_it_assigns_an_id_and_reports_status(
    service: TradingService, venue_simulator: Simulator
) -> None:
    conn = await service.add_exchange_connection(connection(account(venue_simulator, "a1")))
    assert conn.id == 1
    status = (await service.get_connection_status())[1]
    assert status.connected and status.exchange == "binance" and status.user == "alice"
    assert status.latency_ms is not None and status.latency_ms > 0
    assert status.last_error is None
    assert service.connections("alice") == [conn]
    assert service.connections("bob") == []


async def test_a_connection_that_fails_its_test_is_not_kept(
    service: TradingService, venue_simulator: Simulator
) -> None:
    account(venue_simulator, "a1")
    forged = Credentials.from_values("a1", "not-the-secret")
    with pytest.raises(AuthenticationError):
        await service.add_exchange_connection(connection(forged))
    assert service.connections() == []
    with pytest.raises(ConfigurationError, match="unknown exchange 'nope'"):
        await service.add_exchange_connection(
            ExchangeConnection(user="alice", exchange="nope", credentials=forged)
        )


async def test_routed_calls_by_connection_id(
    service: TradingService, venue_simulator: Simulator
) -> None:
    conn = await service.add_exchange_connection(connection(account(venue_simulator, "a1")))
    assert conn.id is not None
    cid = conn.id
    order = await service.create_order(
        connection_id=cid, symbol="BTC/USDT", order_type=OrderType.LIMIT,
        side=OrderSide.BUY, amount=D("0.01"), price=D("40000"),
    )
    assert (await service.get_order(cid, order.id, "BTC/USDT")).status is OrderStatus.OPEN
    assert [o.id for o in await service.get_open_orders(cid, "BTC/USDT")] == [order.id]
    assert await service.cancel_order(cid, order.id, "BTC/USDT") is True
    filled = await service.create_order(
        connection_id=cid, symbol="BTC/USDT", order_type=OrderType.MARKET,
        side=OrderSide.BUY, amount=D("0.01"),
    )
    assert filled.status is OrderStatus.FILLED
    assert [t.order_id for t in await service.get_trades(cid, "BTC/USDT")] == [filled.id]
    assert await service.set_leverage(cid, "BTC/USDT:USDT", 4)
    await service.create_order(
        connection_id=cid, symbol="BTC/USDT:USDT", order_type=OrderType.MARKET,
        side=OrderSide.BUY, amount=D("0.01"),
    )
    (position,) = await service.get_positions(cid)
    assert position.size == D("0.01")
    usdt = {b.currency: b for b in await service.get_balance(cid)}["USDT"]
    assert usdt.total < D("10000")


async def test_calls_are_scoped_to_the_connections_user(
    service: TradingService, venue_simulator: Simulator
) -> None:
    conn = await service.add_exchange_connection(connection(account(venue_simulator, "a1")))
    assert conn.id is not None
    assert service.get_connection(conn.id, user="alice") == conn
    with pytest.raises(ConnectionNotFound):
        service.get_connection(conn.id, user="bob")
    with pytest.raises(ConnectionNotFound):
        await service.get_balance(conn.id, user="bob")
    with pytest.raises(ConnectionNotFound):
        await service.get_balance(999)


async def test_ticker_from_one_venue_and_snapshot_of_all(
    service: TradingService, venue_simulator: Simulator
) -> None:
    await service.add_exchange_connection(connection(account(venue_simulator, "a1")))
    venue_simulator.set_price("BTC/USDT", D("45000"))
    one = await service.get_ticker("BTC/USDT", exchange="binance")
    assert one.last_price == D("45000")
    snapshot = await service.get_ticker("BTC/USDT")
    assert set(snapshot.tickers) == {"binance"}
    assert snapshot.best_bid is not None and snapshot.best_ask is not None
    assert snapshot.best_bid.exchange == snapshot.best_ask.exchange == "binance"
    assert snapshot.best_bid.price < snapshot.best_ask.price
    missing = await service.get_ticker("NOPE/USDT")
    assert missing.tickers == {} and "does not list" in missing.errors["binance"]
    with pytest.raises(ConfigurationError, match="unknown exchange 'kraken'"):
        await service.get_ticker("BTC/USDT", exchange="kraken")
    public = await service.market_data("binance")
    assert not public.has_credentials
    assert public is await service.market_data("Binance")


async def test_portfolio_sums_balances_across_connections(
    service: TradingService, venue_simulator: Simulator
) -> None:
    a = await service.add_exchange_connection(connection(account(venue_simulator, "a1", "1000")))
    b = await service.add_exchange_connection(connection(account(venue_simulator, "a2", "2500")))
    await service.add_exchange_connection(
        connection(account(venue_simulator, "b1", "99"), user="bob")
    )
    portfolio = await service.get_portfolio("alice")
    usdt = portfolio.balances["USDT"]
    assert usdt.total == D("3500") and usdt.free == D("3500") and usdt.used == 0
    assert set(usdt.by_connection) == {a.id, b.id}
    assert portfolio.balances["BTC"].total == D("2")
    assert portfolio.errors == {}
    everyone = await service.get_portfolio()
    assert everyone.balances["USDT"].total == D("3599")


async def test_connections_of_one_venue_share_markets_and_the_http_pool(
    service: TradingService, venue_simulator: Simulator
) -> None:
    conns = [
        await service.add_exchange_connection(connection(account(venue_simulator, f"k{i}")))
        for i in range(5)
    ]
    for c in conns:
        assert c.id is not None
        await service.get_ticker("BTC/USDT", exchange="binance")
        await service.get_balance(c.id)
        await service.exchange_for(c.id).get_symbols()
    market_loads = venue_simulator.count_requests(lambda r: r.operation == Operation.MARKETS)
    assert market_loads == 2  # spot and futures exchangeInfo, once for all five connections
    assert len(conns) == 5
    assert service.market_cache.loads == 2
    sessions = {id(service.exchange_for(c.id)._pool._session) for c in conns if c.id}  # type: ignore[attr-defined]
    assert len(sessions) == 1


async def test_health_monitor_refreshes_status_in_the_background(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with TradingService(session=sim.client_session(), health_check_interval=0.05) as svc:
        conn = await svc.add_exchange_connection(connection(account(sim, "a1")))
        assert conn.id is not None
        first = (await svc.get_connection_status())[conn.id]

        async def venue_down(request: VenueRequest, call_next):  # type: ignore[no-untyped-def]
            return VenueResponse(503, b"<html>Service Unavailable</html>",
                                 {"Content-Type": "text/html"})

        sim.interceptors.append(venue_down)
        for _ in range(100):
            await asyncio.sleep(0.02)
            status = (await svc.get_connection_status())[conn.id]
            if not status.connected:
                break
        assert not status.connected
        assert status.last_check is not None and first.last_check is not None
        assert status.last_check > first.last_check
        assert status.error_type == "ExchangeUnavailable"
        sim.interceptors.clear()
        fresh = await svc.get_connection_status(refresh=True)
        assert fresh[conn.id].connected


async def test_removing_a_connection_waits_for_calls_in_flight(
    service: TradingService, venue_simulator: Simulator
) -> None:
    sim = venue_simulator
    conn = await service.add_exchange_connection(connection(account(sim, "a1")))
    assert conn.id is not None
    release = asyncio.Event()

    async def slow_balance(request: VenueRequest, call_next):  # type: ignore[no-untyped-def]
        response: VenueResponse = await call_next(request)
        if response.operation == Operation.BALANCE:
            await release.wait()
        return response

    sim.interceptors.append(slow_balance)
    call = asyncio.create_task(service.get_balance(conn.id))
    await asyncio.sleep(0.05)
    removal = asyncio.create_task(service.remove_exchange_connection(conn.id))
    await asyncio.sleep(0.05)
    assert not removal.done()  # waiting for the call
    assert service.connections() == []  # but no new call can start
    release.set()
    balances = await call
    assert await removal is True
    assert {b.currency for b in balances} == {"BTC", "USDT"}
    assert await service.remove_exchange_connection(conn.id) is False


async def test_concurrent_adds_and_removes_keep_the_registry_consistent(
    service: TradingService, venue_simulator: Simulator
) -> None:
    creds = [account(venue_simulator, f"c{i}") for i in range(12)]
    added = await asyncio.gather(
        *(service.add_exchange_connection(connection(c)) for c in creds)
    )
    ids = [c.id for c in added]
    assert sorted(ids) == list(range(1, 13))  # type: ignore[type-var]
    removed = await asyncio.gather(
        *(service.remove_exchange_connection(i) for i in ids[:6] if i is not None),
        *(service.get_balance(i) for i in ids[6:] if i is not None),
    )
    assert removed[:6] == [True] * 6
    assert [c.id for c in service.connections()] == ids[6:]


async def test_a_closed_service_refuses_work(venue_simulator: Simulator) -> None:
    svc = TradingService(session=venue_simulator.client_session(), health_check_interval=None)
    await svc.start()
    conn = await svc.add_exchange_connection(connection(account(venue_simulator, "a1")))
    exchange = svc.exchange_for(conn.id)  # type: ignore[arg-type]
    await svc.close_all_connections()
    await svc.close_all_connections()
    assert exchange.closed  # type: ignore[attr-defined]
    with pytest.raises(ConfigurationError, match="closed"):
        await svc.add_exchange_connection(connection(None))


async def test_futures_default_trade_type_option_reaches_the_connector(
    service: TradingService, venue_simulator: Simulator
) -> None:
    creds = account(venue_simulator, "f1")
    conn = await service.add_exchange_connection(
        ExchangeConnection(user="alice", exchange="binance", credentials=creds,
                           options={"rate_limit": False, "default_trade_type": "futures"})
    )
    assert conn.id is not None
    (usdt,) = await service.get_balance(conn.id, "USDT")
    assert usdt.trade_type is TradeType.FUTURES


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_connections_are_saved_to_and_loaded_from_a_store(
    venue_simulator: Simulator, tmp_path: object, kind: str
) -> None:
    from pathlib import Path

    from exchlayer.store import MemoryConnectionStore, SQLiteConnectionStore

    sim = venue_simulator
    path = Path(str(tmp_path)) / "connections.db"

    memory = MemoryConnectionStore()

    def open_store() -> MemoryConnectionStore | SQLiteConnectionStore:
        if kind == "memory":
            return memory  # a process's memory outlives a service: the same object again
        return SQLiteConnectionStore(path, key="a store passphrase for tests", scrypt_n=2**10)

    def opened(store: object) -> Any:
        return contextlib.nullcontext(store) if kind == "memory" else store

    store = open_store()
    async with opened(store):
        async with TradingService(store=store, session=sim.client_session(),
                                  health_check_interval=None) as first:
            kept = await first.add_exchange_connection(connection(account(sim, "a1")))
            gone = await first.add_exchange_connection(connection(account(sim, "a2")))
            assert gone.id is not None
            assert await first.remove_exchange_connection(gone.id)
        assert [c.id for c in await store.list()] == [kept.id]
    store = open_store()
    async with opened(store), TradingService(store=store, session=sim.client_session(),
                              health_check_interval=None) as second:
        assert [c.id for c in second.connections()] == [kept.id]
        assert kept.id is not None
        status = (await second.get_connection_status())[kept.id]
        assert status.connected  # the stored credentials work after the round trip
        (usdt,) = await second.get_balance(kept.id, "USDT")
        assert usdt.total == D("10000")
        later = await second.add_exchange_connection(connection(account(sim, "a3")))
        assert later.id is not None and later.id > kept.id


# --- what a connector class is handed ------------------------------------------------------------
class _Recording(BinanceExchange):
    """The Binance connector, recording the keywords the service builds it with."""

    given: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, **kwargs: Any) -> None:
        _Recording.given.append(kwargs)
        super().__init__(**kwargs)


class _Unshared(_Recording):
    accepts_shared_session = False


@pytest.mark.parametrize(("cls", "shared"), [(_Recording, True), (_Unshared, False)])
async def test_only_a_class_that_declares_it_is_handed_the_shared_session_and_markets(
    venue_simulator: Simulator, cls: type[_Recording], shared: bool
) -> None:
    from exchlayer import ExchangeFactory

    ExchangeFactory.register_exchange("recording-binance", cls)
    _Recording.given.clear()
    session = venue_simulator.client_session()
    try:
        async with TradingService(session=session, health_check_interval=None) as svc:
            await svc.market_data("recording-binance")
            (given,) = _Recording.given
            if shared:
                assert given["session"] is session
                assert given["market_cache"] is svc.market_cache
            else:
                assert "session" not in given and "market_cache" not in given
    finally:
        ExchangeFactory.unregister_exchange("recording-binance")


def test_a_snapshot_answers_last_price_from_its_freshest_ticker() -> None:
    from datetime import datetime, timezone

    from exchlayer import Ticker, TradeType
    from exchlayer.service import TickerSnapshot

    def ticker(last: str, second: int | None) -> Ticker:
        at = None if second is None else datetime(2026, 1, 1, 0, 0, second, tzinfo=timezone.utc)
        return Ticker(symbol="BTC/USDT", trade_type=TradeType.SPOT, last_price=Decimal(last),
                      timestamp=at)

    def snapshot(tickers: dict[str, Ticker]) -> TickerSnapshot:
        return TickerSnapshot(symbol="BTC/USDT", tickers=tickers, errors={}, best_bid=None,
                              best_ask=None)

    fresh = snapshot(
        {"gateio": ticker("1", 5), "binance": ticker("2", 9), "kucoin": ticker("3", None)}
    )
    assert fresh.latest is fresh.tickers["binance"]
    assert fresh.last_price == Decimal(2)
    tied = snapshot({"kucoin": ticker("3", 9), "bitget": ticker("4", 9)})
    assert tied.last_price == Decimal(4)  # a tie goes to the first exchange by name
    assert snapshot({"bingx": ticker("5", None)}).last_price == Decimal(5)
    assert snapshot({}).last_price is None
    assert snapshot({}).latest is None
