"""What the attack suite fires, and the arena it fires into.

* Hostile values: objects whose ``__str__``/``__repr__``/``__hash__``/``__eq__``/``__bool__``
  raise, ``str``/``Decimal``/``int`` subclasses that lie about themselves, lone surrogates,
  unicode lookalikes, huge strings.
* :class:`Poison`: every drawn value travels wrapped, with a label that always prints, so that
  hypothesis can report a falsifying example even when the value itself cannot be printed.
* Strategies of malformed arguments, one per kind of parameter, and of valid ones.
* :class:`Arena`: one private event loop, one started :class:`~exchlayer.testing.Simulator`
  (rate limits off) and one warmed-up connector per venue, shared across hypothesis examples.
  Each call is timed and the requests it sent are counted (``len(sim.requests)``).

The rules these tests hold the connectors to:
R1 only exchlayer errors escape and they always print; R2 a malformed argument is refused with a
``PermanentError`` before any request; R3 no order id can alter a signed request; R4 closed or
foreign-loop connectors refuse at once; R5 valid inputs succeed exactly; R6 nothing transient
without a fault.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from exchlayer import (
    BadSymbol,
    BaseExchange,
    ConfigurationError,
    ExchangeLayerError,
    InvalidArgument,
    Market,
    NotSupported,
    OrderSide,
    OrderStatusUnknown,
    OrderType,
    PermanentError,
    TimeInForce,
    TradeType,
    TransientError,
)
from exchlayer.resilience import RetryPolicy
from exchlayer.testing import Simulator, connect

D = Decimal
VENUES = ("binance", "gateio", "kucoin", "bingx", "bitget")
SPOT, FUTURES = TradeType.SPOT, TradeType.FUTURES
TRADE_TYPES = (SPOT, FUTURES)

LOCAL_REFUSALS: tuple[type[ExchangeLayerError], ...] = (
    InvalidArgument,  # InvalidOrder and OrderLimitViolation are InvalidArguments
    BadSymbol,
    NotSupported,
    ConfigurationError,
)
"""The errors a malformed argument may be refused with (R2): all permanent."""

# A local fault typed as transient would be retried by a caller's loop forever; keep the
# retries short so that such a bug costs milliseconds here, not seconds, but still shows up as
# extra requests when a retried call reaches the venue.
QUICK = RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.002, max_elapsed=0.5)

BIG = D(10) ** 9
BALANCES = {"USDT": BIG, "BTC": D(10_000), "ETH": D(100_000), "SOL": D(10_000_000)}
FUTURES_BALANCE = {"USDT": BIG}

SETTINGS = settings(
    database=None,
    deadline=None,
    derandomize=True,
    print_blob=False,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no "explain": slow
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# --- the venues' own rules ---------------------------------------------------------------------

ORDER_ID_FORMAT: dict[str, re.Pattern[str]] = {
    "binance": re.compile(r"[0-9]{1,20}", re.ASCII),
    "gateio": re.compile(r"[0-9]{1,20}", re.ASCII),
    "bingx": re.compile(r"[0-9]{1,20}", re.ASCII),
    "bitget": re.compile(r"[0-9]{1,20}", re.ASCII),
    "kucoin": re.compile(r"[A-Za-z0-9]{1,40}", re.ASCII),
}
"""What a venue's order id looks like (matched whole); anything else must send nothing (R3)."""

CLIENT_ID_MAX = {"binance": 36, "gateio": 26, "kucoin": 40, "bingx": 40, "bitget": 50}
"""The longest client order id each venue takes through exchlayer (Gate: 28 after ``t-``, of
which ccxt 4.5.90 counts the prefix; BingX: 40 on the wire)."""

CLIENT_ID_CHARS = {
    venue: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    + ("" if venue == "kucoin" else ".")
    for venue in VENUES
}
"""The characters each venue takes in a client order id (KuCoin: no '.')."""

NATIVE_ETH = {
    "binance": "ETHUSDT",
    "gateio": "ETH_USDT",
    "kucoin": "ETH-USDT",
    "bingx": "ETH-USDT",
    "bitget": "ETHUSDT",
}
"""The venue's own id of the ETH/USDT spot market, the target of cross-market injections."""

BASES = ("BTC", "ETH", "SOL")
SPOT_SYMBOLS = frozenset(f"{b}/USDT" for b in BASES)
FUTURES_SYMBOLS = frozenset(f"{b}/USDT:USDT" for b in BASES)
SIM_MAX_LEVERAGE = 125
"""The simulator's instruments' maximum leverage (``Instrument.max_leverage``)."""


def client_id_ok(venue: str, value: object) -> bool:
    """Whether ``value`` is a client order id ``venue`` takes."""
    return (
        type(value) is str
        and 0 < len(value) <= CLIENT_ID_MAX[venue]
        and all(c in CLIENT_ID_CHARS[venue] for c in value)
    )


