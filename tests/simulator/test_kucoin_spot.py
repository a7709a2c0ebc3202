"""ccxt's ``kucoin`` class end to end against the simulator: market loading and HF spot."""

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
PERP = "BTC/USDT:USDT"
KEY, SECRET, PASSPHRASE = "kc-key", "kc-secret", "kc-pass"
#: What exchlayer's adapter asks ccxt's spot client for.
NARROW = {"uta": False, "hf": True, "fetchMarkets": {"types": ["spot"], "fetchTickersFees": False}}


def dec(value: Any) -> Decimal:
    """ccxt hands floats over: convert through the shortest repr."""
    return Decimal(repr(value))


def sent(sim: Simulator, operation: str = Operation.CREATE_ORDER) -> dict[str, Any]:
    request = [r for r in sim.requests if r.operation == operation][-1]
    return json.loads(request.body) if request.body else dict(request.query)


@pytest.fixture
def account(sim: Simulator) -> Account:
    return sim.add_account("kucoin", api_key=KEY, secret=SECRET, passphrase=PASSPHRASE)


@pytest_asyncio.fixture
async def kucoin(sim: Simulator, account: Account, make_exchange: Any) -> Any:
    exchange = make_exchange(
        "kucoin", api_key=KEY, secret=SECRET, password=PASSPHRASE, reduced=False, options=NARROW
    )
    await exchange.load_markets()
    sim.clear_requests()
    return exchange


async def test_load_markets_with_keys_and_default_options(
    sim: Simulator, account: Account, make_exchange: Any
) -> None:
    exchange = make_exchange(
        "kucoin", api_key=KEY, secret=SECRET, password=PASSPHRASE, reduced=False
    )
    markets = await exchange.load_markets()
    assert sorted(f"{r.host}{r.path}" for r in sim.requests) == [
        "api-futures.kucoin.com/api/v1/contracts/active",
        "api.kucoin.com/api/ua/v1/account/mode",
        "api.kucoin.com/api/v1/hf/accounts/opened",
        "api.kucoin.com/api/v1/isolated/symbols",
        "api.kucoin.com/api/v1/market/allTickers",
        "api.kucoin.com/api/v2/symbols",
        "api.kucoin.com/api/v3/currencies",
        "api.kucoin.com/api/v3/margin/symbols",
    ]
    assert all(r.status == 200 for r in sim.requests)
    assert exchange.options["uta"] is False  # selfAccountMode CLASSIC
    assert exchange.options["hf"] is True  # hf/accounts/opened -> data: true
    assert set(markets) == {
        "BTC/USDT", "ETH/USDT", "SOL/USDT", "BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT",
    }
    btc = markets[BTC]
    assert btc["id"] == "BTC-USDT" and btc["spot"] and btc["active"]
    assert btc["marginModes"] == {"cross": True, "isolated": True}
    assert dec(btc["precision"]["price"]) == D("0.01")
    assert dec(btc["precision"]["amount"]) == D("0.00001")
    assert dec(btc["limits"]["amount"]["min"]) == D("0.00001")
    assert dec(btc["limits"]["cost"]["min"]) == D(5)
    assert dec(btc["taker"]) == D("0.001")  # fee rates from the all-tickers answer
    perp = markets[PERP]
    assert perp["id"] == "XBTUSDTM" and perp["baseId"] == "XBT"  # KuCoin's name for BTC
    assert perp["swap"] and perp["linear"] and perp["settle"] == "USDT"
    assert dec(perp["contractSize"]) == D("0.001")
    assert dec(perp["precision"]["amount"]) == 1 and dec(perp["precision"]["price"]) == D("0.1")
    assert perp["limits"]["leverage"]["max"] == 125
    assert perp["limits"]["cost"]["min"] is None  # KuCoin perpetuals have no minimum value
    assert dec(markets["ETH/USDT:USDT"]["contractSize"]) == D("0.001")
    assert "BTC" in exchange.currencies and "USDT" in exchange.currencies


async def test_load_markets_without_keys_and_narrowed(
    sim: Simulator, account: Account, make_exchange: Any
) -> None:
    await make_exchange("kucoin", api_key=None, secret=None, reduced=False).load_markets()
    assert sorted(r.path for r in sim.requests) == [
        "/api/v1/contracts/active",
        "/api/v1/market/allTickers",
        "/api/v2/symbols",
        "/api/v3/currencies",
    ]
    assert not any(r.is_private for r in sim.requests)
    sim.clear_requests()
    narrowed = make_exchange(
        "kucoin", api_key=KEY, secret=SECRET, password=PASSPHRASE, reduced=False, options=NARROW
    )
    markets = await narrowed.load_markets()
    # uta=False skips account/mode, hf=True skips hf/accounts/opened; the margin lists stay
    assert sorted(r.path for r in sim.requests) == [
        "/api/v1/isolated/symbols",
        "/api/v2/symbols",
        "/api/v3/currencies",
        "/api/v3/margin/symbols",
    ]
    assert set(markets) == {"BTC/USDT", "ETH/USDT", "SOL/USDT"}


