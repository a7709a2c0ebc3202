"""`SQLiteConnectionStore`: the encrypted `ConnectionStore` in one SQLite file."""

from __future__ import annotations

import asyncio
import builtins
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import SecretStr, ValidationError

from ..connection import ExchangeConnection
from ..errors import ConnectionNotFound, InvalidArgument
from .base import (
    StoreError,
    StoreIntegrityError,
    StoreKeyError,
    _id_of,
    _new_id_refused,
    _options_json,
    _StoreBase,
)
from .crypto import (
    _SALT_BYTES,
    DEFAULT_SCRYPT_N,
    _associated_data,
    _check_scrypt_n,
    _credentials_from,
    _credentials_plaintext,
    _kdf_params,
    _KdfParams,
    _key_bytes,
    _meta_rows,
    _require_cryptography,
    _Sealer,
)

KEY_ENV_VAR = "EXCHLAYER_STORE_KEY"
"""The environment variable `SQLiteConnectionStore` reads its key from."""

SCHEMA_VERSION = 1
"""The version of the SQLite layout this exchlayer writes (kept in the ``meta`` table)."""

_WRONG_KEY = "the store key does not match this database"

_SQLite = TypeVar("_SQLite", bound="SQLiteConnectionStore")
_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE connections (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user       TEXT NOT NULL,
    exchange   TEXT NOT NULL,
    label      TEXT NOT NULL,
    is_testnet INTEGER NOT NULL,
    options    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sealed     BLOB NOT NULL
);
CREATE INDEX connections_by_user ON connections (user, id);
"""
_COLUMNS = "id, user, exchange, label, is_testnet, options, created_at, sealed"
_Row = tuple[int, str, str, str, int, str, str, bytes]


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _read_meta(db: sqlite3.Connection) -> dict[str, Any]:
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if exists is None:
        return {}
    return dict(db.execute("SELECT name, value FROM meta").fetchall())


class SQLiteConnectionStore(_StoreBase):
    """An encrypted `ConnectionStore` in one SQLite file (the embedded default).

    The API key, secret and passphrase of every connection are encrypted with AES-256-GCM under
    a key derived from your passphrase with scrypt (random salt, kept in the database). The
    other fields stay in the clear, authenticated with the secrets, so an edited row is detected.
    The database is created (mode 0600) on first use. All SQLite work runs on one worker thread,
    so the event loop never blocks and any number of tasks may use the store at once.

    Args:
        path: the database file (``":memory:"`` for a throwaway one).
        key: the passphrase; ``None`` reads ``EXCHLAYER_STORE_KEY``. Use a long random one
            (`generate_store_key`); anyone holding it and the file holds the credentials.
        metadata_only: open an existing store without its key: `list` and `get`
            return connections without credentials, `delete` works, and every call that
            would write a secret raises `StoreKeyError`.
        scrypt_n: scrypt's cost for a new database and for `rotate_key`; an existing
            database keeps the cost it was created with.

    Raises:
        ImportError: ``cryptography`` is missing (``pip install "exchlayer[store]"``).
        StoreKeyError: no key was given and ``EXCHLAYER_STORE_KEY`` is not set.

    Caution:
        Lowering ``scrypt_n`` makes guessing the passphrase of a stolen file cheaper; do it only
        in tests.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        key: str | bytes | SecretStr | None = None,
        metadata_only: bool = False,
        scrypt_n: int = DEFAULT_SCRYPT_N,
    ) -> None:
        _require_cryptography()
        _check_scrypt_n(scrypt_n)
        self._path = os.fspath(path)
        self._metadata_only = metadata_only
        self._scrypt_n = scrypt_n
        self._passphrase: bytes | None = None
        if metadata_only:
            if key is not None:
                raise InvalidArgument("give either a key or metadata_only=True, not both")
        else:
            self._passphrase = _key_bytes(key if key is not None else os.environ.get(KEY_ENV_VAR))
            if self._passphrase is None:
                raise StoreKeyError(
                    f"no store key: pass key=... or set the {KEY_ENV_VAR} environment variable "
                    "(or open with metadata_only=True to list connections without credentials)"
                )
        self._db: sqlite3.Connection | None = None
        self._sealer: _Sealer | None = None
        # One worker thread: SQLite calls never overlap, and a cancelled caller cannot release
        # a lock while its statement still runs.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="exchlayer-store")

    def __repr__(self) -> str:
        return (
            f"SQLiteConnectionStore({self._path!r}, metadata_only={self._metadata_only}, "
            f"closed={self._closed})"
        )

    @property
    def path(self) -> str:
        """The database file."""
        return self._path

    @property
    def metadata_only(self) -> bool:
        """Whether the store was opened without its key (no credentials are read or written)."""
        return self._metadata_only

    # ----------------------------------------------------------------------- lifecycle

    async def open(self) -> None:
        """Open the database now: create it on first use, or check the key against it.

        Every other method opens the store when needed; call this (or use ``async with``) to
        fail fast on a wrong key.

        Raises:
            StoreKeyError: the key does not match this database.
            StoreError: the file is not a connection store, or was written by a newer exchlayer.
        """
        await self._run(lambda db: None)

    async def __aenter__(self: _SQLite) -> _SQLite:
        try:
            await self.open()
        except BaseException:
            await self.close()  # `async with` will not call __aexit__: release the worker here
            raise
        return self

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            # Queued behind every call already submitted, so those finish first.
            await loop.run_in_executor(self._worker, self._close_now)
        finally:
            self._worker.shutdown(wait=False)

    def _close_now(self) -> None:
        self._sealer = None
        self._passphrase = None
        if self._db is not None:
            db, self._db = self._db, None
            db.close()

    async def _run(self, job: Callable[[sqlite3.Connection], _T]) -> _T:
        self._check_open()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, self._on_worker, job)

    def _on_worker(self, job: Callable[[sqlite3.Connection], _T]) -> _T:
        if self._db is None:
            self._db = self._connect()
        return job(self._db)

    def _connect(self) -> sqlite3.Connection:
        if self._path != ":memory:" and not Path(self._path).exists():
            if self._metadata_only:
                raise StoreError(f"no connection store at {self._path}")
            with suppress(FileExistsError):  # the file holds credentials: owner-only from birth
                os.close(os.open(self._path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        try:
            db = sqlite3.connect(
                self._path, timeout=30, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the connection store at {self._path}: {exc}") from exc
        try:
            # Overwrite deleted content with zeros, so a rotated-away ciphertext does not linger.
            db.execute("PRAGMA secure_delete = ON")
            self._prepare(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StoreError(f"{self._path} is not a readable connection store: {exc}") from exc
        except BaseException:
            db.close()
            raise
        return db

    def _prepare(self, db: sqlite3.Connection) -> None:
        meta = _read_meta(db)
        if not meta:
            if self._metadata_only:
                raise StoreError(f"{self._path} is not an exchlayer connection store")
            self._create(db)
            meta = _read_meta(db)
        version = meta.get("schema_version")
        if not isinstance(version, int) or version < 1:
            raise StoreError(f"{self._path} is not an exchlayer connection store")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self._path} has schema version {version}, newer than this exchlayer "
                f"understands ({SCHEMA_VERSION}): upgrade exchlayer"
            )
        if self._metadata_only:
            return
        params = _kdf_params(meta)
        assert self._passphrase is not None
        sealer = self._sealer
        if sealer is None or sealer.params != params:
            sealer = _Sealer(self._passphrase, params)
        if not sealer.matches(bytes(meta.get("key_check", b""))):
            raise StoreKeyError(_WRONG_KEY)
        self._sealer = sealer
        self._passphrase = None  # the derived key is all we keep

    def _create(self, db: sqlite3.Connection) -> None:
        assert self._passphrase is not None
        # Derive before taking the write lock: scrypt takes a while.
        sealer = _Sealer(self._passphrase, _KdfParams(os.urandom(_SALT_BYTES), self._scrypt_n))
        with _transaction(db):
            if _read_meta(db):  # another process created it meanwhile: use theirs
                return
            if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise StoreError(f"{self._path} is a SQLite database of something else")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.executemany(
                "INSERT INTO meta (name, value) VALUES (?, ?)",
                [("schema_version", SCHEMA_VERSION), *_meta_rows(sealer)],
            )
        self._sealer = sealer

    def _unlocked(self, action: str) -> _Sealer:
        if self._sealer is None:
            raise StoreKeyError(
                f"cannot {action}: the store was opened without its key (metadata_only=True)"
            )
        return self._sealer

    # ----------------------------------------------------------------------- rows

    def _to_connection(self, row: _Row) -> ExchangeConnection:
        row_id, user, exchange, label, is_testnet, options, created_at, sealed = row
        credentials = None
        if self._sealer is not None:
            ad = _associated_data(row_id, (user, exchange, label, is_testnet, options, created_at))
            plaintext = self._sealer.open(bytes(sealed), ad)
            if plaintext is None:
                raise StoreIntegrityError(
                    f"connection {row_id} fails its integrity check: the record was changed "
                    "outside exchlayer or is corrupted"
                )
            credentials = _credentials_from(plaintext, row_id)
        try:
            return ExchangeConnection(
                id=row_id,
                user=user,
                exchange=exchange,
                label=label,
                is_testnet=bool(is_testnet),
                options=json.loads(options),
                created_at=datetime.fromisoformat(created_at),
                credentials=credentials,
            )
        except (ValidationError, ValueError, TypeError) as exc:
            fields = (
                ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"])
                if isinstance(exc, ValidationError)
                else "options or created_at"
            )
            raise StoreIntegrityError(
                f"connection {row_id} is not a valid record ({fields})"
            ) from None

    @staticmethod
    def _columns(connection: ExchangeConnection) -> tuple[str, str, str, int, str, str]:
        return (
            connection.user,
            connection.exchange,
            connection.label,
            int(connection.is_testnet),
            _options_json(connection.options),
            connection.created_at.isoformat(),
        )

    def _sealed(self, sealer: _Sealer, row_id: int, connection: ExchangeConnection) -> bytes:
        ad = _associated_data(row_id, self._columns(connection))
        return sealer.seal(_credentials_plaintext(connection.credentials), ad)

    async def add(self, connection: ExchangeConnection) -> ExchangeConnection:
        self._check_open()
        _new_id_refused(connection)
        columns = self._columns(connection)

        def job(db: sqlite3.Connection) -> int:
            sealer = self._unlocked("add a connection")
            with _transaction(db):
                cursor = db.execute(
                    "INSERT INTO connections "
                    "(user, exchange, label, is_testnet, options, created_at, sealed) "
                    "VALUES (?, ?, ?, ?, ?, ?, X'')",
                    columns,
                )
                row_id = cursor.lastrowid
                assert row_id is not None
                db.execute(
                    "UPDATE connections SET sealed = ? WHERE id = ?",
                    (self._sealed(sealer, row_id, connection), row_id),
                )
            return row_id

        row_id = await self._run(job)
        return connection.model_copy(update={"id": row_id, "options": json.loads(columns[4])})

    async def get(self, connection_id: int) -> ExchangeConnection | None:
        def job(db: sqlite3.Connection) -> ExchangeConnection | None:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM connections WHERE id = ?", (connection_id,)
            ).fetchone()
            return None if row is None else self._to_connection(row)

        return await self._run(job)

    async def list(self, user: str | None = None) -> builtins.list[ExchangeConnection]:
        def job(db: sqlite3.Connection) -> builtins.list[ExchangeConnection]:
            if user is None:
                rows = db.execute(f"SELECT {_COLUMNS} FROM connections ORDER BY id").fetchall()
            else:
                rows = db.execute(
                    f"SELECT {_COLUMNS} FROM connections WHERE user = ? ORDER BY id", (user,)
                ).fetchall()
            return [self._to_connection(row) for row in rows]

        return await self._run(job)

    async def update(self, connection: ExchangeConnection) -> ExchangeConnection:
        self._check_open()
        connection_id = _id_of(connection)
        columns = self._columns(connection)

        def job(db: sqlite3.Connection) -> None:
            sealer = self._unlocked("update a connection")
            with _transaction(db):
                cursor = db.execute(
                    "UPDATE connections SET user = ?, exchange = ?, label = ?, is_testnet = ?, "
                    "options = ?, created_at = ?, sealed = ? WHERE id = ?",
                    (*columns, self._sealed(sealer, connection_id, connection), connection_id),
                )
                if cursor.rowcount == 0:
                    raise ConnectionNotFound(f"no stored connection has id {connection_id}")

        await self._run(job)
        return connection.model_copy(update={"options": json.loads(columns[4])})

    async def delete(self, connection_id: int) -> bool:
        def job(db: sqlite3.Connection) -> bool:
            with _transaction(db):
                cursor = db.execute("DELETE FROM connections WHERE id = ?", (connection_id,))
            return cursor.rowcount > 0

        return await self._run(job)

    async def rotate_key(self, new_key: str | bytes | SecretStr) -> None:
        """Re-encrypt every connection under a new key, in one transaction.

        A new random salt is drawn and scrypt runs at this store's ``scrypt_n``. Afterwards the
        old key no longer opens the database. If any row fails its integrity check, nothing
        changes and the old key stays valid.

        Raises:
            StoreKeyError: the new key is empty, or the store was opened without its key.
            StoreIntegrityError: a stored record was tampered with (nothing was changed).
        """
        passphrase = _key_bytes(new_key)
        if passphrase is None:
            raise StoreKeyError("the new store key is empty")

        def job(db: sqlite3.Connection) -> None:
            old = self._unlocked("rotate the key")
            new = _Sealer(passphrase, _KdfParams(os.urandom(_SALT_BYTES), self._scrypt_n))
            with _transaction(db):
                rows = db.execute(f"SELECT {_COLUMNS} FROM connections ORDER BY id").fetchall()
                for row in rows:
                    row_id, *columns, sealed = row
                    ad = _associated_data(row_id, tuple(columns))
                    plaintext = old.open(bytes(sealed), ad)
                    if plaintext is None:
                        raise StoreIntegrityError(
                            f"connection {row_id} fails its integrity check; "
                            "the key was not rotated"
                        )
                    db.execute(
                        "UPDATE connections SET sealed = ? WHERE id = ?",
                        (new.seal(plaintext, ad), row_id),
                    )
                db.executemany(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", _meta_rows(new)
                )
            self._sealer = new

        await self._run(job)
