"""Packaging promises: import cost, public names, the pytest plugin, the command line."""

from __future__ import annotations

import subprocess
import sys

import pytest

import exchlayer


def test_importing_exchlayer_does_not_import_ccxt_or_aiohttp() -> None:
    code = (
        "import sys, exchlayer; "
        "print(sorted(m for m in ('ccxt', 'aiohttp') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_are_exported_sorted_and_documented() -> None:
    assert exchlayer.__all__ == sorted(exchlayer.__all__)
    for name in exchlayer.__all__:
        value = getattr(exchlayer, name)
        if name != "__version__":
            assert value.__doc__, f"exchlayer.{name} has no docstring"


def test_ccxt_exchange_is_available_lazily() -> None:
    from exchlayer.connector.core import CcxtExchange

    assert exchlayer.CcxtExchange is CcxtExchange
    with pytest.raises(AttributeError):
        exchlayer.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018


def test_pytest_plugin_is_registered(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.has_plugin("exchlayer")


def test_demo_shows_a_whole_trading_session(capsys: pytest.CaptureFixture[str]) -> None:
    from exchlayer.cli import main

    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for expected in (
        "1. Five venues, one interface",
        "2. BTC/USDT on every venue",
        "best bid 50000 on",
        "3. An order life cycle on each venue",
        "BTC/USDT:USDT",
        "Top of the BTC/USDT book",
        "Balances",
        "cancel_order -> True; status now CANCELED",
        "A market order, filled",
        "FILLED",
        "position, after BTC rises to 51,000",
        "closed with a reduce-only market sell",
        "HTTP requests answered by the simulator",
    ):
        assert expected in out, expected
    for venue in ("binance", "gateio", "kucoin", "bingx", "bitget"):
        row = next(
            line for line in out.splitlines() if line.startswith(f"│ {venue} ") and "xl" in line
        )
        assert "OPEN" in row and "yes" in row and "FILLED" in row, row
    assert "NO" not in out.split("2. BTC/USDT")[0]  # every connection tested fine


def test_exchanges_command_lists_binance(capsys: pytest.CaptureFixture[str]) -> None:
    from exchlayer.cli import main

    assert main(["exchanges"]) == 0
    assert "binance" in capsys.readouterr().out
