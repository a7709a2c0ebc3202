"""ccxt's unified dictionaries -> exchlayer models, refusing what no venue sends.

Exact numbers
-------------
ccxt hands numbers over as floats. Each becomes a Decimal through its shortest repr
(``Decimal(repr(x))``), which gives back exactly the digits the venue sent; ``Decimal(x)`` would
expose the float's binary error (``0.1`` -> ``0.1000000000000000055511151231257827...``).
Tickers, orders, trades and balances skip the float: while ccxt builds them, its ``number`` is
`exact_number`. Order-book levels never pass through floats at all: see
`decimal_bid_ask`.

A garbled answer never becomes data
-----------------------------------
Every parser checks each field against what a venue may legitimately send and raises
`MalformedResponse` (naming the field and the value) otherwise; the
connector adds the exchange, operation and symbol, retries a read and reconciles an order. No
other exception type leaves a parser for anything a venue (or a broken proxy) could send.

**Numbers.** A venue number is a JSON number or a numeric string; ``None`` and ``""`` mean
"not reported". A string is read by `Decimal` only if it is plain ASCII without
surrounding whitespace or ``_`` (Python's Decimal reads ``" 5 "``, ``"1_000"``, ``"_1"`` and
``"５"``, which no venue writes: they are refused, not guessed at), so ``"0x10"``, ``"NaN"``,
``"Infinity"`` and ``"-inf"`` are refused too. ``"-0"`` reads as ``0``. (Order-book levels
are the one exception to the text rule, for speed: their text is read as Decimal reads it, see
`decimal_bid_ask`.) Every number must be zero or of magnitude ``1E-30 <= |x| < 1E+24``:

* the largest real quantities are the supplies of the biggest meme tokens (BabyDoge: ~4.2E+17
  units), so no balance, amount or 24-hour volume reaches 1E+18; 1E+24 leaves a million times
  that. The smallest real ones are prices of sub-micro tokens quoted in BTC (~1E-12) and fees of
  18-decimal tokens (1E-18); 1E-30 leaves a trillion times less. Beyond either bound is a
  misread exponent (``"1E+400"`` is finite to Decimal, and would then overflow or fail to
  quantize, untyped, in the caller's arithmetic).
* below 1E+24, a figure keeps 4 decimal places inside Decimal's default 28-digit precision, so
  ``free + used`` and similar sums stay exact.

**Timestamps** (`to_datetime`). ccxt's milliseconds. ``0``, ``-1`` (any value <= 0) are
venues' placeholders for "not set" and read as ``None``; otherwise a time must fall between
2009-01-03 (the Bitcoin genesis block: no crypto venue's event is older) and 2100-01-01. A time
outside is seconds or microseconds read as milliseconds: refused.

**Identifiers** (order and trade ids, currency codes): a non-empty string (or an int, for ids),
never ``"None"``, ``"null"`` or ``"undefined"`` (what ``str(None)`` and JavaScript write).

Per field ("0 is None": a venue writes 0 for "none" there, as ccxt's ``omit_zero`` treats it):

=============================  =============================================================
Ticker
-------------------------------------------------------------------------------------------
symbol                         the answer's own (ccxt derives it from the venue's market id)
                               equals the one asked for, when present
last (else close), bid, ask,   > 0; 0 is None (no trade, no quote). At least one of last,
open, high, low                bid and ask. bid <= ask (a venue's cached ticker can show a
                               locked quote; never a crossed one); low <= high
bid_size, ask_size, volumes    >= 0
change_percent                 any sign
Order book
-------------------------------------------------------------------------------------------
symbol                         equals the one asked for, when present
level price, level amount      > 0 (a level at price 0, or of amount 0, does not exist)
bids / asks                    strictly descending / strictly ascending by price: an aggregated
                               book never repeats a price (ccxt sorts both sides, so the order
                               check finds repeated prices and hand-built books)
best bid < best ask            a REST snapshot of one matching engine is never crossed or
                               locked. An empty side is allowed (an illiquid market)
Balance
-------------------------------------------------------------------------------------------
answer                         ccxt's ``info`` (the venue's payload) is present and not an
                               empty mapping; every row has at least one of free, used, total
currency                       a non-empty string
spot free, used, total         >= 0, and total = free + used to within the rounding of each
                               figure to its own last place (half a unit there, each)
futures free, used, total      any sign: a cross-margin account's available figure is equity
                               minus margin and falls below zero while positions are under
                               water (Binance ``availableBalance``, Gate ``available``, KuCoin
                               ``availableBalance``); ccxt derives ``used = total - free``, and
                               the venues fill total from different fields (BingX
                               ``maxWithdrawAmount``, Bitget ``accountEquity``), so no sum rule
Order
-------------------------------------------------------------------------------------------
id                             an identifier (``Order(id='None')`` is never built)
side                           ``"buy"`` or ``"sell"`` (nothing else becomes BUY)
symbol                         a non-empty string; equals the one asked for when both are known;
                               at least one of them
status, type, clientOrderId    a string or None; an unknown status is ``UNKNOWN`` (raw kept)
amount                         > 0; 0 is None (Gate writes 0 for a market buy sized by cost)
filled, remaining              >= 0 and <= amount when both are known
price, average, stop price     > 0; 0 is None (a market order's price, an unfilled average,
                               Binance's ``stopPrice`` of a plain order)
limit order                    has a price and an amount
cost                           >= 0
fee cost                       any sign (maker rebates), fee currency a string or None
Trade
-------------------------------------------------------------------------------------------
id; order id                   an identifier; an identifier or None
side, symbol                   as for orders
price, amount                  > 0 (a fill at price 0, or of nothing, does not exist)
cost                           >= 0 (price x amount when absent); fee as for orders
Position
-------------------------------------------------------------------------------------------
symbol                         a non-empty string, equal to the one asked for when both known
contracts                      any sign; 0 or None is a flat position (``None`` is returned)
side                           long or short; any other value is taken from the sign
contract size                  > 0 (None is 1)
entry, mark price              > 0; 0 is None
liquidation price              >= 0; 0 is None (KuCoin writes 0 for "none", the others null)
leverage                       >= 0 (Gate writes 0 for cross margin; its adapter fills it in)
notional, pnl, margin          any sign (notional is reported as its absolute value)
Market
-------------------------------------------------------------------------------------------
symbol, id                     non-empty (base, quote strings; settle a string or None)
contract size, tick, step      > 0 when present (check_market_rules divides by them)
min amount, price, notional    >= 0
max amount, price, leverage    > 0; 0 is None (a venue writes 0 for "no maximum"); min <= max
maker, taker fee               any sign (maker rebates)
=============================  =============================================================

Not checked: that a closed order's ``amount == filled + remaining`` (KuCoin and Gate report a
cancelled order's remaining differently), that a position's side agrees with the sign of its
contracts (ccxt's venues differ on the sign), and the client order id of an order answered for
one we placed (the venue adapters map the wire form back).

Speed
-----
Models are built without re-validation (``_trusted``): every value here already has its final
type (Decimal or None, aware UTC datetimes, enums), which the test suite proves by turning on
`check_parsed_models`; validation would cost ~10 µs a model. The checks
above are comparisons with constants, one call per field. An order book, the hot path, is
checked as ccxt builds it: four comparisons per level in `decimal_bid_ask`, which hands
ccxt plain tuples (its sort of each side reads them at C speed, where an
`OrderBookLevel` runs Python code per level); then
`parse_order_book` checks each side's order in one C-level pass (``map``) while it makes
the levels. A 100-level book costs what it cost unchecked (``benchmarks/overhead.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from itertools import islice, repeat
from operator import gt, itemgetter, lt
from typing import Any, NoReturn

from ..errors import MalformedResponse
from ..models import (
    Balance,
    Fee,
    MarginMode,
    Market,
    Order,
    OrderBook,
    OrderBookLevel,
    OrderSide,
    OrderStatus,
    OrderType,
    Position,
    PositionSide,
    Ticker,
    TimeInForce,
    Trade,
    TradeType,
)

__all__ = [
    "LARGEST",
    "SMALLEST",
    "decimal_bid_ask",
    "exact_number",
    "parse_balances",
    "parse_market",
    "parse_order",
    "parse_order_book",
    "parse_position",
    "parse_ticker",
    "parse_trade",
    "scale_levels",
    "to_datetime",
    "to_decimal",
]

SMALLEST = Decimal("1E-30")
"""The smallest magnitude a non-zero venue number may have."""
LARGEST = Decimal("1E+24")
"""The bound every venue number's magnitude stays below."""