def order_id_ok(venue: str, value: object) -> bool:
    return type(value) is str and ORDER_ID_FORMAT[venue].fullmatch(value) is not None


def symbol_ok(value: object, trade_type: TradeType | None) -> bool:
    """Whether ``value`` names a listed market for ``trade_type`` (``None``: the default, spot).

    Case does not matter; anything else does: whitespace, unicode lookalikes (even those that
    ``str.upper`` maps onto ASCII, like 'ſ'), another separator, a trailing newline.
    """
    if type(value) is not str or not value.isascii():
        return False
    upper = value.upper()
    if upper in FUTURES_SYMBOLS:
        return trade_type is not SPOT
    return upper in SPOT_SYMBOLS


# --- printing anything ---------------------------------------------------------------------------


def show(value: object, limit: int = 120) -> str:
    """``repr(value)``, shortened, never raising."""
    try:
        text = repr(value)
    except BaseException:
        text = f"<{type(value).__name__} whose repr raises>"
    return text if len(text) <= limit else f"{text[: limit - 20]}...<{len(text)} chars>"


class Poison:
    """A drawn argument and a label that always prints (hypothesis reports the label)."""

    __slots__ = ("label", "value")

    def __init__(self, value: object, label: str | None = None) -> None:
        self.value = value
        self.label = label if label is not None else show(value)

    def __repr__(self) -> str:
        return self.label


def poisoned(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Poison]:
    return strategy.map(Poison)


# --- hostile values ----------------------------------------------------------------------------


class Hostile(Exception):
    """What the hostile values raise: foreign to exchlayer, so it must never escape as is."""


class Unprintable:
    """str(), repr() and format() all raise."""

    def __str__(self) -> str:
        raise Hostile("__str__")

    def __repr__(self) -> str:
        raise Hostile("__repr__")

    def __format__(self, spec: str) -> str:
        raise Hostile("__format__")


class Unhashable:
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "Unhashable()"


class BadHash:
    def __hash__(self) -> int:
        raise Hostile("__hash__")

    def __repr__(self) -> str:
        return "BadHash()"


class BadEq:
    def __eq__(self, other: object) -> bool:
        raise Hostile("__eq__")

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "BadEq()"


class BadBool:
    def __bool__(self) -> bool:
        raise Hostile("__bool__")

    def __repr__(self) -> str:
        return "BadBool()"


