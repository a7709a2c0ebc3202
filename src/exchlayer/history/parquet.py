"""Market history on disk: Parquet files, one per month, in a Hive-style tree.

Layout (every directory level is ``key=value``, so pyarrow, pandas, polars and DuckDB read the
tree as a partitioned dataset)::

    ROOT/candles/venue=binance/market=spot/timeframe=1m/symbol=BTC%2FUSDT/2025-03.parquet
    ROOT/trades/venue=binance/market=spot/symbol=BTC%2FUSDT/2025-03.parquet
    ROOT/funding/venue=binance/market=futures/symbol=BTC%2FUSDT%3AUSDT/2025-03.parquet

The symbol is percent-encoded (pyarrow's ``"uri"`` segment encoding decodes it back). The
partition keys live in the path only, not in the files. Each partition also keeps
``_coverage.json``: the time ranges already asked of the venue and answered, which is what lets
a re-run skip them (and tells an outage, asked and found empty, from a range never asked).

Schema. Money columns are ``decimal128(38, 18)``: exact, like the models, and native to every
reader (pandas gets `decimal.Decimal` objects, polars its ``Decimal`` type, DuckDB ``DECIMAL``),
where strings would need parsing and floats would round. 18 fractional digits and 20 integer
digits hold every price, amount and rate a venue publishes; a value that does not fit is
refused (`InvalidArgument`), never rounded. Times are ``timestamp[ms, tz=UTC]``.

========  ===========================================================================
kind      columns
========  ===========================================================================
candles   open_time, open, high, low, close, volume (base currency)
trades    timestamp, id (string), side (``buy``/``sell``/null), price, amount, cost
funding   timestamp, rate, mark_price (nullable)
========  ===========================================================================

Files are written whole to a temporary name and renamed into place, so a reader never sees a
half-written month, and an interrupted download leaves every file valid.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from ..errors import ConfigurationError, InvalidArgument
from ..models import OrderSide, TradeType
from .models import Candle, FundingRate, PublicTrade, at_ms, ms_of

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

__all__ = ["Kind", "ParquetStore", "Partition", "trade_type_of"]

Kind = Literal["candles", "trades", "funding"]
_SCALE = 18
_MAX_DIGITS = 38
_MONEY = {
    "candles": ("open", "high", "low", "close", "volume"),
    "trades": ("price", "amount", "cost"),
    "funding": ("rate", "mark_price"),
}
_TIME = {"candles": "open_time", "trades": "timestamp", "funding": "timestamp"}
_COVERAGE = "_coverage.json"


def _arrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:  # pragma: no cover - the data extra is installed in the test env
        raise ConfigurationError(
            "Parquet storage needs pyarrow: pip install 'exchlayer[data]'"
        ) from None
    return pyarrow


def _schema(kind: Kind) -> pyarrow.Schema:
    pa = _arrow()
    money = pa.decimal128(_MAX_DIGITS, _SCALE)
    stamp = pa.timestamp("ms", tz="UTC")
    if kind == "candles":
        fields = [("open_time", stamp)] + [(n, money) for n in _MONEY["candles"]]
    elif kind == "trades":
        fields = [
            ("timestamp", stamp),
            ("id", pa.string()),
            ("side", pa.string()),
            *[(n, money) for n in _MONEY["trades"]],
        ]
    else:
        fields = [("timestamp", stamp), ("rate", money), ("mark_price", money)]
    return pa.schema([pa.field(n, t, nullable=n in ("side", "mark_price")) for n, t in fields])


def _fits(value: Decimal | None, column: str) -> Decimal | None:
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise InvalidArgument(f"{column} {value} is not a finite number")
    if exponent < -_SCALE or value.adjusted() >= _MAX_DIGITS - _SCALE:
        raise InvalidArgument(
            f"{column} {value} does not fit decimal128({_MAX_DIGITS}, {_SCALE}) exactly: "
            "refused rather than rounded"
        )
    return value


def _month(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m")


@dataclass(frozen=True)
class Partition:
    """One series on disk: a kind of record, of one venue's market (and timeframe)."""

    kind: Kind
    venue: str
    trade_type: TradeType
    symbol: str
    timeframe: str | None = None

    def directory(self, root: Path) -> Path:
        path = root / self.kind / f"venue={self.venue}" / f"market={self.trade_type.value}"
        if self.kind == "candles":
            if self.timeframe is None:
                raise InvalidArgument("candles need a timeframe")
            path = path / f"timeframe={self.timeframe}"
        return path / f"symbol={quote(self.symbol, safe='')}"