_NEG_SMALLEST = -SMALLEST
_NEG_LARGEST = -LARGEST
_ZERO = Decimal(0)
_ONE = Decimal(1)
_HALF = Decimal("0.5")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FIRST_MS = 1_230_940_800_000  # 2009-01-03T00:00:00Z
_LAST_MS = 4_102_444_800_000  # 2100-01-01T00:00:00Z
_NOT_IDS = frozenset({"", "None", "null", "undefined"})
_tuple_new = tuple.__new__
_item = tuple.__getitem__  # OrderBookLevel's own __getitem__ also reads "price" and "amount"
_first = itemgetter(0)


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


def _number(value: Any, field: str, rule: int = _ANY) -> Decimal | None:  # noqa: PLR0912 - the number rules of the module docstring in order; hot path, kept inline
    """A venue number as a Decimal (``None`` when not reported); refuses what is not a number
    of sane magnitude (see the module docstring), and what breaks ``rule``: ``_ANY`` sign,
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


# --- order books ----------------------------------------------------------------------------
def decimal_bid_ask(
    self: Any, bidask: Any, price_key: Any = 0, amount_key: Any = 1, count_key: Any = 2
) -> tuple[Decimal, Decimal]:
    """Replacement for ccxt's ``parse_order_book_bid_ask``: venue text -> Decimal, no float.

    ccxt's ``number`` option does not reach order-book levels (they are always floats); this is
    the single helper every ccxt venue uses for them, so plugging the Decimal conversion in here
    keeps the whole book exact and skips a float round trip per number. A level that is not a
    positive price and amount of sane size is refused here, before ccxt sorts the side (a NaN
    would make that sort raise). The text is not screened for whitespace, ``_`` or non-ASCII
    digits (see the module docstring): that would add a sixth to the book's parse time, for
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


