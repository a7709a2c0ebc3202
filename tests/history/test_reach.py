"""A venue that serves only its latest candles (Gate.io: 10,000 of each timeframe): a range
older than that is refused before any request, saying from when; the downloader reads what is
still served and reports the rest as out of reach, not as a gap and not as data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from exchlayer import BaseExchange, NotSupported, TradeType
from exchlayer.history import ParquetStore, download_ohlcv
from exchlayer.testing import Simulator, connect

pytest.importorskip("pyarrow")

UTC = timezone.utc
MINUTE = 60_000


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@pytest.fixture
async def gate(sim: Simulator) -> AsyncIterator[BaseExchange]:
    exchange = await connect(sim, "gateio", credentials=False)
    try:
        yield exchange
    finally:
        await exchange.close()


def kline_requests(sim: Simulator) -> int:
    return sim.count_requests(lambda r: r.path.endswith("/candlesticks"))


@pytest.mark.parametrize("symbol", ["BTC/USDT", "BTC/USDT:USDT"])
@pytest.mark.parametrize(("timeframe", "unit"), [("1m", MINUTE), ("1h", 60 * MINUTE)])
async def test_a_range_out_of_reach_is_refused_before_sending(
    sim: Simulator, gate: BaseExchange, symbol: str, timeframe: str, unit: int
) -> None:
    now = datetime.now(UTC)
    too_old = now - timedelta(milliseconds=10_001 * unit)
    sim.clear_requests()
    with pytest.raises(NotSupported, match=r"serves only its latest 10,000 .* since must be"):
        await gate.get_ohlcv(symbol, timeframe, since=too_old, until=now)
    assert kline_requests(sim) == 0
    earliest = gate.ohlcv_earliest(timeframe)  # type: ignore[attr-defined]
    assert earliest is not None and now - earliest < timedelta(milliseconds=10_000 * unit)
    # from the earliest candle served on, the range is read, page by page
    got = await gate.get_ohlcv(symbol, timeframe, since=earliest, limit=2_500)
    assert len(got) == 2_500 and got[0].open_time == earliest
    expected = sim.history.candles(symbol, timeframe, start_ms=ms(earliest), limit=2_500)
    assert [(ms(c.open_time), c.close) for c in got] == [(c.open_ms, c.close) for c in expected]


async def test_the_latest_candles_never_reach_past_the_venue_s_limit(gate: BaseExchange) -> None:
    got = await gate.get_ohlcv("BTC/USDT", "1m", limit=1_000)
    assert len(got) == 1_000 and not got[-1].closed


async def test_a_download_reads_what_is_served_and_says_what_is_not(
    sim: Simulator, gate: BaseExchange, tmp_path: Path
) -> None:
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    since, until = hour - timedelta(days=10), hour - timedelta(days=2)
    report = await download_ohlcv(gate, "BTC/USDT", "1m", since=since, until=until, to=tmp_path,
                                  progress=False)
    earliest = report.unserved[0].end
    assert [(g.start, g.end) for g in report.unserved] == [(since, earliest)]
    assert hour - earliest < timedelta(minutes=10_000) and not report.gaps
    stored = ParquetStore(tmp_path).candles("gateio", "BTC/USDT", "1m")
    expected = sim.history.candles("BTC/USDT", "1m", start_ms=ms(earliest),
                                   end_ms=ms(until) - 1, limit=100_000)
    assert [(ms(c.open_time), c.open, c.close, c.volume) for c in stored] == [
        (c.open_ms, c.open, c.close, c.volume) for c in expected
    ]
    assert report.stored == len(stored) == (ms(until) - ms(earliest)) // MINUTE
    assert "not served by the venue" in report.summary()

    sim.clear_requests()
    again = await download_ohlcv(gate, "BTC/USDT", "1m", since=since, until=until, to=tmp_path,
                                 progress=False)
    assert (again.written, again.requests, again.stored) == (0, 0, report.stored)
    assert kline_requests(sim) == 0


async def test_a_venue_without_a_limit_has_no_earliest(sim: Simulator) -> None:
    for venue in ("binance", "kucoin", "bingx", "bitget"):
        exchange = await connect(sim, venue, credentials=False)
        async with exchange:
            assert exchange.ohlcv_earliest("1m", TradeType.SPOT) is None  # type: ignore[attr-defined]


async def test_the_refusal_is_where_the_venue_s_own_limit_is(
    sim: Simulator, gate: BaseExchange
) -> None:
    """`ohlcv_earliest` keeps two candles of slack (time passes between asking it and reading
    from it); within that slack a range is still read, whole; beyond it, refused unsent."""
    earliest = gate.ohlcv_earliest("1h")  # type: ignore[attr-defined]
    assert earliest is not None
    hour = timedelta(hours=1)
    for back in (1, 2):
        since = earliest - back * hour
        got = await gate.get_ohlcv("BTC/USDT", "1h", since=since, until=since + 5 * hour)
        assert [c.open_time for c in got] == [since + n * hour for n in range(5)]
    sim.clear_requests()
    with pytest.raises(NotSupported):
        await gate.get_ohlcv("BTC/USDT", "1h", since=earliest - 3 * hour, until=earliest)
    assert kline_requests(sim) == 0
