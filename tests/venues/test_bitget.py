"""Bitget specifics, end to end through ccxt and aiohttp against the simulator."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from decimal import ROUND_CEILING, Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer import (
    AuthenticationError,
    ConfigurationError,
    ExchangeFactory,
    InvalidOrder,
    OrderNotFound,
    OrderSide,
    OrderStatus,
    OrderType,
    RateLimitExceeded,
    TradeType,
)
from exchlayer.resilience import NO_RETRY
from exchlayer.testing import Operation, Simulator, connect
from exchlayer.testing.simulator import VenueRequest, VenueResponse
from exchlayer.testing.simulator.engine import system_clock
from exchlayer.testing.simulator.server import Handler
from exchlayer.testing.simulator.venues.bitget import error_response
from exchlayer.venues.bitget import BitgetExchange

D = Decimal
PERP = "BTC/USDT:USDT"


def bodies(sim: Simulator, path: str) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in sim.requests if r.path == path]


# ---- credentials and environments -----------------------------------------------------------


def test_keys_without_a_passphrase_are_refused_at_construction() -> None:
    with pytest.raises(ConfigurationError, match="passphrase"):
        ExchangeFactory.create_exchange("bitget", api_key="k", api_secret="s")
    assert isinstance(ExchangeFactory.create_exchange("bitget"), BitgetExchange)  # public only
    ok = ExchangeFactory.create_exchange("bitget", api_key="k", api_secret="s", passphrase="p")
    assert ok.name == "bitget" and not ok.is_testnet


async def test_testnet_is_demo_trading_on_the_same_host_with_the_same_symbols(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "bitget", is_testnet=True) as exchange:
        assert exchange.is_testnet
        assert await exchange.test_connection()
        order = await exchange.create_order(PERP, OrderType.MARKET, OrderSide.BUY, D("0.01"))
        assert order.status is OrderStatus.FILLED and order.symbol == PERP
        (position,) = await exchange.get_positions()
        assert position.size == D("0.01")
        spot = await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.SELL, D("0.01"))
        assert spot.filled == D("0.01")
    assert {r.host for r in sim.requests} == {"api.bitget.com"}
    private = [r for r in sim.requests if r.is_private]
    assert private and all(r.headers.get("PAPTRADING") == "1" for r in private)
    (order_sent,) = bodies(sim, "/api/v2/mix/order/place-order")
    assert order_sent["symbol"] == "BTCUSDT" and order_sent["productType"] == "USDT-FUTURES"
    time_calls = [r for r in sim.requests if r.operation == Operation.TIME]
    assert time_calls and all("PAPTRADING" not in r.headers for r in time_calls)


async def test_a_key_works_only_in_its_own_environment(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    live_key = {"api_key": "live-key", "api_secret": "live-secret", "passphrase": "live-pass"}
    demo_key = {"api_key": "demo-key", "api_secret": "demo-secret", "passphrase": "demo-pass"}
    async with await connect(sim, "bitget", **live_key) as live:
        assert await live.test_connection()
    async with await connect(
        sim, "bitget", is_testnet=True, open_account=False, **live_key
    ) as demo:
        with pytest.raises(AuthenticationError, match="40099"):
            await demo.get_balance()
    async with await connect(sim, "bitget", is_testnet=True, **demo_key) as demo:
        assert await demo.test_connection()
    async with await connect(sim, "bitget", open_account=False, **demo_key) as live:
        with pytest.raises(AuthenticationError, match="environment is incorrect"):
            await live.get_balance(trade_type=TradeType.FUTURES)


async def test_a_wrong_passphrase_is_an_authentication_error(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    key = {"api_key": "the-key", "api_secret": "the-secret"}
    async with await connect(sim, "bitget", passphrase="right-pass", **key):
        pass
    async with await connect(
        sim, "bitget", passphrase="wrong-pass", open_account=False, **key
    ) as exchange:
        with pytest.raises(AuthenticationError, match="40012"):
            await exchange.get_balance()


async def test_the_classic_api_is_pinned(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bitget") as exchange:
        await exchange.get_balance()
        await exchange.get_open_orders("BTC/USDT")
    paths = {r.path for r in sim.requests}
    assert "/api/v3/account/settings" not in paths
    assert all(p.startswith("/api/v2/") for p in paths)


async def test_a_clock_off_by_45_seconds_is_resynchronised() -> None:
    async with Simulator(clock=lambda: system_clock() + 45_000) as sim:
        async with await connect(sim, "bitget") as exchange:
            balances = await exchange.get_balance("USDT")
        assert balances[0].total == D(10000)
        refused = [r for r in sim.requests if r.status != 200]
        assert len(refused) == 1 and refused[0].path == "/api/v2/spot/account/assets"
        assert any(r.operation == Operation.TIME for r in sim.requests)


# ---- what reaches the wire -------------------------------------------------------------------


async def test_orders_reach_the_wire_exactly(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bitget") as exchange:
        spot = await exchange.create_order(
            "BTC/USDT",
            OrderType.LIMIT,
            OrderSide.BUY,
            D("0.00123"),
            D("41234.56"),
            client_order_id="wire-1",
        )
        perp = await exchange.create_order(
            PERP,
            OrderType.LIMIT,
            OrderSide.SELL,
            D("0.012"),
            D("60000.1"),
            time_in_force="PO",
        )
        stop = await exchange.create_order(
            PERP, OrderType.STOP, OrderSide.BUY, D("0.012"), stop_price=D("60000.1")
        )
    (spot_sent,) = bodies(sim, "/api/v2/spot/trade/place-order")
    assert spot_sent == {
        "symbol": "BTCUSDT",
        "orderType": "limit",
        "price": "41234.56",
        "force": "GTC",
        "side": "buy",
        "size": "0.00123",
        "clientOid": "wire-1",
    }
    (perp_sent,) = bodies(sim, "/api/v2/mix/order/place-order")
    assert perp_sent == {
        "symbol": "BTCUSDT",
        "orderType": "limit",
        "price": "60000.1",
        "force": "post_only",
        "marginCoin": "USDT",
        "size": "0.012",
        "productType": "USDT-FUTURES",
        "clientOid": perp.client_order_id,
        "marginMode": "crossed",
        "side": "sell",
    }
    (stop_sent,) = bodies(sim, "/api/v2/mix/order/place-plan-order")
    assert stop_sent["planType"] == "normal_plan" and stop_sent["triggerPrice"] == "60000.1"
    assert stop_sent["size"] == "0.012" and stop_sent["clientOid"] == stop.client_order_id
    assert spot.client_order_id == "wire-1" and spot.status is OrderStatus.OPEN
    assert perp.client_order_id is not None and perp.client_order_id.startswith("xl")


async def test_a_spot_market_buy_is_sized_by_walking_the_asks(venue_simulator: Simulator) -> None:
    """Bitget sizes a spot market buy in quote: exchlayer prices the base amount off the book."""
    sim = venue_simulator
    async with await connect(sim, "bitget", balances={"USDT": D(100_000)}) as exchange:
        book = await exchange.get_order_book("BTC/USDT", limit=100)
        top = book.asks[0]
        amount = (top.amount * 3 / 2).quantize(D("0.00001"))  # reaches the second level
        expected = top.price * top.amount + book.asks[1].price * (amount - top.amount)
        expected = (expected / D("0.01")).to_integral_value(ROUND_CEILING) * D("0.01")
        order = await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, amount)
    (sent,) = bodies(sim, "/api/v2/spot/trade/place-order")
    assert sent["size"] == format(expected, "f") and sent["orderType"] == "market"
    assert order.status is OrderStatus.FILLED
    assert order.filled == amount  # the book did not move between the read and the fill
    assert order.average_price is not None and top.price < order.average_price


async def test_a_spot_stop_buy_stays_in_base_currency(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bitget") as exchange:
        stop = await exchange.create_order(
            "BTC/USDT", OrderType.STOP, OrderSide.BUY, D("0.003"), stop_price=D("52000")
        )
        assert stop.amount == D("0.003") and stop.status is OrderStatus.OPEN
        sim.set_price("BTC/USDT", D("52500"))
        done = await exchange.get_order(None, "BTC/USDT", client_order_id=stop.client_order_id)
    (sent,) = bodies(sim, "/api/v2/spot/trade/place-plan-order")
    assert (sent["planType"], sent["size"]) == ("amount", "0.003")
    assert done.id == stop.id and done.type is OrderType.STOP
    assert done.status is OrderStatus.FILLED and done.filled == D("0.003")
    assert done.stop_price == D("52000")


async def test_futures_book_depth_is_rounded_up_to_what_bitget_accepts(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "bitget") as exchange:
        book = await exchange.get_order_book(PERP, limit=7)
        full = await exchange.get_order_book(PERP, limit=100)
    assert len(book.bids) == len(book.asks) == 7
    assert len(full.bids) == 100
    assert [r.query["limit"] for r in sim.requests if r.operation == Operation.ORDER_BOOK] == [
        "15",
        "100",
    ]


async def test_client_order_ids_up_to_50_characters(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bitget") as exchange:
        order = await exchange.create_order(
            "BTC/USDT",
            OrderType.LIMIT,
            OrderSide.BUY,
            D("0.001"),
            D("40000"),
            client_order_id="c" * 50,
        )
        assert order.client_order_id == "c" * 50
        sim.clear_requests()
        with pytest.raises(InvalidOrder, match="at most 50"):
            await exchange.create_order(
                "BTC/USDT",
                OrderType.LIMIT,
                OrderSide.BUY,
                D("0.001"),
                D("40000"),
                client_order_id="c" * 51,
            )
        with pytest.raises(InvalidOrder, match="clientOid"):  # still open: Bitget refuses it
            await exchange.create_order(
                "BTC/USDT",
                OrderType.LIMIT,
                OrderSide.BUY,
                D("0.001"),
                D("40000"),
                client_order_id="c" * 50,
            )
    assert sim.count_requests(lambda r: r.operation == Operation.CREATE_ORDER) == 1


# ---- orders: the read-back, lookups, plan orders ---------------------------------------------


async def test_create_order_reads_the_order_back(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bitget", default_trade_type="futures") as exchange:
        order = await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.01"))
    ops = [r.operation for r in sim.requests if r.is_private]
    assert ops == [Operation.CREATE_ORDER, Operation.FETCH_ORDER]
    assert order.status is OrderStatus.FILLED and order.filled == D("0.01")
    assert order.fee is not None and order.fee.currency == "USDT" and order.fee.cost > 0


async def test_a_failed_read_back_returns_what_is_known(venue_simulator: Simulator) -> None:
    sim = venue_simulator

    async def refuse_lookups(request: VenueRequest, call_next: Handler) -> VenueResponse:
        if request.path == "/api/v2/spot/trade/orderInfo":
            return error_response(
                "40015",
                "System is abnormal, please try again later",
                sim.engine.now_ms(),
                operation=Operation.FETCH_ORDER,
            )
        return await call_next(request)

    sim.interceptors.append(refuse_lookups)
    async with await connect(sim, "bitget") as exchange:
        order = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
        )
    assert order.status is OrderStatus.UNKNOWN
    assert (order.type, order.side, order.amount, order.price) == (
        OrderType.LIMIT,
        OrderSide.BUY,
        D("0.001"),
        D("40000"),
    )
    assert order.id and order.client_order_id
    assert sim.count_requests(lambda r: r.operation == Operation.CREATE_ORDER) == 1


async def test_an_order_whose_answer_is_lost_is_found_by_its_client_id(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    answered_late = 0

    async def slow_order_answers(request: VenueRequest, call_next: Handler) -> VenueResponse:
        nonlocal answered_late
        response = await call_next(request)
        if response.operation == Operation.CREATE_ORDER:
            answered_late += 1
            await asyncio.sleep(1.0)
        return response

    sim.interceptors.append(slow_order_answers)
    async with await connect(sim, "bitget", timeout=0.3) as exchange:
        order = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
        )
        sim.interceptors.clear()
        assert order.status is OrderStatus.OPEN
        assert [o.id for o in await exchange.get_open_orders("BTC/USDT")] == [order.id]
    lookups = [r for r in sim.requests if r.path == "/api/v2/spot/trade/orderInfo"]
    assert lookups[0].query == {"clientOid": order.client_order_id}
    assert answered_late == 1  # sent once, never again


async def test_unknown_client_order_ids_are_order_not_found(venue_simulator: Simulator) -> None:
    async with await connect(venue_simulator, "bitget") as exchange:
        with pytest.raises(OrderNotFound, match="nope-1"):
            await exchange.get_order(None, "BTC/USDT", client_order_id="nope-1")
        with pytest.raises(OrderNotFound):
            await exchange.get_order(None, PERP, client_order_id="nope-2")
        with pytest.raises(OrderNotFound):
            await exchange.cancel_order(None, PERP, client_order_id="nope-3")


async def test_futures_stop_orders_are_plan_orders(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bitget", default_trade_type="futures") as exchange:
        limit = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.01"), D("40000")
        )
        stop = await exchange.create_order(
            "ETH/USDT", OrderType.STOP, OrderSide.BUY, D("0.1"), stop_price=D("4000")
        )
        orders = await exchange.get_open_orders()
        assert {o.id for o in orders} == {limit.id, stop.id}
        assert {o.symbol for o in orders} == {PERP, "ETH/USDT:USDT"}
        by_client = await exchange.get_order(None, "ETH/USDT", client_order_id=stop.client_order_id)
        assert by_client.id == stop.id and by_client.type is OrderType.STOP
        assert await exchange.cancel_order(stop.id, "ETH/USDT") is True
        # Bitget answers this one with 00000 and the order in failureList
        assert await exchange.cancel_order(stop.id, "ETH/USDT") is False
        assert (await exchange.get_order(stop.id, "ETH/USDT")).status is OrderStatus.CANCELED
        assert [o.id for o in await exchange.get_open_orders()] == [limit.id]
        with pytest.raises(OrderNotFound):
            await exchange.cancel_order("777", "ETH/USDT")
    plan_cancels = bodies(sim, "/api/v2/mix/order/cancel-plan-order")
    assert plan_cancels[0]["orderIdList"] == [{"orderId": stop.id}]


async def test_a_triggered_stop_limit_reads_as_its_child_order(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "bitget", balances={"ETH": D(1)}) as exchange:
        stop = await exchange.create_order(
            "ETH/USDT",
            OrderType.STOP_LIMIT,
            OrderSide.SELL,
            D("0.5"),
            D("2800"),
            stop_price=D("2900"),
        )
        sim.set_price("ETH/USDT", D("2890"))
        done = await exchange.get_order(stop.id, "ETH/USDT")
        trades = await exchange.get_trades("ETH/USDT")
    assert done.id == stop.id and done.type is OrderType.STOP_LIMIT
    assert (done.price, done.stop_price) == (D("2800"), D("2900"))
    assert done.status is OrderStatus.FILLED and done.filled == D("0.5")
    child = done.raw["executedOrder"]
    assert child["orderId"] != stop.id
    assert {t.order_id for t in trades} == {child["orderId"]}


# ---- error codes ccxt maps coarsely ----------------------------------------------------------


async def test_rate_limit_answers_are_rate_limit_exceeded(venue_simulator: Simulator) -> None:
    sim = venue_simulator

    async def too_many(request: VenueRequest, call_next: Handler) -> VenueResponse:
        if request.path == "/api/v2/spot/market/tickers":
            return error_response("429", "Too Many Requests", 0, 429, Operation.TICKER)
        return await call_next(request)

    async with await connect(sim, "bitget", retry=NO_RETRY) as exchange:
        await exchange.get_symbols()
        sim.interceptors.append(too_many)
        with pytest.raises(RateLimitExceeded):
            await exchange.get_ticker("BTC/USDT")


async def test_reduce_only_without_a_position_is_an_invalid_order(
    venue_simulator: Simulator,
) -> None:
    async with await connect(venue_simulator, "bitget") as exchange:
        with pytest.raises(InvalidOrder, match="22002"):
            await exchange.create_order(
                PERP, OrderType.MARKET, OrderSide.SELL, D("0.01"), reduce_only=True
            )


@pytest_asyncio.fixture
async def public_only(venue_simulator: Simulator) -> AsyncIterator[Any]:
    async with await connect(venue_simulator, "bitget", credentials=False) as exchange:
        yield exchange


async def test_public_data_needs_no_credentials(
    public_only: Any, venue_simulator: Simulator
) -> None:
    ticker = await public_only.get_ticker(PERP)
    assert ticker.last_price == D("50000.0")
    info = await public_only.get_exchange_info()
    assert info.server_time is not None
    assert {m.symbol for m in info.markets} >= {"BTC/USDT", PERP}
    assert venue_simulator.count_requests(lambda r: r.is_private) == 0


async def test_a_spot_market_buy_on_an_empty_book_is_priced_off_the_ticker(
    venue_simulator: Simulator,
) -> None:
    """No asks to walk (an illiquid moment): the cost comes from the ticker's ask, exactly."""
    sim = venue_simulator

    async def no_asks(request: VenueRequest, call_next: Handler) -> VenueResponse:
        response = await call_next(request)
        if request.path != "/api/v2/spot/market/orderbook":
            return response
        answer = json.loads(response.body)
        answer["data"]["asks"] = []
        return VenueResponse.json(answer, operation=response.operation)

    async with await connect(sim, "bitget", balances={"USDT": D(100_000)}) as exchange:
        ticker = await exchange.get_ticker("BTC/USDT")
        assert ticker.ask is not None
        sim.interceptors.append(no_asks)
        amount = D("0.01")
        await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, amount)
    (sent,) = bodies(sim, "/api/v2/spot/trade/place-order")
    expected = (ticker.ask * amount / D("0.01")).to_integral_value(ROUND_CEILING) * D("0.01")
    assert sent["size"] == format(expected, "f")
