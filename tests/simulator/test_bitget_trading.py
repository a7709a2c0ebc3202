"""Trading on the Bitget simulator with raw ccxt: spot, USDT-M futures and plan (trigger) orders."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Account, Simulator

pytestmark = pytest.mark.asyncio
ccxt = pytest.importorskip("ccxt.async_support")

PERP = "BTC/USDT:USDT"
D = Decimal


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7) as simulator:
        simulator.add_account("bitget", api_key="k", secret="s", passphrase="p")
        yield simulator


@pytest.fixture
def account(sim: Simulator) -> Account:
    found = sim.accounts.find("bitget", "live", "k")
    assert found is not None
    return found


@pytest_asyncio.fixture
async def bitget(sim: Simulator) -> AsyncIterator[Any]:
    exchange = ccxt.bitget(
        {
            "apiKey": "k",
            "secret": "s",
            "password": "p",
            "session": sim.client_session(),
            "enableRateLimit": False,
            "timeout_on_exit": 0,
            "options": {"uta": False},
        }
    )
    await exchange.load_markets()
    yield exchange
    await exchange.close()


def sent(sim: Simulator, path: str) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in sim.requests if r.path == path]


# ---- market data ---------------------------------------------------------------------------


async def test_markets_carry_the_engine_rules(bitget: Any) -> None:
    spot, perp = bitget.market("BTC/USDT"), bitget.market(PERP)
    assert spot["precision"] == {"amount": 0.00001, "price": 0.01}
    assert spot["limits"]["amount"]["min"] == 0.00001 and spot["limits"]["cost"]["min"] == 5
    assert perp["precision"] == {"amount": 0.001, "price": 0.1}
    assert perp["contractSize"] == 1 and perp["settle"] == "USDT" and perp["linear"]
    assert perp["limits"]["leverage"] == {"min": 1, "max": 125}
    assert perp["limits"]["cost"]["min"] == 100
    sol = bitget.market("SOL/USDT:USDT")
    assert sol["precision"] == {"amount": 1, "price": 0.01}
    assert sorted(bitget.symbols) == sorted(
        ["BTC/USDT", "ETH/USDT", "SOL/USDT", PERP, "ETH/USDT:USDT", "SOL/USDT:USDT"]
    )


async def test_ticker_and_books_follow_the_engine(bitget: Any, sim: Simulator) -> None:
    sim.set_price("BTC/USDT", D("43210.5"))
    ticker = await bitget.fetch_ticker("BTC/USDT")
    assert ticker["last"] == 43210.5 and ticker["ask"] == 43210.51
    swap = await bitget.fetch_ticker(PERP)
    assert swap["last"] == 50000.0 and swap["markPrice"] == 50000.0
    book = await bitget.fetch_order_book("BTC/USDT", 5)
    snap = sim.engine.book("BTC/USDT", 5)
    assert [(D(repr(p)), D(repr(a))) for p, a in book["asks"]] == list(snap.asks)
    session = sim.client_session()
    url = "https://api.bitget.com/api/v2/mix/market/merge-depth"
    async with session.get(
        url, params={"symbol": "BTCUSDT", "productType": "usdt-futures", "limit": "15"}
    ) as resp:
        text = await resp.text()
    data = json.loads(text)["data"]
    assert len(data["asks"]) == len(data["bids"]) == 15
    assert isinstance(data["asks"][0][0], float)  # futures levels are JSON numbers
    assert text.count('"asks":[[50000.1,') == 1
    async with session.get(
        url, params={"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "limit": "7"}
    ) as resp:
        assert json.loads(await resp.text())["code"] == "40017"  # 1/5/15/50/max only


# ---- spot ----------------------------------------------------------------------------------


async def test_spot_limit_order_life_cycle(bitget: Any, sim: Simulator) -> None:
    order = await bitget.create_order(
        "BTC/USDT", "limit", "buy", 0.002, 40000, {"clientOrderId": "life-1"}
    )
    assert order["status"] is None  # place-order answers with the ids only
    by_id = await bitget.fetch_order(order["id"], "BTC/USDT")
    by_client = await bitget.fetch_order(None, "BTC/USDT", {"clientOrderId": "life-1"})
    assert by_id["id"] == by_client["id"] == order["id"]
    assert (by_id["status"], by_id["amount"], by_id["price"]) == ("open", 0.002, 40000)
    (listed,) = await bitget.fetch_open_orders("BTC/USDT")
    assert listed["price"] == 40000 and listed["info"]["priceAvg"] == "40000"  # sic
    assert (await bitget.fetch_balance())["USDT"]["used"] == 80.0
    await bitget.cancel_order(order["id"], "BTC/USDT")
    assert (await bitget.fetch_order(order["id"], "BTC/USDT"))["status"] == "canceled"
    assert await bitget.fetch_open_orders("BTC/USDT") == []
    (placed,) = sent(sim, "/api/v2/spot/trade/place-order")
    assert placed == {
        "symbol": "BTCUSDT",
        "orderType": "limit",
        "price": "40000",
        "force": "GTC",
        "side": "buy",
        "size": "0.002",
        "clientOid": "life-1",
    }


async def test_spot_market_buy_spends_its_size_in_quote(
    bitget: Any, sim: Simulator, account: Account
) -> None:
    order = await bitget.create_order("BTC/USDT", "market", "buy", None, None, {"cost": 100})
    (placed,) = sent(sim, "/api/v2/spot/trade/place-order")
    assert placed["size"] == "100"
    filled = await bitget.fetch_order(order["id"], "BTC/USDT")
    ask = sim.engine.best_bid_ask("BTC/USDT")[1][0]
    assert filled["status"] == "closed"
    assert D(repr(filled["filled"])) == (D(100) / ask).quantize(D("0.00001"), rounding="ROUND_DOWN")
    assert filled["info"]["size"] == "100.0000000000000000"  # the quote it could spend
    assert filled["amount"] == filled["filled"]  # ccxt reads a market buy's amount from fills
    assert filled["fee"]["currency"] == "BTC"
    sell = await bitget.create_order("BTC/USDT", "market", "sell", 0.001)
    assert (await bitget.fetch_order(sell["id"], "BTC/USDT"))["filled"] == 0.001
    trades = await bitget.fetch_my_trades("BTC/USDT")
    assert {t["side"] for t in trades} == {"buy", "sell"}
    assert all(t["fee"]["cost"] > 0 for t in trades)
    assert account.balance("BTC").free == D(1) + D(repr(filled["filled"])) * D("0.999") - D("0.001")


async def test_spot_plan_orders(bitget: Any, sim: Simulator) -> None:
    # a buy above the market waits for the price to rise to the trigger
    rise = await bitget.create_order(
        "BTC/USDT",
        "market",
        "buy",
        None,
        None,
        {
            "triggerPrice": 52000,
            "planType": "amount",
            "size": "0.002",
            "createMarketBuyOrderRequiresPrice": False,
        },
    )
    # Bitget triggers on reaching the price from where it is: this buy waits for a dip
    dip = await bitget.create_order(
        "BTC/USDT", "limit", "buy", 0.001, 47000, {"triggerPrice": 47500}
    )
    (sent_rise, sent_dip) = sent(sim, "/api/v2/spot/trade/place-plan-order")
    assert sent_rise["planType"] == "amount" and sent_rise["size"] == "0.002"
    assert sent_dip["executePrice"] == "47000" and sent_dip["triggerType"] == "mark_price"
    with pytest.raises(ccxt.OrderNotFound):  # plan ids are not regular orders
        await bitget.fetch_order(rise["id"], "BTC/USDT")
    plans = await bitget.fetch_open_orders("BTC/USDT", None, None, {"trigger": True})
    assert {o["id"] for o in plans} == {rise["id"], dip["id"]}
    assert {o["triggerPrice"] for o in plans} == {52000, 47500}

    sim.set_price("BTC/USDT", D("52100"))
    history = await bitget.fetch_canceled_and_closed_orders(
        "BTC/USDT", None, None, {"trigger": True}
    )
    (executed,) = history
    assert executed["id"] == rise["id"] and executed["status"] == "closed"
    sub = await bitget.request(
        "v2/spot/trade/plan-sub-order", ["private", "spot"], "GET", {"planOrderId": rise["id"]}
    )
    (child,) = sub["data"]
    assert child["status"] == "success" and child["type"] == "market"
    filled = await bitget.fetch_order(child["orderId"], "BTC/USDT")
    assert filled["filled"] == 0.002 and filled["clientOrderId"] == child["orderId"]

    sim.set_price("BTC/USDT", D("47400"))
    assert await bitget.fetch_open_orders("BTC/USDT", None, None, {"trigger": True}) == []
    assert (await bitget.fetch_open_orders("BTC/USDT"))[0]["price"] == 47000  # its limit

    spare = await bitget.create_order(
        "BTC/USDT", "market", "sell", 0.001, None, {"triggerPrice": 40000}
    )
    answer = await bitget.cancel_order(spare["id"], "BTC/USDT", {"trigger": True})
    assert answer["info"] == {"result": "success"}


async def test_spot_plan_by_total_is_sized_at_its_trigger(bitget: Any, sim: Simulator) -> None:
    """ccxt's default for a trigger market buy: ``planType=total``, size = amount x price."""
    await bitget.create_order("BTC/USDT", "market", "buy", 0.002, 51000, {"triggerPrice": 51000})
    (placed,) = sent(sim, "/api/v2/spot/trade/place-plan-order")
    assert (placed["planType"], placed["size"]) == ("total", "102")
    (plan,) = await bitget.fetch_open_orders("BTC/USDT", None, None, {"trigger": True})
    assert plan["info"]["planType"] == "TOTAL" and plan["info"]["size"] == "102"
    sim.set_price("BTC/USDT", D("51000.5"))
    (done,) = await bitget.fetch_canceled_and_closed_orders(
        "BTC/USDT", None, None, {"trigger": True}
    )
    assert done["status"] == "closed"
    (fill,) = await bitget.fetch_my_trades("BTC/USDT")
    assert fill["amount"] == 0.002


