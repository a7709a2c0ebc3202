"""Binance specifics, end to end through ccxt and aiohttp against the simulator."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from exchlayer import (
    AuthenticationError,
    ConfigurationError,
    OrderNotFound,
    OrderSide,
    OrderStatus,
    OrderStatusUnknown,
    OrderType,
    TradeType,
)
from exchlayer.resilience import RetryPolicy
from exchlayer.testing import Operation, Simulator, connect
from exchlayer.testing.simulator import VenueRequest, VenueResponse

D = Decimal


def order_requests(sim: Simulator) -> list[dict[str, list[str]]]:
    return [
        parse_qs(r.body or "")
        for r in sim.requests
        if r.operation == Operation.CREATE_ORDER
    ]


async def test_testnet_mode_talks_to_the_demo_hosts_only(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "binance", is_testnet=True) as exchange:
        assert exchange.is_testnet
        await exchange.get_balance()
        await exchange.get_balance(trade_type=TradeType.FUTURES)
        await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.001"))
    hosts = {r.host for r in sim.requests}
    assert hosts == {"demo-api.binance.com", "demo-fapi.binance.com"}


async def test_a_live_key_does_not_work_on_the_testnet(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "binance", api_key="live-key", api_secret="s") as live:
        assert await live.test_connection()
    async with await connect(sim, "binance", api_key="live-key", api_secret="s",
                             is_testnet=True, open_account=False) as testnet:
        with pytest.raises(AuthenticationError):
            await testnet.get_balance()


async def test_amounts_and_prices_reach_the_wire_exactly(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "binance") as exchange:
        await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.00123"), D("41234.56")
        )
        await exchange.create_order(
            "BTC/USDT:USDT", OrderType.STOP, OrderSide.BUY, D("0.012"), stop_price=D("60000.1")
        )
    spot, stop = order_requests(sim)
    assert spot["quantity"] == ["0.00123"] and spot["price"] == ["41234.56"]
    assert stop["quantity"] == ["0.012"] and stop["triggerPrice"] == ["60000.1"]
    assert stop["type"] == ["STOP_MARKET"]


async def test_every_order_carries_the_generated_client_order_id(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "binance") as exchange:
        order = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
        )
    (sent,) = order_requests(sim)
    assert sent["newClientOrderId"] == [order.client_order_id]
    assert order.client_order_id is not None and order.client_order_id.startswith("xl")
    assert len(order.client_order_id) <= 36


async def test_an_order_whose_answer_is_lost_is_found_by_its_client_id_not_resent(
    venue_simulator: Simulator,
) -> None:
    """The venue accepts the order but the answer never arrives in time: the connector looks
    the order up by its client order id and returns it. Nothing is sent twice."""
    sim = venue_simulator
    answered_late = 0

    async def slow_order_answers(request: VenueRequest, call_next):  # type: ignore[no-untyped-def]
        nonlocal answered_late
        response: VenueResponse = await call_next(request)
        if response.operation == Operation.CREATE_ORDER:
            answered_late += 1
            await asyncio.sleep(1.0)
        return response

    sim.interceptors.append(slow_order_answers)
    async with await connect(sim, "binance", timeout=0.3) as exchange:
        order = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
        )
        sim.interceptors.clear()
        assert order.status is OrderStatus.OPEN
        assert [o.id for o in await exchange.get_open_orders("BTC/USDT")] == [order.id]
    assert answered_late == 1


async def test_an_order_that_never_reached_the_venue_is_never_sent_again(
    venue_simulator: Simulator,
) -> None:
    """The connection drops before the venue sees the order. Lookups find nothing for the
    reconcile window: the caller gets OrderStatusUnknown with the client order id, and the order
    is not sent a second time (Binance's client ids are unique only among open orders, so a
    resent order that filled could exist twice). After ``settles_by`` a lookup is final."""
    sim = venue_simulator
    dropped = 0

    async def drop_first_order(request: VenueRequest, call_next):  # type: ignore[no-untyped-def]
        nonlocal dropped
        if request.method == "POST" and request.path == "/api/v3/order" and not dropped:
            dropped += 1
            return VenueResponse(0, b"", drop=True)
        return await call_next(request)

    sim.interceptors.append(drop_first_order)
    async with await connect(
        sim, "binance", ccxt_options={"recvWindow": 300}, reconcile_timeout=0.5
    ) as exchange:
        with pytest.raises(OrderStatusUnknown) as info:
            await exchange.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
            )
        unknown = info.value
        assert unknown.settles_by is not None and unknown.sent_at is not None
        # recvWindow 0.3 s + 1 s of clock tolerance + the assumed lookup lag
        assert (unknown.settles_by - unknown.sent_at).total_seconds() == pytest.approx(6.3)
        with pytest.raises(OrderNotFound):
            await exchange.get_order(None, "BTC/USDT", client_order_id=unknown.client_order_id)
        assert [o.client_order_id for o in exchange.orders_in_doubt] == [  # type: ignore[attr-defined]
            unknown.client_order_id
        ]
    assert dropped == 1
    sends = [r for r in sim.requests if r.operation == Operation.CREATE_ORDER]
    assert sends == []  # the dropped request never reached the venue; nothing was sent again


async def test_order_status_unknown_when_the_venue_cannot_be_asked(
    venue_simulator: Simulator,
) -> None:
    """The answer is lost and the venue stays unreachable for the lookups: the caller gets
    OrderStatusUnknown with the client order id, and can resolve it later."""
    sim = venue_simulator

    async def outage_after_order(request: VenueRequest, call_next):  # type: ignore[no-untyped-def]
        response: VenueResponse = await call_next(request)
        if response.operation in (Operation.CREATE_ORDER, Operation.FETCH_ORDER):
            return VenueResponse(0, b"", drop=True)
        return response

    sim.interceptors.append(outage_after_order)
    async with await connect(sim, "binance", retry=RetryPolicy(attempts=2, base_delay=0.01)) as ex:
        with pytest.raises(OrderStatusUnknown) as info:
            await ex.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
            )
        client_id = info.value.client_order_id
        assert client_id in str(info.value)
        sim.interceptors.clear()
        found = await ex.get_order(None, "BTC/USDT", client_order_id=client_id)
    assert found.status is OrderStatus.OPEN


async def test_futures_book_depth_is_rounded_up_to_what_binance_accepts(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "binance") as exchange:
        book = await exchange.get_order_book("BTC/USDT:USDT", limit=7)
    assert len(book.bids) == len(book.asks) == 7
    (depth,) = [r for r in sim.requests if r.operation == Operation.ORDER_BOOK]
    assert depth.query["limit"] == "10"


async def test_open_orders_without_a_symbol_include_futures_stop_orders(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "binance", default_trade_type="futures") as exchange:
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


async def test_a_closed_connector_refuses_calls(venue_simulator: Simulator) -> None:
    exchange = await connect(venue_simulator, "binance")
    await exchange.get_ticker("BTC/USDT")
    await exchange.close()
    await exchange.close()  # idempotent
    with pytest.raises(ConfigurationError, match="closed"):
        await exchange.get_ticker("BTC/USDT")


async def test_private_calls_without_credentials_say_what_is_missing(
    venue_simulator: Simulator,
) -> None:
    async with await connect(venue_simulator, "binance", credentials=False) as exchange:
        assert (await exchange.get_ticker("BTC/USDT")).last_price is not None
        with pytest.raises(ConfigurationError, match="needs API credentials"):
            await exchange.get_balance()
    assert venue_simulator.count_requests(lambda r: r.is_private) == 0
