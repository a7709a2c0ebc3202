"""Connection stores: one contract for both kinds; secrets encrypted at rest, tampering detected."""

from __future__ import annotations

import asyncio
import base64
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from exchlayer.config import Credentials
from exchlayer.connection import ExchangeConnection
from exchlayer.errors import ConfigurationError, ConnectionNotFound, InvalidArgument
from exchlayer.store import (
    KEY_ENV_VAR,
    SCHEMA_VERSION,
    ConnectionStore,
    MemoryConnectionStore,
    SQLiteConnectionStore,
    StoreError,
    StoreIntegrityError,
    StoreKeyError,
    generate_store_key,
)

API_KEY = "LEAKCHECK-STORE-API-KEY-3c9e71"
API_SECRET = "LEAKCHECK-STORE-SECRET-a04d5b"
PASSPHRASE = "LEAKCHECK-STORE-PASSPHRASE-77f2"
KEY = "LEAKCHECK-STORE-KEY-e58b0c19"
NEW_KEY = "LEAKCHECK-STORE-NEW-KEY-d2a4"
SECRETS = (API_KEY, API_SECRET, PASSPHRASE, KEY, NEW_KEY)
FAST = 2**10  # scrypt cost for tests; the default (2**17) takes half a second per open


@pytest.fixture(autouse=True)
def _no_key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV_VAR, raising=False)


def creds(suffix: str = "", *, passphrase: bool = True) -> Credentials:
    return Credentials(
        api_key=API_KEY + suffix,
        api_secret=API_SECRET + suffix,
        passphrase=PASSPHRASE + suffix if passphrase else None,
    )


def conn(user: str = "alice", exchange: str = "kucoin", **fields: Any) -> ExchangeConnection:
    fields.setdefault("credentials", creds())
    return ExchangeConnection(user=user, exchange=exchange, **fields)


def secret_values(connection: ExchangeConnection) -> tuple[str, ...]:
    assert connection.credentials is not None
    return connection.credentials.secret_values()


def sqlite_store(path: Path, key: str = KEY, **kwargs: Any) -> SQLiteConnectionStore:
    return SQLiteConnectionStore(path, key=key, scrypt_n=FAST, **kwargs)


def raw(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run SQL on the file directly, as someone with the file but not the key would."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute(sql, params).fetchall()
        db.commit()
    return rows


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a secret leaked into {where}"


def chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def assert_error_clean(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    for exc in chain(excinfo.value):
        assert_clean(str(exc), "an exception message")
        assert_clean(repr(exc), "an exception repr")


# --------------------------------------------------------------------------- the contract


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ConnectionStore]:
    s: ConnectionStore
    s = MemoryConnectionStore() if request.param == "memory" else sqlite_store(tmp_path / "c.db")
    yield s
    await s.close()


def test_both_stores_satisfy_the_protocol(tmp_path: Path) -> None:
    assert isinstance(MemoryConnectionStore(), ConnectionStore)
    assert isinstance(sqlite_store(tmp_path / "c.db"), ConnectionStore)


async def test_add_assigns_ids_and_round_trips_every_field(store: ConnectionStore) -> None:
    created = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc)
    original = conn(
        label="main account",
        is_testnet=True,
        options={"default_trade_type": "futures", "nested": {"a": [1, 2.5, None, True]}},
        created_at=created,
    )
    added = await store.add(original)
    assert added.id == 1
    assert original.id is None  # the caller's object is not changed
    got = await store.get(1)
    assert got is not None
    assert (got.id, got.user, got.exchange, got.label) == (1, "alice", "kucoin", "main account")
    assert got.is_testnet is True
    assert got.options == {"default_trade_type": "futures", "nested": {"a": [1, 2.5, None, True]}}
    assert got.created_at == created and got.created_at.tzinfo is not None
    assert secret_values(got) == (API_KEY, API_SECRET, PASSPHRASE)
    assert got == added


async def test_a_connection_without_credentials_round_trips(store: ConnectionStore) -> None:
    added = await store.add(conn(credentials=None, exchange="binance"))
    got = await store.get(added.id or 0)
    assert got is not None and got.credentials is None and not got.has_credentials
    got_no_passphrase = await store.get(
        (await store.add(conn(credentials=creds(passphrase=False)))).id or 0
    )
    assert got_no_passphrase is not None and got_no_passphrase.credentials is not None
    assert got_no_passphrase.credentials.passphrase is None


