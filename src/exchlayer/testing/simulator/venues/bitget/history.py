"""Bitget's market history from `engine.history` (mixed into `BitgetVenue`): candles, the
public tape and funding rates, as the classic v2 market endpoints serve them.

Candles (rows of strings, oldest first; spot `[ts, open, high, low, close, baseVol, usdtVol,
quoteVol]`, futures `[ts, open, high, low, close, baseVol, quoteVol]`, volumes in base coin on
both, as Bitget sizes futures in base coin too):

* `market/candles` answers the last `limit` candles opening before `endTime` (exclusive;
  default: now, the forming candle included) and not before `startTime`: Bitget aligns a page
  on its end. It reaches back only `RECENT_DAYS` by timeframe (older candles are simply not
  there). `limit` 100 by default, at most 1000.
* `market/history-candles` serves the whole past the same way, `limit` 100 by default, at most
  200. On spot `endTime` is required and `startTime` is not a parameter (ignored); on futures
  both are optional.
* futures: `startTime` to `endTime` at most 90 days (`MIX_CANDLE_RANGE_MS`); only
  `kLineType=MARKET` (mark and index candles are not simulated).

Trades (newest first, `tradeId` descending, `side` `Buy` / `Sell`, `size` in base coin):

* `market/fills`: the most recent trades only (`limit` at most 500 on spot, 100 on futures); it
  has no time range or cursor, and ignores such parameters.
* `market/fills-history`: the newest `limit` (default 500, at most 1000) trades in
  `[startTime, endTime]`, both ms and at most 7 days apart (one alone spans 7 days from or to
  it; neither: the most recent), older than `idLessThan` when sent. It reaches back 30 days on
  spot and 7 days on futures (older: an empty list).

Funding (`history-fund-rate`): settled rates newest first, paged by `pageNo` (from 1) of
`pageSize` (default 20, at most 100); no time parameters.

Refusals: an unknown symbol `40034` "Parameter <symbol> does not exist" (ccxt: ExchangeError);
a missing parameter `40019`; a bad granularity, a `limit` / `pageSize` / `pageNo` out of range,
a malformed number or a time range over the limits `400172` "Parameter verification failed"
(ccxt: BadRequest).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from exchlayer.testing.simulator.engine import HistoryCandle, HistoryTrade, Instrument, Side
from exchlayer.testing.simulator.engine.history import FIRST_TRADE_ID
from exchlayer.testing.simulator.venues.bitget.render import BitgetRender
from exchlayer.testing.simulator.venues.bitget.tables import (
    CANDLE_LIMITS,
    DAY_MS,
    FILLS_HISTORY_LIMITS,
    FILLS_WINDOW_MS,
    FUNDING_PAGE,
    HISTORY_CANDLE_LIMITS,
    MIX_CANDLE_RANGE_MS,
    MIX_GRANULARITIES,
    MIX_RECENT_FILLS,
    MIX_TAPE_DAYS,
    PRODUCT_TYPES,
    RECENT_DAYS,
    SPOT_GRANULARITIES,
    SPOT_RECENT_FILLS,
    SPOT_TAPE_DAYS,
    USDT_FUTURES,
    plain,
)
from exchlayer.testing.simulator.wire import Call, InvalidParameter, VenueError

__all__ = ["BitgetHistory"]

_QUOTE_PLACES = Decimal("1e-8")


def _unknown(market_id: str) -> VenueError:
    return VenueError("40034", f"Parameter {market_id} does not exist")


def _bad(call: Call, name: str, raw: object) -> VenueError:
    """The venue's answer to a value it refuses (`400172` on the market-history routes)."""
    return call.venue.errors.translate(InvalidParameter(name, raw, "value"), call)


