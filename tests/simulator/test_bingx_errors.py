"""BingX's error bodies, and the ccxt 4.5.90 exception each one produces (the module docstring
of ``exchlayer.testing.simulator.venues.bingx`` lists them)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Simulator

ccxt = pytest.importorskip("ccxt.async_support")

D = Decimal
BTC, PERP = "BTC/USDT", "BTC/USDT:USDT"
KEY, SECRET = "bx-key", "bx-secret"


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7) as simulator:
        simulator.add_account("bingx", api_key=KEY, secret=SECRET)
        yield simulator


@pytest_asyncio.fixture
async def make(sim: Simulator) -> AsyncIterator[Any]:
    made: list[Any] = []

    async def build(api_key: str = KEY, secret: str = SECRET) -> Any:
        exchange = ccxt.bingx(
            {
                "apiKey": api_key,
                "secret": secret,
                "session": sim.client_session(),
                "enableRateLimit": False,
                "timeout_on_exit": 0,
                "enableLastJsonResponse": True,
            }
        )
        made.append(exchange)
        # markets without keys: no private call yet
        exchange.has["fetchCurrencies"] = False
        await exchange.load_markets()
        return exchange

    yield build
    for exchange in made:
        await exchange.close()


def last_body(sim: Simulator, exchange: Any) -> dict[str, Any]:
    body: dict[str, Any] = exchange.last_json_response
    assert sim.requests[-1].status == 200  # BingX reports errors with HTTP 200
    return body


async def test_authentication_errors(sim: Simulator, make: Any) -> None:
    wrong_secret = await make(secret="wrong")
    with pytest.raises(ccxt.AuthenticationError):
        await wrong_secret.fetch_balance()
    assert last_body(sim, wrong_secret)["code"] == 100001
    unknown_key = await make(api_key="nobody")
    with pytest.raises(ccxt.AuthenticationError):
        await unknown_key.fetch_balance()
    assert last_body(sim, unknown_key)["code"] == 100413


async def test_missing_signature_with_a_known_key(sim: Simulator, make: Any) -> None:
    good = await make()
    request = good.sign("account/balance", ["spot", "v1", "private"], "GET", {})
    url = request["url"].split("&signature=")[0]
    with pytest.raises(ccxt.AuthenticationError):
        await good.fetch(url, "GET", request["headers"])
    assert good.last_json_response["code"] == 100412


async def test_a_stale_timestamp_is_100421_which_ccxt_calls_bad_symbol(make: Any) -> None:
    """BingX reuses 100421 for timestamps; exchlayer's adapter refines it to ClockSkew."""
    exchange = await make()
    exchange.nonce = lambda: int(time.time() * 1000) - 60_000
    with pytest.raises(ccxt.BadSymbol, match="timestamp mismatch"):
        await exchange.fetch_balance()
    assert exchange.last_json_response["code"] == 100421


async def test_insufficient_funds(make: Any) -> None:
    exchange = await make()
    with pytest.raises(ccxt.InsufficientFunds, match="Insufficient assets"):
        await exchange.create_order(BTC, "limit", "buy", 1, 40000)
    assert exchange.last_json_response["code"] == 100202
    with pytest.raises(ccxt.InsufficientFunds, match="Insufficient margin"):
        await exchange.create_order(PERP, "limit", "buy", 100, 40000)
    assert exchange.last_json_response["code"] == 101204


async def test_unknown_orders(make: Any) -> None:
    exchange = await make()
    with pytest.raises(ccxt.BadRequest, match="order not exist"):
        await exchange.fetch_order("42", BTC)
    with pytest.raises(ccxt.BadRequest, match="not a valid order id"):
        await exchange.cancel_order("42", BTC)
    with pytest.raises(ccxt.OrderNotFound, match="order does not exist"):
        await exchange.fetch_order("42", PERP)
    assert exchange.last_json_response["code"] == 80016
    with pytest.raises(ccxt.ExchangeError, match="order not exist") as info:
        await exchange.cancel_order("42", PERP)
    assert exchange.last_json_response["code"] == 109414
    assert type(info.value) is ccxt.ExchangeError
    filled = await exchange.create_order(PERP, "market", "buy", 0.01)
    with pytest.raises(ccxt.ExchangeError, match="already filled"):
        await exchange.cancel_order(filled["id"], PERP)
    assert exchange.last_json_response["code"] == 80018