# ---- futures -------------------------------------------------------------------------------


async def test_futures_orders_positions_and_leverage(bitget: Any, sim: Simulator) -> None:
    await bitget.set_leverage(5, PERP)
    (lev,) = sent(sim, "/api/v2/mix/account/set-leverage")
    assert lev == {
        "symbol": "BTCUSDT",
        "leverage": "5",
        "marginCoin": "USDT",
        "productType": "USDT-FUTURES",
    }
    order = await bitget.create_order(
        PERP, "market", "buy", 0.01, None, {"clientOrderId": "perp-1"}
    )
    (placed,) = sent(sim, "/api/v2/mix/order/place-order")
    assert placed["marginMode"] == "crossed" and placed["marginCoin"] == "USDT"
    assert placed["productType"] == "USDT-FUTURES" and placed["size"] == "0.01"
    detail = await bitget.fetch_order(order["id"], PERP)
    assert (detail["status"], detail["filled"], detail["clientOrderId"]) == (
        "closed",
        0.01,
        "perp-1",
    )
    assert detail["info"]["posMode"] == "one_way_mode" and detail["info"]["leverage"] == "5"
    (position,) = await bitget.fetch_positions([PERP])
    assert (position["side"], position["contracts"], position["leverage"]) == ("long", 0.01, 5)
    assert position["hedged"] is False and position["marginMode"] == "cross"
    sim.set_price(PERP, D("55000"))
    (moved,) = await bitget.fetch_positions()
    assert moved["unrealizedPnl"] == pytest.approx((55000 - moved["entryPrice"]) * 0.01)
    balance = await bitget.fetch_balance({"type": "swap"})
    assert balance["USDT"]["total"] > 10000
    await bitget.create_order(PERP, "market", "sell", 0.01, None, {"reduceOnly": True})
    assert sent(sim, "/api/v2/mix/order/place-order")[-1]["reduceOnly"] == "YES"
    assert await bitget.fetch_positions() == []
    fills = await bitget.fetch_my_trades(PERP)
    assert [t["side"] for t in fills] == ["buy", "sell"]
    assert fills[1]["info"]["profit"] != "0"


