"""The downloader, end to end (exchlayer -> ccxt -> aiohttp -> the simulator's kline endpoints):
exactly the venue's candles, gaps reported never filled, resumable, idempotent, deduplicated,
closed candles only, and nothing stored from an answer that is garbage."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from exchlayer import BaseExchange, MalformedResponse, TradeType
from exchlayer.history import (
    DownloadProgress,
    Gap,
    ParquetStore,
    download_funding_rates,
    download_ohlcv,
    download_trades,
)
from exchlayer.testing import Simulator, connect
from exchlayer.testing.simulator.server import Handler
from exchlayer.testing.simulator.wire.messages import VenueRequest, VenueResponse

UTC = timezone.utc
OUTAGE = (datetime(2025, 3, 10, 2, tzinfo=UTC), datetime(2025, 3, 10, 5, tzinfo=UTC))
SINCE = datetime(2025, 3, 9, 12, tzinfo=UTC)
UNTIL = datetime(2025, 3, 11, tzinfo=UTC)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@pytest.fixture
async def binance(sim: Simulator) -> AsyncIterator[BaseExchange]:
    exchange = await connect(sim, "binance", credentials=False)
    try:
        yield exchange
    finally:
        await exchange.close()


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def engine_candles(sim: Simulator, symbol: str, timeframe: str, start: datetime, end: datetime):
    rows = sim.history.candles(symbol, timeframe, start_ms=ms(start), end_ms=ms(end) - 1,
                               limit=100_000)
    return [(r.open_ms, r.open, r.high, r.low, r.close, r.volume) for r in rows]


def stored(store: ParquetStore, venue: str, symbol: str, timeframe: str, tt=TradeType.SPOT):
    return [
        (ms(c.open_time), c.open, c.high, c.low, c.close, c.volume)
        for c in store.candles(venue, symbol, timeframe, trade_type=tt)
    ]


async def test_a_range_is_stored_exactly_with_the_outage_reported(
    sim: Simulator, binance: BaseExchange, tmp_path: Path
) -> None:
    report = await download_ohlcv(
        binance, "BTC/USDT", "1h", since=SINCE, until=UNTIL, to=tmp_path, progress=False
    )
    expected = engine_candles(sim, "BTC/USDT", "1h", SINCE, UNTIL)
    assert len(expected) == 36 - 3  # 36 hours, three of them inside the outage
    assert stored(ParquetStore(tmp_path), "binance", "BTC/USDT", "1h") == expected
    assert report.gaps == (Gap(*OUTAGE),)
    assert (report.stored, report.written) == (33, 33)


async def test_a_rerun_asks_nothing_and_writes_nothing(
    sim: Simulator, binance: BaseExchange, tmp_path: Path
) -> None:
    first = await download_ohlcv(
        binance, "BTC/USDT", "1h", since=SINCE, until=UNTIL, to=tmp_path, progress=False
    )
    files = snapshot(tmp_path)
    sim.clear_requests()
    again = await download_ohlcv(
        binance, "BTC/USDT", "1h", since=SINCE, until=UNTIL, to=tmp_path, progress=False
    )
    assert (again.requests, again.written, again.stored) == (0, 0, first.stored)
    assert again.gaps == first.gaps  # still reported: the venue has nothing there
    assert sim.count_requests(lambda r: "klines" in r.path) == 0
    assert snapshot(tmp_path) == files


async def test_overlapping_ranges_are_deduplicated(
    sim: Simulator, binance: BaseExchange, tmp_path: Path
) -> None:
    mid = SINCE + timedelta(hours=20)
    await download_ohlcv(binance, "BTC/USDT", "1h", since=SINCE, until=mid, to=tmp_path,
                         progress=False)
    wider = await download_ohlcv(
        binance, "BTC/USDT", "1h", since=SINCE - timedelta(hours=5), until=UNTIL, to=tmp_path,
        progress=False,
    )
    expected = engine_candles(sim, "BTC/USDT", "1h", SINCE - timedelta(hours=5), UNTIL)
    assert stored(ParquetStore(tmp_path), "binance", "BTC/USDT", "1h") == expected
    assert wider.written == len(expected) - 20 + 3  # the first 20 hours had 3 outage hours


async def test_an_interrupted_download_resumes_where_it_stopped(
    sim: Simulator, binance: BaseExchange, tmp_path: Path
) -> None:
    since, until = datetime(2025, 4, 1, tzinfo=UTC), datetime(2025, 4, 3, 12, tzinfo=UTC)
    pages = []

    def stop_after_two(p: DownloadProgress) -> None:
        pages.append(p.rows)
        if len(pages) == 2:
            raise KeyboardInterrupt  # the user's Ctrl-C, in the middle of the range

    with pytest.raises(KeyboardInterrupt):
        await download_ohlcv(binance, "BTC/USDT", "1m", since=since, until=until, to=tmp_path,
                             progress=stop_after_two)
    store = ParquetStore(tmp_path)
    assert len(store.candles("binance", "BTC/USDT", "1m")) == 2000  # two pages, flushed
    sim.clear_requests()
    report = await download_ohlcv(binance, "BTC/USDT", "1m", since=since, until=until,
                                  to=tmp_path, progress=False)
    assert report.requests == 2  # 3,600 minutes: pages three and four only
    assert report.written == 3600 - 2000
    assert stored(store, "binance", "BTC/USDT", "1m") == engine_candles(
        sim, "BTC/USDT", "1m", since, until
    )
    assert report.gaps == ()


async def test_a_cancelled_download_keeps_what_it_had(
    sim: Simulator, binance: BaseExchange, tmp_path: Path
) -> None:
    since, until = datetime(2025, 4, 1, tzinfo=UTC), datetime(2025, 4, 5, tzinfo=UTC)
    got = asyncio.Event()

    def progress(p: DownloadProgress) -> None:
        got.set()

    task = asyncio.create_task(download_ohlcv(
        binance, "BTC/USDT", "1m", since=since, until=until, to=tmp_path, progress=progress
    ))
    await got.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    kept = stored(ParquetStore(tmp_path), "binance", "BTC/USDT", "1m")
    assert kept and kept == engine_candles(sim, "BTC/USDT", "1m", since, until)[: len(kept)]
    report = await download_ohlcv(binance, "BTC/USDT", "1m", since=since, until=until,
                                  to=tmp_path, progress=False)
    assert report.stored == 4 * 1440 and report.gaps == ()


async def test_only_closed_candles_are_stored(
    sim: Simulator, binance: BaseExchange, tmp_path: Path
) -> None:
    since = datetime.now(UTC) - timedelta(minutes=30)
    report = await download_ohlcv(binance, "BTC/USDT", "1m", since=since, to=tmp_path,
                                  progress=False)
    candles = ParquetStore(tmp_path).candles("binance", "BTC/USDT", "1m")
    forming = sim.history.candles("BTC/USDT", "1m", limit=1)[0]
    assert all(ms(c.open_time) < forming.open_ms for c in candles)
    assert len(candles) == report.stored >= 28


async def test_before_the_listing_is_a_gap_not_data(
    sim: Simulator, binance: BaseExchange, tmp_path: Path
) -> None:
    listing = datetime(2024, 1, 1, tzinfo=UTC)
    report = await download_ohlcv(
        binance, "BTC/USDT", "1d", since=listing - timedelta(days=10),
        until=listing + timedelta(days=5), to=tmp_path, progress=False,
    )
    assert report.gaps == (Gap(listing - timedelta(days=10), listing),)
    assert report.stored == 5


async def test_garbage_from_the_venue_stores_nothing_and_says_so(
    sim: Simulator, binance: BaseExchange, tmp_path: Path
) -> None:
    async def zero_prices(request: VenueRequest, call_next: Handler) -> VenueResponse:
        response = await call_next(request)
        if "klines" in request.path:  # a candle at price zero, inside the range asked
            row = [ms(SINCE), "0", "0", "0", "0", "1", ms(SINCE) + 3_599_999, "0", 1, "0", "0", "0"]
            return dataclasses.replace(response, body=json.dumps([row]).encode())
        return response

    sim.interceptors.append(zero_prices)
    with pytest.raises(MalformedResponse):
        await download_ohlcv(binance, "BTC/USDT", "1h", since=SINCE, until=UNTIL, to=tmp_path,
                             progress=False)
    sim.interceptors.clear()
    store = ParquetStore(tmp_path)
    assert store.candles("binance", "BTC/USDT", "1h") == []
    report = await download_ohlcv(binance, "BTC/USDT", "1h", since=SINCE, until=UNTIL,
                                  to=tmp_path, progress=False)
    assert report.stored == 33  # nothing of the garbage was taken as asked-and-answered


async def test_trades_and_funding(sim: Simulator, binance: BaseExchange, tmp_path: Path) -> None:
    since = datetime(2025, 3, 10, 1, 30, tzinfo=UTC)
    until = datetime(2025, 3, 10, 5, 30, tzinfo=UTC)
    report = await download_trades(binance, "BTC/USDT", since=since, until=until, to=tmp_path,
                                   progress=False)
    engine = sim.history.trades("BTC/USDT", start_ms=ms(since), end_ms=ms(until) - 1,
                                limit=100_000)
    trades = ParquetStore(tmp_path).public_trades("binance", "BTC/USDT")
    assert [(t.id, t.price, t.amount) for t in trades] == [
        (str(e.id), e.price, e.amount) for e in engine
    ]
    (gap,) = report.gaps
    assert gap.start <= OUTAGE[0] + timedelta(seconds=10) and gap.end >= OUTAGE[1]

    funding = await download_funding_rates(
        binance, "BTC/USDT:USDT", since=datetime(2025, 3, 1, tzinfo=UTC),
        until=datetime(2025, 3, 31, tzinfo=UTC), to=tmp_path, progress=False,
    )
    rates = ParquetStore(tmp_path).funding_rates("binance", "BTC/USDT:USDT")
    assert len(rates) == 30 * 3 and funding.gaps == ()  # no settlement falls inside the outage
    assert all(isinstance(r.rate, Decimal) for r in rates)


@pytest.mark.parametrize("venue", ["binance", "gateio", "kucoin", "bingx", "bitget"])
@pytest.mark.parametrize("symbol", ["BTC/USDT", "BTC/USDT:USDT"])
async def test_every_venue_and_market_downloads_exactly(
    sim: Simulator, tmp_path: Path, venue: str, symbol: str
) -> None:
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    since, until = hour - timedelta(days=3), hour - timedelta(hours=1)
    async with await connect(sim, venue, credentials=False) as exchange:
        report = await download_ohlcv(exchange, symbol, "15m", since=since, until=until,
                                      to=tmp_path, progress=False)
    tt = TradeType.FUTURES if ":" in symbol else TradeType.SPOT
    assert report.partition.trade_type is tt and not report.gaps and not report.unserved
    assert stored(ParquetStore(tmp_path), venue, symbol, "15m", tt) == engine_candles(
        sim, symbol, "15m", since, until
    )
    assert report.stored == (3 * 24 - 1) * 4


async def test_pages_keep_to_the_venue_s_rate_limit(sim: Simulator, tmp_path: Path) -> None:
    """Bitget answers 200 candles a request and allows 20 market-data requests a second: a
    30-page download through the connector's budget draws no 429 from the simulator, which
    enforces Bitget's published limits."""
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    since = hour - timedelta(minutes=200 * 30)
    async with await connect(sim, "bitget", credentials=False, rate_limit=True) as bitget:
        report = await download_ohlcv(bitget, "BTC/USDT", "1m", since=since, until=hour,
                                      to=tmp_path, progress=False)
    assert (report.requests, report.stored) == (30, 6000)
    assert sim.count_requests(lambda r: r.status == 429) == 0
