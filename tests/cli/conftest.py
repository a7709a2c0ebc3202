"""What the command-line tests share: running ``main([...])`` as a user would, a simulator that
keeps serving between commands (in a thread, so ``--simulator 127.0.0.1:PORT`` reaches it), and
an encrypted store of one's own."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import Done, Run, ServedSimulator

from exchlayer.cli import main
from exchlayer.store import KEY_ENV_VAR, SQLiteConnectionStore

FAST = 2**10  # scrypt cost for a test store; the default takes half a second per open
STORE_KEY = "LEAKCHECK-CLI-STORE-KEY-5d1e0a"
# Every venue's key variables: none may leak in from the developer's environment.
_VENUE_VARIABLES = [
    f"{venue}_{what}"
    for venue in ("BINANCE", "GATEIO", "KUCOIN", "BINGX", "BITGET")
    for what in ("API_KEY", "SECRET_KEY", "API_SECRET", "PASSPHRASE", "TESTNET")
]



@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (*_VENUE_VARIABLES, KEY_ENV_VAR, "EXCHLAYER_STORE_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # one table in one piece unless a test narrows it
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # never the user's store


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``run("ticker", "binance", ...)``: ``main()`` with those arguments, and what it printed."""

    def run_command(*args: str) -> Done:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Done(code, captured.out, captured.err)

    return run_command


@pytest.fixture
def served() -> Iterator[ServedSimulator]:
    served = ServedSimulator()
    try:
        yield served
    finally:
        served.close()


@pytest.fixture
def routed(served: ServedSimulator) -> Iterator[ServedSimulator]:
    """The real-venue code path (no ``--simulator``), answered by the served simulator."""
    route = served.route()
    try:
        yield served
    finally:
        route.close()


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty encrypted store (cheap scrypt cost), named by EXCHLAYER_STORE_PATH, its key in
    EXCHLAYER_STORE_KEY."""
    path = tmp_path / "connections.db"

    async def create() -> None:
        async with SQLiteConnectionStore(path, key=STORE_KEY, scrypt_n=FAST):
            pass

    asyncio.run(create())
    monkeypatch.setenv("EXCHLAYER_STORE_PATH", str(path))
    monkeypatch.setenv(KEY_ENV_VAR, STORE_KEY)
    return path