async def test_add_refuses_a_connection_that_has_an_id(store: ConnectionStore) -> None:
    with pytest.raises(InvalidArgument, match="already has id 7"):
        await store.add(conn(id=7))
    assert await store.list() == []


async def test_options_must_be_json(store: ConnectionStore) -> None:
    with pytest.raises(InvalidArgument, match="JSON"):
        await store.add(conn(options={"when": datetime.now(timezone.utc)}))


async def test_get_of_an_unknown_id_is_none(store: ConnectionStore) -> None:
    assert await store.get(42) is None


async def test_list_is_ordered_by_id_and_filters_by_user(store: ConnectionStore) -> None:
    for user, exchange in [("bob", "binance"), ("alice", "kucoin"), ("bob", "bitget")]:
        await store.add(conn(user=user, exchange=exchange))
    everyone = await store.list()
    assert [(c.id, c.user, c.exchange) for c in everyone] == [
        (1, "bob", "binance"),
        (2, "alice", "kucoin"),
        (3, "bob", "bitget"),
    ]
    assert [c.id for c in await store.list("bob")] == [1, 3]
    assert [c.id for c in await store.list(user="alice")] == [2]
    assert await store.list("carol") == []
    assert all(secret_values(c)[0] == API_KEY for c in everyone)


async def test_update_replaces_every_field_and_the_credentials(store: ConnectionStore) -> None:
    added = await store.add(conn())
    changed = added.model_copy(
        update={
            "label": "renamed",
            "is_testnet": True,
            "options": {"x": 1},
            "credentials": creds("-v2", passphrase=False),
        }
    )
    assert await store.update(changed) == changed
    got = await store.get(added.id or 0)
    assert got is not None
    assert (got.label, got.is_testnet, got.options) == ("renamed", True, {"x": 1})
    assert secret_values(got) == (API_KEY + "-v2", API_SECRET + "-v2")
    cleared = await store.update(got.model_copy(update={"credentials": None}))
    assert cleared.credentials is None
    again = await store.get(added.id or 0)
    assert again is not None and again.credentials is None


async def test_update_of_an_unknown_or_missing_id_is_a_clear_error(store: ConnectionStore) -> None:
    with pytest.raises(ConnectionNotFound, match="no stored connection has id 9"):
        await store.update(conn(id=9))
    with pytest.raises(InvalidArgument, match="has no id"):
        await store.update(conn())
    assert await store.list() == []


async def test_delete_removes_and_ids_are_never_reused(store: ConnectionStore) -> None:
    first, second = await store.add(conn()), await store.add(conn(user="bob"))
    assert await store.delete(second.id or 0) is True
    assert await store.delete(second.id or 0) is False
    assert await store.get(second.id or 0) is None
    third = await store.add(conn(user="carol"))
    assert (first.id, second.id, third.id) == (1, 2, 3)
    assert [c.id for c in await store.list()] == [1, 3]


async def test_returned_options_are_copies(store: ConnectionStore) -> None:
    added = await store.add(conn(options={"list": [1]}))
    added.options["list"].append(2)
    got = await store.get(1)
    assert got is not None
    got.options["new"] = True
    again = await store.get(1)
    assert again is not None and again.options == {"list": [1]}


async def test_fifty_concurrent_adds_get_unique_ids(store: ConnectionStore) -> None:
    added = await asyncio.gather(*(store.add(conn(user=f"u{i}")) for i in range(50)))
    ids = [c.id for c in added]
    assert sorted(ids) == list(range(1, 51))  # type: ignore[type-var]
    stored = await store.list()
    assert {c.id: c.user for c in stored} == {c.id: c.user for c in added}


async def test_closing_twice_is_fine_and_use_after_close_is_a_clear_error(
    store: ConnectionStore,
) -> None:
    await store.add(conn())
    await store.close()
    await store.close()
    for call in (store.get(1), store.list(), store.delete(1), store.add(conn())):
        with pytest.raises(StoreError, match="is closed"):
            await call


async def test_async_with_returns_the_store_and_closes_it(store: ConnectionStore) -> None:
    async with store as entered:
        assert entered is store
        await entered.add(conn())
    with pytest.raises(StoreError, match="closed"):
        await store.list()


async def test_reprs_never_show_a_secret(store: ConnectionStore) -> None:
    added = await store.add(conn())
    got = await store.get(1)
    for text in (repr(store), str(store), repr(added), repr(got), str(await store.list())):
        assert_clean(text, "a repr")