async def test_unknown_symbols(make: Any) -> None:
    exchange = await make()
    with pytest.raises(ccxt.BadSymbol):
        await exchange.spotV1PrivateGetTradeOpenOrders({"symbol": "NOPE-USDT"})
    assert exchange.last_json_response["code"] == 100421
    with pytest.raises(ccxt.BadSymbol, match="NOPE-USDT not exist"):
        await exchange.swapV2PublicGetQuoteTicker({"symbol": "NOPE-USDT"})
    assert exchange.last_json_response["code"] == 109425


async def test_invalid_spot_orders_are_bad_requests(make: Any) -> None:
    exchange = await make()
    with pytest.raises(ccxt.BadRequest, match="entrust volume too low"):
        await exchange.create_order(BTC, "limit", "buy", 0.0001, 40000)  # 4 USDT < 5
    with pytest.raises(ccxt.BadRequest, match="decimals"):
        await exchange.spotV1PrivatePostTradeOrder(
            {"symbol": "BTC-USDT", "side": "BUY", "type": "LIMIT", "quantity": "0.001",
             "price": "40000.005"}
        )
    with pytest.raises(ccxt.BadRequest, match="only letters, numbers and _"):
        await exchange.create_order(BTC, "limit", "buy", 0.001, 40000, {"clientOrderId": "a-b"})
    with pytest.raises(ccxt.ExchangeError, match="price diverge"):
        await exchange.spotV1PrivatePostTradeOrder(
            {"symbol": "BTC-USDT", "side": "BUY", "type": "LIMIT", "quantity": "0.001",
             "price": "2000000"}
        )
    with pytest.raises(ccxt.BadRequest, match="already been reached"):
        await exchange.create_order(BTC, "limit", "buy", 0.001, 40000, {"triggerPrice": 45000})


async def test_invalid_swap_orders(make: Any) -> None:
    exchange = await make()
    with pytest.raises(ccxt.InvalidOrder, match="minimum nominal value"):
        await exchange.create_order(PERP, "limit", "buy", 0.001, 40000)  # 40 USDT < 100
    assert exchange.last_json_response["code"] == 101400
    with pytest.raises(ccxt.ExchangeError, match="Reduce Only"):
        await exchange.create_order(PERP, "market", "sell", 0.01, None, {"reduceOnly": True})
    assert exchange.last_json_response["code"] == 101290
    with pytest.raises(ccxt.BadRequest, match="One-way mode"):
        await exchange.create_order(PERP, "market", "buy", 0.01, None, {"positionSide": "LONG"})
    with pytest.raises(ccxt.BadRequest, match="leverage"):
        await exchange.set_leverage(200, PERP, {"side": "BOTH"})
    with pytest.raises(ccxt.BadRequest, match="'Side' field can only be set to BOTH"):
        await exchange.set_leverage(5, PERP, {"side": "LONG"})
    await exchange.create_order(PERP, "limit", "buy", 0.01, 40000, {"clientOrderId": "dup"})
    with pytest.raises(ccxt.InvalidOrder, match="cannot be repeated"):
        await exchange.create_order(PERP, "limit", "buy", 0.01, 40000, {"clientOrderId": "DUP"})
    assert exchange.last_json_response["code"] == 101481


async def test_system_busy_80012_is_insufficient_funds_in_ccxt(sim: Simulator, make: Any) -> None:
    """A ccxt mapping exchlayer's adapter corrects (80012 is "system busy" at BingX)."""
    from exchlayer.testing.simulator import VenueResponse

    async def busy(request: Any, call_next: Any) -> VenueResponse:
        body = {"code": 80012, "msg": "The current system is busy, please try again later",
                "data": {}}
        return VenueResponse.json(body)

    exchange = await make()
    sim.interceptors.append(busy)
    with pytest.raises(ccxt.InsufficientFunds):
        await exchange.fetch_balance({"type": "swap"})
