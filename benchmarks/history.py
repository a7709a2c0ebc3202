"""Candle downloads: exchlayer against a plain ccxt ``fetch_ohlcv`` loop, one run, one process.

Both read the same range of 1-minute BTC/USDT candles from the loopback venue simulator with
the venue's real page size (ccxt's ``features``) and its real rate limits applied on both sides:
the simulator enforces the venue's published limits, and both clients throttle themselves
(ccxt's ``enableRateLimit`` for the plain loop; exchlayer's shared budget). The plain loop is
what users write: ``since`` forward by the last candle, ``limit`` = the page size, until the
range is read. exchlayer is measured twice: `get_ohlcv` over the range (typed, checked Decimal
candles in memory), and `download_ohlcv` into Parquet (the same plus the files).

Then a year of 1-minute candles is downloaded into a temporary store, and its size on disk
and the time to read it back (as pandas, as polars, as `Candle` models) are printed.

    python3 dev.py bench benchmarks/history.py
    .venv/bin/python benchmarks/history.py --days 6 --venues binance gateio --year-venue binance
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import ccxt.async_support as ccxt
import pyarrow
import pyarrow.parquet  # imported before any timing: the first download's cost

from exchlayer import ExchangeFactory, TradeType
from exchlayer.history import ParquetStore, download_ohlcv
from exchlayer.testing import Simulator, connect

VENUES = ("binance", "gateio", "kucoin", "bingx", "bitget")
MINUTE = 60_000
# The last whole hour: every venue still serves the range before it (Gate.io keeps only its
# latest 10,000 candles of a timeframe: six days of minutes fit).
END = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)


def _raw_client(sim: Simulator, venue: str) -> Any:
    cls = ExchangeFactory.get_exchange_class(venue)
    profile = cls.profile  # type: ignore[attr-defined]
    ccxt_id = profile.ccxt_ids[TradeType.SPOT]
    options = dict(profile.ccxt_options.get(TradeType.SPOT, {}))
    return getattr(ccxt, ccxt_id)(
        {"session": sim.client_session(), "enableRateLimit": True, "options": options}
    )


async def raw_loop(raw: Any, start: int, end: int, page: int) -> int:
    """The loop users write: page forward from the last candle got."""
    seen: dict[int, list[Any]] = {}
    since = start
    while since < end:
        rows = await raw.fetch_ohlcv("BTC/USDT", "1m", since, page)
        rows = [r for r in rows if since <= r[0] < end]
        if not rows:
            since += page * MINUTE  # a hole: step over it
            continue
        for row in rows:
            seen[row[0]] = row
        since = rows[-1][0] + MINUTE
    return len(seen)


async def _timed(
    venue: str, how: str, start_dt: datetime, page_box: list[int]
) -> tuple[int, float]:
    """One measurement on a fresh simulator and fresh clients: each starts with the venue's
    whole rate-limit window and the clients' whole burst, as a program's first download does."""
    start, end = int(start_dt.timestamp() * 1000), int(END.timestamp() * 1000)
    async with Simulator() as sim:
        if how == "raw":
            raw = _raw_client(sim, venue)
            try:
                await raw.load_markets()
                t0 = time.perf_counter()
                n = await raw_loop(raw, start, end, page_box[0])
                return n, time.perf_counter() - t0
            finally:
                await raw.close()
        ours = await connect(sim, venue, credentials=False, rate_limit=True)
        async with ours:
            page_box[0] = ours.ohlcv_page_size(TradeType.SPOT)  # type: ignore[attr-defined]
            await ours.get_symbols()  # markets loaded, as raw_loop's load_markets
            t0 = time.perf_counter()
            if how == "get_ohlcv":
                n = len(await ours.get_ohlcv("BTC/USDT", "1m", since=start_dt, until=END))
                return n, time.perf_counter() - t0
            with tempfile.TemporaryDirectory() as tmp:
                report = await download_ohlcv(
                    ours, "BTC/USDT", "1m", since=start_dt, until=END, to=tmp, progress=False
                )
                return report.stored, time.perf_counter() - t0


async def venue_run(venue: str, days: int) -> dict[str, Any]:
    start_dt = END - timedelta(days=days)
    page_box = [0]
    got = await _timed(venue, "get_ohlcv", start_dt, page_box)
    return {
        "venue": venue,
        "page": page_box[0],
        "get_ohlcv": got,
        "raw": await _timed(venue, "raw", start_dt, page_box),
        "download": await _timed(venue, "download", start_dt, page_box),
    }


def _size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*.parquet"))


async def year_run(venue: str) -> dict[str, Any]:
    since = END - timedelta(days=365)
    async with Simulator() as sim:
        ours = await connect(sim, venue, credentials=False, rate_limit=True)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                report = await download_ohlcv(
                    ours, "BTC/USDT", "1m", since=since, until=END, to=tmp, progress=False
                )
                download_s = time.perf_counter() - t0
                store = ParquetStore(tmp)
                size = _size(Path(tmp))
                t0 = time.perf_counter()
                frame = store.to_pandas(report.partition)
                pandas_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                pframe = store.to_polars(report.partition)
                polars_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                models = store.candles(venue, "BTC/USDT", "1m")
                models_s = time.perf_counter() - t0
                assert len(frame) == pframe.height == len(models) == report.stored
        finally:
            await ours.close()
    return {
        "venue": venue,
        "candles": report.stored,
        "gaps": len(report.gaps),
        "requests": report.requests,
        "download_s": download_s,
        "bytes": size,
        "pandas_s": pandas_s,
        "polars_s": polars_s,
        "models_s": models_s,
    }


def main() -> int:
    # pyarrow imports pandas (when installed) on its first conversion, 0.3 s once per process:
    # paid here, before any timing, not by whichever venue happens to be measured first
    pyarrow.array([0], pyarrow.int64())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=6, help="range of the side-by-side run")
    parser.add_argument("--venues", nargs="*", default=list(VENUES))
    parser.add_argument("--year-venue", default="binance", help="venue of the 1-year download")
    parser.add_argument("--no-year", action="store_true", help="skip the 1-year download")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, ccxt {ccxt.__version__}, 1m BTC/USDT, "
          f"{args.days} days to {END:%Y-%m-%d %H:00} UTC, venue rate limits on")
    print(f"  {'venue':8} {'page':>5} {'candles':>8} {'raw ccxt/s':>11} {'get_ohlcv/s':>12} "
          f"{'ratio':>6} {'download/s':>11} {'ratio':>6}")
    for venue in args.venues:
        row = asyncio.run(venue_run(venue, args.days))
        raw_rate = row["raw"][0] / row["raw"][1]
        ours_rate = row["get_ohlcv"][0] / row["get_ohlcv"][1]
        dl_rate = row["download"][0] / row["download"][1]
        assert row["raw"][0] == row["get_ohlcv"][0] == row["download"][0], row
        print(f"  {venue:8} {row['page']:5d} {row['raw'][0]:8,d} {raw_rate:11,.0f} "
              f"{ours_rate:12,.0f} {ours_rate / raw_rate:5.2f}x {dl_rate:11,.0f} "
              f"{dl_rate / raw_rate:5.2f}x")
    if not args.no_year:
        y = asyncio.run(year_run(args.year_venue))
        print(
            f"1 year of 1m BTC/USDT from {y['venue']}: {y['candles']:,} candles "
            f"({y['gaps']} gap), {y['requests']} requests, {y['download_s']:.1f}s; "
            f"{y['bytes'] / 1e6:.1f} MB on disk ({y['bytes'] / y['candles']:.1f} B/candle); "
            f"read back: pandas {y['pandas_s']:.2f}s, polars {y['polars_s']:.2f}s, "
            f"Candle models {y['models_s']:.2f}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