class ClassLiar:
    """``isinstance(x, anything)`` raises: its ``__class__`` does."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # type: ignore[override]
        raise Hostile("__class__")

    def __repr__(self) -> str:
        return "ClassLiar()"


class LiarStr(str):
    """A ``str`` whose printing and methods raise; its value may well be valid."""

    def __str__(self) -> str:
        raise Hostile("LiarStr.__str__")

    def __repr__(self) -> str:
        raise Hostile("LiarStr.__repr__")

    def __format__(self, spec: str) -> str:
        raise Hostile("LiarStr.__format__")

    def upper(self) -> str:
        raise Hostile("LiarStr.upper")

    def strip(self, chars: str | None = None) -> str:
        raise Hostile("LiarStr.strip")


class LiarDecimal(Decimal):
    """A ``Decimal`` whose printing raises."""

    def __str__(self) -> str:
        raise Hostile("LiarDecimal.__str__")

    def __repr__(self) -> str:
        raise Hostile("LiarDecimal.__repr__")

    def __format__(self, spec: str, *rest: Any) -> str:
        raise Hostile("LiarDecimal.__format__")


class LiarInt(int):
    """An ``int`` whose printing raises."""

    def __str__(self) -> str:
        raise Hostile("LiarInt.__str__")

    def __repr__(self) -> str:
        raise Hostile("LiarInt.__repr__")

    def __format__(self, spec: str) -> str:
        raise Hostile("LiarInt.__format__")


@cache
def hostile_objects() -> st.SearchStrategy[Poison]:
    """Non-``str``, non-number objects that fight back; every one is malformed anywhere."""
    return st.sampled_from(
        [
            Poison(Unprintable(), "Unprintable()"),
            Poison(Unhashable(), "Unhashable()"),
            Poison(BadHash(), "BadHash()"),
            Poison(BadEq(), "BadEq()"),
            Poison(BadBool(), "BadBool()"),
            Poison(ClassLiar(), "ClassLiar()"),
            Poison(object(), "object()"),
            Poison(Ellipsis, "Ellipsis"),
            Poison(print, "print"),
            Poison(type, "type"),
        ]
    )


@cache
def lying_subclasses(text: str, number: Decimal, integer: int) -> st.SearchStrategy[Poison]:
    """Subclasses of valid types, holding valid values, that raise when printed (R1/R6 only:
    they may be accepted or refused, but nothing foreign or transient may escape)."""
    return st.sampled_from(
        [
            Poison(LiarStr(text), f"LiarStr({text!r})"),
            Poison(LiarDecimal(number), f"LiarDecimal({str(number)!r})"),
            Poison(LiarInt(integer), f"LiarInt({integer})"),
        ]
    )


@cache
def containers() -> st.SearchStrategy[Poison]:
    leaf = st.one_of(st.integers(-3, 3), st.text(max_size=3), st.none())
    return poisoned(
        st.one_of(
            st.lists(leaf, max_size=3),
            st.dictionaries(st.text(max_size=3), leaf, max_size=2),
            st.tuples(leaf, leaf),
            st.frozensets(st.integers(0, 3), max_size=2),
            st.sets(st.integers(0, 3), max_size=2),
            st.binary(max_size=8),
            st.builds(bytearray, st.binary(max_size=4)),
        )
    )


@cache
def wrong_scalars() -> st.SearchStrategy[Poison]:
    """Plain values of the wrong kind for any parameter that wants a str, Decimal or enum."""
    return poisoned(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.complex_numbers(max_magnitude=1e6, allow_nan=False),
            st.decimals(allow_nan=True, allow_infinity=True),
            st.fractions(max_denominator=1000),
        )
    )


# --- text ----------------------------------------------------------------------------------------

WHITESPACE = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x00", "\x7f", "\u00a0", "\u2003",
              "\u2028", "\u3000", "\u200b", "\ufeff", "\u180e"]
INJECTION = ["?", "&", "=", "#", "/", "%", "..", ";", ",", "+", "\\", "%2F", "%3F", "%26",
             "%00", "\r\n", "\n", " ", "\t", "\x00", "\ud800", "'", '"', "<", ">", "|", "*", "@"]
LOOKALIKES = {
    "B": ["Β", "В", "Ｂ", "𝐁"],
    "T": ["Τ", "Т", "Ｔ"],
    "C": ["С", "Ϲ", "Ｃ", "Ⅽ"],
    "U": ["Ս", "Ｕ", "∪"],
    "S": ["Ѕ", "Ｓ", "ſ"],
    "D": ["Ꭰ", "Ｄ", "Ⅾ"],
    "E": ["Ε", "Е", "Ｅ"],
    "H": ["Η", "Н", "Ｈ"],
    "O": ["Ο", "О", "Ｏ", "0"],
    "L": ["Ⅼ", "Ｌ"],
    "/": ["∕", "⁄", "／", "⧸", "\\", "|"],
    ":": ["∶", "：", "꞉", ";"],
}
# 'ſ' (long s) is the nasty one: 'ſOL/USDT'.upper() == 'SOL/USDT'.

any_text = st.text(st.characters(exclude_categories=()), max_size=40)  # surrogates included
HUGE = [
    "A" * 100_000 + "/USDT",
    "BTC/" + "U" * 100_000,
    "BTC/USDT" * 10_000,
    "\ud800" * 10_000,
    "9" * 100_000,
]


def _insert(text: str, position: int, piece: str) -> str:
    position %= len(text) + 1
    return text[:position] + piece + text[position:]


@st.composite
def mutated(draw: st.DrawFn, seeds: Iterable[str], pieces: list[str]) -> str:
    """A valid seed with one hostile piece inserted somewhere."""
    seed = draw(st.sampled_from(sorted(seeds)))
    return _insert(seed, draw(st.integers(0, 64)), draw(st.sampled_from(pieces)))


@st.composite
def lookalike(draw: st.DrawFn, seeds: Iterable[str]) -> str:
    seed = draw(st.sampled_from(sorted(seeds)))
    positions = [i for i, c in enumerate(seed) if c.upper() in LOOKALIKES]
    i = draw(st.sampled_from(positions))
    replacement = draw(st.sampled_from(LOOKALIKES[seed[i].upper()]))
    text = seed[:i] + replacement + seed[i + 1 :]
    return text.lower() if draw(st.booleans()) else text


# --- symbols -----------------------------------------------------------------------------------


NAMED_SYMBOLS = [
    "", " ", "/", ":", "BTC", "BTCUSDT", "BTC-USDT", "BTC_USDT", "BTC/", "/USDT",
    "BTC//USDT", "BTC/USDT:", "BTC/USDT::USDT", "BTC/USDT:USDT:USDT", "BTC/USDT/ETH",
    ":USDT", "BTC/:USDT", "BTC/USDC", "FOO/USDT", "BTC/USDT:BTC", "BTC/USD:BTC",
    "ETH/BTC", "USDT/BTC", "BTC%2FUSDT", "BTC/USDT%00", "BTC/USDT?x=1", "../BTC/USDT",
    " BTC/USDT", "BTC/USDT ", "BTC/USDT\n", "\tBTC/USDT", "BTC /USDT", "BTC/ USDT",
    "BTC/USDT\x00", "BTC\u200b/USDT", "ſol/uſdt", "ﬀ/USDT", "ＢＴＣ/ＵＳＤＴ",
    "ВТС/USDT", "BTC∕USDT", "BTC／USDT", "\ud800/USDT", "BTC/USDT\ud800", "ſol/usdt",
    "BTC/USDT\r\n", "BTC/USDT\u3000", "\u00a0BTC/USDT", "A" * 10_000 + "/USDT",
]
"""Malformed symbols every test tries, whatever hypothesis draws: structure, whitespace,
lookalikes ('ſol/uſdt'.upper() == 'SOL/USDT'), another market, encodings, surrogates."""


@cache
def bad_symbol_strings(trade_type: TradeType | None) -> st.SearchStrategy[str]:
    seeds = SPOT_SYMBOLS | FUTURES_SYMBOLS
    structural = st.sampled_from(NAMED_SYMBOLS)
    return st.one_of(
        structural,
        mutated(seeds, WHITESPACE + INJECTION),
        lookalike(seeds),
        any_text,
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ/:.-_", max_size=20),
        st.sampled_from(HUGE),
    ).filter(lambda s: not symbol_ok(s, trade_type))


@cache
def bad_symbols(
    trade_type: TradeType | None, *, optional: bool = False
) -> st.SearchStrategy[Poison]:
    """Anything that is not a listed symbol for ``trade_type``. ``optional``: ``None`` is
    valid there (it means "every symbol"), so it is not drawn."""
    non_strings = st.one_of(
        hostile_objects(),
        containers(),
        poisoned(st.sampled_from([b"BTC/USDT", ["BTC/USDT"], ("BTC", "USDT"), {"BTC/USDT"},
                                  {"symbol": "BTC/USDT"}, bytearray(b"BTC/USDT")])),
        poisoned(st.sampled_from([TradeType.SPOT, OrderType.LIMIT, OrderSide.BUY])),
        wrong_scalars(),
    )
    if optional:
        non_strings = non_strings.filter(lambda p: p.value is not None)
    return st.one_of(poisoned(bad_symbol_strings(trade_type)), non_strings)


@cache
def good_symbols(trade_type: TradeType | None) -> st.SearchStrategy[str]:
    names = sorted(SPOT_SYMBOLS | (FUTURES_SYMBOLS if trade_type is not SPOT else frozenset()))

    @st.composite
    def cased(draw: st.DrawFn) -> str:
        name = draw(st.sampled_from(names))
        flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
        return "".join(c.lower() if f else c for c, f in zip(name, flips, strict=True))

    return cased()


# --- enums, trade types, limits --------------------------------------------------------------


@cache
def bad_trade_types() -> st.SearchStrategy[Poison]:
    """Anything but ``None``, a TradeType or its exact value (``"spot"``, ``"futures"``);
    case variants (``"SPOT"``) are left alone: whether they are valid is a separate question."""
    strings = st.one_of(
        st.sampled_from(["", " ", "margin", "swap", "future", "perp", "linear", "option",
                         "spot ", " spot", "spot\n", "ｓｐｏｔ", "sрot", "spot\x00", "limit"]),
        any_text,
    ).filter(lambda s: s.lower() not in ("spot", "futures"))
    return st.one_of(
        poisoned(strings),
        wrong_scalars().filter(lambda p: p.value is not None),
        containers(),
        hostile_objects(),
        poisoned(st.sampled_from([OrderType.LIMIT, OrderSide.BUY, TimeInForce.GTC, 0, 1])),
    )


@cache
def bad_enum_values(enum: type[Any], *, case_sensitive: bool) -> st.SearchStrategy[Poison]:
    """Anything that is not a member of ``enum`` nor its value (ignoring case unless
    ``case_sensitive``); ``None`` included (the parameter is required)."""
    values = {m.value.lower() for m in enum} | {m.name.lower() for m in enum}

    def ok(s: str) -> bool:
        return s.lower() in values

    strings = st.one_of(
        st.sampled_from(["", " ", "trailing", "oco", "long", "short", "bid", "ask", "GTX",
                         "GTD", "DAY", "limit ", " buy", "buy\n", "ｌｉｍｉｔ", "lіmit", "bυy"]),
        any_text,
    ).filter(lambda s: not ok(s))
    others = [m for e in (OrderType, OrderSide, TimeInForce, TradeType) if e is not enum
              for m in e if m.value.lower() not in values]
    return st.one_of(
        poisoned(strings),
        wrong_scalars(),
        containers(),
        hostile_objects(),
        poisoned(st.sampled_from(others)),
    )


@cache
def bad_positive_ints(*, maximum: int | None) -> st.SearchStrategy[Poison]:
    """Not a positive int (bools, floats, Decimals, strings, None, containers, hostile), or one
    that is absurd (``>= 10**6``) or above ``maximum``."""
    upper = st.integers(min_value=maximum + 1) if maximum is not None else st.nothing()
    return st.one_of(
        poisoned(st.booleans()),
        poisoned(st.integers(max_value=0)),
        poisoned(st.integers(min_value=10**6)),
        poisoned(upper),
        poisoned(st.sampled_from([2**31, 2**63, 2**64, 10**100, -(2**63)])),
        poisoned(st.floats()),
        poisoned(st.sampled_from([5.0, 1.0, 20.0, D(5), D("5.0"), Fraction(5), "5", "10", b"5"])),
        poisoned(st.decimals(allow_nan=True)),
        poisoned(st.text(max_size=4)),
        poisoned(st.none()),
        containers(),
        hostile_objects(),
    )


# --- numbers ---------------------------------------------------------------------------------


NAMED_ABSURD = [
    D("1E+30"), D("1E-30"), D("1E+400"), D("1E-400"), D("1E+999999"), D("1E-999999"),
    D("1E+1000000"), D("9.99999E+999999999"), D("1E-1000000000"), D(10) ** 28, D("1E+20"),
    D("123456789012345678901234567890.5"), D("0." + "0" * 40 + "1"), D("-1E+30"), 10**30,
]
"""Absurd magnitudes every test tries (R2: refused as InvalidOrder, not a crash in the step
check)."""

NAMED_BAD_NUMBERS: list[object] = [
    D("NaN"), D("-NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), D(0), D("-0"), D("0E-50"),
    D("-0.001"), 0, -1, 0.001, 50000.0, float("nan"), float("inf"), "0.001", b"0.001", True,
    False, None, [D("0.001")], {"amount": 1}, Fraction(1, 1000), complex(1, 0),
]


@cache
def absurd_decimals() -> st.SearchStrategy[Decimal]:
    """Magnitudes no market has: at least 1E+20 or at most 1E-20 (and far beyond Decimal's
    default exponent range)."""
    mantissa = st.integers(1, 10**6)
    big = st.builds(lambda m, e: D(f"{m}E+{e}"), mantissa, st.integers(20, 10**9))
    small = st.builds(lambda m, e: D(f"{m}E-{e}"), mantissa, st.integers(27, 10**9))
    named = st.sampled_from(NAMED_ABSURD)
    return st.one_of(named, big, small, big.map(lambda d: -d))


def bad_numbers(*, off_grid: Callable[[], st.SearchStrategy[Decimal]] | None = None
                ) -> st.SearchStrategy[Poison]:
    """Malformed amounts or prices: wrong types, non-finite, non-positive, absurd, and (with
    ``off_grid``) values off the market's step or tick."""
    specials = st.sampled_from(
        [D("NaN"), D("-NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), D(0), D("-0"),
         D("0E-50"), D("0E+50"), D("-0.001"), D(-1), 0, -1, -(10**30)]
    )
    parts = [
        poisoned(specials),
        poisoned(absurd_decimals()),
        poisoned(st.integers(min_value=10**20)),
        poisoned(st.integers(max_value=0)),
        poisoned(st.decimals(max_value=0, allow_nan=False)),
        poisoned(st.floats()),
        poisoned(st.sampled_from([0.001, 50000.0, 1e-3, "0.001", "50000", "1e-3", b"0.001",
                                  True, False, None])),
        poisoned(st.text(max_size=6)),
        wrong_scalars().filter(lambda p: not _valid_number(p.value)),
        containers(),
        hostile_objects(),
    ]
    if off_grid is not None:
        parts.append(poisoned(off_grid()))
    return st.one_of(*parts)


def _valid_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return False
    number = D(value)
    return number.is_finite() and number > 0 and -20 < number.adjusted() < 20


# --- client order ids, order ids, currencies --------------------------------------------------


def named_client_ids(venue: str) -> list[str]:
    """Malformed client order ids every test tries on ``venue``."""
    longest = CLIENT_ID_MAX[venue]
    named = ["", "a" * (longest + 1), "x" * 10_000, "abc\n", "abc\r\n", "\nabc", "a b", " a",
             "ａｂｃ", "abé", "ab\x00", "ab\ud800", "ab?c=1&d", "../x", "x/y", "x%2F", "x#y",
             "x+y", "x:y", "x@y", "x'y", "x\u200b"]
    if venue == "kucoin":
        named += ["a.b", ".", "xl.123"]
    return named


@cache
def bad_client_ids(venue: str) -> st.SearchStrategy[Poison]:
    chars = CLIENT_ID_CHARS[venue]
    longest = CLIENT_ID_MAX[venue]
    too_long = st.text(alphabet=chars, min_size=longest + 1, max_size=longest + 30)
    seeds = ["xl1234", "abc-DEF_9", "order1"]
    strings = st.one_of(
        st.just(""),
        too_long,
        st.sampled_from(named_client_ids(venue)),
        mutated(seeds, WHITESPACE + INJECTION + ["é", "ß", "Ａ", "٣", "\u0301"]),
        any_text,
    ).filter(lambda s: not client_id_ok(venue, s))
    if venue == "kucoin":
        strings = st.one_of(strings, st.sampled_from(["a.b", ".", "xl.123", "1.0"]))
    non_strings = st.one_of(
        wrong_scalars().filter(lambda p: p.value is not None),
        containers(),
        hostile_objects(),
        poisoned(st.sampled_from([123456, b"abc", ["abc"], TradeType.SPOT])),
    )
    return st.one_of(poisoned(strings), non_strings)


@cache
def good_client_ids(venue: str) -> st.SearchStrategy[str]:
    # BingX escapes what it would lowercase: a character may take two on the wire
    longest = CLIENT_ID_MAX[venue] // 2 if venue == "bingx" else CLIENT_ID_MAX[venue]
    return st.text(alphabet=CLIENT_ID_CHARS[venue], min_size=1, max_size=longest)


def sample_order_id(venue: str) -> str:
    """A valid-format id the simulator never issued."""
    return "ffffffffffffffffffffffff" if venue == "kucoin" else "99999999999"


@cache
def bad_order_ids(venue: str, *, allow_none: bool = False) -> st.SearchStrategy[Poison]:
    """Order ids outside ``venue``'s format (R3). ``None`` is left out: it means "look up by
    client order id", tested apart."""
    fmt = ORDER_ID_FORMAT[venue]
    longest = 40 if venue == "kucoin" else 20
    alphabet = (
        "0123456789abcdefABCDEFxyz" if venue == "kucoin" else "0123456789"
    )
    seeds = ["1000001", "0000000000000000000f4241", "123", "vs0000000000000000000001"]
    strings = st.one_of(
        st.just(""),
        st.text(alphabet=alphabet, min_size=longest + 1, max_size=longest + 10),
        st.sampled_from(["１２３", "٣٤٥", "१२३", "123\n", " 123", "123 ", "-1", "+1", "1e5",
                         "12.3", "0x1F", "1_000", "..", ".", "../1", "1/../2", "1?a=b",
                         "1&symbol=ETHUSDT", "1#", "1%3F", "%31", "1;2", "1,2", "\ud800",
                         "1\x00", "1\r\nX-Injected: 1", "x" * 100_000]),
        mutated(seeds, INJECTION + WHITESPACE),
        any_text,
    ).filter(lambda s: fmt.fullmatch(s) is None)
    non_strings = st.one_of(
        poisoned(st.integers()),
        poisoned(st.sampled_from([1000001, 1000001.0, D(1000001), b"1000001", ["1000001"],
                                  {"id": "1000001"}, True])),
        wrong_scalars().filter(lambda p: allow_none or p.value is not None),
        containers(),
        hostile_objects(),
    )
    return st.one_of(poisoned(strings), non_strings)


@cache
def good_order_ids(venue: str) -> st.SearchStrategy[str]:
    if venue == "kucoin":
        return st.text(
            alphabet="0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
            min_size=1, max_size=40,
        )
    return st.text(alphabet="0123456789", min_size=1, max_size=20)


@cache
def bad_currencies() -> st.SearchStrategy[Poison]:
    """Not a non-empty string (``None`` is valid: every currency)."""
    return st.one_of(
        poisoned(st.sampled_from(["", " ", "\t", "\n", "\u3000", "   "])),
        poisoned(st.text(alphabet=" \t\n\r\x0b\x0c", min_size=1, max_size=5)),
        wrong_scalars().filter(lambda p: p.value is not None),
        containers(),
        hostile_objects(),
        poisoned(st.sampled_from([b"USDT", ["USDT"], {"USDT"}, 1, D(1)])),
    )


# --- market arithmetic ---------------------------------------------------------------------------


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_FLOOR) * step


