"""Gate's market history through raw ccxt: `spot/candlesticks`, `futures/usdt/candlesticks`,
`spot/trades`, `futures/usdt/trades` and `futures/usdt/funding_rate`, served from the engine's
deterministic history on a frozen clock."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Simulator
from exchlayer.testing.simulator.engine import HistoryCandle, HistoryTrade
from exchlayer.testing.simulator.engine.history import align
from exchlayer.testing.simulator.venues.gate import GateVenue

ccxt = pytest.importorskip("ccxt.async_support")
pytestmark = pytest.mark.asyncio

BTC, PERP = "BTC/USDT", "BTC/USDT:USDT"
STEP = Decimal("0.001")  # BTC_USDT contract: one contract is 0.001 BTC
MIN, HOUR, DAY, WEEK = 60_000, 3_600_000, 86_400_000, 7 * 86_400_000
NARROW = {
    "fetchMarkets": {"types": ["spot", "swap"]},
    "swap": {"fetchMarkets": {"settlementCurrencies": ["usdt"]}},
}
API = "https://api.gateio.ws/api/v4"


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp() * 1000)


NOW = ms("2025-03-12T10:37:30")  # mid-candle for every timeframe: the last one is in progress
OUTAGE = (ms("2025-03-10T02:00:00"), ms("2025-03-10T05:00:00"))


def row(c: HistoryCandle, unit: Decimal = Decimal(1)) -> list[Any]:
    """An engine candle as ccxt's OHLCV row (volume in ``unit``s)."""
    return [c.open_ms, float(c.open), float(c.high), float(c.low), float(c.close),
            float(c.volume / unit)]


def trade(t: HistoryTrade, unit: Decimal = Decimal(1)) -> tuple[Any, ...]:
    return str(t.id), t.ms, float(t.price), float(t.amount / unit), t.side.value.lower()


def parsed(trades: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(t["id"], t["timestamp"], t["price"], t["amount"], t["side"]) for t in trades]


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7, clock=lambda: NOW) as simulator:
        yield simulator


@pytest_asyncio.fixture
async def gate(sim: Simulator) -> AsyncIterator[Any]:
    exchange = ccxt.gate({
        "session": sim.client_session(),
        "enableRateLimit": False,
        "timeout_on_exit": 0,
        "options": NARROW,
    })
    try:
        await exchange.load_markets()
        sim.clear_requests()
        yield exchange
    finally:
        await exchange.close()


async def get(sim: Simulator, path: str, **params: Any) -> tuple[int, Any, dict[str, str]]:
    async with sim.client_session().get(API + path, params=params) as resp:
        return resp.status, json.loads(await resp.text()), dict(resp.headers)


