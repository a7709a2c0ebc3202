"""``exchlayer download``: market history into the Parquet store, from the venue simulator's
deterministic history; exact, resumable, idempotent, gaps reported, bad input refused before a
request is sent."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from cli_support import Run, ServedSimulator, table_rows

from exchlayer.history import ParquetStore

pytest.importorskip("pyarrow")

UTC = timezone.utc
HOUR = 3_600_000


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def test_candles_are_the_venue_s_exactly_and_a_rerun_sends_nothing(
    run: Run, served: ServedSimulator, tmp_path: Path
) -> None:
    at = ("--simulator", served.address)
    args = ("download", "binance", "BTC/USDT", "1h", "--since", "2025-03-01",
            "--until", "2025-03-15T00:00Z", "--to", str(tmp_path), *at)
    done = run(*args)
    assert done.code == 0, done.err
    header, row = table_rows(done.out)[:2]
    assert header == ["venue", "symbol", "data", "stored", "new", "requests", "gaps"]
    # 14 days of hours, less the three hours of the simulated outage on 10 March
    assert row == ["binance", "BTC/USDT", "1h", "333", "333", "1", "1"]
    assert "no data at the venue: 2025-03-10 02:00 .. 2025-03-10 05:00 UTC" in done.out

    stored = ParquetStore(tmp_path).candles("binance", "BTC/USDT", "1h")
    engine = served.sim.history.candles(
        "BTC/USDT", "1h", start_ms=ms("2025-03-01"), end_ms=ms("2025-03-15") - 1, limit=1000
    )
    assert [(int(c.open_time.timestamp() * 1000), c.open, c.high, c.low, c.close, c.volume)
            for c in stored] == [
        (c.open_ms, c.open, c.high, c.low, c.close, c.volume) for c in engine
    ]

    served.sim.clear_requests()
    again = run(*args, "--json")
    assert again.code == 0, again.err
    report = again.json()
    assert (report["written"], report["stored"], report["requests"]) == (0, 333, 0)
    assert report["gaps"] == [
        {"start": "2025-03-10T02:00:00+00:00", "end": "2025-03-10T05:00:00+00:00"}
    ]
    assert served.sim.count_requests(lambda r: "klines" in r.path) == 0


def test_a_longer_range_resumes_from_what_is_stored(
    run: Run, served: ServedSimulator, tmp_path: Path
) -> None:
    at = ("--simulator", served.address, "--to", str(tmp_path), "--json")
    first = run("download", "gateio", "BTC/USDT:USDT", "4h", "--since", "2025-01-01",
                "--until", "2025-01-11", *at).json()
    assert (first["stored"], first["trade_type"]) == (60, "futures")
    longer = run("download", "gateio", "BTC/USDT:USDT", "4h", "--since", "2025-01-01",
                 "--until", "2025-01-21", *at).json()
    assert (longer["written"], longer["stored"]) == (60, 120)  # only the new ten days


def test_trades_and_funding(run: Run, served: ServedSimulator, tmp_path: Path) -> None:
    at = ("--simulator", served.address, "--to", str(tmp_path), "--json")
    trades = run("download", "binance", "BTC/USDT", "trades", "--since", "2025-02-01T00:00",
                 "--until", "2025-02-01T01:00", *at)
    assert trades.code == 0, trades.err
    assert trades.json()["kind"] == "trades" and trades.json()["stored"] == 720  # one per 5 s
    funding = run("download", "bitget", "BTC/USDT:USDT", "funding", "--since", "2025-02-01",
                  "--until", "2025-02-11", *at)
    assert funding.code == 0, funding.err
    assert funding.json()["stored"] == 30  # every eight hours
    rates = ParquetStore(tmp_path).funding_rates("bitget", "BTC/USDT:USDT")
    assert len(rates) == 30 and all(r.symbol == "BTC/USDT:USDT" for r in rates)


def test_a_venue_that_keeps_only_recent_trades_says_so(run: Run, tmp_path: Path) -> None:
    done = run("download", "kucoin", "BTC/USDT", "trades", "--since", "2d", "--to",
               str(tmp_path), "--simulator")
    assert done.code == 1 and done.out == ""
    assert done.err.startswith("exchlayer: error: ") and "most recent trades" in done.err
    assert len(done.err.splitlines()) == 1


def test_the_progress_bar_and_quiet_mode(run: Run, served: ServedSimulator, tmp_path: Path) -> None:
    base = ("download", "binance", "BTC/USDT", "1d", "--since", "2024-06-01", "--until",
            "2025-06-01", "--simulator", served.address)
    shown = run(*base, "--to", str(tmp_path / "a"), "--progress")
    assert shown.code == 0, shown.err
    assert "BTC/USDT [" in shown.err and "100%" in shown.err and "365 rows" in shown.err
    quiet = run(*base, "--to", str(tmp_path / "b"), "--quiet")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")
    assert len(ParquetStore(tmp_path / "b").candles("binance", "BTC/USDT", "1d")) == 365


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("BTC/USDT", "7x", "--since", "2025-01-01"), "argument TIMEFRAME"),
        (("BTC/USDT", "1h", "--since", "yesterday"), "argument --since"),
        (("BTC/USDT", "1h"), "the following arguments are required: --since"),
        (("BTC/USDT", "1h", "--since", "2025-02-01", "--until", "2025-01-01"),
         "--until must be after --since"),
        (("BTC/USDT", "1h", "--since", "2025-01-01", "--quiet", "--progress"), "not allowed"),
    ],
)
def test_bad_input_is_a_usage_error_before_any_request(
    run: Run, served: ServedSimulator, tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    served.sim.clear_requests()
    done = run("download", "binance", *args, "--to", str(tmp_path), "--simulator",
               served.address)
    assert done.code == 2 and expected in done.err, done.err
    assert served.sim.count_requests() == 0
    assert not any(tmp_path.iterdir())


def test_help_names_the_kinds(run: Run) -> None:
    done = run("download", "--help")
    assert done.code == 0
    assert "'trades'" in done.out and "'funding'" in done.out and "exchlayer[data]" in done.out
