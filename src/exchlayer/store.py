"""Connection stores: where :class:`~exchlayer.connection.ExchangeConnection` records live.

    from exchlayer.store import SQLiteConnectionStore

    async with SQLiteConnectionStore("connections.db") as store:  # key: EXCHLAYER_STORE_KEY
        conn = await store.add(ExchangeConnection(user="alice", exchange="binance", credentials=c))
        mine = await store.list(user="alice")

Two stores keep the same contract (:class:`ConnectionStore`):

- :class:`MemoryConnectionStore` keeps connections in the process, for tests and for programs that
  do not persist them.
- :class:`SQLiteConnectionStore` keeps them in a SQLite file with the secrets (API key, secret,
  passphrase) encrypted with AES-256-GCM under a key derived from your passphrase with scrypt. It
  needs the ``store`` extra: ``pip install "exchlayer[store]"``.

The security model, and why a store opened without its key may list connections but never reads
their credentials, is described in ``docs/store.md``.
"""

from __future__ import annotations

import asyncio
import builtins
import json
import os
import secrets
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from pydantic import SecretStr, ValidationError

from .config import Credentials
from .connection import ExchangeConnection
from .errors import ConfigurationError, ConnectionNotFound, InvalidArgument

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "DEFAULT_SCRYPT_N",
    "KEY_ENV_VAR",
    "SCHEMA_VERSION",
    "ConnectionStore",
    "MemoryConnectionStore",
    "SQLiteConnectionStore",
    "StoreError",
    "StoreIntegrityError",
    "StoreKeyError",
    "generate_store_key",
]

KEY_ENV_VAR = "EXCHLAYER_STORE_KEY"
"""The environment variable :class:`SQLiteConnectionStore` reads its key from."""

SCHEMA_VERSION = 1
"""The version of the SQLite layout this exchlayer writes (kept in the ``meta`` table)."""

DEFAULT_SCRYPT_N = 2**17
"""scrypt's cost for a new database: 128 MiB and about half a second, once per open."""

_SCRYPT_R = 8
_SCRYPT_P = 1
_MIN_SCRYPT_N = 2**10
_MAX_SCRYPT_N = 2**20  # 1 GiB: refuse a database whose parameters would exhaust memory
_SALT_BYTES = 16
_NONCE_BYTES = 12
_BLOB_VERSION = b"\x01"
_AD_PREFIX = b"exchlayer.store.v1"
_KEY_CHECK_PLAINTEXT = b"exchlayer connection store key check"
_WRONG_KEY = "the store key does not match this database"
_EXTRA_HINT = (
    'SQLiteConnectionStore needs the "cryptography" package: pip install "exchlayer[store]"'
)

_S = TypeVar("_S")
_SQLite = TypeVar("_SQLite", bound="SQLiteConnectionStore")
_T = TypeVar("_T")


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

    Ids are integers the store assigns on :meth:`add`; they are never reused, so an id keeps
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
        """Whether :meth:`close` was called."""
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


# --------------------------------------------------------------------------- in memory


