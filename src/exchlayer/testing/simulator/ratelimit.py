"""Rate limits enforced the way the venues enforce them.

A venue module declares its published REST limits as data next to its routes, in the shape
nautilus_trader gives its own clients (`("api/v3/order", Quota.rate_per_minute(3000))`):

    REQUEST_WEIGHT = Limit("REQUEST_WEIGHT", Quota(6000, 60))             # per IP
    ORDERS_10S = Limit("ORDERS", Quota(100, 10), per_key=True)           # per API key

and charges every request against them before acting on it (`RateLimitBook.charge`; the
routes of a `WireVenue` name their limits). A request that would take any of its limits over
budget is refused in the venue's own words (its error table words the `Refusal`) and spends
nothing. Usage is kept per environment (the simulator serves every
client from one IP, so "per IP" means per environment) and, for ``per_key`` limits, per API key.

Windows are fixed: aligned to the clock (Binance's minute) or, with ``anchored=True``, opened by
the first request and reset when they end (KuCoin's 30 s pools). A `Penalty` models what a
venue does to a client that keeps going after a refusal (Binance's 418 IP ban, BingX's 5 minute
restriction).

Settings (``Simulator(rate_limits=..., rate_limit_scale=...)``, or ``sim.rate_limits`` and
``sim.rate_limit_scale`` at any time):

- ``enabled`` (default ``True``): refuse over-budget requests. Off, usage is still counted and
  reported in the venues' usage headers, but nothing is refused.
- ``scale`` (default ``1.0``): every window and every budget times ``scale``, penalties' lengths
  too. ``0.1`` turns Binance's 6,000 weight per 60 s into 600 per 6 s: the same rate, ten times
  sooner exhausted and renewed, so a test sees a window turn over in seconds. Request weights are
  not scaled. Keep scaled windows at a second or more: shorter ones are dominated by scheduling
  jitter (Bitget's and Gate's per-second limits are best left unscaled).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "Charge",
    "Limit",
    "Penalty",
    "Quota",
    "RateLimitBook",
    "RateLimitSettings",
    "Refusal",
    "Usage",
]


@dataclass(frozen=True)
class Quota:
    """``limit`` units (request weight, or requests) per window of ``seconds``."""

    limit: float
    seconds: float

    @classmethod
    def rate_per_second(cls, limit: float) -> Quota:
        return cls(limit, 1.0)

    @classmethod
    def rate_per_minute(cls, limit: float) -> Quota:
        return cls(limit, 60.0)


@dataclass(frozen=True)
class Penalty:
    """What a venue does to a client that exceeds a limit.

    After ``after`` refused requests within one window the client's scope (the limit's IP or
    key) is refused with HTTP ``status`` for ``seconds``.
    """

    seconds: float
    status: int = 429
    after: int = 1


@dataclass(frozen=True)
class Limit:
    """One published limit."""

    name: str
    quota: Quota
    per_key: bool = False
    """Counted per API key (UID) instead of per IP."""
    anchored: bool = False
    """The window opens with the first request (else it is aligned to the clock)."""
    penalty: Penalty | None = None
    per_endpoint: bool = False
    """Counted per endpoint: each route of a venue spends from its own window (BingX's and
    Bitget's per-endpoint limits); see `WireVenue.charges`."""


@dataclass(frozen=True)
class Charge:
    """Units one request spends of one limit; ``part`` splits a limit counted per endpoint or
    per market (``"GET /spot/tickers"``, ``"BTC_USDT"``)."""

    limit: Limit
    units: float
    part: str = ""


@dataclass(frozen=True)
class Usage:
    """A limit's state after a request was charged."""

    limit: Limit
    budget: float
    used: float
    window_end_ms: int

    @property
    def remaining(self) -> float:
        return max(self.budget - self.used, 0.0)


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused, and for how long the client should wait."""

    limit: Limit
    budget: float
    used: float
    retry_after_ms: int
    status: int = 429
    banned_until_ms: int | None = None

    @property
    def retry_after_seconds(self) -> int:
        """``Retry-After``: whole seconds, at least 1."""
        return max(1, math.ceil(self.retry_after_ms / 1000))


@dataclass
class RateLimitSettings:
    """Shared by every venue of a simulator (see the module docstring)."""

    enabled: bool = True
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not self.scale > 0:
            raise ValueError(f"rate_limit_scale must be positive, got {self.scale}")


@dataclass
class _Window:
    start_ms: int
    end_ms: int
    used: float = 0.0
    refused: int = 0


@dataclass
class RateLimitBook:
    """The usage of one venue's limits."""

    settings: RateLimitSettings = field(default_factory=RateLimitSettings)
    _windows: dict[tuple[str, ...], _Window] = field(default_factory=dict)
    _banned: dict[tuple[str, ...], tuple[int, Limit]] = field(default_factory=dict)

    def budget(self, limit: Limit) -> float:
        return limit.quota.limit * self.settings.scale

    def window_ms(self, limit: Limit) -> int:
        return max(1, round(limit.quota.seconds * 1000 * self.settings.scale))

    def charge(
        self, environment: str, api_key: str | None, now_ms: int, charges: Iterable[Charge]
    ) -> tuple[list[Usage], Refusal | None]:
        """Spend every charge, or none of them when one would exceed its budget (refused)."""
        items = [c for c in charges if c.units >= 0]
        keys = [self._key(c, environment, api_key) for c in items]
        if self.settings.enabled:
            for key in keys:
                banned = self._banned.get(self._scope(key))
                if banned is not None and banned[0] > now_ms:
                    limit = banned[1]
                    assert limit.penalty is not None
                    return [], Refusal(
                        limit, self.budget(limit), self.budget(limit), banned[0] - now_ms,
                        limit.penalty.status, banned[0],
                    )
        windows = [self._window(key, charge.limit, now_ms) for key, charge in zip(
            keys, items, strict=True)]
        if self.settings.enabled:
            for key, charge, window in zip(keys, items, windows, strict=True):
                budget = self.budget(charge.limit)
                if charge.units > 0 and window.used + charge.units > budget + 1e-9:
                    return [], self._refuse(key, charge.limit, window, budget, now_ms)
        usages = []
        for charge, window in zip(items, windows, strict=True):
            window.used += charge.units
            usages.append(
                Usage(charge.limit, self.budget(charge.limit), window.used, window.end_ms)
            )
        return usages, None

    def usage(
        self, limit: Limit, environment: str, api_key: str | None, now_ms: int, part: str = ""
    ) -> Usage:
        """A limit's current state, without spending anything."""
        key = self._key(Charge(limit, 0, part), environment, api_key)
        window = self._window(key, limit, now_ms)
        return Usage(limit, self.budget(limit), window.used, window.end_ms)

    def reset(self) -> None:
        """Forget all usage and bans."""
        self._windows.clear()
        self._banned.clear()

    # ---- internals -------------------------------------------------------------------------

    @staticmethod
    def _key(charge: Charge, environment: str, api_key: str | None) -> tuple[str, ...]:
        limit = charge.limit
        who = (api_key or "") if limit.per_key else ""
        return (environment, limit.name, str(limit.quota), who, charge.part)

    @staticmethod
    def _scope(key: tuple[str, ...]) -> tuple[str, ...]:
        """Who a penalty falls on: the limit's IP (environment) or key, and its part."""
        environment, name, _, who, part = key
        return (environment, name, who, part)

    def _window(self, key: tuple[str, ...], limit: Limit, now_ms: int) -> _Window:
        length = self.window_ms(limit)
        window = self._windows.get(key)
        if window is not None and window.start_ms <= now_ms < window.end_ms:
            return window
        start = now_ms if limit.anchored else now_ms - now_ms % length
        window = self._windows[key] = _Window(start, start + length)
        return window

    def _refuse(
        self, key: tuple[str, ...], limit: Limit, window: _Window, budget: float, now_ms: int
    ) -> Refusal:
        window.refused += 1
        penalty = limit.penalty
        if penalty is not None and window.refused >= penalty.after:
            until = now_ms + max(1, round(penalty.seconds * 1000 * self.settings.scale))
            self._banned[self._scope(key)] = (until, limit)
            return Refusal(limit, budget, window.used, until - now_ms, penalty.status, until)
        return Refusal(limit, budget, window.used, window.end_ms - now_ms)
