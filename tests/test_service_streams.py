"""`TradingService.watch_best_bid_ask`: the best bid and ask across every connected venue as one
stream, fed by each venue's book stream; venues without one named, a failing one reported while
the others go on, `break` ending every stream under it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from exchlayer import ExchangeConnection, TradingService
from exchlayer.config import Credentials
from exchlayer.testing import SIMULATED_VENUES, Simulator

pytest.importorskip("ccxt.pro")

D = Decimal


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(rate_limits=False) as simulator:
        yield simulator


@pytest.fixture
async def service(sim: Simulator) -> AsyncIterator[TradingService]:
    async with TradingService(session=sim.client_session(), health_check_interval=None) as svc:
        for name in ("binance", "bitget", "gateio", "kucoin"):
            key, secret = f"svc-{name}", f"svc-{name}-secret"
            sim.add_account(SIMULATED_VENUES[name].venue, api_key=key, secret=secret,
                            passphrase="svc-pass")
            await svc.add_exchange_connection(ExchangeConnection(
                user="u1", exchange=name, label=name,
                credentials=Credentials.from_values(key, secret, "svc-pass"),
                options={"rate_limit": False},
            ))
        yield svc


async def test_the_best_quotes_follow_every_venue_s_book(
    sim: Simulator, service: TradingService
) -> None:
    seen = []
    moved = False
    async for snapshot in service.watch_best_bid_ask("BTC/USDT", user="u1"):
        seen.append(snapshot)
        assert snapshot.errors == {"kucoin": "kucoin has no order-book stream"}
        engine = sim.engine.book("BTC/USDT", 1)
        in_line = {
            name: (book.bids[0].price, book.asks[0].price) == (engine.bids[0][0], engine.asks[0][0])
            for name, book in snapshot.books.items()
        }
        if not moved and len(snapshot.books) == 3:
            sim.set_price("BTC/USDT", D("50555"))
            moved = True
        elif moved and in_line == {"binance": True, "bitget": True, "gateio": True}:
            break
    last = seen[-1]
    assert last.best_bid is not None and last.best_ask is not None
    assert last.best_bid.price == D("50555") and last.spread == last.best_ask.price - D("50555")
    assert {s.updated for s in seen} == {"binance", "bitget", "gateio"}
    assert all(len(book.bids) == 5 for book in last.books.values())
    # the stream's end took every venue stream with it
    await asyncio.sleep(0.05)
    assert not [t for t in asyncio.all_tasks() if "pump" in repr(t.get_coro())]
