"""Binance's market-history endpoints (klines, public trades, funding rates) through raw ccxt:
what ccxt parses is exactly the engine's deterministic history, in Binance's page sizes, weights
and errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from venue_matrix import BINANCE_OPTIONS

from exchlayer.testing.simulator import Simulator
from exchlayer.testing.simulator.engine import HistoryCandle, HistoryTrade
from exchlayer.testing.simulator.engine.history import (
    DEFAULT_LISTING_MS,
    DEFAULT_OUTAGE,
    FIRST_TRADE_ID,
    HOUR_MS,
    MINUTE_MS,
    TIMEFRAMES,
    align,
)

pytestmark = pytest.mark.asyncio
ccxt = pytest.importorskip("ccxt.async_support")

NOW = 1_750_000_000_000  # 2025-06-15T15:06:40Z: the venue's frozen clock
SPOT = "BTC/USDT"
PERP = "BTC/USDT:USDT"
OUTAGE_START, OUTAGE_END = DEFAULT_OUTAGE
DAY_MS = 24 * HOUR_MS
SPOT_API = "https://api.binance.com/api/v3"
FAPI = "https://fapi.binance.com/fapi/v1"


def dec(value: Any) -> Decimal:
    return Decimal(repr(value))


def engine_ohlcv(candles: list[HistoryCandle]) -> list[list[Any]]:
    return [[c.open_ms, c.open, c.high, c.low, c.close, c.volume] for c in candles]


def parsed_ohlcv(rows: list[list[Any]]) -> list[list[Any]]:
    return [[row[0], *(dec(v) for v in row[1:6])] for row in rows]


def engine_trades(trades: list[HistoryTrade]) -> list[tuple[Any, ...]]:
    return [(str(t.id), t.ms, t.price, t.amount, t.side.value.lower()) for t in trades]


def parsed_trades(trades: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (t["id"], t["timestamp"], dec(t["price"]), dec(t["amount"]), t["side"]) for t in trades
    ]


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7, clock=lambda: NOW) as simulator:
        yield simulator


@pytest_asyncio.fixture
async def binance(sim: Simulator) -> AsyncIterator[Any]:
    """Raw ccxt ``binance`` (spot and linear markets), markets loaded; an API key for
    `historicalTrades` (which ccxt refuses to send without one; Binance ignores it)."""
    exchange = ccxt.binance(
        {
            "apiKey": "unused-key",
            "session": sim.client_session(),
            "enableRateLimit": False,
            "timeout_on_exit": 0,
            "options": dict(BINANCE_OPTIONS),
        }
    )
    try:
        await exchange.load_markets()
        yield exchange
    finally:
        await exchange.close()


async def get(sim: Simulator, url: str) -> tuple[int, Any, dict[str, str]]:
    async with sim.client_session() as session, session.get(url) as resp:
        return resp.status, json.loads(await resp.text()), dict(resp.headers)


# ---- klines ---------------------------------------------------------------------------------


@pytest.mark.parametrize("symbol", [SPOT, PERP])
@pytest.mark.parametrize("timeframe", ["1m", "15m", "1h", "4h", "1d", "1w", "1M"])
async def test_candles_are_the_engines(
    sim: Simulator, binance: Any, symbol: str, timeframe: str
) -> None:
    history = sim.engine.history
    since = DEFAULT_LISTING_MS + 37 * DAY_MS
    rows = await binance.fetch_ohlcv(symbol, timeframe, since, 300)
    expected = history.candles(symbol, timeframe, start_ms=since, limit=300)
    assert expected and parsed_ohlcv(rows) == engine_ohlcv(expected)
    latest = await binance.fetch_ohlcv(symbol, timeframe)  # the most recent 500
    assert parsed_ohlcv(latest) == engine_ohlcv(history.candles(symbol, timeframe))


async def test_wire_rows_are_binances_twelve_fields(sim: Simulator) -> None:
    status, rows, _ = await get(sim, f"{SPOT_API}/klines?symbol=BTCUSDT&interval=1h&limit=2")
    assert status == 200
    (c, live) = sim.engine.history.candles(SPOT, "1h", limit=2)
    assert len(rows[0]) == 12 and rows[0][0] == c.open_ms and rows[0][6] == c.close_ms
    assert rows[0][1] == f"{c.open:.8f}" and rows[0][5] == f"{c.volume:.8f}"
    assert rows[0][7] == f"{c.quote_volume:.8f}" and rows[0][8] == c.trades
    assert rows[0][11] == "0" and Decimal(rows[0][9]) <= c.volume
    assert not live.closed and rows[1][6] == live.close_ms > NOW  # the candle in progress
    status, rows, _ = await get(sim, f"{FAPI}/klines?symbol=BTCUSDT&interval=1h&limit=1")
    (perp,) = sim.engine.history.candles(PERP, "1h", limit=1)
    assert rows[0][1] == f"{perp.open:.1f}" and rows[0][5] == f"{perp.volume:.3f}"
    assert [type(v) for v in rows[0]] == [int, *[str] * 5, int, str, int, str, str, str]


async def test_paging_with_since_crosses_the_outage_without_gaps_or_overlaps(
    sim: Simulator, binance: Any
) -> None:
    start, end = OUTAGE_START - 7 * HOUR_MS, OUTAGE_END + 5 * HOUR_MS
    got: list[list[Any]] = []
    since = start
    while since <= end:
        page = await binance.fetch_ohlcv(SPOT, "1m", since, 100, {"until": end})
        if not page:
            break
        got += page
        since = page[-1][0] + MINUTE_MS
    opens = [row[0] for row in got]
    assert opens == sorted(set(opens))  # ascending, no overlaps
    expected = sim.engine.history.candles(SPOT, "1m", start_ms=start, end_ms=end, limit=10_000)
    assert parsed_ohlcv(got) == engine_ohlcv(expected)
    assert not [t for t in opens if OUTAGE_START <= t < OUTAGE_END]  # the outage is a hole
    assert opens.count(OUTAGE_START - MINUTE_MS) == 1 and OUTAGE_END in opens
    assert len(opens) == (end - start) // MINUTE_MS + 1 - 180
    hourly = await binance.fetch_ohlcv(PERP, "1h", OUTAGE_START - HOUR_MS, 5)
    assert [row[0] for row in hourly][:2] == [OUTAGE_START - HOUR_MS, OUTAGE_END]
    (day,) = await binance.fetch_ohlcv(PERP, "1d", align("1d", OUTAGE_START), 1)
    assert day[0] == align("1d", OUTAGE_START)  # a candle overlapping the outage exists


async def test_page_sizes_are_binances(binance: Any) -> None:
    since = DEFAULT_LISTING_MS
    assert len(await binance.fetch_ohlcv(SPOT, "1m", since)) == 500  # default
    assert len(await binance.fetch_ohlcv(SPOT, "1m", since, 1000)) == 1000
    # ccxt caps its limit at 1000 (and cuts its parse to it): the venue's maxima, raw
    request = {"symbol": "BTCUSDT", "interval": "1m", "startTime": since}
    assert len(await binance.publicGetKlines(request)) == 500
    assert len(await binance.publicGetKlines({**request, "limit": 1500})) == 1000
    assert len(await binance.fapiPublicGetKlines(request)) == 500
    assert len(await binance.fapiPublicGetKlines({**request, "limit": 1500})) == 1500
    assert len(await binance.fapiPublicGetKlines({**request, "limit": 2000})) == 1500
    trades = {"symbol": "BTCUSDT", "fromId": FIRST_TRADE_ID}
    assert len(await binance.publicGetAggTrades(trades)) == 500
    assert len(await binance.publicGetAggTrades({**trades, "limit": 5000})) == 1000
    funding = {"symbol": "BTCUSDT", "startTime": since}
    assert len(await binance.fapiPublicGetFundingRate(funding)) == 100
    assert len(await binance.fapiPublicGetFundingRate({**funding, "limit": 5000})) == 1000
    with pytest.raises(ccxt.BadRequest, match="-1130"):
        await binance.fetch_ohlcv(SPOT, "1m", since, None, {"limit": 0})


async def test_the_last_candle_is_in_progress(sim: Simulator, binance: Any) -> None:
    for timeframe in ("1m", "1h", "1d", "1M"):
        last = (await binance.fetch_ohlcv(PERP, timeframe, None, 3))[-1]
        assert last[0] == align(timeframe, NOW)
        (live,) = sim.engine.history.candles(PERP, timeframe, limit=1)
        assert not live.closed and dec(last[5]) == live.volume


async def test_nothing_before_listing(sim: Simulator, binance: Any) -> None:
    rows = await binance.fetch_ohlcv(SPOT, "1d", DEFAULT_LISTING_MS - 30 * DAY_MS, 10)
    assert rows[0][0] == DEFAULT_LISTING_MS and len(rows) == 10
    assert await binance.fetch_ohlcv(SPOT, "1h", 0, 10, {"until": DEFAULT_LISTING_MS - 1}) == []
    sim.engine.history.set_listing("ETH/USDT", DEFAULT_LISTING_MS + 100 * DAY_MS)
    (first, *_) = await binance.fetch_ohlcv("ETH/USDT", "1w", DEFAULT_LISTING_MS, 5)
    assert first[0] == align("1w", DEFAULT_LISTING_MS + 100 * DAY_MS)
    assert await binance.fetch_trades(SPOT, DEFAULT_LISTING_MS - HOUR_MS - 1) == []
    (trade, *_) = await binance.fetch_trades(SPOT, DEFAULT_LISTING_MS - HOUR_MS + 10_000, 3)
    assert trade["id"] == str(FIRST_TRADE_ID)


async def test_klines_errors_map_to_ccxt_exceptions(binance: Any) -> None:
    with pytest.raises(ccxt.BadRequest, match="-1120"):
        await binance.fetch_ohlcv(SPOT, "7m")
    with pytest.raises(ccxt.BadRequest, match="-1120"):
        await binance.fetch_ohlcv(PERP, "2d")
    with pytest.raises(ccxt.BadRequest, match=r"-1120.*not modelled"):
        await binance.fetch_ohlcv(SPOT, "1s")  # real on spot; the engine has no seconds
    with pytest.raises(ccxt.BadSymbol, match="-1121"):
        await binance.publicGetKlines({"symbol": "NOPEUSDT", "interval": "1m"})
    with pytest.raises(ccxt.BadSymbol, match="-1121"):
        await binance.fapiPublicGetKlines({"symbol": "NOPEUSDT", "interval": "1m"})
    with pytest.raises(ccxt.BadRequest, match=r"-1102.*interval"):
        await binance.publicGetKlines({"symbol": "BTCUSDT"})
    with pytest.raises(ccxt.BadRequest, match=r"-1100.*startTime"):
        await binance.publicGetKlines({"symbol": "BTCUSDT", "interval": "1m", "startTime": "x"})
    with pytest.raises(ccxt.BadRequest, match="-1104"):
        await binance.fetch_ohlcv(SPOT, "1m", None, None, {"until_ms": 5})
    assert len(await binance.fetch_ohlcv(SPOT, "1h", None, 2, {"timeZone": "0"})) == 2
    with pytest.raises(ccxt.BadRequest, match=r"-1130.*timeZone"):
        await binance.fetch_ohlcv(SPOT, "1h", None, 2, {"timeZone": "8"})


# ---- public trades --------------------------------------------------------------------------


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_trades_are_the_engines(sim: Simulator, binance: Any, symbol: str) -> None:
    history = sim.engine.history
    recent = await binance.fetch_trades(symbol)  # aggTrades, the most recent 500
    assert parsed_trades(recent) == engine_trades(history.trades(symbol))
    assert sim.requests[-1].path == ("/api/v3" if symbol == SPOT else "/fapi/v1") + "/aggTrades"
    assert sim.requests[-1].operation == "market_history"
    since = NOW - 30 * DAY_MS + 1234
    window = await binance.fetch_trades(symbol, since, 1000)  # ccxt sends since .. since + 1 h
    expected = history.trades(symbol, start_ms=since, end_ms=since + HOUR_MS, limit=1000)
    assert len(expected) > 600 and parsed_trades(window) == engine_trades(expected)
    first = await binance.fetch_trades(symbol, since, 10)
    assert parsed_trades(first) == engine_trades(expected[:10])  # the oldest of the window
    before = await binance.fetch_trades(symbol, None, 5, {"endTime": since})
    assert parsed_trades(before) == engine_trades(history.trades(symbol, end_ms=since, limit=5))


async def test_trades_page_by_id_across_the_outage(sim: Simulator, binance: Any) -> None:
    history = sim.engine.history
    (start,) = history.trades(SPOT, end_ms=OUTAGE_START - 10 * MINUTE_MS, limit=1)
    got: list[dict[str, Any]] = []
    from_id = start.id
    while len(got) < 1500:
        page = await binance.fetch_trades(SPOT, None, 1000, {"fromId": from_id})
        got += page
        from_id = int(page[-1]["id"]) + 1
    expected = history.trades(SPOT, from_id=start.id, limit=len(got))
    assert parsed_trades(got) == engine_trades(expected)
    times = [t["timestamp"] for t in got]
    assert times == sorted(times) and not [t for t in times if OUTAGE_START <= t < OUTAGE_END]
    assert times[0] < OUTAGE_START and times[-1] >= OUTAGE_END
    with pytest.raises(ccxt.BadRequest, match="-1128"):
        await binance.fetch_trades(SPOT, OUTAGE_END, 5, {"fromId": from_id})


async def test_usdm_agg_trades_window_and_retention(sim: Simulator, binance: Any) -> None:
    since = NOW - 10 * DAY_MS
    with pytest.raises(ccxt.BadRequest, match="-1127"):
        await binance.fetch_trades(PERP, since, 10, {"until": since + HOUR_MS + 1})
    # spot has no window limit (since 2022)
    wide = await binance.fetch_trades(SPOT, since, 1000, {"until": since + 3 * HOUR_MS})
    assert len(wide) == 1000
    year_ago = NOW - 365 * DAY_MS
    assert await binance.fetch_trades(PERP, year_ago - 2 * HOUR_MS) == []  # older than a year
    assert await binance.fetch_trades(SPOT, year_ago - 2 * HOUR_MS, 5) != []
    (kept, *_) = await binance.fetch_trades(PERP, None, 5, {"fromId": FIRST_TRADE_ID})
    assert kept["timestamp"] >= year_ago and int(kept["id"]) > FIRST_TRADE_ID


async def test_recent_and_historical_trades_take_no_time_range(
    sim: Simulator, binance: Any
) -> None:
    history = sim.engine.history
    recent = await binance.fetch_trades(SPOT, None, 20, {"fetchTradesMethod": "publicGetTrades"})
    assert parsed_trades(recent) == engine_trades(history.trades(SPOT, limit=20))
    with pytest.raises(ccxt.BadRequest, match="-1104"):  # spot reads no startTime / endTime
        await binance.fetch_trades(SPOT, NOW - DAY_MS, 20, {"fetchTradesMethod": "publicGetTrades"})
    method = {"fetchTradesMethod": "publicGetHistoricalTrades", "fromId": FIRST_TRADE_ID + 7}
    old = await binance.fetch_trades(SPOT, None, 3, method)
    assert parsed_trades(old) == engine_trades(
        history.trades(SPOT, from_id=FIRST_TRADE_ID + 7, limit=3)
    )
    quote = Decimal(old[0]["info"]["price"]) * Decimal(old[0]["info"]["qty"])
    assert old[0]["info"]["quoteQty"] == f"{quote.normalize():f}"
    # USDⓈ-M `trades` ignores a time range: the most recent, whatever `since` says
    perp = await binance.fetch_trades(
        PERP, NOW - DAY_MS, 20, {"fetchTradesMethod": "fapiPublicGetTrades"}
    )
    assert parsed_trades(perp) == engine_trades(history.trades(PERP, limit=20))


# ---- funding --------------------------------------------------------------------------------


async def test_funding_history_is_the_engines(sim: Simulator, binance: Any) -> None:
    history = sim.engine.history
    since = DEFAULT_LISTING_MS + 3 * DAY_MS + 1
    rates = await binance.fetch_funding_rate_history(PERP, since, 50)
    expected = history.funding(PERP, start_ms=since, limit=50)
    assert [(r["timestamp"], dec(r["fundingRate"])) for r in rates] == [
        (e.ms, e.rate) for e in expected
    ]
    assert [r["info"]["markPrice"] for r in rates] == [f"{e.mark_price:.8f}" for e in expected]
    assert rates[0]["info"]["fundingRate"] == f"{expected[0].rate:.8f}"
    latest = await binance.fetch_funding_rate_history(PERP)  # default: the last 100
    assert [r["timestamp"] for r in latest] == [e.ms for e in history.funding(PERP)]
    assert len(latest) == 100 and latest[-1]["timestamp"] <= NOW
    sim.engine.history.add_outage(since + 7 * HOUR_MS, since + 9 * HOUR_MS)  # holds [0]
    around = await binance.fetch_funding_rate_history(PERP, since, 3)
    assert [r["timestamp"] for r in around] == [e.ms for e in expected[1:4]]
    # spot has none: the engine's spot funding is empty, and /api serves no fundingRate
    assert history.funding(SPOT) == []
    status, body, _ = await get(sim, f"{SPOT_API}/fundingRate?symbol=BTCUSDT")
    assert status == 404 and body["code"] == -1


async def test_funding_without_symbol_merges_every_perpetual(sim: Simulator) -> None:
    status, rows, _ = await get(sim, f"{FAPI}/fundingRate?limit=9")
    assert status == 200 and len(rows) == 9
    assert {r["symbol"] for r in rows} == {"BTCUSDT", "ETHUSDT", "SOLUSDT"}
    times = [r["fundingTime"] for r in rows]
    assert times == sorted(times) and times[-1] == NOW // (8 * HOUR_MS) * 8 * HOUR_MS


# ---- request weight -------------------------------------------------------------------------


async def test_request_weight_is_charged(sim: Simulator) -> None:
    async def weight(url: str) -> int:
        """The weight ``url`` adds to its host family's (the clock is frozen: one window)."""
        _, _, headers = await get(sim, f"{FAPI if 'fapi' in url else SPOT_API}/time")
        before = int(headers["X-MBX-USED-WEIGHT-1M"])
        status, _, headers = await get(sim, url)
        assert status == 200, url
        return int(headers["X-MBX-USED-WEIGHT-1M"]) - before

    assert await weight(f"{SPOT_API}/klines?symbol=BTCUSDT&interval=1m") == 2
    assert await weight(f"{SPOT_API}/aggTrades?symbol=BTCUSDT") == 4
    assert await weight(f"{SPOT_API}/trades?symbol=BTCUSDT") == 25
    assert await weight(f"{SPOT_API}/historicalTrades?symbol=BTCUSDT") == 25
    kline = f"{FAPI}/klines?symbol=BTCUSDT&interval=1m"
    assert await weight(kline) == 5  # default limit 500
    for limit, cost in ((99, 1), (100, 2), (499, 2), (500, 5), (1000, 5), (1001, 10)):
        assert await weight(f"{kline}&limit={limit}") == cost
    assert await weight(f"{FAPI}/aggTrades?symbol=BTCUSDT") == 20
    assert await weight(f"{FAPI}/trades?symbol=BTCUSDT") == 5
    assert await weight(f"{FAPI}/fundingRate?symbol=BTCUSDT") == 0


async def test_funding_rate_has_its_own_limit() -> None:
    # 500 per 5 minutes scaled to 5 per 3 s; the clock is frozen, so the window never turns
    async with Simulator(seed=7, clock=lambda: NOW, rate_limit_scale=0.01) as sim:
        url = f"{FAPI}/fundingRate?symbol=BTCUSDT&limit=1"
        statuses = [(await get(sim, url))[0] for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        status, body, _ = await get(sim, url)
        assert status == 429 and body["code"] == -1003
        assert (await get(sim, f"{FAPI}/klines?symbol=BTCUSDT&interval=1m&limit=1"))[0] == 200


async def test_every_timeframe_is_served(binance: Any) -> None:
    for timeframe in TIMEFRAMES:
        assert await binance.fetch_ohlcv(PERP, timeframe, None, 2), timeframe
