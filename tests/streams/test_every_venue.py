"""What every venue's book stream promises, on each venue and market: the engine's book
exactly, a dropped socket dialled again, a silent one found within `stale_after`."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from stream_support import Reader, session_of, until

from exchlayer.testing import Simulator, connect

pytest.importorskip("ccxt.pro")

D = Decimal
VENUES = ["binance", "gateio", "bingx", "bitget"]
MARKETS = ["BTC/USDT", "BTC/USDT:USDT"]


async def started(sim: Simulator, reader: Reader, symbol: str) -> None:
    """Subscribed and holding a book (Gate's futures book comes with the first change)."""
    await until(lambda: any(s.subscriptions for s in sim.stream_sessions))
    await asyncio.sleep(0.1)
    sim.set_price(symbol, D("50010"))
    await reader.sees_engine(sim, symbol, 10)


@pytest.mark.parametrize("symbol", MARKETS)
@pytest.mark.parametrize("venue", VENUES)
async def test_a_dropped_connection_is_dialled_again(
    sim: Simulator, venue: str, symbol: str
) -> None:
    async with await connect(sim, venue, credentials=False) as exchange:
        stream = exchange.watch_order_book(symbol, limit=10)
        reader = Reader(stream)
        await started(sim, reader, symbol)
        dropped = session_of(sim)
        dropped.drop()  # no close frame: a dead peer
        await until(lambda: stream.reconnects >= 1)  # type: ignore[attr-defined]
        await until(lambda: any(s is not dropped and s.subscriptions for s in sim.stream_sessions))
        await asyncio.sleep(0.1)
        sim.set_price(symbol, D("50500"))
        await reader.sees_engine(sim, symbol, 10)
        await reader.stop()


@pytest.mark.parametrize("venue", VENUES)
async def test_a_silent_connection_is_found_within_stale_after(
    sim: Simulator, venue: str
) -> None:
    async with await connect(sim, venue, credentials=False) as exchange:
        stream = exchange.watch_order_book("BTC/USDT:USDT", limit=10, stale_after=0.5)
        reader = Reader(stream)
        await started(sim, reader, "BTC/USDT:USDT")
        session_of(sim).stall()
        loop = asyncio.get_running_loop()
        began = loop.time()
        sim.set_price("BTC/USDT:USDT", D("50200"))  # never sent: the socket is stalled
        await until(lambda: stream.reconnects >= 1, timeout=3)  # type: ignore[attr-defined]
        assert loop.time() - began < 1.5
        await until(lambda: any(s.subscriptions and not s.stalled for s in sim.stream_sessions))
        await asyncio.sleep(0.1)
        sim.set_price("BTC/USDT:USDT", D("50300"))
        await reader.sees_engine(sim, "BTC/USDT:USDT", 10)
        assert reader.error is None
        await reader.stop()
