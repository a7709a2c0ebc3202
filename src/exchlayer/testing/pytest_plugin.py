"""pytest fixtures for testing code that uses exchlayer, installed as the ``exchlayer`` plugin.

``venue_simulator``
    A started :class:`~exchlayer.testing.Simulator`, stopped after the test.
``simulated_exchange``
    A factory: ``await simulated_exchange("binance", **kwargs)`` returns a connector with a funded
    account on ``venue_simulator`` (see :func:`exchlayer.testing.connect`); closed after the test.

The fixtures need pytest-asyncio; without it this plugin defines nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - the fixtures need pytest-asyncio
    HAVE_PYTEST_ASYNCIO = False
else:
    HAVE_PYTEST_ASYNCIO = True

if TYPE_CHECKING:
    from ..base import BaseExchange
    from .simulator import Simulator

if HAVE_PYTEST_ASYNCIO:

    @pytest_asyncio.fixture
    async def venue_simulator() -> AsyncIterator[Simulator]:
        """A venue simulator listening on 127.0.0.1 for the duration of one test."""
        from .simulator import Simulator

        async with Simulator() as sim:
            yield sim

    @pytest_asyncio.fixture
    async def simulated_exchange(
        venue_simulator: Simulator,
    ) -> AsyncIterator[Callable[..., Awaitable[BaseExchange]]]:
        """Make connectors wired to ``venue_simulator``; each is closed after the test."""
        from .helpers import connect

        made: list[BaseExchange] = []

        async def make(name: str, **kwargs: Any) -> BaseExchange:
            exchange = await connect(venue_simulator, name, **kwargs)
            made.append(exchange)
            return exchange

        yield make
        for exchange in made:
            await exchange.close()
