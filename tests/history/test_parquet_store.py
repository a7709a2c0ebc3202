"""The Parquet store: exact Decimals both ways, one row per key, months as files, coverage."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchlayer import InvalidArgument, OrderSide, TradeType
from exchlayer.history import Candle, FundingRate, ParquetStore, Partition, PublicTrade
from exchlayer.history.parquet import merge_ranges, missing_ranges

T0 = datetime(2025, 1, 31, 23, 58, tzinfo=timezone.utc)
PART = Partition("candles", "binance", TradeType.SPOT, "BTC/USDT", "1m")


def candle(i: int, close: str = "50000.5", volume: str = "1.23456789") -> Candle:
    return Candle(
        symbol="BTC/USDT",
        trade_type=TradeType.SPOT,
        timeframe="1m",
        open_time=T0 + timedelta(minutes=i),
        open=Decimal("50000"),
        high=Decimal("50001.25"),
        low=Decimal("49999.000000000000000001"),
        close=Decimal(close),
        volume=Decimal(volume),
    )


def test_candles_round_trip_exactly_across_month_files(tmp_path: Path) -> None:
    store = ParquetStore(tmp_path)
    written = [candle(i) for i in range(5)]  # 23:58 Jan 31 .. 00:02 Feb 1
    assert store.write(PART, written) == 5
    files = sorted(p.name for p in PART.directory(tmp_path).glob("*.parquet"))
    assert files == ["2025-01.parquet", "2025-02.parquet"]
    assert PART.directory(tmp_path).as_posix().endswith(
        "candles/venue=binance/market=spot/timeframe=1m/symbol=BTC%2FUSDT"
    )
    back = store.candles("binance", "BTC/USDT", "1m")
    assert back == written
    assert str(back[0].low) == "49999.000000000000000001"
    assert str(back[0].close) == "50000.5"


def test_rewriting_replaces_rows_never_doubles_them(tmp_path: Path) -> None:
    store = ParquetStore(tmp_path)
    store.write(PART, [candle(i) for i in range(3)])
    assert store.write(PART, [candle(i, close="1") for i in range(1, 5)]) == 2
    back = store.candles("binance", "BTC/USDT", "1m")
    assert [c.close for c in back] == [Decimal("50000.5"), 1, 1, 1, 1]
    assert [c.open_time for c in back] == sorted(c.open_time for c in back)


def test_a_value_that_does_not_fit_is_refused_not_rounded(tmp_path: Path) -> None:
    store = ParquetStore(tmp_path)
    with pytest.raises(InvalidArgument, match="does not fit"):
        store.write(PART, [candle(0, volume="0.0000000000000000001")])
    with pytest.raises(InvalidArgument, match="does not fit"):
        store.write(PART, [candle(0, close="123456789012345678901")])
    assert not list(PART.directory(tmp_path).glob("*.parquet"))


def test_read_back_as_pandas_polars_and_as_a_hive_dataset(tmp_path: Path) -> None:
    store = ParquetStore(tmp_path)
    store.write(PART, [candle(i) for i in range(3)])
    frame = store.to_pandas(PART)
    assert list(frame.columns)[:6] == ["open_time", "open", "high", "low", "close", "volume"]
    assert frame["close"].iloc[0] == Decimal("50000.5")
    assert str(frame["open_time"].dt.tz) == "UTC"
    pframe = store.to_polars(PART, since=T0 + timedelta(minutes=1))
    assert pframe.height == 2
    assert pframe.schema["close"] == pl.Decimal(38, 18)
    dataset = ds.dataset(tmp_path / "candles", partitioning="hive", format="parquet")
    table = dataset.to_table()
    assert table.num_rows == 3
    assert set(table.column("symbol").to_pylist()) == {"BTC/USDT"}
    assert table.schema.field("volume").type == pa.decimal128(38, 18)


def test_trades_and_funding_round_trip(tmp_path: Path) -> None:
    store = ParquetStore(tmp_path)
    trades = [
        PublicTrade(
            id=str(100 + i),
            symbol="BTC/USDT:USDT",
            trade_type=TradeType.FUTURES,
            side=OrderSide.BUY if i % 2 else None,
            price=Decimal("50000.1"),
            amount=Decimal("0.001"),
            cost=Decimal("50.0001"),
            timestamp=T0,  # same instant: the id tells them apart
        )
        for i in range(3)
    ]
    part = Partition("trades", "gateio", TradeType.FUTURES, "BTC/USDT:USDT")
    assert store.write(part, trades) == 3
    assert store.write(part, trades) == 0
    assert store.public_trades("gateio", "BTC/USDT:USDT", trade_type=TradeType.FUTURES) == trades
    rates = [
        FundingRate(symbol="BTC/USDT:USDT", rate=Decimal("-0.000125"), timestamp=T0),
        FundingRate(
            symbol="BTC/USDT:USDT",
            rate=Decimal("0.0001"),
            timestamp=T0 + timedelta(hours=8),
            mark_price=Decimal("50100.2"),
        ),
    ]
    fpart = Partition("funding", "gateio", TradeType.FUTURES, "BTC/USDT:USDT")
    store.write(fpart, rates)
    assert store.funding_rates("gateio", "BTC/USDT:USDT") == rates


def test_coverage_merges_and_survives(tmp_path: Path) -> None:
    store = ParquetStore(tmp_path)
    store.add_coverage(PART, 0, 10)
    store.add_coverage(PART, 20, 30)
    store.add_coverage(PART, 10, 20)
    assert ParquetStore(tmp_path).coverage(PART) == [(0, 30)]


ranges = st.lists(
    st.tuples(st.integers(0, 1000), st.integers(1, 200)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(ranges, st.integers(0, 1200), st.integers(1, 300))
def test_missing_ranges_are_exactly_what_coverage_lacks(
    covered: list[tuple[int, int]], start: int, width: int
) -> None:
    end = start + width
    missing = missing_ranges(start, end, covered)
    inside = {t for a, b in covered for t in range(a, b)}
    assert {t for a, b in missing for t in range(a, b)} == set(range(start, end)) - inside
    assert missing == merge_ranges(missing)  # sorted, disjoint, not touching