# --- tickers --------------------------------------------------------------------------------
def parse_ticker(raw: Mapping[str, Any], symbol: str, trade_type: TradeType) -> Ticker:
    """ccxt's ticker -> `Ticker` (for ``symbol``, the one asked for)."""
    raw = _mapping(raw, "ticker")
    got = raw.get("symbol")
    if got is not None and got != symbol:
        _refuse(f"the venue answered with {_preview(got)}'s ticker when asked for {symbol}'s")
    get = raw.get
    last = get("last")
    last = _number(last if last is not None else get("close"), "ticker last price", _PRICE)
    bid = _number(get("bid"), "ticker bid", _PRICE)
    ask = _number(get("ask"), "ticker ask", _PRICE)
    if last is None and bid is None and ask is None:
        _refuse("the venue's ticker holds no price (no last price, bid or ask)")
    if bid is not None and ask is not None and bid > ask:
        _refuse(f"the venue's ticker is crossed: bid {bid} above ask {ask}")
    high = _number(get("high"), "ticker high", _PRICE)
    low = _number(get("low"), "ticker low", _PRICE)
    if high is not None and low is not None and low > high:
        _refuse(f"the venue's ticker has its 24-hour low {low} above its high {high}")
    return Ticker._trusted(
        symbol=symbol,
        trade_type=trade_type,
        last_price=last,
        bid=bid,
        ask=ask,
        bid_size=_number(get("bidVolume"), "ticker bid size", _SIZE),
        ask_size=_number(get("askVolume"), "ticker ask size", _SIZE),
        open=_number(get("open"), "ticker open", _PRICE),
        high=high,
        low=low,
        base_volume=_number(get("baseVolume"), "ticker base volume", _SIZE),
        quote_volume=_number(get("quoteVolume"), "ticker quote volume", _SIZE),
        change_percent=_number(get("percentage"), "ticker change percentage"),
        timestamp=to_datetime(get("timestamp"), "ticker timestamp"),
        raw=get("info", raw),
    )


# --- balances -------------------------------------------------------------------------------
def _rounding(*values: Decimal) -> Decimal:
    """How far apart a sum and its terms can be when each was rounded to its own last place:
    half a unit in the last place of each."""
    return sum((_HALF.scaleb(int(value.as_tuple().exponent)) for value in values), _ZERO)


