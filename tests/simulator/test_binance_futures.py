"""ccxt's ``binanceusdm`` class end to end against the simulator (USDⓈ-M perpetuals)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from exchlayer.testing.simulator import Account, Operation, Simulator

pytestmark = pytest.mark.asyncio
ccxt = pytest.importorskip("ccxt.async_support")

D = Decimal
PERP = "BTC/USDT:USDT"


def dec(value: Any) -> Decimal:
    return Decimal(repr(value))


async def test_ticker_book_and_balance(sim: Simulator, usdm: Any) -> None:
    ticker = await usdm.fetch_ticker(PERP)
    assert dec(ticker["last"]) == D(50000)
    assert ticker["bid"] is None  # fapi's 24hr ticker has no bid/ask, as on Binance
    book = await usdm.fetch_order_book(PERP, 50)
    assert len(book["bids"]) == 50
    assert dec(book["asks"][0][0]) == D("50000.1")
    balance = await usdm.fetch_balance()
    assert balance["USDT"] == {"free": 10000.0, "used": 0.0, "total": 10000.0}
    paths = [r.path for r in sim.requests if r.operation == Operation.BALANCE]
    assert paths == ["/fapi/v3/account"]


async def test_open_position_then_close_with_reduce_only(
    sim: Simulator, account: Account, usdm: Any
) -> None:
    assert (await usdm.set_leverage(10, PERP))["leverage"] == 10
    assert sim.engine.get_leverage(account, PERP) == 10
    leverages = await usdm.fetch_leverages([PERP])
    assert leverages[PERP]["longLeverage"] == 10
    order = await usdm.create_order(PERP, "market", "buy", 0.1, None, {"clientOrderId": "open-1"})
    assert order["status"] == "closed" and order["filled"] == 0.1
    assert order["clientOrderId"] == "open-1" and dec(order["average"]) == D("50000.1")
    sim.set_price(PERP, D(51000))
    (position,) = await usdm.fetch_positions([PERP])
    assert position["side"] == "long" and position["contracts"] == 0.1
    assert dec(position["entryPrice"]) == D("50000.1")
    assert dec(position["markPrice"]) == D(51000)
    assert dec(position["unrealizedPnl"]) == D("99.99")
    assert position["initialMarginPercentage"] == 0.1  # 1 / leverage
    assert position["leverage"] is None  # positionRisk v3 has no leverage field (real Binance)
    calls = [r.path for r in sim.requests if r.is_private]
    assert calls[-1] == "/fapi/v3/positionRisk"
    assert calls.count("/fapi/v1/leverageBracket") == 1  # ccxt caches the brackets
    balance = await usdm.fetch_balance()
    fee_open = D("5000.01") * D("0.0005")
    assert dec(balance["USDT"]["total"]) == D(10000) - fee_open + D("99.99")
    assert dec(balance["USDT"]["used"]) == D(510)
    close = await usdm.create_order(PERP, "market", "sell", 0.1, None, {"reduceOnly": True})
    assert close["status"] == "closed" and close["reduceOnly"] is True
    assert await usdm.fetch_positions([PERP]) == []
    trades = await usdm.fetch_my_trades(PERP)
    assert [t["side"] for t in trades] == ["buy", "sell"]
    realized = D(trades[1]["info"]["realizedPnl"])
    assert realized == D("99.99")
    assert account.wallet("USDT") == D(10000) - fee_open + realized - D(5100) * D("0.0005")
    with pytest.raises(ccxt.InvalidOrder, match="-2022"):
        await usdm.create_order(PERP, "market", "sell", 0.1, None, {"reduceOnly": True})


async def test_limit_order_lifecycle_and_open_orders_without_symbol(
    sim: Simulator, usdm: Any
) -> None:
    order = await usdm.create_order(PERP, "limit", "buy", 0.01, 49000, {"clientOrderId": "fl-1"})
    assert order["status"] == "open" and order["price"] == 49000
    assert (await usdm.fetch_order(None, PERP, {"clientOrderId": "fl-1"}))["id"] == order["id"]
    usdm.options["warnOnFetchOpenOrdersWithoutSymbol"] = False
    open_orders = await usdm.fetch_open_orders()
    assert [o["id"] for o in open_orders] == [order["id"]]
    open_call = [r for r in sim.requests if r.operation == Operation.OPEN_ORDERS][-1]
    assert "symbol" not in open_call.query
    balance = await usdm.fetch_balance()
    assert dec(balance["USDT"]["used"]) == D(49000) * D("0.01") / 20  # default leverage 20
    cancelled = await usdm.cancel_order(order["id"], PERP)
    assert cancelled["status"] == "canceled"
    assert await usdm.fetch_open_orders(PERP) == []
    sim.set_price(PERP, D(48000))
    assert (await usdm.fetch_order(order["id"], PERP))["filled"] == 0


async def test_stop_market_algo_order_triggers(sim: Simulator, usdm: Any) -> None:
    await usdm.create_order(PERP, "market", "buy", 0.1)
    stop = await usdm.create_order(
        PERP, "market", "sell", 0.1, None, {"triggerPrice": 49500, "reduceOnly": True}
    )
    (create,) = [r for r in sim.requests if r.path == "/fapi/v1/algoOrder"]
    assert "algoType=CONDITIONAL" in create.body and "type=STOP_MARKET" in create.body
    assert stop["status"] == "open" and stop["triggerPrice"] == 49500
    pending = await usdm.fetch_open_orders(PERP, params={"trigger": True})
    assert [o["id"] for o in pending] == [stop["id"]]
    assert await usdm.fetch_open_orders(PERP) == []  # algo orders live apart
    sim.set_price(PERP, D(49400))
    fetched = await usdm.fetch_order(stop["id"], PERP, {"trigger": True})
    assert fetched["status"] == "closed" and fetched["info"]["algoStatus"] == "FINISHED"
    child = await usdm.fetch_order(fetched["info"]["actualOrderId"], PERP)
    assert child["status"] == "closed" and child["filled"] == 0.1
    assert child["clientOrderId"] == stop["clientOrderId"]
    assert await usdm.fetch_positions([PERP]) == []


async def test_stop_limit_algo_order_triggers_and_cancel(sim: Simulator, usdm: Any) -> None:
    stop_limit = await usdm.create_order(PERP, "limit", "buy", 0.05, 52100, {"triggerPrice": 52000})
    assert stop_limit["info"]["orderType"] == "STOP"
    other = await usdm.create_order(PERP, "market", "buy", 0.05, None, {"triggerPrice": 55000})
    cancelled = await usdm.cancel_order(other["id"], PERP, {"trigger": True})
    assert cancelled["info"]["code"] == "200"
    assert (await usdm.fetch_order(other["id"], PERP, {"trigger": True}))["status"] == "canceled"
    sim.set_price(PERP, D(52050))
    fetched = await usdm.fetch_order(stop_limit["id"], PERP, {"trigger": True})
    assert fetched["info"]["algoStatus"] == "FINISHED"
    (position,) = await usdm.fetch_positions([PERP])
    assert position["contracts"] == 0.05
    assert dec(position["entryPrice"]) <= D(52100)


async def test_insufficient_margin_and_invalid_leverage(sim: Simulator, usdm: Any) -> None:
    with pytest.raises(ccxt.InsufficientFunds, match="-2019"):
        await usdm.create_order(PERP, "market", "buy", 5)  # 250k notional, 12.5k margin at 20x
    assert sim.count_requests(lambda r: r.operation == Operation.CREATE_ORDER) == 1
    with pytest.raises(ccxt.BadRequest, match="-4028"):
        await usdm.fapiPrivatePostLeverage({"symbol": "BTCUSDT", "leverage": 126})
    with pytest.raises(ccxt.BadRequest):  # ccxt checks 1..125 itself, before any request
        await usdm.set_leverage(0, PERP)


async def test_binance_class_routes_swap_symbols_to_fapi(sim: Simulator, spot: Any) -> None:
    order = await spot.create_order(PERP, "limit", "sell", 0.01, 51000)
    assert order["symbol"] == PERP and order["status"] == "open"
    create = [r for r in sim.requests if r.operation == Operation.CREATE_ORDER][-1]
    assert create.host == "fapi.binance.com" and create.path == "/fapi/v1/order"
    ticker = await spot.fetch_ticker(PERP)
    assert dec(ticker["last"]) == D(50000)
    positions = await spot.fetch_positions()
    assert positions == []  # an open order but no position: entryPrice 0 is filtered by ccxt
