"""R3: no argument can change what a signed request does.

* ``test_an_order_id_outside_the_venue_format_sends_nothing``: hypothesis draws order ids
  outside the venue's format (Binance, Gate.io, BingX, Bitget: 1-20 ASCII digits; KuCoin: 1-40
  ASCII letters and digits): '?', '&', '=', '#', '/', '%', '..', whitespace, control characters,
  non-ASCII (including digits of other scripts, which ``str.isdigit`` and ``\\d`` accept), empty,
  too long, or not a ``str`` at all (a ``str`` subclass that prints as something else included).
  ``get_order`` and ``cancel_order`` must refuse each with InvalidArgument and send nothing.
* ``test_a_valid_order_id_only_fills_its_own_slot``: for ids in the format, the requests sent
  are those sent for any other id, the id standing only where the id goes.
* ``test_an_injected_order_id_cannot_reach_another_market``: the known exploit and its cousins,
  against real resting orders: an ETH/USDT order must still be open after every injection tried
  through the BTC/USDT order's id.
* ``test_another_markets_order_id_does_not_act_on_that_market``: the same with a plain, valid
  id of the ETH/USDT order passed with symbol BTC/USDT (no injection at all).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from attack_support import (
    ORDER_ID_FORMAT,
    SETTINGS,
    TRADE_TYPES,
    VENUES,
    Arena,
    Outcome,
    Poison,
    bad_order_ids,
    fail_if,
    good_order_ids,
    sample_order_id,
    show,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from exchlayer import (
    BaseExchange,
    InvalidArgument,
    Order,
    OrderNotFound,
    OrderSide,
    OrderStatus,
    OrderType,
    TradeType,
)

D = Decimal
LOOKUPS = ("get_order", "cancel_order")
VOLATILE = frozenset({"timestamp", "signature", "recvWindow", "startTime", "endTime"})


class SneakyStr(str):
    """A ``str`` whose value is a valid id but which prints (``str``, ``format``) as an
    injection: a check on one form and a request built from the other would let it through."""

    def __new__(cls, value: str, printed: str) -> SneakyStr:
        self = super().__new__(cls, value)
        self.printed = printed  # type: ignore[attr-defined]
        return self

    def __str__(self) -> str:
        return self.printed  # type: ignore[attr-defined,no-any-return]

    def __format__(self, spec: str) -> str:
        return self.printed  # type: ignore[attr-defined,no-any-return]


def sneaky_ids(venue: str) -> st.SearchStrategy[Poison]:
    plain = sample_order_id(venue)
    native = "ETH-USDT" if venue in ("kucoin", "bingx") else (
        "ETH_USDT" if venue == "gateio" else "ETHUSDT")
    tails = [f"?symbol={native}&", "/../x", f"&symbol={native}", "#", " ", "%3F"]
    return st.sampled_from(
        [Poison(SneakyStr(plain, plain + t), f"SneakyStr({plain!r} printing {plain + t!r})")
         for t in tails]
    )


def lookup(method: str, order_id: Any, symbol: str, trade_type: TradeType):  # type: ignore[no-untyped-def]
    def call(ex: BaseExchange) -> Any:
        return getattr(ex, method)(order_id, symbol, trade_type=trade_type)

    return call


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("method", LOOKUPS)
def test_an_order_id_outside_the_venue_format_sends_nothing(
    arena: Arena, venue: str, method: str
) -> None:
    ids = st.one_of(bad_order_ids(venue), sneaky_ids(venue))

    @settings(SETTINGS, max_examples=60)
    @given(trade_type=st.sampled_from(TRADE_TYPES), poison=ids)
    def fire(trade_type: TradeType, poison: Poison) -> None:
        outcome = arena.attempt(
            venue, method, f"{poison.label}, 'BTC/USDT', trade_type={trade_type.value!r}",
            lookup(method, poison.value, "BTC/USDT", trade_type),
        )
        fail_if(outcome.problems_refused((InvalidArgument,)), outcome)

    fire()


# --- valid ids fill only the id's slot ------------------------------------------------------


def _issued(venue: str, order_id: str) -> bool:
    """Whether the simulator may have issued ``order_id`` (its ids count up from 1,000,001)."""
    try:
        number = int(order_id, 16 if venue == "kucoin" else 10)
    except ValueError:
        return False
    return 1_000_000 <= number < 2_000_000


def _shape(requests: list[Any], order_id: str) -> list[tuple[Any, ...]]:
    """The requests with the id replaced by a placeholder and per-request noise dropped."""

    def sub(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: sub(v) for k, v in value.items() if k not in VOLATILE}
        if isinstance(value, list):
            return [sub(v) for v in value]
        return "{id}" if value == order_id else value

    shapes = []
    for r in requests:
        path = "/".join("{id}" if part == order_id else part for part in r.path.split("/"))
        try:
            body = sub(json.loads(r.body)) if r.body else None
        except ValueError:
            body = r.body.replace(order_id, "{id}")
        query = sorted((k, sub(v)) for k, v in r.query.items() if k not in VOLATILE)
        shapes.append((r.method, r.operation, path, query, json.dumps(body, sort_keys=True)))
    return shapes


@pytest.mark.parametrize("venue", VENUES)
def test_a_valid_order_id_only_fills_its_own_slot(arena: Arena, venue: str) -> None:
    reference = sample_order_id(venue)
    expected: dict[tuple[str, TradeType], list[tuple[Any, ...]]] = {}
    for method in LOOKUPS:
        for tt in TRADE_TYPES:
            outcome = arena.attempt(venue, method, reference,
                                    lookup(method, reference, "BTC/USDT", tt))
            assert isinstance(outcome.error, OrderNotFound), outcome.describe()
            expected[(method, tt)] = _shape(outcome.requests, reference)

    @settings(SETTINGS, max_examples=40)
    @given(method=st.sampled_from(LOOKUPS), trade_type=st.sampled_from(TRADE_TYPES),
           order_id=good_order_ids(venue).filter(lambda i: not _issued(venue, i)))
    def probe(method: str, trade_type: TradeType, order_id: str) -> None:
        assert ORDER_ID_FORMAT[venue].fullmatch(order_id)
        outcome = arena.attempt(venue, method, f"{order_id!r}, 'BTC/USDT', {trade_type.value}",
                                lookup(method, order_id, "BTC/USDT", trade_type))
        problems = outcome.problems_r6()
        if not isinstance(outcome.error, OrderNotFound):
            problems.append("a lookup of an id the venue never issued is not OrderNotFound")
        if _shape(outcome.requests, order_id) != expected[(method, trade_type)]:
            problems.append(
                "R3: the id changed the requests: "
                f"{_shape(outcome.requests, order_id)} != {expected[(method, trade_type)]}"
            )
        fail_if(problems, outcome)

    probe()


# --- scenarios against real resting orders ----------------------------------------------

INJECTIONS = [
    "{btc}?symbol={n}&", "{eth}?symbol={n}&", "{btc}&symbol={n}", "{eth}&symbol={n}",
    "{eth}?currency_pair={n}&", "{eth}?contract={n}&", "{btc}&orderId={eth}",
    "{btc}&origClientOrderId=x", "{eth}#", "{eth}?", "{eth}/", "{btc}/../{eth}", "../{eth}",
    "{btc}/..", "..", "{eth}%3Fsymbol%3D{n}%26", "{eth}%26symbol%3D{n}", "%2e%2e/{eth}",
    "{eth};symbol={n}", "{btc},{eth}", "{eth} ", " {eth}", "{eth}\n", "{eth}\t",
    "{eth}\r\nX-Injected: 1", "{eth}\x00", "{eth}\ud800", "{eth}..", "{eth}=",
    "{eth}?symbol={n}", "{btc}?symbol={n}#",
]
FULLWIDTH = str.maketrans("0123456789abcdef", "０１２３４５６７８９ａｂｃｄｅｆ")


async def _rest(ex: BaseExchange, arena: Arena, venue: str, tt: TradeType, base: str) -> Order:
    b = arena.baseline(venue, tt, base)
    return await ex.create_order(b.symbol, OrderType.LIMIT, OrderSide.BUY, b.amount, b.price,
                                 trade_type=tt)


def _payloads(eth: str, btc: str, native: str) -> list[str]:
    out = [t.format(eth=eth, btc=btc, n=native) for t in INJECTIONS]
    out += [eth.translate(FULLWIDTH), btc.translate(FULLWIDTH), eth.upper() + "\u200b"]
    return list(dict.fromkeys(out))


def _still_open(arena: Arena, venue: str, order: Order, tt: TradeType) -> Outcome:
    return arena.attempt(venue, "get_order", f"{order.id!r}, {order.symbol!r}",
                         lookup("get_order", order.id, order.symbol, tt))


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("trade_type", TRADE_TYPES, ids=lambda t: t.value)
def test_an_injected_order_id_cannot_reach_another_market(
    arena: Arena, venue: str, trade_type: TradeType
) -> None:
    exchange = arena.exchanges[venue]
    eth = arena.run(_rest(exchange, arena, venue, trade_type, "ETH"))
    btc = arena.run(_rest(exchange, arena, venue, trade_type, "BTC"))
    native = arena.baseline(venue, trade_type, "ETH").market.id
    symbol = arena.baseline(venue, trade_type, "BTC").symbol
    problems: list[str] = []
    try:
        for payload in _payloads(eth.id, btc.id, native):
            for method in ("cancel_order", "get_order"):
                outcome = arena.attempt(venue, method, f"{show(payload)}, {symbol!r}",
                                        lookup(method, payload, symbol, trade_type))
                found = outcome.problems_refused((InvalidArgument,))
                if found:
                    problems.append("; ".join(found) + "\n    " + outcome.describe())
        for order in (eth, btc):
            check = _still_open(arena, venue, order, trade_type)
            if check.error is not None or check.result.status is not OrderStatus.OPEN:
                problems.append(f"R3: the {order.symbol} order {order.id} is no longer open: "
                                + check.describe())
    finally:
        for order in (eth, btc):
            arena.attempt(venue, "cancel_order", "cleanup",
                          lookup("cancel_order", order.id, order.symbol, trade_type))
    assert not problems, f"{len(problems)} injection(s) got through:\n" + "\n".join(problems)


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("trade_type", TRADE_TYPES, ids=lambda t: t.value)
def test_another_markets_order_id_does_not_act_on_that_market(
    arena: Arena, venue: str, trade_type: TradeType
) -> None:
    """``cancel_order(eth_order.id, "BTC/USDT")``: the id is well formed, but it is not an order
    of the market named. The venue must not cancel the ETH/USDT order (some endpoints take no
    symbol at all: KuCoin futures, KuCoin and Gate trigger orders, Bitget plan orders), and a
    lookup must not return the ETH/USDT order labelled as a BTC/USDT one."""
    exchange = arena.exchanges[venue]
    eth = arena.run(_rest(exchange, arena, venue, trade_type, "ETH"))
    symbol = arena.baseline(venue, trade_type, "BTC").symbol
    problems: list[str] = []
    try:
        got = arena.attempt(venue, "get_order", f"{eth.id!r}, {symbol!r}",
                            lookup("get_order", eth.id, symbol, trade_type))
        if got.error is None and got.result.symbol != eth.symbol:
            problems.append("the ETH order came back as an order of " + got.result.symbol
                            + ": " + got.describe())
        elif got.error is not None and not isinstance(got.error, (OrderNotFound, InvalidArgument)):
            problems.append("unexpected error: " + got.describe())
        cancel = arena.attempt(venue, "cancel_order", f"{eth.id!r}, {symbol!r}",
                               lookup("cancel_order", eth.id, symbol, trade_type))
        if cancel.error is None or not isinstance(cancel.error, (OrderNotFound, InvalidArgument)):
            problems.append("cancel_order did not answer OrderNotFound: " + cancel.describe())
        check = _still_open(arena, venue, eth, trade_type)
        if check.error is not None or check.result.status is not OrderStatus.OPEN:
            problems.append("the ETH order is no longer open: " + check.describe())
    finally:
        arena.attempt(venue, "cancel_order", "cleanup",
                      lookup("cancel_order", eth.id, eth.symbol, trade_type))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("venue", VENUES)
def test_orders_are_still_found_and_cancelled_by_their_real_ids(arena: Arena, venue: str) -> None:
    """The other side of R3: ids the venue issued (KuCoin's hex ids, everyone's long digits)
    and client order ids keep working, on spot and futures."""
    exchange = arena.exchanges[venue]
    for tt in TRADE_TYPES:
        b = arena.baseline(venue, tt, "BTC")
        by_id = arena.run(_rest(exchange, arena, venue, tt, "BTC"))
        assert ORDER_ID_FORMAT[venue].fullmatch(by_id.id), f"{venue} issued {by_id.id!r}"
        cid = exchange.new_client_order_id()  # type: ignore[attr-defined]
        arena.run(exchange.create_order(
            b.symbol, OrderType.LIMIT, OrderSide.BUY, b.amount, b.price, trade_type=tt,
            client_order_id=cid))
        got = arena.attempt(venue, "get_order", by_id.id, lookup("get_order", by_id.id, b.symbol,
                                                                 tt))
        fail_if(got.problems_r6() + ([] if got.error is None else ["lookup failed"]), got)
        assert got.result.id == by_id.id
        gone = arena.attempt(venue, "cancel_order", by_id.id,
                             lookup("cancel_order", by_id.id, b.symbol, tt))
        assert gone.result is True, gone.describe()
        assert arena.run(exchange.cancel_order(None, b.symbol, client_order_id=cid,
                                               trade_type=tt)) is True