def parse_balances(  # noqa: PLR0912 - one refusal per malformed balance row; hot path, kept inline
    raw: Mapping[str, Any], trade_type: TradeType, currency: str | None
) -> list[Balance]:
    """ccxt's balance -> non-zero `Balance` rows (or the one for ``currency``)."""
    raw = _mapping(raw, "balance")
    info = raw.get("info")
    if info is None or (isinstance(info, Mapping) and not info):
        raise _bad("balance answer", info, "the venue's balance payload")
    sides = []
    for key in ("free", "used", "total"):
        part = raw.get(key)
        if part is None:
            part = {}
        elif not isinstance(part, Mapping):
            raise _bad(f"balance {key} table", part, "a table of currencies")
        sides.append(part)
    free, used, total = sides
    listed = set(free) | set(used) | set(total)
    for code in listed:
        if type(code) is not str or not code or code in _NOT_IDS:
            raise _bad("balance currency", code, "a currency code")
    spot = trade_type is TradeType.SPOT
    codes = [currency] if currency is not None else sorted(listed)
    balances = []
    for code in codes:
        f_raw, u_raw, t_raw = free.get(code), used.get(code), total.get(code)
        if code in listed and f_raw is None and u_raw is None and t_raw is None:
            _refuse(f"the venue's balance of {code} holds no figure (free, used and total null)")
        if spot:
            f = _number(f_raw, f"{code} balance free", _SIZE)
            u = _number(u_raw, f"{code} balance used", _SIZE)
            t = _number(t_raw, f"{code} balance total", _SIZE)
        else:
            f = _number(f_raw, f"{code} balance free")
            u = _number(u_raw, f"{code} balance used")
            t = _number(t_raw, f"{code} balance total")
        if (
            spot and f is not None and u is not None and t is not None
            and t != f + u and abs(t - f - u) > _rounding(f, u, t)
        ):
            _refuse(
                f"the venue's {code} balance does not add up: free {f} + used {u} is not "
                f"total {t}"
            )
        if t is None:
            t = (f or _ZERO) + (u or _ZERO)
        if f is None:
            f = t - (u or _ZERO)
        if u is None:
            u = t - f
        if currency is None and not t and not f and not u:
            continue
        balances.append(
            Balance._trusted(
                currency=code, trade_type=trade_type, free=f, used=u, total=t, raw=info
            )
        )
    return balances


# --- orders and trades ----------------------------------------------------------------------
_STATUS = {
    "open": OrderStatus.OPEN,
    "closed": OrderStatus.FILLED,
    "canceled": OrderStatus.CANCELED,
    "cancelled": OrderStatus.CANCELED,
    "expired": OrderStatus.EXPIRED,
    "rejected": OrderStatus.REJECTED,
}
_TIF = {t.value: t for t in TimeInForce} | {"GTX": TimeInForce.POST_ONLY}
_SIDE = {"buy": OrderSide.BUY, "sell": OrderSide.SELL}


def _order_type(raw_type: str | None, trigger: Decimal | None) -> OrderType | None:
    if raw_type == "market":
        return OrderType.STOP if trigger is not None else OrderType.MARKET
    if raw_type == "limit":
        return OrderType.STOP_LIMIT if trigger is not None else OrderType.LIMIT
    if raw_type is None:
        return None
    lowered = raw_type.lower()
    if "stop" in lowered or "trigger" in lowered:
        return OrderType.STOP_LIMIT if "limit" in lowered else OrderType.STOP
    return None


def _order_side(value: Any, what: str) -> OrderSide:
    side = _SIDE.get(value) if type(value) is str else None
    if side is None:
        raise _bad(f"{what} side", value, "'buy' or 'sell'")
    return side


def _fee(raw: Any, what: str) -> Fee | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _bad(f"{what} fee", raw, "a fee record")
    cost = _number(raw.get("cost"), f"{what} fee cost")
    if cost is None:
        return None
    return Fee._trusted(cost=cost, currency=_text(raw.get("currency"), f"{what} fee currency"))


