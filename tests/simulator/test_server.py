"""The HTTP side: rerouting, host routing, the request log, interceptors, lifecycle."""

from __future__ import annotations

import json
from decimal import Decimal

import aiohttp
import pytest
from yarl import URL

from exchlayer.testing.simulator import (
    Operation,
    Simulator,
    VenueRequest,
    VenueResponse,
    reroute_middleware,
)
from exchlayer.testing.simulator.server import Handler

pytestmark = pytest.mark.asyncio


async def test_reroute_keeps_raw_path_and_query(sim: Simulator) -> None:
    seen: list[VenueRequest] = []

    async def spy(request: VenueRequest, call_next: Handler) -> VenueResponse:
        seen.append(request)
        return await call_next(request)

    sim.interceptors.append(spy)
    session = sim.client_session()
    url = "https://api.binance.com/api/v3/ticker/price?symbol=BTCUSDT&x=%2F%20a%2Bb"
    async with session.get(URL(url, encoded=True)) as resp:
        assert resp.status == 200
        data = await resp.json()
    assert data == {"symbol": "BTCUSDT", "price": "50000.00000000"}
    (request,) = seen
    assert request.host == "api.binance.com"
    assert request.environment == "live"
    assert request.path == "/api/v3/ticker/price"
    assert request.raw_query == "symbol=BTCUSDT&x=%2F%20a%2Bb"
    assert request.query["x"] == "/ a+b"


async def test_reroute_middleware_on_a_plain_session(sim: Simulator) -> None:
    async with (
        aiohttp.ClientSession(middlewares=(reroute_middleware(sim.port),)) as session,
        session.get("https://fapi.binance.com/fapi/v1/time") as resp,
    ):
        assert resp.status == 200
        assert "serverTime" in await resp.json()
    # a URL already pointing at the simulator is left alone
    async with (
        aiohttp.ClientSession(middlewares=(reroute_middleware(sim.port),)) as session,
        session.get(f"{sim.base_url}/api.binance.com/api/v3/ping") as resp,
    ):
        assert await resp.json() == {}


async def test_unknown_host_is_a_404_that_names_the_host(sim: Simulator) -> None:
    session = sim.client_session()
    async with session.get("https://api.example.com/v1/anything") as resp:
        assert resp.status == 404
        body = json.loads(await resp.text())
    assert "does not serve host 'api.example.com'" in body["error"]
    (recorded,) = sim.requests
    assert recorded.venue is None and recorded.operation == Operation.UNKNOWN
    assert recorded.status == 404


async def test_unknown_endpoint_on_a_known_host(sim: Simulator) -> None:
    session = sim.client_session()
    async with session.get("https://api.binance.com/fapi/v1/time") as resp:  # fapi path, spot host
        assert resp.status == 404
        assert (await resp.json())["code"] == -1


async def test_request_log_and_counting(sim: Simulator) -> None:
    session = sim.client_session()
    async with session.get("https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=5") as r:
        assert r.headers["X-MBX-USED-WEIGHT-1M"] == "5"
    async with session.get("https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=5") as r:
        assert r.headers["X-MBX-USED-WEIGHT-1M"] == "10"
    async with session.post("https://api.binance.com/api/v3/order", data="symbol=BTCUSDT") as r:
        assert r.status == 401
    assert sim.count_requests() == 3
    first = sim.requests[0]
    assert first.venue == "binance" and first.environment == "live"
    assert first.method == "GET" and first.path == "/api/v3/depth"
    assert first.query == {"symbol": "BTCUSDT", "limit": "5"}
    assert first.operation == Operation.ORDER_BOOK and not first.is_private
    assert first.timestamp_ms > 0 and first.status == 200
    last = sim.requests[-1]
    assert last.is_private and last.operation == Operation.CREATE_ORDER and last.is_order_mutation
    assert last.body == "symbol=BTCUSDT"
    assert sim.count_requests(lambda r: r.is_order_mutation) == 1
    assert sim.count_requests(lambda r: r.operation == Operation.ORDER_BOOK) == 2
    sim.clear_requests()
    assert sim.count_requests() == 0


async def test_interceptor_can_answer_instead_of_the_venue(sim: Simulator) -> None:
    async def unavailable(request: VenueRequest, call_next: Handler) -> VenueResponse:
        return VenueResponse(503, b"<html>maintenance</html>", {"Retry-After": "1"})

    sim.interceptors.append(unavailable)
    session = sim.client_session()
    async with session.get("https://api.binance.com/api/v3/time") as resp:
        assert resp.status == 503
        assert resp.headers["Retry-After"] == "1"


async def test_add_account_validation(sim: Simulator) -> None:
    with pytest.raises(ValueError, match="unknown venue"):
        sim.add_account("nope", api_key="a", secret="b")
    with pytest.raises(ValueError, match="no environment"):
        sim.add_account("binance", api_key="a", secret="b", environment="moon")
    with pytest.raises(ValueError, match="already exists"):
        sim.add_account("binance", api_key="sim-key", secret="x")
    # the same key may exist in another environment
    demo = sim.add_account("binance", api_key="sim-key", secret="x", environment="demo")
    assert demo.balance("USDT").free == Decimal(10000)
    assert demo.wallet("USDT") == Decimal(10000)
    assert "x" not in repr(demo)
    custom = sim.add_account(
        "binance", api_key="c", secret="s", balances={"ETH": Decimal(2)}, futures_balance={}
    )
    assert custom.balance("ETH").free == 2 and custom.balance("USDT").free == 0
    assert custom.wallet("USDT") == 0


async def test_lifecycle_is_clean() -> None:
    sim = Simulator()
    with pytest.raises(RuntimeError):
        _ = sim.port
    await sim.start()
    assert await sim.start() is sim  # idempotent
    assert sim.base_url == f"http://127.0.0.1:{sim.port}"
    session = sim.client_session()
    async with session.get("https://api.binance.com/api/v3/ping") as resp:
        assert resp.status == 200
    await sim.close()
    assert session.closed  # sessions it made are closed with it
    await sim.close()  # idempotent


async def test_set_price_and_advance_are_visible_over_http(sim: Simulator) -> None:
    session = sim.client_session()
    sim.set_price("ETH/USDT", Decimal("3210.5"))
    async with session.get("https://api.binance.com/api/v3/ticker/price?symbol=ETHUSDT") as r:
        assert (await r.json())["price"] == "3210.50000000"
    sim.advance(5)
    async with session.get("https://api.binance.com/api/v3/ticker/price?symbol=ETHUSDT") as r:
        assert Decimal((await r.json())["price"]) == sim.engine.price("ETH/USDT")
