"""The ``exchlayer`` command, run for real in a subprocess: exit codes, narrow and ASCII-only
terminals, a reader that stops early, Ctrl-C, broken plugins."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from cli_support import Run

import exchlayer
from plugin_support import install_distribution

# The demo's first line, printed once its simulator runs: the demo is under way.
FIRST_LINE = "exchlayer demo: "


def command_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("COLUMNS", "PYTHONIOENCODING", "PYTHONWARNINGS"):
        env.pop(name, None)
    env["PYTHONWARNINGS"] = "error"  # the command is as strict as the suite
    env.update(extra)
    return env


def exchlayer_command(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exchlayer", *args],
        capture_output=True,
        text=True,
        env=env or command_env(),
        timeout=timeout,
        check=False,
    )


def start_demo(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "exchlayer", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def test_version_names_exchlayer_ccxt_and_python() -> None:
    done = exchlayer_command("--version")
    assert done.returncode == 0
    assert done.stdout.startswith(f"exchlayer {exchlayer.__version__} (ccxt 4.")
    assert "Python 3." in done.stdout


def test_help_is_plain_text() -> None:
    done = exchlayer_command("--help")
    assert done.returncode == 0
    assert "exchlayer demo" in done.stdout
    for markup in ("``", ":class:", ":meth:", ":func:"):
        assert markup not in done.stdout


def test_a_usage_error_exits_2() -> None:
    for args in ((), ("fly",), ("exchanges", "a", "b")):
        done = exchlayer_command(*args)
        assert done.returncode == 2, args
        assert "usage: exchlayer" in done.stderr
        assert "Traceback" not in done.stderr


def test_an_exchlayer_error_is_one_line_and_exits_1() -> None:
    done = exchlayer_command("exchanges", "mtgox")
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("exchlayer: error: unknown exchange 'mtgox'; available: ")
    assert "binance" in lines[0]


def test_exchanges_lists_every_builtin_and_shows_one() -> None:
    listed = exchlayer_command("exchanges", env=command_env(COLUMNS="100"))
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[1]: line for line in listed.stdout.splitlines() if line.startswith("│ ")}
    for name in ("binance", "bingx", "bitget", "gateio", "kucoin"):
        assert "futures, spot" in rows[name], rows
    assert "spot" in rows["binance"].split("│")[3]  # a testnet
    assert rows["kucoin"].split("│")[3].strip() == "-"  # no testnet
    assert "failed to load" not in listed.stdout

    shown = exchlayer_command("exchanges", "KuCoin", env=command_env(COLUMNS="100"))
    assert shown.returncode == 0, shown.stderr
    assert "exchlayer.venues.kucoin.KucoinExchange" in shown.stdout
    assert "KUCOIN_API_KEY, KUCOIN_SECRET_KEY, KUCOIN_TESTNET, KUCOIN_PASSPHRASE" in shown.stdout


@pytest.fixture
def broken_plugin_env(tmp_path: Path) -> dict[str, str]:
    """An environment where a plugin distribution is installed whose module fails to import."""
    package = tmp_path / "broken_venue"
    package.mkdir()
    (package / "__init__.py").write_text("raise ImportError('needs libfoo 9')\n")
    install_distribution(tmp_path, "broken_venue", "1.0", {"brokenvenue": "broken_venue:X"}, None)
    path = os.pathsep.join([str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])])
    return command_env(PYTHONPATH=path, COLUMNS="200")


def test_a_plugin_that_fails_to_import_is_listed_with_the_reason(
    broken_plugin_env: dict[str, str],
) -> None:
    listed = exchlayer_command("exchanges", env=broken_plugin_env)
    assert listed.returncode == 0, listed.stderr
    assert "│ binance " in listed.stdout
    assert "1 installed plugin(s) failed to load" in listed.stdout
    assert "brokenvenue: ImportError: needs libfoo 9" in listed.stdout

    shown = exchlayer_command("exchanges", "brokenvenue", env=broken_plugin_env)
    assert shown.returncode == 1
    assert "Traceback" not in shown.stderr
    assert shown.stderr.startswith(
        "exchlayer: error: exchange 'brokenvenue' is installed but its plugin failed to load: "
        "ImportError: needs libfoo 9 (entry point broken_venue:X, from broken-venue 1.0)"
    ), shown.stderr


def test_the_demo_fits_an_80_column_ascii_terminal() -> None:
    done = exchlayer_command("demo", env=command_env(COLUMNS="80", PYTHONIOENCODING="ascii"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert done.stdout.isascii()
    assert "+---" in done.stdout and "| binance " in done.stdout
    assert "cancel_order -> True; status now CANCELED" in done.stdout
    assert "HTTP requests answered by the simulator" in done.stdout
    # the connection table says what its times are: first use includes loading markets
    assert "| connection | venue   | connected | first check ms | next check ms |" in lines
    assert "loading the venue's markets" in done.stdout
    assert "latency ms" not in done.stdout


def test_the_demo_as_json_is_every_step_s_data(run: Run) -> None:
    done = run("demo", "--json")
    assert done.code == 0, done.err
    session = json.loads(done.out)
    assert [s["step"] for s in session["steps"]] == list(range(1, 12))
    assert session["intro"][0].startswith(FIRST_LINE)
    assert "HTTP requests answered by the simulator" in session["summary"][0]
    tickers = session["steps"][1]["tables"][0]["rows"]
    assert sorted(t["venue"] for t in tickers) == ["binance", "bingx", "bitget", "gateio", "kucoin"]
    assert all(Decimal(t["bid"]) < Decimal(t["ask"]) for t in tickers)  # money as exact text
    candles = session["steps"][-2]["tables"][0]["rows"]
    assert len(candles) == 6 and candles[-1]["open (UTC)"].endswith(" *")  # the forming one
    live = session["steps"][-1]["tables"][0]["rows"]  # the book, by WebSocket, as it moved
    assert [u["update"] for u in live] == [1, 2, 3, 4, 5]
    assert len({u["bid"] for u in live}) == 5
    assert all(Decimal(u["bid"]) < Decimal(u["ask"]) for u in live)


def test_a_reader_that_stops_early_ends_the_demo_quietly() -> None:
    demo = start_demo(command_env())
    assert demo.stdout is not None and demo.stderr is not None
    assert demo.stdout.readline().decode().startswith(FIRST_LINE)
    demo.stdout.close()  # `exchlayer demo | head -1`
    assert demo.wait(timeout=60) == 141
    assert demo.stderr.read().decode() == ""
    demo.stderr.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is a POSIX signal")
def test_ctrl_c_exits_130_without_a_traceback() -> None:
    demo = start_demo(command_env())
    assert demo.stdout is not None and demo.stderr is not None
    assert demo.stdout.readline().decode().startswith(FIRST_LINE)
    demo.send_signal(signal.SIGINT)
    assert demo.wait(timeout=60) == 130
    demo.stdout.close()
    err = demo.stderr.read().decode()
    demo.stderr.close()
    assert "Traceback" not in err and "Error" not in err, err


def test_the_command_module_does_not_import_the_testing_package() -> None:
    code = (
        "import sys, exchlayer.cli; "
        "print(sorted(m for m in ('exchlayer.testing', 'aiohttp', 'ccxt') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def documented_commands() -> list[str]:
    """Each ``$ exchlayer ...`` line of docs/cli.md, without its comment."""
    page = (Path(__file__).parents[2] / "docs" / "cli.md").read_text("utf-8")
    lines = [line[2:].split(" #")[0].strip() for line in page.splitlines()]
    return [line.removesuffix(" &") for line in lines if line.startswith("exchlayer ")]


@pytest.mark.parametrize("line", documented_commands())
def test_every_command_in_the_cli_guide_parses(line: str) -> None:
    from exchlayer.cli import _parse

    args = _parse(shlex.split(line)[1:])
    assert not isinstance(args, int), f"{line!r} does not parse (exit {args})"


def test_the_cli_guide_shows_every_command() -> None:
    from exchlayer.cli import COMMANDS

    shown = {line.split()[1] for line in documented_commands()}
    assert shown >= {command.name for command in COMMANDS}
