"""BingX's public market history through raw ccxt: spot `/openApi/spot/v1/market/kline` and
`/market/trades`, swap `/openApi/swap/v3/quote/klines`, `/v2/quote/trades` and
`/v2/quote/fundingRate`, all served from `engine.history` on a frozen clock."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Simulator
from exchlayer.testing.simulator.engine import HistoryCandle
from exchlayer.testing.simulator.engine.history import DEFAULT_LISTING_MS, align, next_open

ccxt = pytest.importorskip("ccxt.async_support")

D = Decimal
SPOT, PERP = "BTC/USDT", "BTC/USDT:USDT"
NOW = 1_750_000_012_345  # 2025-06-15 15:06:52.345 UTC
HOUR, DAY = 3_600_000, 86_400_000
OUTAGE_DAY = 1_741_564_800_000  # 2025-03-10 00:00 UTC; the default outage is 02:00-05:00
HOST = "https://open-api.bingx.com"

Row = tuple[int, Decimal, Decimal, Decimal, Decimal, Decimal]


def dec(value: Any) -> Decimal:
    return Decimal(repr(value))


def rows(ohlcv: Sequence[Sequence[Any]]) -> list[Row]:
    return [(r[0], dec(r[1]), dec(r[2]), dec(r[3]), dec(r[4]), dec(r[5])) for r in ohlcv]


def expected(candles: Sequence[HistoryCandle]) -> list[Row]:
    return [(c.open_ms, c.open, c.high, c.low, c.close, c.volume) for c in candles]


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7, clock=lambda: NOW, rate_limits=False) as simulator:
        yield simulator


@pytest_asyncio.fixture
async def bingx(sim: Simulator) -> AsyncIterator[Any]:
    exchange = ccxt.bingx(
        {"session": sim.client_session(), "enableRateLimit": False, "timeout_on_exit": 0}
    )
    try:
        await exchange.load_markets()
        yield exchange
    finally:
        await exchange.close()


async def get(sim: Simulator, path: str) -> tuple[Any, dict[str, str]]:
    async with sim.client_session().get(HOST + path) as resp:
        assert resp.status == 200
        return json.loads(await resp.text()), dict(resp.headers)


# ---- klines ----------------------------------------------------------------------------------


@pytest.mark.parametrize("symbol", [SPOT, PERP])
@pytest.mark.parametrize("timeframe", ["1m", "15m", "1h", "4h", "8h", "1d", "1w", "1M"])
async def test_candles_are_the_engines(
    sim: Simulator, bingx: Any, symbol: str, timeframe: str
) -> None:
    latest = await bingx.fetch_ohlcv(symbol, timeframe, None, 30)
    want = sim.history.candles(symbol, timeframe, limit=30)
    assert rows(latest) == expected(want)
    since = 1_735_689_600_000  # 2025-01-01, a Wednesday: weekly candles begin the Monday after
    page = await bingx.fetch_ohlcv(symbol, timeframe, since, 20)
    assert rows(page) == expected(sim.history.candles(symbol, timeframe, start_ms=since, limit=20))
    assert page and page[0][0] >= since


async def test_spot_wire_rows_are_numbers_newest_first(sim: Simulator, bingx: Any) -> None:
    await bingx.fetch_ohlcv(SPOT, "1h", None, 3)
    request = sim.requests[-1]
    assert request.path == "/openApi/spot/v1/market/kline"
    assert request.query["timeZone"] == "0" and request.query["symbol"] == "BTC-USDT"
    for path in ("/openApi/spot/v1/market/kline", "/openApi/spot/v2/market/kline"):
        body, _ = await get(sim, f"{path}?symbol=BTC-USDT&interval=1h&limit=3&timeZone=0")
        assert set(body) == {"code", "timestamp", "data"} and body["code"] == 0
        candles = sim.history.candles(SPOT, "1h", limit=3)
        assert body["data"] == [
            [c.open_ms, float(c.open), float(c.high), float(c.low), float(c.close),
             float(c.volume), c.close_ms, float(c.quote_volume.quantize(D("0.01")))]
            for c in reversed(candles)
        ]


async def test_swap_wire_rows_are_strings_oldest_first(sim: Simulator) -> None:
    body, _ = await get(sim, "/openApi/swap/v3/quote/klines?symbol=BTC-USDT&interval=1h&limit=2")
    assert body["code"] == 0 and body["msg"] == ""
    a, b = sim.history.candles(PERP, "1h", limit=2)
    assert body["data"] == [
        {"open": f"{c.open:.1f}", "close": f"{c.close:.1f}", "high": f"{c.high:.1f}",
         "low": f"{c.low:.1f}", "volume": f"{c.volume:.3f}", "time": c.open_ms}
        for c in (a, b)
    ]


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_paging_forwards_crosses_the_outage_without_gaps_or_overlaps(
    sim: Simulator, bingx: Any, symbol: str
) -> None:
    start, end, step = OUTAGE_DAY - 4 * HOUR, OUTAGE_DAY + 10 * HOUR, 15 * 60_000
    got: list[list[Any]] = []
    since = start
    while since <= end:
        page = await bingx.fetch_ohlcv(symbol, "15m", since, 7)
        assert page
        got += [c for c in page if c[0] <= end]
        since = page[-1][0] + step
    times = [c[0] for c in got]
    assert times == sorted(set(times))
    want = sim.history.candles(symbol, "15m", start_ms=start, end_ms=end, limit=10_000)
    assert rows(got) == expected(want)
    hole = list(range(OUTAGE_DAY + 2 * HOUR, OUTAGE_DAY + 5 * HOUR, step))
    assert not set(hole) & set(times) and len(times) == 14 * 4 + 1 - len(hole)


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_the_outage_is_a_hole_in_hourly_candles(
    sim: Simulator, bingx: Any, symbol: str
) -> None:
    page = await bingx.fetch_ohlcv(symbol, "1h", OUTAGE_DAY, 6)
    assert [c[0] for c in page] == [OUTAGE_DAY + h * HOUR for h in (0, 1, 5, 6, 7, 8)]


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_page_size_default_and_maximum(sim: Simulator, bingx: Any, symbol: str) -> None:
    since = NOW - 3000 * 60_000
    default = await bingx.fetch_ohlcv(symbol, "1m", since)
    assert "limit" not in sim.requests[-1].query and len(default) == 500
    biggest = await bingx.fetch_ohlcv(symbol, "1m", since, 5000)
    assert sim.requests[-1].query["limit"] == "1440" and len(biggest) == 1440
    assert rows(biggest) == expected(
        sim.history.candles(symbol, "1m", start_ms=since - 1, limit=1440)
    )
    method = (
        bingx.spotV1PublicGetMarketKline if symbol == SPOT else bingx.swapV3PublicGetQuoteKlines
    )
    with pytest.raises(ccxt.BadRequest, match=r"100400|109400"):
        await method({"symbol": "BTC-USDT", "interval": "1m", "limit": 1441})
    with pytest.raises(ccxt.BadRequest):
        await method({"symbol": "BTC-USDT", "interval": "1m", "limit": 0})


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_the_last_candle_is_in_progress(sim: Simulator, bingx: Any, symbol: str) -> None:
    last = (await bingx.fetch_ohlcv(symbol, "1h", None, 2))[-1]
    assert last[0] == align("1h", NOW)
    (engine_last,) = sim.history.candles(symbol, "1h", limit=1)
    assert not engine_last.closed and rows([last]) == expected([engine_last])
    assert dec(last[4]) == sim.history.price_at(symbol, NOW)


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_nothing_before_the_listing(sim: Simulator, bingx: Any, symbol: str) -> None:
    page = await bingx.fetch_ohlcv(symbol, "1d", DEFAULT_LISTING_MS - 30 * DAY, 5)
    assert [c[0] for c in page] == [DEFAULT_LISTING_MS + n * DAY for n in range(5)]
    listing = NOW - 3 * HOUR - 10 * 60_000
    sim.history.set_listing(symbol, listing)
    page = await bingx.fetch_ohlcv(symbol, "1h", None, 100)
    assert [c[0] for c in page] == [align("1h", listing) + n * HOUR for n in range(5)]
    assert await bingx.fetch_ohlcv(symbol, "1h", listing - 10 * DAY, 2) == page[:2]


async def test_spot_candles_default_to_utc_plus_8(sim: Simulator, bingx: Any) -> None:
    """Without `timeZone` (or with 8) BingX's spot days open at 16:00 UTC; the simulator
    builds them from the engine's 8-hour candles."""
    for zone in (None, 8):
        extra = {} if zone is None else {"timeZone": zone}
        raw = await bingx.spotV1PublicGetMarketKline(
            {"symbol": "BTC-USDT", "interval": "1d", "limit": 3, **extra}
        )
        data = raw["data"]
        opens = [r[0] for r in data]
        first = align("1d", NOW + 8 * HOUR) - 8 * HOUR
        assert opens == [first, first - DAY, first - 2 * DAY]  # newest first
        for row in data:
            parts = sim.history.candles(SPOT, "8h", start_ms=row[0], end_ms=row[0] + DAY - 1)
            assert row[1] == float(parts[0].open) and row[4] == float(parts[-1].close)
            assert row[2] == float(max(p.high for p in parts))
            assert row[3] == float(min(p.low for p in parts))
            assert D(repr(row[5])) == sum((p.volume for p in parts), D(0))
            assert row[6] == row[0] + DAY - 1
    weekly = await bingx.fetch_ohlcv(SPOT, "1w", None, 2, {"timeZone": 8})
    monday = next_open("1w", align("1w", NOW + 8 * HOUR)) - 8 * HOUR - 7 * DAY
    assert [c[0] for c in weekly] == [monday - 7 * DAY, monday]  # Sunday 16:00 UTC
    with pytest.raises(ccxt.BadRequest):
        await bingx.fetch_ohlcv(SPOT, "1d", None, 2, {"timeZone": 3})