class BitgetHistory(BitgetRender):
    """Bitget's market-history handlers (mixed into `BitgetVenue`)."""

    # ---- parameters ------------------------------------------------------------------------

    def _tape_spot(self, call: Call) -> Instrument:
        market_id = call.require("symbol")
        inst = self._spot.get(market_id.upper())
        if inst is None:
            raise _unknown(market_id)
        return inst

    def _tape_perp(self, call: Call) -> Instrument:
        market_id = call.require("symbol")
        product_type = call.require("productType").upper()
        if product_type not in PRODUCT_TYPES:
            raise _bad(call, "productType", product_type)
        inst = self._perps.get(market_id.upper()) if product_type == USDT_FUTURES else None
        if inst is None:
            raise _unknown(market_id)
        return inst

    @staticmethod
    def _count(call: Call, name: str, limits: tuple[int, int]) -> int:
        default, maximum = limits
        value = call.integer(name, default)
        if not 1 <= value <= maximum:
            raise _bad(call, name, value)
        return value

    @staticmethod
    def _granularity(call: Call, table: dict[str, str]) -> str:
        raw = call.require("granularity")
        timeframe = table.get(raw)
        if timeframe is None:
            raise _bad(call, "granularity", raw)
        return timeframe

    @staticmethod
    def _range(call: Call, span_ms: int | None) -> tuple[int | None, int | None]:
        """`startTime`, `endTime` (ms), refused when reversed or over `span_ms` apart."""
        start, end = call.integer("startTime"), call.integer("endTime")
        if start is not None and end is not None:
            if end < start:
                raise _bad(call, "endTime", end)
            if span_ms is not None and end - start > span_ms:
                raise _bad(call, "startTime", start)
        return start, end

    # ---- candles ---------------------------------------------------------------------------

    def _candle_page(
        self,
        inst: Instrument,
        timeframe: str,
        *,
        start: int | None,
        end: int | None,
        limit: int,
        recent: bool,
    ) -> list[HistoryCandle]:
        """The last `limit` candles opening in ``[start, end)`` (oldest first)."""
        history = self.engine.history
        candles = history.candles(
            inst.symbol, timeframe, end_ms=None if end is None else end - 1, limit=limit
        )
        floor = start
        if recent:
            reach = self.engine.now_ms() - RECENT_DAYS[timeframe] * DAY_MS
            floor = reach if floor is None else max(floor, reach)
        return [c for c in candles if floor is None or c.open_ms >= floor]

    def _usdt_volume(self, inst: Instrument, candle: HistoryCandle) -> Decimal:
        if inst.quote in ("USDT", "USD"):
            return candle.quote_volume
        pair = f"{inst.quote}/USDT"
        if pair not in self.engine.instruments:
            return candle.quote_volume
        rate = self.engine.history.price_at(pair, candle.open_ms)
        return (candle.quote_volume * rate).quantize(_QUOTE_PLACES)

    def _spot_rows(self, inst: Instrument, candles: list[HistoryCandle]) -> list[list[str]]:
        return [
            [
                str(c.open_ms),
                plain(c.open),
                plain(c.high),
                plain(c.low),
                plain(c.close),
                plain(c.volume),
                plain(self._usdt_volume(inst, c)),
                plain(c.quote_volume),
            ]
            for c in candles
        ]

    @staticmethod
    def _mix_rows(candles: list[HistoryCandle]) -> list[list[str]]:
        return [
            [
                str(c.open_ms),
                plain(c.open),
                plain(c.high),
                plain(c.low),
                plain(c.close),
                plain(c.volume),
                plain(c.quote_volume),
            ]
            for c in candles
        ]

    def spot_candles(self, call: Call) -> list[list[str]]:
        inst = self._tape_spot(call)
        timeframe = self._granularity(call, SPOT_GRANULARITIES)
        start, end = self._range(call, None)
        limit = self._count(call, "limit", CANDLE_LIMITS)
        page = self._candle_page(inst, timeframe, start=start, end=end, limit=limit, recent=True)
        return self._spot_rows(inst, page)

    def spot_history_candles(self, call: Call) -> list[list[str]]:
        inst = self._tape_spot(call)
        timeframe = self._granularity(call, SPOT_GRANULARITIES)
        end = call.integer("endTime", required=True)  # startTime is no parameter here
        limit = self._count(call, "limit", HISTORY_CANDLE_LIMITS)
        page = self._candle_page(inst, timeframe, start=None, end=end, limit=limit, recent=False)
        return self._spot_rows(inst, page)

    def _mix_candles(
        self, call: Call, *, limits: tuple[int, int], recent: bool
    ) -> list[list[str]]:
        inst = self._tape_perp(call)
        timeframe = self._granularity(call, MIX_GRANULARITIES)
        kind = (call.get("kLineType") or "MARKET").upper()
        if kind != "MARKET":
            raise _bad(call, "kLineType", kind)  # mark and index candles are not simulated
        start, end = self._range(call, MIX_CANDLE_RANGE_MS)
        limit = self._count(call, "limit", limits)
        page = self._candle_page(
            inst, timeframe, start=start, end=end, limit=limit, recent=recent
        )
        return self._mix_rows(page)

    def mix_candles(self, call: Call) -> list[list[str]]:
        return self._mix_candles(call, limits=CANDLE_LIMITS, recent=True)

    def mix_history_candles(self, call: Call) -> list[list[str]]:
        return self._mix_candles(call, limits=HISTORY_CANDLE_LIMITS, recent=False)

    # ---- the public tape -------------------------------------------------------------------

    def _before_ms(self, inst: Instrument, before_id: int) -> int | None:
        """The latest time a trade older than `before_id` can have (`None`: no bound)."""
        if before_id <= FIRST_TRADE_ID:
            return -1
        after = self.engine.history.trades(inst.symbol, from_id=before_id - 1, limit=1)
        if not after:
            return None
        first = after[0]
        return first.ms if first.id == before_id - 1 else first.ms - 1

    def _tape(
        self,
        inst: Instrument,
        *,
        start: int | None,
        end: int | None,
        before_id: int | None,
        limit: int,
        days: int,
    ) -> list[HistoryTrade]:
        """The newest `limit` trades in ``[start, end]`` older than `before_id`, newest first."""
        now = self.engine.now_ms()
        lo = now - days * DAY_MS if start is None else max(start, now - days * DAY_MS)
        hi = now if end is None else min(end, now)
        if before_id is not None:
            bound = self._before_ms(inst, before_id)
            hi = hi if bound is None else min(hi, bound)
        if hi < lo:
            return []
        trades = self.engine.history.trades(inst.symbol, end_ms=hi, limit=limit)
        return [
            t
            for t in reversed(trades)
            if t.ms >= lo and (before_id is None or t.id < before_id)
        ]

    def _fills_history(
        self, call: Call, *, spot: bool
    ) -> tuple[Instrument, list[HistoryTrade]]:
        inst = self._tape_spot(call) if spot else self._tape_perp(call)
        days = SPOT_TAPE_DAYS if spot else MIX_TAPE_DAYS
        start, end = self._range(call, FILLS_WINDOW_MS)
        if start is not None and end is None:
            end = start + FILLS_WINDOW_MS
        elif end is not None and start is None:
            start = end - FILLS_WINDOW_MS
        before_id = call.integer("idLessThan")
        limit = self._count(call, "limit", FILLS_HISTORY_LIMITS)
        trades = self._tape(
            inst, start=start, end=end, before_id=before_id, limit=limit, days=days
        )
        return inst, trades

    @staticmethod
    def _taker_side(trade: HistoryTrade) -> str:
        return "Buy" if trade.side is Side.BUY else "Sell"

    def _spot_trade_rows(self, inst: Instrument, trades: list[HistoryTrade]) -> list[Any]:
        market_id = f"{inst.base}{inst.quote}"
        return [
            {
                "symbol": market_id,
                "tradeId": str(t.id),
                "side": self._taker_side(t),
                "price": plain(t.price),
                "size": plain(t.amount),
                "ts": str(t.ms),
            }
            for t in trades
        ]

    def _mix_trade_rows(self, inst: Instrument, trades: list[HistoryTrade]) -> list[Any]:
        market_id = f"{inst.base}{inst.quote}"
        return [
            {
                "tradeId": str(t.id),
                "price": plain(t.price),
                "size": plain(t.amount),
                "side": self._taker_side(t),
                "ts": str(t.ms),
                "symbol": market_id,
            }
            for t in trades
        ]

    def spot_market_fills(self, call: Call) -> list[Any]:
        inst = self._tape_spot(call)
        limit = self._count(call, "limit", SPOT_RECENT_FILLS)
        trades = self._tape(
            inst, start=None, end=None, before_id=None, limit=limit, days=SPOT_TAPE_DAYS
        )
        return self._spot_trade_rows(inst, trades)

    def spot_market_fills_history(self, call: Call) -> list[Any]:
        inst, trades = self._fills_history(call, spot=True)
        return self._spot_trade_rows(inst, trades)

    def mix_market_fills(self, call: Call) -> list[Any]:
        inst = self._tape_perp(call)
        limit = self._count(call, "limit", MIX_RECENT_FILLS)
        trades = self._tape(
            inst, start=None, end=None, before_id=None, limit=limit, days=MIX_TAPE_DAYS
        )
        return self._mix_trade_rows(inst, trades)

    def mix_market_fills_history(self, call: Call) -> list[Any]:
        inst, trades = self._fills_history(call, spot=False)
        return self._mix_trade_rows(inst, trades)

    # ---- funding ---------------------------------------------------------------------------

    def mix_funding_history(self, call: Call) -> list[dict[str, str]]:
        inst = self._tape_perp(call)
        size = self._count(call, "pageSize", FUNDING_PAGE)
        number = call.integer("pageNo", 1)
        if number < 1:
            raise _bad(call, "pageNo", number)
        events = self.engine.history.funding(inst.symbol, limit=number * size)
        page = list(reversed(events))[(number - 1) * size : number * size]
        market_id = f"{inst.base}{inst.quote}"
        return [
            {"symbol": market_id, "fundingRate": plain(e.rate), "fundingTime": str(e.ms)}
            for e in page
        ]