def ceil_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_CEILING) * step


def with_zeros(value: Decimal, zeros: int) -> Decimal:
    """The same number written with ``zeros`` more trailing zeros (``0.001`` -> ``0.00100``)."""
    if zeros == 0:
        return value
    exponent = min(value.as_tuple().exponent, 0)  # type: ignore[type-var]
    return value.quantize(D(1).scaleb(exponent - zeros))


@dataclass(frozen=True)
class Baseline:
    """A valid resting limit buy on one market, built from the market's own rules."""

    symbol: str
    trade_type: TradeType
    market: Market
    last: Decimal
    price: Decimal
    amount: Decimal

    def buy_price(self, fraction: Decimal) -> Decimal:
        return self._clip(floor_to(self.last * fraction, self.tick))

    def sell_price(self, fraction: Decimal) -> Decimal:
        return self._clip(ceil_to(self.last * fraction, self.tick))

    @property
    def tick(self) -> Decimal:
        return self.market.price_tick or D("0.01")

    @property
    def step(self) -> Decimal:
        return self.market.amount_step or D("0.00001")

    def _clip(self, price: Decimal) -> Decimal:
        m = self.market
        if m.min_price is not None and price < m.min_price:
            price = ceil_to(m.min_price, self.tick)
        if m.max_price is not None and price > m.max_price:
            price = floor_to(m.max_price, self.tick)
        return price

    def amount_for(self, price: Decimal, factor: int = 1) -> Decimal:
        """The smallest amount on the step grid worth the market's minimum (times ``factor``)."""
        m = self.market
        notional = (m.min_notional or D(5)) * D("1.5") * factor
        amount = ceil_to(notional / price, self.step)
        if m.min_amount is not None and amount < m.min_amount:
            amount = ceil_to(m.min_amount, self.step)
        return amount

    def off_grid(self) -> st.SearchStrategy[Decimal]:
        """Amounts off the step grid (each a local OrderLimitViolation)."""
        return st.integers(1, 10**6).map(lambda k: self.step * k + self.step / 7)

    def off_tick(self) -> st.SearchStrategy[Decimal]:
        return st.integers(0, 1000).map(lambda k: self.price + self.tick * k + self.tick / 3)


