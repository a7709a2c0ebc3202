"""Account commands from the command line: ``balance``, ``orders``, ``order place|cancel|get`` and
``positions``, with the simulator's test keys (in the process, or served across commands), with
keys from the environment, and refused before sending when the input is bad."""

from __future__ import annotations

from decimal import Decimal

import pytest
from cli_support import Run, ServedSimulator, assert_fits, table_rows

from exchlayer.cli.simulator import simulator_credentials


def test_balance_with_the_simulator_s_test_account(run: Run) -> None:
    done = run("balance", "binance", "--simulator")
    assert done.code == 0, done.err
    rows = {row[0]: row for row in table_rows(done.out)}
    assert rows["currency"] == ["currency", "free", "in orders", "total"]
    assert rows["USDT"][1:] == ["10000", "0", "10000"]
    assert "binance balances (spot wallet)" in done.out

    data = run("balance", "--simulator", "binance", "--json").json()
    assert {b["currency"]: b["total"] for b in data} == {"BTC": "1", "USDT": "10000"}
    futures = run("balance", "binance", "--type", "futures", "--simulator", "--json").json()
    assert [(b["currency"], b["trade_type"]) for b in futures] == [("USDT", "futures")]
    one = run("balance", "binance", "--currency", "ETH", "--simulator", "--json").json()
    assert [(b["currency"], b["total"]) for b in one] == [("ETH", "0")]


@pytest.mark.parametrize("venue", ["binance", "gateio", "kucoin", "bingx", "bitget"])
def test_an_order_s_life_across_commands(
    run: Run, served: ServedSimulator, venue: str
) -> None:
    at = ("--simulator", served.address)
    placed = run("order", "place", venue, "BTC/USDT", "buy", "limit", "0.01",
                 "--price", "45000", "--client-id", "clitest1", *at, "--json")
    assert placed.code == 0, placed.err
    order = placed.json()
    assert order["status"] == "open" and order["client_order_id"] == "clitest1"
    assert order["amount"] == "0.01" and Decimal(order["price"]) == 45000

    listed = run("orders", venue, "BTC/USDT", *at)
    assert listed.code == 0, listed.err
    assert order["id"] in listed.out and "1 open order(s) on BTC/USDT" in listed.out
    assert [o["id"] for o in run("orders", venue, "BTC/USDT", *at, "--json").json()] == [
        order["id"]
    ]

    got = run("order", "get", venue, order["id"], "BTC/USDT", *at, "--json").json()
    assert got["id"] == order["id"] and got["status"] == "open"
    by_client = run("order", "get", venue, "clitest1", "BTC/USDT", "--client", *at, "--json")
    assert by_client.code == 0, by_client.err
    assert by_client.json()["id"] == order["id"]

    cancelled = run("order", "cancel", venue, order["id"], "BTC/USDT", *at)
    assert cancelled.code == 0, cancelled.err
    assert f"order {order['id']} on BTC/USDT: cancelled" in cancelled.out
    again = run("order", "cancel", venue, order["id"], "BTC/USDT", *at, "--json")
    assert again.code == 0, again.err
    assert again.json() == {"id": order["id"], "by_client_id": False, "symbol": "BTC/USDT",
                            "cancelled": False}
    final = run("order", "get", venue, order["id"], "BTC/USDT", *at)
    assert "CANCELED" in final.out
    assert run("orders", venue, "BTC/USDT", *at, "--json").json() == []


def test_a_market_order_fills_and_the_table_shows_it(run: Run, served: ServedSimulator) -> None:
    done = run("order", "place", "binance", "BTC/USDT", "BUY", "market", "0.1",
               "--simulator", served.address)
    assert done.code == 0, done.err
    assert "placed on binance" in done.out
    row = table_rows(done.out)[1]
    assert row[2:6] == ["BTC/USDT", "MARKET", "BUY", "0.1"]
    assert row[-1] == "FILLED" and row[-3] == "0.1"
    balance = run("balance", "binance", "--simulator", served.address, "--json").json()
    # 0.1 BTC bought, less Binance's 0.1% taker fee, charged in the BTC received
    assert Decimal(next(b["total"] for b in balance if b["currency"] == "BTC")) == Decimal("1.0999")


def test_a_futures_position_and_its_close(run: Run, served: ServedSimulator) -> None:
    at = ("--simulator", served.address)
    opened = run("order", "place", "bybit" if False else "bitget", "BTC/USDT:USDT", "buy",
                 "market", "0.2", *at)
    assert opened.code == 0, opened.err
    done = run("positions", "bitget", *at)
    assert done.code == 0, done.err
    rows = table_rows(done.out)
    assert rows[1][:3] == ["BTC/USDT:USDT", "LONG", "0.2"]
    data = run("positions", "bitget", "BTC/USDT:USDT", *at, "--json").json()
    assert [(p["symbol"], p["side"], p["size"]) for p in data] == [
        ("BTC/USDT:USDT", "long", "0.2")
    ]
    closed = run("order", "place", "bitget", "BTC/USDT:USDT", "sell", "market", "0.2",
                 "--reduce-only", *at, "--json")
    assert closed.code == 0, closed.err
    assert closed.json()["reduce_only"] is True
    empty = run("positions", "bitget", *at)
    assert "no open positions" in empty.out


def test_stop_orders_take_a_trigger_price(run: Run, served: ServedSimulator) -> None:
    done = run("order", "place", "binance", "BTC/USDT", "sell", "stop-limit", "0.01",
               "--price", "39000", "--stop-price", "40000", "--simulator", served.address,
               "--json")
    assert done.code == 0, done.err
    order = done.json()
    assert order["type"] == "stop_limit" and Decimal(order["stop_price"]) == 40000


