"""Gate signing, environments, and every Gate error body -> the ccxt exception it produces."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Simulator, VenueRequest, VenueResponse
from exchlayer.testing.simulator.server import Handler

ccxt = pytest.importorskip("ccxt.async_support")
pytestmark = pytest.mark.asyncio

BTC, PERP = "BTC/USDT", "BTC/USDT:USDT"
KEY, SECRET = "gate-key", "gate-secret"
NARROW = {
    "fetchMarkets": {"types": ["spot", "swap"]},
    "swap": {"fetchMarkets": {"settlementCurrencies": ["usdt"]}},
}


def signed_headers(
    method: str, path: str, query: str, body: str, *, secret: str = SECRET, ts: int | None = None
) -> dict[str, str]:
    """Gate's v4 signature, written out from its documentation (not from ccxt)."""
    timestamp = str(int(time.time()) if ts is None else ts)
    payload = "\n".join(
        [method, path, query, hashlib.sha512(body.encode()).hexdigest(), timestamp]
    )
    sign = hmac.new(secret.encode(), payload.encode(), hashlib.sha512).hexdigest()
    return {"KEY": KEY, "Timestamp": timestamp, "SIGN": sign, "Content-Type": "application/json"}


@pytest_asyncio.fixture
async def gate(sim: Simulator, make_exchange: Any) -> Any:
    sim.add_account("gate", api_key=KEY, secret=SECRET)
    sim.add_account("gate", api_key="poor", secret="poor-secret", balances={},
                    futures_balance={"USDT": Decimal(10)})
    exchange = make_exchange("gate", api_key=KEY, secret=SECRET, options=NARROW)
    await exchange.load_markets()
    sim.clear_requests()
    return exchange


async def test_a_hand_signed_request_is_accepted_and_a_tampered_one_refused(
    sim: Simulator, gate: Any
) -> None:
    session = sim.client_session()
    path, query = "/api/v4/spot/accounts", "currency=USDT"
    headers = signed_headers("GET", path, query, "")
    async with session.get(f"https://api.gateio.ws{path}?{query}", headers=headers) as resp:
        assert resp.status == 200
        assert json.loads(await resp.text()) == [
            {"currency": "USDT", "available": "10000", "locked": "0", "update_id": 1}
        ]
    async with session.get(f"https://api.gateio.ws{path}?currency=BTC", headers=headers) as resp:
        assert resp.status == 401
        assert json.loads(await resp.text()) == {
            "label": "INVALID_SIGNATURE", "message": "Signature mismatch"
        }
    # the signed query is the *unencoded* one, as Gate documents
    path = "/api/v4/spot/my_trades"
    headers = signed_headers("GET", path, "currency_pair=BTC_USDT&from=1", "")
    url = f"https://api.gateio.ws{path}?currency_pair=BTC%5FUSDT&from=1"
    async with session.get(url, headers=headers) as resp:
        assert resp.status == 200 and json.loads(await resp.text()) == []
    for missing in ("KEY", "Timestamp", "SIGN"):
        partial = {k: v for k, v in headers.items() if k != missing}
        async with session.get(url, headers=partial) as resp:
            assert resp.status == 401
            assert json.loads(await resp.text()) == {
                "label": "MISSING_REQUIRED_HEADER",
                "message": f"Missing required header: {missing}",
            }


async def test_authentication_errors_in_ccxt(sim: Simulator, gate: Any, make_exchange: Any) -> None:
    wrong_secret = make_exchange("gate", api_key=KEY, secret="nope", options=NARROW)
    with pytest.raises(ccxt.AuthenticationError, match="INVALID_SIGNATURE"):
        await wrong_secret.fetch_balance()
    assert wrong_secret.options["unifiedAccount"] is False  # account/detail failed: classic
    unknown = make_exchange("gate", api_key="who", secret="s", options=NARROW)
    with pytest.raises(ccxt.AuthenticationError, match="INVALID_KEY"):
        await unknown.fetch_balance()
    assert sim.requests[-1].status == 401
    gate.options["timeDifference"] = -61_000  # ccxt's clock runs 61 s ahead of Gate's
    with pytest.raises(ccxt.AuthenticationError, match="REQUEST_EXPIRED"):
        await gate.fetch_balance()
    gate.options["timeDifference"] = -55_000  # within Gate's 60 s
    assert (await gate.fetch_balance())["USDT"]["free"] == 10000.0


