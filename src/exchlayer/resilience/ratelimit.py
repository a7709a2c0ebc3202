"""Rate limits shared where the venue shares them.

ccxt throttles each client on its own, so ten accounts on one IP would each spend the whole
budget and get the IP banned. exchlayer gives every connector of one venue (per ccxt class and
environment) one limiter, weighted by ccxt's per-endpoint cost, so their sum stays inside the
venue's budget:

- :class:`LocalBackend` (the default) shares a leaky bucket (aiolimiter) between the connectors
  of one process;
- :class:`RedisBackend` shares it between processes and machines through Redis (GCRA in a Lua
  script, timed by the Redis server's clock so machines with skewed clocks agree).

A venue's 429 or 418 pauses every connector drawing from that budget for the ``Retry-After``
period (:meth:`RateLimiter.pause`).

Budgets come from ccxt's own model of each venue (``rateLimit`` milliseconds per cost unit, and
per-endpoint costs in units), which ccxt's maintainers derive from the venues' published limits:
Binance spot's 6,000 weight per minute is ``rateLimit=50`` with weight/5 per call.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "LocalBackend",
    "LocalRateLimiter",
    "RateLimitBackend",
    "RateLimiter",
    "RedisBackend",
    "RedisRateLimiter",
    "default_backend",
]


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


class LocalBackend:
    """Limiters shared within this process, one set per event loop."""

    def __init__(self) -> None:
        self._loops: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, LocalRateLimiter]
        ] = weakref.WeakKeyDictionary()

    def limiter(self, key: str, *, rate: float, burst: float) -> LocalRateLimiter:
        limiters = self._loops.setdefault(asyncio.get_running_loop(), {})
        found = limiters.get(key)
        if found is None:
            found = limiters[key] = LocalRateLimiter(rate=rate, burst=burst)
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

    def limiter(self, key: str, *, rate: float, burst: float) -> RedisRateLimiter:
        found = self._limiters.get(key)
        if found is None:
            found = self._limiters[key] = RedisRateLimiter(
                self.client, f"{self.prefix}:{key}", rate=rate, burst=burst
            )
        return found

    async def close(self) -> None:
        """Close the Redis client if this backend created it."""
        if self._owned:
            await self.client.aclose()

    def __repr__(self) -> str:
        return f"RedisBackend(prefix={self.prefix!r})"
