"""Order-book deltas into books: exchlayer's stream against raw ccxt.pro, one process, one run.

The frames are Binance's (`depthUpdate`: 10 changed levels of the top 100 a frame, on the
simulator's REST snapshot of a 1,000-level book), made once and then replayed into both
clients' message handlers with no socket in between, so what is measured is the client's own
work per frame: JSON decode, sequence check, applying the levels, and handing the book out.

- raw ccxt.pro: `handle_message`, then `orderbook.limit()` (what `watch_order_book` returns:
  float levels);
- exchlayer: the same ccxt.pro class as exchlayer builds it (Decimal levels from the frame's
  text), then the typed, checked `OrderBook` a stream yields (100 levels a side);
- the floor: `json.loads` of the same frames, no book at all.

The frames are synthetic in their sizes (the simulator's own book moves every level with the
price, which no venue does) and exact in their shape and sequence rules.

    .venv/bin/python benchmarks/streams.py [--frames 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from decimal import Decimal
from typing import Any

import ccxt.pro as ccxtpro

from exchlayer.connector import parsing
from exchlayer.connector.ccxt_class import ccxt_class
from exchlayer.models import TradeType
from exchlayer.testing import Simulator
from exchlayer.venues.binance import PROFILE

SYMBOL = "BTC/USDT"
URL = "wss://stream.binance.com:9443/ws/0"


async def record(frames: int) -> tuple[dict[str, Any], list[str], Any]:
    """The simulator's REST snapshot, then `frames` depth events shaped like Binance's own
    (`U`/`u` chained, ~10 levels of the top 100 changing a frame, now and then one removed)."""
    async with Simulator(rate_limits=False) as sim:
        session = sim.client_session()
        raw = ccxtpro.binance({"session": session})
        markets = await raw.load_markets()
        await raw.close()
        snapshot = await (await session.get(
            "https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000"
        )).json()
    rng = random.Random(7)
    bids = [p for p, _ in snapshot["bids"][:100]]
    asks = [p for p, _ in snapshot["asks"][:100]]
    last = snapshot["lastUpdateId"]
    out = []
    for _ in range(frames):
        def levels(prices: list[str]) -> list[list[str]]:
            picked = rng.sample(prices, 5)
            return [[p, "0.00000000" if rng.random() < 0.05 else f"{rng.uniform(0.01, 3):.8f}"]
                    for p in picked]
        event = {"e": "depthUpdate", "E": 0, "s": "BTCUSDT", "U": last + 1, "u": last + 3,
                 "b": levels(bids), "a": levels(asks)}
        last += 3
        out.append(json.dumps(event, separators=(",", ":")))
    return snapshot, out, markets


async def replay(cls: type[Any], markets: Any, snapshot: dict[str, Any], frames: list[str],
                 typed: bool) -> float:
    client_ex = cls({"options": {"watchOrderBookLimit": 100}})
    try:
        return _replay(client_ex, markets, snapshot, frames, typed)
    finally:
        await client_ex.close()


def _replay(client_ex: Any, markets: Any, snapshot: dict[str, Any], frames: list[str],
            typed: bool) -> float:
    client_ex.set_markets(markets)
    client = client_ex.client(URL)
    client.subscriptions["orderbook::" + SYMBOL] = True
    book = client_ex.order_book({}, 1000)
    book.reset(client_ex.parse_order_book(snapshot, SYMBOL))
    book["nonce"] = snapshot["lastUpdateId"]
    client_ex.orderbooks[SYMBOL] = book
    handle = client_ex.handle_message
    started = time.perf_counter()
    for text in frames:
        handle(client, json.loads(text))
        shown = client_ex.orderbooks[SYMBOL].limit()
        if typed:  # what a stream of limit=100 yields
            top = {**shown, "bids": [*map(tuple, shown["bids"][:100])],
                   "asks": [*map(tuple, shown["asks"][:100])]}
            parsing.parse_order_book(top, SYMBOL, TradeType.SPOT)
    return time.perf_counter() - started


def floor(frames: list[str]) -> float:
    started = time.perf_counter()
    for text in frames:
        json.loads(text)
    return time.perf_counter() - started


async def latency(kind: str, moves: int) -> list[float]:
    """Seconds from the simulator's move (its frame queued) to the consumer holding the book
    that shows it, over a loopback WebSocket, one client on its own simulator: raw ccxt.pro's
    `watch_order_book` loop (`kind="raw"`) or exchlayer's stream (`"ours"`)."""
    from exchlayer.testing import connect

    out: list[float] = []
    async with Simulator(rate_limits=False) as sim:
        raw = ccxtpro.binance({"session": sim.client_session()})
        ours = await connect(sim, "binance", credentials=False)
        stream = ours.watch_order_book(SYMBOL, limit=100)

        def next_book() -> Any:
            if kind == "raw":
                return asyncio.ensure_future(raw.watch_order_book(SYMBOL))
            return asyncio.ensure_future(anext(stream))

        try:
            await raw.load_markets()
            first = next_book()
            await asyncio.sleep(0.5)
            sim.set_price(SYMBOL, Decimal("50001"))
            await first
            for i in range(moves):
                waiting = next_book()
                await asyncio.sleep(0)
                sim.set_price(SYMBOL, Decimal(50_000) + Decimal(i % 50 + 2) * (-1) ** i)
                started = time.perf_counter()  # the frame is queued, not yet sent
                await waiting
                out.append(time.perf_counter() - started)
        finally:
            await raw.close()
            await ours.close()
    return out


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--moves", type=int, default=300, help="moves of the latency run")
    args = parser.parse_args()
    snapshot, frames, markets = asyncio.run(record(args.frames))
    levels = sum(len(json.loads(f)["b"]) + len(json.loads(f)["a"]) for f in frames) / len(frames)
    ours_cls = ccxt_class("binance", PROFILE, pro=True)
    best = {"raw": float("inf"), "ours": float("inf"), "floor": float("inf")}

    async def rounds() -> None:
        for _ in range(args.rounds):  # alternating, best of each
            raw = await replay(ccxtpro.binance, markets, snapshot, frames, False)
            ours = await replay(ours_cls, markets, snapshot, frames, True)
            best["raw"], best["ours"] = min(best["raw"], raw), min(best["ours"], ours)
            best["floor"] = min(best["floor"], floor(frames))

    asyncio.run(rounds())
    n = len(frames)
    print(f"python {sys.version.split()[0]}, ccxt {ccxtpro.__version__}: {n:,} Binance depth "
          f"frames ({levels:.1f} levels each) into a 100-level book, best of {args.rounds}")
    for name, label in (("floor", "json.loads only"), ("raw", "raw ccxt.pro"),
                        ("ours", "exchlayer (typed)")):
        each = best[name] / n * 1e6
        print(f"  {label:18} {n / best[name]:10,.0f} frames/s  {each:7.1f} µs/frame")
    print(f"  exchlayer / raw ccxt.pro throughput: {best['raw'] / best['ours']:.2f}x")
    print(f"latency, simulator move -> the consumer holds the book, loopback WebSocket, "
          f"{args.moves} moves (each a diff of the simulator's whole 1,000-level book):")
    for name, label in (("raw", "raw ccxt.pro"), ("ours", "exchlayer")):
        values = asyncio.run(latency(name, args.moves))
        print(f"  {label:13} median {_percentile(values, 0.5) * 1e3:6.2f} ms   "
              f"p99 {_percentile(values, 0.99) * 1e3:6.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
