"""Connection stores: where `ExchangeConnection` records live.

    from exchlayer.store import SQLiteConnectionStore

    async with SQLiteConnectionStore("connections.db") as store:  # key: EXCHLAYER_STORE_KEY
        conn = await store.add(ExchangeConnection(user="alice", exchange="binance", credentials=c))
        mine = await store.list(user="alice")

Two stores keep the same contract (`ConnectionStore`):

- `MemoryConnectionStore` keeps connections in the process, for tests and for programs that
  do not persist them.
- `SQLiteConnectionStore` keeps them in a SQLite file with the secrets (API key, secret,
  passphrase) encrypted with AES-256-GCM under a key derived from your passphrase with scrypt. It
  needs the ``store`` extra: ``pip install "exchlayer[store]"``.

The security model, and why a store opened without its key may list connections but never reads
their credentials, is described in ``docs/store.md``.
"""

from .base import ConnectionStore, StoreError, StoreIntegrityError, StoreKeyError
from .crypto import DEFAULT_SCRYPT_N, generate_store_key
from .memory import MemoryConnectionStore
from .sqlite import KEY_ENV_VAR, SCHEMA_VERSION, SQLiteConnectionStore

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
