"""Public market data from the command line: ``markets``, ``ticker`` and ``book``, as tables and as
JSON, against the simulator started in the process and one already serving."""

from __future__ import annotations

from decimal import Decimal

import pytest
from cli_support import Run, ServedSimulator, assert_fits, cell_map, table_rows

VENUES = ("binance", "gateio", "kucoin", "bingx", "bitget")


@pytest.mark.parametrize("venue", VENUES)
def test_markets_lists_each_venue_s_rules(run: Run, venue: str) -> None:
    done = run("markets", venue, "--simulator")
    assert done.code == 0, done.err
    assert done.err == ""
    rows = table_rows(done.out)
    assert rows[0] == ["symbol", "type", "base/quote", "tick", "step", "min amount",
                       "min notional"]
    symbols = {row[0]: row for row in rows[1:]}
    assert {"BTC/USDT", "ETH/USDT", "BTC/USDT:USDT"} <= set(symbols)
    assert symbols["BTC/USDT"][1:3] == ["spot", "BTC/USDT"]
    assert symbols["BTC/USDT:USDT"][1] == "futures"
    assert symbols["BTC/USDT"][3] == "0.01"  # the tick
    assert "market(s) on" in done.out


def test_markets_json_has_the_exact_digits(run: Run) -> None:
    table = run("markets", "kucoin", "--simulator")
    done = run("markets", "kucoin", "--simulator", "--json")
    assert done.code == 0, done.err
    markets = {m["symbol"]: m for m in done.json()}
    futures = markets["BTC/USDT:USDT"]
    assert futures["amount_step"] == "0.0010"  # as the venue states it: not 0.001, not a float
    assert futures["trade_type"] == "futures"
    for m in markets.values():
        for name in ("price_tick", "amount_step", "min_amount"):
            assert isinstance(m[name], str), (m["symbol"], name)
            Decimal(m[name])  # a plain decimal string
    # the same markets as the table
    assert set(markets) == {row[0] for row in table_rows(table.out)[1:]}


def test_markets_filters_by_type_and_quote(run: Run) -> None:
    spot = run("markets", "binance", "--type", "spot", "--simulator", "--json").json()
    assert spot and {m["trade_type"] for m in spot} == {"spot"}
    futures = run("markets", "binance", "--type", "FUTURES", "--simulator", "--json").json()
    assert futures and {m["trade_type"] for m in futures} == {"futures"}
    none = run("markets", "binance", "--quote", "EUR", "--simulator", "--json").json()
    assert none == []


def test_ticker_table_and_json_agree(run: Run) -> None:
    done = run("ticker", "binance", "BTC/USDT", "--simulator")
    assert done.code == 0, done.err
    cells = cell_map(done.out)
    assert cells["BTC/USDT"] == "binance spot"
    assert Decimal(cells["ask"]) > Decimal(cells["bid"])
    assert Decimal(cells["spread"]) == Decimal(cells["ask"]) - Decimal(cells["bid"])
    assert "as of " in done.out

    data = run("ticker", "binance", "BTC/USDT", "--simulator", "--json").json()
    assert data["symbol"] == "BTC/USDT" and data["trade_type"] == "spot"
    assert Decimal(data["bid"]) == Decimal(cells["bid"])  # a fresh simulator: the same prices
    assert Decimal(data["spread"]) == Decimal(data["ask"]) - Decimal(data["bid"])
    assert isinstance(data["last_price"], str)


def test_ticker_of_a_futures_market(run: Run) -> None:
    by_symbol = run("ticker", "bitget", "BTC/USDT:USDT", "--simulator", "--json").json()
    assert by_symbol["trade_type"] == "futures"
    by_type = run("ticker", "bitget", "BTC/USDT", "--type", "futures", "--simulator",
                  "--json").json()
    assert by_type["trade_type"] == "futures"