def parse_order(
    raw: Mapping[str, Any],
    trade_type: TradeType,
    *,
    symbol: str | None = None,
    client_order_id: str | None = None,
) -> Order:
    """ccxt's order -> `Order`.

    ``symbol`` is the market asked about: the answer's own symbol must be it (and it stands in
    when the answer names none). ``client_order_id`` fills in when the venue omits it.
    """
    raw = _mapping(raw, "order")
    get = raw.get
    order_id = get("id")
    if order_id is None and get("side") is None and not get("symbol"):
        _refuse(f"the venue's order is empty ({_preview(raw)})")
    order_id = _identifier(order_id, "order id")
    side = _order_side(get("side"), "order")
    market = _symbol(raw, symbol, "order")
    raw_status = _text(get("status"), "order status")
    status = _STATUS.get(raw_status, OrderStatus.UNKNOWN) if raw_status else OrderStatus.UNKNOWN
    amount = _number(get("amount"), "order amount", _PRICE)
    filled = _number(get("filled"), "order filled amount", _SIZE)
    filled = _ZERO if filled is None else filled
    remaining = _number(get("remaining"), "order remaining amount", _SIZE)
    if amount is not None and (filled > amount or (remaining is not None and remaining > amount)):
        _refuse(
            f"the venue's order {order_id} has filled {filled} and remaining {remaining} "
            f"of an amount of {amount}"
        )
    if status is OrderStatus.OPEN and filled > 0:
        status = OrderStatus.PARTIALLY_FILLED
    trigger = _number(get("triggerPrice"), "order trigger price", _PRICE)
    if trigger is None:
        trigger = _number(get("stopPrice"), "order stop price", _PRICE)
    raw_type = _text(get("type"), "order type")
    price = _number(get("price"), "order price", _PRICE)
    if raw_type == "limit" and (price is None or amount is None):
        _refuse(f"the venue's limit order {order_id} has no price or no amount")
    tif = get("timeInForce")
    if get("postOnly"):
        tif = "PO"
    return Order._trusted(
        id=order_id,
        client_order_id=_text(get("clientOrderId"), "client order id") or client_order_id,
        symbol=market,
        trade_type=trade_type,
        type=_order_type(raw_type, trigger),
        raw_type=raw_type,
        side=side,
        status=status,
        raw_status=raw_status,
        amount=amount,
        filled=filled,
        remaining=remaining,
        price=price,
        average_price=_number(get("average"), "order average price", _PRICE),
        stop_price=trigger,
        cost=_number(get("cost"), "order cost", _SIZE),
        fee=_fee(get("fee"), "order"),
        time_in_force=_TIF.get(tif) if isinstance(tif, str) else None,
        reduce_only=bool(get("reduceOnly")),
        created_at=to_datetime(get("timestamp"), "order timestamp"),
        updated_at=to_datetime(
            get("lastUpdateTimestamp") or get("lastTradeTimestamp"), "order update time"
        ),
        raw=get("info", raw),
    )


def parse_trade(
    raw: Mapping[str, Any], trade_type: TradeType, *, symbol: str | None = None
) -> Trade:
    """ccxt's (own) trade -> `Trade`; ``symbol``, when given, is the market asked about,
    which the answer's own symbol must be."""
    raw = _mapping(raw, "trade")
    get = raw.get
    price = _number(get("price"), "trade price", _POSITIVE)
    amount = _number(get("amount"), "trade amount", _POSITIVE)
    if price is None or amount is None:
        raise _bad("trade", {"price": get("price"), "amount": get("amount")},
                   "a fill with a price and an amount")
    cost = _number(get("cost"), "trade cost", _SIZE)
    order_id = get("order")
    taker_or_maker = get("takerOrMaker")
    return Trade._trusted(
        id=_identifier(get("id"), "trade id"),
        order_id=None if order_id is None else _identifier(order_id, "trade order id"),
        symbol=_symbol(raw, symbol, "trade"),
        trade_type=trade_type,
        side=_order_side(get("side"), "trade"),
        price=price,
        amount=amount,
        cost=cost if cost is not None else price * amount,
        fee=_fee(get("fee"), "trade"),
        is_maker=None if taker_or_maker is None else taker_or_maker == "maker",
        timestamp=to_datetime(get("timestamp"), "trade timestamp"),
        raw=get("info", raw),
    )


