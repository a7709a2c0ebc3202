"""HTTP plumbing shared by the connectors and the service: one TLS context, sessions built on it.

    from exchlayer.http import client_session

    async with client_session() as session:              # inside a running event loop
        exchange = ExchangeFactory.create_exchange("binance", session=session)

Connectors verify venues' certificates against certifi's CA bundle (the one ccxt itself uses),
so a machine with an outdated system store still reaches the venues, and a proxy configured in
the environment is not picked up unless the caller builds a session that asks for it.
"""

from __future__ import annotations

import ssl
from functools import cache

import aiohttp

__all__ = ["client_session", "ssl_context"]


@cache
def ssl_context() -> ssl.SSLContext:
    """The TLS context exchlayer reaches venues with: certifi's CA bundle, or the system's
    where certifi is missing. Created once per process and shared.

    Returns:
        The shared `ssl.SSLContext` (treat it as read-only).
    """
    try:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - certifi comes with ccxt
        return ssl.create_default_context()


def client_session(*, limit: int = 100) -> aiohttp.ClientSession:
    """A new `aiohttp.ClientSession` verifying TLS with [ssl_context][exchlayer.http.ssl_context]
    and ignoring proxy settings in the environment (`trust_env=False`).

    Call it with an event loop running; the caller owns the session and closes it.

    Args:
        limit: the most connections the session keeps open at once, across all hosts.

    Returns:
        The session.
    """
    connector = aiohttp.TCPConnector(ssl=ssl_context(), limit=limit)
    return aiohttp.ClientSession(connector=connector, trust_env=False)
