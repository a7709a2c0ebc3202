"""Deterministic market history: candles, public trades and funding rates for any range,
computed in closed form (no state, no iteration from the listing), so a venue can answer a
kline request for any page of any year in the time it takes to render it.

The model, per instrument (seeded by the engine's seed and the instrument's pair, so spot and
perpetual of one coin move together):

* **Price path.** The price at minute ``m`` is the instrument's start price moved by three
  integer waves in basis points: a 30-day triangle (±8%), a 1-day triangle (±1%) and per-minute
  noise (±0.2%), rounded down to the tick. Integer arithmetic throughout: the same seed gives
  the same digits on every machine.
* **Candles.** A candle of duration ``D`` opening at ``T`` opens at ``price(T)`` and closes at
  ``price(T + D)`` (the next candle's open), so consecutive candles join and a range read in
  any page size is the same data. High and low widen the open/close range by a seeded margin
  that grows with the duration; they always bound open and close. Volume is in base units, a
  multiple of the instrument's amount step; quote volume is volume × mid of open and close.
  The candle holding "now" is **in progress**: it closes at the current minute's price, its
  volume is the elapsed share, and `HistoryCandle.closed` is false. Candles after now do not
  exist.
* **Trades.** Trade ``n`` happens at ``listing + n × 5 s`` plus a seeded jitter under 5 s, so
  times are strictly increasing and ids (``FIRST_TRADE_ID + n``) are dense. Price is its
  minute's price ± one tick, clamped to that minute's candle; amount a seeded number of steps.
* **Funding** (perpetuals): every 8 hours at 00:00, 08:00 and 16:00 UTC, a seeded rate in
  [-0.00005, 0.000149] with 6 decimals, and the mark price of that minute.
* **Listing and outages.** Nothing exists before an instrument's listing
  (`DEFAULT_LISTING_MS`, 2024-01-01, unless `History.set_listing` moves it). An outage
  (`History.add_outage`; by default 2025-03-10 02:00–05:00 UTC on every instrument) is a hole:
  no trades, no funding, and no candle lies wholly inside it; candles that overlap its edges
  exist. A downloader must report it as a gap, never fill it.

Timeframes are named as ccxt names them (`TIMEFRAMES`); weeks open on Monday 00:00 UTC and
months on the 1st, as every venue aligns them.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .instruments import ZERO, Instrument, _stable_int
from .model import Side

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
WEEK_MS = 7 * DAY_MS
_MONDAY_OFFSET_MS = 4 * DAY_MS  # 1970-01-01 was a Thursday; 1970-01-05 a Monday
MONTH = "1M"

TIMEFRAMES: Mapping[str, int] = {
    "1m": MINUTE_MS,
    "3m": 3 * MINUTE_MS,
    "5m": 5 * MINUTE_MS,
    "15m": 15 * MINUTE_MS,
    "30m": 30 * MINUTE_MS,
    "1h": HOUR_MS,
    "2h": 2 * HOUR_MS,
    "4h": 4 * HOUR_MS,
    "6h": 6 * HOUR_MS,
    "8h": 8 * HOUR_MS,
    "12h": 12 * HOUR_MS,
    "1d": DAY_MS,
    "3d": 3 * DAY_MS,
    "1w": WEEK_MS,
    MONTH: 31 * DAY_MS,  # the longest month; months are aligned by the calendar
}
"""Every timeframe the history serves, with its duration in ms (a month: at most 31 days)."""

DEFAULT_LISTING_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
DEFAULT_OUTAGE = (1_741_572_000_000, 1_741_582_800_000)  # 2025-03-10 02:00–05:00 UTC
TRADE_GAP_MS = 5_000
FIRST_TRADE_ID = 100_000_001
FUNDING_INTERVAL_MS = 8 * HOUR_MS

_SLOW_PERIOD = 30 * 24 * 60  # minutes
_SLOW_BPS = 800
_DAY_PERIOD = 24 * 60
_DAY_BPS = 100
_NOISE_BPS = 20


@dataclass(frozen=True, slots=True)
class HistoryCandle:
    """One candle: ``open_ms`` inclusive to ``close_ms`` inclusive (``open + duration - 1``)."""

    open_ms: int
    close_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    """Base units, a multiple of the instrument's amount step."""
    quote_volume: Decimal
    trades: int
    closed: bool


