"""ccxt's ``bingx`` class end to end against the simulator: USDT-M perpetual swaps and VST."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Account, Operation, Simulator

ccxt = pytest.importorskip("ccxt.async_support")

D = Decimal
PERP = "BTC/USDT:USDT"
KEY, SECRET = "bx-key", "bx-secret"


def dec(value: Any) -> Decimal:
    return Decimal(repr(value))


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7) as simulator:
        simulator.add_account("bingx", api_key=KEY, secret=SECRET)
        simulator.add_account("bingx", api_key=KEY, secret=SECRET, environment="vst")
        yield simulator


@pytest.fixture
def account(sim: Simulator) -> Account:
    found = sim.accounts.find("bingx", "live", KEY)
    assert found is not None
    return found


def client(sim: Simulator, *, sandbox: bool = False) -> Any:
    exchange = ccxt.bingx(
        {
            "apiKey": KEY,
            "secret": SECRET,
            "session": sim.client_session(),
            "enableRateLimit": False,
            "timeout_on_exit": 0,
        }
    )
    if sandbox:
        exchange.set_sandbox_mode(True)
    return exchange


@pytest_asyncio.fixture
async def bingx(sim: Simulator) -> AsyncIterator[Any]:
    exchange = client(sim)
    await exchange.load_markets()
    yield exchange
    await exchange.close()


async def test_ticker_and_book_of_the_perpetual(sim: Simulator, bingx: Any) -> None:
    sim.set_price(PERP, D("43210.5"))
    ticker = await bingx.fetch_ticker(PERP)
    assert dec(ticker["last"]) == D("43210.5")
    assert dec(ticker["bid"]) == D("43210.5") and dec(ticker["ask"]) == D("43210.6")
    request = sim.requests[-1]
    assert request.path == "/openApi/swap/v2/quote/ticker" and request.query["symbol"] == "BTC-USDT"
    book = await bingx.fetch_order_book(PERP, 7)
    assert sim.requests[-1].query["limit"] == "10"  # ccxt rounds up to BingX's depths
    assert len(book["bids"]) == len(book["asks"]) == 10
    snap = sim.engine.book(PERP, 10)
    assert [(dec(p), dec(q)) for p, q in book["asks"]] == list(snap.asks)
    assert book["timestamp"] is not None


async def test_futures_balance_is_the_margin_account(sim: Simulator, bingx: Any) -> None:
    balance = await bingx.fetch_balance({"type": "swap"})
    assert sim.requests[-1].path == "/openApi/swap/v3/user/balance"
    assert balance["USDT"] == {"free": 10000.0, "used": 0.0, "total": 10000.0}
    await bingx.set_leverage(10, PERP, {"side": "BOTH"})
    await bingx.create_order(PERP, "market", "buy", 0.1)
    balance = await bingx.fetch_balance({"type": "swap"})
    row = balance["info"]["data"][0]
    assert row["asset"] == "USDT" and D(row["usedMargin"]) > 0
    assert D(row["availableMargin"]) + D(row["usedMargin"]) <= D(row["equity"]) + D("0.0001")


async def test_a_new_swap_order_answers_with_its_id_only(sim: Simulator, bingx: Any) -> None:
    order = await bingx.create_order(PERP, "limit", "buy", 0.01, 45000, {"clientOrderId": "Sw1"})
    query = sim.requests[-1].query
    assert query["positionSide"] == "BOTH" and query["clientOrderID"] == "Sw1"
    assert query["type"] == "LIMIT" and query["price"] == "45000"
    assert set(order["info"]) == {
        "symbol", "orderId", "side", "positionSide", "type", "clientOrderID", "workingType"
    }
    assert order["status"] is None and order["amount"] is None
    assert order["clientOrderId"] == "sw1"  # BingX lower-cases swap client order ids
    fetched = await bingx.fetch_order(order["id"], PERP)
    assert fetched["status"] == "open" and fetched["amount"] == 0.01 and fetched["price"] == 45000
    assert fetched["info"]["positionSide"] == "BOTH" and fetched["reduceOnly"] is False


async def test_swap_lookups_and_cancels_by_client_order_id(sim: Simulator, bingx: Any) -> None:
    order = await bingx.create_order(PERP, "limit", "sell", 0.02, 55000, {"clientOrderId": "c-9"})
    found = await bingx.fetch_order(None, PERP, {"clientOrderId": "C-9"})
    assert found["id"] == order["id"] and sim.requests[-1].query["orderId"] == "None"
    assert [o["id"] for o in await bingx.fetch_open_orders(PERP)] == [order["id"]]
    cancelled = await bingx.cancel_order(None, PERP, {"clientOrderId": "c-9"})
    cancel = sim.requests[-1]
    assert cancel.method == "DELETE" and cancel.query["clientOrderID"] == "c-9"
    assert cancelled["status"] == "canceled" and cancelled["info"]["status"] == "CANCELLED"
    assert await bingx.fetch_open_orders(PERP) == []


async def test_positions_leverage_and_fills(
    sim: Simulator, account: Account, bingx: Any
) -> None:
    with pytest.raises(ccxt.ArgumentsRequired):
        await bingx.set_leverage(5, PERP)  # ccxt needs the side
    await bingx.set_leverage(5, PERP, {"side": "BOTH"})
    assert account.leverage["BTC/USDT:USDT"] == 5
    order = await bingx.create_order(PERP, "market", "buy", 0.02)
    (position,) = await bingx.fetch_positions()
    assert position["symbol"] == PERP and position["side"] == "long"
    assert position["contracts"] == 0.02 and position["leverage"] == 5
    assert dec(position["entryPrice"]) == D("50000.1")
    assert position["marginMode"] == "cross"
    sim.set_price(PERP, D("51000"))
    (moved,) = await bingx.fetch_positions([PERP])
    assert dec(moved["unrealizedPnl"]) > 0
    fills = await bingx.fetch_my_trades(PERP)
    fill_query = sim.requests[-1].query
    assert fill_query["tradingUnit"] == "CONT" and "startTs" in fill_query and "endTs" in fill_query
    (fill,) = fills
    assert fill["order"] == order["id"] and fill["side"] == "buy"
    assert dec(fill["amount"]) == D("0.02") and dec(fill["price"]) == D("50000.1")
    assert fill["fee"]["currency"] == "USDT" and dec(fill["fee"]["cost"]) == D("0.500001")
    await bingx.create_order(PERP, "market", "sell", 0.02, None, {"reduceOnly": True})
    assert sim.requests[-1].query["reduceOnly"] == "true"
    assert await bingx.fetch_positions() == []


async def test_swap_trigger_orders(sim: Simulator, bingx: Any) -> None:
    stop = await bingx.create_order(PERP, "market", "buy", 0.01, None, {"triggerPrice": 52000})
    assert sim.requests[-1].query["type"] == "TRIGGER_MARKET"
    limit = await bingx.create_order(
        PERP, "limit", "sell", 0.01, 47500, {"triggerPrice": 48000}
    )
    assert sim.requests[-1].query["type"] == "TRIGGER_LIMIT"
    pending = await bingx.fetch_order(stop["id"], PERP)
    assert pending["status"] == "open" and pending["triggerPrice"] == 52000
    assert pending["info"]["status"] == "NEW"
    sim.set_price(PERP, D("52100"))
    done = await bingx.fetch_order(stop["id"], PERP)
    assert done["status"] == "closed" and done["filled"] == 0.01 and done["type"] == "market"
    assert (await bingx.fetch_order(limit["id"], PERP))["status"] == "open"


async def test_vst_serves_swaps_only(sim: Simulator) -> None:
    exchange = client(sim, sandbox=True)
    try:
        markets = await exchange.load_markets()
        assert set(markets) == {"BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT"}
        order = await exchange.create_order(PERP, "market", "buy", 0.01)
        assert (await exchange.fetch_order(order["id"], PERP))["status"] == "closed"
        with pytest.raises(ccxt.ExchangeError):
            await exchange.spotV1PrivateGetAccountBalance()
    finally:
        await exchange.close()
    assert {r.host for r in sim.requests} == {"open-api-vst.bingx.com"}
    assert sim.requests[-1].status == 404 and sim.requests[-1].operation == Operation.UNKNOWN
    vst = sim.accounts.find("bingx", "vst", KEY)
    assert vst is not None and len(vst.orders) == 1
