"""An order is placed at most once and its fate is always learnable, under the venues' real rules:
ambiguous answers after the venue acted, the caller cancelling mid-flight, lookups that lag,
client ids unique only among open orders, requests delayed in transit, clock skew inside the
venue's tolerance. exchlayer never sends an order twice; it finds it, or says it cannot."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal

import pytest

from exchlayer import (
    BaseExchange,
    Order,
    OrderNotFound,
    OrderSide,
    OrderStatus,
    OrderStatusUnknown,
    OrderType,
)
from exchlayer.resilience import RetryPolicy
from exchlayer.testing import Simulator, connect, held_client_order_ids
from exchlayer.testing.simulator import Fault, Operation

D = Decimal
VENUES = ["binance", "gateio", "kucoin", "bingx", "bitget"]
QUICK = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, max_elapsed=3.0)
SYMBOL = "BTC/USDT"


async def order_connector(sim: Simulator, venue: str, **options: object) -> BaseExchange:
    return await connect(
        sim, venue, **{"timeout": 0.5, "retry": QUICK, "reconcile_timeout": 2.0, **options}
    )


def resting(exchange: BaseExchange, client_order_id: str | None = None) -> asyncio.Task[Order]:
    """A limit buy far below the market (it rests), as a task."""
    return asyncio.ensure_future(
        exchange.create_order(SYMBOL, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"),
                              client_order_id=client_order_id)
    )


async def venue_placed_order(sim: Simulator, venue: str) -> None:
    """Wait until the venue holds an order."""
    for _ in range(300):
        if held_client_order_ids(sim, venue):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the venue never placed the order")


@pytest.mark.parametrize("venue", VENUES)
async def test_a_caller_cancelling_mid_flight_can_still_learn_the_orders_fate(
    venue_simulator: Simulator, venue: str, caplog: pytest.LogCaptureFixture
) -> None:
    """``task.cancel()`` after the venue placed the order but before the answer: the order
    exists, and its generated client id is on the CancelledError, in a WARNING and in
    ``orders_in_doubt``, so the caller finds it."""
    sim = venue_simulator
    async with await order_connector(sim, venue) as exchange:
        await exchange.get_symbols()
        sim.faults.add(Fault.HANG_AFTER, operation=Operation.CREATE_ORDER, times=1, delay=5.0)
        task = resting(exchange)
        await venue_placed_order(sim, venue)
        task.cancel()
        with pytest.raises(asyncio.CancelledError) as info:
            await task
        cid = info.value.client_order_id  # type: ignore[attr-defined]
        assert [o.client_order_id for o in exchange.orders_in_doubt] == [cid]  # type: ignore[attr-defined]
        assert exchange.orders_in_doubt[0].reason == "cancelled"  # type: ignore[attr-defined]
        found = await exchange.get_order(None, SYMBOL, client_order_id=cid)
    assert found.status is OrderStatus.OPEN and found.client_order_id == cid
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and cid in r.getMessage()]
    assert warnings, "the client order id of an order in doubt was not logged"
    assert held_client_order_ids(sim, venue).count(cid) == 1


async def test_wait_for_timing_out_a_create_keeps_the_client_id_learnable(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await order_connector(sim, "binance") as exchange:
        await exchange.get_symbols()
        sim.faults.add(Fault.HANG_AFTER, operation=Operation.CREATE_ORDER, times=1, delay=5.0)
        with pytest.raises(asyncio.TimeoutError) as info:
            await asyncio.wait_for(
                exchange.create_order(SYMBOL, OrderType.LIMIT, OrderSide.BUY, D("0.001"),
                                      D("40000")),
                0.3,
            )
        cancelled = info.value.__cause__ or info.value.__context__
        cid = cancelled.client_order_id  # type: ignore[union-attr]
        assert exchange.orders_in_doubt[-1].client_order_id == cid  # type: ignore[attr-defined]
        found = await exchange.get_order(None, SYMBOL, client_order_id=cid)
    assert found.status is OrderStatus.OPEN


async def test_a_cancel_before_anything_was_sent_leaves_nothing_in_doubt(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await order_connector(sim, "binance") as exchange:
        # the markets are not loaded yet: the cancel lands while they load
        sim.faults.add(Fault.LATENCY, operation=Operation.MARKETS, delay=1.0)
        task = resting(exchange)
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError) as info:
            await task
        assert not hasattr(info.value, "client_order_id")
        assert exchange.orders_in_doubt == ()  # type: ignore[attr-defined]
    assert held_client_order_ids(sim, "binance") == []


@pytest.mark.parametrize("venue", VENUES)
async def test_an_ambiguous_error_after_the_venue_placed_the_order_is_not_a_refusal(
    venue_simulator: Simulator, venue: str
) -> None:
    """The venue places the order, then answers with its "unknown error / execution status
    unknown" code: the order is found and returned, never reported as refused or sent again."""
    sim = venue_simulator
    async with await order_connector(sim, venue) as exchange:
        await exchange.get_symbols()
        sim.faults.add(Fault.ERROR_AFTER, operation=Operation.CREATE_ORDER, times=1)
        order = await resting(exchange)
    assert order.status is OrderStatus.OPEN
    assert held_client_order_ids(sim, venue) == [order.client_order_id]


