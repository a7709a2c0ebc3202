"""Binance's public market history, served from the engine's deterministic `History`.

Endpoints (weight; parameters; default / maximum `limit`):

* `GET /api/v3/klines` (2; symbol interval startTime endTime limit timeZone; 500 / 1000)
* `GET /api/v3/aggTrades` (4; symbol fromId startTime endTime limit; 500 / 1000)
* `GET /api/v3/trades` (25; symbol limit; 500 / 1000)
* `GET /api/v3/historicalTrades` (25; symbol fromId limit; 500 / 1000)
* `GET /fapi/v1/klines` (by limit: [1, 100) 1, [100, 500) 2, [500, 1000] 5, over 1000 10;
  symbol interval startTime endTime limit; 500 / 1500)
* `GET /fapi/v1/aggTrades` (20; symbol fromId startTime endTime limit; 500 / 1000)
* `GET /fapi/v1/trades` (5; symbol limit; 500 / 1000)
* `GET /fapi/v1/fundingRate` (no request weight: one of its own 500 requests per 5 minutes per
  IP, which Binance shares with `fundingInfo`; symbol startTime endTime limit; 100 / 1000)

A `limit` over the maximum is cut to it; one under 1 is refused with -1130.

Everything is oldest first and ms, as Binance answers it:

* **klines** are 12-element arrays `[openTime, "open", "high", "low", "close", "volume",
  closeTime, "quoteVolume", trades, "takerBuyBase", "takerBuyQuote", "0"]`; volume in the base
  asset on spot and USDⓈ-M alike (the contracts of a linear perpetual are one coin each). Without
  `startTime` the last `limit` klines opening at or before `endTime` (default: now, so the last
  one is the candle in progress, its `closeTime` in the future); with it the first `limit`
  opening at or after `startTime`. Spot prices and amounts have 8 decimals; USDⓈ-M the
  instrument's (quote volume 5 to 8). The taker-buy split is the simulator's own (the engine
  keeps no taker volume): a seeded 30-70% of the volume.
* **aggTrades** (ccxt's default for `fetch_trades`): one engine trade per aggregate, so `a`, `f`
  and `l` are all the engine's trade id; `m` (buyer is maker) is a sell taker. `fromId` pages by
  id; `startTime` alone runs forward, `endTime` alone backward, both give the oldest of the
  window. Spot has had no window limit since 2022; USDⓈ-M refuses a window over one hour
  (-1127) and keeps trades of the last year only. `fromId` together with a time is refused with
  -1128 (spot documents the combination nowhere; USDⓈ-M warns it "might cause response timeout").
* **trades** answers the most recent `limit` trades only; **historicalTrades** (spot) pages
  from `fromId`. Neither takes a time range: Binance spot reads parameters strictly and refuses
  any it does not read with -1104 ("Not all sent parameters were read; ..."), which is what
  ccxt's `since` meets there (the simulator checks this on its spot history endpoints only);
  USDⓈ-M ignores them.
* **fundingRate** rows `{"symbol", "fundingRate", "fundingTime", "markPrice"}`; without `symbol`
  every perpetual's, merged by time.

Errors: an unknown interval -1120 "Invalid interval." (BadRequest), an unknown symbol -1121
(BadSymbol), a missing `symbol` / `interval` -1102, a malformed number -1100. Not modelled,
refused in the venue's codes with a message saying so: spot's `1s` interval (-1120) and a
`timeZone` other than UTC (-1130). COIN-M (`/dapi`) lists no markets, so serves no history.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from exchlayer.testing.simulator.engine import (
    TIMEFRAMES,
    FundingEvent,
    HistoryCandle,
    HistoryTrade,
    Instrument,
    Side,
)
from exchlayer.testing.simulator.venues.binance.render import BinanceRender, fmt8, market_id
from exchlayer.testing.simulator.venues.binance.tables import (
    AGG_WINDOW_MS,
    FUNDING_LIMITS,
    FUTURES_TRADE_RETENTION_MS,
    KLINE_LIMITS,
    SPOT,
    TRADE_LIMITS,
    USDM,
    plain,
)
from exchlayer.testing.simulator.wire import Call, VenueError
from exchlayer.testing.simulator.wire.numbers import decimals, fixed

__all__ = ["BinanceHistory"]

_KLINE_PARAMS = frozenset({"symbol", "interval", "startTime", "endTime", "limit", "timeZone"})
_AGG_PARAMS = frozenset({"symbol", "fromId", "startTime", "endTime", "limit"})
_RECENT_PARAMS = frozenset({"symbol", "limit"})
_HISTORICAL_PARAMS = frozenset({"symbol", "fromId", "limit"})
_UTC = frozenset({"0", "+0", "-0", "00", "+00", "0:00", "00:00", "+0:00", "+00:00", "-00:00"})


def exact(value: Decimal) -> str:
    """The shortest plain rendering of a decimal, every digit kept (`48.000012`, `100`)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _taker_buy(candle: HistoryCandle, step: Decimal) -> tuple[Decimal, Decimal]:
    """The simulator's taker-buy split of a candle: a seeded 30-70% of its volume."""
    share = 30 + (candle.open_ms // 60_000) % 41
    base = int(candle.volume / step) * share // 100 * step
    quote = ((candle.open + candle.close) * base / 2).quantize(Decimal("1e-8"))
    return base, quote


def kline_row(inst: Instrument, candle: HistoryCandle, *, spot: bool) -> list[Any]:
    """One kline: `[openTime, "o", "h", "l", "c", "v", closeTime, "qv", n, "tbb", "tbq", "0"]`."""
    buy_base, buy_quote = _taker_buy(candle, inst.amount_step)
    p = 8 if spot else decimals(inst.price_tick)
    q = 8 if spot else decimals(inst.amount_step)

    def price(v: Decimal) -> str:
        return fixed(v, p)

    def amount(v: Decimal) -> str:
        return fixed(v, q)

    def quote(v: Decimal) -> str:
        return fixed(v, 8) if spot else plain(v, 5, 8)

    return [
        candle.open_ms,
        price(candle.open),
        price(candle.high),
        price(candle.low),
        price(candle.close),
        amount(candle.volume),
        candle.close_ms,
        quote(candle.quote_volume),
        candle.trades,
        amount(buy_base),
        quote(buy_quote),
        "0",
    ]


def agg_trade(inst: Instrument, t: HistoryTrade, *, spot: bool) -> dict[str, Any]:
    """One aggregate trade (one engine trade each)."""
    if spot:
        return {
            "a": t.id,
            "p": fmt8(t.price),
            "q": fmt8(t.amount),
            "f": t.id,
            "l": t.id,
            "T": t.ms,
            "m": t.side is Side.SELL,
            "M": True,
        }
    return {
        "a": t.id,
        "p": fixed(t.price, decimals(inst.price_tick)),
        "q": fixed(t.amount, decimals(inst.amount_step)),
        "f": t.id,
        "l": t.id,
        "T": t.ms,
        "m": t.side is Side.SELL,
    }


def public_trade(inst: Instrument, t: HistoryTrade, *, spot: bool) -> dict[str, Any]:
    """One row of `trades` / `historicalTrades`."""
    if spot:
        price, qty = fmt8(t.price), fmt8(t.amount)
    else:
        price = fixed(t.price, decimals(inst.price_tick))
        qty = fixed(t.amount, decimals(inst.amount_step))
    out: dict[str, Any] = {
        "id": t.id,
        "price": price,
        "qty": qty,
        "quoteQty": exact(t.price * t.amount),
        "time": t.ms,
        "isBuyerMaker": t.side is Side.SELL,
    }
    if spot:
        out["isBestMatch"] = True
    return out


def funding_row(inst: Instrument, event: FundingEvent) -> dict[str, Any]:
    return {
        "symbol": market_id(inst),
        "fundingRate": fixed(event.rate, 8),
        "fundingTime": event.ms,
        "markPrice": fmt8(event.mark_price),
    }


class BinanceHistory(BinanceRender):
    """The market-history handlers (mixed into `BinanceVenue`; see the module docstring)."""

    # ---- parameters ----------------------------------------------------------------------

    @staticmethod
    def _strict(call: Call, allowed: Collection[str]) -> None:
        """Spot reads its parameters strictly: one it does not read is refused (-1104)."""
        if call.surface != SPOT:
            return
        sent = len(call.params)
        read = sum(1 for name in call.params if name in allowed)
        if read < sent:
            raise VenueError(
                -1104,
                f"Not all sent parameters were read; read '{read}' parameter(s) but was sent "
                f"'{sent}'.",
            )

    @staticmethod
    def _limit(call: Call, limits: tuple[int, int]) -> int:
        """`limit`: the default when absent, cut to the maximum, refused under 1 (-1130)."""
        default, maximum = limits
        limit = call.integer("limit", default)
        if limit < 1:
            raise VenueError(-1130, "Data sent for parameter 'limit' is not valid.")
        return min(limit, maximum)

    # ---- klines --------------------------------------------------------------------------

    def klines(self, call: Call) -> list[list[Any]]:
        self._strict(call, _KLINE_PARAMS)
        inst = self._inst(call)
        interval = call.require("interval")
        if interval == "1s" and call.surface == SPOT:
            raise VenueError(-1120, "simulator: the 1s interval is not modelled")
        if interval not in TIMEFRAMES:
            raise VenueError(-1120, "Invalid interval.")
        zone = call.get("timeZone")
        if zone is not None and zone not in _UTC:
            raise VenueError(
                -1130, f"simulator: timeZone '{zone}' is not modelled (UTC only)"
            )
        limit = self._limit(call, KLINE_LIMITS[call.surface])
        candles = self.engine.history.candles(
            inst.symbol,
            interval,
            start_ms=call.integer("startTime"),
            end_ms=call.integer("endTime"),
            limit=limit,
        )
        spot = call.surface == SPOT
        return [kline_row(inst, c, spot=spot) for c in candles]

    # ---- public trades -------------------------------------------------------------------

    def agg_trades(self, call: Call) -> list[dict[str, Any]]:
        self._strict(call, _AGG_PARAMS)
        inst = self._inst(call)
        from_id = call.integer("fromId")
        start, end = call.integer("startTime"), call.integer("endTime")
        limit = self._limit(call, TRADE_LIMITS)
        if from_id is not None and (start is not None or end is not None):
            raise VenueError(-1128, "Combination of optional parameters invalid.")
        spot = call.surface == SPOT
        if not spot and start is not None and end is not None and end - start > AGG_WINDOW_MS:
            raise VenueError(-1127, "More than 1 hours between startTime and endTime.")
        history = self.engine.history
        cutoff = None if spot else self.engine.now_ms() - FUTURES_TRADE_RETENTION_MS
        if cutoff is not None:
            if start is not None:
                start = max(start, cutoff)
            elif from_id is not None:
                first = history.trades(inst.symbol, start_ms=cutoff, limit=1)
                from_id = max(from_id, first[0].id) if first else from_id
        trades = history.trades(
            inst.symbol, start_ms=start, end_ms=end, from_id=from_id, limit=limit
        )
        if cutoff is not None:
            trades = [t for t in trades if t.ms >= cutoff]
        return [agg_trade(inst, t, spot=spot) for t in trades]

    def recent_trades(self, call: Call) -> list[dict[str, Any]]:
        """`trades`: the most recent `limit` only (USDⓈ-M ignores a time range)."""
        self._strict(call, _RECENT_PARAMS)
        inst = self._inst(call)
        limit = self._limit(call, TRADE_LIMITS)
        trades = self.engine.history.trades(inst.symbol, limit=limit)
        spot = call.surface == SPOT
        return [public_trade(inst, t, spot=spot) for t in trades]

    def historical_trades(self, call: Call) -> list[dict[str, Any]]:
        """Spot `historicalTrades`: from `fromId` (default: the most recent)."""
        self._strict(call, _HISTORICAL_PARAMS)
        inst = self._inst(call)
        limit = self._limit(call, TRADE_LIMITS)
        trades = self.engine.history.trades(
            inst.symbol, from_id=call.integer("fromId"), limit=limit
        )
        return [public_trade(inst, t, spot=True) for t in trades]

    # ---- funding -------------------------------------------------------------------------

    def funding_rate(self, call: Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        start, end = call.integer("startTime"), call.integer("endTime")
        limit = self._limit(call, FUNDING_LIMITS)
        selected = [inst] if inst is not None else list(self._ids[USDM].values())
        rows: list[tuple[int, str, Instrument, FundingEvent]] = []
        for one in selected:
            for event in self.engine.history.funding(
                one.symbol, start_ms=start, end_ms=end, limit=limit
            ):
                rows.append((event.ms, market_id(one), one, event))
        rows.sort(key=lambda row: (row[0], row[1]))
        rows = rows[:limit] if start is not None else rows[-limit:]
        return [funding_row(one, event) for _, _, one, event in rows]