async def test_testnet_hosts_and_keys(sim: Simulator, gate: Any, make_exchange: Any) -> None:
    live_on_testnet = make_exchange("gate", api_key=KEY, secret=SECRET, options=NARROW)
    live_on_testnet.set_sandbox_mode(True)
    with pytest.raises(ccxt.AuthenticationError, match="INVALID_KEY"):
        await live_on_testnet.fetch_balance()
    sim.clear_requests()
    sim.add_account("gate", api_key="tn", secret="tn-secret", environment="testnet")
    testnet = make_exchange("gate", api_key="tn", secret="tn-secret", reduced=False)
    testnet.set_sandbox_mode(True)
    await testnet.create_order(BTC, "limit", "buy", 0.001, 40000)
    await testnet.create_order(PERP, "market", "buy", 4)
    assert {r.host for r in sim.requests} == {"api-testnet.gateapi.io"}
    assert all(r.environment == "testnet" and r.status == 200 for r in sim.requests)
    paths = {r.path for r in sim.requests}
    assert "/api/v4/futures/btc/contracts" not in paths  # the sandbox has USDT swaps only
    assert "/api/v4/delivery/usdt/contracts" not in paths


@pytest.mark.parametrize(
    ("call", "exception", "label", "status"),
    [
        (lambda g: g.create_order(BTC, "limit", "buy", 1, 49000),
         "InsufficientFunds", "BALANCE_NOT_ENOUGH", 400),
        (lambda g: g.create_order(PERP, "limit", "buy", 40000, 49000),
         "InsufficientFunds", "INSUFFICIENT_AVAILABLE", 400),
        (lambda g: g.fetch_order("123", BTC), "OrderNotFound", "ORDER_NOT_FOUND", 404),
        (lambda g: g.fetch_order("123", PERP), "OrderNotFound", "ORDER_NOT_FOUND", 404),
        (lambda g: g.cancel_order("123", PERP, {"trigger": True}),
         "OrderNotFound", "ORDER_NOT_FOUND", 404),
        (lambda g: g.private_spot_post_orders(
            {"currency_pair": "DOGE_USDT", "side": "buy", "amount": "1", "price": "1"}),
         "BadSymbol", "INVALID_CURRENCY_PAIR", 400),
        (lambda g: g.private_futures_post_settle_orders(
            {"settle": "usdt", "contract": "DOGE_USDT", "size": 1, "price": "1"}),
         "BadSymbol", "CONTRACT_NOT_FOUND", 400),
        (lambda g: g.private_spot_post_orders(
            {"currency_pair": "BTC_USDT", "side": "buy", "amount": "0.001", "price": "45000.001"}),
         "InvalidOrder", "INVALID_PRECISION", 400),
        (lambda g: g.private_spot_post_orders(
            {"currency_pair": "BTC_USDT", "side": "buy", "amount": "0.000011", "price": "45000"}),
         "InvalidOrder", "INVALID_PRECISION", 400),
        (lambda g: g.private_spot_post_orders(
            {"currency_pair": "BTC_USDT", "side": "buy", "amount": "0.00001", "price": "45000"}),
         "BadRequest", "INVALID_PARAM_VALUE", 400),
        (lambda g: g.private_spot_post_orders(
            {"currency_pair": "BTC_USDT", "side": "up", "amount": "1", "price": "1"}),
         "BadRequest", "INVALID_PARAM_VALUE", 400),
        (lambda g: g.private_spot_post_orders({"currency_pair": "BTC_USDT", "side": "buy"}),
         "ArgumentsRequired", "MISSING_REQUIRED_PARAM", 400),
        (lambda g: g.private_futures_post_settle_positions_contract_leverage(
            {"settle": "usdt", "contract": "BTC_USDT", "leverage": "200"}),
         "InvalidOrder", "LEVERAGE_TOO_HIGH", 400),
        (lambda g: g.private_futures_post_settle_positions_contract_leverage(
            {"settle": "usdt", "contract": "BTC_USDT", "leverage": "0",
             "cross_leverage_limit": "-3"}),
         "InvalidOrder", "LEVERAGE_TOO_LOW", 400),
        (lambda g: g.private_futures_post_settle_orders(
            {"settle": "usdt", "contract": "BTC_USDT", "size": 4, "price": "50000.05"}),
         "BadRequest", "INVALID_PARAM_VALUE", 400),
        (lambda g: g.private_spot_get_orders({"currency_pair": "BTC_USDT", "status": "all"}),
         "BadRequest", "INVALID_PARAM_VALUE", 400),
    ],
)
async def test_error_bodies_map_to_ccxt_exceptions(
    sim: Simulator, gate: Any, call: Any, exception: str, label: str, status: int
) -> None:
    bodies: list[bytes] = []

    async def keep_body(request: VenueRequest, call_next: Handler) -> VenueResponse:
        response = await call_next(request)
        bodies.append(response.body)
        return response

    sim.interceptors.append(keep_body)
    with pytest.raises(getattr(ccxt, exception)) as info:
        await call(gate)
    assert type(info.value) is getattr(ccxt, exception)
    assert json.loads(bodies[-1])["label"] == label
    assert sim.requests[-1].status == status
    assert label in str(info.value)


