"""Rate limits shared where the venue shares them.

ccxt throttles each client on its own, so ten accounts on one IP would each spend the whole
budget and get the IP banned. exchlayer gives every connector of one venue (per ccxt class and
environment) one limiter, weighted by ccxt's per-endpoint cost, so their sum stays inside the
venue's budget:

- `LocalBackend` (the default) shares a leaky bucket (aiolimiter) between the connectors
  of one process;
- `RedisBackend` shares it between processes and machines through Redis (GCRA in a Lua
  script, timed by the Redis server's clock so machines with skewed clocks agree).

A venue's 429 or 418 pauses every connector drawing from that budget for the ``Retry-After``
period (`RateLimiter.pause`).

Venues also count each account's new orders (Binance: 100 per 10 s on spot; Gate: 10 a second;
BingX: 5 a second; ...), a limit ccxt does not model. A `WindowLimiter` per account
(in-process, or through Redis) keeps each connector's orders inside those windows.

Budgets come from ccxt's own model of each venue (``rateLimit`` milliseconds per cost unit, and
per-endpoint costs in units), which ccxt's maintainers derive from the venues' published limits:
Binance spot's 6,000 weight per minute is ``rateLimit=50`` with weight/5 per call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
import weakref
from collections import deque
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, NamedTuple, Protocol, runtime_checkable

log = logging.getLogger(__name__)

__all__ = [
    "LocalBackend",
    "LocalRateLimiter",
    "LocalWindowLimiter",
    "RateLimitBackend",
    "RateLimiter",
    "RedisBackend",
    "RedisRateLimiter",
    "RedisWindowLimiter",
    "Window",
    "WindowLimiter",
    "default_backend",
]


class Window(NamedTuple):
    """At most ``limit`` events in any ``seconds``-long stretch of time."""

    limit: int
    seconds: float


def _windows(windows: Sequence[tuple[int, float]]) -> tuple[Window, ...]:
    checked = tuple(Window(int(limit), float(seconds)) for limit, seconds in windows)
    if not checked or any(w.limit < 1 or w.seconds <= 0 for w in checked):
        raise ValueError(f"windows need a positive count and duration, got {windows!r}")
    return checked


@runtime_checkable
class RateLimiter(Protocol):
    """A budget several connectors draw from."""

    async def acquire(self, cost: float = 1.0) -> None:
        """Wait until ``cost`` units may be spent, and spend them."""

    async def pause(self, seconds: float) -> None:
        """Stop every user of this budget for ``seconds`` (a venue said "too many requests")."""


@runtime_checkable
class RateLimitBackend(Protocol):
    """Makes (or finds) the limiter of one budget."""

    def limiter(self, key: str, *, rate: float, burst: float) -> RateLimiter:
        """The limiter for budget ``key``: ``rate`` units per second, bursts up to ``burst``."""

    def window_limiter(self, key: str, windows: Sequence[tuple[int, float]]) -> WindowLimiter:
        """The counter of events ``key`` (one account's new orders) held to ``windows``."""


@runtime_checkable
class WindowLimiter(Protocol):
    """Holds events (an account's new orders) to a venue's counting windows."""

    def slot(self) -> AbstractAsyncContextManager[None]:
        """Wait until one more event fits every window, and hold its place while it runs.

        The event counts from when the slot is taken until a window's length after the slot
        is left: the venue received the request somewhere in between, so counting from the
        answer keeps the venue's own count inside its limit, whatever the latency and however
        the venue's windows are aligned.
        """


class LocalRateLimiter:
    """A leaky bucket shared by the connectors of one event loop."""

    def __init__(self, *, rate: float, burst: float) -> None:
        from aiolimiter import AsyncLimiter

        if rate <= 0 or burst <= 0:
            raise ValueError("rate and burst must be positive")
        self.rate = rate
        self.burst = burst
        self._bucket = AsyncLimiter(burst, burst / rate)
        self._paused_until = 0.0
        self.spent = 0.0
        """Units spent so far (for figures)."""

    async def acquire(self, cost: float = 1.0) -> None:
        cost = max(float(cost), 1e-9)
        while True:
            wait = self._paused_until - time.monotonic()
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        # a call dearer than the whole bucket would never fit: take it in bucket-sized parts
        remaining = cost
        while remaining > 0:
            part = min(remaining, self.burst)
            await self._bucket.acquire(part)
            remaining -= part
        self.spent += cost

    async def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + max(seconds, 0.0))

    def __repr__(self) -> str:
        return f"LocalRateLimiter(rate={self.rate:g}/s, burst={self.burst:g})"


