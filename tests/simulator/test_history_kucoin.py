"""KuCoin's public market history through raw ccxt (``kucoin``, ``kucoinfutures``): spot candles
(seconds, newest first, 1,500 a request), futures klines (ms, lots, 500 a request), the latest
100 trades of each market and the futures funding history, all equal to ``engine.history``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Simulator
from exchlayer.testing.simulator.engine import HistoryCandle
from exchlayer.testing.simulator.engine.history import (
    DEFAULT_LISTING_MS,
    DEFAULT_OUTAGE,
    HOUR_MS,
    MINUTE_MS,
    align,
)

ccxt = pytest.importorskip("ccxt.async_support")
pytestmark = pytest.mark.asyncio

D = Decimal
SPOT, PERP = "BTC/USDT", "BTC/USDT:USDT"
NOW = 1_741_786_632_345  # 2025-03-12 13:37:12.345 UTC, two days after the default outage
DAY_MS = 24 * HOUR_MS
SPOT_HOST = "https://api.kucoin.com"
FUTURES_HOST = "https://api-futures.kucoin.com"
OPTIONS: dict[str, dict[str, Any]] = {
    "kucoin": {"uta": False, "hf": True,
               "fetchMarkets": {"types": ["spot"], "fetchTickersFees": False}},
    "kucoinfutures": {"uta": False, "hf": True,
                      "fetchMarkets": {"types": ["swap"], "fetchTickersFees": False}},
}

Make = Callable[[str], Any]


def dec(value: Any) -> Decimal:
    """ccxt hands floats over: convert through the shortest repr."""
    return Decimal(repr(value))


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7, clock=lambda: NOW, rate_limits=False) as simulator:
        yield simulator


@pytest_asyncio.fixture
async def make(sim: Simulator) -> AsyncIterator[Any]:
    created: list[Any] = []

    async def build(name: str) -> Any:
        exchange = getattr(ccxt, name)({
            "session": sim.client_session(),
            "enableRateLimit": False,
            "timeout_on_exit": 0,
            "options": OPTIONS[name],
        })
        exchange.milliseconds = lambda: NOW
        created.append(exchange)
        await exchange.load_markets()
        return exchange

    yield build
    for exchange in created:
        await exchange.close()


@pytest_asyncio.fixture
async def spot(make: Any) -> Any:
    return await make("kucoin")


@pytest_asyncio.fixture
async def futures(make: Any) -> Any:
    return await make("kucoinfutures")


async def raw(sim: Simulator, url: str) -> tuple[Any, dict[str, str]]:
    async with sim.client_session() as session, session.get(url) as resp:
        assert resp.status == 200
        return json.loads(await resp.text()), dict(resp.headers)


def same_candles(got: list[list[Any]], want: list[HistoryCandle], lot: Decimal | None = None
                 ) -> None:
    """ccxt's rows equal the engine's candles (futures volume in lots of ``lot`` base)."""
    assert [r[0] for r in got] == [c.open_ms for c in want]
    for row, c in zip(got, want, strict=True):
        assert [dec(v) for v in row[1:5]] == [c.open, c.high, c.low, c.close]
        volume = dec(row[5]) if lot is None else dec(row[5]) * lot
        assert volume == c.volume


# ---- candles --------------------------------------------------------------------------------


@pytest.mark.parametrize("timeframe", ["1m", "15m", "1h", "4h", "1d", "1w", "1M"])
async def test_spot_candles_equal_the_engines(sim: Simulator, spot: Any, timeframe: str) -> None:
    # on the second grid (ccxt sends whole seconds), off every candle's
    since = DEFAULT_LISTING_MS + 40 * DAY_MS + 7_000
    got = await spot.fetch_ohlcv(SPOT, timeframe, since, 12)
    want = sim.engine.history.candles(SPOT, timeframe, start_ms=since, limit=12)
    assert len(want) == 12
    same_candles(got, want)
    request = sim.requests[-1]
    assert request.path == "/api/v1/market/candles"
    assert request.query["startAt"] == str(since // 1000)  # seconds
    assert request.query["type"] == spot.timeframes[timeframe]


@pytest.mark.parametrize("timeframe", ["1m", "5m", "1h", "2h", "8h", "1d", "1w"])
async def test_futures_klines_equal_the_engines_with_volume_in_lots(
    sim: Simulator, futures: Any, timeframe: str
) -> None:
    since = DEFAULT_LISTING_MS + 40 * DAY_MS + 7  # not on any grid
    got = await futures.fetch_ohlcv(PERP, timeframe, since, 12)
    want = sim.engine.history.candles(PERP, timeframe, start_ms=since, limit=12)
    lot = dec(futures.market(PERP)["contractSize"])
    assert lot == D("0.001")  # ccxt reports contracts: 1 lot of XBTUSDTM = 0.001 BTC
    same_candles(got, want, lot)
    request = sim.requests[-1]
    assert request.path == "/api/v1/kline/query"
    assert request.query["from"] == str(since)  # milliseconds
    assert request.query["granularity"] == str(futures.options["timeframes"]["swap"][timeframe])


async def test_weeks_open_on_monday_and_months_on_the_first(spot: Any) -> None:
    import datetime as dt

    weeks = await spot.fetch_ohlcv(SPOT, "1w", DEFAULT_LISTING_MS, 10)
    months = await spot.fetch_ohlcv(SPOT, "1M", DEFAULT_LISTING_MS, 12)
    days = [dt.datetime.fromtimestamp(r[0] / 1000, dt.timezone.utc) for r in weeks]
    assert {d.weekday() for d in days} == {0} and {d.hour for d in days} == {0}
    firsts = [dt.datetime.fromtimestamp(r[0] / 1000, dt.timezone.utc) for r in months]
    assert [(d.year, d.month, d.day) for d in firsts] == [(2024, m, 1) for m in range(1, 13)]


async def test_spot_answers_newest_first_in_seconds_and_strings(sim: Simulator) -> None:
    start, end = (NOW - 10 * HOUR_MS) // 1000, NOW // 1000
    body, _ = await raw(
        sim, f"{SPOT_HOST}/api/v1/market/candles?symbol=BTC-USDT&type=1hour"
        f"&startAt={start}&endAt={end}"
    )
    rows = body["data"]
    assert body["code"] == "200000"
    assert all(isinstance(v, str) for row in rows for v in row) and len(rows[0]) == 7
    times = [int(r[0]) for r in rows]
    assert times == sorted(times, reverse=True)  # newest first
    assert times[0] == align("1h", NOW) // 1000  # the in-progress hour
    want = sim.engine.history.candles(SPOT, "1h", start_ms=start * 1000, limit=20)
    assert times == [c.open_ms // 1000 for c in reversed(want)]
    newest = want[-1]
    # open, close, high, low, volume, turnover: exact decimals, never through float
    assert rows[0][1:] == [
        format(v.normalize(), "f") for v in (
            newest.open, newest.close, newest.high, newest.low, newest.volume,
            newest.quote_volume,
        )
    ]


async def test_futures_klines_answer_oldest_first_in_ms_and_json_numbers(
    sim: Simulator,
) -> None:
    body, _ = await raw(
        sim, f"{FUTURES_HOST}/api/v1/kline/query?symbol=XBTUSDTM&granularity=60"
        f"&from={NOW - 10 * HOUR_MS}&to={NOW}"
    )
    rows = body["data"]
    assert [type(v) for v in rows[0][:1] + rows[0][5:6]] == [int, int]  # ms, lots
    assert all(isinstance(v, (int, float)) for row in rows for v in row)
    times = [r[0] for r in rows]
    assert times == sorted(times) and times[-1] == align("1h", NOW)
    want = sim.engine.history.candles(PERP, "1h", start_ms=NOW - 10 * HOUR_MS, limit=20)
    assert [r[6] for r in rows] == [float(c.quote_volume) for c in want]  # turnover


async def test_spot_serves_at_most_1500_the_newest_of_the_range(sim: Simulator,
                                                                spot: Any) -> None:
    end = align("1m", NOW)
    start = end - 2000 * MINUTE_MS
    body, _ = await raw(
        sim, f"{SPOT_HOST}/api/v1/market/candles?symbol=BTC-USDT&type=1min"
        f"&startAt={start // 1000}&endAt={end // 1000}"
    )
    rows = body["data"]
    assert len(rows) == 1500
    assert int(rows[0][0]) * 1000 == end - MINUTE_MS  # endAt is exclusive
    assert int(rows[-1][0]) * 1000 == end - 1500 * MINUTE_MS
    # ccxt asks since + limit x duration: exactly one page, the first candle included
    got = await spot.fetch_ohlcv(SPOT, "1m", start, 1500)
    assert len(got) == 1500 and got[0][0] == start
    # no range at all: the latest 1500, the one in progress last
    latest = await spot.fetch_ohlcv(SPOT, "1m")
    assert len(latest) == 1500 and latest[-1][0] == align("1m", NOW)


async def test_futures_serve_at_most_500_from_the_start(sim: Simulator, futures: Any) -> None:
    start = align("1m", NOW) - 2000 * MINUTE_MS
    body, _ = await raw(
        sim, f"{FUTURES_HOST}/api/v1/kline/query?symbol=XBTUSDTM&granularity=1"
        f"&from={start}&to={NOW}"
    )
    times = [r[0] for r in body["data"]]
    assert len(times) == 500 and times[0] == start and times[-1] == start + 499 * MINUTE_MS
    # only an end: the 500 closest to it; nothing: the 500 closest to now
    body, _ = await raw(
        sim, f"{FUTURES_HOST}/api/v1/kline/query?symbol=XBTUSDTM&granularity=1&to={start}"
    )
    assert len(body["data"]) == 500 and body["data"][-1][0] == start
    got = await futures.fetch_ohlcv(PERP, "1m", None, 500)
    assert len(got) == 500 and got[-1][0] == align("1m", NOW)


@pytest.mark.parametrize(("client", "symbol", "page"),
                         [("kucoin", SPOT, 1500), ("kucoinfutures", PERP, 500)])
async def test_paging_with_since_and_limit_has_no_gaps_or_overlaps(
    sim: Simulator, make: Any, client: str, symbol: str, page: int
) -> None:
    exchange = await make(client)
    start = DEFAULT_LISTING_MS + 100 * DAY_MS + 12_345
    end = start + 3 * page * MINUTE_MS + 17 * MINUTE_MS
    got: list[list[Any]] = []
    cursor = start
    while cursor < end:
        rows = await exchange.fetch_ohlcv(symbol, "1m", cursor, page)
        assert len(rows) == page
        got.extend(rows)
        cursor = rows[-1][0] + MINUTE_MS
    got = [r for r in got if r[0] <= end]
    first = align("1m", start) + MINUTE_MS
    assert [r[0] for r in got] == list(range(first, end + 1, MINUTE_MS))
    lot = None if client == "kucoin" else dec(exchange.market(symbol)["contractSize"])
    want = sim.engine.history.candles(symbol, "1m", start_ms=start, end_ms=end, limit=5000)
    same_candles(got, want, lot)


@pytest.mark.parametrize(("client", "symbol"), [("kucoin", SPOT), ("kucoinfutures", PERP)])
async def test_the_last_candle_is_in_progress(
    sim: Simulator, make: Any, client: str, symbol: str
) -> None:
    exchange = await make(client)
    got = await exchange.fetch_ohlcv(symbol, "1h", None, 3)
    want = sim.engine.history.candles(symbol, "1h", limit=3)
    assert not want[-1].closed and want[-2].closed
    assert got[-1][0] == align("1h", NOW)
    lot = None if client == "kucoin" else dec(exchange.market(symbol)["contractSize"])
    same_candles(got, want, lot)


@pytest.mark.parametrize(("client", "symbol"), [("kucoin", SPOT), ("kucoinfutures", PERP)])
async def test_nothing_before_the_listing(
    sim: Simulator, make: Any, client: str, symbol: str
) -> None:
    exchange = await make(client)
    got = await exchange.fetch_ohlcv(symbol, "1d", DEFAULT_LISTING_MS - 10 * DAY_MS, 20)
    assert got[0][0] == DEFAULT_LISTING_MS and len(got) >= 10
    body, _ = await raw(
        sim, f"{SPOT_HOST}/api/v1/market/candles?symbol=BTC-USDT&type=1day"
        f"&startAt=0&endAt={DEFAULT_LISTING_MS // 1000}"
    )
    assert body["data"] == []  # endAt is exclusive: the listing day is not before it


@pytest.mark.parametrize(("client", "symbol"), [("kucoin", SPOT), ("kucoinfutures", PERP)])
async def test_the_default_outage_is_a_hole(make: Any, client: str, symbol: str) -> None:
    exchange = await make(client)
    a, b = DEFAULT_OUTAGE  # 2025-03-10 02:00-05:00 UTC
    got = await exchange.fetch_ohlcv(symbol, "1h", a - 2 * HOUR_MS, 10)
    assert [(r[0] - a) // HOUR_MS for r in got][:6] == [-2, -1, 3, 4, 5, 6]
    minutes = await exchange.fetch_ohlcv(symbol, "1m", a - 5 * MINUTE_MS, 500)
    assert all(not a <= r[0] < b for r in minutes)
    assert minutes[4][0] == a - MINUTE_MS and minutes[5][0] == b


@pytest.mark.parametrize(("client", "symbol", "timeframe"), [
    ("kucoin", SPOT, "3d"),
    ("kucoinfutures", PERP, "3m"),
    ("kucoinfutures", PERP, "6h"),
    ("kucoinfutures", PERP, "1M"),
])
async def test_an_interval_the_venue_lacks_is_a_bad_request(
    sim: Simulator, make: Any, client: str, symbol: str, timeframe: str
) -> None:
    exchange = await make(client)
    with pytest.raises(ccxt.BadRequest, match="400100"):
        await exchange.fetch_ohlcv(symbol, timeframe, NOW - DAY_MS, 10)
    assert sim.requests[-1].status == 200  # KuCoin's errors ride HTTP 200


async def test_an_unknown_symbol_is_bad_symbol(spot: Any, futures: Any) -> None:
    with pytest.raises(ccxt.BadSymbol):
        await spot.publicGetMarketCandles({"symbol": "NOPE-USDT", "type": "1min"})
    with pytest.raises(ccxt.BadSymbol):
        await futures.futuresPublicGetKlineQuery({"symbol": "NOPEUSDTM", "granularity": 1})
    with pytest.raises(ccxt.BadSymbol):
        await spot.publicGetMarketHistories({"symbol": "NOPE-USDT"})
    with pytest.raises(ccxt.BadSymbol):
        await futures.futuresPublicGetTradeHistory({"symbol": "NOPEUSDTM"})


# ---- trades ---------------------------------------------------------------------------------


async def test_spot_trades_are_the_latest_100_oldest_first(sim: Simulator, spot: Any) -> None:
    got = await spot.fetch_trades(SPOT)
    want = sim.engine.history.trades(SPOT, limit=100)
    assert len(got) == 100
    assert [(t["id"], t["timestamp"], dec(t["price"]), dec(t["amount"]), t["side"])
            for t in got] == [
        (str(w.id), w.ms, w.price, w.amount, w.side.value.lower()) for w in want
    ]
    # no time range, no page size: every other parameter is ignored
    body, _ = await raw(
        sim, f"{SPOT_HOST}/api/v1/market/histories?symbol=BTC-USDT"
        f"&startAt={DEFAULT_LISTING_MS // 1000}&pageSize=5&limit=5"
    )
    rows = body["data"]
    assert [int(r["sequence"]) for r in rows] == [w.id for w in want]  # oldest first
    assert rows[0]["time"] // 1_000_000 == want[0].ms  # nanoseconds
    assert all(isinstance(rows[0][k], str) for k in ("sequence", "price", "size"))


async def test_futures_trades_are_the_latest_100_newest_first_in_lots(
    sim: Simulator, futures: Any
) -> None:
    got = await futures.fetch_trades(PERP, NOW - HOUR_MS, 10)  # since/limit: ccxt's filter
    want = sim.engine.history.trades(PERP, limit=100)
    lot = dec(futures.market(PERP)["contractSize"])
    assert [(t["id"], t["timestamp"], dec(t["price"]), dec(t["amount"]) * lot) for t in got] == [
        (str(w.id), w.ms, w.price, w.amount) for w in want[:10]
    ]
    body, _ = await raw(
        sim, f"{FUTURES_HOST}/api/v1/trade/history?symbol=XBTUSDTM&from=0&to={NOW}"
    )
    rows = body["data"]
    assert len(rows) == 100
    assert [r["sequence"] for r in rows] == [w.id for w in reversed(want)]  # newest first
    assert rows[0]["ts"] // 1_000_000 == want[-1].ms
    assert type(rows[0]["size"]) is int and isinstance(rows[0]["price"], str)


# ---- funding --------------------------------------------------------------------------------


async def test_funding_history_equals_the_engines(sim: Simulator, futures: Any) -> None:
    since = NOW - 10 * DAY_MS
    got = await futures.fetch_funding_rate_history(PERP, since, 20)
    want = sim.engine.history.funding(PERP, start_ms=since, limit=20)
    assert len(want) == 20
    assert [(f["timestamp"], dec(f["fundingRate"])) for f in got] == [
        (w.ms, w.rate) for w in want
    ]
    # the answer: every settlement of [from, to], newest first
    body, _ = await raw(
        sim, f"{FUTURES_HOST}/api/v1/contract/funding-rates?symbol=XBTUSDTM"
        f"&from={DEFAULT_OUTAGE[0] - DAY_MS}&to={DEFAULT_OUTAGE[1] + DAY_MS}"
    )
    times = [r["timepoint"] for r in body["data"]]
    assert times == sorted(times, reverse=True)
    hours = [(t - DEFAULT_OUTAGE[0]) // HOUR_MS for t in times]
    assert hours == [22, 14, 6, -2, -10, -18]  # 00:00, 08:00, 16:00 UTC; none in the outage
    assert set(body["data"][0]) == {"symbol", "fundingRate", "timepoint"}


async def test_funding_needs_from_and_to_and_spot_has_none(
    sim: Simulator, spot: Any, futures: Any
) -> None:
    with pytest.raises(ccxt.BadRequest, match="from is required"):
        await futures.futuresPublicGetContractFundingRates({"symbol": "XBTUSDTM", "to": NOW})
    with pytest.raises(ccxt.BadSymbol):  # ccxt asks the futures host for BTC-USDT
        await spot.fetch_funding_rate_history(SPOT, NOW - DAY_MS, 10)
    assert sim.engine.history.funding(SPOT) == []


# ---- weights --------------------------------------------------------------------------------


async def test_history_requests_spend_their_public_weight() -> None:
    async with Simulator(seed=7, clock=lambda: NOW) as sim:
        paths = [
            (f"{SPOT_HOST}/api/v1/market/candles?symbol=BTC-USDT&type=1hour", 3),
            (f"{SPOT_HOST}/api/v1/market/histories?symbol=BTC-USDT", 3),
            (f"{FUTURES_HOST}/api/v1/kline/query?symbol=XBTUSDTM&granularity=60", 3),
            (f"{FUTURES_HOST}/api/v1/trade/history?symbol=XBTUSDTM", 5),
            (f"{FUTURES_HOST}/api/v1/contract/funding-rates?symbol=XBTUSDTM&from=0&to={NOW}",
             5),
        ]
        remaining = 2000  # the public pool, shared by both hosts
        for url, weight in paths:
            _, headers = await raw(sim, url)
            remaining -= weight
            assert headers["gw-ratelimit-limit"] == "2000"
            assert headers["gw-ratelimit-remaining"] == str(remaining)
