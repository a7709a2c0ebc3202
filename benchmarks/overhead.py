"""exchlayer's per-call overhead over raw ccxt, measured side by side in one process.

Both talk to the same loopback venue simulator through the same kind of aiohttp session, with
ccxt's throttling off on both sides, so the difference is what exchlayer adds: argument checks,
symbol mapping, market-rule checks, client order ids, Decimal models and error translation.
Calls alternate between the two clients so drift (GC, CPU frequency) hits both alike.

    python3 dev.py bench benchmarks/overhead.py
    .venv/bin/python benchmarks/overhead.py --calls 1000

Target: exchlayer <= 1.10x raw ccxt for get_ticker, get_order_book(limit=100) and create_order.
On venues that acknowledge a new order with its id only (Bitget; KuCoin and BingX futures),
exchlayer reads the order back so it can return its real status; that is one more request than
raw ccxt, whose returned order then has no status, and the ratio shows it (Bitget spot here).
KuCoin spot orders go to its "Add Order Sync" endpoint instead, which answers with the status.
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

from exchlayer import ExchangeFactory, OrderSide, OrderType, TradeType
from exchlayer.testing import SIMULATED_VENUES, Simulator, connect

D = Decimal
Call = Callable[[], Awaitable[Any]]

VENUES = ("binance", "gateio", "kucoin", "bingx", "bitget")


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


async def venue_spot(venue: str, calls: int, warmup: int) -> list[dict[str, Any]]:
    """One venue's spot BTC/USDT: raw ccxt configured exactly as exchlayer's adapter
    configures it (same ccxt class and options), against exchlayer."""
    cls = ExchangeFactory.get_exchange_class(venue)
    ccxt_id = cls.profile.ccxt_ids[TradeType.SPOT]  # type: ignore[attr-defined]
    options = dict(cls.profile.ccxt_options.get(TradeType.SPOT, {}))  # type: ignore[attr-defined]
    where = SIMULATED_VENUES[venue].venue
    # the venue's own rate limits are off: this measures per-call cost, not throttling
    async with Simulator(rate_limits=False) as sim:
        funds = {"USDT": D("100000000"), "BTC": D("1000")}
        sim.add_account(where, api_key="raw-key", secret="raw-secret",
                        passphrase="raw-passphrase", balances=funds)
        raw = getattr(ccxt, ccxt_id)(
            {
                "apiKey": "raw-key",
                "secret": "raw-secret",
                "password": "raw-passphrase",
                "session": sim.client_session(),
                "enableRateLimit": False,
                "timeout_on_exit": 0,
                "options": options,
            }
        )
        ours = await connect(sim, venue, balances=funds)
        try:
            await raw.load_markets()
            await ours.get_symbols()
            ticker = await ours.get_ticker("BTC/USDT")
            assert ticker.bid is not None
            price = (ticker.bid * D("0.5")).quantize(D("1"))
            amount = D("0.001")
            pairs: dict[str, tuple[Call, Call]] = {
                "get_ticker": (
                    lambda: raw.fetch_ticker("BTC/USDT"),
                    lambda: ours.get_ticker("BTC/USDT"),
                ),
                "get_order_book(limit=100)": (
                    lambda: raw.fetch_order_book("BTC/USDT", 100),
                    lambda: ours.get_order_book("BTC/USDT", limit=100),
                ),
                "create_order (limit)": (
                    lambda: raw.create_order("BTC/USDT", "limit", "buy", float(amount),
                                             float(price)),
                    lambda: ours.create_order(
                        "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, amount, price
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
    parser.add_argument("--venues", nargs="*", default=list(VENUES))
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, ccxt {ccxt.__version__}, {args.calls} calls each")
    worst = 0.0
    for venue in args.venues:
        rows = asyncio.run(venue_spot(venue, args.calls, args.warmup))
        print(render(f"{venue} spot", rows))
        worst = max(worst, *(row["ratio"] for row in rows if "create" not in row["call"]))
    print(f"worst market-data ratio {worst:.3f}x (target <= 1.10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
