"""Positions keep the venue's exact digits: ccxt builds them with floats (15-17 digits), exchlayer
has ccxt keep each number's text while it parses a position."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from exchlayer import OrderSide, OrderType
from exchlayer.testing import Operation, Simulator, connect
from exchlayer.testing.simulator import VenueRequest, VenueResponse

VENUES = ["binance", "gateio", "kucoin", "bingx", "bitget"]
MARK = "50123.123456789012345678901"  # 27 significant digits: no float holds them
_MARK_KEY = re.compile(rb'"(markPrice|mark_price)"\s*:\s*"?[0-9.]+"?')


@pytest.mark.parametrize("venue", VENUES)
async def test_a_position_keeps_every_digit_the_venue_sent(
    venue_simulator: Simulator, venue: str
) -> None:
    sim = venue_simulator
    rewritten = 0

    async def precise_marks(request: VenueRequest, call_next):  # type: ignore[no-untyped-def]
        nonlocal rewritten
        response: VenueResponse = await call_next(request)
        if response.operation == Operation.POSITIONS and _MARK_KEY.search(response.body):
            rewritten += 1
            response.body = _MARK_KEY.sub(
                lambda m: b'"' + m.group(1) + b'":' + json.dumps(MARK).encode(), response.body
            )
        return response

    async with await connect(sim, venue) as exchange:
        await exchange.create_order("BTC/USDT:USDT", OrderType.MARKET, OrderSide.BUY,
                                    Decimal("0.01"))
        sim.interceptors.append(precise_marks)
        positions = await exchange.get_positions()
    assert rewritten >= 1
    assert [p.mark_price for p in positions] == [Decimal(MARK)]
