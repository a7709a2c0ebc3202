"""Downloading market history into a `ParquetStore`: any range, resumable, idempotent, honest.

* **Only what is final is stored**: closed candles, trades and funding settlements up to the
  start of the current minute (a candle still forming is never written).
* **Resumes where it stopped.** The store keeps, per series, the time ranges the venue was asked
  and answered (``_coverage.json``); a run asks only for the rest of its range. Data is flushed
  as it arrives (every ``flush_rows`` rows, and in any case when the run ends, fails or is
  cancelled), with the coverage that goes with it, so an interrupted download loses at most
  the page in flight.
* **Idempotent.** A second run of the same range asks nothing and writes nothing; overlapping
  ranges are deduplicated by time (and trade id).
* **Gaps are reported, never filled.** Periods inside the range with no data (before the listing,
  an outage) come back in `DownloadReport.gaps`, computed from what is stored, on every run.
* **Shares the rate budget**: every page goes through the exchange's own calls, so it waits on
  the same limiter as the connection's other requests.

Progress: a bar on stderr (``progress=True``, or by default when stderr is a terminal),
nothing (``progress=False``), or your own callable receiving `DownloadProgress`.
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from ..errors import InvalidArgument
from ..models import TradeType
from .models import (
    CLOSE_MARGIN_MS,
    FLOOR_MS,
    Candle,
    FundingRate,
    PublicTrade,
    at_ms,
    ms_of,
    next_open,
    timeframe_ms,
)
from .parquet import Kind, ParquetStore, Partition, missing_ranges, trade_type_of

if TYPE_CHECKING:
    from ..base import BaseExchange

__all__ = [
    "DownloadProgress",
    "DownloadReport",
    "Gap",
    "ProgressBar",
    "download_funding_rates",
    "download_ohlcv",
    "download_trades",
    "venue_name",
]

_R = TypeVar("_R", Candle, PublicTrade, FundingRate)
_MINUTE = 60_000
_HOUR = 3_600_000
_FUNDING_STEP = 8 * _HOUR


@dataclass(frozen=True)
class Gap:
    """A period of the asked range with no data at the venue: ``[start, end)``."""

    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} .. {self.end:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class DownloadProgress:
    """How far a download is: ``done_ms`` of ``total_ms`` of its range asked, ``rows`` got."""

    partition: Partition
    done_ms: int
    total_ms: int
    rows: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.total_ms <= 0 else min(self.done_ms / self.total_ms, 1.0)


@dataclass(frozen=True)
class DownloadReport:
    """What a download did: its range, the rows it wrote and that are stored, and the gaps."""

    partition: Partition
    since: datetime
    until: datetime
    written: int
    """Rows that were not stored before this run."""
    stored: int
    """Rows stored in ``[since, until)`` after this run."""
    requests: int
    """Pages asked of the venue by this run (0 when everything was already stored)."""
    gaps: tuple[Gap, ...]
    path: Path
    elapsed_s: float = field(compare=False)
    unserved: tuple[Gap, ...] = ()
    """Parts of the range the venue no longer serves and the store does not hold (Gate.io
    keeps only its latest 10,000 candles of a timeframe): not gaps, just out of reach."""

    def summary(self) -> str:
        p = self.partition
        gaps = f", {len(self.gaps)} gap(s)" if self.gaps else ""
        if self.unserved:
            gaps += f", {self.unserved[0].start:%Y-%m-%d %H:%M} on not served by the venue"
        return (
            f"{p.venue} {p.symbol} {p.kind}{f' {p.timeframe}' if p.timeframe else ''}: "
            f"{self.stored:,} stored ({self.written:,} new, {self.requests} requests"
            f"{gaps}) in {self.elapsed_s:.1f}s -> {self.path}"
        )


class ProgressBar:
    """A one-line progress bar on a stream (stderr by default), redrawn in place."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._width = width
        self._started = time.monotonic()
        self._drawn = False

    def __call__(self, p: DownloadProgress) -> None:
        filled = int(p.fraction * self._width)
        rate = p.rows / max(time.monotonic() - self._started, 1e-9)
        bar = "#" * filled + "-" * (self._width - filled)
        line = f"\r{p.partition.symbol} [{bar}] {p.fraction:4.0%} {p.rows:,} rows {rate:,.0f}/s"
        try:
            self._stream.write(line)
            self._stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr does not stop a download
            return
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            try:
                self._stream.write("\n")
                self._stream.flush()
            except (OSError, ValueError):
                return