@pytest.mark.parametrize("symbol", [SPOT, PERP])
async def test_a_bad_interval_or_symbol_is_refused(
    sim: Simulator, bingx: Any, symbol: str
) -> None:
    with pytest.raises(ccxt.BadRequest) as refused:
        await bingx.fetch_ohlcv(symbol, "7m", None, 2)
    assert ("100400" if symbol == SPOT else "109400") in str(refused.value)
    method = (
        bingx.spotV1PublicGetMarketKline if symbol == SPOT else bingx.swapV3PublicGetQuoteKlines
    )
    with pytest.raises(ccxt.BadSymbol):
        await method({"symbol": "NOPE-USDT", "interval": "1h"})
    with pytest.raises(ccxt.BadRequest):
        await method({"symbol": "BTC-USDT"})  # no interval


# ---- recent trades ---------------------------------------------------------------------------


async def test_spot_recent_trades(sim: Simulator, bingx: Any) -> None:
    trades = await bingx.fetch_trades(SPOT, None, 50)
    want = sim.history.trades(SPOT, limit=50)
    assert [
        (t["id"], t["timestamp"], dec(t["price"]), dec(t["amount"]), t["side"]) for t in trades
    ] == [(str(t.id), t.ms, t.price, t.amount, t.side.value.lower()) for t in want]
    assert all(t["takerOrMaker"] == "taker" for t in trades)
    body, _ = await get(sim, "/openApi/spot/v1/market/trades?symbol=BTC-USDT&limit=2")
    assert set(body) == {"code", "timestamp", "data"}
    newest = want[-1]
    assert body["data"][0] == {
        "id": newest.id, "price": float(newest.price), "qty": float(newest.amount),
        "time": newest.ms, "buyerMaker": newest.side.value == "SELL",
    }
    assert len(await bingx.fetch_trades(SPOT)) == 100  # BingX's default
    assert len(await bingx.fetch_trades(SPOT, None, 900)) == 500  # ccxt and BingX cap at 500
    with pytest.raises(ccxt.BadRequest):
        await bingx.spotV1PublicGetMarketTrades({"symbol": "BTC-USDT", "limit": 501})


