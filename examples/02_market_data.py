"""Spec example 2: market data: ticker and order book."""

from __future__ import annotations

import asyncio

from _common import binance


async def main() -> None:
    async with binance() as exchange:
        ticker = await exchange.get_ticker("BTC/USDT")
        print(f"BTC Price: ${ticker.last_price}")

        order_book = await exchange.get_order_book("BTC/USDT", limit=10)
        print(f"Best bid: ${order_book.bids[0]['price']}")
        print(f"Best ask: ${order_book.asks[0]['price']}")
        print(f"Spread:   ${order_book.spread}")


if __name__ == "__main__":
    asyncio.run(main())
