"""Gate's public market history (mixed into `GateVenue`): candlesticks, public trades and the
funding-rate history, served from the engine's deterministic `History`.

Endpoints (all public, `PUBLIC`: 200 requests per 10 s per IP and endpoint, weight 1):

* `GET spot/candlesticks` (`currency_pair`, `interval` default `30m`, `from`, `to`, `limit`):
  rows `[t, quote volume, close, high, low, open, base volume, window closed]`, every field a
  string (`t` unix seconds, the last `"true"`/`"false"`), oldest first. Intervals `1m 5m 15m
  30m 1h 4h 8h 1d 7d 30d` (`7d`: weeks opening Monday 00:00 UTC, `30d`: calendar months); Gate
  also serves `1s` and `10s`, the simulator's history has no sub-minute candles.
* `GET futures/usdt/candlesticks` (`contract`, `interval` default `5m`, `from`, `to`, `limit`):
  objects `{t, v, c, h, l, o, sum}` (`t` an integer of seconds, `v` the volume in contracts,
  `sum` the quote volume), oldest first; a `mark_` / `index_` contract gives the mark / index
  price candles (the engine's one price) without `v` and `sum`. Intervals `1m 5m 15m 30m 1h 2h
  4h 6h 8h 12h 1d 7d 1w 30d`: `1w` is the natural week (Monday), `7d` seven days aligned to the
  unix epoch (opening on a Thursday, composed here from the engine's daily candles) and `30d` a
  calendar month, as Gate documents them; Gate's `10s` and `30s` are not modelled.
  ccxt 4.5.90 sends `7d` for its `1w`, so ccxt's weekly futures candles open on Thursdays.
* `GET spot/trades` (`currency_pair`, `limit` 1..1000 default 100, `page`, `from`, `to`,
  `last_id`, `reverse`): newest first. A time window (default: the 30 days up to `to`, `to`
  default now) is paged by `page` (`limit x (page - 1)` at most 100,000); with `last_id` the
  time range is ignored and the answer is the trades after it (`reverse=true`: before it).
  ccxt 4.5.90 sends no `from` for spot (its `since` only filters the latest page).
* `GET futures/usdt/trades` (`contract`, `limit` 1..1000 default 100, `offset`, `from`, `to`,
  deprecated `last_id`): newest first. With `from`, the first `limit` trades (after `offset`)
  from `from` up to `to`; without it the latest `limit` up to `to`; `last_id` lists the trades
  before that id. Sizes are signed contracts (negative: the taker sold).
* `GET futures/usdt/funding_rate` (`contract`, `limit` 1..1000 default 100, `from`, `to`):
  `{t, r}` (`t` integer seconds, `r` a string), newest first; with `from` the first `limit`
  settlements from it, without it the last `limit` up to `to`.

Candle windows, as Gate answers them: `from` and `to` are unix seconds; `to` defaults to now,
`from` to `limit - 1` (default 99) intervals before `to`. A window opens at the candle holding
`from`, and may hold at most 1000 (spot) / 2000 (futures) candles, else "Candlestick range too
broad"; an outage in it leaves the answer short (it is never filled from later candles). Its
first candle may be at most 10,000 intervals before the current one, else "Candlestick too long
ago" (enforced by Gate since 2026-02; `GateHistory.max_points_ago = None` lifts it). Futures
refuse `limit` together with `from` (spot takes both: the first `limit` of the window). A
`limit` outside 1..1000 / 1..2000, a malformed number or an unknown interval is
`INVALID_PARAM_VALUE` "Invalid request parameter `<name>` value: <value>" (ccxt: BadRequest);
an unknown pair INVALID_CURRENCY_PAIR and an unknown contract CONTRACT_NOT_FOUND (BadSymbol).

Sources and assumptions: the interval lists are Gate's SDK enums (spot has no `2h`, `6h`,
`12h`; the futures list is the one Gate's documentation describes, with `1w` and `30d`); the
candle count of a window is counted from the candle holding `from` (ccxt 4.5.90's `to` of
`from + (limit - 1) x interval` is then exactly `limit` candles). Where Gate documents nothing:
a trades window's `to` covers its whole second; a `from` page of trades or funding settlements
is the first `limit` from `from` (what downloading old funding with `from` shows) and is
answered newest first like the others (ccxt sorts either way); the funding `limit` is 1..1000.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import Any

from exchlayer.testing.simulator.engine import ZERO, HistoryCandle, HistoryTrade, Instrument, Side
from exchlayer.testing.simulator.engine.history import (
    DAY_MS,
    FIRST_TRADE_ID,
    MONTH,
    TIMEFRAMES,
    WEEK_MS,
    align,
)
from exchlayer.testing.simulator.venues.gate.render import GateRender, market_id, seconds
from exchlayer.testing.simulator.venues.gate.tables import Contract, plain
from exchlayer.testing.simulator.wire import Call, VenueError

__all__ = ["FUTURES_INTERVALS", "SPOT_INTERVALS", "GateHistory"]

EPOCH_WEEK = "7d/epoch"
"""Futures `7d`: seven days aligned to the unix epoch (not an engine timeframe)."""

SPOT_INTERVALS: dict[str, str] = {
    "1m": "1m", "5m": "5m", "15m": "15m", "30m": "30m", "1h": "1h", "4h": "4h", "8h": "8h",
    "1d": "1d", "7d": "1w", "30d": MONTH,
}
"""Gate's spot intervals and the engine timeframe serving each."""
FUTURES_INTERVALS: dict[str, str] = {
    "1m": "1m", "5m": "5m", "15m": "15m", "30m": "30m", "1h": "1h", "2h": "2h", "4h": "4h",
    "6h": "6h", "8h": "8h", "12h": "12h", "1d": "1d", "7d": EPOCH_WEEK, "1w": "1w",
    "30d": MONTH,
}
"""Gate's futures intervals and the timeframe serving each."""
UNMODELLED = {"spot": frozenset({"1s", "10s"}), "futures": frozenset({"10s", "30s"})}
"""Intervals Gate serves that the simulator's history (minutes and up) cannot."""

