"""KuCoin spot and USDT-margined futures: the whole BaseExchange contract, through ccxt."""

from __future__ import annotations

from exchlayer import TradeType
from exchlayer.testing.contract import ExchangeContract


class TestKucoinSpot(ExchangeContract):
    exchange_name = "kucoin"
    trade_type = TradeType.SPOT


class TestKucoinFutures(ExchangeContract):
    exchange_name = "kucoin"
    trade_type = TradeType.FUTURES
