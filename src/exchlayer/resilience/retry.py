"""Retrying what is safe to retry.

Reads (tickers, books, balances, order lookups, ...) are retried on transient errors with
exponential backoff and full jitter, bounded in attempts and in total time, and never sooner
than a venue's ``Retry-After``. Permanent errors (authentication, insufficient funds, invalid
order, bad symbol, ...) are raised at once: retrying them only spends rate-limit budget.
``create_order`` is never retried here; see `exchlayer.connector.core` for how an order
whose fate is open is reconciled through its client order id.

Why these defaults: 4 attempts with waits of about 0.25, 0.5 and 1 s (randomised down to zero)
ride out a dropped connection or a venue's brief 5xx burst, while ``max_elapsed`` of 10 s keeps
a call from hanging a trading loop much past its own timeout. Jitter spreads the retries of many
connectors so they do not hit a recovering venue in lockstep.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
)

from ..errors import ClockSkew, ExchangeLayerError, RateLimitExceeded, TransientError

__all__ = ["NO_RETRY", "RetryPolicy", "retry_call", "retry_failed", "retryable"]

log = logging.getLogger("exchlayer.retry")
T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How a connector retries reads.

    Attributes:
        attempts: total tries, the first included (1 disables retries).
        base_delay: the first backoff ceiling, in seconds; it doubles each time.
        max_delay: the largest backoff ceiling.
        max_elapsed: stop retrying once this many seconds have passed since the first try.
        jitter: draw each wait uniformly from [0, ceiling] ("full jitter").

    Note:
        A short ``base_delay`` with many ``attempts`` hammers a venue that is already
        struggling and can get the API key or IP temporarily banned.
    """

    attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 4.0
    max_elapsed: float = 10.0
    jitter: bool = True

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_elapsed < 0:
            raise ValueError("delays must not be negative")

    def backoff(self, attempt: int) -> float:
        """The wait before try ``attempt + 1`` (``attempt`` counts from 1)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(0, ceiling) if self.jitter else ceiling


NO_RETRY = RetryPolicy(attempts=1)


def _retryable(exc: BaseException) -> bool:
    # ClockSkew is transient but needs a clock resync first; the connector handles it.
    return isinstance(exc, TransientError) and not isinstance(exc, ClockSkew)


async def retry_call(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run ``call`` (which raises exchlayer errors) under ``policy``; a rate-limit refusal
    waits at least its ``retry_after``.

    The first attempt runs directly: the retry machinery (tenacity) is only built once an
    attempt has failed, so the common, successful call pays nothing for it.
    """
    started = time.monotonic()
    try:
        return await call()
    except Exception as exc:
        if policy.attempts <= 1 or not _retryable(exc):
            raise
        first = exc
    return await retry_failed(call, policy, first, started, sleep=sleep)


def retryable(exc: BaseException, policy: RetryPolicy) -> bool:
    """Whether a first attempt that raised ``exc`` is tried again under ``policy``."""
    return policy.attempts > 1 and _retryable(exc)


async def retry_failed(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    first: Exception,
    started: float,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """The retries of ``call`` after its first attempt (begun at ``started``, monotonic) raised
    ``first``, a retryable error: for callers that make the first attempt themselves, so the
    common, successful call runs through no extra frame."""
    delay = policy.backoff(1)
    if isinstance(first, RateLimitExceeded):
        delay = max(delay, first.retry_after if first.retry_after is not None else 1.0)
    remaining = policy.max_elapsed - (time.monotonic() - started)
    if remaining <= 0:
        raise first
    log.info("retrying after %s (attempt 1 of %d, waiting %.2f s)", first, policy.attempts,
             min(delay, remaining))
    await sleep(min(delay, remaining))

    def wait(state: RetryCallState) -> float:
        delay = policy.backoff(state.attempt_number + 1)
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimitExceeded):
            delay = max(delay, exc.retry_after if exc.retry_after is not None else 1.0)
        remaining = policy.max_elapsed - (time.monotonic() - started)
        return max(0.0, min(delay, remaining))

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.info(
            "retrying after %s (attempt %d of %d, waiting %.2f s)",
            exc if isinstance(exc, ExchangeLayerError) else type(exc).__name__,
            state.attempt_number + 1, policy.attempts,
            state.next_action.sleep if state.next_action else 0.0,
        )

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.attempts - 1)
        | stop_after_delay(max(0.0, policy.max_elapsed - (time.monotonic() - started))),
        wait=wait,
        retry=retry_if_exception(_retryable),
        reraise=True,
        sleep=sleep,
        before_sleep=before_sleep,
    )
    async def run() -> T:
        return await call()

    return await retrying(run)
