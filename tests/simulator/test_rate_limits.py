"""Each venue enforces its published REST limits, answers in its own words, and reports usage in
its own headers; enforcement is on by default, can be turned off, and its windows scaled."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from exchlayer import OrderSide, OrderType
from exchlayer.errors import ClockSkew
from exchlayer.resilience import NO_RETRY
from exchlayer.testing import connect
from exchlayer.testing.simulator import Simulator

ccxt = pytest.importorskip("ccxt.async_support")

BINANCE_DEPTH = "https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=5"  # weight 5
GATE_TICKERS = "https://api.gateio.ws/api/v4/spot/tickers?currency_pair=BTC_USDT"
KUCOIN_STATS = "https://api.kucoin.com/api/v1/market/stats?symbol=BTC-USDT"  # weight 15
KUCOIN_TIME = "https://api-futures.kucoin.com/api/v1/timestamp"
BINGX_TICKER = "https://open-api.bingx.com/openApi/spot/v1/ticker/24hr?symbol=BTC-USDT"
BITGET_TICKERS = "https://api.bitget.com/api/v2/spot/market/tickers?symbol=BTCUSDT"
BITGET_BOOK = "https://api.bitget.com/api/v2/spot/market/orderbook?symbol=BTCUSDT"


async def get(session: Any, url: str) -> tuple[int, Any, dict[str, str]]:
    async with session.get(url) as resp:
        return resp.status, json.loads(await resp.text()), dict(resp.headers)


async def fresh_window(sim: Simulator, window_ms: int) -> None:
    """Wait for the start of a clock-aligned window (so a burst does not straddle two)."""
    await asyncio.sleep((window_ms - sim.engine.now_ms() % window_ms + 5) / 1000)


async def until_refused(session: Any, url: str, limit: int = 200) -> tuple[int, Any, Any]:
    """GET ``url`` until refused: (answers before the refusal, its body, its headers)."""
    for n in range(limit):
        status, body, headers = await get(session, url)
        if status != 200:
            assert status in (418, 429), body
            return n, body, headers
    raise AssertionError(f"never refused after {limit} requests")


async def test_binance_counts_request_weight_and_answers_429_then_418() -> None:
    async with Simulator(rate_limit_scale=0.05) as sim:  # 6,000 / 60 s -> 300 / 3 s
        session = sim.client_session()
        await fresh_window(sim, 3000)
        ok, body, headers = await until_refused(session, BINANCE_DEPTH)
        assert ok == 60  # 60 x weight 5 = 300
        assert body["code"] == -1003
        assert body["msg"].startswith("Too much request weight used; current limit is 300")
        assert 1 <= int(headers["Retry-After"]) <= 3
        # a client that keeps going after its 429s is banned: 418, for 2 minutes (scaled)
        statuses = [(await get(session, BINANCE_DEPTH))[0] for _ in range(25)]
        assert statuses[:18] == [429] * 18 and statuses[18:] == [418] * 7  # 20th refusal
        status, body, headers = await get(session, BINANCE_DEPTH)
        assert status == 418 and "IP banned until" in body["msg"]
        # the futures host has its own budget
        status, _, headers = await get(
            session, "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=5"
        )
        assert status == 200 and headers["X-MBX-USED-WEIGHT-1M"] == "2"


async def test_binance_windows_turn_over() -> None:
    async with Simulator(rate_limit_scale=0.01) as sim:  # 60 weight per 0.6 s
        session = sim.client_session()
        await fresh_window(sim, 600)
        ok, _, _ = await until_refused(session, BINANCE_DEPTH)
        assert ok == 12
        await asyncio.sleep(0.65)
        status, _, headers = await get(session, BINANCE_DEPTH)
        assert status == 200 and headers["X-MBX-USED-WEIGHT-1M"] == "5"


async def test_binance_orders_are_counted_per_account(make_exchange: Any, sim: Simulator) -> None:
    sim.rate_limit_scale = 0.1  # ORDERS 100 / 10 s -> 10 / 1 s
    spot = make_exchange("binance")
    await spot.load_markets()
    for _ in range(10):
        await spot.create_order("BTC/USDT", "limit", "buy", 0.001, 40000)
    assert spot.last_response_headers["X-MBX-ORDER-COUNT-10S"] == "10"
    # ccxt's binance raises any 429 as DDoSProtection (exchlayer: RateLimitExceeded)
    with pytest.raises(ccxt.DDoSProtection, match="-1015"):
        await spot.create_order("BTC/USDT", "limit", "buy", 0.001, 40000)
    info = await spot.publicGetExchangeInfo()
    assert {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10,
            "limit": 100} in info["rateLimits"]


async def test_enforcement_can_be_turned_off_and_still_reports_usage() -> None:
    async with Simulator(rate_limits=False, rate_limit_scale=0.01) as sim:
        session = sim.client_session()
        for _ in range(20):
            status, _, headers = await get(session, BINANCE_DEPTH)
            assert status == 200
        assert headers["X-MBX-USED-WEIGHT-1M"] == "100"  # over the 60 budget, not refused
        sim.rate_limits = True
        assert (await get(session, BINANCE_DEPTH))[0] == 429
    with pytest.raises(ValueError, match="positive"):
        Simulator(rate_limit_scale=0)


async def test_gate_meters_each_endpoint() -> None:
    async with Simulator(rate_limit_scale=0.05) as sim:  # 200 / 10 s -> 10 / 0.5 s
        session = sim.client_session()
        await fresh_window(sim, 500)
        status, _, headers = await get(session, GATE_TICKERS)
        assert headers["X-Gate-RateLimit-Limit"] == "10"
        assert headers["X-Gate-RateLimit-Requests-Remain"] == "9"
        ok, body, headers = await until_refused(session, GATE_TICKERS)
        assert ok == 9
        assert body == {"label": "TOO_MANY_REQUESTS", "message": "Request Rate limit Exceeded"}
        assert headers["X-Gate-RateLimit-Requests-Remain"] == "0"
        # another endpoint has its own budget
        status, _, _ = await get(session, "https://api.gateio.ws/api/v4/spot/time")
        assert status == 200


async def test_gate_order_expiry_header_is_sent_and_honoured() -> None:
    async with Simulator() as sim:
        async with await connect(sim, "gateio", ccxt_options={"recvWindow": 2000}) as exchange:
            sim.skew_clock(5_000)  # Gate's clock 5 s ahead: the order arrives after its expiry
            order = await exchange.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, _d("0.001"), _d("40000")
            )
        posts = [r for r in sim.requests if r.method == "POST" and r.path == "/api/v4/spot/orders"]
        assert posts[0].status == 401 and 200 <= posts[-1].status < 300 and len(posts) == 2
        assert all("X-Gate-Exptime" in r.headers for r in posts)
        assert order.client_order_id is not None
        async with await connect(sim, "gateio") as plain:
            sim.skew_clock(0)
            await plain.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, _d("0.001"), _d("40000")
            )
        last = [r for r in sim.requests if r.method == "POST"][-1]
        assert "X-Gate-Exptime" not in last.headers  # only when recvWindow is configured


async def test_gate_expired_order_is_clock_skew_without_a_resync() -> None:
    async with Simulator() as sim:
        exchange = await connect(sim, "gateio", ccxt_options={"recvWindow": 2000},
                                 retry=NO_RETRY)
        async with exchange:
            await exchange.get_symbols()
            sim.skew_clock(5_000)
            client = exchange._client(exchange.default_trade_type)  # type: ignore[attr-defined]
            client.has["fetchTime"] = False  # no resync possible: the refusal surfaces
            with pytest.raises(ClockSkew):
                await exchange.create_order(
                    "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, _d("0.001"), _d("40000")
                )
            assert await exchange.get_open_orders("BTC/USDT") == []


async def test_kucoin_public_pool_is_shared_by_both_hosts() -> None:
    async with Simulator(rate_limit_scale=0.01) as sim:  # public 2,000 / 30 s -> 20 / 0.3 s
        session = sim.client_session()
        status, _, headers = await get(session, KUCOIN_STATS)
        assert status == 200
        assert headers["gw-ratelimit-limit"] == "20" and headers["gw-ratelimit-remaining"] == "5"
        assert 0 < int(headers["gw-ratelimit-reset"]) <= 300
        status, body, headers = await get(session, KUCOIN_TIME)  # futures host, weight 2
        assert status == 200 and headers["gw-ratelimit-remaining"] == "3"
        status, body, headers = await get(session, KUCOIN_STATS)
        assert status == 429 and body == {"code": "429000", "msg": "Too Many Requests"}
        assert headers["gw-ratelimit-remaining"] == "3"
        await asyncio.sleep(0.31)  # the pool refills 30 s (scaled) after its first request
        assert (await get(session, KUCOIN_STATS))[0] == 200


async def test_bingx_restricts_a_client_for_five_minutes() -> None:
    async with Simulator(rate_limit_scale=0.01) as sim:  # 500 / 10 s -> 5 / 0.1 s; 3 s ban
        session = sim.client_session()
        await fresh_window(sim, 600)  # the 1,000 / 60 s limit: 10 / 0.6 s
        ok, body, headers = await until_refused(session, BINGX_TICKER)
        assert ok == 5 and body["code"] == 429
        assert headers["X-RateLimit-Requests-Remain"] == "0"
        assert int(headers["Retry-After"]) == 3
        await asyncio.sleep(0.15)  # the window turned over, the restriction did not
        assert (await get(session, BINGX_TICKER))[0] == 429


async def test_bitget_meters_each_endpoint_per_second() -> None:
    async with Simulator() as sim:
        session = sim.client_session()
        await fresh_window(sim, 1000)
        ok, body, _ = await until_refused(session, BITGET_TICKERS)
        assert ok == 20
        assert body["code"] == "429" and body["msg"] == "Too Many Requests"
        assert (await get(session, BITGET_BOOK))[0] == 200


def _d(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)
