"""Property-based attacks on the arguments of every public method, on every venue.

* R1/R2 ``test_a_malformed_argument_is_refused_before_any_request``: for each (venue, method,
  parameter), hypothesis draws malformed values for that one parameter (every other argument
  valid) and the call must raise a ``PermanentError`` of the refusal kinds (InvalidArgument /
  InvalidOrder / OrderLimitViolation / BadSymbol / NotSupported / ConfigurationError), never a
  TransientError nor a foreign exception, its ``str``/``repr`` must not raise, and not one
  request may reach the simulator (markets of both trade types are loaded beforehand).
* R5 ``test_a_valid_limit_order_is_placed_exactly_as_asked`` and
  ``test_valid_reads_succeed``: valid generated inputs succeed, with the exact Decimals asked.
* R6 ``test_nothing_is_transient_without_a_fault``: every method with a mixture of valid,
  malformed and lying arguments; every (venue, method, input, exception) is collected and none
  may be transient, foreign or unprintable.
* ``new_client_order_id`` always makes ids the venue takes, never twice the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from attack_support import (
    FUTURES,
    LOCAL_REFUSALS,
    NAMED_ABSURD,
    NAMED_BAD_NUMBERS,
    NAMED_SYMBOLS,
    SETTINGS,
    SPOT,
    TRADE_TYPES,
    VENUES,
    Arena,
    BadEq,
    BadHash,
    Baseline,
    Call,
    ClassLiar,
    Poison,
    Unhashable,
    Unprintable,
    bad_client_ids,
    bad_currencies,
    bad_enum_values,
    bad_numbers,
    bad_order_ids,
    bad_positive_ints,
    bad_symbols,
    bad_trade_types,
    client_id_ok,
    containers,
    fail_if,
    good_client_ids,
    good_order_ids,
    good_symbols,
    hostile_objects,
    lying_subclasses,
    named_client_ids,
    poisoned,
    sample_order_id,
    show,
    symbol_ok,
    with_zeros,
)
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from exchlayer import (
    BadSymbol,
    BaseExchange,
    InvalidArgument,
    InvalidOrder,
    NotSupported,
    Order,
    OrderNotFound,
    OrderSide,
    OrderStatus,
    OrderType,
    TimeInForce,
    TradeType,
)

D = Decimal
SYMBOL = "BTC/USDT"  # with trade_type=FUTURES: the linear perpetual
PERP = "BTC/USDT:USDT"

# --- the methods, their arguments, and how to call them ------------------------------------------


def baseline_arguments(arena: Arena, venue: str, method: str, tt: TradeType) -> dict[str, Any]:
    """Valid arguments for ``method`` on ``venue``'s ``tt`` markets; nothing about them is wrong."""
    b = arena.baseline(venue, tt)
    lookup = {"order_id": sample_order_id(venue), "symbol": SYMBOL, "client_order_id": None,
              "trade_type": tt}
    return {
        "get_ticker": {"symbol": SYMBOL, "trade_type": tt},
        "get_order_book": {"symbol": SYMBOL, "limit": 5, "trade_type": tt},
        "get_balance": {"currency": "USDT", "trade_type": tt},
        "create_order": {
            "symbol": SYMBOL, "order_type": OrderType.LIMIT, "side": OrderSide.BUY,
            "amount": b.amount, "price": b.price, "stop_price": None, "trade_type": tt,
            "time_in_force": None, "reduce_only": False, "client_order_id": None,
        },
        "get_order": dict(lookup),
        "cancel_order": dict(lookup),
        "get_open_orders": {"symbol": SYMBOL, "trade_type": tt},
        "get_trades": {"symbol": SYMBOL, "limit": 5, "trade_type": tt},
        "get_positions": {"symbol": PERP},
        "set_leverage": {"symbol": PERP, "leverage": 5},
        "get_symbols": {"trade_type": tt},
        "get_exchange_info": {},
        "test_connection": {},
        "check_connection": {},
    }[method]


