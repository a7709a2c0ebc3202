"""`get_ohlcv`, `get_public_trades` and `get_funding_rate_history` on all five venues, spot and
futures, end to end against each venue's real kline/trades/funding endpoints in the simulator:
exactly the venue's data (volume in base currency everywhere), ranges longer than a page read
without a hole or a double, nothing invented where the venue has nothing, bad input refused
before any request."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest

from exchlayer import BadSymbol, BaseExchange, InvalidArgument, NotSupported, TradeType
from exchlayer.history.models import CLOSE_MARGIN_MS
from exchlayer.testing import Simulator, connect

UTC = timezone.utc
VENUES = ["binance", "gateio", "kucoin", "bingx", "bitget"]
MARKETS = [("BTC/USDT", TradeType.SPOT), ("BTC/USDT:USDT", TradeType.FUTURES)]
RECENT_ONLY = {"kucoin", "bingx"}  # their public trades have no time range


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@pytest.fixture(params=VENUES)
async def exchange(request: pytest.FixtureRequest, sim: Simulator) -> AsyncIterator[BaseExchange]:
    ex = await connect(sim, request.param, credentials=False)
    try:
        yield ex
    finally:
        await ex.close()


def engine(sim: Simulator, symbol: str, timeframe: str, start: datetime, end: datetime):
    return [
        (c.open_ms, c.open, c.high, c.low, c.close, c.volume)
        for c in sim.history.candles(
            symbol, timeframe, start_ms=ms(start), end_ms=ms(end) - 1, limit=100_000
        )
    ]


def rows(candles):
    return [(ms(c.open_time), c.open, c.high, c.low, c.close, c.volume) for c in candles]


def recent(days: float) -> datetime:
    """A whole hour ``days`` ago: inside every venue's reach (Gate serves 10,000 candles back,
    Bitget's recent-candle endpoint a month of minutes, Binance USD-M a year of trades)."""
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return hour - timedelta(days=days)


@pytest.mark.parametrize(("symbol", "tt"), MARKETS)
async def test_a_range_longer_than_a_page_is_exact_with_an_outage_a_hole(
    sim: Simulator, exchange: BaseExchange, symbol: str, tt: TradeType
) -> None:
    page = exchange.ohlcv_page_size(tt)  # type: ignore[attr-defined]
    since = recent(3)
    until = since + timedelta(minutes=page * 2 + 37 + 180)  # > two pages, across the outage
    outage = since + timedelta(minutes=page)  # a page boundary falls inside it
    sim.history.add_outage(ms(outage), ms(outage) + 180 * 60_000)
    candles = await exchange.get_ohlcv(symbol, "1m", since=since, until=until)
    expected = engine(sim, symbol, "1m", since, until)
    assert rows(candles) == expected
    assert len(expected) == page * 2 + 37  # the 3-hour outage has no candles
    assert all(c.closed and c.symbol == symbol and c.trade_type is tt for c in candles)


@pytest.mark.parametrize("timeframe", ["5m", "1h", "4h", "1d", "1w"])
async def test_every_common_timeframe(
    sim: Simulator, exchange: BaseExchange, timeframe: str
) -> None:
    since, until = recent(30), recent(1)
    candles = await exchange.get_ohlcv("BTC/USDT", timeframe, since=since, until=until)
    assert rows(candles) == engine(sim, "BTC/USDT", timeframe, since, until)


async def test_latest_candles_end_with_the_forming_one(
    sim: Simulator, exchange: BaseExchange
) -> None:
    asked = ms(datetime.now(UTC))
    candles = await exchange.get_ohlcv("BTC/USDT", "1m", limit=10)
    assert len(candles) == 10
    forming = sim.history.candles("BTC/USDT", "1m", limit=1)[0]
    assert ms(candles[-1].open_time) in (forming.open_ms, forming.open_ms - 60_000)
    # closed: ended CLOSE_MARGIN_MS before the request (so, in a minute's first five seconds,
    # the candle that has just ended is not closed yet either)
    for candle in candles:
        ended = ms(candle.open_time) + 60_000
        assert candle.closed is (ended <= asked - CLOSE_MARGIN_MS) or (
            abs(ended - (asked - CLOSE_MARGIN_MS)) < 1_000  # the request took this long
        )
    assert all(c.closed for c in candles[:-2])
    if ms(candles[-1].open_time) == forming.open_ms:
        assert not candles[-1].closed


async def test_nothing_before_the_listing(sim: Simulator, exchange: BaseExchange) -> None:
    listing = recent(5)
    sim.history.set_listing("BTC/USDT", ms(listing))
    candles = await exchange.get_ohlcv(
        "BTC/USDT", "1h", since=listing - timedelta(days=3), until=listing + timedelta(hours=5)
    )
    assert [ms(c.open_time) for c in candles] == [
        ms(listing) + h * 3_600_000 for h in range(5)
    ]


