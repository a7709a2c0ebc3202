"""Fault.MUTATE: the venue acts, then its real answer is rewritten behind an intact success
envelope. The unit half pins each Mutation's bytes; the ccxt half shows what raw ccxt 4.5.90
makes of them (mostly: takes the garbage as data)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from venue_matrix import MARKETS

from exchlayer.testing.simulator import Fault, Mutation, Operation, Simulator
from exchlayer.testing.simulator.mutations import mutate_json, other_symbol_map

ccxt = pytest.importorskip("ccxt.async_support")

Connect = Callable[..., Awaitable[Any]]

KUCOIN_BODY = (
    b'{"code":"200000","data":{"symbol":"BTC-USDT","price":"50000.5","size":"0.1",'
    b'"time":1700000000000,"ok":true,"fills":[{"qty":"2","id":7}],"note":"x"}}'
)
SYMBOLS = other_symbol_map([["BTC-USDT", "ETH-USDT", "SOL-USDT"], ["XBTUSDTM", "ETHUSDTM"]])


def mutated(mutation: Mutation, *, whole: bool = False, body: bytes = KUCOIN_BODY) -> Any:
    out = mutate_json(body, mutation, payload_key="data", whole=whole, symbols=SYMBOLS)
    assert out is not None
    return json.loads(out)


def test_other_symbol_map_rotates_within_each_family() -> None:
    assert SYMBOLS == {
        "BTC-USDT": "ETH-USDT", "ETH-USDT": "SOL-USDT", "SOL-USDT": "BTC-USDT",
        "XBTUSDTM": "ETHUSDTM", "ETHUSDTM": "XBTUSDTM",
    }
    assert other_symbol_map([["ONLY"]]) == {}


def test_value_mutations_rewrite_the_payload_and_keep_the_envelope() -> None:
    negated = mutated(Mutation.NEGATE)
    assert negated["code"] == "200000"
    assert negated["data"] == {
        "symbol": "BTC-USDT", "price": "-50000.5", "size": "-0.1", "time": -1700000000000,
        "ok": True, "fills": [{"qty": "-2", "id": -7}], "note": "x",
    }
    nulled = mutated(Mutation.NULL)["data"]
    assert nulled == {"symbol": None, "price": None, "size": None, "time": None, "ok": None,
                      "fills": [{"qty": None, "id": None}], "note": None}
    zeroed = mutated(Mutation.ZERO)["data"]
    assert (zeroed["price"], zeroed["time"], zeroed["fills"], zeroed["symbol"]) == (
        "0", 0, [{"qty": "0", "id": 0}], "BTC-USDT"
    )
    other = mutated(Mutation.OTHER_SYMBOL)["data"]
    assert other["symbol"] == "ETH-USDT" and other["price"] == "50000.5"


def test_infinite_and_huge_numbers_are_literals_no_float_renders() -> None:
    raw = mutate_json(KUCOIN_BODY, Mutation.INFINITE, payload_key="data")
    assert raw is not None
    assert b'"price":"Infinity"' in raw and b'"time":1e400' in raw
    assert json.loads(raw)["data"]["time"] == float("inf")
    raw = mutate_json(KUCOIN_BODY, Mutation.HUGE, payload_key="data")
    assert raw is not None
    assert b'"price":"1E+400"' in raw and b'"time":1E+400' in raw


def test_duplicate_keys_carry_the_real_value_first_and_a_hostile_one_last() -> None:
    raw = mutate_json(KUCOIN_BODY, Mutation.DUPLICATE_KEYS, payload_key="data", symbols=SYMBOLS)
    assert raw is not None
    text = raw.decode()
    assert text.startswith('{"code":"200000","data":{"symbol":"BTC-USDT","symbol":"ETH-USDT",')
    assert '"price":"50000.5","price":"-50000.5"' in text
    assert '"ok":true,"ok":false' in text
    assert text.count('"code"') == 1  # the envelope itself is not doubled
    last_wins = json.loads(text)["data"]
    assert last_wins["symbol"] == "ETH-USDT" and last_wins["fills"] == [{"qty": "-2", "id": -7}]
    first: dict[str, Any] = {}
    json.loads(text, object_pairs_hook=lambda pairs: first.update(pairs[:1]) or dict(pairs))
    assert first  # a parser that keeps the first occurrence sees the real values


def test_shape_mutations() -> None:
    assert mutated(Mutation.EMPTY) == {"code": "200000", "data": {}}
    assert mutated(Mutation.WRAP)["data"]["data"]["symbol"] == "BTC-USDT"
    listed = b'{"code":"200000","data":[1,2]}'
    assert mutated(Mutation.EMPTY, body=listed) == {"code": "200000", "data": []}
    assert mutated(Mutation.WRAP, body=listed) == {"code": "200000", "data": [[1, 2]]}
    cut = mutate_json(KUCOIN_BODY, Mutation.TRUNCATE, payload_key="data")
    assert cut is not None and len(cut) == len(KUCOIN_BODY) // 2
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut)


def test_scope_all_rewrites_the_envelope_and_no_envelope_means_the_whole_body() -> None:
    assert mutated(Mutation.NEGATE, whole=True)["code"] == "-200000"
    assert mutated(Mutation.EMPTY, whole=True) == {}
    binance = mutate_json(b'[{"price":"1.5"}]', Mutation.NEGATE, payload_key=None)
    assert binance == b'[{"price":"-1.5"}]'
    assert mutate_json(b'{"code":"400100","msg":"x"}', Mutation.NEGATE, payload_key="data") is None
    assert mutate_json(b"<html>", Mutation.NEGATE, payload_key=None) is None


def test_untouched_numbers_keep_their_exact_text() -> None:
    body = b'{"a":1.10,"b":[1e-8,-0.0,12345678901234567890]}'
    assert mutate_json(body, Mutation.OTHER_SYMBOL, payload_key=None) == body


# ---- end to end with ccxt ------------------------------------------------------------------


async def test_a_negated_balance_behind_a_kucoin_ok_envelope_reads_as_data(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    exchange = await venue_client("kucoin")
    sim.faults.add(Fault.MUTATE, venue="kucoin", operation=Operation.BALANCE,
                   mutation=Mutation.NEGATE, times=1)
    balance = await exchange.fetch_balance()
    assert exchange.last_json_response["code"] == "200000"  # the envelope says OK
    assert balance["USDT"]["free"] == -10000  # raw ccxt takes it as data


@pytest.mark.parametrize("market", ["binance-spot", "gate-spot", "kucoin-spot", "bingx-spot",
                                    "bitget-spot"])
async def test_another_symbols_ticker_answers_for_btc(
    every_venue: Simulator, venue_client: Connect, market: str
) -> None:
    sim = every_venue
    spec = MARKETS[market]
    exchange = await venue_client(spec.client)
    sim.faults.add(Fault.MUTATE, venue=spec.venue, operation=Operation.TICKER,
                   mutation=Mutation.OTHER_SYMBOL, times=1)
    ticker = await exchange.fetch_ticker("BTC/USDT")
    assert ticker["symbol"] == "ETH/USDT"  # asked for BTC, ccxt hands over "ETH" unchecked


async def test_duplicate_keys_on_an_order_answer(
    every_venue: Simulator, venue_client: Connect
) -> None:
    """The order is placed (MUTATE acts after the venue) and ccxt parses the hostile copy."""
    sim = every_venue
    exchange = await venue_client("binance")
    sim.faults.add(Fault.MUTATE, venue="binance", operation=Operation.CREATE_ORDER,
                   mutation=Mutation.DUPLICATE_KEYS, times=1)
    order = await exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 40000,
                                        {"clientOrderId": "dup-1"})
    assert order["symbol"] == "ETH/USDT" and order["price"] == -40000
    assert int(order["id"]) < 0
    (real,) = await exchange.fetch_open_orders("BTC/USDT")
    assert real["clientOrderId"] == "dup-1" and real["price"] == 40000


@pytest.mark.parametrize(
    ("market", "mutation"),
    [
        ("binance-spot", Mutation.EMPTY),
        ("binance-spot", Mutation.OTHER_SYMBOL),  # ccxt drops the "ETH" orders it was handed
        ("gate-spot", Mutation.DUPLICATE_KEYS),
        ("kucoin-spot", Mutation.TRUNCATE),  # a 200 whose JSON is cut: no error at all
        ("bingx-spot", Mutation.WRAP),
        ("bitget-spot", Mutation.TRUNCATE),
    ],
)
async def test_garbled_open_orders_read_as_no_open_orders(
    every_venue: Simulator, venue_client: Connect, market: str, mutation: Mutation
) -> None:
    """The point of MUTATE: raw ccxt turns these into "nothing open" while one order is."""
    sim = every_venue
    spec = MARKETS[market]
    exchange = await venue_client(spec.client)
    await exchange.create_order(spec.symbol, "limit", "buy", spec.amount, spec.price)
    sim.faults.add(Fault.MUTATE, venue=spec.venue, operation=Operation.OPEN_ORDERS,
                   mutation=mutation, times=1)
    assert await exchange.fetch_open_orders(spec.symbol) == []
    assert len(await exchange.fetch_open_orders(spec.symbol)) == 1


async def test_a_truncated_body_has_a_consistent_content_length(every_venue: Simulator) -> None:
    sim = every_venue
    sim.faults.add(Fault.MUTATE, venue="binance", mutation=Mutation.TRUNCATE, times=1)
    session = sim.client_session()
    async with session.get("https://api.binance.com/api/v3/ticker/price?symbol=BTCUSDT") as r:
        text = await r.text()  # read to the end: no connection error
        assert r.status == 200 and int(r.headers["Content-Length"]) == len(text.encode())
    assert text == '{"symbol":"BTCUSDT","p'  # half of the real answer


async def test_scope_all_breaks_the_envelope_and_ccxt_raises(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    exchange = await venue_client("bitget")
    sim.faults.add(Fault.MUTATE, venue="bitget", operation=Operation.TICKER,
                   mutation=Mutation.NEGATE, scope="all", times=1)
    with pytest.raises(ccxt.ExchangeError):
        await exchange.fetch_ticker("BTC/USDT")  # "-00000" is not Bitget's success code
    assert exchange.last_json_response["code"] == "-00000"


async def test_an_error_answer_is_never_mutated(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    exchange = await venue_client("bingx")
    sim.faults.add(Fault.MUTATE, venue="bingx", operation=Operation.FETCH_ORDER,
                   mutation=Mutation.NEGATE)
    with pytest.raises(ccxt.BadRequest, match="order not exist"):
        await exchange.fetch_order("42", "BTC/USDT")
    assert exchange.last_json_response["code"] == 100400  # HTTP 200, but BingX's error


async def test_mutate_requires_a_known_scope(every_venue: Simulator) -> None:
    with pytest.raises(ValueError, match="scope"):
        every_venue.faults.add(Fault.MUTATE, scope="envelope")
    rule = every_venue.faults.add(Fault.MUTATE, mutation="zero")
    assert rule.mutation is Mutation.ZERO
