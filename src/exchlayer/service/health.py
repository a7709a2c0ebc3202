"""Connection health: the tests, the status each connection keeps, and the background monitor.

Each live connection's entry holds its last status. The monitor re-tests every connection each
`interval` seconds; `statuses()` answers from what the entries hold. A test never keeps a
connector from being retired: it counts as a call on the entry, and an entry removed or replaced
meanwhile is skipped (its status is never read again).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from .. import errors
from ..base import BaseExchange
from ..connection import ExchangeConnection
from ..errors import ConnectionNotFound, ExchangeLayerError
from ..models import ConnectionCheck
from .models import ConnectionStatus

if TYPE_CHECKING:
    from .registry import ConnectionRegistry, Entry

__all__ = ["HealthMonitor", "status_of", "tested"]

log = logging.getLogger("exchlayer.service")


def status_of(connection: ExchangeConnection, check: ConnectionCheck | None) -> ConnectionStatus:
    """The status of `connection` after `check` (`None`: never tested)."""
    assert connection.id is not None
    return ConnectionStatus(
        connection_id=connection.id,
        user=connection.user,
        exchange=connection.exchange,
        label=connection.label,
        is_testnet=connection.is_testnet,
        connected=bool(check and check.ok),
        last_check=check.checked_at if check else None,
        latency_ms=check.latency_ms if check else None,
        last_error=check.error if check else None,
        error_type=check.error_type if check else None,
    )


def _error_from(check: ConnectionCheck) -> ExchangeLayerError:
    cls = getattr(errors, check.error_type or "", None)
    if not (isinstance(cls, type) and issubclass(cls, ExchangeLayerError)):
        cls = ExchangeLayerError
    return cls(check.error or "the connection test failed", exchange=check.exchange)


async def tested(exchange: BaseExchange) -> ConnectionCheck:
    """Test `exchange`'s connection.

    Returns:
        The passed check.

    Raises:
        ExchangeLayerError: the test failed; the error of the class the check names.
    """
    check = await exchange.check_connection()
    if not check.ok:
        raise _error_from(check)
    return check


class HealthMonitor:
    """Tests the registry's connections, now or every `interval` seconds in the background.

    Args:
        registry: the connections to test.
        interval: seconds between background tests (`None`: no background tests).
    """

    def __init__(self, registry: ConnectionRegistry, *, interval: float | None) -> None:
        self._registry = registry
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the background tests (if there is an interval)."""
        if self._interval is not None and self._task is None:
            self._task = asyncio.create_task(self._loop(self._interval))

    async def stop(self) -> None:
        """Stop the background tests and wait for the one in progress to end."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def statuses(self, user: str | None = None) -> dict[int, ConnectionStatus]:
        """The cached status of every connection (of `user`), by id."""
        return {
            e.id: e.status for e in self._registry.entries()
            if user is None or e.connection.user == user
        }

    async def test(self, connection_id: int, user: str | None = None) -> ConnectionStatus:
        """Test one connection now and return its refreshed status. If an update replaces the
        connector during the test, the replacement is tested.

        Raises:
            ConnectionNotFound: no such connection, or it was removed during the test.
        """
        while True:
            entry = self._registry.entry(connection_id, user)
            async with self._registry.using(entry) as exchange:
                check = await exchange.check_connection()
            entry.status = status_of(entry.connection, check)
            if self._registry.is_current(entry):
                return entry.status

    async def check_all(self) -> None:
        """Test every connection now, concurrently."""

        async def check(entry: Entry) -> None:
            try:
                async with self._registry.using(entry) as exchange:
                    result = await exchange.check_connection()
            except ConnectionNotFound:
                return  # removed or replaced meanwhile
            entry.status = status_of(entry.connection, result)  # a retired entry's is never read

        await asyncio.gather(*(check(e) for e in self._registry.entries()))

    async def _loop(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.check_all()
            except Exception:  # the monitor must outlive any one failure
                log.exception("connection health check failed")
