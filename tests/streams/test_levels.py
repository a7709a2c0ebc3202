"""The stream's level readers on hostile and varied text (hypothesis): a size of zero is a
removal in whatever form the venue writes it, anything else is the exact Decimal or refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchlayer import MalformedResponse
from exchlayer.connector.streams import decimal_level

sizes = st.decimals(min_value=0, max_value=10**9, allow_nan=False, allow_infinity=False,
                    places=8)


@given(size=sizes, padding=st.integers(min_value=0, max_value=4))
def test_a_size_reads_exactly_and_zero_is_a_removal(size: Decimal, padding: int) -> None:
    text = format(size, "f") + ("0" * padding if "." in format(size, "f") else "")
    price, amount = decimal_level(None, ["50000.5", text])
    assert price == Decimal("50000.5")
    assert amount == Decimal(text)  # exact, zero included (ccxt.pro's book then removes it)


# (Decimal's own leniencies, spaces and non-ASCII digits, read as the digits they spell, as on
# the REST side: see exchlayer.connector.parsing)
@given(garbage=st.sampled_from(["-1", "NaN", "inf", "", "1e400", "0x10", "-0.5", "1,5", "e"]))
def test_a_size_that_is_not_one_is_refused(garbage: str) -> None:
    with pytest.raises(MalformedResponse):
        decimal_level(None, ["50000.5", garbage])
