"""BingX's public market history, served from `engine.history` (mixed into `BingXVenue`).

Endpoints (what ccxt 4.5.90 calls; weight 1 each against the shared market-data limits):

* `GET /openApi/spot/v1/market/kline` (ccxt's `fetch_ohlcv`; `/openApi/spot/v2/market/kline`,
  the documented successor, is the same handler): `symbol`, `interval`, `startTime`, `endTime`
  (ms), `limit` (default 500, at most 1440), `timeZone` (0: UTC, 8: UTC+8, BingX's default;
  ccxt sends 0). Rows are arrays of JSON numbers `[openTime, open, high, low, close, volume,
  closeTime, quoteVolume]`, **newest first**, in the `{"code", "timestamp", "data"}` envelope.
  Without `startTime` the last `limit` candles up to `endTime` (default now); with `startTime`
  alone the first `limit` from it; with both, as BingX documents, the latest `limit` up to
  `endTime` that open at or after `startTime`.
* `GET /openApi/swap/v3/quote/klines`: the same parameters (no `timeZone`: swap candles are
  UTC-aligned); rows are objects `{"open", "close", "high", "low", "volume", "time"}` (prices
  as strings in the contract's price precision, `time` the open time), oldest first; with
  `startTime` the first `limit` from it (up to `endTime`), else the last `limit`.
* `GET /openApi/spot/v1/market/trades`: the most recent trades only (`symbol`, `limit`,
  default 100, at most 500), `{"id", "price", "qty", "time", "buyerMaker"}` with JSON numbers,
  newest first. BingX's endpoint takes no time range nor trade id: `startTime`, `endTime` and
  `fromId` are ignored, as BingX ignores parameters it does not know.
* `GET /openApi/swap/v2/quote/trades`: the most recent trades only (`limit` default 500, at
  most 1000), `{"time", "isBuyerMaker", "price", "qty", "quoteQty"}` as strings (no trade id),
  newest first; time parameters are ignored likewise.
* `GET /openApi/swap/v2/quote/fundingRate`: `symbol` (optional: every contract), `startTime`,
  `endTime`, `limit` (default 100, at most 1000); `{"symbol", "fundingRate", "fundingTime"}`
  (rate with 8 decimals), newest first; with `startTime` the first `limit` from it, else the
  latest `limit`.

A bad interval, `timeZone` or `limit` is refused with BingX's invalid-parameter answer (spot
100400, swap 109400: ccxt BadRequest); an unknown symbol with its unknown-symbol answer (spot
100421, swap 109425: BadSymbol). Swap quantities are contracts as the order rendering counts
them (the engine's base units divided by the contract size: 1 for BingX's linear contracts).

Not modelled: BingX rounds kline volumes to two decimals; the simulator renders them exactly
(the engine's base units), so ccxt reports the engine's volume to the last step.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from exchlayer.testing.simulator.engine import (
    TIMEFRAMES,
    FundingEvent,
    HistoryCandle,
    HistoryTrade,
    Instrument,
    Side,
)
from exchlayer.testing.simulator.engine.history import align, next_open
from exchlayer.testing.simulator.venues.bingx.render import BingXRender, invalid, market_id
from exchlayer.testing.simulator.venues.bingx.tables import (
    FUNDING_LIMIT,
    KLINE_LIMIT,
    SPOT_TRADES_LIMIT,
    SWAP,
    SWAP_TRADES_LIMIT,
    plain,
)
from exchlayer.testing.simulator.wire import Call
from exchlayer.testing.simulator.wire.numbers import decimals, fixed, json_number

__all__ = ["BingXHistory"]

HOUR_MS = 3_600_000
CENT = Decimal("0.01")
#: UTC+8 candles of these intervals (BingX spot's default anchoring) are built from UTC candles
#: of the second interval, whose boundaries hold every UTC+8 boundary of the first; the other
#: intervals have the same boundaries in UTC and UTC+8.
SHIFTED_PARTS = {"6h": "2h", "12h": "4h", "1d": "8h", "3d": "8h", "1w": "8h", "1M": "8h"}
TIME_ZONES = (0, 8)

Candles = Callable[[int | None, int | None, int], list[HistoryCandle]]
"""`(start_ms, end_ms, limit)` -> candles, with `History.candles`' selection rules."""


