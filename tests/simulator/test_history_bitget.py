"""Bitget's market history through raw ccxt: candles (`market/candles` and
`market/history-candles`, spot and USDT-M futures), the public tape (`market/fills-history`,
`market/fills`) and funding (`mix/market/history-fund-rate`), all from `engine.history`, with
the venue's and ccxt's clocks frozen at one instant."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Simulator
from exchlayer.testing.simulator.engine import HistoryCandle, HistoryTrade
from exchlayer.testing.simulator.engine.history import (
    DEFAULT_LISTING_MS,
    DEFAULT_OUTAGE,
    align,
)

pytestmark = pytest.mark.asyncio
ccxt = pytest.importorskip("ccxt.async_support")

NOW = 1_741_782_896_789  # 2025-03-12T12:34:56.789Z: two and a half days after the outage
MIN = 60_000
HOUR = 60 * MIN
DAY = 24 * HOUR
SPOT, PERP = "BTC/USDT", "BTC/USDT:USDT"
OUT_START, OUT_END = DEFAULT_OUTAGE
API = "https://api.bitget.com/api/v2"
#: ccxt 4.5.90 caps a futures limit it is given by timeframe (`maxLimitPerTimeframe`)
CCXT_CAPS = {(PERP, "3d"): 30, (PERP, "1w"): 13, (PERP, "1M"): 4}


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7, clock=lambda: NOW, rate_limits=False) as simulator:
        yield simulator


@pytest_asyncio.fixture
async def bitget(sim: Simulator) -> AsyncIterator[Any]:
    exchange = ccxt.bitget(
        {
            "session": sim.client_session(),
            "enableRateLimit": False,
            "timeout_on_exit": 0,
            "options": {"uta": False},
        }
    )
    exchange.milliseconds = lambda: NOW  # ccxt picks the candle endpoint by its own clock
    await exchange.load_markets()
    yield exchange
    await exchange.close()


def rows(candles: list[HistoryCandle]) -> list[list[Any]]:
    """The engine's candles as ccxt parses Bitget's rows (volume in base units)."""
    return [
        [c.open_ms, float(c.open), float(c.high), float(c.low), float(c.close), float(c.volume)]
        for c in candles
    ]


def tape(trades: list[HistoryTrade]) -> list[tuple[Any, ...]]:
    return [
        (str(t.id), t.ms, float(t.price), float(t.amount), t.side.value.lower()) for t in trades
    ]


def parsed(trades: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(t["id"], t["timestamp"], t["price"], t["amount"], t["side"]) for t in trades]


def paths(sim: Simulator) -> list[str]:
    return [r.path for r in sim.requests]


# ---- candles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("symbol", [SPOT, PERP])
@pytest.mark.parametrize("timeframe", ["1m", "15m", "1h", "4h", "1d", "3d", "1w", "1M"])
async def test_latest_candles_match_the_engine(
    bitget: Any, sim: Simulator, symbol: str, timeframe: str
) -> None:
    got = await bitget.fetch_ohlcv(symbol, timeframe, None, 50)
    limit = CCXT_CAPS.get((symbol, timeframe), 50)
    assert got == rows(sim.history.candles(symbol, timeframe, limit=limit))
    assert sim.requests[-1].query["limit"] == str(limit)
    assert paths(sim)[-1].endswith("/market/candles")


@pytest.mark.parametrize(
    ("symbol", "timeframe", "granularity"),
    [(SPOT, "1m", "1min"), (SPOT, "1d", "1Dutc"), (SPOT, "1M", "1Mutc"),
     (PERP, "1h", "1H"), (PERP, "2h", "2H"), (PERP, "1w", "1Wutc")],
)
async def test_candles_from_a_start(
    bitget: Any, sim: Simulator, symbol: str, timeframe: str, granularity: str
) -> None:
    since = sim.history.candles(symbol, timeframe, limit=12)[0].open_ms
    got = await bitget.fetch_ohlcv(symbol, timeframe, since, 10)
    assert got == rows(sim.history.candles(symbol, timeframe, start_ms=since, limit=10))
    assert sim.requests[-1].query["granularity"] == granularity


async def test_the_forming_candle_is_the_last(bitget: Any, sim: Simulator) -> None:
    for symbol, timeframe in ((SPOT, "1m"), (PERP, "1h"), (SPOT, "1M")):
        got = await bitget.fetch_ohlcv(symbol, timeframe, None, 3)
        last = sim.history.candles(symbol, timeframe, limit=1)[0]
        assert not last.closed and last.open_ms == align(timeframe, NOW)
        assert got[-1] == rows([last])[0]


async def test_spot_rows_carry_base_usdt_and_quote_volume(bitget: Any, sim: Simulator) -> None:
    answer = await bitget.publicSpotGetV2SpotMarketCandles(
        {"symbol": "BTCUSDT", "granularity": "1h", "limit": "2"}
    )
    engine = sim.history.candles(SPOT, "1h", limit=2)
    assert answer["code"] == "00000" and answer["msg"] == "success"
    row, candle = answer["data"][-1], engine[-1]
    assert len(row) == 8 and all(isinstance(v, str) for v in row)
    assert row[0] == str(candle.open_ms) and row[5] == format(candle.volume.normalize(), "f")
    assert row[6] == row[7] == format(candle.quote_volume.normalize(), "f")
    futures = await bitget.publicMixGetV2MixMarketCandles(
        {"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "granularity": "1H", "limit": "2"}
    )
    assert [len(r) for r in futures["data"]] == [7, 7]  # [ts, o, h, l, c, baseVol, quoteVol]


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_paging_across_the_reach_of_recent_candles(
    bitget: Any, sim: Simulator, symbol: str
) -> None:
    # ccxt asks history-candles (at most 200 a page) for a start older than 29 days, candles
    # after: both answer the same data, joined without gaps or overlaps
    start = align("1m", NOW - 29 * DAY - 5 * HOUR)
    stop = start + 10 * HOUR
    got: list[list[Any]] = []
    cursor = start
    while cursor < stop:
        page = await bitget.fetch_ohlcv(symbol, "1m", cursor, 200)
        assert 0 < len(page) <= 200
        got += page
        cursor = page[-1][0] + MIN
    got = [c for c in got if c[0] < stop]
    expected = sim.history.candles(symbol, "1m", start_ms=start, end_ms=stop - 1, limit=10_000)
    assert got == rows(expected) and len(got) == 600
    used = {p.rsplit("/", 1)[1] for p in paths(sim)}
    assert {"candles", "history-candles"} <= used


async def test_page_sizes(bitget: Any, sim: Simulator) -> None:
    recent = await bitget.fetch_ohlcv(SPOT, "1m", NOW - 2000 * MIN, 1000)
    assert len(recent) == 1000
    base = {"symbol": "BTCUSDT", "granularity": "1min"}
    default = await bitget.publicSpotGetV2SpotMarketCandles(base)
    assert len(default["data"]) == 100
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.publicSpotGetV2SpotMarketCandles({**base, "limit": "1001"})
    old = {**base, "endTime": str(NOW - 100 * DAY)}
    assert len((await bitget.publicSpotGetV2SpotMarketHistoryCandles(old))["data"]) == 100
    full = await bitget.publicSpotGetV2SpotMarketHistoryCandles({**old, "limit": "200"})
    assert len(full["data"]) == 200
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.publicSpotGetV2SpotMarketHistoryCandles({**old, "limit": "201"})
    with pytest.raises(ccxt.BadRequest, match="40019"):  # endTime is required there
        await bitget.publicSpotGetV2SpotMarketHistoryCandles(base)
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.publicMixGetV2MixMarketHistoryCandles(
            {"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "granularity": "1m",
             "limit": "201"}
        )
    # an old start with a limit over 200: ccxt asks history-candles for the 200 candles before
    # since + limit, and the page ends there (Bitget aligns a page on its end)
    since = align("1m", NOW - 60 * DAY)
    got = await bitget.fetch_ohlcv(SPOT, "1m", since, 1000)
    assert got == rows(sim.history.candles(SPOT, "1m", start_ms=since + 800 * MIN, limit=200))


async def test_recent_candles_reach_back_a_limited_time(bitget: Any) -> None:
    # 1m: 30 days on market/candles; the whole past on market/history-candles
    window = {"symbol": "BTCUSDT", "granularity": "1min",
              "startTime": str(NOW - 40 * DAY), "endTime": str(NOW - 40 * DAY + 100 * MIN)}
    assert (await bitget.publicSpotGetV2SpotMarketCandles(window))["data"] == []
    old = await bitget.publicSpotGetV2SpotMarketHistoryCandles(window)
    assert len(old["data"]) == 100
    inside = {**window, "startTime": str(NOW - 20 * DAY), "endTime": str(NOW - 20 * DAY + HOUR)}
    assert len((await bitget.publicSpotGetV2SpotMarketCandles(inside))["data"]) == 60


async def test_nothing_before_the_listing(bitget: Any, sim: Simulator) -> None:
    daily = await bitget.fetch_ohlcv(SPOT, "1d", DEFAULT_LISTING_MS - 10 * DAY, 20)
    assert daily[0][0] == DEFAULT_LISTING_MS and len(daily) == 10
    minutes = await bitget.fetch_ohlcv(PERP, "1m", DEFAULT_LISTING_MS - 50 * MIN, 100)
    assert paths(sim)[-1].endswith("/mix/market/history-candles")
    assert minutes == rows(
        sim.history.candles(PERP, "1m", start_ms=DEFAULT_LISTING_MS, limit=50)
    )
    before = await bitget.publicSpotGetV2SpotMarketHistoryCandles(
        {"symbol": "BTCUSDT", "granularity": "1min", "endTime": str(DEFAULT_LISTING_MS)}
    )
    assert before["data"] == []


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_the_outage_is_a_hole(bitget: Any, sim: Simulator, symbol: str) -> None:
    start, stop = OUT_START - HOUR, OUT_END + HOUR
    got: list[list[Any]] = []
    cursor = start
    while cursor < stop:
        page = await bitget.fetch_ohlcv(symbol, "1m", cursor, 100)
        if not page:
            cursor += 100 * MIN
            continue
        got += page
        cursor = page[-1][0] + MIN
    got = [c for c in got if c[0] < stop]
    assert got == rows(
        sim.history.candles(symbol, "1m", start_ms=start, end_ms=stop - 1, limit=1000)
    )
    assert len(got) == 120 and not [c for c in got if OUT_START <= c[0] < OUT_END]
    hours = await bitget.fetch_ohlcv(symbol, "1h", start, 5)
    assert [c[0] for c in hours] == [start, OUT_END]  # 02:00, 03:00 and 04:00 lie inside


async def test_futures_candles_span_at_most_90_days(bitget: Any) -> None:
    query = {"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "granularity": "1Dutc",
             "endTime": str(NOW)}
    ok = await bitget.publicMixGetV2MixMarketCandles({**query, "startTime": str(NOW - 90 * DAY)})
    assert len(ok["data"]) == 90
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.publicMixGetV2MixMarketCandles({**query, "startTime": str(NOW - 91 * DAY)})
    # ccxt's default page (100 candles) from a start over 90 days back spans too much: a
    # daily futures page needs a limit of at most 90 (ccxt caps a limit it is given there)
    with pytest.raises(ccxt.BadRequest):
        await bitget.fetch_ohlcv(PERP, "1d", NOW - 200 * DAY)
    assert len(await bitget.fetch_ohlcv(PERP, "1d", NOW - 200 * DAY, 500)) == 90


async def test_refusals(bitget: Any) -> None:
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.fetch_ohlcv(SPOT, "2h")  # spot has no 2-hour line
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.fetch_ohlcv(PERP, "8h")
    with pytest.raises(ccxt.BadRequest, match="400172"):  # UTC+8 lines are not simulated
        await bitget.publicSpotGetV2SpotMarketCandles({"symbol": "BTCUSDT", "granularity": "1day"})
    with pytest.raises(ccxt.BadRequest, match="40019"):
        await bitget.publicSpotGetV2SpotMarketCandles({"symbol": "BTCUSDT"})
    with pytest.raises(ccxt.BadRequest, match="400172"):  # mark / index candles
        await bitget.fetch_ohlcv(PERP, "1m", None, 5, {"kLineType": "MARK"})
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.fetch_ohlcv(SPOT, "1m", None, 5, {"endTime": "soon"})
    # an unknown symbol: 40034, which ccxt 4.5.90 does not map (a plain ExchangeError)
    with pytest.raises(ccxt.ExchangeError, match="Parameter DOGEUSDT does not exist") as info:
        await bitget.publicSpotGetV2SpotMarketCandles({"symbol": "DOGEUSDT", "granularity": "1h"})
    assert type(info.value) is ccxt.ExchangeError
    with pytest.raises(ccxt.ExchangeError, match="40034"):
        await bitget.publicMixGetV2MixMarketFillsHistory(
            {"symbol": "BTCUSDT", "productType": "COIN-FUTURES"}
        )


# ---- the public tape -------------------------------------------------------------------------


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_latest_trades_match_the_engine(bitget: Any, sim: Simulator, symbol: str) -> None:
    got = await bitget.fetch_trades(symbol, None, 100)
    assert parsed(got) == tape(sim.history.trades(symbol, limit=100))
    assert paths(sim)[-1].endswith("/market/fills-history")
    default = await bitget.fetch_trades(symbol)
    assert len(default) == 500  # fills-history's default page
    ids = [int(row["tradeId"]) for row in json.loads(bitget.last_http_response)["data"]]
    assert ids == sorted(ids, reverse=True)  # newest first on the wire, ascending in ccxt
    assert [t["timestamp"] for t in default] == sorted(t["timestamp"] for t in default)


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_trades_page_back_by_id(bitget: Any, sim: Simulator, symbol: str) -> None:
    start = NOW - 2 * HOUR
    got: list[dict[str, Any]] = []
    params: dict[str, Any] = {}
    while not got or got[0]["timestamp"] >= start:
        page = await bitget.fetch_trades(symbol, None, 1000, params)
        assert 0 < len(page) <= 1000
        got = page + got
        params = {"idLessThan": page[0]["id"]}
    got = [t for t in got if t["timestamp"] >= start]
    assert parsed(got) == tape(sim.history.trades(symbol, start_ms=start, limit=100_000))
    assert len({t["id"] for t in got}) == len(got) > 1000


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_trades_in_a_window_are_its_newest(
    bitget: Any, sim: Simulator, symbol: str
) -> None:
    since, until = OUT_START - 30 * MIN, OUT_END + 30 * MIN
    got = await bitget.fetch_trades(symbol, since, 100, {"until": until})
    assert sim.requests[-1].query["startTime"] == str(since)
    assert parsed(got) == tape(sim.history.trades(symbol, end_ms=until, limit=100))
    # the whole window: half an hour on each side of the outage, nothing in it
    whole = await bitget.fetch_trades(symbol, since, 1000, {"until": until})
    assert parsed(whole) == tape(
        sim.history.trades(symbol, start_ms=since, end_ms=until, limit=1000)
    )
    assert len(whole) > 700 and not [
        t for t in whole if OUT_START <= t["timestamp"] < OUT_END
    ]


async def test_trade_windows_and_reach(bitget: Any, sim: Simulator) -> None:
    with pytest.raises(ccxt.BadRequest, match="400172"):  # at most 7 days from start to end
        await bitget.fetch_trades(SPOT, NOW - 8 * DAY, 10, {"until": NOW})
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.fetch_trades(SPOT, None, 1001)  # at most 1000 (ccxt caps futures only)
    # spot serves the last 30 days, futures the last 7
    old = {"until": NOW - 30 * DAY - HOUR}
    assert await bitget.fetch_trades(SPOT, NOW - 31 * DAY, 10, old) == []
    assert len(await bitget.fetch_trades(SPOT, NOW - 20 * DAY, 10)) == 10
    assert await bitget.fetch_trades(PERP, NOW - 9 * DAY, 10, {"until": NOW - 8 * DAY}) == []
    # a start alone spans 7 days on: the newest trades of that week
    since = NOW - 10 * DAY
    got = await bitget.fetch_trades(SPOT, since, 5)
    assert parsed(got) == tape(sim.history.trades(SPOT, end_ms=since + 7 * DAY, limit=5))


async def test_recent_fills_have_no_time_range(bitget: Any, sim: Simulator) -> None:
    old = str(NOW - 5 * DAY)
    spot = await bitget.publicSpotGetV2SpotMarketFills(
        {"symbol": "BTCUSDT", "limit": "5", "startTime": old, "endTime": old}
    )
    newest = sim.history.trades(SPOT, limit=5)
    assert [r["tradeId"] for r in spot["data"]] == [str(t.id) for t in reversed(newest)]
    assert len((await bitget.publicSpotGetV2SpotMarketFills({"symbol": "BTCUSDT"}))["data"]) == 100
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.publicSpotGetV2SpotMarketFills({"symbol": "BTCUSDT", "limit": "501"})
    futures = {"symbol": "BTCUSDT", "productType": "USDT-FUTURES"}
    got = await bitget.fetch_trades(PERP, None, 100, {"method": "publicMixGetV2MixMarketFills"})
    assert paths(sim)[-1].endswith("/mix/market/fills")
    assert parsed(got) == tape(sim.history.trades(PERP, limit=100))
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.publicMixGetV2MixMarketFills({**futures, "limit": "101"})


# ---- funding ---------------------------------------------------------------------------------


async def test_funding_matches_the_engine(bitget: Any, sim: Simulator) -> None:
    got = await bitget.fetch_funding_rate_history(PERP, None, 100)
    engine = sim.history.funding(PERP, limit=100)
    assert [(f["timestamp"], f["fundingRate"]) for f in got] == [
        (e.ms, float(e.rate)) for e in engine
    ]
    wire = json.loads(bitget.last_http_response)["data"]
    assert [int(r["fundingTime"]) for r in wire] == [e.ms for e in reversed(engine)]
    assert set(wire[0]) == {"symbol", "fundingRate", "fundingTime"}
    since = NOW - 5 * DAY
    recent = await bitget.fetch_funding_rate_history(PERP, since)  # a page of 20, filtered
    assert [f["timestamp"] for f in recent] == [
        e.ms for e in sim.history.funding(PERP, start_ms=since)
    ]


async def test_funding_pages_by_number(bitget: Any, sim: Simulator) -> None:
    query = {"symbol": "BTCUSDT", "productType": "USDT-FUTURES"}
    assert len((await bitget.publicMixGetV2MixMarketHistoryFundRate(query))["data"]) == 20
    seen: list[int] = []
    number = 1
    while True:
        page = await bitget.publicMixGetV2MixMarketHistoryFundRate(
            {**query, "pageSize": "100", "pageNo": str(number)}
        )
        if not page["data"]:
            break
        seen += [int(r["fundingTime"]) for r in page["data"]]
        number += 1
    every = sim.history.funding(PERP, start_ms=DEFAULT_LISTING_MS, limit=100_000)
    assert seen == [e.ms for e in reversed(every)] and len(seen) > 1000
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.publicMixGetV2MixMarketHistoryFundRate({**query, "pageSize": "101"})
    # ccxt's own pagination: pageNo 1 to 10 of 100, the newest 1000 (newest first: ccxt sorts
    # a paginated result so)
    paged = await bitget.fetch_funding_rate_history(PERP, None, None, {"paginate": True})
    assert [f["timestamp"] for f in paged] == [e.ms for e in reversed(every[-1000:])]


async def test_spot_has_no_funding(bitget: Any, sim: Simulator) -> None:
    with pytest.raises(ccxt.BadRequest, match="400172"):
        await bitget.fetch_funding_rate_history(SPOT)
    assert sim.requests[-1].query["productType"] == "SPOT"
    assert sim.history.funding(SPOT) == []


# ---- rate limits -----------------------------------------------------------------------------


async def test_each_history_endpoint_is_metered_per_second() -> None:
    async with Simulator(seed=7, clock=lambda: NOW) as sim:  # the clock stands: one window
        session = sim.client_session()

        async def burst(url: str) -> tuple[int, Any]:
            for n in range(40):
                async with session.get(url) as resp:
                    body = json.loads(await resp.text())
                    if resp.status != 200:
                        assert resp.status == 429
                        return n, body
            raise AssertionError("never refused")

        candles = f"{API}/spot/market/candles?symbol=BTCUSDT&granularity=1min&limit=1"
        assert (await burst(candles))[0] == 20
        ok, body = await burst(f"{API}/spot/market/fills-history?symbol=BTCUSDT&limit=1")
        assert ok == 10 and body["code"] == "429" and body["msg"] == "Too Many Requests"
        mix = "symbol=BTCUSDT&productType=USDT-FUTURES"
        assert (await burst(f"{API}/mix/market/fills-history?{mix}&limit=1"))[0] == 10
        assert (await burst(f"{API}/mix/market/fills?{mix}&limit=1"))[0] == 20
        assert (await burst(f"{API}/mix/market/history-fund-rate?{mix}&pageSize=1"))[0] == 20
        assert {r.operation for r in sim.requests} == {"market_history"}
