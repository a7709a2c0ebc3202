"""What the stream tests share: a simulator with its rate limits off (the streams are the
subject; the REST side's limits have tests of their own)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from exchlayer.testing import Simulator


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(rate_limits=False) as simulator:
        yield simulator
