"""Check exchlayer against the real venues' public endpoints (no keys needed).

Skipped unless you opt in, because it reaches the internet::

    EXCHLAYER_LIVE=1 python3 dev.py test tests/live -v

With keys in the environment (``BINANCE_API_KEY``, ``BINANCE_SECRET_KEY``,
``BINANCE_TESTNET=true``) the account test runs too, against Binance's demo environment.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from exchlayer import ExchangeFactory

pytestmark = pytest.mark.live

VENUES = ["binance"]


@pytest.mark.parametrize("name", VENUES)
async def test_public_market_data(name: str) -> None:
    async with ExchangeFactory.create_exchange(name) as exchange:
        ticker = await exchange.get_ticker("BTC/USDT")
        assert ticker.last_price is not None and ticker.last_price > Decimal(1000)
        book = await exchange.get_order_book("BTC/USDT", limit=5)
        assert book.bids[0].price < book.asks[0].price
        symbols = await exchange.get_symbols()
        assert "BTC/USDT" in symbols and "BTC/USDT:USDT" in symbols


@pytest.mark.parametrize("name", VENUES)
async def test_testnet_account(name: str) -> None:
    if not os.environ.get(f"{name.upper()}_API_KEY"):
        pytest.skip(f"set {name.upper()}_API_KEY / _SECRET_KEY / _TESTNET=true to run")
    async with ExchangeFactory.from_env(name) as exchange:
        assert exchange.is_testnet, "refusing to run the account test against a live account"
        assert await exchange.test_connection()
        await exchange.get_balance()
