"""Market history as typed records: candles, public trades, funding rates, and timeframes.

Money is Decimal, exactly as the venue wrote it; times are aware UTC datetimes. A candle's
``volume`` is in base currency on every venue (contract counts are converted, as everywhere in
exchlayer).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ..errors import InvalidArgument
from ..models import Money, OrderSide, Timestamp, TradeType, _Model

__all__ = [
    "CLOSE_MARGIN_MS",
    "FLOOR_MS",
    "Candle",
    "FundingRate",
    "PublicTrade",
    "at_ms",
    "ms_of",
    "next_open",
    "timeframe_ms",
]

_UNITS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_TIMEFRAME = re.compile(r"([1-9][0-9]{0,3})([smhdwM])")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)

FLOOR_MS = 1_262_304_000_000
"""2010-01-01 UTC: no venue has market history older than this (the first bitcoin exchanges
opened in 2010), so no read or download reaches further back: no requests into the 1970s."""
CLOSE_MARGIN_MS = 5_000
"""A candle counts as closed once it ended this long before its request was sent: a local
clock ahead of the venue's (by less than the venues' 5 s timestamp tolerance) never takes a
candle still forming for a closed one."""


class Candle(_Model):
    """One OHLCV candle: the trades of ``[open_time, open_time + timeframe)``.

    ``closed`` says whether the period had ended when the venue answered; the last candle of a
    venue's answer is usually still forming (its close is the latest price, its volume partial).
    """

    symbol: str
    trade_type: TradeType
    timeframe: str
    open_time: Timestamp
    open: Money
    high: Money
    low: Money
    close: Money
    volume: Money
    """Traded in the period, in base currency."""
    closed: bool = True


class PublicTrade(_Model):
    """One trade of a market, anybody's (the market's tape), as the venue publishes it."""

    id: str | None
    """The venue's trade id; None where the venue publishes none (BingX's perpetuals)."""
    symbol: str
    trade_type: TradeType
    side: OrderSide | None
    """The taker's side, where the venue says it."""
    price: Money
    amount: Money
    """In base currency."""
    cost: Money
    timestamp: Timestamp


class FundingRate(_Model):
    """One funding settlement of a perpetual: at ``timestamp``, longs paid shorts
    ``rate`` x position value (shorts paid longs if negative)."""

    symbol: str
    rate: Money
    timestamp: Timestamp
    mark_price: Money | None = None


def timeframe_ms(timeframe: str) -> int:
    """The length of `timeframe` (``"1m"``, ``"4h"``, ``"1d"``, ``"1w"``) in milliseconds; a
    month (``"1M"``) counts 30 days here (`next_open` steps calendar months)."""
    amount, unit = _parse(timeframe)
    if unit == "M":
        return amount * 30 * _UNITS["d"]
    return amount * _UNITS[unit]


def next_open(open_ms: int, timeframe: str) -> int:
    """The open time (ms) of the candle after the one opening at `open_ms`."""
    amount, unit = _parse(timeframe)
    if unit != "M":
        return open_ms + amount * _UNITS[unit]
    opened = at_ms(open_ms)
    months = opened.month - 1 + amount
    following = opened.replace(year=opened.year + months // 12, month=months % 12 + 1)
    return ms_of(following)


def ms_of(moment: datetime) -> int:
    """An aware datetime as whole milliseconds since the epoch, exactly (floored; no float)."""
    return (moment - _EPOCH) // _MS


def at_ms(ms: int) -> datetime:
    """Milliseconds since the epoch as an aware UTC datetime, exactly."""
    return _EPOCH + timedelta(milliseconds=ms)


def _parse(timeframe: object) -> tuple[int, str]:
    match = _TIMEFRAME.fullmatch(timeframe) if isinstance(timeframe, str) else None
    if match is None:
        raise InvalidArgument(
            f"timeframe must look like '1m', '15m', '4h', '1d', '1w' or '1M', got {timeframe!r}"
        )
    return int(match.group(1)), match.group(2)
