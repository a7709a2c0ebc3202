"""Contracts and base currency: every amount a caller sees is in base currency, whatever unit
the venue counts in (KuCoin and Gate count futures in contracts of 0.001 and 0.0001 BTC)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exchlayer import OrderSide, OrderType
from exchlayer.testing import Simulator, connect

VENUES = ["binance", "gateio", "kucoin", "bingx", "bitget"]
PERP = "BTC/USDT:USDT"


@pytest.mark.parametrize("venue", VENUES)
async def test_ticker_book_order_fill_and_position_agree_in_base_currency(
    venue_simulator: Simulator, venue: str
) -> None:
    async with await connect(venue_simulator, venue) as exchange:
        ticker = await exchange.get_ticker(PERP)
        book = await exchange.get_order_book(PERP, 5)
        order = await exchange.create_order(PERP, OrderType.MARKET, OrderSide.BUY,
                                            Decimal("0.01"))
        (fill,) = await exchange.get_trades(PERP)
        (position,) = await exchange.get_positions(PERP)
    # the venue's best bid and ask sizes, where its ticker has them, are the book's top levels
    if ticker.bid_size is not None:
        assert ticker.bid_size == book.bids[0].amount
    if ticker.ask_size is not None:
        assert ticker.ask_size == book.asks[0].amount
    assert order.amount == order.filled == fill.amount == position.size == Decimal("0.01")
