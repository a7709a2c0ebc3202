"""Market history: candles, the public tape and funding rates, each checked like every answer.

Per field (the number rules are the package docstring's):

=============================  =============================================================
Candle (ccxt's ``[time, open, high, low, close, volume]``)
-------------------------------------------------------------------------------------------
row                            a list of six entries
time                           a time (2009 to 2099, in ms); below one day, on the timeframe's
                               grid (a time off it is seconds, or another market's row)
open, high, low, close         > 0 (a candle at price 0 does not exist)
high, low                      high >= every other price, low <= every other price
volume                         >= 0 (a period without trades has volume 0)
candles                        strictly ascending by time: no time twice in one answer
Public trade
-------------------------------------------------------------------------------------------
id, symbol                     an identifier or none (BingX's perpetuals publish none); the
                               market asked about
price, amount                  > 0; cost >= 0 (price x amount when absent)
side                           ``"buy"``, ``"sell"`` or None (the venue does not say)
timestamp                      a time (required: a trade of the tape without one is no record)
Funding rate
-------------------------------------------------------------------------------------------
symbol                         the market asked about
rate                           any sign; timestamp required
=============================  =============================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ...history.models import Candle, FundingRate, PublicTrade
from ...models import OrderSide, TradeType
from .numbers import (
    _POSITIVE,
    _SIZE,
    _bad,
    _identifier,
    _mapping,
    _number,
    _preview,
    _refuse,
    _symbol,
    to_datetime,
    to_decimal,
)
from .orders import trade_figures

__all__ = ["parse_candles", "parse_funding_rate", "parse_public_trade"]

_DAY_MS = 86_400_000
_SIDE = {"buy": OrderSide.BUY, "sell": OrderSide.SELL, None: None}


def _time(value: Any, field: str) -> datetime:
    moment = to_datetime(value, field)
    if moment is None:
        raise _bad(field, value, "a time in milliseconds")
    return moment


def parse_candles(  # noqa: PLR0917 - one candle list: what it is of, and when it was read
    rows: Any,
    symbol: str,
    trade_type: TradeType,
    timeframe: str,
    duration_ms: int,
    now_ms: int,
) -> list[Candle]:
    """ccxt's OHLCV rows -> `Candle`s, ascending; a candle whose period has not ended by
    `now_ms` is ``closed=False``."""
    if not isinstance(rows, list):
        raise _bad("candle list", rows, "a list of candles")
    candles: list[Candle] = []
    previous = -1
    aligned = duration_ms < _DAY_MS
    for row in rows:
        if not isinstance(row, Sequence) or isinstance(row, str) or len(row) < 6:
            raise _bad("candle", row, "[time, open, high, low, close, volume]")
        stamp = row[0]
        opened = _time(stamp, "candle time")
        ms = int(stamp)
        if aligned and ms % duration_ms:
            raise _bad("candle time", stamp, f"a time on the {timeframe} grid")
        if ms <= previous:
            _refuse(f"the venue's candles are not in time order at {_preview(stamp)}")
        previous = ms
        open_ = _number(row[1], "candle open", _POSITIVE)
        high = _number(row[2], "candle high", _POSITIVE)
        low = _number(row[3], "candle low", _POSITIVE)
        close = _number(row[4], "candle close", _POSITIVE)
        volume = _number(row[5], "candle volume", _SIZE)
        if open_ is None or high is None or low is None or close is None or volume is None:
            raise _bad("candle", row, "a candle with every price and its volume")
        if high < open_ or high < close or high < low or low > open_ or low > close:
            raise _bad("candle", row, "a candle whose high and low bound its prices")
        candles.append(
            Candle._trusted(
                symbol=symbol,
                trade_type=trade_type,
                timeframe=timeframe,
                open_time=opened,
                open=open_,
                high=high,
                low=low,
                close=close,
                volume=volume,
                closed=ms + duration_ms <= now_ms,
                raw=row,
            )
        )
    return candles


def parse_public_trade(
    raw: Mapping[str, Any], symbol: str, trade_type: TradeType
) -> PublicTrade:
    """ccxt's trade of the tape -> `PublicTrade` (of `symbol`, the market asked about)."""
    raw, price, amount, cost = trade_figures(raw, "a trade")
    get = raw.get
    side = get("side")
    if side not in _SIDE:
        raise _bad("trade side", side, "'buy', 'sell' or none")
    return PublicTrade._trusted(
        id=None if get("id") is None else _identifier(get("id"), "trade id"),
        symbol=_symbol(raw, symbol, "trade"),
        trade_type=trade_type,
        side=_SIDE[side],
        price=price,
        amount=amount,
        cost=cost if cost is not None else price * amount,
        timestamp=_time(get("timestamp"), "trade timestamp"),
        raw=get("info", raw),
    )


def parse_funding_rate(raw: Mapping[str, Any], symbol: str) -> FundingRate:
    """ccxt's funding-rate history entry -> `FundingRate` (of `symbol`)."""
    raw = _mapping(raw, "funding rate")
    get = raw.get
    rate = _number(get("fundingRate"), "funding rate")
    if rate is None:
        raise _bad("funding rate", get("fundingRate"), "a rate")
    info = get("info")
    mark = to_decimal(info.get("markPrice")) if isinstance(info, Mapping) else None
    return FundingRate._trusted(
        symbol=_symbol(raw, symbol, "funding rate"),
        rate=rate,
        timestamp=_time(get("timestamp"), "funding time"),
        mark_price=mark if mark is not None and mark > 0 else None,
        raw=info if info is not None else raw,
    )