async def test_time_ticker_and_book_follow_the_engine(sim: Simulator, kucoin: Any) -> None:
    assert abs(await kucoin.fetch_time() - sim.engine.now_ms()) < 5_000
    ticker = await kucoin.fetch_ticker(BTC)
    assert dec(ticker["last"]) == D(50000)
    assert dec(ticker["bid"]) == D(50000) and dec(ticker["ask"]) == D("50000.01")
    sim.set_price(BTC, D("51234.56"))
    ticker = await kucoin.fetch_ticker(BTC)
    assert dec(ticker["last"]) == D("51234.56") and dec(ticker["high"]) == D("51234.56")
    assert dec(ticker["baseVolume"]) > 0 and dec(ticker["quoteVolume"]) > 0
    assert [r.path for r in sim.requests if r.operation == Operation.TICKER] == [
        "/api/v1/market/stats",
        "/api/v1/market/stats",
    ]
    for limit in (20, 100):
        book = await kucoin.fetch_order_book(BTC, limit)
        assert len(book["bids"]) == len(book["asks"]) == limit
    snap = sim.engine.book(BTC, 100)
    assert [(dec(p), dec(q)) for p, q in book["bids"][:5]] == list(snap.bids[:5])
    assert [(dec(p), dec(q)) for p, q in book["asks"][-2:]] == list(snap.asks[98:100])
    assert book["nonce"] == snap.update_id
    with pytest.raises(ccxt.ExchangeError, match="must be 20 or 100"):
        await kucoin.fetch_order_book(BTC, 50)  # ccxt refuses other depths itself
    full = await kucoin.fetch_order_book(BTC)  # with keys and no limit: the private full book
    assert len(full["bids"]) == sim.engine.BOOK_DEPTH
    assert sim.requests[-1].path == "/api/v3/market/orderbook/level2"
    assert sim.requests[-1].is_private


async def test_balance_is_the_hf_trading_account(
    account: Account, kucoin: Any, sim: Simulator
) -> None:
    balance = await kucoin.fetch_balance()
    assert balance["USDT"] == {"free": 10000.0, "used": 0.0, "total": 10000.0}
    assert balance["BTC"]["total"] == 1.0
    assert sent(sim, Operation.BALANCE) == {"type": "trade_hf"}
    account.deposit("ETH", D("2.5"))
    assert (await kucoin.fetch_balance())["ETH"]["free"] == 2.5
    assert (await kucoin.privateGetAccounts({"type": "main"}))["data"] == []


async def test_limit_order_life_cycle(sim: Simulator, kucoin: Any) -> None:
    order = await kucoin.create_order(BTC, "limit", "buy", 0.01, 49000, {"clientOrderId": "my-1"})
    # an HF placement answers with the ids only
    assert order["info"] == {"orderId": order["id"], "clientOid": "my-1"}
    assert len(order["id"]) == 24
    assert sent(sim) == {
        "clientOid": "my-1", "side": "buy", "symbol": "BTC-USDT", "type": "limit",
        "size": "0.01", "price": "49000",
    }
    assert sim.requests[-1].path == "/api/v1/hf/orders"
    by_id = await kucoin.fetch_order(order["id"], BTC)
    assert by_id["status"] == "open" and by_id["clientOrderId"] == "my-1"
    assert by_id["amount"] == 0.01 and by_id["price"] == 49000 and by_id["filled"] == 0
    assert sim.requests[-1].query == {"symbol": "BTC-USDT"}
    by_client = await kucoin.fetch_order(None, BTC, {"clientOrderId": "my-1"})
    assert by_client["id"] == order["id"]
    assert sim.requests[-1].path == "/api/v1/hf/orders/client-order/my-1"
    assert [o["id"] for o in await kucoin.fetch_open_orders(BTC)] == [order["id"]]
    with pytest.raises(ccxt.ArgumentsRequired):  # HF open orders need a symbol
        await kucoin.fetch_open_orders()
    balance = await kucoin.fetch_balance()
    # a resting buy holds its cost plus the taker fee (KuCoin charges spot fees in the quote)
    assert dec(balance["USDT"]["used"]) == D("490.49")
    cancelled = await kucoin.cancel_order(order["id"], BTC)
    assert cancelled["id"] == order["id"]
    fetched = await kucoin.fetch_order(order["id"], BTC)
    assert fetched["status"] == "canceled" and fetched["info"]["cancelExist"] is True
    assert await kucoin.fetch_open_orders(BTC) == []
    with pytest.raises(ccxt.OrderNotFound, match="order_not_exist_or_not_allow_to_cancel"):
        await kucoin.cancel_order(order["id"], BTC)
    assert (await kucoin.fetch_balance())["USDT"]["used"] == 0.0