class ParquetStore:
    """A directory of market history in Parquet (see the module docstring for the layout).

    ``store.candles(...)``, ``store.to_pandas(...)`` and ``store.to_polars(...)`` read a series
    back in one call; the downloader (`exchlayer.history.download_ohlcv`, ...) writes it.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"ParquetStore({str(self.root)!r})"

    # ---- writing -----------------------------------------------------------------------

    def write(self, part: Partition, records: Sequence[Candle | PublicTrade | FundingRate]) -> int:
        """Merge ``records`` into their month files (a record already stored, by time and id,
        is replaced, never doubled); returns how many rows were new."""
        if not records:
            return 0
        pa = _arrow()
        by_month: dict[str, list[Any]] = {}
        for record in records:
            by_month.setdefault(_month(ms_of(_time_of(record))), []).append(record)
        directory = part.directory(self.root)
        directory.mkdir(parents=True, exist_ok=True)
        added = 0
        for month, rows in sorted(by_month.items()):
            path = directory / f"{month}.parquet"
            fresh = self._table(part.kind, rows)
            if path.exists():
                old = pa.parquet.read_table(path, schema=_schema(part.kind))
                merged, new = _merge(part.kind, old, fresh)
            else:
                merged, new = _merge(part.kind, fresh.slice(0, 0), fresh)
            added += new
            _atomic_write(path, merged)
        return added

    def _table(self, kind: Kind, rows: Sequence[Any]) -> pyarrow.Table:
        pa = _arrow()
        schema = _schema(kind)
        columns: dict[str, list[Any]] = {name: [] for name in schema.names}
        time_col = _TIME[kind]
        for row in rows:
            columns[time_col].append(_time_of(row))
            for name in _MONEY[kind]:
                columns[name].append(_fits(getattr(row, name), name))
            if kind == "trades":
                columns["id"].append(row.id)
                columns["side"].append(None if row.side is None else row.side.value)
        return pa.table(columns, schema=schema)

    # ---- coverage ------------------------------------------------------------------------

    def coverage(self, part: Partition) -> list[tuple[int, int]]:
        """The time ranges (ms, ``[start, end)``) already asked of the venue, merged."""
        path = part.directory(self.root) / _COVERAGE
        if not path.exists():
            return []
        data = json.loads(path.read_text())
        return [(int(a), int(b)) for a, b in data.get("ranges", [])]

    def add_coverage(self, part: Partition, start_ms: int, end_ms: int) -> None:
        if end_ms <= start_ms:
            return
        merged = merge_ranges([*self.coverage(part), (start_ms, end_ms)])
        directory = part.directory(self.root)
        directory.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"ranges": [list(r) for r in merged]}).encode()
        _atomic_bytes(directory / _COVERAGE, body)

    # ---- reading -------------------------------------------------------------------------

    def table(
        self,
        part: Partition,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> pyarrow.Table:
        """The stored rows of one series in ``[since, until)``, oldest first, as an Arrow
        table (with ``venue``, ``market``, ``symbol`` and ``timeframe`` columns added)."""
        pa = _arrow()
        schema = _schema(part.kind)
        directory = part.directory(self.root)
        files = sorted(directory.glob("*.parquet")) if directory.exists() else []
        tables = [pa.parquet.read_table(f, schema=schema) for f in _months(files, since, until)]
        table = pa.concat_tables(tables) if tables else schema.empty_table()
        time_col = _TIME[part.kind]
        if since is not None or until is not None:
            import pyarrow.compute as pc

            stamps = table.column(time_col)
            mask = None
            if since is not None:
                mask = pc.greater_equal(stamps, pa.scalar(since, pa.timestamp("ms", tz="UTC")))
            if until is not None:
                below = pc.less(stamps, pa.scalar(until, pa.timestamp("ms", tz="UTC")))
                mask = below if mask is None else pc.and_(mask, below)
            table = table.filter(mask)
        n = table.num_rows
        extra = {
            "venue": part.venue,
            "market": part.trade_type.value,
            "symbol": part.symbol,
        }
        if part.timeframe is not None:
            extra["timeframe"] = part.timeframe
        for name, value in extra.items():
            table = table.append_column(name, pa.array([value] * n, pa.string()))
        return table

    def to_pandas(self, part: Partition, **span: datetime | None) -> pandas.DataFrame:
        """One series as a pandas DataFrame (money columns hold `decimal.Decimal`)."""
        return self.table(part, **span).to_pandas()

    def to_polars(self, part: Partition, **span: datetime | None) -> polars.DataFrame:
        """One series as a polars DataFrame (money columns are ``Decimal(38, 18)``)."""
        import polars as pl

        frame = pl.from_arrow(self.table(part, **span))
        assert isinstance(frame, pl.DataFrame)
        return frame

    def candles(
        self,
        venue: str,
        symbol: str,
        timeframe: str,
        *,
        trade_type: TradeType | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Candle]:
        """Stored candles back as `Candle` models, oldest first (``trade_type`` defaults to
        what the symbol says: ``BTC/USDT:USDT`` is futures)."""
        trade_type = trade_type_of(symbol, trade_type)
        part = Partition("candles", venue, trade_type, symbol, timeframe)
        table = self.table(part, since, until)
        stamps = table.column("open_time").cast(_arrow().int64()).to_pylist()
        columns = [table.column(name).to_pylist() for name in _MONEY["candles"]]
        # the columns' types are the schema's (read with it): models built without validation
        return [
            Candle._trusted(
                symbol=symbol,
                trade_type=trade_type,
                timeframe=timeframe,
                open_time=at_ms(stamp),
                open=_plain(o),
                high=_plain(h),
                low=_plain(lo),
                close=_plain(c),
                volume=_plain(v),
            )
            for stamp, o, h, lo, c, v in zip(stamps, *columns, strict=True)
        ]

    def public_trades(
        self,
        venue: str,
        symbol: str,
        *,
        trade_type: TradeType | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[PublicTrade]:
        trade_type = trade_type_of(symbol, trade_type)
        part = Partition("trades", venue, trade_type, symbol)
        rows = self.table(part, since, until).to_pylist()
        return [
            PublicTrade(
                id=row["id"],
                symbol=symbol,
                trade_type=trade_type,
                side=None if row["side"] is None else OrderSide(row["side"]),
                price=_plain(row["price"]),
                amount=_plain(row["amount"]),
                cost=_plain(row["cost"]),
                timestamp=row["timestamp"],
            )
            for row in rows
        ]

    def funding_rates(
        self,
        venue: str,
        symbol: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[FundingRate]:
        part = Partition("funding", venue, TradeType.FUTURES, symbol)
        rows = self.table(part, since, until).to_pylist()
        return [
            FundingRate(
                symbol=symbol,
                rate=_plain(row["rate"]),
                timestamp=row["timestamp"],
                mark_price=None if row["mark_price"] is None else _plain(row["mark_price"]),
            )
            for row in rows
        ]

    def times(self, part: Partition) -> set[int]:
        """The stored record times (ms) of one series."""
        table = self.table(part)
        column = table.column(_TIME[part.kind]).cast(_arrow().int64())
        return set(column.to_pylist())


def _plain(value: Decimal) -> Decimal:
    """A stored number without the 18 trailing zeros of its column's scale (and never in
    exponent form: ``Decimal('0E-18')`` reads back as ``0``)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _time_of(record: Candle | PublicTrade | FundingRate) -> datetime:
    return record.open_time if isinstance(record, Candle) else record.timestamp