class LocalWindowLimiter:
    """Sliding-window event counts shared by the connectors of one event loop."""

    def __init__(self, windows: Sequence[tuple[int, float]]) -> None:
        self.windows = _windows(windows)
        # when each of the latest events finished (monotonic; appended in order)
        self._ends: deque[float] = deque(maxlen=max(w.limit for w in self.windows))
        self._running = 0
        self._finished: asyncio.Future[None] | None = None  # resolved when an event finishes
        self.waited = 0.0
        """Seconds callers spent waiting for a slot (for figures)."""

    def _wait(self, now: float) -> float | None:
        """Seconds until one more event fits; ``None`` until a running one finishes."""
        wait = 0.0
        for limit, seconds in self.windows:
            finished = limit - self._running  # finished events that may still be in the window
            if finished <= 0:
                return None
            if len(self._ends) >= finished:
                wait = max(wait, self._ends[-finished] + seconds - now)
        return wait

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        started = time.monotonic()
        while True:
            wait = self._wait(time.monotonic())
            if wait is not None and wait <= 0:
                break
            if self._finished is None:
                self._finished = asyncio.get_running_loop().create_future()
            with contextlib.suppress(asyncio.TimeoutError):  # a window moved on, or one finished
                await asyncio.wait_for(asyncio.shield(self._finished), timeout=wait)
        # no await between the check above and this: the slot is ours
        self._running += 1
        self.waited += time.monotonic() - started
        try:
            yield
        finally:
            self._running -= 1
            self._ends.append(time.monotonic())
            finished, self._finished = self._finished, None
            if finished is not None and not finished.done():
                finished.set_result(None)

    def __repr__(self) -> str:
        windows = ", ".join(f"{w.limit}/{w.seconds:g}s" for w in self.windows)
        return f"LocalWindowLimiter({windows})"


class LocalBackend:
    """Limiters shared within this process, one set per event loop."""

    def __init__(self) -> None:
        self._loops: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, LocalRateLimiter]
        ] = weakref.WeakKeyDictionary()
        self._windows: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, LocalWindowLimiter]
        ] = weakref.WeakKeyDictionary()

    def limiter(self, key: str, *, rate: float, burst: float) -> LocalRateLimiter:
        limiters = self._loops.setdefault(asyncio.get_running_loop(), {})
        found = limiters.get(key)
        if found is None:
            found = limiters[key] = LocalRateLimiter(rate=rate, burst=burst)
        return found

    def window_limiter(
        self, key: str, windows: Sequence[tuple[int, float]]
    ) -> LocalWindowLimiter:
        limiters = self._windows.setdefault(asyncio.get_running_loop(), {})
        found = limiters.get(key)
        if found is None:
            found = limiters[key] = LocalWindowLimiter(windows)
        return found

    def __repr__(self) -> str:
        return "LocalBackend()"


_DEFAULT = LocalBackend()


def default_backend() -> LocalBackend:
    """The process-wide backend connectors use unless given another."""
    return _DEFAULT


# GCRA ("generic cell rate algorithm"): one key holds the theoretical arrival time (TAT) in
# microseconds of server time. Returns 0 when the cost was spent, otherwise microseconds to wait.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return paused - now end
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval * cost
local allow_at = new_tat - tolerance
if allow_at > now then return allow_at - now end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return 0
"""

_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], until_, 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
end
return until_
"""


class RedisRateLimiter:
    """One budget kept in Redis, shared by every process that uses the same key."""

    def __init__(self, redis: Any, key: str, *, rate: float, burst: float) -> None:
        if rate <= 0 or burst <= 0:
            raise ValueError("rate and burst must be positive")
        self._redis = redis
        self._keys = [f"{key}:tat", f"{key}:pause"]
        self.rate = rate
        self.burst = burst
        self._interval_us = 1_000_000 / rate
        self._tolerance_us = self._interval_us * burst
        self._gcra = redis.register_script(_GCRA)
        self._pause = redis.register_script(_PAUSE)

    async def acquire(self, cost: float = 1.0) -> None:
        remaining = max(float(cost), 1e-9)
        while remaining > 0:
            part = min(remaining, self.burst)
            while True:
                args = [self._interval_us, self._tolerance_us, part]
                wait_us = int(await self._gcra(keys=self._keys, args=args))
                if wait_us <= 0:
                    break
                await asyncio.sleep(wait_us / 1_000_000)
            remaining -= part

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[self._keys[1]], args=[int(max(seconds, 0.0) * 1_000_000)])

    def __repr__(self) -> str:
        return f"RedisRateLimiter({self._keys[0]!r}, rate={self.rate:g}/s, burst={self.burst:g})"