def test_keys_from_the_environment_on_the_real_venue_path(
    run: Run, routed: ServedSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no --simulator: the code path that talks to the real venue (answered by the simulator)
    monkeypatch.setenv("BINANCE_API_KEY", "env-binance-key-0001")
    monkeypatch.setenv("BINANCE_SECRET_KEY", "env-binance-secret-0001")
    done = run("balance", "binance", "--json")
    assert done.code == 0, done.err
    assert {b["currency"] for b in done.json()} == {"BTC", "USDT"}
    private = [r for r in routed.sim.requests if r.is_private]
    assert private and {r.headers.get("X-MBX-APIKEY") for r in private} == {
        "env-binance-key-0001"
    }


def test_no_keys_anywhere_is_a_clear_error(run: Run) -> None:
    done = run("balance", "kucoin")
    assert done.code == 1
    assert done.err == (
        "exchlayer: error: no API key for kucoin: set KUCOIN_API_KEY, KUCOIN_SECRET_KEY and "
        "KUCOIN_PASSPHRASE, or use --connection NAME, or --simulator\n"
    )


def test_a_wrong_secret_is_refused_by_the_venue(
    run: Run, served: ServedSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, _, _ = simulator_credentials("binance")
    served.do(lambda: served.sim.add_account("binance", api_key="other-key-1234",
                                             secret="right-secret-1234"))
    route = served.route()
    try:
        monkeypatch.setenv("BINANCE_API_KEY", "other-key-1234")
        monkeypatch.setenv("BINANCE_SECRET_KEY", "wrong-secret-5678")
        done = run("balance", "binance")
    finally:
        route.close()
    assert done.code == 1
    assert done.err.startswith("exchlayer: error: ") and len(done.err.splitlines()) == 1
    assert "wrong-secret-5678" not in done.err and "other-key-1234" not in done.err
    assert key not in done.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("buy", "limit", "0.01x", "--price", "1"), "argument AMOUNT: expected a decimal"),
        (("buy", "limit", "-1", "--price", "1"), "expected a positive number"),
        (("buy", "limit", "NaN", "--price", "1"), "expected a positive number"),
        (("buy", "limit", "1e999999999999", "--price", "1"), "AMOUNT"),
        (("long", "limit", "0.01", "--price", "1"), "argument SIDE: expected buy or sell"),
        (("buy", "iceberg", "0.01"), "argument TYPE: expected one of market, limit"),
        (("buy", "limit", "0.01", "--price", "abc"), "argument --price"),
        (("buy", "limit", "0.01"), "a limit order needs --price"),
        (("buy", "market", "0.01", "--price", "50000"), "a market order takes no --price"),
        (("buy", "stop", "0.01"), "a stop order needs --stop-price"),
        (("buy", "limit", "0.01", "--price", "1", "--stop-price", "2"), "takes no --stop-price"),
        (("buy", "market", "0.01", "--time-in-force", "IOC"), "takes no --time-in-force"),
        (("buy", "limit", "0.01", "--price", "1", "--time-in-force", "forever"),
         "--time-in-force"),
        (("buy", "limit"), "the following arguments are required: AMOUNT"),
    ],
)
def test_bad_order_input_is_a_usage_error_and_nothing_is_sent(
    run: Run, served: ServedSimulator, args: tuple[str, ...], expected: str
) -> None:
    served.sim.clear_requests()
    done = run("order", "place", "binance", "BTC/USDT", *args, "--simulator", served.address)
    assert done.code == 2, done.err
    assert done.out == ""
    assert "usage: exchlayer order place" in done.err
    assert expected in done.err
    assert "Traceback" not in done.err
    assert served.sim.requests == []  # not even the markets were loaded


def test_an_order_against_the_market_rules_is_refused_before_sending(
    run: Run, served: ServedSimulator
) -> None:
    done = run("order", "place", "binance", "BTC/USDT", "buy", "limit", "0.000001",
               "--price", "45000", "--simulator", served.address)
    assert done.code == 1
    assert "amount step" in done.err
    assert served.sim.count_requests(lambda r: r.is_order_mutation) == 0


def test_venue_errors_are_one_line(run: Run) -> None:
    done = run("order", "cancel", "binance", "424242", "BTC/USDT", "--simulator")
    assert done.code == 1
    assert done.out == ""
    assert len(done.err.splitlines()) == 1 and done.err.startswith("exchlayer: error: binance")
    funds = run("order", "place", "binance", "BTC/USDT", "buy", "market", "5", "--simulator")
    assert funds.code == 1 and len(funds.err.splitlines()) == 1


def test_order_tables_fit_a_narrow_terminal(
    run: Run, served: ServedSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    at = ("--simulator", served.address)
    placed = run("order", "place", "kucoin", "BTC/USDT", "buy", "limit", "0.01",
                 "--price", "45000", *at)
    assert placed.code == 0, placed.err
    for done in (placed, run("orders", "kucoin", "BTC/USDT", *at), run("balance", "kucoin", *at),
                 run("positions", "kucoin", *at)):
        assert done.code == 0, done.err
        assert_fits(done.out, 40)


def test_order_help_says_where_the_account_comes_from(run: Run) -> None:
    done = run("order", "place", "--help")
    assert done.code == 0
    assert "--connection NAME" in done.out and "--simulator" in done.out
    assert "--api-key" not in done.out
