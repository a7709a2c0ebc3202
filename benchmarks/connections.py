"""50 connections to one venue: exchlayer's TradingService vs 50 raw ccxt instances.

Every raw ccxt instance loads and keeps its own copy of the venue's markets (and opens its own
HTTP connection pool). A TradingService loads a venue's markets once and shares the parsed copy
with every connection of that venue (ccxt's ``set_markets_from_exchange``), over one pool.

Both sides run in this one process against the same loopback simulator listing 2,006 symbols
(1,003 spot markets on the spot exchangeInfo). Start-up = creating the 50 clients and having
their markets ready; memory = Python heap retained afterwards (tracemalloc, measured in a
separate pass so tracing does not slow the timing pass).

    python3 dev.py bench benchmarks/connections.py

Target: exchlayer <= 0.1x raw ccxt for both memory and start-up time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any

import ccxt.async_support as ccxt

from exchlayer import Credentials, TradeType
from exchlayer.connection import ExchangeConnection
from exchlayer.service import TradingService
from exchlayer.testing import Simulator
from exchlayer.testing.simulator import default_instruments, synthetic_instruments

_keys = itertools.count()
SPOT_ONLY = {"fetchMarkets": {"types": ["spot"]}, "fetchMargins": False, "fetchCurrencies": False}


async def raw_ccxt(sim: Simulator, n: int) -> Callable[[], Awaitable[None]]:
    """50 raw ccxt instances, each loading its own markets; returns their cleanup."""
    clients = []
    for _ in range(n):
        key = f"raw{next(_keys)}"
        sim.add_account("binance", api_key=key, secret="s")
        clients.append(
            ccxt.binance(
                {
                    "apiKey": key,
                    "secret": "s",
                    "session": sim.client_session(),
                    "enableRateLimit": False,
                    "timeout_on_exit": 0,
                    "timeout": 300_000,  # tracemalloc slows parsing a lot
                    "options": dict(SPOT_ONLY),
                }
            )
        )
    for client in clients:
        await client.load_markets()

    async def close() -> None:
        await asyncio.gather(*(c.close() for c in clients))

    return close


async def exchlayer_service(sim: Simulator, n: int) -> Callable[[], Awaitable[None]]:
    """A TradingService with 50 connections to the venue, markets ready on each."""
    service = TradingService(session=sim.client_session(), health_check_interval=None)
    await service.start()
    keys = [f"xl{next(_keys)}" for _ in range(n)]
    for key in keys:
        sim.add_account("binance", api_key=key, secret="s")
    conns = await asyncio.gather(
        *(
            service.add_exchange_connection(
                ExchangeConnection(
                    user=key,
                    exchange="binance",
                    credentials=Credentials.from_values(key, "s"),
                    options={"rate_limit": False, "timeout": 300.0},
                ),
                test=False,
            )
            for key in keys
        )
    )
    await asyncio.gather(
        *(service.exchange_for(c.id).get_symbols(TradeType.SPOT) for c in conns if c.id)
    )
    assert service.market_cache.loads == 1
    return service.close_all_connections


Setup = Callable[[Simulator, int], Awaitable[Callable[[], Awaitable[None]]]]


async def timed(sim: Simulator, setup: Setup, n: int) -> float:
    gc.collect()
    start = time.perf_counter()
    close = await setup(sim, n)
    elapsed = time.perf_counter() - start
    await close()
    return elapsed


async def retained(sim: Simulator, setup: Setup, n: int) -> int:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    close = await setup(sim, n)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    await close()
    return after - before


async def run(n: int, coins: int) -> dict[str, Any]:
    instruments = default_instruments() + synthetic_instruments(coins)
    # 100 market loads in a few seconds would exceed Binance's weight budget: limits off
    async with Simulator(instruments=instruments, rate_limits=False) as sim:
        symbols = len(instruments)
        # warm the simulator's rendered exchangeInfo so neither side pays for its first render
        await (await raw_ccxt(sim, 1))()
        t_raw = await timed(sim, raw_ccxt, n)
        t_ours = await timed(sim, exchlayer_service, n)
        m_raw = await retained(sim, raw_ccxt, n)
        m_ours = await retained(sim, exchlayer_service, n)
    return {
        "connections": n,
        "symbols": symbols,
        "startup_raw_s": t_raw,
        "startup_ours_s": t_ours,
        "memory_raw_mb": m_raw / 2**20,
        "memory_ours_mb": m_ours / 2**20,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--coins", type=int, default=1000, help="synthetic coins (x2 symbols)")
    args = parser.parse_args()
    r = asyncio.run(run(args.connections, args.coins))
    print(f"python {sys.version.split()[0]}, ccxt {ccxt.__version__}: {r['connections']} "
          f"connections to binance, simulator listing {r['symbols']} symbols")
    print(f"  {'':24} {'raw ccxt':>10} {'exchlayer':>10} {'ratio':>8}")
    print(f"  {'start-up (s)':24} {r['startup_raw_s']:10.2f} {r['startup_ours_s']:10.2f} "
          f"{r['startup_ours_s'] / r['startup_raw_s']:7.3f}x")
    print(f"  {'memory retained (MiB)':24} {r['memory_raw_mb']:10.1f} {r['memory_ours_mb']:10.1f} "
          f"{r['memory_ours_mb'] / r['memory_raw_mb']:7.3f}x")
    print("target: <= 0.1x for both")
    return 0


if __name__ == "__main__":
    sys.exit(main())