# A sliding-window log in a sorted set: one member per event, scored by when it finished
# (microseconds of server time), or, while it runs, by when it must have finished at the latest.
# Returns 0 when the event was added, otherwise microseconds to wait before asking again.
_WINDOW_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local hold = tonumber(ARGV[2])
local poll = tonumber(ARGV[3])
local longest = 0
for i = 4, #ARGV, 2 do
  if tonumber(ARGV[i + 1]) > longest then longest = tonumber(ARGV[i + 1]) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - longest))
local wait = 0
for i = 4, #ARGV, 2 do
  local limit = tonumber(ARGV[i])
  local window = tonumber(ARGV[i + 1])
  local inside = redis.call('ZCOUNT', KEYS[1], now - window, '+inf')
  if inside >= limit then
    local leaving = redis.call('ZRANGEBYSCORE', KEYS[1], now - window, '+inf', 'WITHSCORES',
                               'LIMIT', inside - limit, 1)
    local ends = tonumber(leaving[2])
    local w = ends + window - now
    if ends > now then w = poll end  -- still running: look again soon
    if w > wait then wait = w end
  end
end
if wait > 0 then return math.ceil(wait) end
redis.call('ZADD', KEYS[1], now + hold, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil((hold + longest) / 1000) + 1000)
return 0
"""

_WINDOW_DONE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return now
"""


class RedisWindowLimiter:
    """Sliding-window event counts kept in Redis, shared by every process using the same key.

    A running event holds its place for at most ``hold`` seconds (the connector's request
    timeout and a margin), so a process that dies mid-request does not block the account.
    """

    def __init__(
        self, redis: Any, key: str, windows: Sequence[tuple[int, float]], *, hold: float = 30.0
    ) -> None:
        self._redis = redis
        self._key = key
        self.windows = _windows(windows)
        self._hold_us = int(hold * 1_000_000)
        self._take = redis.register_script(_WINDOW_TAKE)
        self._done = redis.register_script(_WINDOW_DONE)
        self._args = [
            str(part) for w in self.windows for part in (w.limit, int(w.seconds * 1_000_000))
        ]

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        member = uuid.uuid4().hex
        while True:
            wait_us = int(
                await self._take(keys=[self._key], args=[member, self._hold_us, 5000, *self._args])
            )
            if wait_us <= 0:
                break
            await asyncio.sleep(wait_us / 1_000_000)
        try:
            yield
        finally:
            try:
                await self._done(keys=[self._key], args=[member])
            except Exception as exc:  # the order's outcome matters more than this bookkeeping
                log.warning(
                    "%r: could not record an event's end (%s); it holds its place for %.0f s",
                    self, type(exc).__name__, self._hold_us / 1_000_000,
                )

    def __repr__(self) -> str:
        windows = ", ".join(f"{w.limit}/{w.seconds:g}s" for w in self.windows)
        return f"RedisWindowLimiter({self._key!r}, {windows})"


class RedisBackend:
    """Budgets shared across processes and machines through Redis.

    Args:
        url: a Redis URL (``redis://host:6379/0``), or pass ``client``.
        client: a ``redis.asyncio.Redis`` to use (the caller closes it).
        prefix: namespace of the keys.

    Needs ``pip install "exchlayer[redis]"``.
    """

    def __init__(
        self, url: str | None = None, *, client: Any | None = None, prefix: str = "exchlayer:rl"
    ) -> None:
        if (url is None) == (client is None):
            raise ValueError("give exactly one of url and client")
        if client is None:
            try:
                import redis.asyncio as aioredis
            except ImportError as exc:  # pragma: no cover - exercised without the extra
                raise ImportError(
                    'RedisBackend needs the redis client: pip install "exchlayer[redis]"'
                ) from exc
            assert url is not None
            client = aioredis.from_url(url)
            self._owned = True
        else:
            self._owned = False
        self.client = client
        self.prefix = prefix
        self._limiters: dict[str, RedisRateLimiter] = {}
        self._windows: dict[str, RedisWindowLimiter] = {}

    def limiter(self, key: str, *, rate: float, burst: float) -> RedisRateLimiter:
        found = self._limiters.get(key)
        if found is None:
            found = self._limiters[key] = RedisRateLimiter(
                self.client, f"{self.prefix}:{key}", rate=rate, burst=burst
            )
        return found

    def window_limiter(
        self, key: str, windows: Sequence[tuple[int, float]]
    ) -> RedisWindowLimiter:
        found = self._windows.get(key)
        if found is None:
            found = self._windows[key] = RedisWindowLimiter(
                self.client, f"{self.prefix}:{key}", windows
            )
        return found

    async def close(self) -> None:
        """Close the Redis client if this backend created it."""
        if self._owned:
            await self.client.aclose()

    def __repr__(self) -> str:
        return f"RedisBackend(prefix={self.prefix!r})"