def _months(
    files: Iterable[Path], since: datetime | None, until: datetime | None
) -> Iterator[Path]:
    low = None if since is None else since.astimezone(timezone.utc).strftime("%Y-%m")
    high = None if until is None else until.astimezone(timezone.utc).strftime("%Y-%m")
    for f in files:
        month = f.stem
        if (low is None or month >= low) and (high is None or month <= high):
            yield f


def trade_type_of(symbol: str, trade_type: TradeType | None) -> TradeType:
    """``trade_type``, else what ``symbol`` says (``BTC/USDT:USDT`` is futures)."""
    if trade_type is not None:
        return trade_type
    return TradeType.FUTURES if ":" in symbol else TradeType.SPOT


def _merge(kind: Kind, old: pyarrow.Table, fresh: pyarrow.Table) -> tuple[pyarrow.Table, int]:
    """Old and new rows as one table sorted by time, new rows replacing old ones of the same
    key (time, and id for trades); with the number of keys that were not stored before."""
    pa = _arrow()
    time_col = _TIME[kind]

    def keys(table: pyarrow.Table) -> list[Any]:
        stamps: list[Any] = table.column(time_col).cast(pa.int64()).to_pylist()
        if kind == "trades":  # a trade without an id (BingX's perpetuals) is its figures
            columns = ("id", "price", "amount", "side")
            return list(zip(stamps, *(table.column(c).to_pylist() for c in columns), strict=True))
        return stamps

    fresh_keys = keys(fresh)
    old_keys = keys(old)
    new = len(set(fresh_keys) - set(old_keys))
    merged = pa.concat_tables([old, fresh])
    merged_keys = old_keys + fresh_keys
    last: dict[Any, int] = {}  # one row per key, the latest write winning
    for i, k in enumerate(merged_keys):
        last[k] = i
    indices = sorted(last.values(), key=lambda i: merged_keys[i])
    return merged.take(indices), new


def _atomic_write(path: Path, table: pyarrow.Table) -> None:
    pa = _arrow()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pa.parquet.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _atomic_bytes(path: Path, body: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching ``[start, end)`` ranges merged, sorted."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def missing_ranges(
    start: int, end: int, covered: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` that ``covered`` does not cover."""
    out: list[tuple[int, int]] = []
    cursor = start
    for a, b in merge_ranges(covered):
        if b <= cursor:
            continue
        if a >= end:
            break
        if a > cursor:
            out.append((cursor, min(a, end)))
        cursor = max(cursor, b)
    if cursor < end:
        out.append((cursor, end))
    return out
