"""`MemoryConnectionStore`: the `ConnectionStore` contract in memory, for tests."""

from __future__ import annotations

import builtins
import json
from typing import Any

from ..connection import ExchangeConnection
from ..errors import ConnectionNotFound
from .base import _id_of, _new_id_refused, _options_json, _StoreBase


class MemoryConnectionStore(_StoreBase):
    """The `ConnectionStore` contract in memory: nothing is persisted or encrypted.

    Options go through the same JSON round trip as in `SQLiteConnectionStore`, so code
    tested against this store behaves the same against the SQLite one.
    """

    def __init__(self) -> None:
        self._rows: dict[int, ExchangeConnection] = {}
        self._last_id = 0

    def __repr__(self) -> str:
        return f"MemoryConnectionStore(connections={len(self._rows)}, closed={self._closed})"

    @staticmethod
    def _copy(connection: ExchangeConnection, **update: Any) -> ExchangeConnection:
        # A fresh options dict each time: a caller mutating what it got back changes nothing here.
        options = json.loads(_options_json(connection.options))
        return connection.model_copy(update={"options": options, **update})

    async def add(self, connection: ExchangeConnection) -> ExchangeConnection:
        self._check_open()
        _new_id_refused(connection)
        stored = self._copy(connection, id=self._last_id + 1)
        self._last_id += 1
        self._rows[self._last_id] = stored
        return self._copy(stored)

    async def get(self, connection_id: int) -> ExchangeConnection | None:
        self._check_open()
        stored = self._rows.get(connection_id)
        return None if stored is None else self._copy(stored)

    async def list(self, user: str | None = None) -> builtins.list[ExchangeConnection]:
        self._check_open()
        return [
            self._copy(c) for _, c in sorted(self._rows.items()) if user is None or c.user == user
        ]

    async def update(self, connection: ExchangeConnection) -> ExchangeConnection:
        self._check_open()
        connection_id = _id_of(connection)
        if connection_id not in self._rows:
            raise ConnectionNotFound(f"no stored connection has id {connection_id}")
        stored = self._copy(connection)
        self._rows[connection_id] = stored
        return self._copy(stored)

    async def delete(self, connection_id: int) -> bool:
        self._check_open()
        return self._rows.pop(connection_id, None) is not None

    async def close(self) -> None:
        self._closed = True
        self._rows.clear()
