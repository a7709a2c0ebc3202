"""Market history: typed candles, public trades and funding rates; a downloader that pages
through any range into Parquet; and the store that reads it back as pandas or polars.

    from datetime import datetime, timezone
    from exchlayer.history import ParquetStore, download_ohlcv

    report = await download_ohlcv(
        exchange, "BTC/USDT", "1m", since=datetime(2025, 1, 1, tzinfo=timezone.utc), to="data"
    )
    frame = ParquetStore("data").to_pandas(report.partition)

The models need nothing beyond exchlayer; the store and the downloader need pyarrow
(``pip install 'exchlayer[data]'``), imported when first used.
"""

from __future__ import annotations

from .download import (
    DownloadProgress,
    DownloadReport,
    Gap,
    ProgressBar,
    download_funding_rates,
    download_ohlcv,
    download_trades,
)
from .models import Candle, FundingRate, PublicTrade, next_open, timeframe_ms
from .parquet import ParquetStore, Partition

__all__ = [
    "Candle",
    "DownloadProgress",
    "DownloadReport",
    "FundingRate",
    "Gap",
    "ParquetStore",
    "Partition",
    "ProgressBar",
    "PublicTrade",
    "download_funding_rates",
    "download_ohlcv",
    "download_trades",
    "next_open",
    "timeframe_ms",
]
