"""Order books: venue text straight to Decimal levels (`decimal_bid_ask`, plugged into ccxt),
then each side's order and the spread checked in `parse_order_book`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from itertools import islice, repeat
from operator import gt, itemgetter, lt
from typing import Any

from ...models import OrderBook, OrderBookLevel, TradeType
from .numbers import (
    _POSITIVE,
    LARGEST,
    SMALLEST,
    _bad,
    _mapping,
    _number,
    _preview,
    _refuse,
    to_datetime,
)

_tuple_new = tuple.__new__
_item = tuple.__getitem__  # OrderBookLevel's own __getitem__ also reads "price" and "amount"
_first = itemgetter(0)


def decimal_bid_ask(
    self: Any, bidask: Any, price_key: Any = 0, amount_key: Any = 1, count_key: Any = 2
) -> tuple[Decimal, Decimal]:
    """Replacement for ccxt's ``parse_order_book_bid_ask``: venue text -> Decimal, no float.

    ccxt's ``number`` option does not reach order-book levels (they are always floats); this is
    the single helper every ccxt venue uses for them, so plugging the Decimal conversion in here
    keeps the whole book exact and skips a float round trip per number. A level that is not a
    positive price and amount of sane size is refused here, before ccxt sorts the side (a NaN
    would make that sort raise). The text is not screened for whitespace, ``_`` or non-ASCII
    digits (see the package docstring): that would add a sixth to the book's parse time, for
    text no venue writes in a book, and Decimal reads such text as the digits it spells.

    The level is a plain ``(price, amount)`` tuple, which ccxt's sort reads at C speed;
    `parse_order_book` makes the `OrderBookLevel` of it.
    """
    try:
        price, amount = bidask[price_key], bidask[amount_key]
        p = (_book_text.get(price) or _book_number(price)) if type(price) is str else (
            Decimal(repr(price))
        )
        a = (_book_text.get(amount) or _book_number(amount)) if type(amount) is str else (
            Decimal(repr(amount))
        )
        if SMALLEST <= p < LARGEST and SMALLEST <= a < LARGEST:  # a NaN fails too
            return (p, a)
    except (ArithmeticError, LookupError, TypeError):
        pass
    raise _bad("order-book level", bidask, "a positive price and amount below 1E+24")


_book_text: dict[str, Decimal] = {}
_BOOK_TEXT_LIMIT = 50_000


def _book_number(text: str) -> Decimal:
    """A book's number text as a Decimal, trailing fractional zeros dropped as for every other
    number (Binance's `"50000.00000000"` reads `50000`, as in its ticker). Remembered: a book's
    prices and sizes repeat from one answer to the next, and a lookup costs a third of a parse."""
    number = Decimal(text)
    if number.is_finite():
        number = _plain(number)
    if len(_book_text) >= _BOOK_TEXT_LIMIT:
        _book_text.clear()
    _book_text[text] = number
    return number


def _level(raw: Any, side: str) -> OrderBookLevel:
    """A level that did not come through `decimal_bid_ask` (a float pair, text, Decimals,
    a level built by hand)."""
    if not isinstance(raw, (list, tuple)) or len(raw) < 2:  # ccxt may add a count
        raise _bad(f"order-book {side} level", raw, "a price and an amount")
    first, second = tuple(raw)[:2]
    price = _number(first, f"order-book {side} price", _POSITIVE)
    amount = _number(second, f"order-book {side} amount", _POSITIVE)
    if price is None or amount is None:
        raise _bad(f"order-book {side} level", raw, "a price and an amount")
    return _tuple_new(OrderBookLevel, (_plain(price), _plain(amount)))


def _plain(number: Decimal) -> Decimal:
    """`number` without trailing fractional zeros (`2.50` is `2.5`, `50000.00` is `50000`), as a
    book read through ccxt has them."""
    if number.as_tuple().exponent >= 0:  # type: ignore[operator]  # finite here
        return number
    normal = number.normalize()
    return normal if normal.as_tuple().exponent <= 0 else number.quantize(1)  # type: ignore[operator]


def _side(raw: Any, side: str) -> tuple[tuple[OrderBookLevel, ...], list[Decimal]]:
    """One side of a book as levels, and their prices."""
    if raw is None:
        return (), []
    if not isinstance(raw, (list, tuple)):
        raise _bad(f"order-book {side}s", raw, "a list of levels")
    if not raw:
        return (), []
    if type(raw[0]) is tuple:
        # made by decimal_bid_ask, which checked every level (plain tuples built by hand get
        # their prices checked, by order and extremes, but not their amounts)
        return tuple(map(_tuple_new, repeat(OrderBookLevel), raw)), [*map(_first, raw)]
    levels = tuple(_level(level, side) for level in raw)
    return levels, [_item(level, 0) for level in levels]


def _check_order(prices: list[Decimal], side: str) -> None:
    """Strict price order for one side of a book, in one C-level pass (``map``), and its
    extreme prices in range."""
    if not prices:
        return
    before = gt if side == "bid" else lt
    if len(prices) > 1 and not all(map(before, prices, islice(prices, 1, None))):
        at = next(i for i in range(1, len(prices)) if not before(prices[i - 1], prices[i]))
        order = "descending" if before is gt else "ascending"
        _refuse(
            f"the venue's order-book {side}s are not in strictly {order} price order "
            f"({prices[at]} after {prices[at - 1]})"
        )
    for extreme in (prices[0], prices[-1]):
        if not SMALLEST <= extreme < LARGEST:
            raise _bad(f"order-book {side} price", extreme, "a positive number below 1E+24")


def scale_levels(levels: tuple[OrderBookLevel, ...], size: Decimal) -> tuple[OrderBookLevel, ...]:
    """Levels with amounts multiplied by ``size`` (contracts -> base currency)."""
    return tuple(
        _tuple_new(OrderBookLevel, (_item(level, 0), _item(level, 1) * size)) for level in levels
    )


def parse_order_book(raw: Mapping[str, Any], symbol: str, trade_type: TradeType) -> OrderBook:
    """ccxt's order book -> `OrderBook` (for ``symbol``, the one asked for)."""
    raw = _mapping(raw, "order book")
    got = raw.get("symbol")
    if got is not None and got != symbol:
        _refuse(f"the venue answered with {_preview(got)}'s order book when asked for {symbol}'s")
    bids: tuple[OrderBookLevel, ...] = ()
    asks: tuple[OrderBookLevel, ...] = ()
    try:
        bids, bid_prices = _side(raw.get("bids"), "bid")
        asks, ask_prices = _side(raw.get("asks"), "ask")
        _check_order(bid_prices, "bid")
        _check_order(ask_prices, "ask")
        if bid_prices and ask_prices and not bid_prices[0] < ask_prices[0]:
            _refuse(
                f"the venue's order book is crossed: best bid {bid_prices[0]} is not below "
                f"best ask {ask_prices[0]}"
            )
    except (ArithmeticError, LookupError, TypeError):  # a NaN, text, in levels built by hand
        _refuse(
            f"the venue's order book holds a level that is not a pair of numbers "
            f"(bids {_preview(bids[:3])}, asks {_preview(asks[:3])})"
        )
    return OrderBook._trusted(
        symbol=symbol,
        trade_type=trade_type,
        bids=bids,
        asks=asks,
        timestamp=to_datetime(raw.get("timestamp"), "order-book timestamp"),
        raw=raw,
    )

