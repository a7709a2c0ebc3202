"""Futures: leverage, a position, and closing it with a reduce-only order."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from _common import binance

from exchlayer import OrderSide, OrderType


async def main() -> None:
    async with binance() as exchange:
        symbol = "BTC/USDT:USDT"
        await exchange.set_leverage(symbol, 5)
        await exchange.create_order(symbol, OrderType.MARKET, OrderSide.BUY, Decimal("0.002"))
        for position in await exchange.get_positions(symbol):
            print(f"{position.symbol} {position.side.name} {position.size} "
                  f"entry {position.entry_price} PnL {position.unrealized_pnl}")
        await exchange.create_order(
            symbol, OrderType.MARKET, OrderSide.SELL, Decimal("0.002"), reduce_only=True
        )
        print(f"open positions after closing: {len(await exchange.get_positions(symbol))}")


if __name__ == "__main__":
    asyncio.run(main())
