"""How the service builds connectors, and what every connector it builds shares.

A connector class opts into the shared resources by declaring
`accepts_shared_session: ClassVar[bool] = True`; its constructor then takes two keywords:

- `session`: an `aiohttp.ClientSession` the caller owns (the service's connection pool);
- `market_cache`: a `MarketCache` holding each venue's market metadata once.

`CcxtExchange` declares it, so every ccxt-backed venue and every plugin built on it shares them
(a subclass whose constructor does not take both sets it back to `False`). A class that does not
declare it is given neither. A connection's own options win over the shared ones.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import aiohttp

from ..base import BaseExchange
from ..connection import ExchangeConnection
from ..factory import ExchangeFactory
from ..http import client_session

if TYPE_CHECKING:
    from ..connector.markets import MarketCache

__all__ = ["Connectors", "accepts_shared_session"]


def accepts_shared_session(cls: type) -> bool:
    """Whether `cls` declares that its constructor takes `session=` and `market_cache=`."""
    return getattr(cls, "accepts_shared_session", False) is True


class Connectors:
    """Builds connectors for connections and owns what they share: one HTTP session (unless the
    caller gave one), one market cache, and one credential-less connector per venue.

    Args:
        session: the session every connector shares; created on first use when omitted (and
            then closed by `close`).
        market_ttl: seconds before a venue's shared market metadata is reloaded.
    """

    def __init__(self, *, session: aiohttp.ClientSession | None, market_ttl: float | None) -> None:
        from ..connector.markets import MarketCache  # on first use: keeps the import light

        self._session = session
        self._own_session: aiohttp.ClientSession | None = None
        self.market_cache: MarketCache = MarketCache(ttl=market_ttl)
        self._public: dict[str, BaseExchange] = {}

    def session(self) -> aiohttp.ClientSession:
        """The shared session: the caller's, or one created now and owned."""
        if self._session is not None:
            return self._session
        if self._own_session is None:
            self._own_session = client_session(limit=100)
        return self._own_session

    def build(self, connection: ExchangeConnection) -> BaseExchange:
        """A new connector for `connection`, given the shared resources its class accepts.

        Raises:
            ConfigurationError: unknown exchange or incomplete credentials.
        """
        cls = ExchangeFactory.get_exchange_class(connection.exchange)
        options = dict(connection.options)
        if accepts_shared_session(cls):
            options.setdefault("session", self.session())
            options.setdefault("market_cache", self.market_cache)
        creds = connection.credentials
        return ExchangeFactory.create_exchange(
            connection.exchange,
            api_key=creds.api_key if creds else None,
            api_secret=creds.api_secret if creds else None,
            passphrase=creds.passphrase if creds else None,
            is_testnet=connection.is_testnet,
            **options,
        )

    def public(self, exchange_name: str) -> BaseExchange:
        """The credential-less connector of `exchange_name`, created on first use."""
        name = exchange_name.strip().lower()
        found = self._public.get(name)
        if found is None:  # no await between the check and the insert: one per venue
            found = self._public[name] = self.build(
                ExchangeConnection(user="public", exchange=name)
            )
        return found

    async def close(self) -> None:
        """Close the public connectors, then the session if it is owned."""
        public = list(self._public.values())
        self._public.clear()
        await asyncio.gather(*(exchange.close() for exchange in public))
        if self._own_session is not None:
            await self._own_session.close()
            self._own_session = None
