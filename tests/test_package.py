"""Packaging promises: import cost, public names, the pytest plugin, the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import exchlayer

HEAVY = ("ccxt", "aiohttp", "tenacity", "aiolimiter", "sqlite3", "cryptography", "redis",
         "fastapi", "exchlayer.testing", "exchlayer.service", "exchlayer.connector")


def imported_after(statement: str) -> list[str]:
    """The heavy modules a fresh interpreter has imported after running ``statement``."""
    code = f"import sys; {statement}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return eval(out.stdout)  # type: ignore[no-any-return]


def test_importing_exchlayer_does_not_import_ccxt_aiohttp_or_the_optional_parts() -> None:
    assert imported_after("import exchlayer") == []


def test_the_names_users_reach_for_import_from_the_top_level() -> None:
    assert imported_after(
        "from exchlayer import ExchangeConnection, ExchangeFactory, Credentials, OrderType"
    ) == []
    assert "exchlayer.service" in imported_after(
        "from exchlayer import TradingService, ExchangeConnection, TickerSnapshot"
    )
    from exchlayer.resilience import RetryPolicy
    from exchlayer.service import ConnectionStatus, TradingService
    from exchlayer.store import MemoryConnectionStore, SQLiteConnectionStore

    assert exchlayer.TradingService is TradingService
    assert exchlayer.ConnectionStatus is ConnectionStatus
    assert exchlayer.RetryPolicy is RetryPolicy
    assert exchlayer.MemoryConnectionStore is MemoryConnectionStore
    assert exchlayer.SQLiteConnectionStore is SQLiteConnectionStore
    assert set(exchlayer.__all__) <= set(dir(exchlayer))


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


PLUGIN_AUTHOR_TESTS = """
from decimal import Decimal

import pytest

from exchlayer import OrderSide, OrderStatus, OrderType, TradeType
from exchlayer.testing.contract import ExchangeContract


@pytest.mark.asyncio
async def test_my_bot_buys_the_dip(venue_simulator, simulated_exchange):
    exchange = await simulated_exchange("binance")
    order = await exchange.create_order(
        "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, Decimal("0.01"), Decimal("45000")
    )
    venue_simulator.set_price("BTC/USDT", Decimal("44000"))
    assert (await exchange.get_order(order.id, "BTC/USDT")).status is OrderStatus.FILLED


class TestBinanceSpot(ExchangeContract):
    exchange_name = "binance"
    trade_type = TradeType.SPOT
"""


def test_a_plugin_author_s_suite_runs_with_warnings_as_errors(tmp_path: Path) -> None:
    """A project with no pytest configuration of its own (pytest-asyncio's strict mode, its
    loop-scope option unset) runs the fixtures and the contract under ``-W error``."""
    (tmp_path / "test_my_venue.py").write_text(PLUGIN_AUTHOR_TESTS, encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, "test_my_venue.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed" in done.stdout and "error" not in done.stdout.lower()


def test_demo_shows_a_whole_trading_session(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from exchlayer.cli import main

    monkeypatch.setenv("COLUMNS", "200")  # every table in one piece

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