async def test_cancel_of_finished_orders(sim: Simulator, gate: Any) -> None:
    spot = await gate.create_order(BTC, "market", "sell", 0.001)
    with pytest.raises(ccxt.InvalidOrder, match="ORDER_CLOSED"):
        await gate.cancel_order(spot["id"], BTC)
    perp = await gate.create_order(PERP, "market", "buy", 4)
    with pytest.raises(ccxt.ExchangeError, match="ORDER_FINISHED") as info:
        await gate.cancel_order(perp["id"], PERP)
    assert type(info.value) is ccxt.ExchangeError


async def test_malformed_and_unknown_requests(sim: Simulator, gate: Any) -> None:
    session = sim.client_session()
    body = "{not json"
    headers = signed_headers("POST", "/api/v4/spot/orders", "", body)
    async with session.post("https://api.gateio.ws/api/v4/spot/orders", data=body,
                            headers=headers) as resp:
        assert resp.status == 400
        assert json.loads(await resp.text())["label"] == "INVALID_REQUEST_BODY"
    with pytest.raises(ccxt.ExchangeError, match="NOT_FOUND"):
        await gate.fetch2("spot/nothing", ["public", "spot"], "GET")
    assert sim.requests[-1].status == 404


async def test_rate_limit_body_is_rate_limit_exceeded(sim: Simulator, gate: Any) -> None:
    async def throttle(request: VenueRequest, call_next: Handler) -> VenueResponse:
        return VenueResponse.json(
            {"label": "TOO_MANY_REQUESTS", "message": "Request Rate limit Exceeded (007)"}, 429
        )

    sim.interceptors.append(throttle)
    with pytest.raises(ccxt.RateLimitExceeded, match="TOO_MANY_REQUESTS"):
        await gate.fetch_ticker(BTC)


async def test_price_orders_that_cannot_be_paid_when_they_fire_fail(
    sim: Simulator, make_exchange: Any, gate: Any
) -> None:
    poor = make_exchange("gate", api_key="poor", secret="poor-secret", options=NARROW)
    spot = await poor.create_order(
        BTC, "market", "buy", 104, 52000, {"triggerPrice": 52000}
    )  # no USDT at all: Gate does not check until the order fires
    perp = await poor.create_order(PERP, "market", "buy", 400, None, {"triggerPrice": 52000})
    sim.set_price(BTC, Decimal(52100))
    sim.set_price(PERP, Decimal(52100))
    spot_fired = await poor.fetch_order(spot["id"], BTC, {"trigger": True})
    assert spot_fired["info"]["status"] == "failed" and spot_fired["status"] == "canceled"
    assert "fired_order_id" not in spot_fired["info"]
    perp_fired = await poor.fetch_order(perp["id"], PERP, {"trigger": True})
    assert perp_fired["info"]["finish_as"] == "failed" and perp_fired["status"] == "canceled"
    assert perp_fired["info"]["trade_id"] == 0
    assert await poor.fetch_positions() == []