def test_store_errors_are_configuration_errors() -> None:
    assert issubclass(StoreKeyError, StoreError)
    assert issubclass(StoreIntegrityError, StoreError)
    assert issubclass(StoreError, ConfigurationError)


# --------------------------------------------------------------------------- SQLite: the file


async def filled_store(path: Path) -> None:
    async with sqlite_store(path) as store:
        await store.add(conn())
        await store.add(conn(user="bob", credentials=creds("-bob")))
        await store.add(conn(user="carol", credentials=creds("-carol")))
        await store.update(
            (await store.get(2)).model_copy(update={"credentials": creds("-bob2")})  # type: ignore[union-attr]
        )
        await store.delete(3)


def encodings(secret: str) -> list[bytes]:
    data = secret.encode()
    forms = [
        data,
        data.hex().encode(),
        data.hex().upper().encode(),
        base64.b64encode(data),
        base64.urlsafe_b64encode(data),
        base64.b32encode(data),
        secret.encode("utf-16-le"),
    ]
    return forms + [f.rstrip(b"=") for f in forms if f.endswith(b"=")]


def files_beside(path: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in path.parent.iterdir()}


async def test_the_files_hold_no_secret_in_any_encoding(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    async with sqlite_store(path) as store:
        await store.rotate_key(NEW_KEY)
    contents = files_beside(path)
    assert path.name in contents
    for name, content in contents.items():  # the database and any -journal / -wal beside it
        for secret in SECRETS:
            for variant in (secret, secret + "-bob", secret + "-bob2", secret + "-carol"):
                for form in encodings(variant):
                    assert form not in content, f"{variant!r} is readable in {name}"


async def test_ids_and_fields_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    async with sqlite_store(path) as store:
        stored = await store.list()
        assert [(c.id, c.user) for c in stored] == [(1, "alice"), (2, "bob")]
        assert secret_values(stored[1]) == (
            API_KEY + "-bob2",
            API_SECRET + "-bob2",
            PASSPHRASE + "-bob2",
        )
        assert (await store.add(conn(user="dave"))).id == 4


async def test_the_schema_is_versioned_and_the_kdf_recorded(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    async with sqlite_store(path) as store:
        await store.open()
    meta = dict(raw(path, "SELECT name, value FROM meta"))
    assert meta["schema_version"] == SCHEMA_VERSION
    assert (meta["kdf"], meta["kdf_n"], meta["kdf_r"], meta["kdf_p"]) == ("scrypt", FAST, 8, 1)
    assert meta["cipher"] == "AES-256-GCM"
    assert len(meta["kdf_salt"]) == 16
    other = tmp_path / "other.db"
    async with sqlite_store(other) as store:
        await store.open()
    assert dict(raw(other, "SELECT name, value FROM meta"))["kdf_salt"] != meta["kdf_salt"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
async def test_a_new_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    async with sqlite_store(path) as store:
        await store.add(conn())
    assert path.stat().st_mode & 0o077 == 0


async def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    async with sqlite_store(path) as store:
        await store.open()
    raw(path, "UPDATE meta SET value = ? WHERE name = 'schema_version'", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer than this exchlayer"):
        async with sqlite_store(path):
            pass


async def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not a database at all" * 50)
    with pytest.raises(StoreError, match="not a readable connection store"):
        async with sqlite_store(text):
            pass
    foreign = tmp_path / "foreign.db"
    raw(foreign, "CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="something else"):
        async with sqlite_store(foreign):
            pass


# --------------------------------------------------------------------------- SQLite: keys


async def test_a_wrong_key_fails_fast_and_returns_no_credentials(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    with pytest.raises(StoreKeyError, match=r"^the store key does not match this database$") as e1:
        async with sqlite_store(path, key="not-the-key"):
            pass
    assert_error_clean(e1)
    store = sqlite_store(path, key="not-the-key")
    for call in (store.get(1), store.list()):
        with pytest.raises(StoreKeyError, match="does not match") as e2:
            await call
        assert_error_clean(e2)
    await store.close()


def test_a_missing_key_names_the_environment_variable(tmp_path: Path) -> None:
    with pytest.raises(StoreKeyError, match=KEY_ENV_VAR):
        SQLiteConnectionStore(tmp_path / "c.db")
    with pytest.raises(StoreKeyError, match=KEY_ENV_VAR):
        SQLiteConnectionStore(tmp_path / "c.db", key="")
    assert not (tmp_path / "c.db").exists()


async def test_the_key_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.db"
    monkeypatch.setenv(KEY_ENV_VAR, KEY)
    async with SQLiteConnectionStore(path, scrypt_n=FAST) as store:
        await store.add(conn())
    monkeypatch.delenv(KEY_ENV_VAR)
    async with sqlite_store(path, key=KEY) as store:  # the same key, given explicitly
        got = await store.get(1)
    assert got is not None and secret_values(got)[0] == API_KEY


async def test_an_explicit_key_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    monkeypatch.setenv(KEY_ENV_VAR, "something else")
    async with sqlite_store(path, key=KEY) as store:
        assert len(await store.list()) == 2


async def test_generated_keys_are_long_and_random(tmp_path: Path) -> None:
    key = generate_store_key()
    assert len(key) >= 43 and key != generate_store_key()
    async with sqlite_store(tmp_path / "c.db", key=key) as store:
        await store.add(conn())


async def test_rotate_key_reencrypts_and_the_old_key_then_fails(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    before = dict(raw(path, "SELECT id, sealed FROM connections"))
    async with sqlite_store(path) as store:
        await store.rotate_key(NEW_KEY)
        got = await store.get(2)  # the open store keeps working under the new key
        assert got is not None and secret_values(got)[0] == API_KEY + "-bob2"
    after = dict(raw(path, "SELECT id, sealed FROM connections"))
    assert before.keys() == after.keys() and all(before[i] != after[i] for i in before)
    with pytest.raises(StoreKeyError, match="does not match"):
        async with sqlite_store(path, key=KEY):
            pass
    async with sqlite_store(path, key=NEW_KEY) as store:
        stored = await store.list()
    assert [secret_values(c)[1] for c in stored] == [API_SECRET, API_SECRET + "-bob2"]


async def test_rotate_key_changes_nothing_when_a_row_is_tampered(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    raw(path, "UPDATE connections SET label = 'edited' WHERE id = 2")
    async with sqlite_store(path) as store:
        with pytest.raises(StoreIntegrityError, match=r"connection 2.*not rotated"):
            await store.rotate_key(NEW_KEY)
        assert (await store.get(1)) is not None  # the old key still works
    with pytest.raises(StoreKeyError):
        async with sqlite_store(path, key=NEW_KEY):
            pass


async def test_rotate_key_refuses_an_empty_key(tmp_path: Path) -> None:
    async with sqlite_store(tmp_path / "c.db") as store:
        with pytest.raises(StoreKeyError, match="empty"):
            await store.rotate_key("")


def test_scrypt_cost_must_be_a_sane_power_of_two(tmp_path: Path) -> None:
    for bad in (1000, 2**9, 2**21):
        with pytest.raises(InvalidArgument, match="power of two"):
            SQLiteConnectionStore(tmp_path / "c.db", key=KEY, scrypt_n=bad)


# --------------------------------------------------------------------------- SQLite: tampering


def flip_byte(path: Path, row_id: int, position: int = -5) -> None:
    (sealed,) = raw(path, "SELECT sealed FROM connections WHERE id = ?", (row_id,))[0]
    blob = bytearray(sealed)
    blob[position] ^= 0x01
    raw(path, "UPDATE connections SET sealed = ? WHERE id = ?", (bytes(blob), row_id))


@pytest.mark.parametrize("position", [0, 5, 20, -1])
async def test_a_flipped_ciphertext_byte_is_an_integrity_error(
    tmp_path: Path, position: int
) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    flip_byte(path, 1, position)
    async with sqlite_store(path) as store:
        with pytest.raises(
            StoreIntegrityError, match="connection 1 fails its integrity check"
        ) as e:
            await store.get(1)
        assert_error_clean(e)
        with pytest.raises(StoreIntegrityError):
            await store.list()
        got = await store.get(2)  # the untouched row still reads
        assert got is not None and secret_values(got)[0] == API_KEY + "-bob2"


async def test_swapping_two_rows_ciphertexts_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    async with sqlite_store(path) as store:
        await store.add(conn(user="alice"))
        await store.add(conn(user="alice", credentials=creds("-other")))
    rows = dict(raw(path, "SELECT id, sealed FROM connections"))
    raw(path, "UPDATE connections SET sealed = ? WHERE id = 1", (rows[2],))
    raw(path, "UPDATE connections SET sealed = ? WHERE id = 2", (rows[1],))
    async with sqlite_store(path) as store:
        for row_id in (1, 2):
            with pytest.raises(StoreIntegrityError, match=f"connection {row_id} "):
                await store.get(row_id)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("options", '{"hostname":"attacker.example"}'),
        ("user", "mallory"),
        ("exchange", "binance"),
        ("is_testnet", 1),
        ("label", "x"),
        ("created_at", "2020-01-01T00:00:00+00:00"),
    ],
)
async def test_editing_a_clear_field_is_detected(
    tmp_path: Path, column: str, value: object
) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    raw(path, f"UPDATE connections SET {column} = ? WHERE id = 1", (value,))
    async with sqlite_store(path) as store:
        with pytest.raises(StoreIntegrityError, match="connection 1"):
            await store.get(1)


async def test_moving_a_row_to_another_id_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    raw(path, "UPDATE connections SET id = 7 WHERE id = 1")
    async with sqlite_store(path) as store:
        with pytest.raises(StoreIntegrityError, match="connection 7"):
            await store.get(7)


async def test_a_tampered_key_check_reads_as_a_wrong_key(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    raw(path, "UPDATE meta SET value = zeroblob(45) WHERE name = 'key_check'")
    with pytest.raises(StoreKeyError, match="does not match"):
        async with sqlite_store(path):
            pass


# --------------------------------------------------------------------------- SQLite: no key


async def test_metadata_only_lists_without_credentials_and_never_writes_secrets(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.db"
    await filled_store(path)
    async with SQLiteConnectionStore(path, metadata_only=True) as store:
        assert store.metadata_only
        listed = await store.list()
        assert [(c.id, c.user, c.exchange) for c in listed] == [
            (1, "alice", "kucoin"),
            (2, "bob", "kucoin"),
        ]
        assert all(c.credentials is None for c in listed)
        got = await store.get(2)
        assert got is not None and got.credentials is None
        for call, action in [
            (store.add(conn()), "add"),
            (store.update(listed[0]), "update"),
            (store.rotate_key(NEW_KEY), "rotate"),
        ]:
            with pytest.raises(StoreKeyError, match=f"cannot {action}.*without its key"):
                await call
        assert await store.delete(2) is True
    async with sqlite_store(path) as store:  # nothing was wiped by the keyless session
        stored = await store.list()
    assert [c.id for c in stored] == [1] and secret_values(stored[0])[0] == API_KEY


async def test_metadata_only_needs_an_existing_store(tmp_path: Path) -> None:
    store = SQLiteConnectionStore(tmp_path / "missing.db", metadata_only=True)
    with pytest.raises(StoreError, match="no connection store at"):
        await store.list()
    await store.close()
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(InvalidArgument, match="either a key or metadata_only"):
        SQLiteConnectionStore(tmp_path / "c.db", key=KEY, metadata_only=True)


# --------------------------------------------------------------------------- SQLite: concurrency


async def test_two_stores_on_one_file_add_concurrently(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    async with sqlite_store(path) as first:
        await first.open()
        async with sqlite_store(path) as second:
            added = await asyncio.gather(
                *(s.add(conn(user=f"u{i}")) for i in range(25) for s in (first, second))
            )
    assert sorted(c.id or 0 for c in added) == list(range(1, 51))


async def test_the_event_loop_runs_while_the_key_is_derived(tmp_path: Path) -> None:
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    beat = asyncio.create_task(heartbeat())
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with SQLiteConnectionStore(tmp_path / "c.db", key=KEY, scrypt_n=2**16) as store:
        await store.add(conn())
    elapsed = loop.time() - started
    beat.cancel()
    # scrypt at 2**16 runs for a tenth of a second or more; the loop kept ticking through it.
    assert ticks >= elapsed / 0.005 / 4


# --------------------------------------------------------------------------- the extra


def test_without_cryptography_the_store_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "cryptography" or m.startswith("cryptography.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(ImportError, match=r'pip install "exchlayer\[store\]"'):
        SQLiteConnectionStore(tmp_path / "c.db", key=KEY)
    assert isinstance(MemoryConnectionStore(), ConnectionStore)  # the rest still works


def test_importing_the_module_does_not_need_cryptography(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['cryptography'] = None\n"
        "import exchlayer.store as store\n"
        "store.MemoryConnectionStore()\n"
        "try:\n"
        "    store.SQLiteConnectionStore('c.db', key='k')\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert 'pip install "exchlayer[store]"' in result.stdout
    assert not (tmp_path / "c.db").exists()