@dataclass(frozen=True, slots=True)
class HistoryTrade:
    """One public trade; ``amount`` in base units (a multiple of the amount step)."""

    id: int
    ms: int
    price: Decimal
    amount: Decimal
    side: Side
    """The taker's side."""


@dataclass(frozen=True, slots=True)
class FundingEvent:
    """A settled funding rate of a perpetual."""

    ms: int
    rate: Decimal
    mark_price: Decimal


def _triangle(x: int, period: int, amplitude: int) -> int:
    """An integer triangle wave in [-amplitude, amplitude] with the given period."""
    phase = x % period
    half = period // 2
    if phase < half:
        return -amplitude + (4 * amplitude * phase) // period
    return 3 * amplitude - (4 * amplitude * phase) // period


def _month_start(ms: int) -> int:
    day = _dt.datetime.fromtimestamp(ms // 1000, tz=_dt.timezone.utc)
    return int(_dt.datetime(day.year, day.month, 1, tzinfo=_dt.timezone.utc).timestamp()) * 1000


def _next_month(open_ms: int) -> int:
    day = _dt.datetime.fromtimestamp(open_ms // 1000, tz=_dt.timezone.utc)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return int(_dt.datetime(year, month, 1, tzinfo=_dt.timezone.utc).timestamp()) * 1000


def align(timeframe: str, ms: int) -> int:
    """The open time of the ``timeframe`` candle that holds ``ms``."""
    if timeframe == MONTH:
        return _month_start(ms)
    duration = duration_ms(timeframe)
    if timeframe == "1w":
        return (ms - _MONDAY_OFFSET_MS) // WEEK_MS * WEEK_MS + _MONDAY_OFFSET_MS
    return ms // duration * duration


def next_open(timeframe: str, open_ms: int) -> int:
    """The open time of the candle after the one opening at ``open_ms``."""
    if timeframe == MONTH:
        return _next_month(open_ms)
    return open_ms + duration_ms(timeframe)


def duration_ms(timeframe: str) -> int:
    try:
        return TIMEFRAMES[timeframe]
    except KeyError:
        raise ValueError(f"unknown timeframe {timeframe!r}") from None


class History:
    """The deterministic past of every instrument of an engine (see the module docstring)."""

    def __init__(
        self,
        instruments: Callable[[], Mapping[str, Instrument]],
        seed: int,
        clock: Callable[[], int],
    ) -> None:
        self._instruments = instruments
        self._seed = seed
        self._clock = clock
        self._listing: dict[str, int] = {}
        self._outages: list[tuple[int, int, str | None]] = [(*DEFAULT_OUTAGE, None)]

    # ---- configuration -------------------------------------------------------------------

    def listing_ms(self, symbol: str) -> int:
        """When ``symbol`` was listed: nothing of it exists before."""
        self._instrument(symbol)
        return self._listing.get(symbol, DEFAULT_LISTING_MS)

    def set_listing(self, symbol: str, ms: int) -> None:
        self._instrument(symbol)
        self._listing[symbol] = ms

    @property
    def outages(self) -> tuple[tuple[int, int, str | None], ...]:
        """``(start_ms, end_ms, symbol or None for all)``, end exclusive."""
        return tuple(self._outages)

    def add_outage(self, start_ms: int, end_ms: int, symbol: str | None = None) -> None:
        if end_ms <= start_ms:
            raise ValueError("an outage must end after it starts")
        self._outages.append((start_ms, end_ms, symbol))

    def clear_outages(self) -> None:
        self._outages.clear()

    def _holes(self, symbol: str) -> list[tuple[int, int]]:
        return sorted((a, b) for a, b, s in self._outages if s is None or s == symbol)

    # ---- the price path ----------------------------------------------------------------

    def _instrument(self, symbol: str) -> Instrument:
        try:
            return self._instruments()[symbol]
        except KeyError:
            from .errors import UnknownSymbol

            raise UnknownSymbol(symbol) from None

    def _pair_seed(self, inst: Instrument) -> int:
        return _stable_int(self._seed, "history", inst.base, inst.quote)

    def price_at(self, symbol: str, ms: int) -> Decimal:
        """The price during the minute that holds ``ms``."""
        inst = self._instrument(symbol)
        return self._price(inst, self._pair_seed(inst), ms // MINUTE_MS)

    def _price(self, inst: Instrument, seed: int, minute: int) -> Decimal:
        start = inst.start_price if inst.start_price is not None else Decimal(100)
        start_ticks = int(start / inst.price_tick)
        # in hundredths of a basis point
        move = (
            _triangle(minute + seed % _SLOW_PERIOD, _SLOW_PERIOD, _SLOW_BPS * 100)
            + _triangle(minute + seed % _DAY_PERIOD, _DAY_PERIOD, _DAY_BPS * 100)
            + _stable_int(seed, minute) % (2 * _NOISE_BPS * 100 + 1)
            - _NOISE_BPS * 100
        )
        ticks = max(start_ticks * (1_000_000 + move) // 1_000_000, 1)
        return ticks * inst.price_tick

    # ---- candles -------------------------------------------------------------------------

    def candles(
        self,
        symbol: str,
        timeframe: str,
        *,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int = 500,
    ) -> list[HistoryCandle]:
        """Candles oldest first, by open time: from ``start_ms`` (inclusive) the first
        ``limit`` opening at or before ``end_ms`` (inclusive, default now); without
        ``start_ms`` the last ``limit`` opening at or before ``end_ms``."""
        inst = self._instrument(symbol)
        now = self._clock()
        last = align(timeframe, min(now if end_ms is None else end_ms, now))
        listing = self.listing_ms(symbol)
        first = align(timeframe, listing)
        if limit <= 0 or last < first:
            return []
        holes = self._holes(symbol)
        seed = self._pair_seed(inst)
        out: list[HistoryCandle] = []
        if start_ms is not None:
            t = max(align(timeframe, start_ms), first)
            if t < start_ms:
                t = next_open(timeframe, t)
            while t <= last and len(out) < limit:
                nxt = next_open(timeframe, t)
                if not _inside_hole(t, nxt, holes):
                    out.append(self._candle(inst, seed, t, nxt, now))
                t = nxt
            return out
        t = last
        while t >= first and len(out) < limit:
            nxt = next_open(timeframe, t)
            if not _inside_hole(t, nxt, holes):
                out.append(self._candle(inst, seed, t, nxt, now))
            t = align(timeframe, t - 1)
        out.reverse()
        return out

    def _candle(
        self, inst: Instrument, seed: int, open_ms: int, next_ms: int, now: int
    ) -> HistoryCandle:
        closed = next_ms <= now
        end = next_ms if closed else now
        o = self._price(inst, seed, open_ms // MINUTE_MS)
        c = self._price(inst, seed, end // MINUTE_MS)
        minutes = max((end - open_ms) // MINUTE_MS, 1)
        # the margin above/below the open/close range grows with the duration (≈ sqrt)
        width = 5 + _stable_int(seed, "hl", open_ms, next_ms) % 20
        scale = 1
        while scale * scale < minutes and scale < 40:
            scale += 1
        tick = inst.price_tick
        hi_ticks = int(max(o, c) / tick)
        lo_ticks = int(min(o, c) / tick)
        high = (hi_ticks + max(hi_ticks * width * scale // 100_000, 1)) * tick
        low = max(lo_ticks - max(lo_ticks * width * scale // 100_000, 1), 1) * tick
        step = inst.amount_step
        start = inst.start_price if inst.start_price is not None else Decimal(100)
        steps_per_minute = max(int(Decimal(5_000) / start / step), 1)
        factor = 500 + _stable_int(seed, "vol", open_ms) % 1000
        volume = (steps_per_minute * minutes * factor // 1000) * step
        quote = ((o + c) * volume / 2).quantize(Decimal("1e-8"))
        return HistoryCandle(
            open_ms=open_ms,
            close_ms=next_ms - 1,
            open=o,
            high=high,
            low=low,
            close=c,
            volume=volume,
            quote_volume=quote,
            trades=max(minutes * 60_000 // TRADE_GAP_MS, 1),
            closed=closed,
        )

    # ---- trades --------------------------------------------------------------------------

    def trades(
        self,
        symbol: str,
        *,
        start_ms: int | None = None,
        end_ms: int | None = None,
        from_id: int | None = None,
        limit: int = 500,
    ) -> list[HistoryTrade]:
        """Trades oldest first: from ``from_id`` or ``start_ms`` (inclusive) forwards, the
        first ``limit`` at or before ``end_ms`` (default now); with neither, the last
        ``limit`` at or before ``end_ms``."""
        inst = self._instrument(symbol)
        now = self._clock()
        end = min(now if end_ms is None else end_ms, now)
        listing = self.listing_ms(symbol)
        holes = self._holes(symbol)
        seed = self._pair_seed(inst)
        out: list[HistoryTrade] = []
        if limit <= 0 or end < listing:
            return out
        if from_id is not None or start_ms is not None:
            if from_id is not None:
                n = max(from_id - FIRST_TRADE_ID, 0)
            else:
                assert start_ms is not None
                n = max((start_ms - listing) // TRADE_GAP_MS - 1, 0)
            while len(out) < limit:
                ms = self._trade_ms(seed, listing, n)
                if ms > end:
                    break
                hole = _hole_at(ms, holes)
                if hole is not None:
                    n = max(n + 1, (hole - listing) // TRADE_GAP_MS - 1)
                    continue
                if start_ms is None or ms >= start_ms:
                    out.append(self._trade(inst, seed, listing, n, ms))
                n += 1
            return out
        n = (end - listing) // TRADE_GAP_MS
        while n >= 0 and len(out) < limit:
            ms = self._trade_ms(seed, listing, n)
            if ms <= end and _hole_at(ms, holes) is None:
                out.append(self._trade(inst, seed, listing, n, ms))
            n -= 1
        out.reverse()
        return out

    @staticmethod
    def _trade_ms(seed: int, listing: int, n: int) -> int:
        return listing + n * TRADE_GAP_MS + _stable_int(seed, "tt", n) % TRADE_GAP_MS

    def _trade(self, inst: Instrument, seed: int, listing: int, n: int, ms: int) -> HistoryTrade:
        minute_open = ms // MINUTE_MS * MINUTE_MS
        base = self._price(inst, seed, ms // MINUTE_MS)
        candle = self._candle(inst, seed, minute_open, minute_open + MINUTE_MS, self._clock())
        h = _stable_int(seed, "trade", n)
        price = min(max(base + (h % 3 - 1) * inst.price_tick, candle.low), candle.high)
        amount = (1 + h // 3 % 200) * inst.amount_step
        side = Side.BUY if h // 600 % 2 == 0 else Side.SELL
        return HistoryTrade(FIRST_TRADE_ID + n, ms, price, amount, side)

    # ---- funding -----------------------------------------------------------------------

    def funding(
        self,
        symbol: str,
        *,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int = 100,
    ) -> list[FundingEvent]:
        """Settled funding oldest first: from ``start_ms`` forwards (first ``limit``), or the
        last ``limit`` at or before ``end_ms`` (default now). Empty for a spot market."""
        inst = self._instrument(symbol)
        if not inst.is_swap or limit <= 0:
            return []
        now = self._clock()
        end = min(now if end_ms is None else end_ms, now)
        listing = self.listing_ms(symbol)
        first = -(-listing // FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS
        holes = self._holes(symbol)
        seed = self._pair_seed(inst)
        out: list[FundingEvent] = []
        if start_ms is not None:
            t = max(-(-start_ms // FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS, first)
            while t <= end and len(out) < limit:
                if _hole_at(t, holes) is None:
                    out.append(self._funding(inst, seed, t))
                t += FUNDING_INTERVAL_MS
            return out
        t = end // FUNDING_INTERVAL_MS * FUNDING_INTERVAL_MS
        while t >= first and len(out) < limit:
            if _hole_at(t, holes) is None:
                out.append(self._funding(inst, seed, t))
            t -= FUNDING_INTERVAL_MS
        out.reverse()
        return out

    def _funding(self, inst: Instrument, seed: int, ms: int) -> FundingEvent:
        rate = Decimal(_stable_int(seed, "funding", ms) % 200 - 50).scaleb(-6)
        if rate == ZERO:
            rate = Decimal("0.000001")
        return FundingEvent(ms, rate, self._price(inst, seed, ms // MINUTE_MS))


def _inside_hole(open_ms: int, next_ms: int, holes: list[tuple[int, int]]) -> bool:
    return any(a <= open_ms and next_ms <= b for a, b in holes)


def _hole_at(ms: int, holes: list[tuple[int, int]]) -> int | None:
    """The end of the outage that holds ``ms``, if any."""
    for a, b in holes:
        if a <= ms < b:
            return b
    return None
