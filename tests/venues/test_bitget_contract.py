"""Bitget spot and USDT-M futures: the whole BaseExchange contract, end to end through ccxt."""

from __future__ import annotations

from exchlayer import TradeType
from exchlayer.testing.contract import ExchangeContract


class TestBitgetSpot(ExchangeContract):
    exchange_name = "bitget"
    trade_type = TradeType.SPOT


class TestBitgetFutures(ExchangeContract):
    exchange_name = "bitget"
    trade_type = TradeType.FUTURES
