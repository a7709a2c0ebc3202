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

from .books import decimal_bid_ask, parse_order_book, scale_levels
from .numbers import LARGEST, SMALLEST, exact_number, to_datetime, to_decimal
from .orders import parse_order, parse_trade
from .records import parse_balances, parse_market, parse_position, parse_ticker

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
