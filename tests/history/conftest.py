"""What the market-history tests share: a fresh venue simulator (its history deterministic)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from exchlayer.testing import Simulator


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator() as simulator:
        yield simulator
