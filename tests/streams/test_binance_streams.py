"""`watch_order_book` and `watch_ticker` end to end (exchlayer -> ccxt.pro -> aiohttp WebSocket
-> the simulator's Binance streams): exact Decimal books equal to the engine's, and every way a
stream breaks (a gap, a garbled or crossed level, a dropped or silent socket) recovered without
a wrong book reaching the consumer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from stream_support import Reader, until

from exchlayer import BaseExchange, NotSupported
from exchlayer.testing import Simulator, connect
from exchlayer.testing.simulator.wire.stream import StreamSession

pytest.importorskip("ccxt.pro")

D = Decimal
MARKETS = ["BTC/USDT", "BTC/USDT:USDT"]


@pytest.fixture
async def binance(sim: Simulator) -> AsyncIterator[BaseExchange]:
    exchange = await connect(sim, "binance", credentials=False)
    try:
        yield exchange
    finally:
        await exchange.close()


class Prices:
    """A new price on each call, so every move changes the book."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> Decimal:
        self.n += 1
        return D(50_000) + D(self.n) * D("7.25") * (-1) ** self.n


async def subscribed(sim: Simulator) -> None:
    await until(lambda: any(s.subscriptions for s in sim.stream_sessions))
    await asyncio.sleep(0.1)  # ccxt.pro takes the REST snapshot


def delta(sim: Simulator, update_id: int, bids: list[list[str]]) -> dict[str, Any]:
    """A Binance spot depth event for BTC/USDT, forged: update `update_id`, these bids."""
    return {"e": "depthUpdate", "E": sim.engine.now_ms(), "s": "BTCUSDT", "U": update_id,
            "u": update_id, "b": bids, "a": []}


def depth_session(sim: Simulator) -> StreamSession:
    (session,) = [s for s in sim.stream_sessions if any("@depth" in n for n in s.subscriptions)]
    return session


@pytest.mark.parametrize("symbol", MARKETS)
async def test_the_book_is_the_engine_s_exactly_through_many_moves(
    sim: Simulator, binance: BaseExchange, symbol: str
) -> None:
    price = Prices()
    stream = binance.watch_order_book(symbol, limit=50)
    reader = Reader(stream)
    await subscribed(sim)
    for _ in range(40):
        sim.set_price(symbol, price())
        book = await reader.sees_engine(sim, symbol, 50)
    assert book.symbol == symbol and len(book.bids) == len(book.asks) == 50
    assert all(type(lv.price) is Decimal and type(lv.amount) is Decimal for lv in book.bids)
    assert all(b.bids[0].price < b.asks[0].price for b in reader.books)
    assert (stream.resyncs, stream.reconnects, reader.error) == (0, 0, None)  # type: ignore[attr-defined]
    await reader.stop()


@pytest.mark.parametrize(
    ("gap", "bids", "bogus"),
    [
        (5, [["1.00", "999"]], D("1.00")),  # update ids skipped: a missed message
        (0, [["not-a-price", "1"]], None),  # garbage in a level
        (0, [["50000.00", "-3"]], None),  # a negative size
        (0, [["99999.00", "1"]], D("99999.00")),  # a bid above every ask: a crossed book
    ],
)
async def test_a_broken_sequence_or_a_hostile_level_never_reaches_the_consumer(
    sim: Simulator, binance: BaseExchange, gap: int, bids: list[list[str]], bogus: Decimal | None
) -> None:
    price = Prices()
    stream = binance.watch_order_book("BTC/USDT", limit=20)
    reader = Reader(stream)
    await subscribed(sim)
    sim.set_price("BTC/USDT", price())
    await reader.sees_engine(sim, "BTC/USDT", 20)
    last = sim.engine.book("BTC/USDT", 1).update_id
    depth_session(sim).send(delta(sim, last + 1 + gap, bids))
    await until(lambda: stream.resyncs == 1)  # type: ignore[attr-defined]
    sim.set_price("BTC/USDT", price())
    await reader.sees_engine(sim, "BTC/USDT", 20)
    assert all(bogus not in {lv.price for lv in b.bids} for b in reader.books)
    assert all(b.bids[0].price < b.asks[0].price for b in reader.books)
    assert reader.error is None
    await reader.stop()


async def test_levels_keep_every_digit_the_venue_sent(
    sim: Simulator, binance: BaseExchange
) -> None:
    price = Prices()
    stream = binance.watch_order_book("BTC/USDT", limit=1000)
    reader = Reader(stream)
    await subscribed(sim)
    sim.set_price("BTC/USDT", price())
    book = await reader.sees_engine(sim, "BTC/USDT", 1000)
    level = book.bids[3].price
    last = sim.engine.book("BTC/USDT", 1).update_id
    # 21 significant digits: a float would keep 16 of them
    depth_session(sim).send(delta(sim, last + 1, [[f"{level}", "1234567.89012345678901"],
                                                  [f"{book.bids[5].price}", "0.00000000"]]))
    await until(lambda: reader.books[-1].bids[3].amount == D("1234567.89012345678901"))
    shown = reader.books[-1]
    assert book.bids[5].price not in {lv.price for lv in shown.bids}  # size 0: removed
    assert stream.resyncs == 0  # type: ignore[attr-defined]
    await reader.stop()


