"""Market metadata shared by every connector of one venue.

A venue's market list is large (Binance's is ~3.8 MB of JSON and ~28 MB once ccxt has parsed it)
and the same for every account. A `MarketCache` loads it once per venue and environment and
hands the parsed copy to every other ccxt client through ccxt's ``set_markets_from_exchange``,
which shares references instead of copying (3.8 ms and ~0.25 MB per client instead of ~270 ms and
~28 MB). Entries older than ``ttl`` seconds are reloaded on next use by whichever client asks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["MarketCache"]


@dataclass
class _Entry:
    source: Any
    markets: Mapping[str, Any]
    loaded_at: float


class MarketCache:
    """Parsed ccxt markets, one copy per (venue, ccxt class, environment).

    Args:
        ttl: seconds before a venue's markets are reloaded (``None``: never).
        clock: a monotonic clock in seconds (tests inject one).
    """

    def __init__(
        self, *, ttl: float | None = 3600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if ttl is not None and ttl <= 0:
            raise ValueError(f"ttl must be positive or None, got {ttl}")
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[Hashable, _Entry] = {}
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self.loads = 0
        """How many times markets were fetched from a venue (for tests and figures)."""

    def _fresh(self, entry: _Entry | None) -> bool:
        if entry is None:
            return False
        return self.ttl is None or self._clock() - entry.loaded_at < self.ttl

    async def markets_for(self, client: Any, key: Hashable) -> Mapping[str, Any]:
        """Give ``client`` the markets of ``key``: the shared copy, or a fresh load it shares."""
        entry = self._entries.get(key)
        if entry is not None and self._fresh(entry) and id(client.markets) == id(entry.markets):
            return entry.markets
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            entry = self._entries.get(key)
            if entry is not None and self._fresh(entry):
                if id(client.markets) != id(entry.markets):
                    client.set_markets_from_exchange(entry.source)
                return entry.markets
            markets: Mapping[str, Any] = await client.load_markets(reload=entry is not None)
            self.loads += 1
            self._entries[key] = _Entry(client, markets, self._clock())
            return markets

    def invalidate(self, key: Hashable | None = None) -> None:
        """Forget one venue's markets (or all): the next call reloads them."""
        if key is None:
            self._entries.clear()
        else:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"MarketCache(venues={len(self._entries)}, ttl={self.ttl})"
