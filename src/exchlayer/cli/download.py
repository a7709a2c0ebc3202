"""``exchlayer download VENUE SYMBOL TIMEFRAME --since ... [--until ...] --to DIR``: market
history into the Parquet store (needs ``pip install 'exchlayer[data]'``).

TIMEFRAME is a candle timeframe (``1m``, ``1h``, ``1d``, ...), or ``trades`` for the public tape,
or ``funding`` for a perpetual's funding rates. A re-run resumes where the last one stopped and
writes nothing twice; periods the venue has no data for are reported as gaps, never filled.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timedelta, timezone

from ..errors import InvalidArgument
from ..history.download import (
    DownloadProgress,
    DownloadReport,
    ProgressBar,
    download_funding_rates,
    download_ohlcv,
    download_trades,
)
from ..history.models import timeframe_ms
from .app import EXIT_OK, Command, Context, ParserOptions, UsageError
from .venue import add_venue_arguments, open_exchange

__all__ = ["COMMAND", "moment_arg", "timeframe_arg"]

_KINDS = ("trades", "funding")
_AGO = re.compile(r"(\d+)([mhdw])")
_AGO_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def timeframe_arg(text: str) -> str:
    """A candle timeframe (``1m``, ``4h``, ``1d``, ``1w``, ``1M``), ``trades`` or ``funding``."""
    if text.lower() in _KINDS:
        return text.lower()
    try:
        timeframe_ms(text)
    except InvalidArgument:
        raise argparse.ArgumentTypeError(
            f"expected a timeframe (1m, 5m, 1h, 4h, 1d, 1w, 1M), 'trades' or 'funding', got "
            f"{text!r}"
        ) from None
    return text


def moment_arg(text: str) -> datetime:
    """A time: ISO 8601 (``2025-01-01``, ``2025-01-01T12:30``, with an offset or ``Z``; UTC
    when it has none), or an age (``90d``, ``12h``, ``30m``, ``2w``: that long ago)."""
    value = text.strip()
    ago = _AGO.fullmatch(value)
    if ago is not None:
        span = timedelta(**{_AGO_UNITS[ago.group(2)]: int(ago.group(1))})
        return datetime.now(timezone.utc) - span
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date or time (2025-01-01, 2025-01-01T12:00Z) or an age (30d, 12h), "
            f"got {text!r}"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _report_json(report: DownloadReport) -> dict[str, object]:
    p = report.partition
    return {
        "venue": p.venue, "symbol": p.symbol, "trade_type": p.trade_type.value, "kind": p.kind,
        "timeframe": p.timeframe, "since": report.since, "until": report.until,
        "written": report.written, "stored": report.stored, "requests": report.requests,
        "gaps": [{"start": g.start, "end": g.end} for g in report.gaps],
        "unserved": [{"start": g.start, "end": g.end} for g in report.unserved],
        "path": str(report.path), "elapsed_s": round(report.elapsed_s, 3),
    }


def _progress(args: argparse.Namespace) -> ProgressBar | None:
    """The bar on stderr: with ``--progress``, or by default where stderr is a terminal."""
    if args.quiet or args.json:
        return None
    if args.progress or sys.stderr.isatty():
        return ProgressBar(sys.stderr)
    return None


async def _download(args: argparse.Namespace, ctx: Context) -> int:
    if args.until is not None and args.until <= args.since:
        raise UsageError("--until must be after --since")
    bar = _progress(args)
    progress = bar if bar is not None else _silent
    since, until, to, tt = args.since, args.until, args.to, args.trade_type
    try:
        async with open_exchange(args, ctx, keyed=False) as exchange:
            if args.timeframe == "trades":
                report = await download_trades(
                    exchange, args.symbol, since=since, until=until, to=to, trade_type=tt,
                    progress=progress,
                )
            elif args.timeframe == "funding":
                report = await download_funding_rates(
                    exchange, args.symbol, since=since, until=until, to=to, progress=progress
                )
            else:
                report = await download_ohlcv(
                    exchange, args.symbol, args.timeframe, since=since, until=until, to=to,
                    trade_type=tt, progress=progress,
                )
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        ctx.out.json(_report_json(report))
    elif not args.quiet:
        _print_report(report, ctx)
    return EXIT_OK


def _silent(progress: DownloadProgress) -> None:
    """No bar (``--quiet``, ``--json``, or stderr is not a terminal)."""
    del progress


def _print_report(report: DownloadReport, ctx: Context) -> None:
    p = report.partition
    what = p.timeframe or p.kind
    ctx.out.table(
        ("venue", "symbol", "data", "stored", "new", "requests", "gaps"),
        [[p.venue, p.symbol, what, f"{report.stored:,}", f"{report.written:,}",
          report.requests, len(report.gaps)]],
    )
    since, until = (f"{t:%Y-%m-%d %H:%M}" for t in (report.since, report.until))
    ctx.out.note(f"{since} .. {until} UTC in {report.elapsed_s:.1f}s -> {report.path}")
    for part in report.unserved:
        ctx.out.note(f"not served by the venue any more (it keeps only its latest candles): "
                     f"{part}")
    for gap in report.gaps[:20]:
        ctx.out.note(f"no data at the venue: {gap}")
    if len(report.gaps) > 20:
        ctx.out.note(f"... and {len(report.gaps) - 20} more gap(s) (--json lists them all)")


def _configure(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    add_venue_arguments(parser, options, keyed=False)
    parser.add_argument("symbol", metavar="SYMBOL", help="e.g. BTC/USDT, or BTC/USDT:USDT")
    parser.add_argument(
        "timeframe", metavar="TIMEFRAME", type=timeframe_arg,
        help="candles of 1m, 5m, 1h, 4h, 1d, 1w, 1M, ...; or 'trades' (the public tape) or "
        "'funding' (a perpetual's funding rates)",
    )
    parser.add_argument(
        "--since", required=True, type=moment_arg, metavar="WHEN",
        help="the start: 2025-01-01, 2025-01-01T12:00 (UTC unless an offset is given), or an "
        "age such as 30d or 12h",
    )
    parser.add_argument(
        "--until", type=moment_arg, metavar="WHEN",
        help="the end, not included (default: now; candles still forming are left out)",
    )
    parser.add_argument(
        "--to", default="data", metavar="DIR",
        help="the Parquet store's directory (default: ./data)",
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--quiet", "-q", action="store_true",
                       help="no progress bar and no summary: the exit code says how it went")
    shown.add_argument("--progress", action="store_true",
                       help="draw the progress bar on stderr even when it is not a terminal")


COMMAND = Command(
    name="download",
    help="market history (candles, trades, funding) into Parquet files",
    description="Download a market's candles, public trades or funding rates for a range into "
    "a Parquet store, page by page within the venue's rate limits. A re-run resumes where the "
    "last one stopped and writes nothing twice; periods the venue has no data for are "
    "reported as gaps, never filled. Needs pip install 'exchlayer[data]'. Public data: no "
    "keys needed.",
    configure=_configure,
    run=_download,
    epilog="examples: exchlayer download binance BTC/USDT 1m --since 2025-01-01 --to data; "
    "exchlayer download bitget BTC/USDT:USDT funding --since 90d --simulator",
)