SPOT_MAX_CANDLES = 1000
FUTURES_MAX_CANDLES = 2000
DEFAULT_CANDLES = 100
MAX_POINTS_AGO = 10_000
"""The oldest candle a request may reach, in intervals before the current one."""
TRADE_LIMIT = (100, 1000)  # default, maximum
FUNDING_LIMIT = (100, 1000)
SPOT_MAX_OFFSET = 100_000
"""`limit x (page - 1)` at most this on `spot/trades`."""
SPOT_TRADE_WINDOW_MS = 30 * DAY_MS
"""`spot/trades` without `from`: the 30 days up to `to`."""

_INTEGER = re.compile(r"^[0-9]+$")


def bad_value(name: str, raw: Any) -> VenueError:
    """Gate's answer to a parameter it cannot use."""
    return VenueError("INVALID_PARAM_VALUE", f"Invalid request parameter `{name}` value: {raw}")


def _integer(call: Call, name: str) -> int | None:
    raw = call.get(name)
    if raw is None:
        return None
    if not _INTEGER.match(raw):
        raise bad_value(name, raw)
    return int(raw)


def _limit(call: Call, default: int, maximum: int) -> int:
    limit = _integer(call, "limit")
    if limit is None:
        return default
    if not 1 <= limit <= maximum:
        raise bad_value("limit", limit)
    return limit


# ---- candle arithmetic over engine timeframes and the epoch-aligned week ------------------------


def _align(tf: str, ms: int) -> int:
    return ms // WEEK_MS * WEEK_MS if tf == EPOCH_WEEK else align(tf, ms)


