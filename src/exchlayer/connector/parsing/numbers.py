"""The rules every parser shares: venue numbers, timestamps, identifiers, strings and records,
and the `MalformedResponse` a parser raises for what breaks them (the rules are the package
docstring's)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, NoReturn

from ...errors import MalformedResponse

SMALLEST = Decimal("1E-30")
"""The smallest magnitude a non-zero venue number may have."""
LARGEST = Decimal("1E+24")
"""The bound every venue number's magnitude stays below."""

_NEG_SMALLEST = -SMALLEST
_NEG_LARGEST = -LARGEST
_ZERO = Decimal(0)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FIRST_MS = 1_230_940_800_000  # 2009-01-03T00:00:00Z
_LAST_MS = 4_102_444_800_000  # 2100-01-01T00:00:00Z
_NOT_IDS = frozenset({"", "None", "null", "undefined"})


# --- errors ---------------------------------------------------------------------------------
def _preview(value: Any) -> str:
    """``value`` for a message: its repr, shortened, never raising."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} that cannot be printed>"
    return text if len(text) <= 80 else text[:77] + "..."


def _bad(field: str, value: Any, wanted: str) -> MalformedResponse:
    return MalformedResponse(f"the venue's {field} is {_preview(value)}, not {wanted}")


def _refuse(message: str) -> NoReturn:
    raise MalformedResponse(message)


# --- numbers --------------------------------------------------------------------------------
_ANY, _SIZE, _POSITIVE, _PRICE = 0, 1, 2, 3
_WANTED = (
    "a number (finite, of magnitude 1E-30 to 1E+24)",
    "a number >= 0 (finite, below 1E+24)",
    "a positive number (finite, of magnitude 1E-30 to 1E+24)",
    "a positive number (finite, of magnitude 1E-30 to 1E+24)",
)
_NAN = Decimal("NaN")


def _number(value: Any, field: str, rule: int = _ANY) -> Decimal | None:  # noqa: PLR0912 - the number rules of the package docstring in order; hot path, kept inline
    """A venue number as a Decimal (``None`` when not reported); refuses what is not a number
    of sane magnitude (see the package docstring), and what breaks ``rule``: ``_ANY`` sign,
    ``_SIZE`` (>= 0), ``_POSITIVE`` (> 0) or ``_PRICE`` (> 0, and 0 is the venue's "none")."""
    if value is None:
        return None
    kind = type(value)
    try:
        if kind is str:
            if not value:
                return None
            if value.isascii() and "_" not in value and value.strip() == value:
                number = Decimal(value)
            else:
                number = _NAN  # refused below
        elif kind is float:
            number = Decimal(repr(value))
        elif kind is Decimal:
            number = value
        elif kind is int:
            number = Decimal(value)
        else:  # bool, containers, anything JSON does not call a number
            number = _NAN
        # a NaN raises here (or, under a context without traps, compares False)
        if SMALLEST <= number < LARGEST:
            return number
        if not number:
            if rule == _PRICE:
                return None
            if rule != _POSITIVE:
                return number.copy_abs()  # "-0" is 0
        elif rule == _ANY and _NEG_LARGEST < number <= _NEG_SMALLEST:
            return number
    except ArithmeticError:
        pass
    raise _bad(field, value, _WANTED[rule])


def to_decimal(value: Any) -> Decimal | None:
    """A ccxt number (float, int, str or None) as a Decimal, exactly as the venue wrote it;
    ``None`` for anything that is not a number the parsers would accept (not a number, NaN,
    infinite, or beyond the magnitude bounds). The lenient reader, for venue adapters' own
    decisions; the parsers refuse instead."""
    try:
        return _number(value, "number")
    except MalformedResponse:
        return None


def exact_number(value: Any) -> str:
    """ccxt's ``number`` while it builds tickers, orders, trades and balances: the number's text,
    which the parsers then turn into a Decimal once, without the float ccxt would make.

    A string, not a Decimal, because ccxt reads its own results again (a fee's cost, say) with
    ``safe_string``, which ignores Decimals. Trailing zeros go, as they would through a float
    (``"0.01000000"`` reads ``"0.01"``); an exponent is kept as written. Nothing is refused here
    (ccxt's ``parse_number`` would turn an exception into a silent ``None``): text that is not a
    plain number is passed on unchanged, for the parsers to refuse.
    """
    if type(value) is str:
        if "." in value and "e" not in value and "E" not in value:
            stripped = value.rstrip("0")  # not empty: the "." stays
            if stripped[-1] != ".":
                return stripped
            stripped = stripped[:-1]
            # "0.000" -> "0"; but ".0", "-.0" and "1..0" stay as written, for the parsers
            return stripped if stripped[-1:].isdigit() else value
        return value
    if type(value) is float:
        return repr(value)
    return str(value)


def to_datetime(milliseconds: Any, field: str = "timestamp") -> datetime | None:
    """A ccxt millisecond timestamp as an aware UTC datetime: ``None`` for none, or for the
    ``-1``/``0`` placeholders venues send for times not set yet; refuses a time before
    2009-01-03 or from 2100 on (seconds or microseconds read as milliseconds), and what is not
    a whole number."""
    if milliseconds is None:
        return None
    kind = type(milliseconds)
    try:
        if kind is int:
            ms = milliseconds
        elif kind is float or kind is str or kind is Decimal:
            ms = int(milliseconds)
        else:  # a bool is no time
            raise _bad(field, milliseconds, "a time in milliseconds")
    except (ValueError, OverflowError, ArithmeticError):
        raise _bad(field, milliseconds, "a time in milliseconds") from None
    if ms <= 0:
        return None
    if _FIRST_MS <= ms < _LAST_MS:
        return _EPOCH + timedelta(milliseconds=ms)
    raise _bad(field, milliseconds, "a time from 2009 to 2099 in milliseconds")


def _identifier(value: Any, field: str) -> str:
    if type(value) is str:
        if value not in _NOT_IDS:
            return value
    elif type(value) is int:
        return str(value)
    raise _bad(field, value, "an identifier")


def _text(value: Any, field: str) -> str | None:
    """A string field (``None`` when not reported)."""
    if value is None or type(value) is str:
        return value
    raise _bad(field, value, "a string")


def _symbol(raw: Mapping[str, Any], asked: str | None, what: str) -> str:
    """The answer's symbol, which must be the one asked for when both are known."""
    got = raw.get("symbol")
    if got is None or got == "":
        if asked:
            return asked
        _refuse(f"the venue's {what} names no market")
    if type(got) is not str:
        raise _bad(f"{what} symbol", got, "a market symbol")
    if asked is not None and got != asked:
        _refuse(f"the venue answered with {_preview(got)}'s {what} when asked for {asked}'s")
    return got


def _mapping(raw: Any, what: str) -> Mapping[str, Any]:
    if type(raw) is dict or isinstance(raw, Mapping):
        return raw
    raise _bad(what, raw, "a record")

