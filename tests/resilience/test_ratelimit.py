"""Shared rate limits: one budget per venue, in process and across processes through Redis."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time
from collections.abc import AsyncIterator

import pytest_asyncio

from exchlayer.resilience import LocalBackend, LocalRateLimiter, RedisBackend
from exchlayer.testing import Simulator, connect


async def spend(limiter: object, units: float, calls: int) -> float:
    start = time.monotonic()
    for _ in range(calls):
        await limiter.acquire(units)  # type: ignore[attr-defined]
    return time.monotonic() - start


async def test_local_limiter_holds_the_rate_after_the_burst() -> None:
    limiter = LocalRateLimiter(rate=100.0, burst=5.0)
    elapsed = await spend(limiter, 1.0, 25)  # 5 free (burst), then 20 at 100/s = 0.2 s
    assert 0.17 <= elapsed <= 0.6
    assert limiter.spent == 25


async def test_a_call_dearer_than_the_bucket_is_taken_in_parts() -> None:
    limiter = LocalRateLimiter(rate=100.0, burst=2.0)
    elapsed = await spend(limiter, 10.0, 1)  # 2 at once, 8 more at 100/s
    assert 0.06 <= elapsed <= 0.4


async def test_pause_stops_every_user_of_the_budget() -> None:
    limiter = LocalRateLimiter(rate=1000.0, burst=100.0)
    await limiter.pause(0.3)
    start = time.monotonic()
    await asyncio.gather(limiter.acquire(1), limiter.acquire(1))
    assert time.monotonic() - start >= 0.28


async def test_local_backend_gives_one_limiter_per_budget_and_loop() -> None:
    backend = LocalBackend()
    a = backend.limiter("binance:binance:live", rate=20, burst=50)
    assert backend.limiter("binance:binance:live", rate=20, burst=50) is a
    assert backend.limiter("binance:binanceusdm:live", rate=20, burst=50) is not a


async def test_connectors_of_one_venue_share_one_budget(venue_simulator: Simulator) -> None:
    backend = LocalBackend()
    first = await connect(venue_simulator, "binance", rate_limit=backend)
    second = await connect(venue_simulator, "binance", rate_limit=backend)
    testnet = await connect(venue_simulator, "binance", rate_limit=backend, is_testnet=True)
    async with first, second, testnet:
        await first.get_ticker("BTC/USDT")
        await second.get_ticker("BTC/USDT")
        await testnet.get_ticker("BTC/USDT")
        limiters = [c._pool._limiters for c in (first, second, testnet)]  # type: ignore[attr-defined]
    assert limiters[0] and limiters[0] == limiters[1]
    assert limiters[2] != limiters[0]  # the demo environment has its own budget


async def test_a_429_pauses_every_connector_of_the_venue(venue_simulator: Simulator) -> None:
    from exchlayer.testing.simulator import Fault, Operation

    sim = venue_simulator
    backend = LocalBackend()
    a = await connect(sim, "binance", rate_limit=backend)
    b = await connect(sim, "binance", rate_limit=backend)
    async with a, b:
        await a.get_symbols()
        await b.get_symbols()
        sim.faults.add(Fault.RATE_LIMITED, operation=Operation.TICKER, times=1, retry_after=0.6)
        start = time.monotonic()
        ticker_a = asyncio.create_task(a.get_ticker("BTC/USDT"))  # gets the 429, then retries
        await asyncio.sleep(0.1)
        await b.get_ticker("ETH/USDT")  # waits out the pause a's 429 started
        waited = time.monotonic() - start
        await ticker_a
    assert waited >= 0.5
    assert sim.faults.count() == 1


@pytest_asyncio.fixture
async def redis_backend(redis_url: str) -> AsyncIterator[RedisBackend]:
    backend = RedisBackend(redis_url, prefix=f"test:{time.monotonic_ns()}")
    yield backend
    await backend.close()


async def test_redis_limiter_holds_the_rate(redis_backend: RedisBackend) -> None:
    limiter = redis_backend.limiter("venue", rate=200.0, burst=10.0)
    elapsed = await spend(limiter, 1.0, 50)  # 10 free, 40 at 200/s = 0.2 s
    assert 0.17 <= elapsed <= 0.8


async def test_two_clients_of_redis_share_the_budget(redis_url: str) -> None:
    prefix = f"test:{time.monotonic_ns()}"
    one, two = RedisBackend(redis_url, prefix=prefix), RedisBackend(redis_url, prefix=prefix)
    try:
        a = one.limiter("venue", rate=200.0, burst=10.0)
        b = two.limiter("venue", rate=200.0, burst=10.0)
        start = time.monotonic()
        await asyncio.gather(spend(a, 1.0, 30), spend(b, 1.0, 30))
        elapsed = time.monotonic() - start
        assert elapsed >= 0.22  # 60 units, 10 of them burst, at 200/s together
        await a.pause(0.3)
        start = time.monotonic()
        await b.acquire(1.0)
        assert time.monotonic() - start >= 0.25
    finally:
        await one.close()
        await two.close()


async def test_three_processes_share_one_redis_budget(redis_url: str) -> None:
    """Three OS processes, each spending 40 units as fast as allowed: together they cannot
    beat the shared rate."""
    prefix = f"test:{time.monotonic_ns()}"
    script = textwrap.dedent(f"""
        import asyncio, time
        from exchlayer.resilience import RedisBackend

        async def main():
            backend = RedisBackend({redis_url!r}, prefix={prefix!r})
            limiter = backend.limiter("venue", rate=300.0, burst=10.0)
            for _ in range(40):
                await limiter.acquire(1.0)
            print(time.time())
            await backend.close()

        asyncio.run(main())
    """)
    start = time.time()
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, stdout=asyncio.subprocess.PIPE
        )
        for _ in range(3)
    ]
    finished = []
    for proc in procs:
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0
        finished.append(float(out.decode().strip()))
    # 120 units, 10 of them burst, at 300/s: at least ~0.37 s after the first acquire
    assert max(finished) - start >= 0.33
