"""Spec example 1: create an exchange connector and test the connection."""

from __future__ import annotations

import asyncio

from _common import binance


async def main() -> None:
    async with binance() as exchange:
        is_connected = await exchange.test_connection()
        print(f"Connected: {is_connected}")
        assert is_connected


if __name__ == "__main__":
    asyncio.run(main())
