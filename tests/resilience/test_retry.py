"""RetryPolicy and retry_call: what is retried, how long it waits, when it stops."""

from __future__ import annotations

import pytest

from exchlayer.errors import (
    AuthenticationError,
    ClockSkew,
    ExchangeUnavailable,
    InsufficientFunds,
    NetworkError,
    RateLimitExceeded,
    RequestTimeout,
)
from exchlayer.resilience import RetryPolicy, retry_call


class Flaky:
    def __init__(self, *errors: Exception, result: str = "ok") -> None:
        self.errors = list(errors)
        self.calls = 0
        self.result = result

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.result


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


FAST = RetryPolicy(attempts=4, base_delay=0.1, max_delay=1.0, max_elapsed=30.0, jitter=False)


@pytest.mark.parametrize(
    "error", [NetworkError("reset"), RequestTimeout("slow"), ExchangeUnavailable("502")]
)
async def test_transient_errors_are_retried_with_growing_backoff(error: Exception) -> None:
    call, sleeps = Flaky(error, error, error), Sleeps()
    assert await retry_call(call, FAST, sleep=sleeps) == "ok"
    assert call.calls == 4
    assert sleeps.delays == [0.1, 0.2, 0.4]


@pytest.mark.parametrize(
    "error", [AuthenticationError("bad key"), InsufficientFunds("poor"), ClockSkew("late")]
)
async def test_permanent_errors_and_clock_skew_are_not_retried(error: Exception) -> None:
    call, sleeps = Flaky(error), Sleeps()
    with pytest.raises(type(error)):
        await retry_call(call, FAST, sleep=sleeps)
    assert call.calls == 1 and sleeps.delays == []


async def test_attempts_are_bounded_and_the_last_error_surfaces() -> None:
    errors = [NetworkError(f"reset {i}") for i in range(10)]
    call, sleeps = Flaky(*errors), Sleeps()
    with pytest.raises(NetworkError, match="reset 3"):
        await retry_call(call, FAST, sleep=sleeps)
    assert call.calls == 4


async def test_rate_limits_wait_at_least_retry_after() -> None:
    call, sleeps = Flaky(RateLimitExceeded("429", retry_after=2.5)), Sleeps()
    assert await retry_call(call, FAST, sleep=sleeps) == "ok"
    assert sleeps.delays == [2.5]


async def test_backoff_is_capped_by_max_delay_and_jitter_stays_below_the_ceiling() -> None:
    policy = RetryPolicy(attempts=10, base_delay=1.0, max_delay=3.0)
    assert [RetryPolicy(jitter=False, base_delay=1.0, max_delay=3.0).backoff(n)
            for n in range(1, 5)] == [1.0, 2.0, 3.0, 3.0]
    draws = [policy.backoff(4) for _ in range(200)]
    assert all(0 <= d <= 3.0 for d in draws)
    assert len(set(draws)) > 100  # randomised


def test_policy_validation() -> None:
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(base_delay=-1)