async def test_cancel_by_client_order_id(sim: Simulator, kucoin: Any) -> None:
    order = await kucoin.create_order(BTC, "limit", "sell", 0.02, 52000, {"clientOrderId": "c-2"})
    cancelled = await kucoin.cancel_order(None, BTC, {"clientOrderId": "c-2"})
    assert cancelled["clientOrderId"] == "c-2"
    request = sim.requests[-1]
    assert (request.method, request.path) == ("DELETE", "/api/v1/hf/orders/client-order/c-2")
    assert (await kucoin.fetch_order(order["id"], BTC))["status"] == "canceled"


async def test_market_order_fills_with_a_quote_fee(
    sim: Simulator, account: Account, kucoin: Any
) -> None:
    order = await kucoin.create_order(BTC, "market", "buy", 0.01, None, {"clientOrderId": "m-1"})
    fetched = await kucoin.fetch_order(order["id"], BTC)
    assert fetched["status"] == "closed" and fetched["filled"] == 0.01
    assert dec(fetched["average"]) == D("50000.01")
    assert fetched["fee"] == {"currency": "USDT", "cost": 0.5000001}
    (trade,) = await kucoin.fetch_my_trades(BTC)
    assert trade["order"] == order["id"] and trade["side"] == "buy"
    assert trade["takerOrMaker"] == "taker" and dec(trade["price"]) == D("50000.01")
    assert trade["fee"]["currency"] == "USDT" and dec(trade["fee"]["cost"]) == D("0.5000001")
    assert sim.requests[-1].path == "/api/v1/hf/fills"
    other = await kucoin.create_order(BTC, "market", "sell", 0.005)
    assert [t["order"] for t in await kucoin.fetch_order_trades(other["id"], BTC)] == [other["id"]]
    assert sim.requests[-1].query["orderId"] == other["id"]
    assert await kucoin.fetch_my_trades(BTC, params={"orderId": "not-an-id"}) == []
    bought = D("500.0001") + D("0.5000001")
    sold = D("0.005") * D(50000) * (1 - D("0.001"))
    assert account.balance("USDT").free == D(10000) - bought + sold
    assert account.balance("BTC").free == D("1.005")  # the full amounts: fees were in USDT


async def test_market_buy_by_funds(sim: Simulator, kucoin: Any) -> None:
    order = await kucoin.create_market_buy_order_with_cost(BTC, 100)
    body = sent(sim)
    assert body["funds"] == "100" and "size" not in body
    fetched = await kucoin.fetch_order(order["id"], BTC)
    assert fetched["status"] == "closed" and dec(fetched["filled"]) == D("0.00199")
    assert fetched["info"]["size"] == "0" and fetched["info"]["funds"] == "100"


async def test_time_in_force_remainders_are_cancelled(
    sim: Simulator, account: Account, kucoin: Any
) -> None:
    account.deposit("USDT", D(1_000_000))
    asks = sim.engine.book(BTC, 2).asks
    top = asks[0]
    ioc = await kucoin.create_order(
        BTC, "limit", "buy", float(top[1] + 1), float(top[0]), {"timeInForce": "IOC"}
    )
    fetched = await kucoin.fetch_order(ioc["id"], BTC)
    assert fetched["status"] == "canceled" and dec(fetched["filled"]) == top[1]
    fok = await kucoin.create_order(
        BTC, "limit", "buy", float(top[1] + 1), float(top[0]), {"timeInForce": "FOK"}
    )
    fetched = await kucoin.fetch_order(fok["id"], BTC)
    assert fetched["status"] == "canceled" and fetched["filled"] == 0
    post = await kucoin.create_order(BTC, "limit", "buy", 0.01, float(top[0]), {"postOnly": True})
    assert sent(sim)["postOnly"] is True
    fetched = await kucoin.fetch_order(post["id"], BTC)
    assert fetched["status"] == "canceled" and fetched["filled"] == 0