# --- the arena -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one call did."""

    venue: str
    method: str
    arguments: str
    result: Any = None
    error: BaseException | None = None
    sent: int = 0
    elapsed: float = 0.0
    unprintable: str | None = None
    """Why ``str(error)`` or ``repr(error)`` raised, if one did."""
    requests: list[Any] = field(default_factory=list)

    def describe(self) -> str:
        if self.error is None:
            what = f"returned {show(self.result, 60)}"
        else:
            what = f"raised {type(self.error).__module__}.{type(self.error).__qualname__}"
            message = _message(self.error)
            what += f": {message[:160]}"
        return (
            f"{self.venue}.{self.method}({self.arguments}) {what} "
            f"[{self.sent} request(s) sent, {self.elapsed:.3f} s]"
        )

    # --- the rules ---
    def problems_r1(self) -> list[str]:
        """R1: only exchlayer errors escape, and they print."""
        out = []
        if self.error is not None and not isinstance(self.error, ExchangeLayerError):
            out.append("R1: a foreign exception escaped")
        if self.unprintable is not None:
            out.append(f"R1: the error cannot be printed ({self.unprintable})")
        return out

    def problems_r6(self) -> list[str]:
        """R6: nothing transient (nor of unknown fate) while the simulator is healthy."""
        out = self.problems_r1()
        if isinstance(self.error, TransientError):
            out.append("R6: a transient error without any fault")
        if isinstance(self.error, OrderStatusUnknown):
            out.append("R6: an order of unknown fate without any fault")
        return out

    def problems_refused(
        self, expected: tuple[type[BaseException], ...] = LOCAL_REFUSALS
    ) -> list[str]:
        """R2/R3: refused, with a permanent error of the ``expected`` kinds, nothing sent."""
        out = self.problems_r1()
        if self.error is None:
            out.append("R2: a malformed argument was accepted")
        elif isinstance(self.error, TransientError):
            out.append("R2: a malformed argument was refused as a TransientError")
        elif not isinstance(self.error, PermanentError):
            out.append("R2: refused, but not with a PermanentError")
        elif not isinstance(self.error, expected):
            names = "/".join(e.__name__ for e in expected)
            out.append(f"R2: refused with {type(self.error).__name__}, expected {names}")
        if self.sent:
            out.append(f"R2: {self.sent} request(s) reached the simulator")
        return out