async def test_futures_plan_orders(bitget: Any, sim: Simulator) -> None:
    plan = await bitget.create_order(
        PERP, "market", "buy", 0.01, None, {"triggerPrice": 51000, "clientOrderId": "plan-1"}
    )
    (placed,) = sent(sim, "/api/v2/mix/order/place-plan-order")
    # ccxt's own "51000" is overwritten by the caller's param, which it sends as given
    assert (placed["planType"], placed["triggerPrice"], placed["triggerType"]) == (
        "normal_plan",
        51000,
        "mark_price",
    )
    (listed,) = await bitget.fetch_open_orders(PERP, None, None, {"trigger": True})
    assert listed["id"] == plan["id"] and listed["clientOrderId"] == "plan-1"
    with pytest.raises(ccxt.OrderNotFound, match="40109"):
        await bitget.fetch_order(plan["id"], PERP)
    sim.set_price(PERP, D("51000"))
    history = await bitget.fetch_canceled_and_closed_orders(
        PERP, None, None, {"trigger": True, "clientOid": "plan-1"}
    )
    assert [o["status"] for o in history] == ["closed"]
    sub = await bitget.privateMixGetV2MixOrderPlanSubOrder(
        {"planOrderId": plan["id"], "productType": "USDT-FUTURES", "planType": "normal_plan"}
    )
    child = await bitget.fetch_order(sub["data"][0]["orderId"], PERP)
    assert child["filled"] == 0.01 and child["status"] == "closed"

    other = await bitget.create_order(PERP, "limit", "sell", 0.01, 60000, {"triggerPrice": 59000})
    cancelled = await bitget.cancel_order(other["id"], PERP, {"trigger": True})
    assert cancelled["id"] == other["id"]
    again = await bitget.cancel_order(other["id"], PERP, {"trigger": True})
    assert again["id"] is None  # listed in failureList
