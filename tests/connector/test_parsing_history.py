"""Candles, tape and funding answers are checked like every other answer: garbage is refused
(`MalformedResponse`), never returned as data; what is valid comes through exactly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchlayer import MalformedResponse, TradeType
from exchlayer.connector.parsing.history import (
    parse_candles,
    parse_funding_rate,
    parse_public_trade,
)

MIN = 60_000
T0 = 1_735_689_600_000  # 2025-01-01
NOW = T0 + 10 * MIN

prices = st.decimals(min_value=Decimal("0.00000001"), max_value=Decimal(10**7), places=8)


@st.composite
def valid_rows(draw: st.DrawFn) -> list[list[Any]]:
    n = draw(st.integers(0, 12))
    starts = sorted(draw(st.sets(st.integers(0, 50), min_size=n, max_size=n)))
    rows = []
    for i in starts:
        o, c = draw(prices), draw(prices)
        hi = max(o, c) + draw(st.decimals(0, 100, places=2))
        lo = min(o, c) - draw(st.decimals(0, min(o, c) / 2, places=8))
        assert lo > 0
        rows.append([T0 + i * MIN, o, hi, lo, c, draw(st.decimals(0, 10**6, places=8))])
    return rows


@settings(max_examples=150, deadline=None)
@given(valid_rows())
def test_valid_candles_come_through_exactly(rows: list[list[Any]]) -> None:
    candles = parse_candles(rows, "BTC/USDT", TradeType.SPOT, "1m", MIN, NOW)
    assert [
        (int(c.open_time.timestamp() * 1000), c.open, c.high, c.low, c.close, c.volume)
        for c in candles
    ] == [tuple(r) for r in rows]
    assert all(c.closed == (int(c.open_time.timestamp() * 1000) + MIN <= NOW) for c in candles)


def _corrupt(kind: str, rows: list[list[Any]]) -> list[Any]:
    row = rows[0]
    if kind == "zero price":
        row[1] = Decimal(0)
    elif kind == "negative volume":
        row[5] = Decimal("-1")
    elif kind == "high below close":
        row[2] = row[4] - Decimal("0.00000001")
    elif kind == "low above open":
        row[3] = row[1] + 1
    elif kind == "off grid":
        row[0] = row[0] + 1
    elif kind == "seconds":
        row[0] = row[0] // 1000
    elif kind == "short row":
        del row[5]
    elif kind == "string price":
        row[1] = "abc"
    elif kind == "nan":
        row[4] = Decimal("NaN")
    elif kind == "duplicate":
        rows.append(list(row))
    elif kind == "not a list":
        return {"rows": rows}  # type: ignore[return-value]
    return rows


KINDS = [
    "zero price", "negative volume", "high below close", "low above open", "off grid",
    "seconds", "short row", "string price", "nan", "duplicate", "not a list",
]


@settings(max_examples=200, deadline=None)
@given(valid_rows().filter(bool), st.sampled_from(KINDS))
def test_garbled_candles_are_refused(rows: list[list[Any]], kind: str) -> None:
    with pytest.raises(MalformedResponse):
        parse_candles(_corrupt(kind, rows), "BTC/USDT", TradeType.SPOT, "1m", MIN, NOW)


def test_a_trade_of_another_market_or_without_a_time_is_refused() -> None:
    good = {
        "id": "7", "symbol": "BTC/USDT", "side": "buy", "price": Decimal("50000.1"),
        "amount": Decimal("0.002"), "cost": None, "timestamp": T0,
    }
    trade = parse_public_trade(good, "BTC/USDT", TradeType.SPOT)
    assert trade.cost == Decimal("100.0002")
    for bad in ({"symbol": "ETH/USDT"}, {"timestamp": None}, {"price": Decimal(0)},
                {"side": "long"}, {"amount": -1}):
        with pytest.raises(MalformedResponse):
            parse_public_trade({**good, **bad}, "BTC/USDT", TradeType.SPOT)


def test_funding_rates_keep_sign_and_digits() -> None:
    raw = {"symbol": "BTC/USDT:USDT", "fundingRate": Decimal("-0.00012345"), "timestamp": T0,
           "info": {"markPrice": "50123.4"}}
    rate = parse_funding_rate(raw, "BTC/USDT:USDT")
    assert (rate.rate, rate.mark_price) == (Decimal("-0.00012345"), Decimal("50123.4"))
    with pytest.raises(MalformedResponse):
        parse_funding_rate({**raw, "fundingRate": None}, "BTC/USDT:USDT")
    with pytest.raises(MalformedResponse):
        parse_funding_rate({**raw, "symbol": "ETH/USDT:USDT"}, "BTC/USDT:USDT")
