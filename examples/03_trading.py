"""Spec example 3: trading: a market buy, its status, and a limit order cancelled.

On the real venue this places real orders: run it with BINANCE_TESTNET=true keys.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from _common import binance

from exchlayer import OrderSide, OrderType, TradeType


async def main() -> None:
    async with binance() as exchange:
        order = await exchange.create_order(
            symbol="BTC/USDT",
            order_type=OrderType.MARKET,
            side=OrderSide.BUY,
            amount=Decimal("0.001"),
            trade_type=TradeType.SPOT,
        )
        order_info = await exchange.get_order(order.id, "BTC/USDT")
        print(f"Market order {order.id}: {order_info.status.name}, "
              f"filled {order_info.filled} at {order_info.average_price}")

        ticker = await exchange.get_ticker("BTC/USDT")
        assert ticker.last_price is not None
        limit_price = (ticker.last_price * Decimal("0.9")).quantize(Decimal("0.01"))
        limit = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, Decimal("0.001"), price=limit_price
        )
        success = await exchange.cancel_order(limit.id, "BTC/USDT")
        print(f"Limit order {limit.id} at {limit_price} cancelled: {success}")


if __name__ == "__main__":
    asyncio.run(main())
