"""BingX spot and USDT-M perpetual swaps: the whole BaseExchange contract, through ccxt."""

from __future__ import annotations

from exchlayer import TradeType
from exchlayer.testing.contract import ExchangeContract


class TestBingXSpot(ExchangeContract):
    exchange_name = "bingx"
    trade_type = TradeType.SPOT


class TestBingXFutures(ExchangeContract):
    exchange_name = "bingx"
    trade_type = TradeType.FUTURES
