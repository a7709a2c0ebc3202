"""Errors: bad input is refused before anything is sent, with a message that says why."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from _common import binance

from exchlayer import InvalidOrder, OrderLimitViolation, OrderSide, OrderType


async def main() -> None:
    async with binance() as exchange:
        try:
            await exchange.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, 0.001, Decimal("50000")  # type: ignore[arg-type]
            )
        except InvalidOrder as exc:
            print(f"refused: {exc}")
        try:
            await exchange.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, Decimal("0.0000001"), Decimal("50000")
            )
        except OrderLimitViolation as exc:
            print(f"refused ({exc.limit}): {exc}")


if __name__ == "__main__":
    asyncio.run(main())