async def test_a_dropped_connection_is_dialled_again(
    sim: Simulator, binance: BaseExchange
) -> None:
    price = Prices()
    stream = binance.watch_order_book("BTC/USDT:USDT", limit=10)
    reader = Reader(stream)
    await subscribed(sim)
    dropped = depth_session(sim)
    dropped.drop()  # no close frame: a dead peer
    await until(lambda: stream.reconnects == 1)  # type: ignore[attr-defined]
    await until(lambda: any(s is not dropped and s.subscriptions for s in sim.stream_sessions))
    await asyncio.sleep(0.2)
    sim.set_price("BTC/USDT:USDT", price())
    await reader.sees_engine(sim, "BTC/USDT:USDT", 10)
    assert reader.error is None
    await reader.stop()


async def test_a_silent_connection_is_found_within_stale_after(
    sim: Simulator, binance: BaseExchange
) -> None:
    price = Prices()
    stream = binance.watch_order_book("BTC/USDT", limit=10, stale_after=0.5)
    reader = Reader(stream)
    await subscribed(sim)
    sim.set_price("BTC/USDT", price())
    await reader.sees_engine(sim, "BTC/USDT", 10)
    depth_session(sim).stall()  # open, but nothing more arrives
    loop = asyncio.get_running_loop()
    started = loop.time()
    sim.set_price("BTC/USDT", price())  # never sent: the socket is stalled
    await until(lambda: stream.reconnects == 1, timeout=3)  # type: ignore[attr-defined]
    assert loop.time() - started < 1.5
    # dialled again: the fresh snapshot already holds the move the stalled socket withheld
    await reader.sees_engine(sim, "BTC/USDT", 10)
    assert reader.error is None
    await reader.stop()


async def test_consumers_of_one_stream_share_one_subscription(
    sim: Simulator, binance: BaseExchange
) -> None:
    price = Prices()
    one = Reader(binance.watch_order_book("BTC/USDT", limit=5))
    two = Reader(binance.watch_order_book("BTC/USDT", limit=5))
    await subscribed(sim)
    sim.set_price("BTC/USDT", price())
    await one.sees_engine(sim, "BTC/USDT", 5)
    await two.sees_engine(sim, "BTC/USDT", 5)
    assert [sorted(s.subscriptions) for s in sim.stream_sessions] == [["btcusdt@depth@100ms"]]
    await one.stop()
    await two.stop()


async def test_break_and_close_end_the_stream(sim: Simulator, binance: BaseExchange) -> None:
    price = Prices()
    mover = asyncio.create_task(move_every(sim, "BTC/USDT", price, 0.02))
    seen = 0
    async for _ in binance.watch_order_book("BTC/USDT", limit=5):
        seen += 1
        if seen == 3:
            break
    mover.cancel()
    reader = Reader(binance.watch_order_book("BTC/USDT", limit=5))
    await asyncio.sleep(0.3)
    await binance.close()  # a consumer waiting on the stream ends with it, quietly
    await until(lambda: reader.ended)
    assert seen == 3 and reader.error is None


async def move_every(sim: Simulator, symbol: str, price: Prices, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        sim.set_price(symbol, price())


async def test_the_ticker_stream(sim: Simulator, binance: BaseExchange) -> None:
    stream = binance.watch_ticker("BTC/USDT")
    waiting = asyncio.ensure_future(stream.__anext__())
    await until(lambda: any(s.subscriptions for s in sim.stream_sessions))
    sim.set_price("BTC/USDT", D("51234.56"))
    ticker = await asyncio.wait_for(waiting, 5)
    assert ticker.last_price == D("51234.56") and type(ticker.last_price) is Decimal
    (bid, _), (ask, _) = sim.engine.best_bid_ask("BTC/USDT")
    assert (ticker.bid, ticker.ask) == (bid, ask)


async def test_venues_without_a_stream_say_so_before_connecting(sim: Simulator) -> None:
    for venue in ("kucoin",):
        async with await connect(sim, venue, credentials=False) as exchange:
            assert exchange.capabilities.streams == frozenset()
            with pytest.raises(NotSupported, match="no order book stream"):
                exchange.watch_order_book("BTC/USDT")
            with pytest.raises(NotSupported, match="no ticker stream"):
                exchange.watch_ticker("BTC/USDT")
    for venue in ("bitget", "gateio", "bingx"):
        async with await connect(sim, venue, credentials=False) as exchange:
            assert exchange.capabilities.streams == {"order_book"}
            with pytest.raises(NotSupported, match="no ticker stream"):
                exchange.watch_ticker("BTC/USDT")
    assert sim.stream_sessions == []
    async with await connect(sim, "binance", credentials=False) as exchange:
        assert exchange.capabilities.streams == {"ticker", "order_book"}