def _progress(progress: bool | Callable[[DownloadProgress], None] | None) -> tuple[
    Callable[[DownloadProgress], None] | None, ProgressBar | None
]:
    if callable(progress):
        return progress, None
    if progress is None:
        progress = sys.stderr.isatty()
    if progress:
        bar = ProgressBar()
        return bar, bar
    return None, None


def _store(to: ParquetStore | str | os.PathLike[str]) -> ParquetStore:
    return to if isinstance(to, ParquetStore) else ParquetStore(to)


def _span(since: object, until: object) -> tuple[int, int | None]:
    for name, value in (("since", since), ("until", until)):
        if value is None and name == "until":
            continue
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise InvalidArgument(f"{name} must be a timezone-aware datetime, got {value!r}")
    assert isinstance(since, datetime)
    end = None if until is None else ms_of(until)  # type: ignore[arg-type]
    start = ms_of(since)
    if end is not None and end <= start:
        raise InvalidArgument("until must be after since")
    # no venue has anything before FLOOR_MS: a range ending earlier is empty, asked of nobody
    return max(start, FLOOR_MS), None if end is None else max(end, FLOOR_MS)


def venue_name(exchange: BaseExchange) -> str:
    """The venue's name as the store's ``venue=`` partition spells it (``binance``, ...)."""
    name = getattr(exchange, "name", None)
    return name if isinstance(name, str) and name else type(exchange).__name__.lower()


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


async def _run(  # noqa: PLR0917 - the one loop every kind of download shares
    part: Partition,
    store: ParquetStore,
    start: int,
    end: int,
    chunk: Callable[[int], int],
    fetch: Callable[[int, int], Awaitable[Sequence[_R]]],
    progress: bool | Callable[[DownloadProgress], None] | None,
    flush_rows: int,
) -> tuple[int, int]:
    """Ask every part of ``[start, end)`` not yet covered, chunk by chunk; store what comes
    back with its coverage. Returns (rows written, requests made)."""
    report, bar = _progress(progress)
    todo = missing_ranges(start, end, store.coverage(part))
    total = sum(b - a for a, b in todo)
    done = rows = written = requests = 0
    buffer: list[_R] = []
    pending: list[tuple[int, int]] = []

    def flush() -> None:
        nonlocal written
        if buffer:
            written += store.write(part, buffer)
            buffer.clear()
        for a, b in pending:
            store.add_coverage(part, a, b)
        pending.clear()

    try:
        for lo, hi in todo:
            cursor = lo
            while cursor < hi:
                upto = min(chunk(cursor), hi)
                got = await fetch(cursor, upto)
                requests += 1
                buffer.extend(got)
                rows += len(got)
                if pending and pending[-1][1] == cursor:
                    pending[-1] = (pending[-1][0], upto)
                else:
                    pending.append((cursor, upto))
                done += upto - cursor
                cursor = upto
                if len(buffer) >= flush_rows:
                    flush()
                if report is not None:
                    report(DownloadProgress(part, done, total, rows))
    finally:
        flush()
        if bar is not None:
            bar.close()
    return written, requests


def _report(  # noqa: PLR0917 - the report's parts
    part: Partition,
    store: ParquetStore,
    start: int,
    end: int,
    written: int,
    requests: int,
    gaps: list[tuple[int, int]],
    began: float,
    unserved: Sequence[tuple[int, int]] = (),
) -> DownloadReport:
    stored = store.table(part, at_ms(start), at_ms(end)).num_rows
    return DownloadReport(
        partition=part,
        since=at_ms(start),
        until=at_ms(end),
        written=written,
        stored=stored,
        requests=requests,
        gaps=tuple(Gap(at_ms(a), at_ms(b)) for a, b in gaps),
        path=part.directory(store.root),
        elapsed_s=time.monotonic() - began,
        unserved=tuple(Gap(at_ms(a), at_ms(b)) for a, b in unserved),
    )


