"""ccxt's ``gate`` class end to end against the simulator: USDT-settled perpetual futures."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Account, Instrument, Operation, Simulator

ccxt = pytest.importorskip("ccxt.async_support")
pytestmark = pytest.mark.asyncio

D = Decimal
PERP = "BTC/USDT:USDT"
KEY, SECRET = "gate-key", "gate-secret"
NARROW = {
    "fetchMarkets": {"types": ["spot", "swap"]},
    "swap": {"fetchMarkets": {"settlementCurrencies": ["usdt"]}},
}


def dec(value: Any) -> Decimal:
    return Decimal(repr(value))


def last_body(sim: Simulator, operation: str = Operation.CREATE_ORDER) -> dict[str, Any]:
    request = [r for r in sim.requests if r.operation == operation][-1]
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


async def test_ticker_and_book_count_contracts(sim: Simulator, gate: Any) -> None:
    ticker = await gate.fetch_ticker(PERP)
    assert sim.requests[-1].path == "/api/v4/futures/usdt/tickers"
    assert sim.requests[-1].query == {"contract": "BTC_USDT"}
    assert (dec(ticker["bid"]), dec(ticker["ask"])) == (D(50000), D("50000.1"))
    assert dec(ticker["markPrice"]) == D(50000)
    book = await gate.fetch_order_book(PERP, 10)
    url = "https://api.gateio.ws/api/v4/futures/usdt/order_book?contract=BTC_USDT&limit=2"
    async with sim.client_session().get(url) as response:
        raw = json.loads(await response.read())
    assert isinstance(raw["current"], float) and "id" not in raw
    ask = raw["asks"][0]
    assert isinstance(ask["s"], int) and ask["p"] == "50000.1"  # sizes in contracts
    level = sim.engine.book(PERP, 1).asks[0]
    assert ask["s"] == int(level[1] / D("0.001"))
    assert book["asks"][0] == [50000.1, ask["s"]]  # ccxt leaves book sizes in contracts


async def test_market_order_position_and_leverage(
    sim: Simulator, gate: Any, account: Account
) -> None:
    leverage = await gate.set_leverage(10, PERP)
    request = sim.requests[-1]
    assert request.path == "/api/v4/futures/usdt/positions/BTC_USDT/leverage"
    assert request.query == {"leverage": "10"} and request.body == ""
    assert leverage["leverage"] == "10" and leverage["size"] == 0
    assert sim.engine.get_leverage(account, PERP) == 10
    order = await gate.create_order(PERP, "market", "buy", 10, None, {"clientOrderId": "o-1"})
    assert last_body(sim) == {
        "contract": "BTC_USDT", "size": 10, "price": "0", "tif": "ioc", "text": "t-o-1",
    }
    assert order["status"] == "closed" and order["filled"] == 10 and order["type"] == "market"
    assert order["info"]["finish_as"] == "filled" and order["info"]["fill_price"] == "50000.1"
    assert order["clientOrderId"] == "t-o-1"
    sim.set_price(PERP, D(51000))
    (position,) = await gate.fetch_positions([PERP])
    assert position["side"] == "long" and position["contracts"] == 10
    assert dec(position["contractSize"]) == D("0.001")
    assert dec(position["entryPrice"]) == D("50000.1")
    assert dec(position["unrealizedPnl"]) == D("9.999")  # 10 x 0.001 x (51000 - 50000.1)
    assert position["leverage"] == 10 and position["marginMode"] == "isolated"
    balance = await gate.fetch_balance({"type": "swap"})
    assert sim.requests[-1].path == "/api/v4/futures/usdt/accounts"
    fee = D("500.001") * D("0.0005")
    assert dec(balance["USDT"]["total"]) == D(10000) - fee  # excludes unrealised pnl
    assert dec(balance["USDT"]["free"]) == D(10000) - fee + D("9.999") - D(51)
    close = await gate.create_order(PERP, "market", "sell", 10, None, {"reduceOnly": True})
    assert last_body(sim)["size"] == -10 and last_body(sim)["reduce_only"] is True
    assert close["side"] == "sell" and close["reduceOnly"] is True
    assert await gate.fetch_positions([PERP]) == []
    trades = await gate.fetch_my_trades(PERP)
    assert sim.requests[-1].path == "/api/v4/futures/usdt/my_trades_timerange"
    assert [(t["side"], t["amount"]) for t in trades] == [("buy", 10.0), ("sell", 10.0)]
    assert trades[1]["info"]["close_size"] == -10 and trades[1]["info"]["size"] == -10
    assert trades[0]["fee"]["currency"] == "USDT" and dec(trades[0]["fee"]["cost"]) == fee


async def test_limit_sell_rests_with_negative_size_then_cancels(
    sim: Simulator, gate: Any
) -> None:
    order = await gate.create_order(PERP, "limit", "sell", 5, 52000, {"clientOrderId": "t-s"})
    assert last_body(sim)["size"] == -5 and "tif" not in last_body(sim)
    assert order["info"]["tif"] == "gtc"  # Gate's default
    assert order["info"]["left"] == -5 and order["remaining"] == 5 and order["side"] == "sell"
    (listed,) = await gate.fetch_open_orders(PERP)
    assert sim.requests[-1].query == {"contract": "BTC_USDT", "status": "open"}
    assert listed["id"] == order["id"]
    by_text = await gate.fetch_order(None, PERP, {"clientOrderId": "t-s"})
    assert sim.requests[-1].path == "/api/v4/futures/usdt/orders/t-s"
    assert by_text["id"] == order["id"]
    cancelled = await gate.cancel_order("t-s", PERP)
    assert cancelled["info"]["finish_as"] == "cancelled" and cancelled["status"] == "canceled"
    with pytest.raises(ccxt.ExchangeError, match="ORDER_FINISHED"):
        await gate.cancel_order(order["id"], PERP)
    (finished,) = await gate.fetch_closed_orders(PERP)
    assert finished["id"] == order["id"]


async def test_text_finds_a_finished_futures_order_for_60_seconds(
    sim: Simulator, gate: Any, account: Account
) -> None:
    order = await gate.create_order(PERP, "market", "buy", 4, None, {"clientOrderId": "t-60"})
    found = await gate.fetch_order(None, PERP, {"clientOrderId": "t-60"})
    assert found["id"] == order["id"] and found["status"] == "closed"
    account.orders[int(order["id"])].updated_ms -= 61_000
    with pytest.raises(ccxt.OrderNotFound):
        await gate.fetch_order(None, PERP, {"clientOrderId": "t-60"})
    assert (await gate.fetch_order(order["id"], PERP))["id"] == order["id"]


async def test_price_order_fires_a_new_order(sim: Simulator, gate: Any, account: Account) -> None:
    created = await gate.create_order(
        PERP, "market", "buy", 4, None, {"triggerPrice": 52000, "clientOrderId": "t-st"}
    )
    assert last_body(sim) == {
        "initial": {"contract": "BTC_USDT", "size": 4, "price": "0", "tif": "ioc",
                    "text": "t-st"},
        "trigger": {"price_type": 0, "price": "52000", "rule": 1},
    }
    assert sim.requests[-1].headers["X-Gate-Size-Decimal"] == "1"
    assert sim.requests[-1].path == "/api/v4/futures/usdt/price_orders"
    assert created["info"] == {"id": int(created["id"])}
    pending = await gate.fetch_order(created["id"], PERP, {"trigger": True})
    assert pending["status"] == "open" and pending["clientOrderId"] == "t-st"
    assert pending["type"] == "market" and dec(pending["triggerPrice"]) == D(52000)
    assert "finish_as" not in pending["info"] and pending["info"]["trade_id"] == 0
    assert await gate.fetch_open_orders(PERP) == []
    (listed,) = await gate.fetch_open_orders(PERP, None, None, {"trigger": True})
    assert listed["id"] == created["id"]
    sim.set_price(PERP, D(52500))
    fired = await gate.fetch_order(created["id"], PERP, {"trigger": True})
    assert fired["info"]["finish_as"] == "succeeded" and fired["status"] == "closed"
    child = await gate.fetch_order(str(fired["info"]["trade_id"]), PERP)
    assert child["filled"] == 4 and dec(child["average"]) == D("52500.1")
    assert child["clientOrderId"] == "t-st"
    (position,) = await gate.fetch_positions()
    assert position["contracts"] == 4


async def test_price_order_rules_and_cancel(sim: Simulator, gate: Any) -> None:
    with pytest.raises(ccxt.InvalidOrder, match="AUTO_TRIGGER_PRICE_GREATE_LAST"):
        await gate.create_order(PERP, "market", "buy", 4, None, {"triggerPrice": 49000})
    stop = await gate.create_order(PERP, "limit", "sell", 4, 47900, {"triggerPrice": 48000})
    assert last_body(sim)["trigger"]["rule"] == 2 and last_body(sim)["initial"]["size"] == -4
    cancelled = await gate.cancel_order(stop["id"], PERP, {"trigger": True})
    assert cancelled["info"]["finish_as"] == "cancelled" and cancelled["status"] == "canceled"
    with pytest.raises(ccxt.OrderNotFound):
        await gate.cancel_order(stop["id"], PERP, {"trigger": True})


async def test_close_order_and_size_rules(sim: Simulator, gate: Any) -> None:
    with pytest.raises(ccxt.InvalidOrder, match="POSITION_EMPTY"):
        await gate.create_order(PERP, "market", "sell", 0, None, {"close": True})
    await gate.create_order(PERP, "market", "buy", 6)
    closed = await gate.create_order(PERP, "market", "sell", 0, None, {"close": True})
    assert last_body(sim)["size"] == 0 and last_body(sim)["close"] is True
    assert closed["info"]["is_close"] is True and closed["info"]["size"] == 0
    assert await gate.fetch_positions() == []
    await gate.create_order(PERP, "market", "buy", 1)  # 50 USDT: no minimum order value
    with pytest.raises(ccxt.BadRequest, match="invalid argument: size"):
        await gate.private_futures_post_settle_orders(
            {"settle": "usdt", "contract": "BTC_USDT", "size": 0, "price": "0", "tif": "ioc"}
        )
    with pytest.raises(ccxt.InvalidOrder, match="SIZE_TOO_LARGE"):
        await gate.create_order(PERP, "limit", "buy", 1000001, 50000)
    with pytest.raises(ccxt.InvalidOrder, match="PRICE_TOO_DEVIATED"):
        await gate.private_futures_post_settle_orders(
            {"settle": "usdt", "contract": "BTC_USDT", "size": 4, "price": "20000"}
        )
    with pytest.raises(ccxt.OrderImmediatelyFillable, match="ORDER_POC_IMMEDIATE"):
        await gate.create_order(PERP, "limit", "buy", 4, 50100, {"postOnly": True})
    with pytest.raises(ccxt.InvalidOrder, match="INCREASE_POSITION"):  # long 1: buying adds
        await gate.create_order(PERP, "market", "buy", 4, None, {"reduceOnly": True})


async def test_order_size_min_comes_from_the_instrument(make_exchange: Any) -> None:
    lots = Instrument(
        symbol="XRP/USDT:USDT", base="XRP", quote="USDT", settle="USDT", kind="swap",
        price_tick=D("0.0001"), amount_step=D(10), min_amount=D(50), max_amount=D(1000000),
        min_notional=D(5), start_price=D("0.5"),
    )
    async with Simulator(instruments=[lots]) as sim:
        sim.add_account("gate", api_key=KEY, secret=SECRET)
        gate = make_exchange("gate", api_key=KEY, secret=SECRET, options=NARROW,
                             session=sim.client_session())
        market = (await gate.load_markets())["XRP/USDT:USDT"]
        assert dec(market["contractSize"]) == D(10)
        assert market["limits"]["amount"]["min"] == 5.0  # 50 XRP
        with pytest.raises(ccxt.InvalidOrder, match="SIZE_TOO_SMALL"):
            await gate.create_order("XRP/USDT:USDT", "market", "buy", 4)
        order = await gate.create_order("XRP/USDT:USDT", "market", "buy", 5)
        assert order["filled"] == 5 and sim.engine.positions(
            sim.accounts.find("gate", "live", KEY)  # type: ignore[arg-type]
        )[0].amount == D(50)
