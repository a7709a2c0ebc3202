"""BingX specifics, end to end through ccxt and aiohttp against the simulator."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest

from exchlayer import (
    AuthenticationError,
    ExchangeFactory,
    ExchangeUnavailable,
    InsufficientFunds,
    InvalidArgument,
    InvalidOrder,
    NotSupported,
    OrderNotFound,
    OrderSide,
    OrderStatus,
    OrderType,
    RateLimitExceeded,
    TimeInForce,
    TradeType,
)
from exchlayer.resilience import NO_RETRY
from exchlayer.testing import Operation, Simulator, connect
from exchlayer.testing.simulator import VenueRequest, VenueResponse
from exchlayer.venues.bingx import decode_client_order_id, encode_client_order_id

D = Decimal
LIVE = "open-api.bingx.com"
VST = "open-api-vst.bingx.com"

Handler = Callable[[VenueRequest], Awaitable[VenueResponse]]


def sent(sim: Simulator, operation: str) -> list[dict[str, str]]:
    return [r.query for r in sim.requests if r.operation == operation]


def answer_with(body: dict[str, Any], operation: str, status: int = 200) -> Any:
    """An interceptor that answers ``operation`` requests with ``body``."""

    async def intercept(request: VenueRequest, call_next: Handler) -> VenueResponse:
        response = await call_next(request)
        if response.operation == operation:
            return VenueResponse.json(body, status, operation=operation, private=True)
        return response

    return intercept


# --- testnet (VST) ---------------------------------------------------------------------------
async def test_testnet_trades_futures_on_the_vst_host_only(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(
        sim, "bingx", is_testnet=True, default_trade_type="futures"
    ) as exchange:
        assert exchange.is_testnet
        assert await exchange.test_connection() is True
        (usdt,) = await exchange.get_balance("USDT")
        assert usdt.total == D("10000")
        order = await exchange.create_order(
            "BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.01")
        )
        assert order.status is OrderStatus.FILLED and order.trade_type is TradeType.FUTURES
        assert await exchange.get_symbols() == ["BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT"]
        info = await exchange.get_exchange_info()
        assert info.trade_types == (TradeType.FUTURES,)
    assert {r.host for r in sim.requests} == {VST}
    assert all(r.status == 200 for r in sim.requests)


@pytest.mark.parametrize("futures_first", [False, True])
async def test_a_testnet_connector_refuses_spot_before_sending_anything(
    venue_simulator: Simulator, futures_first: bool
) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx", is_testnet=True) as exchange:
        if futures_first:
            await exchange.get_ticker("BTC/USDT:USDT")
        sent_before = sim.count_requests()
        with pytest.raises(NotSupported, match="VST"):
            await exchange.get_ticker("BTC/USDT")
        with pytest.raises(NotSupported, match="default_trade_type='futures'"):
            await exchange.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
            )
        with pytest.raises(NotSupported):
            await exchange.get_balance(trade_type=TradeType.SPOT)
        with pytest.raises(NotSupported):
            await exchange.get_symbols(TradeType.SPOT)
        assert sim.count_requests() == sent_before
        assert await exchange.test_connection() is False  # its default trade type is spot
    assert not any(r.host == LIVE for r in sim.requests)


async def test_a_live_key_does_not_work_on_the_testnet(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx", api_key="live-key", api_secret="s") as live:
        assert await live.test_connection()
    async with await connect(
        sim, "bingx", api_key="live-key", api_secret="s", is_testnet=True,
        open_account=False, default_trade_type="futures",
    ) as testnet:
        with pytest.raises(AuthenticationError):
            await testnet.get_balance()


# --- markets -----------------------------------------------------------------------------------
async def test_markets_load_once_without_a_private_call(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx") as exchange:
        await exchange.get_ticker("BTC/USDT")
        await exchange.get_ticker("BTC/USDT:USDT")
    markets = [r.path for r in sim.requests if r.operation == Operation.MARKETS]
    assert sorted(markets) == [
        "/openApi/cswap/v1/market/contracts",
        "/openApi/spot/v1/common/symbols",
        "/openApi/swap/v2/quote/contracts",
    ]
    assert sim.count_requests(lambda r: r.operation == Operation.CURRENCIES) == 0


async def test_leverage_is_set_one_way_and_bounded_by_the_contract(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx") as exchange:
        info = await exchange.get_exchange_info()
        perp = next(m for m in info.markets if m.symbol == "BTC/USDT:USDT")
        assert perp.max_leverage == D(125)
        assert await exchange.set_leverage("BTC/USDT", 7) is True
        sim.clear_requests()
        with pytest.raises(InvalidArgument, match="maximum of 125"):
            await exchange.set_leverage("BTC/USDT", 126)
        assert sim.count_requests() == 0
    (account,) = list(sim.accounts)
    assert account.leverage["BTC/USDT:USDT"] == 7


async def test_leverage_request_carries_side_both(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx") as exchange:
        await exchange.set_leverage("ETH/USDT:USDT", 3)
    (query,) = sent(sim, Operation.LEVERAGE)
    assert (query["symbol"], query["side"], query["leverage"]) == ("ETH-USDT", "BOTH", "3")


# --- orders on the wire ------------------------------------------------------------------------
async def test_amounts_prices_and_order_types_reach_the_wire_exactly(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx") as exchange:
        await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.00123"), D("41234.56"),
            time_in_force=TimeInForce.FOK,
        )
        await exchange.create_order(
            "BTC/USDT:USDT", OrderType.STOP, OrderSide.BUY, D("0.012"), stop_price=D("60000.1")
        )
        await exchange.create_order(
            "ETH/USDT:USDT", OrderType.STOP_LIMIT, OrderSide.SELL, D("0.5"), D("2500.5"),
            stop_price=D("2600"),
        )
    spot, stop, stop_limit = sent(sim, Operation.CREATE_ORDER)
    assert (spot["type"], spot["quantity"], spot["price"]) == ("LIMIT", "0.00123", "41234.56")
    assert spot["timeInForce"] == "FOK" and "positionSide" not in spot
    assert (stop["type"], stop["quantity"], stop["stopPrice"]) == (
        "TRIGGER_MARKET", "0.012", "60000.1"
    )
    assert stop["positionSide"] == "BOTH"
    assert (stop_limit["type"], stop_limit["price"], stop_limit["stopPrice"]) == (
        "TRIGGER_LIMIT", "2500.5", "2600"
    )


async def test_a_spot_stop_buy_is_sized_in_base_currency(venue_simulator: Simulator) -> None:
    """ccxt would demand a quote amount for a spot trigger-market buy; BingX takes the base
    quantity, and so the order fills exactly the amount asked for."""
    sim = venue_simulator
    async with await connect(sim, "bingx") as exchange:
        order = await exchange.create_order(
            "ETH/USDT", OrderType.STOP, OrderSide.BUY, D("0.25"), stop_price=D("3100")
        )
        assert order.type is OrderType.STOP and order.price is None
        assert order.status is OrderStatus.OPEN and order.amount == D("0.25")
        sim.set_price("ETH/USDT", D("3120"))
        filled = await exchange.get_order(order.id, "ETH/USDT")
    (query,) = sent(sim, Operation.CREATE_ORDER)
    assert query["type"] == "TRIGGER_MARKET" and query["quantity"] == "0.25"
    assert query["stopPrice"] == "3100" and "quoteOrderQty" not in query
    assert filled.status is OrderStatus.FILLED and filled.filled == D("0.25")
    assert filled.average_price is not None and filled.average_price >= D("3120")


async def test_reduce_only_reaches_the_wire_and_is_enforced(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx", default_trade_type="futures") as exchange:
        with pytest.raises(InvalidOrder, match="Reduce Only"):
            await exchange.create_order(
                "BTC/USDT", OrderType.MARKET, OrderSide.SELL, D("0.01"), reduce_only=True
            )
    (query,) = sent(sim, Operation.CREATE_ORDER)
    assert query["reduceOnly"] == "true" and query["positionSide"] == "BOTH"


async def test_a_new_swap_order_is_read_back_for_its_state(venue_simulator: Simulator) -> None:
    """BingX answers a new swap order with its id and type only."""
    sim = venue_simulator
    async with await connect(sim, "bingx", default_trade_type="futures") as exchange:
        order = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.01"), D("45000")
        )
    create, fetch = [
        r for r in sim.requests if r.operation in (Operation.CREATE_ORDER, Operation.FETCH_ORDER)
    ]
    assert create.operation == Operation.CREATE_ORDER
    assert fetch.operation == Operation.FETCH_ORDER and fetch.query["orderId"] == order.id
    assert order.status is OrderStatus.OPEN
    assert (order.amount, order.price, order.filled) == (D("0.01"), D("45000"), D(0))


async def test_a_post_only_swap_order_that_would_take_is_an_invalid_order(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx", default_trade_type="futures") as exchange:
        with pytest.raises(InvalidOrder, match="Post Only"):
            await exchange.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.01"), D("60000"),
                time_in_force=TimeInForce.POST_ONLY,
            )
    (query,) = sent(sim, Operation.CREATE_ORDER)
    assert query["timeInForce"] == "PostOnly"


# --- client order ids ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mine", "wire"),
    [
        ("xl0123abcdef", "xl0123abcdef"),
        ("mybot-0001", "mybot_00001"),
        ("My.Bot_7", "_my_1_bot__7"),
    ],
)
def test_client_order_ids_are_escaped_reversibly(mine: str, wire: str) -> None:
    assert encode_client_order_id(mine) == wire
    assert decode_client_order_id(wire) == mine


def test_ids_exchlayer_did_not_escape_come_back_unchanged() -> None:
    assert decode_client_order_id("abc_") == "abc_"
    assert decode_client_order_id("web_$1") == "web_$1"


@pytest.mark.parametrize("trade_type", [TradeType.SPOT, TradeType.FUTURES])
async def test_a_client_order_id_with_capitals_and_punctuation_round_trips(
    venue_simulator: Simulator, trade_type: TradeType
) -> None:
    sim = venue_simulator
    cid = "Grid-Bot.A_01"
    async with await connect(sim, "bingx", default_trade_type=trade_type) as exchange:
        order = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.01"), D("40000"),
            client_order_id=cid,
        )
        assert order.client_order_id == cid
        found = await exchange.get_order(None, "BTC/USDT", client_order_id=cid)
        assert (found.id, found.client_order_id) == (order.id, cid)
        (listed,) = await exchange.get_open_orders("BTC/USDT")
        assert listed.client_order_id == cid
        assert await exchange.cancel_order(None, "BTC/USDT", client_order_id=cid) is True
    create = sent(sim, Operation.CREATE_ORDER)[0]
    wire = "_grid_0_bot_1_a__01"
    key = "newClientOrderId" if trade_type is TradeType.SPOT else "clientOrderID"
    assert create[key] == wire
    lookup = next(q for q in sent(sim, Operation.FETCH_ORDER) if "clientOrderID" in q)
    assert lookup["clientOrderID"] == wire and lookup["orderId"] == "None"
    (cancel,) = sent(sim, Operation.CANCEL_ORDER)
    assert cancel["clientOrderID"] == wire and "orderId" not in cancel


async def test_generated_client_order_ids_need_no_escaping(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx") as exchange:
        order = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
        )
    (query,) = sent(sim, Operation.CREATE_ORDER)
    assert order.client_order_id is not None and order.client_order_id.startswith("xl")
    assert query["newClientOrderId"] == order.client_order_id
    assert len(order.client_order_id) <= 40


async def test_a_client_order_id_too_long_once_escaped_is_refused_unsent(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx") as exchange:
        with pytest.raises(InvalidOrder, match="at most 40 fit"):
            await exchange.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"),
                client_order_id="ABCDEFGHIJKLMNOPQRSTU",  # 21 capitals: 42 on the wire
            )
    assert sim.count_requests(lambda r: r.operation == Operation.CREATE_ORDER) == 0


# --- errors ------------------------------------------------------------------------------------
async def test_a_skewed_clock_is_resynchronised_once(venue_simulator: Simulator) -> None:
    """BingX refuses the timestamp (100421, which ccxt calls BadSymbol); the connector measures
    the offset with the server time and signs with it from then on."""
    async with Simulator(clock=lambda: time.time_ns() // 1_000_000 + 60_000) as sim:
        async with await connect(sim, "bingx") as exchange:
            (usdt,) = await exchange.get_balance("USDT")
            assert usdt.free == D("10000")
            await exchange.get_balance("USDT")
        statuses = [(r.path, r.operation) for r in sim.requests if r.is_private]
        balance_calls = [r for r in sim.requests if r.operation == Operation.BALANCE]
        assert len(balance_calls) == 3  # refused, then accepted twice
        assert sim.count_requests(lambda r: r.operation == Operation.TIME) == 1
        assert statuses[0][1] == Operation.BALANCE


@pytest.mark.parametrize("trade_type", [TradeType.SPOT, TradeType.FUTURES])
async def test_orders_bingx_does_not_have_are_order_not_found(
    venue_simulator: Simulator, trade_type: TradeType
) -> None:
    """Spot answers 100400/100421 and swap cancels 109414/80018 (ccxt: BadRequest, BadSymbol,
    ExchangeError); all of them mean the order is not there."""
    sim = venue_simulator
    async with await connect(sim, "bingx", default_trade_type=trade_type) as exchange:
        with pytest.raises(OrderNotFound):
            await exchange.get_order(None, "BTC/USDT", client_order_id="never-sent")
        with pytest.raises(OrderNotFound):
            await exchange.cancel_order("12345", "BTC/USDT")
        order = await exchange.create_order(
            "BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.01")
        )
        assert order.status is OrderStatus.FILLED
        assert await exchange.cancel_order(order.id, "BTC/USDT") is False


async def test_system_busy_is_transient_not_insufficient_funds(
    venue_simulator: Simulator,
) -> None:
    """ccxt maps 80012 to InsufficientFunds; BingX uses it for "system busy"."""
    sim = venue_simulator
    busy = {"code": 80012, "msg": "The current system is busy, please try again later", "data": {}}
    async with await connect(
        sim, "bingx", default_trade_type="futures", retry=NO_RETRY
    ) as exchange:
        sim.interceptors.append(answer_with(busy, Operation.BALANCE))
        with pytest.raises(ExchangeUnavailable):
            await exchange.get_balance()
        sim.interceptors.clear()
        margin = {"code": 101204, "msg": "Insufficient margin", "data": {}}
        sim.interceptors.append(answer_with(margin, Operation.CREATE_ORDER))
        with pytest.raises(InsufficientFunds):
            await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.01"))


async def test_http_429_is_a_rate_limit(venue_simulator: Simulator) -> None:
    sim = venue_simulator

    async def too_many(request: VenueRequest, call_next: Handler) -> VenueResponse:
        return VenueResponse(429, b"Too Many Requests", {"Content-Type": "text/plain"})

    async with await connect(sim, "bingx", retry=NO_RETRY) as exchange:
        await exchange.get_symbols()
        sim.interceptors.append(too_many)
        with pytest.raises(RateLimitExceeded):
            await exchange.get_ticker("BTC/USDT")


async def test_open_orders_without_a_symbol_cover_every_futures_market(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "bingx", default_trade_type="futures") as exchange:
        limit = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.01"), D("40000")
        )
        stop = await exchange.create_order(
            "ETH/USDT", OrderType.STOP, OrderSide.BUY, D("0.1"), stop_price=D("4000")
        )
        orders = await exchange.get_open_orders()
        assert {o.id for o in orders} == {limit.id, stop.id}
        assert {o.symbol for o in orders} == {"BTC/USDT:USDT", "ETH/USDT:USDT"}
        assert await exchange.cancel_order(stop.id, "ETH/USDT") is True
        assert [o.id for o in await exchange.get_open_orders()] == [limit.id]
        spot_orders = await exchange.get_open_orders(trade_type=TradeType.SPOT)
        assert spot_orders == []
    paths = {r.path for r in sim.requests if r.operation == Operation.OPEN_ORDERS}
    assert paths == {"/openApi/swap/v2/trade/openOrders", "/openApi/spot/v1/trade/openOrders"}


async def test_the_factory_builds_bingx_from_its_environment_variables(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    sim.add_account("bingx", api_key="env-key", secret="env-secret", environment="vst")
    environ = {"BINGX_API_KEY": "env-key", "BINGX_SECRET_KEY": "env-secret", "BINGX_TESTNET": "1"}
    exchange = ExchangeFactory.from_env(
        "bingx", environ, session=sim.client_session(), rate_limit=False,
        default_trade_type="futures",
    )
    async with exchange:
        assert exchange.is_testnet and exchange.name == "bingx"
        (usdt,) = await exchange.get_balance("USDT")
        assert usdt.total == D("10000")
    assert {r.host for r in sim.requests} == {VST}


async def test_an_answer_without_a_code_is_not_read_as_no_balances(
    venue_simulator: Simulator,
) -> None:
    """ccxt would parse a JSON body without BingX's ``code`` into an empty balance."""
    sim = venue_simulator

    async def not_bingx(request: VenueRequest, call_next: Handler) -> VenueResponse:
        response = await call_next(request)
        if response.operation == Operation.BALANCE:
            return VenueResponse(200, b'[{"unexpected": true}]', {"Content-Type": "text/json"},
                                 operation=Operation.BALANCE, private=True)
        return response

    async with await connect(sim, "bingx", retry=NO_RETRY) as exchange:
        assert [b.currency for b in await exchange.get_balance()] == ["BTC", "USDT"]
        sim.interceptors.append(not_bingx)
        with pytest.raises(ExchangeUnavailable, match="without a code"):
            await exchange.get_balance()


async def test_swap_fills_get_stable_distinct_ids(venue_simulator: Simulator) -> None:
    """BingX lists swap fills without an id; a market order that walks the book has several
    fills with the same order id and time."""
    sim = venue_simulator
    async with await connect(sim, "bingx", default_trade_type="futures") as exchange:
        book = await exchange.get_order_book("BTC/USDT", limit=5)
        amount = book.asks[0].amount + book.asks[1].amount
        order = await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, amount)
        first = await exchange.get_trades("BTC/USDT")
        again = await exchange.get_trades("BTC/USDT")
    assert len(first) >= 2 and sum(t.amount for t in first) == amount
    assert len({t.id for t in first}) == len(first)
    assert all(t.id.startswith(f"{order.id}-") and t.order_id == order.id for t in first)
    assert [t.id for t in again] == [t.id for t in first]