class MemoryConnectionStore(_StoreBase):
    """The :class:`ConnectionStore` contract in memory: nothing is persisted or encrypted.

    Options go through the same JSON round trip as in :class:`SQLiteConnectionStore`, so code
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


# --------------------------------------------------------------------------- cryptography


def generate_store_key() -> str:
    """A new random store key (256 bits, URL-safe text) to put in ``EXCHLAYER_STORE_KEY``."""
    return secrets.token_urlsafe(32)


def _require_cryptography() -> None:
    try:
        import cryptography.hazmat.primitives.ciphers.aead
        import cryptography.hazmat.primitives.kdf.scrypt  # noqa: F401
    except ImportError as exc:
        raise ImportError(_EXTRA_HINT) from exc


def _key_bytes(key: str | bytes | SecretStr | None) -> bytes | None:
    if isinstance(key, SecretStr):
        key = key.get_secret_value()
    if isinstance(key, str):
        # The same passphrase typed on any system derives the same key.
        key = unicodedata.normalize("NFC", key).encode("utf-8")
    return key or None


@dataclass(frozen=True)
class _KdfParams:
    salt: bytes
    n: int
    r: int = _SCRYPT_R
    p: int = _SCRYPT_P


def _check_scrypt_n(n: int) -> None:
    if not (_MIN_SCRYPT_N <= n <= _MAX_SCRYPT_N) or n & (n - 1):
        raise InvalidArgument(f"scrypt_n must be a power of two from 2**10 to 2**20, not {n}")


class _Sealer:
    """AES-256-GCM under a scrypt-derived key; a blob is ``version | nonce | ciphertext+tag``."""

    def __init__(self, passphrase: bytes, params: _KdfParams) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        kdf = Scrypt(salt=params.salt, length=32, n=params.n, r=params.r, p=params.p)
        self._aead: AESGCM = AESGCM(kdf.derive(passphrase))
        self.params = params

    def __repr__(self) -> str:
        return "_Sealer(AES-256-GCM)"

    def seal(self, plaintext: bytes, associated_data: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _BLOB_VERSION + nonce + self._aead.encrypt(nonce, plaintext, associated_data)

    def open(self, blob: bytes, associated_data: bytes) -> bytes | None:
        """The plaintext, or ``None`` when the blob fails authentication."""
        from cryptography.exceptions import InvalidTag

        if len(blob) < 1 + _NONCE_BYTES + 16 or blob[:1] != _BLOB_VERSION:
            return None
        nonce, ciphertext = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, ciphertext, associated_data)
        except InvalidTag:
            return None

    def key_check(self) -> bytes:
        return self.seal(_KEY_CHECK_PLAINTEXT, _key_check_ad(self.params))

    def matches(self, key_check: bytes) -> bool:
        return self.open(key_check, _key_check_ad(self.params)) == _KEY_CHECK_PLAINTEXT


def _key_check_ad(params: _KdfParams) -> bytes:
    return b"%s.keycheck|%d|%d|%d|%s" % (_AD_PREFIX, params.n, params.r, params.p, params.salt)


def _associated_data(row_id: int, columns: tuple[str, str, str, int, str, str]) -> bytes:
    """The row id and every clear column (user, exchange, label, is_testnet, options,
    created_at): a sealed blob cannot move to another row undetected, and no clear field (e.g.
    an option pointing the connector at another host) can be edited undetected."""
    out = bytearray(_AD_PREFIX)
    for part in (row_id, *columns):
        data = str(part).encode("utf-8")
        out += len(data).to_bytes(4, "big") + data
    return bytes(out)


def _credentials_plaintext(credentials: Credentials | None) -> bytes:
    if credentials is None:
        return b"null"
    passphrase = credentials.passphrase
    return json.dumps(
        {
            "api_key": credentials.api_key.get_secret_value(),
            "api_secret": credentials.api_secret.get_secret_value(),
            "passphrase": None if passphrase is None else passphrase.get_secret_value(),
        }
    ).encode("utf-8")


def _credentials_from(plaintext: bytes, row_id: int) -> Credentials | None:
    try:
        data = json.loads(plaintext)
        return None if data is None else Credentials(**data)
    except (ValueError, TypeError):
        # built here but raised below, outside the handler, so it does not chain the original
        # exception (whose message holds the plaintext)
        error = StoreIntegrityError(f"connection {row_id} holds unreadable credentials")
    raise error


# --------------------------------------------------------------------------- SQLite

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


def _kdf_params(meta: dict[str, Any]) -> _KdfParams:
    try:
        params = _KdfParams(
            salt=bytes(meta["kdf_salt"]),
            n=int(meta["kdf_n"]),
            r=int(meta["kdf_r"]),
            p=int(meta["kdf_p"]),
        )
    except (KeyError, TypeError, ValueError):
        raise StoreIntegrityError("the store's key-derivation parameters are missing") from None
    if (
        meta.get("kdf") != "scrypt"
        or not (2 <= params.n <= _MAX_SCRYPT_N)
        or params.n & (params.n - 1)
        or not (1 <= params.r <= 32 and 1 <= params.p <= 16)
        or len(params.salt) < _SALT_BYTES
    ):
        raise StoreIntegrityError("the store's key-derivation parameters are not supported")
    return params


def _meta_rows(sealer: _Sealer) -> list[tuple[str, object]]:
    p = sealer.params
    return [
        ("kdf", "scrypt"),
        ("kdf_salt", p.salt),
        ("kdf_n", p.n),
        ("kdf_r", p.r),
        ("kdf_p", p.p),
        ("cipher", "AES-256-GCM"),
        ("key_check", sealer.key_check()),
    ]


class SQLiteConnectionStore(_StoreBase):
    """An encrypted :class:`ConnectionStore` in one SQLite file (the embedded default).

    The API key, secret and passphrase of every connection are encrypted with AES-256-GCM under
    a key derived from your passphrase with scrypt (random salt, kept in the database). The
    other fields stay in the clear, authenticated with the secrets, so an edited row is detected.
    The database is created (mode 0600) on first use. All SQLite work runs on one worker thread,
    so the event loop never blocks and any number of tasks may use the store at once.

    Args:
        path: the database file (``":memory:"`` for a throwaway one).
        key: the passphrase; ``None`` reads ``EXCHLAYER_STORE_KEY``. Use a long random one
            (:func:`generate_store_key`); anyone holding it and the file holds the credentials.
        metadata_only: open an existing store without its key: :meth:`list` and :meth:`get`
            return connections without credentials, :meth:`delete` works, and every call that
            would write a secret raises :class:`StoreKeyError`.
        scrypt_n: scrypt's cost for a new database and for :meth:`rotate_key`; an existing
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
