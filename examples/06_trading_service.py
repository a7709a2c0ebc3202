"""TradingService: several accounts on one venue, routed orders, a portfolio, health.

Runs against the built-in venue simulator (no keys, no network).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from exchlayer import Credentials, OrderSide, OrderType
from exchlayer.connection import ExchangeConnection
from exchlayer.service import TradingService
from exchlayer.testing import Simulator


async def main() -> None:
    async with Simulator() as sim:
        for key in ("alice-main", "alice-hedge"):
            sim.add_account("binance", api_key=key, secret=f"{key}-secret")
        async with TradingService(session=sim.client_session()) as service:
            ids = []
            for key in ("alice-main", "alice-hedge"):
                conn = await service.add_exchange_connection(
                    ExchangeConnection(
                        user="alice",
                        exchange="binance",
                        label=key,
                        credentials=Credentials.from_values(key, f"{key}-secret"),
                    )
                )
                ids.append(conn.id)
            quotes = await service.get_ticker("BTC/USDT")
            print(f"best bid {quotes.best_bid}, best ask {quotes.best_ask}")
            assert ids[0] is not None
            order = await service.create_order(
                connection_id=ids[0], symbol="BTC/USDT", order_type=OrderType.MARKET,
                side=OrderSide.BUY, amount=Decimal("0.01"),
            )
            print(f"order {order.id}: {order.status.name} at {order.average_price}")
            portfolio = await service.get_portfolio("alice")
            for currency, row in portfolio.balances.items():
                print(f"{currency}: {row.total} across {len(row.by_connection)} connection(s)")
            for cid, status in (await service.get_connection_status()).items():
                print(f"connection {cid}: connected={status.connected} "
                      f"latency={status.latency_ms:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