def invoke(method: str, a: dict[str, Any]) -> Call:
    """The call of ``method`` with arguments ``a``, passed the way the interface documents."""
    calls: dict[str, Callable[[BaseExchange], Any]] = {
        "get_ticker": lambda ex: ex.get_ticker(a["symbol"], trade_type=a["trade_type"]),
        "get_order_book": lambda ex: ex.get_order_book(
            a["symbol"], a["limit"], trade_type=a["trade_type"]),
        "get_balance": lambda ex: ex.get_balance(a["currency"], trade_type=a["trade_type"]),
        "create_order": lambda ex: ex.create_order(
            a["symbol"], a["order_type"], a["side"], a["amount"], a["price"],
            stop_price=a["stop_price"], trade_type=a["trade_type"],
            time_in_force=a["time_in_force"], reduce_only=a["reduce_only"],
            client_order_id=a["client_order_id"]),
        "get_order": lambda ex: ex.get_order(
            a["order_id"], a["symbol"], client_order_id=a["client_order_id"],
            trade_type=a["trade_type"]),
        "cancel_order": lambda ex: ex.cancel_order(
            a["order_id"], a["symbol"], client_order_id=a["client_order_id"],
            trade_type=a["trade_type"]),
        "get_open_orders": lambda ex: ex.get_open_orders(a["symbol"], trade_type=a["trade_type"]),
        "get_trades": lambda ex: ex.get_trades(a["symbol"], a["limit"], trade_type=a["trade_type"]),
        "get_positions": lambda ex: ex.get_positions(a["symbol"]),
        "set_leverage": lambda ex: ex.set_leverage(a["symbol"], a["leverage"]),
        "get_symbols": lambda ex: ex.get_symbols(a["trade_type"]),
        "get_exchange_info": lambda ex: ex.get_exchange_info(),
        "test_connection": lambda ex: ex.test_connection(),
        "check_connection": lambda ex: ex.check_connection(),
    }
    return calls[method]


def label(a: dict[str, Any], poisons: dict[str, Poison]) -> str:
    return ", ".join(
        f"{k}={poisons[k].label if k in poisons else show(v, 60)}" for k, v in a.items()
    )


# --- R2: one malformed parameter at a time -------------------------------------------------------

Bad = Callable[[Arena, str, TradeType], st.SearchStrategy[Poison]]


@dataclass(frozen=True)
class Attack:
    bad: Bad
    expected: tuple[type[BaseException], ...] = LOCAL_REFUSALS
    trade_types: tuple[TradeType, ...] = TRADE_TYPES
    also: Callable[[TradeType], dict[str, Any]] | None = None
    """Other arguments this attack needs (e.g. a STOP_LIMIT order to attack its stop price)."""
    overrides: bool = False
    """The drawn Poison holds a dict of arguments to replace, not one value."""
    strict: Callable[[object], bool] | None = None
    """Which drawn values must be refused with ``expected`` exactly; the others with any of
    the refusals (``LOCAL_REFUSALS``). ``None``: all of them."""

    def expectation(self, value: object) -> tuple[type[BaseException], ...]:
        if self.strict is None or self.strict(value):
            return self.expected
        return LOCAL_REFUSALS


def _symbol(optional: bool = False, forced: TradeType | None = None) -> Bad:
    return lambda arena, venue, tt: bad_symbols(forced or tt, optional=optional)


