"""Models: Decimal money, aware timestamps, frozen, raw payload kept out of the way."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import ValidationError

from exchlayer import models
from exchlayer.models import (
    Balance,
    MarginMode,
    Order,
    OrderBook,
    OrderBookLevel,
    OrderSide,
    OrderStatus,
    OrderType,
    PositionSide,
    Ticker,
    TimeInForce,
    TradeType,
)

D = Decimal


def ticker(**kw: object) -> Ticker:
    values: dict[str, object] = {"symbol": "BTC/USDT", "trade_type": TradeType.SPOT}
    values.update(kw)
    return Ticker(**values)  # type: ignore[arg-type]


def test_money_fields_refuse_floats() -> None:
    with pytest.raises(ValidationError, match="instance of Decimal"):
        ticker(last_price=50000.1)


def test_money_fields_refuse_strings_and_ints_too() -> None:
    with pytest.raises(ValidationError):
        ticker(bid="1.5")
    with pytest.raises(ValidationError):
        Balance(currency="BTC", trade_type=TradeType.SPOT, free=1, used=D(0), total=D(1))


def test_naive_timestamps_are_refused_and_aware_ones_become_utc() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        ticker(timestamp=datetime(2024, 1, 1))
    plus_two = timezone(timedelta(hours=2))
    t = ticker(timestamp=datetime(2024, 1, 1, 12, tzinfo=plus_two))
    assert t.timestamp == datetime(2024, 1, 1, 10, tzinfo=timezone.utc)
    assert t.timestamp.utcoffset() == timedelta(0)


def test_models_are_frozen() -> None:
    t = ticker(last_price=D("1"))
    with pytest.raises(ValidationError, match="frozen"):
        t.last_price = D("2")  # type: ignore[misc]


def test_raw_payload_is_kept_but_not_in_repr_equality_hash_or_dump() -> None:
    a = ticker(last_price=D("1.5"), raw={"lastPrice": "1.50000000", "secretish": "x"})
    b = ticker(last_price=D("1.5"), raw={"something": "else"})
    assert a.raw == {"lastPrice": "1.50000000", "secretish": "x"}
    assert "lastPrice" not in repr(a) and "raw" not in repr(a)
    assert a == b
    assert hash(a) == hash(b)
    assert "raw" not in a.model_dump()
    assert a != ticker(last_price=D("1.6"))


def test_ticker_spread_and_mid() -> None:
    t = ticker(bid=D("99.5"), ask=D("100.5"))
    assert t.spread == D("1.0")
    assert t.mid == D("100.0")
    assert ticker(bid=D("1")).spread is None


def test_order_book_level_reads_as_tuple_attribute_and_key() -> None:
    level = OrderBookLevel(D("50000.01"), D("0.25"))
    assert level.price == level["price"] == level[0] == D("50000.01")
    assert level.amount == level["amount"] == level[1] == D("0.25")
    price, amount = level
    assert (price, amount) == (D("50000.01"), D("0.25"))
    assert dict(level) == {"price": D("50000.01"), "amount": D("0.25")}
    with pytest.raises(KeyError):
        level["size"]  # type: ignore[call-overload]


def test_order_book_best_levels_spread_mid_and_json() -> None:
    book = OrderBook(
        symbol="BTC/USDT",
        trade_type=TradeType.SPOT,
        bids=[(D("100"), D("1")), {"price": D("99"), "amount": D("2")}],
        asks=[OrderBookLevel(D("101"), D("3"))],
    )
    assert book.best_bid == OrderBookLevel(D("100"), D("1"))
    assert book.best_ask is not None and book.best_ask.price == D("101")
    assert book.spread == D("1")
    assert book.mid == D("100.5")
    assert book.bids[1]["price"] == D("99")
    assert book.model_dump_json() == (
        '{"symbol":"BTC/USDT","trade_type":"spot","bids":[{"price":"100","amount":"1"},'
        '{"price":"99","amount":"2"}],"asks":[{"price":"101","amount":"3"}],"timestamp":null}'
    )
    empty = OrderBook(symbol="BTC/USDT", trade_type=TradeType.SPOT, bids=[], asks=[])
    assert empty.best_bid is None and empty.spread is None and empty.mid is None


def test_order_book_levels_refuse_floats() -> None:
    with pytest.raises(ValidationError, match="Decimal"):
        OrderBook(symbol="B/Q", trade_type=TradeType.SPOT, bids=[(100.0, 1.0)], asks=[])


def test_order_status_open_and_unknown() -> None:
    order = Order(
        id="1",
        symbol="BTC/USDT",
        trade_type=TradeType.SPOT,
        type=OrderType.LIMIT,
        side=OrderSide.BUY,
        status=OrderStatus.UNKNOWN,
        raw_status="PENDING_NEW_BY_MOON",
    )
    assert not order.is_open
    assert order.raw_status == "PENDING_NEW_BY_MOON"
    assert OrderStatus.PARTIALLY_FILLED.is_open and OrderStatus.OPEN.is_open
    assert not OrderStatus.FILLED.is_open


def test_order_type_predicates() -> None:
    assert [t for t in OrderType if t.is_stop] == [OrderType.STOP, OrderType.STOP_LIMIT]
    assert [t for t in OrderType if t.has_limit_price] == [OrderType.LIMIT, OrderType.STOP_LIMIT]


def test_models_pickle_round_trip() -> None:
    t = ticker(last_price=D("1.25"), raw={"a": 1})
    assert pickle.loads(pickle.dumps(t)) == t


ENUMS = [OrderType, OrderSide, TradeType, OrderStatus, TimeInForce, PositionSide, MarginMode]


def test_every_public_enum_is_listed_here() -> None:
    public = {
        getattr(models, name) for name in models.__all__
        if isinstance(getattr(models, name), type)
        and issubclass(getattr(models, name), models.Enum)
    }
    assert public == set(ENUMS)


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_enum_members_print_as_their_values(enum: type[models.Enum]) -> None:
    for member in enum:
        assert str(member) == member.value
        assert f"{member}" == format(member) == member.value
        assert f"{member:>12}" == f"{member.value:>12}"
        assert "%s" % member == member.value  # noqa: UP031 - old-style formatting too
        assert repr(member) == f"<{enum.__name__}.{member.name}: {member.value!r}>"
        assert member == member.value  # still a str
        assert json.dumps({"x": member}) == json.dumps({"x": member.value})

