"""exchlayer's shared limiter against each venue's enforced REST limits.

Five connectors of one venue, sharing one LocalBackend budget, hammer ``get_ticker`` and
``get_order_book`` for a few seconds: the simulator, enforcing the venue's published limits,
never answers 429. Five raw ccxt clients doing the same, each with its own throttle
(``enableRateLimit=True``), are refused at least once. Both run at once, against two simulators,
so each side has the venue's whole budget to itself.

The venues' windows are scaled down so that the raw clients exhaust one within seconds
(Binance's minute becomes 6 s with a tenth of the budget); per-second windows (Bitget) stay
real. The raw clients stop at their first refusal.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from exchlayer import BaseExchange, ExchangeLayerError
from exchlayer.connector.markets import MarketCache
from exchlayer.factory import ExchangeFactory
from exchlayer.models import TradeType
from exchlayer.resilience import LocalBackend
from exchlayer.testing import SIMULATED_VENUES, Simulator, connect

ccxt = pytest.importorskip("ccxt.async_support")

SYMBOL = "BTC/USDT"
SECONDS = 2.0
RAW_SECONDS = 8.0  # raw ccxt stops at its first refusal; this only bounds a broken run
CONNECTORS = 5
#: exchlayer name -> (ccxt class of its spot market, rate_limit_scale of the test)
VENUES = {
    "binance": ("binance", 0.1),  # REQUEST_WEIGHT 6,000 / 60 s -> 600 / 6 s
    "gateio": ("gate", 0.2),  # 200 / 10 s per endpoint -> 40 / 2 s
    "kucoin": ("kucoin", 0.2),  # public pool 2,000 / 30 s -> 400 / 6 s
    "bingx": ("bingx", 0.04),  # market data 500 / 10 s, 1,000 / 60 s -> 20 / 0.4 s, 40 / 2.4 s
    "bitget": ("bitget", 1.0),  # 20 / 1 s per endpoint (real windows)
}


def refused(sim: Simulator) -> int:
    return sim.count_requests(lambda r: r.status in (418, 429))


async def hammer_exchlayer(sim: Simulator, venue: str, deadline: float) -> int:
    backend, markets = LocalBackend(), MarketCache()  # one budget, one market list
    connectors = [
        await connect(sim, venue, credentials=False, rate_limit=backend, market_cache=markets)
        for _ in range(CONNECTORS)
    ]
    calls = 0

    async def loop(exchange: BaseExchange) -> None:
        nonlocal calls
        while time.monotonic() < deadline:
            await exchange.get_ticker(SYMBOL)
            await exchange.get_order_book(SYMBOL, 20)
            calls += 2

    try:
        await asyncio.gather(*(loop(c) for c in connectors))
    finally:
        for exchange in connectors:
            await exchange.close()
    return calls


async def hammer_ccxt(sim: Simulator, venue: str, deadline: float) -> int:
    ccxt_id = VENUES[venue][0]
    adapter: Any = ExchangeFactory.get_exchange_class(venue)
    options: dict[str, Any] = dict(adapter.profile.ccxt_options.get(TradeType.SPOT, {}))
    clients = [
        getattr(ccxt, ccxt_id)(
            {
                "session": sim.client_session(),
                "enableRateLimit": True,  # each its own ccxt throttle
                "timeout_on_exit": 0,
                "options": {**options, "fetchCurrencies": False},
                "has": {"fetchCurrencies": False},
            }
        )
        for _ in range(CONNECTORS)
    ]
    calls = 0

    async def loop(client: Any) -> None:
        nonlocal calls
        try:
            await client.load_markets()
            while time.monotonic() < deadline and not refused(sim):
                await client.fetch_ticker(SYMBOL)
                await client.fetch_order_book(SYMBOL, 20)
                calls += 2
        except (ccxt.RateLimitExceeded, ccxt.DDoSProtection, ccxt.PermissionDenied):
            return  # refused: counted in the simulator's log

    try:
        await asyncio.gather(*(loop(c) for c in clients))
    finally:
        for client in clients:
            await client.close()
    return calls


@pytest.mark.parametrize("venue", list(VENUES))
async def test_shared_limiter_stays_under_the_venue_limit_where_ccxt_alone_does_not(
    venue: str,
) -> None:
    scale = VENUES[venue][1]
    where = SIMULATED_VENUES[venue].venue
    async with Simulator(rate_limit_scale=scale) as ours, \
            Simulator(rate_limit_scale=scale) as theirs:
        start = time.monotonic()
        try:
            ours_calls, theirs_calls = await asyncio.gather(
                hammer_exchlayer(ours, venue, start + SECONDS),
                hammer_ccxt(theirs, venue, start + RAW_SECONDS),
            )
        except ExchangeLayerError as exc:
            pytest.fail(f"exchlayer failed on {venue}: {exc}")
        ours_refused, theirs_refused = refused(ours), refused(theirs)
        hammered = ours.count_requests(lambda r: r.venue == where)
    assert ours_refused == 0, f"{venue}: {ours_refused} of {hammered} requests refused"
    assert ours_calls >= 20  # the connectors did hammer (not a vacuous pass)
    assert theirs_refused >= 1, f"{venue}: raw ccxt made {theirs_calls} calls, none refused"
