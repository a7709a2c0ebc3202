"""Resilience: safe retries and rate limits shared across connectors (and processes)."""

from .ratelimit import (
    LocalBackend,
    LocalRateLimiter,
    RateLimitBackend,
    RateLimiter,
    RedisBackend,
    RedisRateLimiter,
    default_backend,
)
from .retry import NO_RETRY, RetryPolicy, retry_call

__all__ = [
    "NO_RETRY",
    "LocalBackend",
    "LocalRateLimiter",
    "RateLimitBackend",
    "RateLimiter",
    "RedisBackend",
    "RedisRateLimiter",
    "RetryPolicy",
    "default_backend",
    "retry_call",
]