@pytest.mark.parametrize("venue", VENUES)
async def test_an_ambiguous_error_after_the_venue_cancelled_is_reconciled(
    venue_simulator: Simulator, venue: str
) -> None:
    """The venue cancels the order, then answers with an ambiguous error: the cancel is
    reported as done (the order is looked up), not as refused."""
    sim = venue_simulator
    async with await order_connector(sim, venue) as exchange:
        order = await resting(exchange)
        sim.faults.add(Fault.ERROR_AFTER, operation=Operation.CANCEL_ORDER, times=1)
        cancelled = await exchange.cancel_order(order.id, SYMBOL)
        after = await exchange.get_order(order.id, SYMBOL)
    assert cancelled is True
    assert after.status is OrderStatus.CANCELED


@pytest.mark.parametrize("venue", VENUES)
async def test_a_lost_answer_is_never_followed_by_a_second_order(
    venue_simulator: Simulator, venue: str
) -> None:
    """The connection drops before the venue sees the order: exchlayer looks for it, then says
    OrderStatusUnknown with the client id; it never sends the order a second time."""
    sim = venue_simulator
    async with await order_connector(sim, venue, reconcile_timeout=0.5) as exchange:
        await exchange.get_symbols()
        sim.faults.add(Fault.RESET, operation=Operation.CREATE_ORDER)
        with pytest.raises(OrderStatusUnknown) as info:
            await resting(exchange)
        sim.faults.clear()
        with pytest.raises(OrderNotFound):
            await exchange.get_order(None, SYMBOL, client_order_id=info.value.client_order_id)
    assert sim.faults.count(Fault.RESET) == 1  # one attempt, not two
    assert held_client_order_ids(sim, venue) == []


def market_buy(exchange: BaseExchange) -> asyncio.Task[Order]:
    """A market buy (it fills at once: on Binance its client id is free again right after)."""
    return asyncio.ensure_future(
        exchange.create_order(SYMBOL, OrderType.MARKET, OrderSide.BUY, D("0.001"))
    )


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("kind", ["limit", "market"])
async def test_a_lost_answer_and_lookups_that_lag_still_give_one_order(
    venue_simulator: Simulator, venue: str, kind: str
) -> None:
    """The venue places the order but the answer is lost, and its lookups do not show the
    order for a second: one stale "not found" must not lead to a second order (a filled market
    order's client id is free again on Binance, so a resend would fill twice)."""
    sim = venue_simulator
    async with await order_connector(sim, venue, reconcile_timeout=3.0) as exchange:
        await exchange.get_symbols()
        sim.lag_lookups(1.0)
        sim.faults.add(Fault.DROP_AFTER, operation=Operation.CREATE_ORDER, times=1)
        order = await (resting(exchange) if kind == "limit" else market_buy(exchange))
    assert order.client_order_id is not None
    assert held_client_order_ids(sim, venue) == [order.client_order_id]
    expected = OrderStatus.OPEN if kind == "limit" else OrderStatus.FILLED
    assert order.status is expected


@pytest.mark.parametrize("venue", VENUES)
async def test_lookups_lagging_past_the_reconcile_window_end_in_a_learnable_unknown(
    venue_simulator: Simulator, venue: str
) -> None:
    sim = venue_simulator
    async with await order_connector(sim, venue, reconcile_timeout=0.5) as exchange:
        await exchange.get_symbols()
        sim.lag_lookups(1.5)
        sim.faults.add(Fault.DROP_AFTER, operation=Operation.CREATE_ORDER, times=1)
        with pytest.raises(OrderStatusUnknown) as info:
            await market_buy(exchange)
        cid = info.value.client_order_id
        await asyncio.sleep(1.5)  # the lookups catch up
        found = await exchange.get_order(None, SYMBOL, client_order_id=cid)
    assert found.status is OrderStatus.FILLED
    assert held_client_order_ids(sim, venue) == [cid]


@pytest.mark.parametrize("venue", ["binance", "bingx"])
async def test_a_request_delayed_in_transit_with_skew_inside_tolerance_gives_one_order(
    venue_simulator: Simulator, venue: str
) -> None:
    """Our clock runs 0.9 s ahead of the venue's (inside its 1 s tolerance) and the order
    request is held in transit for 1.8 s: the venue still accepts it (its timestamp is only
    0.9 s old by then, inside recvWindow) long after the client timed out. Nothing may have
    been sent in between."""
    sim = venue_simulator
    async with await order_connector(
        sim, venue, ccxt_options={"recvWindow": 1000}, reconcile_timeout=3.0
    ) as exchange:
        await exchange.get_symbols()
        sim.skew_clock(-900)
        sim.faults.add(Fault.DELAY, operation=Operation.CREATE_ORDER, times=1, delay=1.8)
        order = await market_buy(exchange)
    assert order.status is OrderStatus.FILLED
    assert held_client_order_ids(sim, venue) == [order.client_order_id]
