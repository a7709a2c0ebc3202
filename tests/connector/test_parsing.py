"""ccxt's dictionaries -> models: exact Decimals, and models built without re-validation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from exchlayer.connector import parsing
from exchlayer.connector.core import _ccxt_class
from exchlayer.models import Order, OrderSide, OrderStatus, Ticker, TradeType, check_parsed_models

D = Decimal

# more digits than a float holds: a float round trip would change them
PRECISE = "27123.123456789012345678"
# what ccxt's Binance parsers read of a market
SPOT_MARKET = {"symbol": "BTC/USDT", "spot": True, "contract": False, "linear": None,
               "inverse": False, "option": False}


@pytest.mark.parametrize(
    ("value", "text", "number"),
    [
        ("0.01000000", "0.01", "0.01"),
        ("100", "100", "100"),
        ("100.0", "100", "100"),
        ("0.000", "0", "0"),
        ("-0.50", "-0.5", "-0.5"),
        ("1e-05", "1e-05", "0.00001"),
        ("1.50E+10", "1.50E+10", "1.50E+10"),  # an exponent is kept: stripping would change it
        (PRECISE, PRECISE, PRECISE),
        (0.1, "0.1", "0.1"),
        (5, "5", "5"),
    ],
)
def test_exact_numbers_keep_the_venue_digits(value: Any, text: str, number: str) -> None:
    assert parsing.exact_number(value) == text
    parsed = parsing.to_decimal(parsing.exact_number(value))
    assert type(parsed) is Decimal
    assert str(parsed) == number


def test_what_is_not_a_number_reads_as_missing() -> None:
    assert parsing.to_decimal(parsing.exact_number("n/a")) is None
    assert parsing.to_decimal(parsing.exact_number("NaN")) is None
    assert parsing.to_decimal("") is None


def test_non_finite_numbers_read_as_missing() -> None:
    assert parsing.to_decimal(D("NaN")) is None
    assert parsing.to_decimal(float("inf")) is None
    assert parsing.to_decimal(D("1.5")) == D("1.5")


@pytest.fixture
def binance() -> Iterator[Any]:
    client = _ccxt_class("binance")({"enableRateLimit": False})
    yield client
    assert client.session is None  # nothing was opened, nothing to close


def test_tickers_come_from_ccxt_without_a_float(binance: Any) -> None:
    raw = binance.parse_ticker(
        {"symbol": "BTCUSDT", "lastPrice": PRECISE, "bidPrice": "27123.10000000",
         "askPrice": "27123.20000000", "volume": "12.5", "closeTime": 1700000000000},
        SPOT_MARKET,
    )
    ticker = parsing.parse_ticker(raw, "BTC/USDT", TradeType.SPOT)
    assert ticker.last_price == D(PRECISE)  # a float would have rounded it to 27123.123456789
    assert str(ticker.bid) == "27123.1"
    assert ticker.base_volume == D("12.5")
    assert binance.number is float  # ccxt is back to its own numbers after the call


def test_orders_come_from_ccxt_without_a_float(binance: Any) -> None:
    raw = binance.parse_order(
        {"symbol": "BTCUSDT", "orderId": 7, "clientOrderId": "xl1", "price": PRECISE,
         "origQty": "0.00100000", "executedQty": "0.00000000", "status": "NEW",
         "type": "LIMIT", "side": "BUY", "timeInForce": "GTC", "time": 1700000000000},
        SPOT_MARKET,
    )
    order = parsing.parse_order(raw, TradeType.SPOT)
    assert order.price == D(PRECISE)
    assert str(order.amount) == "0.001"
    assert order.status is OrderStatus.OPEN
    assert binance.number is float


def test_trusted_construction_matches_pydantic(monkeypatch: pytest.MonkeyPatch) -> None:
    values: dict[str, Any] = {
        "symbol": "BTC/USDT",
        "trade_type": TradeType.SPOT,
        "bid": D("1.5"),
        "ask": D("1.6"),
        "timestamp": datetime(2026, 1, 1, tzinfo=timezone.utc),
        "raw": {"venue": "payload"},
    }
    check_parsed_models(False)
    try:
        fast = Ticker._trusted(**values)
        slow = Ticker.model_construct(**values)
    finally:
        check_parsed_models()
    assert fast == slow
    assert repr(fast) == repr(slow)  # same fields, same order
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump() == slow.model_dump()
    assert fast.raw == {"venue": "payload"}
    with pytest.raises(ValidationError):
        fast.bid = D(2)  # type: ignore[misc]  # still frozen


def test_trusted_construction_needs_the_required_fields() -> None:
    check_parsed_models(False)
    try:
        with pytest.raises(TypeError, match="side, status, symbol, trade_type"):
            Order._trusted(id="1")
    finally:
        check_parsed_models()


def test_checking_refuses_a_value_of_the_wrong_type() -> None:
    # the test suite runs with checking on (tests/conftest.py): a float for money fails
    with pytest.raises(ValidationError, match="bid"):
        Ticker._trusted(symbol="BTC/USDT", trade_type=TradeType.SPOT, bid=1.5)
    with pytest.raises(ValidationError, match="side"):
        Order._trusted(id="1", symbol="BTC/USDT", trade_type=TradeType.SPOT, side="buy",
                       status=OrderStatus.OPEN)
    ok = Order._trusted(id="1", symbol="BTC/USDT", trade_type=TradeType.SPOT,
                        side=OrderSide.BUY, status=OrderStatus.OPEN)
    assert ok.filled == 0


def test_balances_and_trades_come_from_ccxt_without_a_float(binance: Any) -> None:
    wei = "1234.567890123456789012"  # an 18-decimal token: 22 digits, a float keeps ~16
    raw = binance.parse_balance_custom(
        {"balances": [{"asset": "ETH", "free": wei, "locked": "0.50000000"}]}, "spot"
    )
    (eth,) = parsing.parse_balances(raw, TradeType.SPOT, "ETH")
    assert eth.free == D(wei)
    assert eth.used == D("0.5")
    assert eth.total == D(wei) + D("0.5")

    trade = binance.parse_trade(
        {"symbol": "BTCUSDT", "id": 1, "orderId": 7, "price": PRECISE, "qty": "0.00100000",
         "commission": "0.00000100", "commissionAsset": "BTC", "time": 1700000000000,
         "isBuyer": True, "isMaker": False},
        SPOT_MARKET,
    )
    parsed = parsing.parse_trade(trade, TradeType.SPOT)
    assert parsed.price == D(PRECISE)
    assert parsed.cost == D(PRECISE) * D("0.001")
    # ccxt reads the fee back with safe_string, which drops anything but str and float
    assert parsed.fee is not None
    assert parsed.fee.cost == D("0.000001")
    assert parsed.fee.currency == "BTC"
    assert binance.number is float