def test_book_shows_both_sides_to_the_depth_asked(run: Run) -> None:
    done = run("book", "gateio", "BTC/USDT", "--depth", "3", "--simulator")
    assert done.code == 0, done.err
    rows = table_rows(done.out)
    assert rows[0] == ["bid size", "bid", "ask", "ask size"]
    levels = rows[1:]
    assert len(levels) == 3
    bids = [Decimal(r[1]) for r in levels]
    asks = [Decimal(r[2]) for r in levels]
    assert bids == sorted(bids, reverse=True) and asks == sorted(asks)
    assert bids[0] < asks[0]
    assert "spread " in done.out and "mid " in done.out

    data = run("book", "gateio", "BTC/USDT", "--depth", "3", "--simulator", "--json").json()
    assert len(data["bids"]) == 3 and len(data["asks"]) == 3
    assert set(data["bids"][0]) == {"price", "amount"}
    assert Decimal(data["spread"]) == Decimal(data["asks"][0]["price"]) - Decimal(
        data["bids"][0]["price"]
    )


def test_public_commands_reach_a_served_simulator(run: Run, served: ServedSimulator) -> None:
    served.do(lambda: served.sim.set_price("BTC/USDT", Decimal("61234.5")))
    data = run("ticker", "kucoin", "BTC/USDT", "--simulator", served.address, "--json").json()
    assert Decimal(data["last_price"]) == Decimal("61234.5")
    book = run("book", "--simulator", served.address, "kucoin", "BTC/USDT", "--json").json()
    assert book["bids"]
    # public commands send no keys
    assert served.sim.requests and not any(r.is_private for r in served.sim.requests)


def test_the_testnet_is_its_own_environment(run: Run, served: ServedSimulator) -> None:
    done = run("markets", "binance", "--testnet", "--simulator", served.address)
    assert done.code == 0, done.err
    assert "on Binance testnet" in done.out
    assert {r.environment for r in served.sim.requests} == {"demo"}


def test_a_venue_without_a_testnet_says_so(run: Run) -> None:
    done = run("ticker", "kucoin", "BTC/USDT", "--testnet", "--simulator")
    assert done.code == 1
    assert done.out == ""
    assert done.err.startswith("exchlayer: error: ") and len(done.err.splitlines()) == 1
    assert "testnet" in done.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("ticker", "binance", "DOGE/EUR", "--simulator"), "DOGE/EUR"),
        (("markets", "mtgox", "--simulator"), "unknown exchange 'mtgox'"),
        (("ticker", "binance", "BTC/USDT", "--simulator", "127.0.0.1:1"),
         "no simulator answers on 127.0.0.1:1"),
    ],
)
def test_an_error_is_one_line_and_exits_1(run: Run, args: tuple[str, ...], expected: str) -> None:
    done = run(*args)
    assert done.code == 1
    assert done.out == ""
    lines = done.err.splitlines()
    assert len(lines) == 1, done.err
    assert lines[0].startswith("exchlayer: error: ")
    assert expected in lines[0]
    assert "Traceback" not in done.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("ticker", "binance"), "the following arguments are required: SYMBOL"),
        (("book", "binance", "BTC/USDT", "--depth", "0", "--simulator"), "--depth"),
        (("book", "binance", "BTC/USDT", "--depth", "ten", "--simulator"), "--depth"),
        (("markets", "binance", "--type", "margin", "--simulator"), "expected spot or futures"),
        (("ticker", "binance", "BTC/USDT", "--simulator", "10.0.0.7:8765"), "127.0.0.1 only"),
        (("ticker", "binance", "BTC/USDT", "--simulator=example.com:80"), "127.0.0.1 only"),
        (("ticker", "binance", "BTC/USDT", "--simulator=127.0.0.1:99999"), "HOST:PORT"),
    ],
)
def test_a_usage_error_exits_2_before_anything_runs(
    run: Run, args: tuple[str, ...], expected: str
) -> None:
    done = run(*args)
    assert done.code == 2
    assert done.out == ""
    assert "usage: exchlayer " in done.err
    assert expected in done.err
    assert "Traceback" not in done.err


@pytest.mark.parametrize("width", [40, 60, 80])
def test_tables_fit_a_narrow_terminal(
    run: Run, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    for args in (("markets", "binance"), ("ticker", "binance", "BTC/USDT"),
                 ("book", "binance", "BTC/USDT", "--depth", "5")):
        done = run(*args, "--simulator")
        assert done.code == 0, done.err
        assert_fits(done.out, width)
        assert "BTC/USDT" in done.out


def test_json_ignores_the_terminal_width(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    markets = run("markets", "binance", "--simulator", "--json").json()
    assert len(markets) == 6
