"""The `ConnectionStore` contract, the errors every store raises, and what the stores share."""

from __future__ import annotations

import builtins
import json
from types import TracebackType
from typing import Any, Protocol, TypeVar, runtime_checkable

from ..connection import ExchangeConnection
from ..errors import ConfigurationError, InvalidArgument

_S = TypeVar("_S")

# --------------------------------------------------------------------------- errors


class StoreError(ConfigurationError):
    """A connection store cannot do what was asked: it is closed, unreadable, or too new."""


class StoreKeyError(StoreError):
    """The store key is missing, does not match the database, or is needed but was not given."""


class StoreIntegrityError(StoreError):
    """A stored record fails authentication: it was changed outside exchlayer, or corrupted."""


# --------------------------------------------------------------------------- the contract


@runtime_checkable
class ConnectionStore(Protocol):
    """Where connections live between runs. Every method is async; ``async with`` closes it.

    Ids are integers the store assigns on `add`; they are never reused, so an id keeps
    naming the same connection for as long as it exists.
    """

    async def add(self, connection: ExchangeConnection) -> ExchangeConnection:
        """Save a new connection and return it with its id assigned.

        Raises:
            InvalidArgument: the connection already has an id, or its options are not JSON.
        """

    async def get(self, connection_id: int) -> ExchangeConnection | None:
        """The connection with that id, or ``None``."""

    async def list(self, user: str | None = None) -> builtins.list[ExchangeConnection]:
        """Every connection (or every one of ``user``), ordered by id."""

    async def update(self, connection: ExchangeConnection) -> ExchangeConnection:
        """Replace the stored connection that has ``connection.id`` (every field, credentials too).

        Raises:
            InvalidArgument: the connection has no id.
            ConnectionNotFound: no stored connection has that id.
        """

    async def delete(self, connection_id: int) -> bool:
        """Delete a connection; ``False`` if there was none with that id."""

    async def close(self) -> None:
        """Release the store. Closing twice is harmless; any other call afterwards raises."""

    async def __aenter__(self: _S) -> _S: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _StoreBase:
    _closed: bool = False

    @property
    def closed(self) -> bool:
        """Whether `close` was called."""
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"the {type(self).__name__} is closed")

    async def close(self) -> None:
        self._closed = True

    async def __aenter__(self: _S) -> _S:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _options_json(options: dict[str, Any]) -> str:
    try:
        return json.dumps(options, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"connection options must be JSON-serialisable: {exc}") from None


def _new_id_refused(connection: ExchangeConnection) -> None:
    if connection.id is not None:
        raise InvalidArgument(
            f"the connection already has id {connection.id}: add() assigns ids; use update()"
        )


def _id_of(connection: ExchangeConnection) -> int:
    if connection.id is None:
        raise InvalidArgument("the connection to update has no id: add() it first")
    return connection.id
