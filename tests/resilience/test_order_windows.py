"""Each account's new orders held inside the venue's order-count windows.

Venues count an account's new orders in windows (Binance spot: 100 per 10 s; Gate: 10 a second;
BingX: 5 a second; Bitget: 10 a second), which ccxt does not model: a bot that places orders
faster is refused (429) and the order is not placed. exchlayer makes the order wait for room
instead. An order counts from when it is sent until a window's length after its answer came
back, so latency can never squeeze one more into the venue's own window.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from decimal import Decimal

import pytest

from exchlayer import BaseExchange, OrderSide, OrderType, RateLimitExceeded
from exchlayer.models import TradeType
from exchlayer.resilience import LocalBackend, LocalWindowLimiter, RedisBackend, Window
from exchlayer.testing import Simulator, connect

D = Decimal


def most_in_any_stretch(times: Sequence[float], seconds: float) -> int:
    """The most events that started within any ``seconds``-long stretch."""
    ordered = sorted(times)
    return max(
        sum(1 for t in ordered[i:] if t - start < seconds) for i, start in enumerate(ordered)
    )


async def run_events(limiter: object, count: int, hold: float = 0.0) -> list[float]:
    starts: list[float] = []

    async def event() -> None:
        async with limiter.slot():  # type: ignore[attr-defined]
            starts.append(time.monotonic())
            await asyncio.sleep(hold)

    await asyncio.gather(*(event() for _ in range(count)))
    return starts


async def test_events_are_held_to_the_window() -> None:
    limiter = LocalWindowLimiter([(5, 0.3)])
    start = time.monotonic()
    starts = await run_events(limiter, 15)
    assert most_in_any_stretch(starts, 0.3) <= 5
    assert time.monotonic() - start >= 0.58  # 5 now, 5 after 0.3 s, 5 after 0.6 s
    assert limiter.waited > 0


async def test_every_window_holds_at_once() -> None:
    limiter = LocalWindowLimiter([Window(3, 0.1), Window(5, 1.0)])
    start = time.monotonic()
    starts = await run_events(limiter, 6)
    assert most_in_any_stretch(starts, 0.1) <= 3
    assert most_in_any_stretch(starts, 1.0) <= 5
    offsets = sorted(t - start for t in starts)
    assert offsets[4] < 0.5  # the first five within the short window's pace
    assert offsets[5] >= 0.98  # the sixth waits out the long window


async def test_an_event_counts_until_a_window_after_it_finished() -> None:
    limiter = LocalWindowLimiter([(2, 0.2)])
    start = time.monotonic()
    # two slow events (0.3 s each): the third starts only 0.2 s after the first one ends
    starts = await run_events(limiter, 3, hold=0.3)
    assert sorted(starts)[2] - start >= 0.48


async def test_a_failed_or_cancelled_event_gives_its_slot_back() -> None:
    limiter = LocalWindowLimiter([(1, 0.1)])
    with pytest.raises(RuntimeError):
        async with limiter.slot():
            raise RuntimeError("the request failed")
    waiter = asyncio.create_task(run_events(limiter, 1))
    await asyncio.sleep(0.02)
    waiter.cancel()  # cancelled while waiting for room: takes nothing
    with pytest.raises(asyncio.CancelledError):
        await waiter
    start = time.monotonic()
    await run_events(limiter, 1)
    assert time.monotonic() - start < 0.15  # one window after the failed one, no more


def test_windows_must_make_sense() -> None:
    for bad in ([], [(0, 1.0)], [(5, 0.0)]):
        with pytest.raises(ValueError, match="windows"):
            LocalWindowLimiter(bad)


async def test_the_venues_order_windows() -> None:
    backend = LocalBackend()
    sim = Simulator()
    async with sim:
        exchanges = {
            name: await connect(sim, name, rate_limit=backend)
            for name in ("binance", "gateio", "bingx", "bitget", "kucoin")
        }
        windows = {
            name: {
                tt: getattr(exchange._pool._order_limiter(tt), "windows", None)  # type: ignore[attr-defined]
                for tt in TradeType
            }
            for name, exchange in exchanges.items()
        }
        for exchange in exchanges.values():
            await exchange.close()
    assert windows["binance"] == {
        TradeType.SPOT: (Window(100, 10.0),),
        TradeType.FUTURES: (Window(300, 10.0), Window(1200, 60.0)),
    }
    assert windows["gateio"][TradeType.SPOT] == (Window(10, 1.0),)
    assert windows["bingx"][TradeType.SPOT] == (Window(5, 1.0),)
    assert windows["bitget"][TradeType.FUTURES] == (Window(10, 1.0),)
    # KuCoin meters orders by request weight in per-account pools, not by count
    assert windows["kucoin"] == {TradeType.SPOT: None, TradeType.FUTURES: None}


async def burst(exchange: BaseExchange, orders: int) -> tuple[int, int]:
    """Place ``orders`` limit orders at once; (placed, refused with RateLimitExceeded)."""
    ticker = await exchange.get_ticker("BTC/USDT")
    assert ticker.bid is not None
    price = (ticker.bid * D("0.8")).quantize(D("1"))

    async def place() -> bool:
        try:
            await exchange.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.01"), price
            )
        except RateLimitExceeded:
            return False
        return True

    results = await asyncio.gather(*(place() for _ in range(orders)))
    return sum(results), results.count(False)


#: venue -> orders a second it allows one account (the simulator enforces the real windows)
PER_SECOND = {"gateio": 10, "bingx": 5, "bitget": 10}


@pytest.mark.parametrize("venue", sorted(PER_SECOND))
async def test_a_burst_of_orders_waits_for_room_instead_of_being_refused(venue: str) -> None:
    orders = PER_SECOND[venue] * 2 + 2  # needs three windows
    async with Simulator() as sim:
        async with await connect(sim, venue, rate_limit=LocalBackend()) as exchange:
            start = time.monotonic()
            placed, refused = await burst(exchange, orders)
            elapsed = time.monotonic() - start
        assert (placed, refused) == (orders, 0)
        assert sim.count_requests(lambda r: r.status == 429) == 0
        assert elapsed >= 1.9
    # without exchlayer's order windows the venue refuses the same burst
    async with Simulator() as sim:
        async with await connect(sim, venue, rate_limit=False) as exchange:
            placed, refused = await burst(exchange, orders)
        assert refused > 0
        assert placed + refused == orders
        assert sim.count_requests(lambda r: r.status == 429) >= refused


async def test_processes_share_an_accounts_order_windows_through_redis(redis_url: str) -> None:
    prefix = f"test:{time.monotonic_ns()}"
    # two backends, two Redis connections: as two processes would be
    one, two = RedisBackend(redis_url, prefix=prefix), RedisBackend(redis_url, prefix=prefix)
    try:
        a = one.window_limiter("venue:spot:live:orders:acct", [(4, 0.3)])
        b = two.window_limiter("venue:spot:live:orders:acct", [(4, 0.3)])
        start = time.monotonic()
        starts_a, starts_b = await asyncio.gather(run_events(a, 6), run_events(b, 6))
        elapsed = time.monotonic() - start
        assert most_in_any_stretch(starts_a + starts_b, 0.3) <= 4
        assert elapsed >= 0.58  # 12 events, 4 per 0.3 s
        other = one.window_limiter("venue:spot:live:orders:other", [(4, 0.3)])
        start = time.monotonic()
        await run_events(other, 4)  # another account has its own windows
        assert time.monotonic() - start < 0.25
    finally:
        await one.close()
        await two.close()


async def test_an_order_outlives_a_redis_that_fails_to_record_its_end(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The order's outcome matters more than the bookkeeping: if Redis cannot record the end
    of an event, the caller still gets its result (the event holds its place until ``hold``)."""
    prefix = f"test:{time.monotonic_ns()}"
    backend = RedisBackend(redis_url, prefix=prefix)
    try:
        limiter = backend.window_limiter("orders:acct", [(4, 0.3)])
        async with limiter.slot():
            # the key is clobbered (a string now), so recording the end fails: WRONGTYPE
            await backend.client.set(f"{prefix}:orders:acct", "clobbered")
            result = "placed"
        assert result == "placed"
        assert "could not record an event's end (ResponseError)" in caplog.text
    finally:
        await backend.close()