# ---- candles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timeframe", "engine_tf", "back"),
    [("1m", "1m", 700 * MIN), ("5m", "5m", 3 * DAY), ("1h", "1h", 40 * DAY),
     ("4h", "4h", 100 * DAY), ("1d", "1d", 400 * DAY), ("1w", "1w", 60 * WEEK),
     ("30d", "1M", 500 * DAY)],
)
async def test_spot_candles_are_the_engines(
    sim: Simulator, gate: Any, timeframe: str, engine_tf: str, back: int
) -> None:
    since = align(engine_tf, NOW - back)
    got = await gate.fetch_ohlcv(BTC, timeframe, since, 300)
    # ccxt asks for the window of 300 candles from since: an outage in it leaves fewer
    to = since + 299 * gate.parse_timeframe(timeframe) * 1000
    want = sim.history.candles(BTC, engine_tf, start_ms=since, end_ms=to, limit=300)
    assert got == [row(c) for c in want] and len(got) > 10
    assert sim.requests[-1].query["from"] == str(since // 1000)
    latest = await gate.fetch_ohlcv(BTC, timeframe, limit=5)
    assert sim.requests[-1].query["limit"] == "5" and "from" not in sim.requests[-1].query
    assert latest == [row(c) for c in sim.history.candles(BTC, engine_tf, limit=5)]
    if timeframe == "1w":  # Gate's spot 7d: weeks opening on Monday
        assert sim.requests[-1].query["interval"] == "7d"
        assert {datetime.fromtimestamp(r[0] / 1000, timezone.utc).weekday() for r in got} == {0}


@pytest.mark.parametrize(
    ("timeframe", "engine_tf"),
    [("1m", "1m"), ("15m", "15m"), ("2h", "2h"), ("6h", "6h"), ("12h", "12h"), ("1d", "1d"),
     ("30d", "1M")],
)
async def test_futures_candles_are_the_engines_in_contracts(
    sim: Simulator, gate: Any, timeframe: str, engine_tf: str
) -> None:
    back = 1500 * (MIN if timeframe == "1m" else HOUR)
    since = sim.history.listing_ms(PERP) if timeframe == "30d" else align(engine_tf, NOW - back)
    got = await gate.fetch_ohlcv(PERP, timeframe, since, 1000)
    to = since + 999 * gate.parse_timeframe(timeframe) * 1000
    want = sim.history.candles(PERP, engine_tf, start_ms=since, end_ms=to, limit=1000)
    assert got == [row(c, STEP) for c in want] and len(got) > 10  # volume in contracts
    body = (await get(sim, "/futures/usdt/candlesticks", contract="BTC_USDT",
                      interval=timeframe, limit=2))[1]
    last = sim.history.candles(PERP, engine_tf, limit=1)[0]
    assert set(body[-1]) == {"t", "v", "c", "h", "l", "o", "sum"}
    assert body[-1]["t"] == last.open_ms // 1000 and body[-1]["v"] == int(last.volume / STEP)
    assert body[-1]["sum"] == format(last.quote_volume.normalize(), "f")


async def test_futures_weeks_seven_days_from_the_epoch_and_natural_weeks(
    sim: Simulator, gate: Any
) -> None:
    """ccxt's 1w is Gate's 7d: 7-day candles aligned to the unix epoch (Thursdays), made of the
    days they hold; Gate's own 1w is the natural (Monday) week."""
    got = await gate.fetch_ohlcv(PERP, "1w", limit=10)
    assert sim.requests[-1].query["interval"] == "7d"
    days = sim.history.candles(PERP, "1d", start_ms=got[0][0], limit=70)
    assert len(got) == 10 and got[-1][0] == NOW // WEEK * WEEK
    for week in got:
        held = [d for d in days if week[0] <= d.open_ms < week[0] + WEEK]
        assert datetime.fromtimestamp(week[0] / 1000, timezone.utc).weekday() == 3  # Thursday
        assert week == [
            week[0], float(held[0].open), float(max(d.high for d in held)),
            float(min(d.low for d in held)), float(held[-1].close),
            float(sum(d.volume for d in held) / STEP),
        ]
    _, natural, _ = await get(sim, "/futures/usdt/candlesticks", contract="BTC_USDT",
                              interval="1w", limit=3)
    want = sim.history.candles(PERP, "1w", limit=3)
    assert [r["t"] for r in natural] == [c.open_ms // 1000 for c in want]
    assert [r["o"] for r in natural] == [format(c.open.normalize(), "f") for c in want]


async def test_paging_with_since_and_limit_has_no_gaps_or_overlaps(
    sim: Simulator, gate: Any
) -> None:
    for symbol, tf, page in ((BTC, "1h", 250), (PERP, "5m", 700)):
        since = align(tf, NOW - 2000 * (HOUR if tf == "1h" else 5 * MIN))
        start = since
        rows: list[list[Any]] = []
        while len(rows) < 1900:
            got = await gate.fetch_ohlcv(symbol, tf, start, page)
            if not got:
                break
            rows += got
            start = got[-1][0] + 1
        want = sim.history.candles(symbol, tf, start_ms=since, limit=len(rows))
        unit = STEP if symbol == PERP else Decimal(1)
        assert rows == [row(c, unit) for c in want] and len(rows) >= 1900
        assert len({r[0] for r in rows}) == len(rows)


async def test_max_page_size(sim: Simulator, gate: Any) -> None:
    since = align("1m", NOW - 2500 * MIN)  # after the outage: full windows
    assert len(await gate.fetch_ohlcv(BTC, "1m", since, 5000)) == 1000  # ccxt caps at 1000
    assert sim.requests[-1].query["to"] == str(since // 1000 + 999 * 60)
    assert len(await gate.fetch_ohlcv(PERP, "1m", since, 5000)) == 1999  # ccxt: 1999
    start = since // 1000
    for path, key, most in (("/spot/candlesticks", "currency_pair", 1000),
                            ("/futures/usdt/candlesticks", "contract", 2000)):
        q = {key: "BTC_USDT", "interval": "1m", "from": start}
        status, body, _ = await get(sim, path, **q, to=start + (most - 1) * 60)
        assert status == 200 and len(body) == most
        status, body, _ = await get(sim, path, **q, to=start + most * 60)
        assert status == 400 and body == {
            "label": "INVALID_PARAM_VALUE",
            "message": f"Candlestick range too broad. Maximum {most} data points are allowed "
            "per request",
        }
        latest = {key: "BTC_USDT", "interval": "1m"}
        assert len((await get(sim, path, **latest))[1]) == 100  # Gate's default
        assert len((await get(sim, path, **latest, limit=most))[1]) == most
        status, body, _ = await get(sim, path, **latest, limit=most + 1)
        assert status == 400 and body["message"] == (
            f"Invalid request parameter `limit` value: {most + 1}"
        )


async def test_the_last_candle_is_in_progress(sim: Simulator, gate: Any) -> None:
    got = await gate.fetch_ohlcv(BTC, "1h", limit=3)
    now_candle = sim.history.candles(BTC, "1h", limit=1)[0]
    assert not now_candle.closed and got[-1] == row(now_candle)
    assert got[-1][0] == NOW // HOUR * HOUR
    _, raw, _ = await get(sim, "/spot/candlesticks", currency_pair="BTC_USDT", interval="1h",
                          limit=3)
    assert [r[7] for r in raw] == ["true", "true", "false"]  # Gate's window-closed flag
    assert raw[-1][2] == format(now_candle.close.normalize(), "f")
    futures = await gate.fetch_ohlcv(PERP, "1d", limit=2)
    assert futures[-1] == row(sim.history.candles(PERP, "1d", limit=1)[0], STEP)


async def test_nothing_before_listing(sim: Simulator, gate: Any) -> None:
    listed = ms("2025-03-11T06:00:00")
    sim.history.set_listing(BTC, listed)
    sim.history.set_listing(PERP, listed)
    got = await gate.fetch_ohlcv(BTC, "1h", listed - 10 * HOUR, 40)
    assert got[0][0] == listed and len(got) == 29  # 06:00 on the 11th to 10:00 on the 12th
    assert got == [row(c) for c in sim.history.candles(BTC, "1h", start_ms=listed)]
    trades = await gate.fetch_trades(PERP, listed - HOUR, 20)
    assert trades[0]["timestamp"] >= listed and trades[0]["id"] == "100000001"
    spot = await gate.fetch_trades(BTC, None, 20, {"from": (listed - HOUR) // 1000,
                                                   "to": (listed + 60_000) // 1000})
    assert spot and all(t["timestamp"] >= listed for t in spot)
    funding = await gate.fetch_funding_rate_history(PERP, listed - DAY, 10)
    assert [f["timestamp"] for f in funding] == [ms("2025-03-11T08:00:00"),
                                                 ms("2025-03-11T16:00:00"),
                                                 ms("2025-03-12T00:00:00"),
                                                 ms("2025-03-12T08:00:00")]


async def test_the_default_outage_is_a_hole(sim: Simulator, gate: Any) -> None:
    start, end = OUTAGE
    got = await gate.fetch_ohlcv(BTC, "1m", start - 10 * MIN, 1000)  # 1000 minutes asked
    times = [r[0] for r in got]
    assert times[:10] == [start - (10 - i) * MIN for i in range(10)]
    assert times[10] == end and not [t for t in times if start <= t < end]
    assert len(times) == 1000 - 180 and times[-1] == start + 989 * MIN
    # Gate answers a window: a hole in it leaves the page short, it is never filled
    hourly = [r[0] for r in await gate.fetch_ohlcv(PERP, "1h", start - 2 * HOUR, 6)]
    assert hourly == [start - 2 * HOUR, start - HOUR, end]
    trades = await gate.fetch_trades(PERP, start - 30_000, 20)
    stamps = [t["timestamp"] for t in trades]
    assert stamps[0] < start and stamps[-1] >= end
    assert not [s for s in stamps if start <= s < end]


async def test_newest_first_answers_parse_oldest_first(sim: Simulator, gate: Any) -> None:
    _, raw, _ = await get(sim, "/spot/trades", currency_pair="BTC_USDT", limit=5)
    ids = [int(t["id"]) for t in raw]
    assert ids == sorted(ids, reverse=True)
    parsed_trades = await gate.fetch_trades(BTC, limit=5)
    assert [int(t["id"]) for t in parsed_trades] == sorted(ids)
    _, raw, _ = await get(sim, "/futures/usdt/funding_rate", contract="BTC_USDT", limit=5)
    assert [f["t"] for f in raw] == sorted((f["t"] for f in raw), reverse=True)
    rates = await gate.fetch_funding_rate_history(PERP, None, 5)
    assert [f["timestamp"] for f in rates] == sorted(f["t"] * 1000 for f in raw)


# ---- trades and funding ---------------------------------------------------------------------


async def test_spot_trades_are_the_engines(sim: Simulator, gate: Any) -> None:
    got = await gate.fetch_trades(BTC, limit=50)
    assert sim.requests[-1].query == {"currency_pair": "BTC_USDT", "limit": "50"}
    assert parsed(got) == [trade(t) for t in sim.history.trades(BTC, limit=50)]
    # a time window, paged newest first
    lo, hi = NOW - 2 * HOUR, NOW - HOUR
    page2 = await gate.fetch_trades(BTC, None, 100, {"from": lo // 1000, "to": hi // 1000,
                                                     "page": 2})
    window = sim.history.trades(BTC, end_ms=hi + 999, limit=200)
    assert parsed(page2) == [trade(t) for t in window[:100]]
    # after / before an id (the time range ignored)
    anchor = window[50].id
    _, after, _ = await get(sim, "/spot/trades", currency_pair="BTC_USDT", last_id=anchor,
                            limit=3, **{"from": 1})
    assert [int(t["id"]) for t in after] == [anchor + 3, anchor + 2, anchor + 1]
    _, before, _ = await get(sim, "/spot/trades", currency_pair="BTC_USDT", last_id=anchor,
                             limit=3, reverse="true")
    assert [int(t["id"]) for t in before] == [anchor - 1, anchor - 2, anchor - 3]
    assert set(before[0]) == {"id", "create_time", "create_time_ms", "currency_pair", "side",
                              "amount", "price", "sequence_id"}
    status, body, _ = await get(sim, "/spot/trades", currency_pair="BTC_USDT", limit=1000,
                                page=102)
    assert status == 400 and body["message"] == "Invalid request parameter `page` value: 102"


async def test_futures_trades_are_the_engines_in_contracts(sim: Simulator, gate: Any) -> None:
    since = NOW - 3 * HOUR
    got = await gate.fetch_trades(PERP, since, 200)
    assert sim.requests[-1].query == {"contract": "BTC_USDT", "limit": "200",
                                      "from": str(since // 1000)}
    want = sim.history.trades(PERP, start_ms=since, limit=200)
    assert parsed(got) == [trade(t, STEP) for t in want]
    _, raw, _ = await get(sim, "/futures/usdt/trades", contract="BTC_USDT", limit=3)
    last = sim.history.trades(PERP, limit=3)
    assert [t["id"] for t in raw] == [t.id for t in reversed(last)]
    assert raw[0]["size"] == last[-1].side.sign * int(last[-1].amount / STEP)
    assert raw[0]["create_time"] == last[-1].ms / 1000
    latest = await gate.fetch_trades(PERP, None, 30)
    assert parsed(latest) == [trade(t, STEP) for t in sim.history.trades(PERP, limit=30)]
    until = NOW - DAY
    older = await gate.fetch_trades(PERP, None, 10, {"until": until})
    assert parsed(older) == [trade(t, STEP) for t in
                             sim.history.trades(PERP, end_ms=until // 1000 * 1000 + 999,
                                                limit=10)]


async def test_funding_history_is_the_engines(sim: Simulator, gate: Any) -> None:
    since = ms("2025-01-01T00:00:00")
    got = await gate.fetch_funding_rate_history(PERP, since, 50)
    want = sim.history.funding(PERP, start_ms=since, limit=50)
    assert [(f["timestamp"], f["fundingRate"]) for f in got] == [
        (e.ms, float(e.rate)) for e in want
    ]
    assert got[0]["timestamp"] == since and got[0]["info"]["r"] == format(
        want[0].rate.normalize(), "f"
    )
    until = ms("2025-02-01T00:00:00")
    ranged = await gate.fetch_funding_rate_history(PERP, since, 1000, {"until": until})
    assert len(ranged) == 31 * 3 + 1 and ranged[-1]["timestamp"] == until
    latest = await gate.fetch_funding_rate_history(PERP, None, 3)
    assert [f["timestamp"] for f in latest] == [e.ms for e in sim.history.funding(PERP, limit=3)]
    with pytest.raises(ccxt.BadSymbol):  # spot has no funding (ccxt refuses before asking)
        await gate.fetch_funding_rate_history(BTC)


# ---- errors and rate limits -----------------------------------------------------------------


async def test_errors_map_to_ccxt_exceptions(sim: Simulator, gate: Any) -> None:
    for symbol, timeframe in ((BTC, "3d"), (BTC, "2h"), (BTC, "1M"), (PERP, "3d")):
        with pytest.raises(ccxt.BadRequest, match=f"`interval` value: {timeframe}"):
            await gate.fetch_ohlcv(symbol, timeframe)
    with pytest.raises(ccxt.BadRequest, match="not modelled"):
        await gate.fetch_ohlcv(BTC, "10s")
    with pytest.raises(ccxt.BadSymbol):
        await gate.public_spot_get_candlesticks({"currency_pair": "NOPE_USDT", "interval": "1h"})
    with pytest.raises(ccxt.BadSymbol):
        await gate.public_futures_get_settle_candlesticks(
            {"settle": "usdt", "contract": "NOPE_USDT", "interval": "1h"}
        )
    with pytest.raises(ccxt.BadSymbol):
        await gate.public_futures_get_settle_trades({"settle": "usdt", "contract": "NOPE_USDT"})
    with pytest.raises(ccxt.ArgumentsRequired):
        await gate.public_spot_get_trades({})
    with pytest.raises(ccxt.BadRequest, match="`limit` value: 10"):  # futures: limit xor from
        await gate.public_futures_get_settle_candlesticks(
            {"settle": "usdt", "contract": "BTC_USDT", "from": NOW // 1000 - 600, "limit": 10}
        )
    spot_ok = await gate.public_spot_get_candlesticks(
        {"currency_pair": "BTC_USDT", "interval": "1m", "from": NOW // 1000 - 600, "limit": 3}
    )
    assert [int(r[0]) for r in spot_ok] == [NOW // MIN * 60 - 600 + 60 * i for i in range(3)]
    with pytest.raises(ccxt.BadRequest, match="Maximum 10000 points ago are allowed"):
        await gate.fetch_ohlcv(BTC, "1m", NOW - 10_002 * MIN, 10)
    with pytest.raises(ccxt.BadRequest, match="Maximum 10000 points recently are allowed"):
        await gate.fetch_ohlcv(PERP, "1m", None, 10, {"until": NOW - 10_000 * MIN})
    await gate.fetch_ohlcv(BTC, "1m", align("1m", NOW) - 10_000 * MIN, 10)  # just inside
    venue = sim.venues["gate"]
    assert isinstance(venue, GateVenue)
    venue.max_points_ago = None  # Gate before 2026-02: any age
    old = await gate.fetch_ohlcv(BTC, "1m", ms("2024-06-01T00:00:00"), 10)
    assert old == [row(c) for c in sim.history.candles(BTC, "1m",
                                                        start_ms=ms("2024-06-01T00:00:00"),
                                                        limit=10)]
    with pytest.raises(ccxt.BadRequest, match="`from` value: soon"):
        await gate.public_spot_get_trades({"currency_pair": "BTC_USDT", "from": "soon"})
    with pytest.raises(ccxt.BadRequest, match="`limit` value: 1001"):
        await gate.public_futures_get_settle_funding_rate(
            {"settle": "usdt", "contract": "BTC_USDT", "limit": 1001}
        )


async def test_history_routes_are_metered_per_endpoint() -> None:
    async with Simulator(seed=7, clock=lambda: NOW, rate_limit_scale=0.05) as sim:  # 10 / 0.5 s
        q = {"currency_pair": "BTC_USDT", "interval": "1h", "limit": 2}
        remaining = []
        for _ in range(10):
            status, _, headers = await get(sim, "/spot/candlesticks", **q)
            assert status == 200 and headers["X-Gate-RateLimit-Limit"] == "10"
            remaining.append(headers["X-Gate-RateLimit-Requests-Remain"])
        assert remaining == [str(n) for n in range(9, -1, -1)]  # weight 1 each
        status, body, _ = await get(sim, "/spot/candlesticks", **q)
        assert status == 429 and body["label"] == "TOO_MANY_REQUESTS"
        for path, params in (("/spot/trades", {"currency_pair": "BTC_USDT"}),
                             ("/futures/usdt/candlesticks", {"contract": "BTC_USDT"}),
                             ("/futures/usdt/trades", {"contract": "BTC_USDT"}),
                             ("/futures/usdt/funding_rate", {"contract": "BTC_USDT"})):
            status, _, headers = await get(sim, path, **params)
            assert status == 200 and headers["X-Gate-RateLimit-Requests-Remain"] == "9", path
        assert {r.operation for r in sim.requests} == {"market_history"}
        exchange = ccxt.gate({"session": sim.client_session(), "enableRateLimit": False,
                              "timeout_on_exit": 0, "options": NARROW})
        try:
            await exchange.load_markets()
            with pytest.raises(ccxt.RateLimitExceeded):
                await exchange.fetch_ohlcv(BTC, "1h", limit=2)
        finally:
            await exchange.close()
