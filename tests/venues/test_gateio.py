"""Gate.io specifics, end to end through ccxt and aiohttp against the simulator."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest

from exchlayer import (
    AuthenticationError,
    ClockSkew,
    ExchangeFactory,
    InvalidOrder,
    MarginMode,
    OrderNotFound,
    OrderSide,
    OrderStatus,
    OrderType,
    PermissionDenied,
    TradeType,
)
from exchlayer.testing import Operation, Simulator, connect
from exchlayer.testing.simulator import VenueRequest, VenueResponse
from exchlayer.testing.simulator.engine import system_clock
from exchlayer.testing.simulator.server import Handler
from exchlayer.venues.gateio import GateioExchange

D = Decimal
BTC, PERP = "BTC/USDT", "BTC/USDT:USDT"


def sent(sim: Simulator, operation: str = Operation.CREATE_ORDER) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in sim.requests if r.operation == operation and r.body]


def paths(sim: Simulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in sim.requests]


async def test_testnet_mode_talks_to_the_testnet_host_only(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "gateio", is_testnet=True) as exchange:
        assert exchange.is_testnet
        await exchange.get_balance()
        await exchange.get_balance(trade_type=TradeType.FUTURES)
        await exchange.create_order(BTC, OrderType.MARKET, OrderSide.BUY, D("0.001"))
        await exchange.create_order(PERP, OrderType.MARKET, OrderSide.BUY, D("0.004"))
    assert {r.host for r in sim.requests} == {"api-testnet.gateapi.io"}
    assert all(r.status == 200 for r in sim.requests)


async def test_a_live_key_does_not_work_on_the_testnet(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "gateio", api_key="live-key", api_secret="s") as live:
        assert await live.test_connection()
    async with await connect(sim, "gateio", api_key="live-key", api_secret="s",
                             is_testnet=True, open_account=False) as testnet:
        with pytest.raises(AuthenticationError, match="INVALID_KEY"):
            await testnet.get_balance()


async def test_markets_load_once_for_spot_and_futures(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "gateio") as exchange:
        symbols = await exchange.get_symbols()
        await exchange.get_ticker(PERP)
        await exchange.get_ticker(BTC)
    assert "BTC/USDT" in symbols and "BTC/USDT:USDT" in symbols
    loading = sorted(p for p in paths(sim) if "ticker" not in p)
    assert loading == [
        "GET /api/v4/account/detail",
        "GET /api/v4/futures/usdt/contracts",
        "GET /api/v4/margin/currency_pairs",
        "GET /api/v4/spot/currencies",
        "GET /api/v4/spot/currency_pairs",
    ]


async def test_amounts_and_prices_reach_the_wire_in_gates_units(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "gateio") as exchange:
        await exchange.create_order(BTC, OrderType.LIMIT, OrderSide.BUY, D("0.00123"),
                                    D("41234.56"), client_order_id="a")
        await exchange.create_order(PERP, OrderType.LIMIT, OrderSide.SELL, D("0.012"),
                                    D("51000.1"), client_order_id="b")
        await exchange.create_order(PERP, OrderType.STOP, OrderSide.BUY, D("0.005"),
                                    stop_price=D("60000.1"), client_order_id="c")
        await exchange.create_order(BTC, OrderType.STOP, OrderSide.SELL, D("0.0005"),
                                    stop_price=D("40000"), client_order_id="d")
        await exchange.create_order(BTC, OrderType.STOP, OrderSide.BUY, D("0.00033"),
                                    stop_price=D("51000.03"), client_order_id="e")
    spot, perp, perp_stop, spot_stop_sell, spot_stop_buy = sent(sim)
    assert spot == {"currency_pair": "BTC_USDT", "type": "limit", "account": "spot",
                    "side": "buy", "amount": "0.00123", "price": "41234.56", "text": "t-a",
                    "time_in_force": "gtc"} or (spot["amount"], spot["price"], spot["text"]) == (
        "0.00123", "41234.56", "t-a")
    assert (perp["size"], perp["price"], perp["text"]) == (-12, "51000.1", "t-b")
    assert perp_stop == {
        "initial": {"contract": "BTC_USDT", "size": 5, "price": "0", "tif": "ioc",
                    "text": "t-c"},
        "trigger": {"price_type": 0, "price": "60000.1", "rule": 1},
    }
    assert spot_stop_sell["put"]["amount"] == "0.0005"  # sells are sized in base
    assert spot_stop_sell["put"]["price"] == "40000"  # Gate needs one, and ignores it
    assert spot_stop_sell["trigger"] == {"price": "40000", "rule": "<=", "expiration": 86400,
                                         "text": "t-d"}
    # buys at market are sized in quote: 0.00033 x 51000.03 = 16.8300099 -> up to the tick
    assert spot_stop_buy["put"]["amount"] == "16.84"
    assert spot_stop_buy["put"]["type"] == "market"


async def test_client_order_ids_carry_gates_prefix_on_the_wire_only(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "gateio") as exchange:
        generated = await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
        )
        assert generated.client_order_id is not None
        assert generated.client_order_id.startswith("xl") and len(generated.client_order_id) == 26
        mine = await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"), client_order_id="mybot-1"
        )
        assert mine.client_order_id == "mybot-1"
        assert [b["text"] for b in sent(sim)] == [f"t-{generated.client_order_id}", "t-mybot-1"]
        opened = await exchange.get_open_orders(BTC)
        assert {o.client_order_id for o in opened} == {generated.client_order_id, "mybot-1"}
        sim.clear_requests()
        with pytest.raises(InvalidOrder, match="at most 26"):
            await exchange.create_order(
                BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"),
                client_order_id="x" * 27,
            )
        assert sim.count_requests() == 0
        found = await exchange.get_order(None, BTC, client_order_id="mybot-1")
        assert found.id == mine.id and found.client_order_id == "mybot-1"
        assert await exchange.cancel_order(None, BTC, client_order_id="mybot-1") is True
        assert paths(sim)[-1] == "DELETE /api/v4/spot/orders/t-mybot-1"
        # finished: Gate no longer finds it by text, exchlayer searches the finished orders
        cancelled = await exchange.get_order(None, BTC, client_order_id="mybot-1")
        assert cancelled.id == mine.id and cancelled.status is OrderStatus.CANCELED
        assert "GET /api/v4/spot/orders" in paths(sim)
        with pytest.raises(OrderNotFound):
            await exchange.get_order(None, BTC, client_order_id="never-sent")


async def test_market_buy_takes_a_base_amount(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "gateio", balances={"USDT": D(200000)}) as exchange:
        order = await exchange.create_order(BTC, OrderType.MARKET, OrderSide.BUY, D("0.002"))
        # the best ask (50000.01) prices it: 0.002 x 50000.01 = 100.00002 -> 100.01 USDT
        assert sent(sim)[-1]["amount"] == "100.01"
        book = [r for r in sim.requests if r.operation == Operation.ORDER_BOOK][-1]
        assert book.query["limit"] == "1"
        assert order.status is OrderStatus.FILLED
        assert order.amount == order.filled == D("0.002") and order.remaining == 0
        assert order.cost == D("100.00002") and order.average_price == D("50000.01")
        assert order.fee is not None and order.fee.cost == D("0.000004")
        assert order.fee.currency == "BTC"
        fetched = await exchange.get_order(order.id, BTC)
        assert (fetched.amount, fetched.filled, fetched.cost) == (order.amount, order.filled,
                                                                  order.cost)
        # more than the best ask holds: the cost priced at the best ask buys a little less
        top = (await exchange.get_order_book(BTC, limit=1)).asks[0]
        amount = (top.amount * 3).quantize(D("0.00001"))
        big = await exchange.create_order(BTC, OrderType.MARKET, OrderSide.BUY, amount)
        assert big.status is OrderStatus.FILLED
        assert amount * D("0.999") < big.filled < amount
        assert big.cost is not None and big.cost <= amount * top.price + D("0.01")


async def test_a_timeout_on_create_order_is_resolved_by_client_order_id(
    venue_simulator: Simulator,
) -> None:
    """The venue takes the order but its answer comes too late: the connector finds the order
    by its client order id instead of sending it again. Gate no longer finds a *finished* spot
    order by its text, so the adapter searches the symbol's finished orders; a price order is
    never found by text, so it searches the open price orders."""
    sim = venue_simulator

    async def slow_order_answers(request: VenueRequest, call_next: Handler) -> VenueResponse:
        response = await call_next(request)
        if response.operation == Operation.CREATE_ORDER:
            await asyncio.sleep(0.6)
        return response

    sim.interceptors.append(slow_order_answers)
    async with await connect(sim, "gateio", timeout=0.3) as exchange:
        limit = await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"), client_order_id="slow-1"
        )
        assert limit.status is OrderStatus.OPEN and limit.client_order_id == "slow-1"
        market = await exchange.create_order(
            BTC, OrderType.MARKET, OrderSide.BUY, D("0.001"), client_order_id="slow-2"
        )
        assert market.status is OrderStatus.FILLED and market.filled == D("0.001")
        stop = await exchange.create_order(
            BTC, OrderType.STOP, OrderSide.SELL, D("0.001"), stop_price=D("45000"),
            client_order_id="slow-3",
        )
        assert stop.status is OrderStatus.OPEN and stop.type is OrderType.STOP
        assert stop.client_order_id == "slow-3" and stop.stop_price == D(45000)
        await asyncio.sleep(0.7)  # the simulator logs a request once it has answered it
    assert sim.count_requests(lambda r: r.operation == Operation.CREATE_ORDER) == 3
    lookups = [p for p in paths(sim) if p.startswith("GET /api/v4/spot/orders")]
    assert lookups == [
        "GET /api/v4/spot/orders/t-slow-1",  # open: Gate finds it by text
        "GET /api/v4/spot/orders/t-slow-2",  # finished: not any more...
        "GET /api/v4/spot/orders",  # ...but among the finished orders
        "GET /api/v4/spot/orders/t-slow-3",
    ]


async def test_futures_amounts_are_base_currency_everywhere(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "gateio", default_trade_type="futures") as exchange:
        market = next(m for m in (await exchange.get_exchange_info()).markets if m.symbol == PERP)
        assert market.contract_size == D("0.001")
        assert (market.amount_step, market.min_amount) == (D("0.001"), D("0.001"))
        assert market.min_notional is None  # Gate contracts have no minimum order value
        book = await exchange.get_order_book(BTC, limit=3)
        wire = sim.engine.book(PERP, 3)
        assert [level.amount for level in book.asks] == [size for _, size in wire.asks]
        order = await exchange.create_order(BTC, OrderType.MARKET, OrderSide.BUY, D("0.007"))
        assert sent(sim)[-1]["size"] == 7
        assert order.amount == order.filled == D("0.007")
        (trade,) = await exchange.get_trades(BTC)
        assert trade.amount == D("0.007") and trade.order_id == order.id
        assert trade.fee is not None and trade.fee.currency == "USDT"
        (position,) = await exchange.get_positions()
        assert (position.size, position.contracts) == (D("0.007"), D(7))
        # positions start in cross margin (leverage "0" on the wire, the limit is the leverage)
        assert position.margin_mode is MarginMode.CROSS and position.leverage == 20
        assert await exchange.set_leverage(BTC, 5)
        (isolated,) = await exchange.get_positions(BTC)
        assert isolated.margin_mode is MarginMode.ISOLATED and isolated.leverage == 5


async def test_stop_orders_are_found_cancelled_and_followed(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    balances = {"USDT": D(10000), "ETH": D(1)}
    async with await connect(sim, "gateio", default_trade_type="futures",
                             balances=balances) as exchange:
        stop = await exchange.create_order(
            BTC, OrderType.STOP, OrderSide.BUY, D("0.004"), stop_price=D("52000"),
            client_order_id="stop-1",
        )
        assert (stop.status, stop.type, stop.client_order_id) == (
            OrderStatus.OPEN, OrderType.STOP, "stop-1")
        # Gate answers a new price order with {"id": N} only; the connector read it back
        assert stop.raw["id"] == int(stop.id) and "initial" in stop.raw
        by_client_id = await exchange.get_order(None, BTC, client_order_id="stop-1")
        assert by_client_id.id == stop.id and by_client_id.stop_price == D(52000)
        spot_stop = await exchange.create_order(
            "ETH/USDT", OrderType.STOP_LIMIT, OrderSide.SELL, D("0.01"), D("2790"),
            stop_price=D("2800"), trade_type=TradeType.SPOT,
        )
        futures_open = await exchange.get_open_orders()
        spot_open = await exchange.get_open_orders(trade_type=TradeType.SPOT)
        assert [o.id for o in futures_open] == [stop.id]
        assert [o.id for o in spot_open] == [spot_stop.id]
        assert spot_open[0].amount == D("0.01") and spot_open[0].price == D("2790")
        assert await exchange.cancel_order(spot_stop.id, "ETH/USDT", trade_type="spot") is True
        assert await exchange.cancel_order(spot_stop.id, "ETH/USDT", trade_type="spot") is False
        sim.set_price(PERP, D(52100))
        fired = await exchange.get_order(stop.id, BTC)
        assert fired.id == stop.id and fired.status is OrderStatus.FILLED
        assert fired.filled == D("0.004") and fired.average_price == D("52100.1")
        assert fired.client_order_id == "stop-1" and fired.stop_price == D(52000)
        assert await exchange.cancel_order(stop.id, BTC) is False


async def test_spot_stop_buy_reports_its_base_amount_until_it_fires(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "gateio") as exchange:
        stop = await exchange.create_order(
            BTC, OrderType.STOP, OrderSide.BUY, D("0.002"), stop_price=D("52000")
        )
        assert sent(sim)[-1]["put"]["amount"] == "104"
        pending = await exchange.get_order(stop.id, BTC)
        assert pending.amount == D("0.002") and pending.price is None
        assert pending.stop_price == D(52000) and pending.status is OrderStatus.OPEN
        sim.set_price(BTC, D(52000))  # fills at the next ask, 52000.01: a hair under 0.002
        fired = await exchange.get_order(stop.id, BTC)
        assert fired.status is OrderStatus.FILLED and fired.type is OrderType.STOP
        assert fired.filled == fired.amount == D("0.00199")
        assert fired.cost == D("0.00199") * D("52000.01")


async def test_cancelling_a_finished_order_returns_false(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "gateio") as exchange:
        spot = await exchange.create_order(BTC, OrderType.MARKET, OrderSide.SELL, D("0.001"))
        perp = await exchange.create_order(PERP, OrderType.MARKET, OrderSide.BUY, D("0.004"))
        assert await exchange.cancel_order(spot.id, BTC) is False  # ORDER_CLOSED
        assert await exchange.cancel_order(perp.id, PERP) is False  # ORDER_FINISHED
        with pytest.raises(OrderNotFound):
            await exchange.cancel_order("424242", PERP)
    statuses = [r.status for r in sim.requests if r.operation == Operation.CANCEL_ORDER]
    # the unknown id is looked up before any cancel (Gate cancels futures and price orders by
    # their id alone, whatever the symbol), so it needs no cancel request at all
    assert statuses == [400, 404, 400, 404]


async def test_gate_errors_become_the_right_exchlayer_errors() -> None:
    async with Simulator(clock=lambda: system_clock() + 90_000) as ahead:
        async with await connect(ahead, "gateio") as exchange:
            # REQUEST_EXPIRED is clock skew: the connector measures Gate's clock and goes on
            (balance,) = await exchange.get_balance("USDT")
            assert balance.total == D(10000)
        private = [(r.path, r.status) for r in ahead.requests if r.path != "/api/v4/spot/time"]
        assert ("/api/v4/spot/accounts", 401) in private
        assert private[-1] == ("/api/v4/spot/accounts", 200)

        async def no_time(request: VenueRequest, call_next: Handler) -> VenueResponse:
            if request.path == "/api/v4/spot/time":
                return VenueResponse.json({"label": "SERVER_ERROR", "message": "down"}, 500)
            return await call_next(request)

        ahead.interceptors.append(no_time)
        async with await connect(ahead, "gateio") as exchange:
            with pytest.raises(ClockSkew, match="REQUEST_EXPIRED"):
                await exchange.get_balance()

    async with Simulator() as sim:

        async def restricted(request: VenueRequest, call_next: Handler) -> VenueResponse:
            if request.method == "POST":
                return VenueResponse.json(
                    {"label": "TRADE_RESTRICTED", "message": "trade restricted"}, 403,
                    operation=Operation.CREATE_ORDER,
                )
            return await call_next(request)

        async with await connect(sim, "gateio") as exchange:
            with pytest.raises(InvalidOrder, match="too small"):  # INVALID_PARAM_VALUE
                await exchange.create_order(BTC, OrderType.MARKET, OrderSide.SELL, D("0.00001"))
            sim.interceptors.append(restricted)
            with pytest.raises(PermissionDenied, match="TRADE_RESTRICTED"):
                await exchange.create_order(BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"),
                                            D("40000"))


async def test_tickers_are_stamped_with_their_arrival(venue_simulator: Simulator) -> None:
    async with await connect(venue_simulator, "gateio") as exchange:
        before = asyncio.get_running_loop().time()
        ticker = await exchange.get_ticker(PERP)
        assert ticker.timestamp is not None and ticker.timestamp.utcoffset() is not None
        assert ticker.raw is not None and "t" not in ticker.raw  # Gate sent no time
        assert asyncio.get_running_loop().time() >= before


def test_factory_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ExchangeFactory.is_supported("gateio")
    assert ExchangeFactory.get_exchange_class("gateio") is GateioExchange
    exchange = ExchangeFactory.from_env(
        "gateio",
        {"GATEIO_API_KEY": "k", "GATEIO_SECRET_KEY": "s", "GATEIO_TESTNET": "true"},
    )
    assert isinstance(exchange, GateioExchange)
    assert exchange.is_testnet and exchange.display_name == "Gate.io"
    assert exchange.capabilities.testnet == {TradeType.SPOT, TradeType.FUTURES}