def _message(error: BaseException) -> str:
    try:
        return str(error)
    except BaseException:
        return f"<{type(error).__name__}: str() raises>"


def check_printable(error: BaseException) -> str | None:
    for render in (str, repr):
        try:
            text = render(error)
        except BaseException as exc:
            return f"{render.__name__}() raised {type(exc).__name__}: {show(exc)}"
        if not isinstance(text, str):
            return f"{render.__name__}() returned {type(text).__name__}"
    return None


Call = Callable[[BaseExchange], Awaitable[Any]]


class Arena:
    """A private event loop running a simulator and one connector per venue.

    Synchronous tests (hypothesis drives them) run each call with :meth:`attempt`; nothing here
    touches pytest-asyncio's loops.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.sim = Simulator(rate_limits=False)
        self.exchanges: dict[str, BaseExchange] = {}
        self.baselines: dict[tuple[str, TradeType, str], Baseline] = {}
        self.max_leverage: dict[tuple[str, str], int | None] = {}
        """(venue, futures symbol) -> the maximum the connector reports, if it does."""

    def run(self, coroutine: Awaitable[Any], timeout: float = 60.0) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coroutine, timeout))

    def open(self) -> Arena:
        self.run(self.sim.start())
        for venue in VENUES:
            self.exchanges[venue] = self.run(self.connector(venue))
            self.run(self._warm_up(venue))
        return self

    async def connector(self, venue: str, **options: Any) -> BaseExchange:
        options.setdefault("retry", QUICK)
        options.setdefault("timeout", 3.0)
        return await connect(
            self.sim, venue, balances=BALANCES, futures_balance=FUTURES_BALANCE, **options
        )

    async def _warm_up(self, venue: str) -> None:
        exchange = self.exchanges[venue]
        await exchange.get_symbols()  # loads spot and futures markets
        info = await exchange.get_exchange_info()
        markets = {(m.trade_type, m.symbol): m for m in info.markets}
        for trade_type in TRADE_TYPES:
            for base in ("BTC", "ETH"):
                symbol = f"{base}/USDT" + (":USDT" if trade_type is FUTURES else "")
                market = markets[(trade_type, symbol)]
                ticker = await exchange.get_ticker(symbol)
                last = ticker.last_price
                assert last is not None
                draft = Baseline(symbol, trade_type, market, last, D(0), D(0))
                price = draft.buy_price(D("0.8"))
                self.baselines[(venue, trade_type, base)] = Baseline(
                    symbol, trade_type, market, last, price, draft.amount_for(price)
                )
        for (trade_type, symbol), market in markets.items():
            if trade_type is FUTURES:
                top = market.max_leverage
                self.max_leverage[(venue, symbol)] = None if top is None else int(top)

    def baseline(self, venue: str, trade_type: TradeType, base: str = "BTC") -> Baseline:
        return self.baselines[(venue, trade_type, base)]

    def close(self) -> None:
        async def shut() -> None:
            for exchange in self.exchanges.values():
                await exchange.close()
            await self.sim.close()

        try:
            self.run(shut())
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        finally:
            self.loop.close()

    def attempt(self, venue: str, method: str, arguments: str, call: Call,
                exchange: BaseExchange | None = None) -> Outcome:
        """Run ``call`` on ``venue``'s connector; never raises what the call raises."""
        target = exchange if exchange is not None else self.exchanges[venue]
        return self.run(self._attempt(venue, method, arguments, call, target))

    async def _attempt(self, venue: str, method: str, arguments: str, call: Call,
                       exchange: BaseExchange) -> Outcome:
        outcome = Outcome(venue, method, arguments)
        before = len(self.sim.requests)
        started = time.perf_counter()
        try:
            outcome.result = await asyncio.wait_for(call(exchange), 30.0)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            outcome.error = exc
            outcome.unprintable = check_printable(exc)
        outcome.elapsed = time.perf_counter() - started
        outcome.requests = self.sim.requests[before:]
        outcome.sent = len(outcome.requests)
        return outcome