def _trade_type(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_trade_types()


def _limit(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_positive_ints(maximum=None)


def _leverage(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_positive_ints(maximum=arena.max_leverage.get((venue, PERP)))


def _amount(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_numbers(off_grid=arena.baseline(venue, tt).off_grid)


def _price(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_numbers(off_grid=arena.baseline(venue, tt).off_tick)


def _stop_price(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_numbers(off_grid=arena.baseline(venue, tt).off_tick)


def _order_type(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_enum_values(OrderType, case_sensitive=False)


def _side(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_enum_values(OrderSide, case_sensitive=False)


def _time_in_force(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_enum_values(TimeInForce, case_sensitive=False).filter(lambda p: p.value is not None)


def _reduce_only(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return st.one_of(
        poisoned(st.sampled_from([0, 1, "yes", "true", "", None, 1.0, D(1), b"1", [], [True]])),
        hostile_objects(),
        containers().filter(lambda p: not isinstance(p.value, bool)),
    )


def _client_id(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_client_ids(venue)


def _currency(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_currencies()


def _order_shapes(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    """Arguments that are each fine but do not fit together; the value is a dict of overrides."""
    b = arena.baseline(venue, tt)
    p = b.price
    shapes: list[tuple[str, dict[str, Any]]] = [
        ("MARKET with a price", {"order_type": OrderType.MARKET, "price": p}),
        ("STOP with a price", {"order_type": OrderType.STOP, "price": p, "stop_price": p}),
        ("LIMIT without a price", {"price": None}),
        ("STOP_LIMIT without a price", {"order_type": OrderType.STOP_LIMIT, "price": None,
                                        "stop_price": p}),
        ("STOP without a stop_price", {"order_type": OrderType.STOP, "price": None}),
        ("STOP_LIMIT without a stop_price", {"order_type": OrderType.STOP_LIMIT}),
        ("LIMIT with a stop_price", {"stop_price": p}),
        ("MARKET with a stop_price", {"order_type": OrderType.MARKET, "price": None,
                                      "stop_price": p}),
        ("MARKET with a time_in_force", {"order_type": OrderType.MARKET, "price": None,
                                         "time_in_force": TimeInForce.GTC}),
        ("STOP with a time_in_force", {"order_type": OrderType.STOP, "price": None,
                                       "stop_price": p, "time_in_force": TimeInForce.IOC}),
        ("price 'takes none' even when absurd", {"order_type": OrderType.MARKET,
                                                 "price": D("1E+400")}),
    ]
    if tt is SPOT:
        shapes += [
            ("reduce_only on spot", {"reduce_only": True}),
            ("a perpetual's symbol with trade_type=SPOT", {"symbol": PERP}),
        ]
    return st.sampled_from([Poison(overrides, name) for name, overrides in shapes])


def _lookup_shapes(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    ids = [
        ("neither order_id nor client_order_id", {"order_id": None, "client_order_id": None}),
        ("both order_id and client_order_id", {"client_order_id": "xl123"}),
    ]
    return st.sampled_from([Poison(overrides, name) for name, overrides in ids])


def _lookup_client_id(arena: Arena, venue: str, tt: TradeType) -> st.SearchStrategy[Poison]:
    return bad_client_ids(venue).map(
        lambda p: Poison({"order_id": None, "client_order_id": p.value}, f"order_id=None, "
                         f"client_order_id={p.label}")
    )


ORDER_NUMBER = (InvalidOrder,)


def _is_number(value: object) -> bool:
    """An int or Decimal: a number of the right type, refused for its value (InvalidOrder)."""
    kind = type(value)  # not isinstance(): ClassLiar's __class__ raises
    return issubclass(kind, (int, Decimal)) and not issubclass(kind, bool)

ATTACKS: dict[str, dict[str, Attack]] = {
    "get_ticker": {"symbol": Attack(_symbol()), "trade_type": Attack(_trade_type)},
    "get_order_book": {"symbol": Attack(_symbol()), "limit": Attack(_limit),
                       "trade_type": Attack(_trade_type)},
    "get_balance": {"currency": Attack(_currency), "trade_type": Attack(_trade_type)},
    "create_order": {
        "symbol": Attack(_symbol()),
        "trade_type": Attack(_trade_type),
        "order_type": Attack(_order_type),
        "side": Attack(_side),
        "amount": Attack(_amount, ORDER_NUMBER, strict=_is_number),
        "price": Attack(_price, ORDER_NUMBER, strict=_is_number),
        "stop_price": Attack(_stop_price, ORDER_NUMBER, strict=_is_number,
                             also=lambda tt: {"order_type": OrderType.STOP_LIMIT}),
        "time_in_force": Attack(_time_in_force),
        "reduce_only": Attack(_reduce_only),
        "client_order_id": Attack(_client_id),
        "shape": Attack(_order_shapes, (InvalidOrder, BadSymbol), overrides=True),
    },
    "get_order": {
        "symbol": Attack(_symbol()),
        "trade_type": Attack(_trade_type),
        "client_order_id": Attack(_lookup_client_id, overrides=True),
        "ids": Attack(_lookup_shapes, (InvalidArgument,), overrides=True),
    },
    "get_open_orders": {"symbol": Attack(_symbol(optional=True)),
                        "trade_type": Attack(_trade_type)},
    "get_trades": {"symbol": Attack(_symbol()), "limit": Attack(_limit),
                   "trade_type": Attack(_trade_type)},
    "get_positions": {"symbol": Attack(_symbol(optional=True, forced=FUTURES),
                                       trade_types=(FUTURES,))},
    "set_leverage": {
        "symbol": Attack(_symbol(forced=FUTURES), trade_types=(FUTURES,)),
        "leverage": Attack(_leverage, (InvalidArgument,), trade_types=(FUTURES,),
                           strict=lambda v: issubclass(type(v), int)),
    },
    "get_symbols": {"trade_type": Attack(_trade_type)},
}
ATTACKS["cancel_order"] = ATTACKS["get_order"]
CASES = [(m, p) for m, params in ATTACKS.items() for p in params]


def _apply(attack: Attack, param: str, a: dict[str, Any], poison: Poison) -> dict[str, Poison]:
    """Put the poison in ``a``; returns the poisons to name in the call's label."""
    if attack.overrides:
        overrides: dict[str, Any] = poison.value  # type: ignore[assignment]
        a.update(overrides)
        return {k: Poison(v) for k, v in overrides.items()}
    a[param] = poison.value
    return {param: poison}


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize(("method", "param"), CASES, ids=[f"{m}-{p}" for m, p in CASES])
def test_a_malformed_argument_is_refused_before_any_request(
    arena: Arena, venue: str, method: str, param: str
) -> None:
    attack = ATTACKS[method][param]
    bad = {tt: attack.bad(arena, venue, tt) for tt in attack.trade_types}

    @settings(SETTINGS, max_examples=30)
    @given(data=st.data())
    def fire(data: st.DataObject) -> None:
        tt = data.draw(st.sampled_from(attack.trade_types), label="markets")
        poison = data.draw(bad[tt], label=param)
        a = baseline_arguments(arena, venue, method, tt)
        if attack.also is not None:
            a.update(attack.also(tt))
        poisons = _apply(attack, param, a, poison)
        outcome = arena.attempt(venue, method, label(a, poisons), invoke(method, a))
        fail_if(outcome.problems_refused(attack.expectation(poison.value)), outcome)

    fire()


# --- the named cases: inputs every run tries, whatever hypothesis draws ----------------------

_NON_STRINGS: list[object] = [None, 42, 1.5, True, b"BTC/USDT", ["BTC/USDT"], {"s": 1},
                              Unprintable(), BadHash(), Unhashable(), ClassLiar()]
_BAD_INTS: list[object] = [0, -1, True, False, 5.0, "5", None, D(5), 10**6, 2**63, 10**100,
                           [5], Unprintable(), ClassLiar()]


def _named(kind: str, arena: Arena, venue: str, tt: TradeType, method: str) -> list[object]:
    forced = FUTURES if method in ("get_positions", "set_leverage") else tt
    optional = method in ("get_open_orders", "get_positions")
    if kind == "symbol":
        names: list[object] = [s for s in NAMED_SYMBOLS if not symbol_ok(s, forced)]
        return names + [v for v in _NON_STRINGS if not (optional and v is None)]
    if kind == "trade_type":
        return ["margin", "swap", "spot ", "ｓｐｏｔ", "", 1, [], {}, b"spot", D("sNaN"),
                OrderType.LIMIT, Unprintable(), BadHash(), Unhashable(), ClassLiar()]
    if kind == "number":
        return [*NAMED_ABSURD, *NAMED_BAD_NUMBERS, Unprintable(), ClassLiar(), BadEq()]
    if kind == "client_id":
        return [*named_client_ids(venue), 123, b"abc", ["abc"], TradeType.SPOT, Unprintable(),
                ClassLiar()]
    if kind == "limit":
        return _BAD_INTS
    if kind == "leverage":
        top = arena.max_leverage.get((venue, PERP))
        return _BAD_INTS + ([top + 1] if top is not None else [])
    if kind == "currency":
        return ["", " ", "\t\n", 1, 1.0, b"USDT", ["USDT"], {"USDT"}, Unprintable(), ClassLiar()]
    raise AssertionError(kind)


KIND_OF_PARAM = {"symbol": "symbol", "trade_type": "trade_type", "amount": "number",
                 "price": "number", "stop_price": "number", "client_order_id": "client_id",
                 "limit": "limit", "leverage": "leverage", "currency": "currency"}
KINDS = sorted(set(KIND_OF_PARAM.values()))


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("kind", KINDS)
def test_named_malformed_inputs_are_refused_before_any_request(
    arena: Arena, venue: str, kind: str
) -> None:
    """The brief's own examples (and their cousins), each tried on every method that takes
    that kind of argument, on spot and futures; every failure is listed."""
    problems: dict[tuple[str, str], list[str]] = {}
    examples: dict[tuple[str, str], str] = {}
    for method, param in CASES:
        if KIND_OF_PARAM.get(param) != kind:
            continue
        attack = ATTACKS[method][param]
        for tt in attack.trade_types:
            for value in _named(kind, arena, venue, tt, method):
                a = baseline_arguments(arena, venue, method, tt)
                if attack.also is not None:
                    a.update(attack.also(tt))
                poison = Poison(value)
                if attack.overrides:  # a lookup by client order id
                    a.update({"order_id": None, "client_order_id": value})
                    poisons = {"client_order_id": poison}
                else:
                    a[param] = value
                    poisons = {param: poison}
                outcome = arena.attempt(venue, method, label(a, poisons), invoke(method, a))
                found = outcome.problems_refused(attack.expectation(value))
                if found:
                    error = "-" if outcome.error is None else type(outcome.error).__name__
                    what = re.sub(r"\d+ request\(s\)", "request(s)", "; ".join(found))
                    key = (poison.label, f"{what} [{error}]")
                    problems.setdefault(key, []).append(f"{method}/{tt.value}")
                    examples.setdefault(key, outcome.describe())
    assert not problems, f"{venue}: {len(problems)} {kind} case(s) not refused:\n" + "\n".join(
        f"  - {param} {what}\n      on {', '.join(where)}\n      e.g. {examples[(param, what)]}"
        for (param, what), where in problems.items())


@pytest.mark.parametrize("venue", VENUES)
def test_leverage_above_the_simulated_maximum_sends_nothing(arena: Arena, venue: str) -> None:
    """Every simulated perpetual allows 125x at most: 126x and beyond must send nothing, whether
    or not ``get_exchange_info`` reports the maximum (it does not for Binance's perpetuals;
    ccxt's binanceusdm refuses above 125 itself)."""
    for leverage in (126, 200, 1000, 10**4):
        outcome = arena.attempt(
            venue, "set_leverage", f"{PERP!r}, {leverage}",
            lambda ex, n=leverage: ex.set_leverage(PERP, n),
        )
        fail_if(outcome.problems_refused((InvalidArgument,)), outcome)


# --- R5: valid inputs succeed, exactly -------------------------------------------------------


@st.composite
def valid_limit_orders(draw: st.DrawFn, b: Baseline, venue: str) -> dict[str, Any]:
    side = draw(st.sampled_from([OrderSide.BUY, OrderSide.SELL]))
    fraction = D(draw(st.integers(60, 90))) / 100
    price = b.buy_price(fraction) if side is OrderSide.BUY else b.sell_price(2 - fraction)
    amount = b.amount_for(price, draw(st.integers(1, 3))) + b.step * draw(st.integers(0, 50))
    price = with_zeros(price, draw(st.integers(0, 6)))
    amount = with_zeros(amount, draw(st.integers(0, 6)))
    if amount == amount.to_integral_value() and draw(st.booleans()):
        amount = int(amount)  # exact ints are valid amounts (tests/connector/test_validation)
    if price == price.to_integral_value() and draw(st.booleans()):
        price = int(price)
    symbol = draw(st.sampled_from([b.symbol, b.symbol.lower()] + (
        [b.symbol.split(":")[0]] if b.trade_type is FUTURES else [])))
    return {
        "symbol": symbol,
        "side": side,
        "amount": amount,
        "price": price,
        "trade_type": b.trade_type,
        "time_in_force": draw(st.sampled_from([None, TimeInForce.GTC, TimeInForce.POST_ONLY])),
        "client_order_id": draw(st.one_of(st.none(), good_client_ids(venue))),
    }


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("trade_type", TRADE_TYPES, ids=lambda t: t.value)
def test_a_valid_limit_order_is_placed_exactly_as_asked(
    arena: Arena, venue: str, trade_type: TradeType
) -> None:
    seen: set[str] = set()

    @settings(SETTINGS, max_examples=12)
    @given(data=st.data())
    def place(data: st.DataObject) -> None:
        base = data.draw(st.sampled_from(["BTC", "ETH"]), label="base")
        o = data.draw(valid_limit_orders(arena.baseline(venue, trade_type, base), venue),
                      label="order")
        cid = o["client_order_id"]
        if cid is not None and cid in seen:
            cid = o["client_order_id"] = None  # a venue may refuse an id it has seen before
        if cid is not None:
            seen.add(cid)
        a = {"order_type": OrderType.LIMIT, "stop_price": None, "reduce_only": False, **o}
        placed = arena.attempt(venue, "create_order", label(a, {}), invoke("create_order", a))
        fail_if(placed.problems_r6() + (["R5: a valid order was refused"]
                                        if placed.error is not None else []), placed)
        order: Order = placed.result
        unified = arena.baseline(venue, trade_type, base).symbol
        assert order.symbol == unified and order.trade_type is trade_type
        assert order.side is o["side"] and order.type is OrderType.LIMIT
        assert order.status is OrderStatus.OPEN, placed.describe()
        assert order.amount == o["amount"], f"amount {order.amount!r} != {o['amount']!r}"
        assert order.price == o["price"], f"price {order.price!r} != {o['price']!r}"
        if cid is not None:
            assert order.client_order_id == cid
        by = ({"order_id": None, "client_order_id": cid} if cid is not None
              else {"order_id": order.id, "client_order_id": None})
        lookup = {"symbol": o["symbol"], "trade_type": trade_type, **by}
        fetched = arena.attempt(venue, "get_order", label(lookup, {}), invoke("get_order", lookup))
        fail_if(fetched.problems_r6() + (["R5: a valid lookup failed"]
                                         if fetched.error is not None else []), fetched)
        assert fetched.result.amount == o["amount"] and fetched.result.price == o["price"]
        cancelled = arena.attempt(venue, "cancel_order", label(lookup, {}),
                                  invoke("cancel_order", lookup))
        fail_if(cancelled.problems_r6(), cancelled)
        assert cancelled.result is True, cancelled.describe()

    place()


READS = ("get_ticker", "get_order_book", "get_balance", "get_open_orders", "get_trades",
         "get_positions", "set_leverage", "get_symbols", "get_exchange_info", "test_connection",
         "check_connection")


@st.composite
def valid_arguments(draw: st.DrawFn, arena: Arena, venue: str, method: str) -> dict[str, Any]:
    """Valid arguments of every spelling the interface allows, for the read-like methods."""
    tt = draw(st.sampled_from([None, SPOT, FUTURES, "spot", "futures"]))
    resolved = SPOT if tt in (None, SPOT, "spot") else FUTURES
    a = baseline_arguments(arena, venue, method, resolved)
    if "trade_type" in a:
        a["trade_type"] = tt
    if "symbol" in a:
        forced = FUTURES if method in ("get_positions", "set_leverage") else (
            SPOT if tt in (SPOT, "spot") else None)
        a["symbol"] = draw(good_symbols(forced))
        if method in ("get_open_orders", "get_positions") and draw(st.booleans()):
            a["symbol"] = None
    if "limit" in a:
        a["limit"] = draw(st.integers(1, 100))
    if "currency" in a:
        a["currency"] = draw(st.sampled_from([None, "USDT", "usdt", "BTC", "Eth", "XYZ"]))
    if "leverage" in a:
        top = arena.max_leverage.get((venue, PERP)) or 125
        a["leverage"] = draw(st.integers(1, top))
    return a


@pytest.mark.parametrize("venue", VENUES)
def test_valid_reads_succeed(arena: Arena, venue: str) -> None:
    """R5 for the reads: every valid spelling (symbol case, ``"spot"`` for SPOT, no symbol
    where one is optional) answers. NotSupported is fine where the venue documents it (KuCoin
    lists open spot orders per symbol only)."""

    @settings(SETTINGS, max_examples=60)
    @given(data=st.data())
    def read(data: st.DataObject) -> None:
        method = data.draw(st.sampled_from(READS), label="method")
        a = data.draw(valid_arguments(arena, venue, method), label="arguments")
        outcome = arena.attempt(venue, method, label(a, {}), invoke(method, a))
        problems = outcome.problems_r6()
        if outcome.error is not None and not isinstance(outcome.error, NotSupported):
            problems.append("R5: a valid call failed")
        if method == "test_connection" and outcome.result is not True:
            problems.append("R5: test_connection is False on a healthy venue")
        if method == "check_connection" and outcome.error is None and not outcome.result.ok:
            problems.append("R5: check_connection failed on a healthy venue")
        fail_if(problems, outcome)

    read()


# --- R6: nothing transient, whatever goes in --------------------------------------------------

ALL_METHODS = (
    "get_ticker", "get_order_book", "get_balance", "create_order", "get_order", "cancel_order",
    "get_open_orders", "get_trades", "get_positions", "set_leverage", "get_symbols",
    "get_exchange_info", "test_connection", "check_connection",
)


@st.composite
def mixed_call(draw: st.DrawFn, arena: Arena, venue: str) -> tuple[str, dict[str, Any], str]:
    method = draw(st.sampled_from(ALL_METHODS), label="method")
    tt = draw(st.sampled_from(TRADE_TYPES))
    if method in ("get_positions", "set_leverage"):
        tt = FUTURES
    a = baseline_arguments(arena, venue, method, tt)
    b = arena.baseline(venue, tt)
    poisons: dict[str, Poison] = {}
    for name in list(a):
        choice = draw(st.integers(0, 9))
        if choice < 6:
            continue  # the valid baseline value
        if choice < 8:
            poison = draw(_cached(("valid", id(arena), venue, method, name, tt),
                                  partial(_valid_variants, arena, venue, method, name, b)))
        elif choice < 9:
            poison = draw(_cached(("bad", id(arena), venue, method, name, tt),
                                  partial(_malformed, arena, venue, method, name, tt)))
        else:
            poison = draw(lying_subclasses(
                text=str(a[name]) if isinstance(a[name], str) else "BTC/USDT",
                number=b.amount, integer=5))
        a[name] = poison.value
        poisons[name] = poison
    return method, a, label(a, poisons)


_STRATEGIES: dict[tuple[Any, ...], st.SearchStrategy[Poison]] = {}


def _cached(key: tuple[Any, ...], build: Callable[[], st.SearchStrategy[Poison]]
            ) -> st.SearchStrategy[Poison]:
    """One strategy object per key: hypothesis validates a strategy once per object."""
    if key not in _STRATEGIES:
        _STRATEGIES[key] = build()
    return _STRATEGIES[key]


def _valid_variants(arena: Arena, venue: str, method: str, name: str,
                    b: Baseline) -> st.SearchStrategy[Poison]:
    """Other valid values (and valid-looking ones that the venue may refuse, permanently)."""
    options: dict[str, st.SearchStrategy[Any]] = {
        "symbol": good_symbols(None),
        "trade_type": st.sampled_from([None, SPOT, FUTURES, "spot", "futures"]),
        "limit": st.integers(1, 1000),
        "currency": st.sampled_from([None, "USDT", "btc", "XYZ"]),
        "order_type": st.sampled_from([*list(OrderType), "limit", "MARKET", "stop_limit"]),
        "side": st.sampled_from([*list(OrderSide), "buy", "SELL"]),
        "amount": st.sampled_from([b.amount, b.amount * 2, int(b.amount) or 1,
                                   with_zeros(b.amount, 3)]),
        "price": st.sampled_from([None, b.price, b.buy_price(D("0.7")), b.sell_price(D("1.3"))]),
        "stop_price": st.sampled_from([None, b.price, b.sell_price(D("1.2"))]),
        "time_in_force": st.sampled_from([None, *TimeInForce]),
        "reduce_only": st.booleans(),
        "client_order_id": st.one_of(st.none(), good_client_ids(venue)),
        "order_id": st.one_of(st.none(), good_order_ids(venue)),
        "leverage": st.integers(1, 125),
    }
    return poisoned(options[name])


def _malformed(arena: Arena, venue: str, method: str, name: str,
               tt: TradeType) -> st.SearchStrategy[Poison]:
    attack = ATTACKS.get(method, {}).get(name)
    if attack is not None and not attack.overrides:
        return attack.bad(arena, venue, tt)
    if name == "client_order_id":
        return bad_client_ids(venue)
    if name == "order_id":
        return bad_order_ids(venue, allow_none=True)
    return st.one_of(hostile_objects(), containers())


@pytest.mark.parametrize("venue", VENUES)
def test_nothing_is_transient_without_a_fault(arena: Arena, venue: str) -> None:
    """R6 (and R1): whatever the arguments, with the simulator healthy, no call ends in a
    TransientError, an OrderStatusUnknown, a foreign exception or an error that cannot print.
    Every offending (venue, method, input, exception) is listed."""
    findings: dict[tuple[str, str, str], str] = {}
    count = {"calls": 0}

    @settings(SETTINGS, max_examples=150, phases=[Phase.generate])
    @given(call=mixed_call(arena, venue))
    def explore(call: tuple[str, dict[str, Any], str]) -> None:
        method, a, text = call
        count["calls"] += 1
        outcome = arena.attempt(venue, method, text, invoke(method, a))
        for problem in outcome.problems_r6():
            kind = "" if outcome.error is None else type(outcome.error).__name__
            findings.setdefault((method, problem, kind), outcome.describe())

    explore()
    assert not findings, f"{len(findings)} kind(s) of fault in {count['calls']} calls:\n" + (
        "\n".join(f"- {m} {p} {k}\n    e.g. {d}" for (m, p, k), d in sorted(findings.items())))


# --- new_client_order_id -----------------------------------------------------------------------


@pytest.mark.parametrize("venue", VENUES)
def test_generated_client_order_ids_are_valid_and_unique(arena: Arena, venue: str) -> None:
    exchange = arena.exchanges[venue]
    ids = [exchange.new_client_order_id() for _ in range(2000)]  # type: ignore[attr-defined]
    bad = [i for i in ids if not client_id_ok(venue, i)]
    assert not bad, f"{venue} generated ids it does not take: {bad[:5]}"
    assert len(set(ids)) == len(ids)
    b = arena.baseline(venue, SPOT)
    a = {**baseline_arguments(arena, venue, "create_order", SPOT), "client_order_id": ids[0]}
    placed = arena.attempt(venue, "create_order", label(a, {}), invoke("create_order", a))
    fail_if(placed.problems_r6(), placed)
    assert placed.error is None and placed.result.client_order_id == ids[0], placed.describe()
    assert placed.result.amount == b.amount
    lookup = {"order_id": None, "symbol": SYMBOL, "client_order_id": ids[0], "trade_type": SPOT}
    assert arena.attempt(venue, "cancel_order", "", invoke("cancel_order", lookup)).result is True


def test_the_lookup_id_of_an_unknown_order_is_a_permanent_not_found(arena: Arena) -> None:
    """Sanity of the harness: a valid-format id the venue never issued is sent, and answered
    OrderNotFound (permanent), on every venue."""
    for venue in VENUES:
        a = baseline_arguments(arena, venue, "get_order", SPOT)
        outcome = arena.attempt(venue, "get_order", label(a, {}), invoke("get_order", a))
        fail_if(outcome.problems_r6(), outcome)
        assert isinstance(outcome.error, OrderNotFound), outcome.describe()
        assert outcome.sent >= 1
