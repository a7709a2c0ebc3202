"""Binance spot and USDT-M futures: the whole BaseExchange contract, end to end through ccxt."""

from __future__ import annotations

from exchlayer import TradeType
from exchlayer.testing.contract import ExchangeContract


class TestBinanceSpot(ExchangeContract):
    exchange_name = "binance"
    trade_type = TradeType.SPOT


class TestBinanceFutures(ExchangeContract):
    exchange_name = "binance"
    trade_type = TradeType.FUTURES