class BingXHistory(BingXRender):
    """BingX's kline, recent-trades and funding-rate endpoints (see the module docstring)."""

    # ---- klines ----------------------------------------------------------------------------

    def spot_klines(self, call: Call) -> list[list[Any]]:
        inst = self._inst(call)
        interval = _interval(call)
        raw_zone = call.integer("timeZone")
        zone = 8 if raw_zone is None else raw_zone
        if zone not in TIME_ZONES:
            raise invalid(call.surface, f"timeZone: {zone} must be 0 or 8")
        start, end = call.integer("startTime"), call.integer("endTime")
        limit = _limit(call, KLINE_LIMIT)
        select = self._candles(inst, interval, zone * HOUR_MS)
        if start is not None and end is None:
            candles = select(start, None, limit)
        else:  # BingX: "the latest candlestick chart data up to endTime"
            candles = [c for c in select(None, end, limit) if start is None or c.open_ms >= start]
        return [
            [
                c.open_ms,
                json_number(c.open),
                json_number(c.high),
                json_number(c.low),
                json_number(c.close),
                json_number(c.volume),
                c.close_ms,
                json_number(c.quote_volume.quantize(CENT, ROUND_HALF_UP)),
            ]
            for c in reversed(candles)
        ]

    def swap_klines(self, call: Call) -> list[dict[str, Any]]:
        inst = self._inst(call)
        interval = _interval(call)
        start, end = call.integer("startTime"), call.integer("endTime")
        limit = _limit(call, KLINE_LIMIT)
        candles = self.engine.history.candles(
            inst.symbol, interval, start_ms=start, end_ms=end, limit=limit
        )
        p = decimals(inst.price_tick)
        return [
            {
                "open": fixed(c.open, p),
                "close": fixed(c.close, p),
                "high": fixed(c.high, p),
                "low": fixed(c.low, p),
                "volume": _contracts(inst, c.volume),
                "time": c.open_ms,
            }
            for c in candles
        ]

    def _candles(self, inst: Instrument, interval: str, offset_ms: int) -> Candles:
        """The candle selection of ``interval`` anchored ``offset_ms`` east of UTC."""
        history = self.engine.history
        part = SHIFTED_PARTS.get(interval) if offset_ms else None
        if part is None:
            return lambda start, end, limit: history.candles(
                inst.symbol, interval, start_ms=start, end_ms=end, limit=limit
            )
        parts = part

        def opening(ms: int) -> int:
            return align(interval, ms + offset_ms) - offset_ms

        def following(open_ms: int) -> int:
            return next_open(interval, open_ms + offset_ms) - offset_ms

        def select(start: int | None, end: int | None, limit: int) -> list[HistoryCandle]:
            now = self.engine.now_ms()
            last = opening(min(now if end is None else end, now))
            first = opening(history.listing_ms(inst.symbol))
            out: list[HistoryCandle] = []

            def add(open_ms: int) -> int:
                nxt = following(open_ms)
                pieces = history.candles(
                    inst.symbol, parts, start_ms=open_ms, end_ms=nxt - 1, limit=1_000
                )
                if pieces:
                    out.append(_merge(pieces, open_ms, nxt, now))
                return nxt

            if start is not None:
                t = max(opening(start), first)
                if t < start:
                    t = following(t)
                while t <= last and len(out) < limit:
                    t = add(t)
                return out
            t = last
            while t >= first and len(out) < limit:
                add(t)
                t = opening(t - 1)
            out.reverse()
            return out

        return select

    # ---- recent trades ---------------------------------------------------------------------

    def spot_trades(self, call: Call) -> list[dict[str, Any]]:
        """The latest trades; BingX offers no time range here (`startTime`, `endTime` and
        `fromId` are ignored)."""
        inst = self._inst(call)
        trades = self.engine.history.trades(inst.symbol, limit=_limit(call, SPOT_TRADES_LIMIT))
        return [
            {
                "id": t.id,
                "price": json_number(t.price),
                "qty": json_number(t.amount),
                "time": t.ms,
                "buyerMaker": t.side is Side.SELL,
            }
            for t in reversed(trades)
        ]

    def swap_trades(self, call: Call) -> list[dict[str, Any]]:
        """The latest trades, without ids; no time range (time parameters are ignored)."""
        inst = self._inst(call)
        trades = self.engine.history.trades(inst.symbol, limit=_limit(call, SWAP_TRADES_LIMIT))
        return [_swap_trade(inst, t) for t in reversed(trades)]

    # ---- funding ---------------------------------------------------------------------------

    def funding_rates(self, call: Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        start, end = call.integer("startTime"), call.integer("endTime")
        limit = _limit(call, FUNDING_LIMIT)
        chosen = [inst] if inst is not None else list(self._ids[SWAP].values())
        events: list[tuple[Instrument, FundingEvent]] = [
            (i, e)
            for i in chosen
            for e in self.engine.history.funding(i.symbol, start_ms=start, end_ms=end, limit=limit)
        ]
        events.sort(key=lambda pair: pair[1].ms)
        events = events[:limit] if start is not None else events[len(events) - limit :]
        return [
            {"symbol": market_id(i), "fundingRate": fixed(e.rate, 8), "fundingTime": e.ms}
            for i, e in reversed(events)
        ]


# ---- helpers -------------------------------------------------------------------------------


def _interval(call: Call) -> str:
    interval = call.require("interval")
    if interval not in TIMEFRAMES:
        raise invalid(call.surface, f"interval: {interval} is not a valid interval")
    return interval


def _limit(call: Call, bounds: tuple[int, int]) -> int:
    default, maximum = bounds
    limit = call.integer("limit")
    if limit is None:
        return default
    if not 1 <= limit <= maximum:
        raise invalid(call.surface, f"limit: {limit} must be between 1 and {maximum}")
    return limit


def _contracts(inst: Instrument, base: Decimal) -> str:
    """A base-unit quantity in contracts, with the contract's quantity precision."""
    amount = base / inst.contract_size
    q = decimals(inst.amount_step)
    return fixed(amount, q) if amount == round(amount, q) else plain(amount)


def _swap_trade(inst: Instrument, t: HistoryTrade) -> dict[str, Any]:
    return {
        "time": t.ms,
        "isBuyerMaker": t.side is Side.SELL,
        "price": fixed(t.price, decimals(inst.price_tick)),
        "qty": _contracts(inst, t.amount),
        "quoteQty": fixed((t.price * t.amount).quantize(CENT, ROUND_HALF_UP), 2),
    }


def _merge(parts: list[HistoryCandle], open_ms: int, next_ms: int, now: int) -> HistoryCandle:
    """One candle of ``[open_ms, next_ms)`` made of the shorter candles inside it."""
    return HistoryCandle(
        open_ms=open_ms,
        close_ms=next_ms - 1,
        open=parts[0].open,
        high=max(p.high for p in parts),
        low=min(p.low for p in parts),
        close=parts[-1].close,
        volume=sum((p.volume for p in parts), Decimal(0)),
        quote_volume=sum((p.quote_volume for p in parts), Decimal(0)),
        trades=sum(p.trades for p in parts),
        closed=next_ms <= now,
    )
