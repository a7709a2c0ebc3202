"""ccxt's ``binance`` class end to end against the simulator (spot)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from exchlayer.testing.simulator import Account, Operation, Simulator

ccxt = pytest.importorskip("ccxt.async_support")
MakeExchange = Any

pytestmark = pytest.mark.asyncio

D = Decimal
BTC = "BTC/USDT"


def dec(value: Any) -> Decimal:
    """ccxt hands floats over: convert through the shortest repr."""
    return Decimal(repr(value))


async def test_load_markets_with_keys_and_default_options(
    sim: Simulator, make_exchange: MakeExchange
) -> None:
    ex = make_exchange("binance", reduced=False)
    markets = await ex.load_markets()
    paths = sorted(f"{r.host}{r.path}" for r in sim.requests)
    assert paths == [
        "api.binance.com/api/v3/exchangeInfo",
        "api.binance.com/sapi/v1/capital/config/getall",
        "api.binance.com/sapi/v1/margin/allPairs",
        "api.binance.com/sapi/v1/margin/allPairs",
        "api.binance.com/sapi/v1/margin/isolated/allPairs",
        "dapi.binance.com/dapi/v1/exchangeInfo",
        "fapi.binance.com/fapi/v1/exchangeInfo",
    ]
    assert all(r.status == 200 for r in sim.requests)
    assert set(markets) == {
        "BTC/USDT",
        "ETH/USDT",
        "SOL/USDT",
        "BTC/USDT:USDT",
        "ETH/USDT:USDT",
        "SOL/USDT:USDT",
    }
    btc = markets[BTC]
    assert btc["active"] and btc["spot"] and btc["margin"]
    assert dec(btc["precision"]["price"]) == D("0.01")
    assert dec(btc["precision"]["amount"]) == D("0.00001")
    assert dec(btc["limits"]["amount"]["min"]) == D("0.00001")
    assert dec(btc["limits"]["amount"]["max"]) == D(9000)
    assert dec(btc["limits"]["cost"]["min"]) == D(5)
    assert btc["marginModes"] == {"cross": True, "isolated": True}
    perp = markets["BTC/USDT:USDT"]
    assert perp["swap"] and perp["linear"] and perp["settle"] == "USDT"
    assert dec(perp["precision"]["price"]) == D("0.1")
    assert dec(perp["precision"]["amount"]) == D("0.001")
    assert dec(perp["limits"]["cost"]["min"]) == D(100)
    sol = markets["SOL/USDT:USDT"]
    assert dec(sol["precision"]["amount"]) == 1 and dec(sol["limits"]["amount"]["min"]) == 1
    assert "BTC" in ex.currencies and ex.currencies["BTC"]["active"]


async def test_load_markets_reduced_options_and_without_keys(
    sim: Simulator, make_exchange: MakeExchange
) -> None:
    await make_exchange("binance").load_markets()
    assert sorted(r.path for r in sim.requests) == ["/api/v3/exchangeInfo", "/fapi/v1/exchangeInfo"]
    sim.clear_requests()
    await make_exchange("binance", api_key=None, secret=None, reduced=False).load_markets()
    assert sorted(r.path for r in sim.requests) == [
        "/api/v3/exchangeInfo",
        "/dapi/v1/exchangeInfo",
        "/fapi/v1/exchangeInfo",
    ]
    assert not any(r.is_private for r in sim.requests)


async def test_fetch_time_ticker_and_book_follow_the_engine(sim: Simulator, spot: Any) -> None:
    assert abs(await spot.fetch_time() - sim.engine.now_ms()) < 5_000
    ticker = await spot.fetch_ticker(BTC)
    assert dec(ticker["last"]) == D(50000)
    assert dec(ticker["bid"]) == D(50000) and dec(ticker["ask"]) == D("50000.01")
    sim.set_price(BTC, D("51234.56"))
    ticker = await spot.fetch_ticker(BTC)
    assert dec(ticker["last"]) == D("51234.56")
    assert dec(ticker["high"]) == D("51234.56") and dec(ticker["open"]) == D(50000)
    assert dec(ticker["bid"]) == D("51234.56")
    assert dec(ticker["baseVolume"]) > 0
    for limit in (5, 100, 1000):
        book = await spot.fetch_order_book(BTC, limit)
        assert len(book["bids"]) == len(book["asks"]) == limit
    snap = sim.engine.book(BTC, 1000)
    assert [(dec(p), dec(q)) for p, q in book["bids"][:10]] == list(snap.bids[:10])
    assert [(dec(p), dec(q)) for p, q in book["asks"][-3:]] == list(snap.asks[997:1000])
    assert book["nonce"] == snap.update_id


async def test_balances_reflect_the_account(account: Account, spot: Any) -> None:
    balance = await spot.fetch_balance()
    assert balance["USDT"] == {"free": 10000.0, "used": 0.0, "total": 10000.0}
    assert balance["BTC"]["total"] == 1.0
    account.deposit("ETH", D("2.5"))
    assert (await spot.fetch_balance())["ETH"]["free"] == 2.5


async def test_limit_order_lifecycle_with_client_order_id(sim: Simulator, spot: Any) -> None:
    order = await spot.create_order(BTC, "limit", "buy", 0.01, 49000, {"clientOrderId": "my-1"})
    assert order["status"] == "open" and order["clientOrderId"] == "my-1"
    assert order["price"] == 49000 and order["amount"] == 0.01 and order["filled"] == 0
    (create,) = [r for r in sim.requests if r.operation == Operation.CREATE_ORDER]
    assert "newClientOrderId=my-1" in create.body
    by_id = await spot.fetch_order(order["id"], BTC)
    assert by_id["clientOrderId"] == "my-1" and by_id["status"] == "open"
    by_client = await spot.fetch_order(None, BTC, {"clientOrderId": "my-1"})
    assert by_client["id"] == order["id"]
    assert [o["id"] for o in await spot.fetch_open_orders(BTC)] == [order["id"]]
    balance = await spot.fetch_balance()
    assert balance["USDT"]["used"] == 490.0 and balance["USDT"]["free"] == 9510.0
    cancelled = await spot.cancel_order(order["id"], BTC)
    assert cancelled["status"] == "canceled"
    assert cancelled["info"]["origClientOrderId"] == "my-1"
    assert await spot.fetch_open_orders(BTC) == []
    assert (await spot.fetch_order(order["id"], BTC))["status"] == "canceled"
    balance = await spot.fetch_balance()
    assert balance["USDT"] == {"free": 10000.0, "used": 0.0, "total": 10000.0}


async def test_market_order_fills_with_trade_and_fee(
    sim: Simulator, account: Account, spot: Any
) -> None:
    order = await spot.create_order(BTC, "market", "buy", 0.01, None, {"clientOrderId": "m-1"})
    assert order["status"] == "closed" and order["filled"] == 0.01
    assert dec(order["average"]) == D("50000.01")
    assert order["fee"] == {"currency": "BTC", "cost": 0.00001}
    (fill,) = order["trades"]
    assert dec(fill["price"]) == D("50000.01")
    trades = await spot.fetch_my_trades(BTC)
    assert len(trades) == 1
    trade = trades[0]
    assert trade["order"] == order["id"] and trade["side"] == "buy"
    assert trade["takerOrMaker"] == "taker" and trade["fee"]["currency"] == "BTC"
    assert dec(trade["fee"]["cost"]) == D("0.00001")
    assert account.balance("USDT").free == D(10000) - D("500.0001")
    assert account.balance("BTC").free == D(1) + D("0.01") - D("0.00001")


async def test_market_buy_by_cost_sends_quote_order_qty(sim: Simulator, spot: Any) -> None:
    order = await spot.create_market_buy_order_with_cost(BTC, 100)
    (create,) = [r for r in sim.requests if r.operation == Operation.CREATE_ORDER]
    assert "quoteOrderQty=100" in create.body and "quantity" not in create.body
    assert order["status"] == "closed"
    assert dec(order["filled"]) == D("0.00199")
    assert 0 < order["cost"] <= 100


async def test_large_order_fills_partially_and_rests(
    sim: Simulator, account: Account, spot: Any
) -> None:
    account.deposit("USDT", D(1_000_000))
    asks = sim.engine.book(BTC, 3).asks
    crossing = sum(size for _, size in asks)
    limit = float(asks[2][0])
    order = await spot.create_order(BTC, "limit", "buy", float(crossing + 2), limit)
    assert order["status"] == "open"
    assert dec(order["filled"]) == crossing
    assert dec(order["remaining"]) == D(2)
    assert len(order["trades"]) == 3
    fetched = await spot.fetch_order(order["id"], BTC)
    assert fetched["info"]["status"] == "PARTIALLY_FILLED"


async def test_resting_limit_fills_after_price_crosses(sim: Simulator, spot: Any) -> None:
    order = await spot.create_order(BTC, "limit", "sell", 0.2, 50500)
    assert (await spot.fetch_order(order["id"], BTC))["status"] == "open"
    sim.set_price(BTC, D(50600))
    filled = await spot.fetch_order(order["id"], BTC)
    assert filled["status"] == "closed" and filled["filled"] == 0.2
    (trade,) = await spot.fetch_my_trades(BTC)
    assert trade["takerOrMaker"] == "maker" and trade["price"] == 50500
    assert trade["fee"]["currency"] == "USDT" and dec(trade["fee"]["cost"]) == D("10.1")


async def test_stop_loss_and_stop_limit_trigger(sim: Simulator, spot: Any) -> None:
    stop = await spot.create_order(BTC, "market", "sell", 0.1, None, {"triggerPrice": 49000})
    assert stop["status"] == "open" and stop["triggerPrice"] == 49000
    assert stop["info"]["type"] == "STOP_LOSS"
    stop_limit = await spot.create_order(BTC, "limit", "sell", 0.1, 48000, {"triggerPrice": 48500})
    assert stop_limit["info"]["type"] == "STOP_LOSS_LIMIT"
    assert (await spot.fetch_balance())["BTC"]["used"] == 0.2
    sim.set_price(BTC, D(48900))
    fetched = await spot.fetch_order(stop["id"], BTC)
    assert fetched["status"] == "closed" and fetched["filled"] == 0.1
    assert (await spot.fetch_order(stop_limit["id"], BTC))["status"] == "open"
    sim.set_price(BTC, D(48400))
    fetched = await spot.fetch_order(stop_limit["id"], BTC)
    assert fetched["status"] == "closed" and fetched["price"] == 48000
    assert len(await spot.fetch_my_trades(BTC)) >= 2
    assert (await spot.fetch_balance())["BTC"]["total"] == pytest.approx(0.8)


async def test_binance_us_is_its_own_environment(
    sim: Simulator, make_exchange: MakeExchange
) -> None:
    sim.add_account("binance", api_key="us-key", secret="us-secret", environment="binanceus")
    us = make_exchange("binanceus", api_key="us-key", secret="us-secret", reduced=False)
    balance = await us.fetch_balance()
    assert balance["USDT"]["free"] == 10000.0
    assert {r.host for r in sim.requests} == {"api.binance.us"}
    assert all(r.environment == "binanceus" for r in sim.requests)
    live_key_on_us = make_exchange("binanceus", reduced=False)
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        await live_key_on_us.fetch_balance()