async def test_swap_recent_trades(sim: Simulator, bingx: Any) -> None:
    trades = await bingx.fetch_trades(PERP, None, 40)
    want = sim.history.trades(PERP, limit=40)
    assert [
        (t["id"], t["timestamp"], dec(t["price"]), dec(t["amount"]), t["side"]) for t in trades
    ] == [(None, t.ms, t.price, t.amount, t.side.value.lower()) for t in want]
    assert [dec(t["cost"]) for t in trades] == [
        (t.price * t.amount).quantize(D("0.01"), ROUND_HALF_UP) for t in want
    ]
    body, _ = await get(sim, "/openApi/swap/v2/quote/trades?symbol=BTC-USDT&limit=2")
    assert body["msg"] == "" and [r["time"] for r in body["data"]] == [want[-1].ms, want[-2].ms]
    assert set(body["data"][0]) == {"time", "isBuyerMaker", "price", "qty", "quoteQty"}
    assert len(await bingx.fetch_trades(PERP)) == 500
    assert len(await bingx.fetch_trades(PERP, None, 5000)) == 1000
    with pytest.raises(ccxt.BadRequest):
        await bingx.swapV2PublicGetQuoteTrades({"symbol": "BTC-USDT", "limit": 1001})


@pytest.mark.parametrize(
    ("path", "symbol"),
    [("/openApi/spot/v1/market/trades", SPOT), ("/openApi/swap/v2/quote/trades", PERP)],
)
async def test_recent_trades_take_no_time_range(sim: Simulator, path: str, symbol: str) -> None:
    """BingX's recent-trades endpoints have no time or id parameters: they are ignored."""
    plain, _ = await get(sim, f"{path}?symbol=BTC-USDT&limit=5")
    old = DEFAULT_LISTING_MS + DAY
    ranged, _ = await get(
        sim, f"{path}?symbol=BTC-USDT&limit=5&startTime={old}&endTime={old + HOUR}&fromId=1"
    )
    assert ranged["data"] == plain["data"]
    assert plain["data"][0]["time"] == sim.history.trades(symbol, limit=1)[0].ms


