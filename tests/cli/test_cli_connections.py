"""``exchlayer connections list|add|remove|test`` and ``--connection NAME`` on the encrypted
store: secrets come from the environment (never the command line), are never printed, and a
store opened with the wrong key or none says so in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import Run, ServedSimulator, table_rows

from exchlayer.cli.simulator import simulator_credentials

KEY, SECRET, PASSPHRASE = simulator_credentials("kucoin")


def _kucoin_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUCOIN_API_KEY", KEY)
    monkeypatch.setenv("KUCOIN_SECRET_KEY", SECRET)
    monkeypatch.setenv("KUCOIN_PASSPHRASE", PASSPHRASE)


def _forget_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KUCOIN_API_KEY", "KUCOIN_SECRET_KEY", "KUCOIN_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)


def test_add_list_use_test_and_remove(
    run: Run, store: Path, served: ServedSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kucoin_keys(monkeypatch)
    added = run("connections", "add", "main-kucoin", "--exchange", "kucoin", "--json")
    assert added.code == 0, added.err
    assert added.json()["credentials"] == "**********"
    _forget_keys(monkeypatch)  # from here on the keys come from the store only

    listed = run("connections", "list")
    assert listed.code == 0, listed.err
    header, row = table_rows(listed.out)[:2]
    assert header[:3] == ["id", "name", "exchange"] and row[1:3] == ["main-kucoin", "kucoin"]
    as_json = run("connections", "list", "--json").json()
    assert [(c["name"], c["exchange"], c["testnet"]) for c in as_json] == [
        ("main-kucoin", "kucoin", False)
    ]

    at = ("--simulator", served.address)
    tested = run("connections", "test", "main-kucoin", *at)
    assert tested.code == 0, tested.err
    assert table_rows(tested.out)[1][:3] == ["main-kucoin", "kucoin", "yes"]
    balance = run("balance", "--connection", "main-kucoin", *at, "--json")
    assert balance.code == 0, balance.err
    assert {b["currency"] for b in balance.json()} >= {"USDT"}
    private = [r for r in served.sim.requests if r.is_private]
    assert private and {r.headers.get("KC-API-KEY") for r in private} == {KEY}

    removed = run("connections", "remove", "main-kucoin")
    assert removed.code == 0 and "removed connection 'main-kucoin'" in removed.out
    assert run("connections", "list", "--json").json() == []
    gone = run("balance", "--connection", "main-kucoin", *at)
    assert gone.code == 1 and "no stored connection is called 'main-kucoin'" in gone.err


def test_no_secret_is_ever_printed(
    run: Run, store: Path, served: ServedSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kucoin_keys(monkeypatch)
    outputs = [
        run("connections", "add", "k1", "--exchange", "kucoin"),
        run("connections", "add", "k1", "--exchange", "kucoin"),  # taken: an error
        run("connections", "list"),
        run("connections", "list", "--json"),
        run("connections", "test", "k1", "--simulator", served.address, "--json"),
        run("orders", "--connection", "k1", "BTC/USDT", "--simulator", served.address),
    ]
    assert outputs[1].code == 1 and "is stored already" in outputs[1].err
    for done in outputs:
        for secret in (SECRET, PASSPHRASE, "LEAKCHECK"):  # the store key starts so
            assert secret not in done.out and secret not in done.err
    assert store.read_bytes().count(SECRET.encode()) == 0  # encrypted at rest


def test_secrets_on_the_command_line_are_refused_unrepeated(run: Run, store: Path) -> None:
    done = run("connections", "add", "x", "--exchange", "binance", "--secret", "s3cr3t-typed")
    assert done.code == 2
    assert "never read from the command line" in done.err and "s3cr3t-typed" not in done.err


def test_without_keys_or_a_terminal_add_says_what_to_set(run: Run, store: Path) -> None:
    done = run("connections", "add", "x", "--exchange", "kucoin")
    assert done.code == 1
    assert "set KUCOIN_API_KEY and KUCOIN_SECRET_KEY (and KUCOIN_PASSPHRASE)" in done.err
    assert run("connections", "list", "--json").json() == []  # nothing was stored


def test_the_wrong_store_key_is_one_clear_line(
    run: Run, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kucoin_keys(monkeypatch)
    assert run("connections", "add", "k1", "--exchange", "kucoin").code == 0
    monkeypatch.setenv("EXCHLAYER_STORE_KEY", "not-the-key-it-was-made-with")
    done = run("connections", "test", "k1", "--simulator")
    assert done.code == 1 and len(done.err.splitlines()) == 1
    assert "not-the-key-it-was-made-with" not in done.err and SECRET not in done.err
    # without any key the list still shows what is stored, not the credentials
    monkeypatch.delenv("EXCHLAYER_STORE_KEY")
    locked = run("connections", "list", "--json").json()
    assert [(c["name"], c["credentials"]) for c in locked] == [("k1", "locked")]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("add", "  padded", "--exchange", "binance"), "must not be empty or start or end"),
        (("add", "42", "--exchange", "binance"), "must not be a number"),
        (("add", "x", "--exchange", "kucoin", "--testnet"), "kucoin has no testnet"),
        (("add", "x", "--exchange", "nosuchvenue"), "nosuchvenue"),
        (("remove", "nobody"), "no stored connection is called 'nobody'"),
    ],
)
def test_bad_requests_are_refused(
    run: Run, store: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], expected: str
) -> None:
    _kucoin_keys(monkeypatch)
    done = run("connections", *args)
    assert done.code in (1, 2) and expected in done.err, done.err
    assert run("connections", "list", "--json").json() == []


def test_no_store_yet(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXCHLAYER_STORE_PATH", str(tmp_path / "none" / "connections.db"))
    assert run("connections", "list", "--json").json() == []
    done = run("connections", "test", "anything")
    assert done.code == 1 and "no connection store at" in done.err