def _longest(timeframe: str) -> int:
    """The longest a candle of ``timeframe`` lasts (a month: 31 days)."""
    return 31 * 86_400_000 if timeframe.endswith("M") else timeframe_ms(timeframe)


def _candle_gaps(times: set[int], start: int, end: int, timeframe: str) -> list[tuple[int, int]]:
    """Where ``[start, end)`` holds no stored candle for a candle's length or more: between
    two stored candles, before the first, after the last. Derived from the data, not from a
    grid, so a venue's own alignment (Gate's futures weeks open on Thursday) is no gap."""
    shortest = 28 * 86_400_000 if timeframe.endswith("M") else timeframe_ms(timeframe)
    gaps: list[tuple[int, int]] = []
    covered_to = start
    for t in sorted(times):
        if t - covered_to >= shortest:
            gaps.append((covered_to, t))
        covered_to = max(covered_to, next_open(t, timeframe))
    if end - covered_to >= shortest:
        gaps.append((covered_to, end))
    return gaps


async def download_ohlcv(
    exchange: BaseExchange,
    symbol: str,
    timeframe: str,
    *,
    since: datetime,
    until: datetime | None = None,
    to: ParquetStore | str | os.PathLike[str],
    trade_type: TradeType | None = None,
    progress: bool | Callable[[DownloadProgress], None] | None = None,
    flush_rows: int = 50_000,
) -> DownloadReport:
    """Download ``symbol``'s closed candles of ``timeframe`` opening in ``[since, until)``
    (``until`` defaults to now) into the store at ``to``; see the module docstring."""
    began = time.monotonic()
    start, end = _span(since, until)
    duration = timeframe_ms(timeframe)
    tt = trade_type_of(symbol, trade_type)
    store = _store(to)
    part = Partition("candles", venue_name(exchange), tt, symbol, timeframe)
    # every candle opening before `latest` has closed, whatever the venue's alignment
    latest = _now_ms() - CLOSE_MARGIN_MS - _longest(timeframe)
    end = min(end if end is not None else latest, latest)
    asked = start  # the report covers what was asked; the venue may serve less of it
    start, unserved = _reachable(exchange, store, part, start, end)
    page_size = getattr(exchange, "ohlcv_page_size", None)
    page = page_size(tt) if callable(page_size) else 500
    step = page if not timeframe.endswith("M") else max(page // 2, 1)

    def chunk(cursor: int) -> int:
        return cursor + step * duration

    async def fetch(lo: int, hi: int) -> list[Candle]:
        got = await exchange.get_ohlcv(
            symbol, timeframe, since=at_ms(lo), until=at_ms(hi), trade_type=tt
        )
        return [c for c in got if c.closed and lo <= ms_of(c.open_time) < hi]

    written, requests = (0, 0)
    if end > start:
        written, requests = await _run(
            part, store, start, end, chunk, fetch, progress, flush_rows
        )
    gaps = _candle_gaps(_stored_times(store, part, start, end), start, max(end, start), timeframe)
    return _report(part, store, asked, max(end, asked), written, requests, gaps, began, unserved)


def _reachable(
    exchange: BaseExchange, store: ParquetStore, part: Partition, start: int, end: int
) -> tuple[int, list[tuple[int, int]]]:
    """Where the candles to ask begin: `start`, or the oldest the venue still serves when
    `start` is older (`ohlcv_earliest`); and the older parts the store does not hold."""
    earliest_of = getattr(exchange, "ohlcv_earliest", None)
    assert part.timeframe is not None
    earliest = earliest_of(part.timeframe, part.trade_type) if callable(earliest_of) else None
    if earliest is None or start >= ms_of(earliest):
        return start, []
    first = min(ms_of(earliest), end)
    return first, missing_ranges(start, first, store.coverage(part))


def _stored_times(store: ParquetStore, part: Partition, start: int, end: int) -> set[int]:
    table = store.table(part, at_ms(start), at_ms(max(end, start + 1)))
    column = "open_time" if part.kind == "candles" else "timestamp"
    import pyarrow

    return set(table.column(column).cast(pyarrow.int64()).to_pylist())


async def download_trades(
    exchange: BaseExchange,
    symbol: str,
    *,
    since: datetime,
    until: datetime | None = None,
    to: ParquetStore | str | os.PathLike[str],
    trade_type: TradeType | None = None,
    progress: bool | Callable[[DownloadProgress], None] | None = None,
    flush_rows: int = 200_000,
    chunk_ms: int = _HOUR,
) -> DownloadReport:
    """Download the public trades of ``[since, until)`` (to the start of the current minute at
    most) in chunks of ``chunk_ms``; a chunk the venue answers empty is reported as a gap.

    Raises:
        NotSupported: the venue publishes only its latest trades (KuCoin, BingX).
    """
    began = time.monotonic()
    start, end = _span(since, until)
    tt = trade_type_of(symbol, trade_type)
    store = _store(to)
    part = Partition("trades", venue_name(exchange), tt, symbol)
    now_minute = _now_ms() // _MINUTE * _MINUTE
    end = min(end if end is not None else now_minute, now_minute)

    async def fetch(lo: int, hi: int) -> list[PublicTrade]:
        return await exchange.get_public_trades(
            symbol, since=at_ms(lo), until=at_ms(hi), trade_type=tt
        )

    written, requests = (0, 0)
    if end > start:
        written, requests = await _run(
            part, store, start, end, lambda c: c + chunk_ms, fetch, progress, flush_rows
        )
    times = sorted(_stored_times(store, part, start, end))
    gaps = _sparse_gaps(times, start, max(end, start), chunk_ms)
    return _report(part, store, start, max(end, start), written, requests, gaps, began)


async def download_funding_rates(
    exchange: BaseExchange,
    symbol: str,
    *,
    since: datetime,
    until: datetime | None = None,
    to: ParquetStore | str | os.PathLike[str],
    progress: bool | Callable[[DownloadProgress], None] | None = None,
    flush_rows: int = 50_000,
) -> DownloadReport:
    """Download the funding settlements of the perpetual ``symbol`` in ``[since, until)``; a
    missing settlement (more than one interval between two stored ones) is a gap."""
    began = time.monotonic()
    start, end = _span(since, until)
    store = _store(to)
    part = Partition("funding", venue_name(exchange), TradeType.FUTURES, symbol)
    now_minute = _now_ms() // _MINUTE * _MINUTE
    end = min(end if end is not None else now_minute, now_minute)

    async def fetch(lo: int, hi: int) -> list[FundingRate]:
        return await exchange.get_funding_rate_history(symbol, since=at_ms(lo), until=at_ms(hi))

    written, requests = (0, 0)
    if end > start:
        written, requests = await _run(
            part,
            store,
            start,
            end,
            lambda c: c + 90 * _FUNDING_STEP,
            fetch,
            progress,
            flush_rows,
        )
    times = sorted(_stored_times(store, part, start, end))
    interval = min((b - a for a, b in itertools.pairwise(times)), default=_FUNDING_STEP)
    gaps = _sparse_gaps(times, start, max(end, start), interval)
    return _report(part, store, start, max(end, start), written, requests, gaps, began)


def _sparse_gaps(times: list[int], start: int, end: int, interval: int) -> list[tuple[int, int]]:
    """Stretches of ``[start, end)`` longer than ``interval`` with no record in them."""
    gaps: list[tuple[int, int]] = []
    previous = start
    for t in [*times, end]:
        if t - previous > interval:
            gaps.append((previous, t))
        previous = t
    return gaps


# the kinds, for the CLI and docs
KINDS: tuple[Kind, ...] = ("candles", "trades", "funding")
