"""pytest fixtures for testing code that uses exchlayer, installed as the ``exchlayer`` plugin.

``venue_simulator``
    A started ``exchlayer.testing.Simulator``, stopped after the test.
``simulated_exchange``
    A factory: ``await simulated_exchange("binance", **kwargs)`` returns a connector with a funded
    account on ``venue_simulator`` (see ``exchlayer.testing.connect``); closed after the test.

The fixtures need pytest-asyncio (``pip install "exchlayer[testing]"``); without it this plugin
defines nothing. Both fixtures are function-scoped, so any event-loop scope serves them: where
the project leaves pytest-asyncio's ``asyncio_default_fixture_loop_scope`` unset, the plugin
silences pytest-asyncio's warning about it (which would stop a run under ``-W error``), and
pytest-asyncio's behaviour stays its default. Set the option to choose.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - the fixtures need pytest-asyncio
    HAVE_PYTEST_ASYNCIO = False
else:
    HAVE_PYTEST_ASYNCIO = True

if TYPE_CHECKING:
    from ..base import BaseExchange
    from .simulator import Simulator

# The start of pytest-asyncio's warning (0.24 to 1.x) when the option is not set.
_UNSET_LOOP_SCOPE = 'The configuration option "asyncio_default_fixture_loop_scope" is unset'


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Before pytest-asyncio configures itself: silence its warning about an unset default
    fixture loop scope (the filter lasts as long as pytest's configuration does)."""
    if HAVE_PYTEST_ASYNCIO and not config.getini("asyncio_default_fixture_loop_scope"):
        warnings.filterwarnings(
            "ignore", message=_UNSET_LOOP_SCOPE, category=pytest.PytestDeprecationWarning
        )


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
