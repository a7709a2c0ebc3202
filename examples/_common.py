"""Shared by the examples: a Binance connector on the real venue when keys are set, otherwise on
exchlayer's built-in venue simulator (127.0.0.1, no keys, no network).

    BINANCE_API_KEY=... BINANCE_SECRET_KEY=... BINANCE_TESTNET=true \
        python examples/02_market_data.py
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from exchlayer import BaseExchange, ExchangeFactory


@asynccontextmanager
async def binance() -> AsyncIterator[BaseExchange]:
    """A Binance connector: real (from the environment) or simulated."""
    if os.environ.get("BINANCE_API_KEY"):
        async with ExchangeFactory.from_env("binance") as exchange:
            yield exchange
        return
    from exchlayer.testing import Simulator, connect

    async with Simulator() as sim:
        print(f"(no BINANCE_API_KEY: using the venue simulator on 127.0.0.1:{sim.port})")
        async with await connect(sim, "binance") as exchange:
            yield exchange
