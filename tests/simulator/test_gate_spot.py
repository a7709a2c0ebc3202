"""ccxt's ``gate`` class end to end against the simulator: market loading and spot."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Account, Operation, Simulator

ccxt = pytest.importorskip("ccxt.async_support")
pytestmark = pytest.mark.asyncio

D = Decimal
BTC = "BTC/USDT"
KEY, SECRET = "gate-key", "gate-secret"
#: What exchlayer's adapter asks ccxt for: spot and USDT-settled swaps only.
NARROW = {
    "fetchMarkets": {"types": ["spot", "swap"]},
    "swap": {"fetchMarkets": {"settlementCurrencies": ["usdt"]}},
}


def dec(value: Any) -> Decimal:
    """ccxt hands floats over: convert through the shortest repr."""
    return Decimal(repr(value))


def body(sim: Simulator, operation: str = Operation.CREATE_ORDER) -> dict[str, Any]:
    (request,) = [r for r in sim.requests if r.operation == operation][-1:]
    return json.loads(request.body) if request.body else {}


@pytest.fixture
def account(sim: Simulator) -> Account:
    return sim.add_account("gate", api_key=KEY, secret=SECRET)


@pytest_asyncio.fixture
async def gate(sim: Simulator, account: Account, make_exchange: Any) -> Any:
    exchange = make_exchange("gate", api_key=KEY, secret=SECRET, options=NARROW)
    await exchange.load_markets()
    sim.clear_requests()
    return exchange


async def test_load_markets_with_keys_and_default_options(
    sim: Simulator, account: Account, make_exchange: Any
) -> None:
    markets = await make_exchange("gate", api_key=KEY, secret=SECRET, reduced=False).load_markets()
    paths = sorted(r.path for r in sim.requests)
    assert paths == [
        "/api/v4/account/detail",
        "/api/v4/delivery/usdt/contracts",
        "/api/v4/futures/btc/contracts",
        "/api/v4/futures/usdt/contracts",
        "/api/v4/margin/currency_pairs",
        "/api/v4/options/underlyings",
        "/api/v4/spot/currencies",
        "/api/v4/spot/currency_pairs",
    ]
    assert all(r.status == 200 for r in sim.requests)
    assert [r.path for r in sim.requests if r.is_private] == ["/api/v4/account/detail"]
    assert set(markets) == {
        "BTC/USDT", "ETH/USDT", "SOL/USDT", "BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT",
    }
    btc = markets[BTC]
    assert btc["spot"] and btc["active"] and btc["id"] == "BTC_USDT"
    assert dec(btc["precision"]["price"]) == D("0.01")
    assert dec(btc["precision"]["amount"]) == D("0.00001")
    assert dec(btc["limits"]["amount"]["min"]) == D("0.00001")
    assert dec(btc["limits"]["cost"]["min"]) == D(5)
    assert dec(btc["taker"]) == D("0.002")
    perp = markets["BTC/USDT:USDT"]
    assert perp["swap"] and perp["linear"] and perp["settle"] == "USDT"
    # one contract is one engine amount step (0.001 BTC); sizes are whole contracts
    assert dec(perp["contractSize"]) == D("0.001")
    assert dec(perp["precision"]["amount"]) == D(1)
    assert dec(perp["precision"]["price"]) == D("0.1")
    assert perp["limits"]["amount"] == {"min": 1.0, "max": 1000000.0}
    assert perp["limits"]["cost"] == {"min": None, "max": None}
    assert perp["limits"]["leverage"]["max"] == 125.0
    assert perp["limits"]["price"] == {"min": 25000.0, "max": 75000.0}  # mark +- 50%
    assert dec(markets["SOL/USDT:USDT"]["contractSize"]) == D(1)
    gate = make_exchange("gate", api_key=KEY, secret=SECRET, reduced=False)
    await gate.load_markets()
    assert gate.options["unifiedAccount"] is False  # account/detail says key mode 1: classic


async def test_narrowed_market_loading_and_server_time(
    sim: Simulator, account: Account, make_exchange: Any
) -> None:
    gate = make_exchange("gate", api_key=KEY, secret=SECRET, options=NARROW)
    await gate.load_markets()
    assert sorted(r.path for r in sim.requests) == [
        "/api/v4/account/detail",
        "/api/v4/futures/usdt/contracts",
        "/api/v4/margin/currency_pairs",
        "/api/v4/spot/currencies",
        "/api/v4/spot/currency_pairs",
    ]
    assert abs(await gate.fetch_time() - sim.engine.now_ms()) < 5000


async def test_ticker_and_order_book(sim: Simulator, gate: Any) -> None:
    ticker = await gate.fetch_ticker(BTC)
    assert dec(ticker["last"]) == D(50000)
    assert (dec(ticker["bid"]), dec(ticker["ask"])) == (D(50000), D("50000.01"))
    assert ticker["timestamp"] is None  # Gate's REST ticker carries no time
    assert body(sim, Operation.TICKER) == {}
    assert sim.requests[-1].query == {"currency_pair": "BTC_USDT"}
    sim.set_price(BTC, D(51000))
    moved = await gate.fetch_ticker(BTC)
    assert dec(moved["percentage"]) == D(2) and dec(moved["high"]) == D(51000)
    book = await gate.fetch_order_book(BTC, 5)
    assert sim.requests[-1].query == {"currency_pair": "BTC_USDT", "limit": "5", "with_id": "true"}
    assert len(book["bids"]) == len(book["asks"]) == 5
    assert dec(book["asks"][0][0]) == D("51000.01") and dec(book["bids"][0][0]) == D(51000)
    assert book["nonce"] == sim.engine.book(BTC, 1).update_id
    assert abs(book["timestamp"] - sim.engine.now_ms()) < 5000


async def test_balance(gate: Any, account: Account) -> None:
    balance = await gate.fetch_balance()
    assert balance["USDT"] == {"free": 10000.0, "used": 0.0, "total": 10000.0}
    assert balance["BTC"]["free"] == 1.0
    account.balance("USDT").locked = D(25)
    assert (await gate.fetch_balance())["USDT"]["used"] == 25.0


async def test_limit_order_life_cycle_by_id_and_by_text(
    sim: Simulator, gate: Any, account: Account
) -> None:
    order = await gate.create_order(BTC, "limit", "buy", 0.002, 45000, {"clientOrderId": "bot-1"})
    assert body(sim) == {
        "currency_pair": "BTC_USDT",
        "type": "limit",
        "account": "spot",
        "side": "buy",
        "amount": "0.002",
        "price": "45000",
        "text": "t-bot-1",
    }
    assert order["status"] == "open" and order["clientOrderId"] == "t-bot-1"
    assert order["info"]["finish_as"] == "open" and order["info"]["left"] == "0.002"
    assert account.balance("USDT").locked == D(90)
    by_id = await gate.fetch_order(order["id"], BTC)
    by_text = await gate.fetch_order(None, BTC, {"clientOrderId": "t-bot-1"})
    assert by_id["id"] == by_text["id"] == order["id"]
    assert sim.requests[-1].path == "/api/v4/spot/orders/t-bot-1"
    assert sim.requests[-1].query == {"account": "spot", "currency_pair": "BTC_USDT"}
    (listed,) = await gate.fetch_open_orders(BTC)
    assert listed["id"] == order["id"]
    assert sim.requests[-1].path == "/api/v4/spot/open_orders"
    cancelled = await gate.cancel_order("t-bot-1", BTC)  # Gate takes the text as the id
    assert cancelled["status"] == "canceled" and cancelled["info"]["finish_as"] == "cancelled"
    assert account.balance("USDT").locked == 0
    with pytest.raises(ccxt.OrderNotFound):  # a text finds a spot order only while it is open
        await gate.fetch_order(None, BTC, {"clientOrderId": "t-bot-1"})
    assert (await gate.fetch_order(order["id"], BTC))["status"] == "canceled"
    with pytest.raises(ccxt.InvalidOrder, match="ORDER_CANCELLED"):
        await gate.cancel_order(order["id"], BTC)
    (closed,) = await gate.fetch_closed_orders(BTC)
    assert closed["id"] == order["id"] and closed["clientOrderId"] == "t-bot-1"
    assert sim.requests[-1].query["status"] == "finished"


async def test_market_buy_is_sized_in_quote_currency(
    sim: Simulator, gate: Any, account: Account
) -> None:
    with pytest.raises(ccxt.InvalidOrder, match="requires the price"):
        await gate.create_order(BTC, "market", "buy", 0.002)
    assert sim.count_requests() == 0
    order = await gate.create_order(BTC, "market", "buy", 0.002, None, {"cost": "100.01"})
    sent = body(sim)
    assert (sent["amount"], sent["time_in_force"], "price" in sent) == ("100.01", "ioc", False)
    info = order["info"]
    assert info["amount"] == "100.01" and info["price"] == "0"
    assert info["filled_amount"] == "0.002"  # 100.01 / 50000.01, down to the amount step
    assert info["filled_total"] == "100.00002" and info["left"] == "0.00998"
    assert info["avg_deal_price"] == "50000.01"
    assert info["status"] == "closed" and info["finish_as"] == "filled"
    assert info["fee"] == "0.000004" and info["fee_currency"] == "BTC"
    assert order["status"] == "closed" and dec(order["cost"]) == D("100.01")
    assert account.balance("BTC").free == D(1) + D("0.002") - D("0.000004")
    assert account.balance("USDT").free == D(10000) - D("100.00002")
    with pytest.raises(ccxt.InvalidOrder, match="INVALID_PRECISION"):  # cost off the tick
        await gate.private_spot_post_orders(
            {"currency_pair": "BTC_USDT", "type": "market", "side": "buy", "amount": "10.001",
             "time_in_force": "ioc"}
        )


async def test_market_sell_is_sized_in_base_currency(gate: Any, account: Account) -> None:
    order = await gate.create_order(BTC, "market", "sell", 0.01)
    info = order["info"]
    assert info["amount"] == "0.01" and info["filled_amount"] == "0.01"
    assert info["filled_total"] == "500" and info["fee_currency"] == "USDT"
    assert order["filled"] == 0.01 and order["amount"] == 0.01
    assert account.balance("USDT").free == D(10000) + D(500) - D(1)


async def test_price_order_fires_a_new_order_that_buys_with_its_cost(
    sim: Simulator, gate: Any, account: Account
) -> None:
    with pytest.raises(ccxt.BadRequest, match="invalid argument: text"):
        # for price orders ccxt sends the client id as given, without Gate's "t-" prefix
        await gate.create_order(
            BTC, "market", "buy", 104, 52000, {"triggerPrice": 52000, "clientOrderId": "stop-1"}
        )
    created = await gate.create_order(
        BTC, "market", "buy", 104, 52000, {"triggerPrice": 52000, "clientOrderId": "t-stop-1"}
    )
    sent = body(sim)
    assert sent == {
        "put": {"type": "market", "side": "buy", "price": "52000", "amount": "104",
                "account": "normal", "time_in_force": "ioc"},
        "market": "BTC_USDT",
        "trigger": {"price": "52000", "rule": ">=", "expiration": 86400, "text": "t-stop-1"},
    }
    assert sim.requests[-1].path == "/api/v4/spot/price_orders"
    assert created["info"] == {"id": int(created["id"])}
    with pytest.raises(ccxt.OrderNotFound):  # not an order of spot/orders
        await gate.fetch_order(created["id"], BTC)
    pending = await gate.fetch_order(created["id"], BTC, {"trigger": True})
    assert pending["status"] == "open" and pending["clientOrderId"] == "t-stop-1"
    assert dec(pending["triggerPrice"]) == D(52000) and pending["info"]["put"]["amount"] == "104"
    (listed,) = await gate.fetch_open_orders(BTC, None, None, {"trigger": True})
    assert listed["id"] == created["id"]
    assert sim.requests[-1].query == {"market": "BTC_USDT", "status": "open"}
    assert await gate.fetch_open_orders(BTC) == []
    sim.set_price(BTC, D(53000))
    fired = await gate.fetch_order(created["id"], BTC, {"trigger": True})
    assert fired["status"] == "closed" and fired["info"]["status"] == "finish"
    child_id = fired["info"]["fired_order_id"]
    assert child_id != int(created["id"])
    child = await gate.fetch_order(str(child_id), BTC)
    assert child["info"]["amount"] == "104" and child["info"]["type"] == "market"
    assert child["info"]["filled_amount"] == "0.00196"  # 104 / 53000.01, down to the step
    assert child["clientOrderId"] == "t-stop-1"
    assert await gate.fetch_open_orders(BTC, None, None, {"trigger": True}) == []
    assert account.balance("USDT").free == D(10000) - D("0.00196") * D("53000.01")


async def test_price_order_cancel_and_already_crossed_trigger(sim: Simulator, gate: Any) -> None:
    stop = await gate.create_order(BTC, "limit", "sell", 0.01, 47000, {"triggerPrice": 48000})
    assert body(sim)["trigger"]["rule"] == "<="
    cancelled = await gate.cancel_order(stop["id"], BTC, {"trigger": True})
    assert cancelled["info"]["status"] == "cancelled" and cancelled["status"] == "canceled"
    assert sim.requests[-1].path == f"/api/v4/spot/price_orders/{stop['id']}"
    with pytest.raises(ccxt.OrderNotFound):
        await gate.cancel_order(stop["id"], BTC, {"trigger": True})
    (finished,) = await gate.fetch_closed_orders(BTC, None, None, {"trigger": True})
    assert finished["id"] == stop["id"]
    with pytest.raises(ccxt.InvalidOrder, match="AUTO_TRIGGER_PRICE_LESS_LAST"):
        await gate.create_order(BTC, "limit", "sell", 0.01, 51000, {"triggerPrice": 51000})
    with pytest.raises(ccxt.ArgumentsRequired, match=r"put\.price"):  # Gate needs a put price
        await gate.create_order(BTC, "market", "sell", 0.01, None, {"triggerPrice": 48000})


async def test_my_trades_carry_fees_and_order_ids(sim: Simulator, gate: Any) -> None:
    buy = await gate.create_order(BTC, "market", "buy", 0, None, {"cost": "50.01"})
    sell = await gate.create_order(BTC, "limit", "sell", 0.001, 49999.99)
    trades = await gate.fetch_my_trades(BTC)
    assert sim.requests[-1].query == {"account": "spot", "currency_pair": "BTC_USDT"}
    assert [t["order"] for t in trades] == [buy["id"], sell["id"]]
    first, second = trades
    assert first["side"] == "buy" and dec(first["amount"]) == D("0.001")
    assert first["takerOrMaker"] == "taker" and first["fee"]["currency"] == "BTC"
    assert dec(first["fee"]["cost"]) == D("0.000002")
    assert second["side"] == "sell" and dec(second["price"]) == D(50000)
    assert second["fee"] == {"cost": 0.1, "currency": "USDT"}


async def test_post_only_that_would_take_is_refused(gate: Any) -> None:
    with pytest.raises(ccxt.OrderImmediatelyFillable, match="POC_FILL_IMMEDIATELY"):
        await gate.create_order(BTC, "limit", "buy", 0.001, 50001, {"postOnly": True})
    resting = await gate.create_order(BTC, "limit", "buy", 0.001, 49000, {"postOnly": True})
    assert resting["info"]["time_in_force"] == "poc" and resting["postOnly"] is True
    fok = await gate.create_order(BTC, "limit", "buy", 100, 50000.01, {"timeInForce": "FOK"})
    assert fok["info"]["finish_as"] == "fok" and fok["info"]["status"] == "cancelled"
    assert fok["info"]["filled_amount"] == "0"