def _month_index(ms: int) -> int:
    day = _dt.datetime.fromtimestamp(ms // 1000, tz=_dt.timezone.utc)
    return day.year * 12 + day.month - 1


def _month_ms(index: int) -> int:
    year, month = divmod(index, 12)
    return int(_dt.datetime(year, month + 1, 1, tzinfo=_dt.timezone.utc).timestamp()) * 1000


def _back(tf: str, open_ms: int, steps: int) -> int:
    """The open of the candle ``steps`` before the one opening at ``open_ms``."""
    if tf == MONTH:
        return _month_ms(_month_index(open_ms) - steps)
    return open_ms - steps * (WEEK_MS if tf == EPOCH_WEEK else TIMEFRAMES[tf])


def _steps(tf: str, first: int, last: int) -> int:
    """How many candles open after ``first`` up to ``last`` (both candle opens)."""
    if tf == MONTH:
        return _month_index(last) - _month_index(first)
    return (last - first) // (WEEK_MS if tf == EPOCH_WEEK else TIMEFRAMES[tf])


def _week_of(days: list[HistoryCandle], week: int, now: int) -> HistoryCandle:
    """An epoch-aligned 7-day candle made of its daily candles."""
    return HistoryCandle(
        open_ms=week,
        close_ms=week + WEEK_MS - 1,
        open=days[0].open,
        high=max(d.high for d in days),
        low=min(d.low for d in days),
        close=days[-1].close,
        volume=sum((d.volume for d in days), ZERO),
        quote_volume=sum((d.quote_volume for d in days), ZERO),
        trades=sum(d.trades for d in days),
        closed=week + WEEK_MS <= now,
    )


class GateHistory(GateRender):
    """Gate's market-history handlers (mixed into `GateVenue`)."""

    max_points_ago: int | None = MAX_POINTS_AGO
    """How far back (in intervals) a candle request may reach; `None`: without limit (Gate
    before 2026-02). Set on the venue, ``sim.venues["gate"].max_points_ago = None``."""

    # ---- candlesticks --------------------------------------------------------------------

    def spot_candlesticks(self, call: Call) -> list[list[str]]:
        inst = self._pair(call.get("currency_pair"))
        tf = self._interval(call, "spot", SPOT_INTERVALS, "30m")
        candles = self._candle_window(call, inst, tf, SPOT_MAX_CANDLES, futures=False)
        return [
            [
                str(c.open_ms // 1000),
                plain(c.quote_volume),
                plain(c.close),
                plain(c.high),
                plain(c.low),
                plain(c.open),
                plain(c.volume),
                "true" if c.closed else "false",
            ]
            for c in candles
        ]

    def futures_candlesticks(self, call: Call) -> list[dict[str, Any]]:
        name = call.get("contract")
        price_only = name is not None and name.startswith(("mark_", "index_"))
        if price_only:
            assert name is not None
            name = name.split("_", 1)[1]
        contract = self._contract(call, name)
        tf = self._interval(call, "futures", FUTURES_INTERVALS, "5m")
        candles = self._candle_window(call, contract.inst, tf, FUTURES_MAX_CANDLES, futures=True)
        return [self._futures_candle(contract, c, price_only) for c in candles]

    def _futures_candle(
        self, contract: Contract, c: HistoryCandle, price_only: bool
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"t": c.open_ms // 1000}
        if not price_only:
            out["v"] = _contracts(contract.inst, c.volume)
        out.update(c=plain(c.close), h=plain(c.high), l=plain(c.low), o=plain(c.open))
        if not price_only:
            out["sum"] = plain(c.quote_volume)
        return out

    def _interval(self, call: Call, surface: str, table: dict[str, str], default: str) -> str:
        raw = call.get("interval") or default
        if raw in UNMODELLED[surface]:
            raise VenueError(
                "INVALID_PARAM_VALUE",
                f"simulator: interval {raw} is not modelled (the history starts at minutes)",
            )
        tf = table.get(raw)
        if tf is None:
            raise bad_value("interval", raw)
        return tf

    def _candle_window(
        self, call: Call, inst: Instrument, tf: str, maximum: int, *, futures: bool
    ) -> list[HistoryCandle]:
        """The candles a request's `from`, `to` and `limit` select (see the module docstring)."""
        limit = _integer(call, "limit")
        start = _integer(call, "from")
        end = _integer(call, "to")
        if limit is not None and (not 1 <= limit <= maximum or (futures and start is not None)):
            raise bad_value("limit", limit)
        now = self.engine.now_ms()
        end_ms = now if end is None else min(end * 1000, now)
        last = _align(tf, end_ms)
        if start is not None:
            first = _align(tf, start * 1000)
            if first > last:
                return []
            count = _steps(tf, first, last) + 1
            if limit is None and count > maximum:
                raise VenueError(
                    "INVALID_PARAM_VALUE",
                    f"Candlestick range too broad. Maximum {maximum} data points are allowed "
                    "per request",
                )
            wanted = count if limit is None else min(count, limit)
        else:
            wanted = DEFAULT_CANDLES if limit is None else limit
            first = _back(tf, last, wanted - 1)
        most = self.max_points_ago
        if most is not None and _steps(tf, first, _align(tf, now)) > most:
            where = "recently" if futures else "ago"
            raise VenueError(
                "INVALID_PARAM_VALUE",
                f"Candlestick too long ago. Maximum {most} points {where} are allowed",
            )
        history = self.engine.history
        if tf != EPOCH_WEEK:
            return history.candles(inst.symbol, tf, start_ms=first, end_ms=end_ms, limit=wanted)
        last_week = _back(tf, first, 1 - wanted)
        days = history.candles(
            inst.symbol, "1d", start_ms=first, end_ms=last_week + 6 * DAY_MS, limit=7 * wanted
        )
        weeks: dict[int, list[HistoryCandle]] = {}
        for day in days:
            weeks.setdefault(_align(tf, day.open_ms), []).append(day)
        return [_week_of(group, week, now) for week, group in weeks.items() if week <= last]

    # ---- public trades -------------------------------------------------------------------

    def spot_market_trades(self, call: Call) -> list[dict[str, Any]]:
        inst = self._pair(call.get("currency_pair"))
        limit = _limit(call, *TRADE_LIMIT)
        page = _integer(call, "page")
        if page is not None and (page < 1 or limit * (page - 1) > SPOT_MAX_OFFSET):
            raise bad_value("page", page)
        page = page or 1
        last_id = _integer(call, "last_id")
        history = self.engine.history
        if last_id is not None:  # the time range is ignored
            if call.flag("reverse"):
                chosen = self._trades_before(inst, last_id, limit)
            else:
                chosen = history.trades(inst.symbol, from_id=last_id + 1, limit=limit)
            return [self._public_spot_trade(inst, t) for t in reversed(chosen)]
        start_ms, end_ms = self._trade_window(call)
        if start_ms is None:
            start_ms = end_ms - SPOT_TRADE_WINDOW_MS
        recent = history.trades(inst.symbol, end_ms=end_ms, limit=page * limit)
        newest_first = [t for t in reversed(recent) if t.ms >= start_ms]
        chosen = newest_first[(page - 1) * limit : page * limit]
        return [self._public_spot_trade(inst, t) for t in chosen]

    def futures_market_trades(self, call: Call) -> list[dict[str, Any]]:
        contract = self._contract(call, call.get("contract"))
        inst = contract.inst
        limit = _limit(call, *TRADE_LIMIT)
        offset = _integer(call, "offset") or 0
        last_id = _integer(call, "last_id")
        history = self.engine.history
        if last_id is not None:  # deprecated: the trades before it, the time range ignored
            older = self._trades_before(inst, last_id, offset + limit)
            chosen = list(reversed(older))[offset : offset + limit]
        else:
            start_ms, end_ms = self._trade_window(call)
            if start_ms is not None:
                forward = history.trades(
                    inst.symbol, start_ms=start_ms, end_ms=end_ms, limit=offset + limit
                )
                chosen = list(reversed(forward[offset:]))
            else:
                recent = history.trades(inst.symbol, end_ms=end_ms, limit=offset + limit)
                chosen = list(reversed(recent))[offset : offset + limit]
        return [self._public_futures_trade(contract, t) for t in chosen]

    def _trade_window(self, call: Call) -> tuple[int | None, int]:
        """`from` (ms, or None) and `to` (ms, covering its whole second; default now)."""
        start = _integer(call, "from")
        end = _integer(call, "to")
        now = self.engine.now_ms()
        end_ms = now if end is None else min(end * 1000 + 999, now)
        return (None if start is None else start * 1000), end_ms

    def _trades_before(self, inst: Instrument, trade_id: int, count: int) -> list[HistoryTrade]:
        """The last ``count`` trades with an id below ``trade_id``, oldest first."""
        span = count
        while True:
            low = max(trade_id - span, FIRST_TRADE_ID)
            found = [
                t
                for t in self.engine.history.trades(inst.symbol, from_id=low, limit=span)
                if t.id < trade_id
            ]
            if len(found) >= count or low == FIRST_TRADE_ID:
                return found[-count:] if count else []
            span *= 2

    def _public_spot_trade(self, inst: Instrument, t: HistoryTrade) -> dict[str, Any]:
        return {
            "id": str(t.id),
            "create_time": str(t.ms // 1000),
            "create_time_ms": f"{t.ms}.000000",
            "currency_pair": market_id(inst),
            "side": "buy" if t.side is Side.BUY else "sell",
            "amount": plain(t.amount),
            "price": plain(t.price),
            "sequence_id": str(t.id - FIRST_TRADE_ID + 1),
        }

    def _public_futures_trade(self, contract: Contract, t: HistoryTrade) -> dict[str, Any]:
        return {
            "id": t.id,
            "create_time": seconds(t.ms),
            "create_time_ms": seconds(t.ms),
            "contract": contract.name,
            "size": t.side.sign * _contracts(contract.inst, t.amount),
            "price": plain(t.price),
        }

    # ---- funding ---------------------------------------------------------------------------

    def futures_funding_rate(self, call: Call) -> list[dict[str, Any]]:
        contract = self._contract(call, call.get("contract"))
        limit = _limit(call, *FUNDING_LIMIT)
        start = _integer(call, "from")
        end = _integer(call, "to")
        now = self.engine.now_ms()
        end_ms = now if end is None else min(end * 1000, now)
        events = self.engine.history.funding(
            contract.inst.symbol,
            start_ms=None if start is None else start * 1000,
            end_ms=end_ms,
            limit=limit,
        )
        return [{"t": e.ms // 1000, "r": plain(e.rate)} for e in reversed(events)]


def _contracts(inst: Instrument, amount: Decimal) -> int:
    """An engine amount in Gate's whole contracts (one contract is one amount step)."""
    return int(amount / inst.amount_step)