# ---- funding -----------------------------------------------------------------------------------


async def test_funding_history_pages_forwards(sim: Simulator, bingx: Any) -> None:
    since = OUTAGE_DAY - 10 * DAY
    got: list[dict[str, Any]] = []
    while len(got) < 60:
        page = await bingx.fetch_funding_rate_history(PERP, since, 25)
        assert sim.requests[-1].query["startTime"] == str(since)
        got += page
        since = page[-1]["timestamp"] + 1
    want = sim.history.funding(PERP, start_ms=OUTAGE_DAY - 10 * DAY, limit=len(got))
    assert [(f["timestamp"], dec(f["fundingRate"])) for f in got] == [
        (e.ms, e.rate) for e in want
    ]
    assert all(f["symbol"] == PERP for f in got)
    latest = await bingx.fetch_funding_rate_history(PERP)
    assert [f["timestamp"] for f in latest] == [e.ms for e in sim.history.funding(PERP)]
    assert len(latest) == 100  # BingX's default


async def test_funding_wire_is_newest_first_with_eight_decimals(sim: Simulator) -> None:
    body, _ = await get(sim, "/openApi/swap/v2/quote/fundingRate?symbol=BTC-USDT&limit=2")
    a, b = sim.history.funding(PERP, limit=2)
    assert body["data"] == [
        {"symbol": "BTC-USDT", "fundingRate": f"{e.rate:.8f}", "fundingTime": e.ms}
        for e in (b, a)
    ]
    every, _ = await get(sim, "/openApi/swap/v2/quote/fundingRate?limit=6")
    assert {r["symbol"] for r in every["data"]} == {"BTC-USDT", "ETH-USDT", "SOL-USDT"}
    assert sim.history.funding(SPOT) == []  # spot has no funding, and no funding endpoint


async def test_funding_limit_out_of_range(bingx: Any) -> None:
    with pytest.raises(ccxt.BadRequest, match="109400"):
        await bingx.swapV2PublicGetQuoteFundingRate({"symbol": "BTC-USDT", "limit": 1001})


# ---- rate limits -------------------------------------------------------------------------------


async def test_history_requests_weigh_one_against_the_market_data_limit(sim: Simulator) -> None:
    paths = [
        "/openApi/spot/v1/ticker/24hr?symbol=BTC-USDT",
        "/openApi/spot/v1/market/kline?symbol=BTC-USDT&interval=1m&limit=1440",
        "/openApi/swap/v3/quote/klines?symbol=BTC-USDT&interval=1m&limit=1440",
        "/openApi/spot/v1/market/trades?symbol=BTC-USDT&limit=500",
        "/openApi/swap/v2/quote/trades?symbol=BTC-USDT&limit=1000",
        "/openApi/swap/v2/quote/fundingRate?symbol=BTC-USDT&limit=1000",
    ]
    remains = [int((await get(sim, path))[1]["X-RateLimit-Requests-Remain"]) for path in paths]
    assert remains == [499 - n for n in range(len(paths))]  # 500 per 10 s, shared