class RuleBroken(AssertionError):
    """A broken rule. Each kind below is its own class, so that hypothesis, which tells bugs
    apart by exception type, reports a minimal example of every kind a test finds."""


class ForeignEscaped(RuleBroken):
    pass


class CannotPrint(RuleBroken):
    pass


class TransientForLocalFault(RuleBroken):
    pass


class NeitherPermanentNorTransient(RuleBroken):
    pass


class MalformedAccepted(RuleBroken):
    pass


class SentBeforeRefusing(RuleBroken):
    pass


class WrongRefusal(RuleBroken):
    pass


_KINDS: list[tuple[str, type[RuleBroken]]] = [
    ("foreign exception", ForeignEscaped),
    ("cannot be printed", CannotPrint),
    ("Transient", TransientForLocalFault),
    ("transient", TransientForLocalFault),
    ("unknown fate", NeitherPermanentNorTransient),
    ("not with a PermanentError", NeitherPermanentNorTransient),
    ("was accepted", MalformedAccepted),
    ("reached the simulator", SentBeforeRefusing),
    ("refused with", WrongRefusal),
]


def fail_if(problems: list[str], outcome: Outcome) -> None:
    """Fail with every broken rule and what happened (pytest shows it as the reason)."""
    if problems:
        kind = next((k for text, k in _KINDS if any(text in p for p in problems)), RuleBroken)
        raise kind("; ".join(problems) + "\n    " + outcome.describe())
