"""Static order checks and market-rule checks: each refusal names what it broke."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchlayer.errors import BadSymbol, InvalidOrder, OrderLimitViolation
from exchlayer.models import Market, OrderSide, OrderType, TimeInForce, TradeType
from exchlayer.validation import (
    check_market_rules,
    check_order_request,
    parse_symbol,
)

D = Decimal


def request(**kw: Any) -> Any:
    values: dict[str, Any] = {
        "symbol": "BTC/USDT",
        "trade_type": TradeType.SPOT,
        "order_type": OrderType.LIMIT,
        "side": OrderSide.BUY,
        "amount": D("0.001"),
        "price": D("50000"),
        "stop_price": None,
        "time_in_force": None,
        "reduce_only": False,
    }
    values.update(kw)
    return check_order_request(**values)


BTC = Market(
    symbol="BTC/USDT", id="BTCUSDT", base="BTC", quote="USDT", trade_type=TradeType.SPOT,
    price_tick=D("0.01"), amount_step=D("0.00001"), min_amount=D("0.00001"),
    max_amount=D("9000"), min_price=D("0.01"), max_price=D("1000000"), min_notional=D("5"),
)


@pytest.mark.parametrize(
    ("symbol", "parts"),
    [
        ("BTC/USDT", ("BTC", "USDT", None)),
        ("btc/usdt", ("BTC", "USDT", None)),
        ("BTC/USDT:USDT", ("BTC", "USDT", "USDT")),
        ("1000PEPE/USDT", ("1000PEPE", "USDT", None)),
    ],
)
def test_parse_symbol(symbol: str, parts: tuple[str, str, str | None]) -> None:
    assert parse_symbol(symbol) == parts


@pytest.mark.parametrize("symbol", ["BTCUSDT", "BTC-USDT", "BTC/", "/USDT", "BTC/USDT:", "", 42])
def test_malformed_symbols_are_refused(symbol: Any) -> None:
    with pytest.raises(BadSymbol):
        parse_symbol(symbol)


def test_a_valid_limit_order_passes() -> None:
    order = request(order_type="limit", side="BUY", time_in_force="IOC")
    assert order.order_type is OrderType.LIMIT
    assert order.side is OrderSide.BUY
    assert order.time_in_force is TimeInForce.IOC
    assert order.reference_price == D("50000")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": 0.001}, "amount must be a Decimal, got float 0.001; pass Decimal('0.001')"),
        ({"amount": "0.001"}, "amount must be a Decimal, got str"),
        ({"amount": True}, "amount must be a Decimal, got bool"),
        ({"amount": D("0")}, "amount must be positive, got 0"),
        ({"amount": D("-1")}, "amount must be positive, got -1"),
        ({"amount": D("NaN")}, "amount must be a finite number"),
        ({"price": None}, "a LIMIT order needs a price"),
        ({"price": 50000.5}, "price must be a Decimal, got float"),
        ({"price": D("-1")}, "price must be positive"),
        ({"order_type": OrderType.MARKET}, "a MARKET order takes no price"),
        ({"order_type": OrderType.STOP, "price": None}, "a STOP order needs a stop_price"),
        ({"order_type": OrderType.STOP_LIMIT}, "a STOP_LIMIT order needs a stop_price"),
        ({"stop_price": D("1")}, "a LIMIT order takes no stop_price"),
        ({"order_type": "trailing"}, "order_type must be one of MARKET, LIMIT, STOP, STOP_LIMIT"),
        ({"side": "long"}, "side must be one of BUY, SELL"),
        ({"order_type": OrderType.MARKET, "price": None, "time_in_force": TimeInForce.GTC},
         "time_in_force applies to limit orders"),
        ({"reduce_only": True}, "reduce_only applies to futures orders only"),
        ({"reduce_only": "yes"}, "reduce_only must be a bool"),
    ],
)
def test_bad_orders_are_refused_with_a_clear_message(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidOrder) as info:
        request(**changes)
    assert message in str(info.value)


def test_integers_are_exact_and_accepted() -> None:
    assert request(amount=2, price=3).amount == D(2)


def test_market_rules_accept_a_conforming_order() -> None:
    check_market_rules(request(amount=D("0.0001"), price=D("50000.01")), BTC)


@pytest.mark.parametrize(
    ("changes", "limit", "value", "allowed"),
    [
        ({"amount": D("0.000015")}, "amount_step", D("0.000015"), D("0.00001")),
        ({"amount": D("0.000001")}, "amount_step", D("0.000001"), D("0.00001")),
        ({"amount": D("9001")}, "max_amount", D("9001"), D("9000")),
        ({"price": D("50000.005")}, "price_tick", D("50000.005"), D("0.01")),
        ({"price": D("2000000")}, "max_price", D("2000000"), D("1000000")),
        ({"amount": D("0.00001"), "price": D("100")}, "min_notional", D("0.00100"), D("5")),
        ({"order_type": OrderType.STOP, "price": None, "stop_price": D("1.001")},
         "price_tick", D("1.001"), D("0.01")),
    ],
)
def test_market_rule_violations_name_the_limit(
    changes: dict[str, Any], limit: str, value: Decimal, allowed: Decimal
) -> None:
    with pytest.raises(OrderLimitViolation) as info:
        check_market_rules(request(**changes), BTC)
    assert info.value.limit == limit
    assert info.value.value == value
    assert info.value.allowed == allowed
    assert str(allowed) in str(info.value)


def test_min_amount_below_step_is_reported_as_min_amount() -> None:
    market = BTC.model_copy(update={"min_amount": D("0.001")})
    with pytest.raises(OrderLimitViolation) as info:
        check_market_rules(request(amount=D("0.0005")), market)
    assert info.value.limit == "min_amount"


def test_reduce_only_orders_skip_the_min_notional_check() -> None:
    futures = BTC.model_copy(update={"trade_type": TradeType.FUTURES, "min_notional": D("100")})
    order = request(trade_type=TradeType.FUTURES, amount=D("0.001"), price=D("50000"),
                    reduce_only=True)
    check_market_rules(order, futures)


@given(
    field=st.sampled_from(["amount", "price"]),
    sign=st.sampled_from(["", "-"]),
    exponent=st.integers(min_value=-999_999_999_999_999, max_value=999_999_999_999_999),
)
@settings(max_examples=200, deadline=None)
def test_any_exponent_is_a_clear_refusal_or_accepted(field: str, sign: str, exponent: int) -> None:
    """`Decimal("1e999999999999")` is a Decimal a user can type (a CLI argument, a config file):
    outside the decimal context's range it is still an `InvalidOrder` that says so, never a
    `decimal.Overflow` nor a message too large to hold in memory."""
    value = D(f"{sign}1E{exponent}")
    if sign == "" and -18 <= exponent < 18:
        assert request(**{field: value})  # within any market's range: passes the static checks
        return
    with pytest.raises(InvalidOrder, match=field) as refused:
        request(**{field: value})
    assert len(str(refused.value)) < 200