# --- positions ------------------------------------------------------------------------------
def parse_position(raw: Mapping[str, Any], *, symbol: str | None = None) -> Position | None:
    """ccxt's position -> `Position`, or ``None`` for a flat (empty) one; ``symbol``,
    when given, is the market asked about, which the answer's own symbol must be."""
    raw = _mapping(raw, "position")
    get = raw.get
    market = _symbol(raw, symbol, "position")
    contracts = _number(get("contracts"), "position contracts")
    if not contracts:
        return None
    contract_size = _number(get("contractSize"), "position contract size", _POSITIVE) or _ONE
    side = get("side")
    if side not in ("long", "short"):
        side = "short" if contracts < 0 else "long"
    mode = get("marginMode")
    contracts = abs(contracts)
    margin = _number(get("initialMargin"), "position initial margin")
    if not margin:
        margin = _number(get("collateral"), "position collateral")
    notional = _number(get("notional"), "position notional")
    return Position._trusted(
        symbol=market,
        side=PositionSide(side),
        size=contracts if contract_size == _ONE else contracts * contract_size,
        contracts=contracts,
        contract_size=contract_size,
        entry_price=_number(get("entryPrice"), "position entry price", _PRICE),
        mark_price=_number(get("markPrice"), "position mark price", _PRICE),
        liquidation_price=_number(get("liquidationPrice"), "position liquidation price", _PRICE),
        notional=None if notional is None else abs(notional),
        unrealized_pnl=_number(get("unrealizedPnl"), "position unrealized pnl"),
        margin=margin,
        leverage=_number(get("leverage"), "position leverage", _SIZE),
        margin_mode=MarginMode(mode) if mode in ("cross", "isolated") else None,
        timestamp=to_datetime(get("timestamp"), "position timestamp"),
        raw=get("info", raw),
    )


# --- markets --------------------------------------------------------------------------------
def _limits(raw: Any, what: str) -> tuple[Decimal | None, Decimal | None]:
    """A ccxt ``{"min", "max"}`` limit: min >= 0, max > 0 (0 is "no maximum"), min <= max."""
    if raw is None:
        return None, None
    if not isinstance(raw, Mapping):
        raise _bad(f"market {what} limits", raw, "a min/max record")
    low = _number(raw.get("min"), f"market minimum {what}", _SIZE)
    high = _number(raw.get("max"), f"market maximum {what}", _PRICE)
    if low is not None and high is not None and low > high:
        _refuse(f"the venue's market has a minimum {what} {low} above its maximum {high}")
    return low, high


def parse_market(raw: Mapping[str, Any]) -> Market:
    """ccxt's market -> `Market` (ccxt runs every supported venue in tick-size mode)."""
    raw = _mapping(raw, "market")
    market = raw.get("symbol")
    if type(market) is not str or not market:
        raise _bad("market symbol", market, "a market symbol")
    precision = raw.get("precision") or {}
    limits = raw.get("limits") or {}
    if not isinstance(precision, Mapping) or not isinstance(limits, Mapping):
        raise _bad(f"{market} market precision and limits", (precision, limits), "records")
    min_amount, max_amount = _limits(limits.get("amount"), "amount")
    min_price, max_price = _limits(limits.get("price"), "price")
    min_notional, _ = _limits(limits.get("cost"), "notional")
    _, max_leverage = _limits(limits.get("leverage"), "leverage")
    return Market(
        symbol=market,
        id=_identifier(raw.get("id"), f"{market} market id"),
        base=_text(raw.get("base"), f"{market} market base") or "",
        quote=_text(raw.get("quote"), f"{market} market quote") or "",
        settle=_text(raw.get("settle"), f"{market} market settle"),
        trade_type=TradeType.SPOT if raw.get("spot") else TradeType.FUTURES,
        active=raw.get("active") is not False,
        contract_size=_number(raw.get("contractSize"), f"{market} contract size", _POSITIVE),
        price_tick=_number(precision.get("price"), f"{market} price tick", _POSITIVE),
        amount_step=_number(precision.get("amount"), f"{market} amount step", _POSITIVE),
        min_amount=min_amount,
        max_amount=max_amount,
        min_price=min_price,
        max_price=max_price,
        min_notional=min_notional,
        max_leverage=max_leverage,
        maker_fee=_number(raw.get("maker"), f"{market} maker fee"),
        taker_fee=_number(raw.get("taker"), f"{market} taker fee"),
        raw=raw.get("info"),
    )
