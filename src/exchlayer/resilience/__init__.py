"""Resilience: safe retries and rate limits shared across connectors (and processes)."""

from .ratelimit import (
    LocalBackend,
    LocalRateLimiter,
    LocalWindowLimiter,
    RateLimitBackend,
    RateLimiter,
    RedisBackend,
    RedisRateLimiter,
    RedisWindowLimiter,
    Window,
    WindowLimiter,
    default_backend,
)
from .retry import NO_RETRY, RetryPolicy, retry_call

__all__ = [
    "NO_RETRY",
    "LocalBackend",
    "LocalRateLimiter",
    "LocalWindowLimiter",
    "RateLimitBackend",
    "RateLimiter",
    "RedisBackend",
    "RedisRateLimiter",
    "RedisWindowLimiter",
    "RetryPolicy",
    "Window",
    "WindowLimiter",
    "default_backend",
    "retry_call",
]
