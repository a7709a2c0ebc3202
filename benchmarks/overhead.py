"""exchlayer's per-call overhead over raw ccxt, measured side by side in one process.

Both talk to the same loopback venue simulator through the same kind of aiohttp session, with
ccxt's throttling off on both sides, so the difference is what exchlayer adds: argument checks,
symbol mapping, market-rule checks, client order ids, Decimal models and error translation.
Calls alternate between the two clients so drift (GC, CPU frequency) hits both alike.

    python3 dev.py bench benchmarks/overhead.py
    .venv/bin/python benchmarks/overhead.py --calls 1000

Target: exchlayer <= 1.10x raw ccxt for get_ticker, get_order_book(limit=100) and create_order.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import ccxt.async_support as ccxt

from exchlayer import OrderSide, OrderType
from exchlayer.testing import Simulator, connect

D = Decimal
Call = Callable[[], Awaitable[Any]]

BINANCE_SPOT_OPTIONS = {
    "fetchMarkets": {"types": ["spot"]},
    "fetchMargins": False,
    "fetchCurrencies": False,
}


async def measure(
    pairs: dict[str, tuple[Call, Call]], calls: int, warmup: int
) -> list[dict[str, Any]]:
    rows = []
    for name, (raw, ours) in pairs.items():
        for _ in range(warmup):
            await raw()
            await ours()
        raw_ns: list[int] = []
        our_ns: list[int] = []
        for i in range(calls):
            # alternate which goes first, so neither always runs on a warm cache
            turns = [(raw, raw_ns), (ours, our_ns)]
            for call, sink in turns if i % 2 == 0 else reversed(turns):
                start = time.perf_counter_ns()
                await call()
                sink.append(time.perf_counter_ns() - start)
        raw_median = statistics.median(raw_ns) / 1000
        our_median = statistics.median(our_ns) / 1000
        rows.append(
            {
                "call": name,
                "ccxt_us": raw_median,
                "exchlayer_us": our_median,
                "ratio": our_median / raw_median,
            }
        )
    return rows


async def binance_spot(calls: int, warmup: int) -> list[dict[str, Any]]:
    async with Simulator() as sim:
        funds = {"USDT": D("100000000"), "BTC": D("1000")}
        sim.add_account("binance", api_key="raw-key", secret="raw-secret", balances=funds)
        raw = ccxt.binance(
            {
                "apiKey": "raw-key",
                "secret": "raw-secret",
                "session": sim.client_session(),
                "enableRateLimit": False,
                "timeout_on_exit": 0,
                "options": dict(BINANCE_SPOT_OPTIONS),
            }
        )
        ours = await connect(sim, "binance", balances=funds)
        try:
            await raw.load_markets()
            await ours.get_symbols()
            pairs: dict[str, tuple[Call, Call]] = {
                "get_ticker": (
                    lambda: raw.fetch_ticker("BTC/USDT"),
                    lambda: ours.get_ticker("BTC/USDT"),
                ),
                "get_order_book(limit=100)": (
                    lambda: raw.fetch_order_book("BTC/USDT", 100),
                    lambda: ours.get_order_book("BTC/USDT", limit=100),
                ),
                "create_order (market)": (
                    lambda: raw.create_order("BTC/USDT", "market", "buy", 0.001),
                    lambda: ours.create_order(
                        "BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.001")
                    ),
                ),
            }
            return await measure(pairs, calls, warmup)
        finally:
            await raw.close()
            await ours.close()


def render(venue: str, rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{venue}: median per call, µs (lower is better)",
        f"  {'call':28} {'raw ccxt':>10} {'exchlayer':>10} {'ratio':>7}",
    ]
    for row in rows:
        lines.append(
            f"  {row['call']:28} {row['ccxt_us']:10.1f} {row['exchlayer_us']:10.1f} "
            f"{row['ratio']:6.3f}x"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="timed calls per client and call")
    parser.add_argument("--warmup", type=int, default=40)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, ccxt {ccxt.__version__}, {args.calls} calls each")
    rows = asyncio.run(binance_spot(args.calls, args.warmup))
    print(render("binance spot", rows))
    worst = max(row["ratio"] for row in rows)
    print(f"worst ratio {worst:.3f}x (target <= 1.10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