async def test_large_limit_fills_partially_and_rests(
    sim: Simulator, account: Account, kucoin: Any
) -> None:
    account.deposit("USDT", D(1_000_000))
    asks = sim.engine.book(BTC, 3).asks
    crossing = sum(size for _, size in asks)
    order = await kucoin.create_order(BTC, "limit", "buy", float(crossing + 2), float(asks[2][0]))
    fetched = await kucoin.fetch_order(order["id"], BTC)
    assert fetched["status"] == "open" and dec(fetched["filled"]) == crossing
    assert fetched["info"]["remainSize"] == "2" and fetched["info"]["active"] is True
    assert len(await kucoin.fetch_my_trades(BTC)) == 3


async def test_stop_orders_live_apart_and_trigger_a_new_order(
    sim: Simulator, kucoin: Any
) -> None:
    # no "stop": KuCoin's default is "loss", triggering at or below the stop price
    loss = await kucoin.create_order(
        BTC, "market", "sell", 0.1, None, {"triggerPrice": 49000, "clientOrderId": "sl-1"}
    )
    assert sim.requests[-1].path == "/api/v1/stop-order"
    assert sent(sim) == {
        "clientOid": "sl-1", "side": "sell", "symbol": "BTC-USDT", "type": "market",
        "size": "0.1", "stopPrice": "49000",
    }
    assert loss["id"].startswith("vs") and len(loss["id"]) == 24
    entry = await kucoin.create_order(
        BTC, "limit", "buy", 0.01, 52100, {"triggerPrice": 52000, "stop": "entry"}
    )
    pending = await kucoin.fetch_open_orders(BTC, params={"trigger": True})
    assert {o["id"] for o in pending} == {loss["id"], entry["id"]}
    assert sim.requests[-1].path == "/api/v1/stop-order"
    assert await kucoin.fetch_open_orders(BTC) == []  # not HF orders
    stop = await kucoin.fetch_order(loss["id"], BTC, {"trigger": True})
    assert stop["status"] == "open" and stop["info"]["status"] == "NEW"
    assert stop["triggerPrice"] == 49000 and stop["info"]["stop"] == "loss"
    with pytest.raises(ccxt.OrderNotFound):  # a stop order is not an HF order
        await kucoin.fetch_order(loss["id"], BTC)
    assert (await kucoin.fetch_balance())["BTC"]["used"] == 0.1

    sim.set_price(BTC, D(48900))
    stop = await kucoin.fetch_order(loss["id"], BTC, {"trigger": True})
    assert stop["info"]["status"] == "TRIGGERED" and stop["info"]["stopTriggerTime"]
    placed = await kucoin.fetch_order(None, BTC, {"clientOrderId": "sl-1"})
    assert placed["id"] != loss["id"] and len(placed["id"]) == 24
    assert placed["status"] == "closed" and placed["filled"] == 0.1 and placed["side"] == "sell"
    assert (await kucoin.fetch_order(entry["id"], BTC, {"trigger": True}))["status"] == "open"
    sim.set_price(BTC, D(52050))
    assert (await kucoin.fetch_order(entry["id"], BTC, {"trigger": True}))["info"][
        "status"
    ] == "TRIGGERED"
    assert len(await kucoin.fetch_my_trades(BTC)) >= 2


async def test_cancel_stop_orders(sim: Simulator, kucoin: Any) -> None:
    one = await kucoin.create_order(BTC, "market", "buy", 0.01, None, {"triggerPrice": 55000,
                                                                       "stop": "entry"})
    two = await kucoin.create_order(
        BTC, "market", "buy", 0.01, None,
        {"triggerPrice": 56000, "stop": "entry", "clientOrderId": "st-2"},
    )
    cancelled = await kucoin.cancel_order(one["id"], BTC, {"trigger": True})
    assert cancelled["id"] == one["id"]
    assert sim.requests[-1].path == f"/api/v1/stop-order/{one['id']}"
    by_client = await kucoin.cancel_order(None, BTC, {"trigger": True, "clientOrderId": "st-2"})
    assert by_client["id"] == two["id"]
    assert sim.requests[-1].path == "/api/v1/stop-order/cancelOrderByClientOid"
    gone = await kucoin.fetch_order(one["id"], BTC, {"trigger": True})
    assert gone["info"]["status"] == "CANCEL" and gone["status"] == "cancelled"  # ccxt spells it so
    assert await kucoin.fetch_open_orders(BTC, params={"trigger": True}) == []
    with pytest.raises(ccxt.OrderNotFound):
        await kucoin.cancel_order(one["id"], BTC, {"trigger": True})
