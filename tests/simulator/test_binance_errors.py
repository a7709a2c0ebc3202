"""Authentication, environments, and every Binance error body -> the ccxt exception it produces."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Simulator, VenueRequest, VenueResponse
from exchlayer.testing.simulator.engine import system_clock
from exchlayer.testing.simulator.server import Handler

pytestmark = pytest.mark.asyncio
ccxt = pytest.importorskip("ccxt.async_support")

PERP = "BTC/USDT:USDT"


async def test_live_key_is_refused_on_demo_hosts(sim: Simulator, make_exchange: Any) -> None:
    live_on_demo = make_exchange("binance")
    live_on_demo.enable_demo_trading(True)
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        await live_on_demo.fetch_balance()
    assert {r.host for r in sim.requests} == {"demo-api.binance.com", "demo-fapi.binance.com"}
    assert sim.requests[-1].status == 401

    sim.clear_requests()
    sim.add_account("binance", api_key="demo-key", secret="demo-secret", environment="demo")
    demo = make_exchange("binance", api_key="demo-key", secret="demo-secret", reduced=False)
    demo.enable_demo_trading(True)
    assert (await demo.fetch_balance())["USDT"]["free"] == 10000.0
    demo_usdm = make_exchange("binanceusdm", api_key="demo-key", secret="demo-secret")
    demo_usdm.enable_demo_trading(True)
    await demo_usdm.create_order(PERP, "market", "buy", 0.01)
    hosts = {r.host for r in sim.requests}
    assert hosts == {"demo-api.binance.com", "demo-fapi.binance.com", "demo-dapi.binance.com"}
    assert all(r.environment == "demo" for r in sim.requests)

    live = make_exchange("binance")  # the live key still works on live hosts
    assert (await live.fetch_balance())["USDT"]["free"] == 10000.0
    assert sim.requests[-1].host == "api.binance.com"


async def test_sandbox_mode_hits_the_testnet_hosts(sim: Simulator, make_exchange: Any) -> None:
    sim.add_account("binance", api_key="tn-key", secret="tn-secret", environment="sandbox")
    testnet = make_exchange("binance", api_key="tn-key", secret="tn-secret", reduced=False)
    testnet.set_sandbox_mode(True)
    order = await testnet.create_order("BTC/USDT", "market", "buy", 0.001)
    assert order["status"] == "closed"
    assert {r.host for r in sim.requests} == {
        "testnet.binance.vision",
        "testnet.binancefuture.com",
    }
    live_on_testnet = make_exchange("binance")
    live_on_testnet.set_sandbox_mode(True)
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        await live_on_testnet.fetch_balance()


async def test_missing_api_key_header(sim: Simulator) -> None:
    session = sim.client_session()
    url = "https://api.binance.com/api/v3/account?timestamp=1&signature=00"
    async with session.get(url) as resp:
        assert resp.status == 401
        body = await resp.text()
    assert json.loads(body) == {"code": -2014, "msg": "API-key format invalid."}


async def test_minus_2015_after_a_successful_spot_call_is_ddos_in_ccxt(
    sim: Simulator, spot: Any
) -> None:
    await spot.fetch_balance()
    spot.apiKey = "revoked"
    with pytest.raises(ccxt.DDoSProtection, match="-2015"):  # ccxt reads it as a temporary ban
        await spot.fetch_balance()


@dataclass
class Clients:
    sim: Simulator
    bodies: list[bytes]
    spot: Any
    usdm: Any
    poor_spot: Any
    poor_usdm: Any
    bad_secret: Any
    bad_secret_usdm: Any
    unknown_key: Any


@pytest_asyncio.fixture
async def clients(sim: Simulator, make_exchange: Any) -> Clients:
    sim.add_account(
        "binance",
        api_key="poor",
        secret="poor-secret",
        balances={},
        futures_balance={"USDT": Decimal(10)},
    )
    bodies: list[bytes] = []

    async def keep_body(request: VenueRequest, call_next: Handler) -> VenueResponse:
        response = await call_next(request)
        bodies.append(response.body)
        return response

    sim.interceptors.append(keep_body)
    # the clients load their markets on first use (ccxt does that lazily)
    return Clients(
        sim=sim,
        bodies=bodies,
        spot=make_exchange("binance"),
        usdm=make_exchange("binanceusdm"),
        poor_spot=make_exchange("binance", api_key="poor", secret="poor-secret"),
        poor_usdm=make_exchange("binanceusdm", api_key="poor", secret="poor-secret"),
        bad_secret=make_exchange("binance", secret="wrong"),
        bad_secret_usdm=make_exchange("binanceusdm", secret="wrong"),
        unknown_key=make_exchange("binance", api_key="nobody"),
    )


async def _skewed(c: Clients) -> Any:
    c.sim.engine.clock = lambda: system_clock() + 60_000
    return await c.spot.fetch_balance()


async def _duplicate_spot(c: Clients) -> Any:
    await c.spot.create_order("BTC/USDT", "limit", "buy", 0.001, 40000, {"clientOrderId": "d"})
    return await c.spot.create_order(
        "BTC/USDT", "limit", "buy", 0.001, 40000, {"clientOrderId": "d"}
    )


async def _duplicate_usdm(c: Clients) -> Any:
    await c.usdm.create_order(PERP, "limit", "buy", 0.01, 40000, {"clientOrderId": "d"})
    return await c.usdm.create_order(PERP, "limit", "buy", 0.01, 40000, {"clientOrderId": "d"})


def _raw_spot_order(**params: str) -> Callable[[Clients], Awaitable[Any]]:
    base = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    return lambda c: c.spot.privatePostOrder({**base, **params})


def _raw_usdm_order(**params: str) -> Callable[[Clients], Awaitable[Any]]:
    base = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    return lambda c: c.usdm.fapiPrivatePostOrder({**base, **params})


Scenario = tuple[str, Callable[[Clients], Awaitable[Any]], str, int]
SCENARIOS: list[Scenario] = [
    ("wrong secret, spot", lambda c: c.bad_secret.fetch_balance(), "AuthenticationError", -1022),
    (
        "wrong secret, fapi",
        lambda c: c.bad_secret_usdm.fetch_balance(),
        "AuthenticationError",
        -1022,
    ),
    ("unknown key", lambda c: c.unknown_key.fetch_balance(), "AuthenticationError", -2015),
    ("timestamp outside recvWindow", _skewed, "InvalidNonce", -1021),
    ("missing parameter", _raw_spot_order(quantity="0.01"), "BadRequest", -1102),
    ("illegal number", _raw_spot_order(quantity="1e-3", price="49000"), "BadRequest", -1100),
    (
        "bad symbol, spot",
        lambda c: c.spot.publicGetTickerPrice({"symbol": "BOGUS"}),
        "BadSymbol",
        -1121,
    ),
    (
        "bad symbol, fapi",
        lambda c: c.usdm.fapiPublicGetDepth({"symbol": "BOGUSUSDT"}),
        "BadSymbol",
        -1121,
    ),
    (
        "insufficient balance, spot",
        lambda c: c.poor_spot.create_order("BTC/USDT", "limit", "buy", 0.01, 49000),
        "InsufficientFunds",
        -2010,
    ),
    ("duplicate client id, spot", _duplicate_spot, "InvalidOrder", -2010),
    (
        "stop would trigger, spot",
        lambda c: c.spot.create_order(
            "BTC/USDT", "market", "sell", 0.001, None, {"triggerPrice": 51000}
        ),
        "OrderImmediatelyFillable",
        -2010,
    ),
    (
        "post-only would take, spot",
        lambda c: c.spot.create_order("BTC/USDT", "limit", "buy", 0.001, 51000, {"postOnly": True}),
        "OrderImmediatelyFillable",
        -2010,
    ),
    (
        "LOT_SIZE, spot",
        lambda c: c.spot.create_order("BTC/USDT", "limit", "sell", 9001, 50000),
        "InvalidOrder",
        -1013,
    ),
    (
        "PRICE_FILTER, spot",
        _raw_spot_order(quantity="0.001", price="49000.001"),
        "InvalidOrder",
        -1013,
    ),
    (
        "NOTIONAL, spot",
        lambda c: c.spot.create_order("BTC/USDT", "limit", "buy", 0.00001, 49000),
        "BadRequest",
        -1013,
    ),
    (
        "unknown order fetch, spot",
        lambda c: c.spot.fetch_order("1", "BTC/USDT"),
        "OrderNotFound",
        -2013,
    ),
    (
        "unknown order cancel, spot",
        lambda c: c.spot.cancel_order("1", "BTC/USDT"),
        "OrderNotFound",
        -2011,
    ),
    ("unknown order fetch, fapi", lambda c: c.usdm.fetch_order("1", PERP), "OrderNotFound", -2013),
    (
        "unknown order cancel, fapi",
        lambda c: c.usdm.cancel_order("1", PERP),
        "OrderNotFound",
        -2011,
    ),
    (
        "margin insufficient, fapi",
        lambda c: c.poor_usdm.create_order(PERP, "limit", "buy", 0.1, 49000),
        "InsufficientFunds",
        -2019,
    ),
    (
        "min notional, fapi",
        lambda c: c.usdm.create_order(PERP, "limit", "buy", 0.001, 49000),
        "InvalidOrder",
        -4164,
    ),
    ("step, fapi", _raw_usdm_order(quantity="0.0015", price="49000"), "BadRequest", -1111),
    ("tick, fapi", _raw_usdm_order(quantity="0.01", price="49000.05"), "BadRequest", -4014),
    ("min qty, fapi", _raw_usdm_order(quantity="0.0001", price="49000"), "BadRequest", -4004),
    (
        "max qty, fapi",
        lambda c: c.usdm.create_order(PERP, "limit", "buy", 1001, 49000),
        "BadRequest",
        -4005,
    ),
    ("duplicate client id, fapi", _duplicate_usdm, "InvalidOrder", -4116),
    (
        "invalid leverage, fapi",
        lambda c: c.usdm.fapiPrivatePostLeverage({"symbol": "BTCUSDT", "leverage": 200}),
        "BadRequest",
        -4028,
    ),
    (
        "trigger would fire, fapi",
        lambda c: c.usdm.create_order(PERP, "market", "sell", 0.01, None, {"triggerPrice": 51000}),
        "OrderImmediatelyFillable",
        -2021,
    ),
    (
        "reduce-only without position, fapi",
        lambda c: c.usdm.create_order(PERP, "market", "sell", 0.01, None, {"reduceOnly": True}),
        "InvalidOrder",
        -2022,
    ),
    (
        "FOK not fillable, fapi",
        lambda c: c.usdm.create_order(PERP, "limit", "buy", 900, 50001, {"timeInForce": "FOK"}),
        "OrderNotFillable",
        -5021,
    ),
    (
        "post-only would take, fapi",
        lambda c: c.usdm.create_order(PERP, "limit", "buy", 0.01, 51000, {"postOnly": True}),
        "OrderNotFillable",
        -5022,
    ),
    (
        "conditional type on /fapi/v1/order",
        _raw_usdm_order(type="STOP_MARKET", quantity="0.01", stopPrice="52000"),
        "InvalidOrder",
        -4120,
    ),
    (
        "unknown endpoint",
        lambda c: c.spot.publicGetAvgPrice({"symbol": "BTCUSDT"}),
        "ExchangeError",
        -1,
    ),
]


@pytest.mark.parametrize(
    ("scenario", "expected", "code"),
    [(call, expected, code) for _, call, expected, code in SCENARIOS],
    ids=[name for name, *_ in SCENARIOS],
)
async def test_error_body_maps_to_ccxt_exception(
    clients: Clients,
    scenario: Callable[[Clients], Awaitable[Any]],
    expected: str,
    code: int,
) -> None:
    with pytest.raises(ccxt.BaseError) as info:
        await scenario(clients)
    assert type(info.value).__name__ == expected
    assert json.loads(clients.bodies[-1])["code"] == code
    assert clients.sim.requests[-1].status in (400, 401, 404)