async def test_bad_input_is_refused_before_any_request(
    sim: Simulator, exchange: BaseExchange
) -> None:
    await exchange.get_ohlcv("BTC/USDT", "1h", limit=1)  # markets loaded
    sim.clear_requests()
    naive = datetime(2025, 1, 1)
    for call in (
        lambda: exchange.get_ohlcv("BTC/USDT", "7x"),
        lambda: exchange.get_ohlcv("BTC/USDT", "1h", since=naive),
        lambda: exchange.get_ohlcv("BTC/USDT", "1h", limit=0),
        lambda: exchange.get_ohlcv("BTC/USDT", "1h", limit=True),
        lambda: exchange.get_ohlcv("BTC/USDT", "1h", since="2025-01-01"),  # type: ignore[arg-type]
        lambda: exchange.get_ohlcv("BTC/USDT", "1m", limit=10**12),  # not 1.9 million pages
        lambda: exchange.get_public_trades("BTC/USDT", limit=-1),
    ):
        with pytest.raises(InvalidArgument):
            await call()
    with pytest.raises(BadSymbol):
        await exchange.get_ohlcv("NOPE/USDT", "1h")
    # before any venue existed there is nothing, and nobody is asked
    sixties = datetime(1960, 1, 1, tzinfo=UTC)
    assert await exchange.get_ohlcv("BTC/USDT", "1m", since=sixties, until=sixties.replace(
        year=1969)) == []
    assert sim.count_requests() == 0


@pytest.mark.parametrize(("symbol", "tt"), MARKETS)
async def test_public_trades(
    sim: Simulator, exchange: BaseExchange, symbol: str, tt: TradeType
) -> None:
    latest = await exchange.get_public_trades(symbol, limit=20)
    assert 0 < len(latest) <= 20
    assert [t.timestamp for t in latest] == sorted(t.timestamp for t in latest)
    assert all(t.symbol == symbol and t.price > 0 and t.amount > 0 for t in latest)
    newest = sim.history.trades(symbol, limit=1)[0]
    assert latest[-1].id == str(newest.id) or latest[-1].timestamp <= datetime.now(UTC)
    since = recent(2)
    until = since + timedelta(minutes=30)
    if exchange.name in RECENT_ONLY:
        with pytest.raises(NotSupported):
            await exchange.get_public_trades(symbol, since=since, until=until)
        return
    trades = await exchange.get_public_trades(symbol, since=since, until=until)
    expected = sim.history.trades(symbol, start_ms=ms(since), end_ms=ms(until) - 1, limit=10_000)
    assert [(t.id, t.price, t.amount, t.side.value if t.side else None) for t in trades] == [
        (str(e.id), e.price, e.amount, e.side.value.lower()) for e in expected
    ]


async def test_funding_rates(sim: Simulator, exchange: BaseExchange) -> None:
    since = datetime(2025, 2, 1, tzinfo=UTC)
    until = datetime(2025, 3, 1, tzinfo=UTC)
    rates = await exchange.get_funding_rate_history("BTC/USDT:USDT", since=since, until=until)
    expected = sim.history.funding(
        "BTC/USDT:USDT", start_ms=ms(since), end_ms=ms(until) - 1, limit=1000
    )
    assert [(ms(r.timestamp), r.rate) for r in rates] == [(e.ms, e.rate) for e in expected]
    assert len(rates) == 28 * 3
    latest = await exchange.get_funding_rate_history("BTC/USDT:USDT", limit=5)
    assert [(ms(r.timestamp), r.rate) for r in latest] == [
        (e.ms, e.rate) for e in sim.history.funding("BTC/USDT:USDT", limit=5)
    ]


@pytest.mark.parametrize(("timeframe", "days"), [("1d", 400), ("1w", 700)])
async def test_long_ranges_of_long_timeframes_on_futures(
    sim: Simulator, exchange: BaseExchange, timeframe: str, days: int
) -> None:
    # Bitget futures answer at most 90 days a request: pages shrink to fit
    until = recent(1)
    since = until - timedelta(days=days)
    candles = await exchange.get_ohlcv("BTC/USDT:USDT", timeframe, since=since, until=until)
    opens = [ms(c.open_time) for c in candles]
    step = 86_400_000 if timeframe == "1d" else 7 * 86_400_000
    assert all(b - a == step for a, b in itertools.pairwise(opens))  # no hole, no double
    if exchange.name == "gateio" and timeframe == "1w":
        # Gate's futures weeks open on Thursday (the epoch's weekday), its spot weeks on Monday
        assert all(c.open_time.weekday() == 3 for c in candles)
        assert len(candles) in (days // 7 - 1, days // 7)
        return
    assert rows(candles) == engine(sim, "BTC/USDT:USDT", timeframe, since, until)
