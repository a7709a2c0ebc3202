"""ccxt's ``bingx`` class end to end against the simulator: markets, spot and signing."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Account, Operation, Simulator

ccxt = pytest.importorskip("ccxt.async_support")

D = Decimal
BTC = "BTC/USDT"
KEY, SECRET = "bx-key", "bx-secret"


def dec(value: Any) -> Decimal:
    """ccxt hands floats over: convert through the shortest repr."""
    return Decimal(repr(value))


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7) as simulator:
        simulator.add_account("bingx", api_key=KEY, secret=SECRET)
        yield simulator


@pytest.fixture
def account(sim: Simulator) -> Account:
    found = sim.accounts.find("bingx", "live", KEY)
    assert found is not None
    return found


@pytest_asyncio.fixture
async def bingx(sim: Simulator) -> AsyncIterator[Any]:
    exchange = ccxt.bingx(
        {
            "apiKey": KEY,
            "secret": SECRET,
            "session": sim.client_session(),
            "enableRateLimit": False,
            "timeout_on_exit": 0,
        }
    )
    await exchange.load_markets()
    yield exchange
    await exchange.close()


async def test_load_markets_with_keys_calls_the_four_endpoints(sim: Simulator) -> None:
    exchange = ccxt.bingx(
        {"apiKey": KEY, "secret": SECRET, "session": sim.client_session(), "timeout_on_exit": 0,
         "enableRateLimit": False}
    )
    try:
        markets = await exchange.load_markets()
    finally:
        await exchange.close()
    assert sorted(f"{r.method} {r.path}" for r in sim.requests) == [
        "GET /openApi/cswap/v1/market/contracts",
        "GET /openApi/spot/v1/common/symbols",
        "GET /openApi/swap/v2/quote/contracts",
        "GET /openApi/wallets/v1/capital/config/getall",
    ]
    assert all(r.status == 200 and r.host == "open-api.bingx.com" for r in sim.requests)
    assert [r.is_private for r in sim.requests if r.operation == Operation.CURRENCIES] == [True]
    assert set(markets) == {
        "BTC/USDT", "ETH/USDT", "SOL/USDT", "BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT"
    }
    btc = markets[BTC]
    assert btc["active"] and btc["spot"] and btc["id"] == "BTC-USDT"
    assert dec(btc["precision"]["price"]) == D("0.01")
    assert dec(btc["precision"]["amount"]) == D("0.00001")
    assert dec(btc["limits"]["cost"]["min"]) == D(5)
    perp = markets["BTC/USDT:USDT"]
    assert perp["swap"] and perp["linear"] and perp["settle"] == "USDT" and perp["active"]
    assert dec(perp["precision"]["price"]) == D("0.1")
    assert dec(perp["precision"]["amount"]) == D("0.001")
    assert dec(perp["limits"]["amount"]["min"]) == D("0.001")
    assert dec(perp["limits"]["cost"]["min"]) == D(100)
    assert perp["contractSize"] == 1
    assert perp["info"]["maxLongLeverage"] == 125
    sol = markets["SOL/USDT:USDT"]
    assert dec(sol["precision"]["amount"]) == 1 and dec(sol["precision"]["price"]) == D("0.01")
    assert exchange.currencies["BTC"]["networks"]["ERC20"]["withdraw"] is True


async def test_without_keys_markets_are_public_only(sim: Simulator) -> None:
    exchange = ccxt.bingx(
        {"session": sim.client_session(), "timeout_on_exit": 0, "enableRateLimit": False}
    )
    try:
        await exchange.load_markets()
    finally:
        await exchange.close()
    assert not any(r.is_private for r in sim.requests)
    assert sim.count_requests(lambda r: r.operation == Operation.MARKETS) == 3


async def test_server_time_ticker_and_book_follow_the_engine(sim: Simulator, bingx: Any) -> None:
    assert abs(await bingx.fetch_time() - sim.engine.now_ms()) < 5_000
    ticker = await bingx.fetch_ticker(BTC)
    assert dec(ticker["last"]) == D(50000)
    assert dec(ticker["bid"]) == D(50000) and dec(ticker["ask"]) == D("50000.01")
    sim.set_price(BTC, D("51234.56"))
    ticker = await bingx.fetch_ticker(BTC)
    assert dec(ticker["last"]) == D("51234.56") and dec(ticker["high"]) == D("51234.56")
    assert dec(ticker["open"]) == D(50000) and dec(ticker["percentage"]) == D("2.47")
    assert dec(ticker["baseVolume"]) > 0
    (request,) = [r for r in sim.requests if r.operation == Operation.TICKER][-1:]
    assert request.path == "/openApi/spot/v1/ticker/24hr" and request.query["symbol"] == "BTC-USDT"
    for limit in (5, 100, 1000):
        book = await bingx.fetch_order_book(BTC, limit)
        assert len(book["bids"]) == len(book["asks"]) == limit
    snap = sim.engine.book(BTC, 1000)
    assert [(dec(p), dec(q)) for p, q in book["bids"][:10]] == list(snap.bids[:10])
    assert [(dec(p), dec(q)) for p, q in book["asks"][:10]] == list(snap.asks[:10])
    assert book["nonce"] == snap.update_id


async def test_the_book_lists_asks_worst_first_like_bingx(sim: Simulator, bingx: Any) -> None:
    await bingx.fetch_order_book(BTC, 5)
    raw = await bingx.spotV1PublicGetMarketDepth({"symbol": "BTC-USDT", "limit": 3})
    asks = [D(p) for p, _ in raw["data"]["asks"]]
    bids = [D(p) for p, _ in raw["data"]["bids"]]
    assert asks == sorted(asks, reverse=True) and bids == sorted(bids, reverse=True)
    assert asks[-1] - bids[0] == D("0.01")


async def test_balances_reflect_the_account(account: Account, bingx: Any) -> None:
    balance = await bingx.fetch_balance()
    assert balance["USDT"] == {"free": 10000.0, "used": 0.0, "total": 10000.0}
    assert balance["BTC"]["total"] == 1.0
    account.deposit("ETH", D("2.5"))
    assert (await bingx.fetch_balance())["ETH"]["free"] == 2.5


async def test_limit_order_lifecycle_with_client_order_id(sim: Simulator, bingx: Any) -> None:
    order = await bingx.create_order(BTC, "limit", "buy", 0.01, 49000, {"clientOrderId": "my_1"})
    assert order["status"] == "open" and order["clientOrderId"] == "my_1"
    assert order["price"] == 49000 and order["amount"] == 0.01 and order["filled"] == 0
    create = sim.requests[-1]
    assert create.method == "POST" and create.body == ""
    assert create.query["newClientOrderId"] == "my_1" and create.query["type"] == "LIMIT"
    by_id = await bingx.fetch_order(order["id"], BTC)
    assert by_id["clientOrderId"] == "my_1" and by_id["status"] == "open"
    by_client = await bingx.fetch_order(None, BTC, {"clientOrderId": "my_1"})
    assert by_client["id"] == order["id"]
    assert sim.requests[-1].query["orderId"] == "None"  # what ccxt sends with a client id
    assert [o["id"] for o in await bingx.fetch_open_orders(BTC)] == [order["id"]]
    balance = await bingx.fetch_balance()
    assert balance["USDT"]["used"] == 490.0 and balance["USDT"]["free"] == 9510.0
    cancelled = await bingx.cancel_order(None, BTC, {"clientOrderId": "my_1"})
    assert cancelled["status"] == "canceled" and cancelled["id"] == order["id"]
    cancel = sim.requests[-1]
    assert cancel.method == "POST" and cancel.path == "/openApi/spot/v1/trade/cancel"
    assert cancel.query["clientOrderID"] == "my_1"
    assert await bingx.fetch_open_orders(BTC) == []
    assert (await bingx.fetch_order(order["id"], BTC))["status"] == "canceled"
    assert (await bingx.fetch_balance())["USDT"]["free"] == 10000.0


async def test_market_order_fills_with_trade_and_fee(
    sim: Simulator, account: Account, bingx: Any
) -> None:
    order = await bingx.create_order(BTC, "market", "buy", 0.01, None, {"clientOrderId": "m1"})
    assert order["status"] == "closed" and order["filled"] == 0.01
    assert dec(order["average"]) == D("50000.01") and dec(order["cost"]) == D("500.0001")
    assert sim.requests[-1].query["quantity"] == "0.01"
    (trade,) = await bingx.fetch_my_trades(BTC)
    assert trade["order"] == order["id"] and trade["side"] == "buy"
    assert trade["takerOrMaker"] == "taker"
    assert trade["fee"]["currency"] == "BTC" and dec(trade["fee"]["cost"]) == D("0.00001")
    assert dec(trade["price"]) == D("50000.01") and dec(trade["amount"]) == D("0.01")
    assert account.balance("USDT").free == D(10000) - D("500.0001")
    assert account.balance("BTC").free == D(1) + D("0.01") - D("0.00001")
    fetched = await bingx.fetch_order(order["id"], BTC)
    assert fetched["fee"] == {"currency": "BTC", "cost": 0.00001}


async def test_a_market_buy_by_cost_spends_the_quote_amount(sim: Simulator, bingx: Any) -> None:
    order = await bingx.create_order(BTC, "market", "buy", None, None, {"cost": 1000})
    assert sim.requests[-1].query["quoteOrderQty"] == "1000"
    assert order["status"] == "closed"
    assert D(order["info"]["origQty"]) == 0 and D(order["info"]["cummulativeQuoteQty"]) <= 1000


async def test_trigger_orders_wait_then_fill(sim: Simulator, bingx: Any) -> None:
    sell = await bingx.create_order(BTC, "market", "sell", 0.02, None, {"triggerPrice": 48000})
    create = sim.requests[-1].query
    assert (create["type"], create["stopPrice"], create["quantity"]) == (
        "TRIGGER_MARKET", "48000", "0.02"
    )
    assert sell["status"] == "open" and sell["triggerPrice"] == 48000
    limit = await bingx.create_order(BTC, "limit", "buy", 0.01, 52500, {"triggerPrice": 52000})
    assert sim.requests[-1].query["type"] == "TRIGGER_LIMIT"
    assert {o["id"] for o in await bingx.fetch_open_orders(BTC)} == {sell["id"], limit["id"]}
    sim.set_price(BTC, D("47900"))
    filled = await bingx.fetch_order(sell["id"], BTC)
    assert filled["status"] == "closed" and filled["filled"] == 0.02
    assert dec(filled["average"]) <= D(47900)
    assert (await bingx.fetch_order(limit["id"], BTC))["status"] == "open"


async def test_ccxt_insists_on_a_cost_for_spot_trigger_market_buys(bingx: Any) -> None:
    with pytest.raises(ccxt.ArgumentsRequired):
        await bingx.create_order(BTC, "market", "buy", 0.01, None, {"triggerPrice": 52000})


async def test_a_trigger_market_buy_by_quantity_is_accepted(sim: Simulator, bingx: Any) -> None:
    """BingX's own documentation places TRIGGER_MARKET buys by quantity."""
    raw = await bingx.spotV1PrivatePostTradeOrder(
        {"symbol": "BTC-USDT", "side": "BUY", "type": "TRIGGER_MARKET", "quantity": "0.01",
         "stopPrice": "51000"}
    )
    assert raw["data"]["status"] == "NEW" and raw["data"]["type"] == "TRIGGER_MARKET"
    sim.set_price(BTC, D("51500"))
    order = await bingx.fetch_order(str(raw["data"]["orderId"]), BTC)
    assert order["status"] == "closed" and order["filled"] == 0.01


def test_the_signature_of_bingx_documented_example() -> None:
    """The example in BingX's API documentation signs to the documented signature."""
    from exchlayer.testing.simulator.venues import VenueRequest
    from exchlayer.testing.simulator.wire.signing import without_signature

    secret = "UuGuyEGt6ZEkpUObCYCmIfh0elYsZVh80jlYwpJuRZEw70t6vomMH7Sjmf94ztSI"
    query = "quoteOrderQty=20&side=BUY&symbol=ETHUSDT&timestamp=1649404670162&type=MARKET"
    documented = "428a3c383bde514baff0d10d3c20e5adfaacaf799e324546dafe5ccc480dd827"
    request = VenueRequest(
        method="POST", host="open-api.bingx.com", environment="live",
        path="/openApi/spot/v1/trade/order", raw_query=f"{query}&signature={documented}",
        query={}, body="", headers={}, received_ms=0,
    )
    payload, signature = without_signature(request)
    assert (payload, signature) == (query, documented)
    assert hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest() == documented
