"""ccxt's dictionaries -> models: exact Decimals, and models built without re-validation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from exchlayer.connector import parsing
from exchlayer.connector.ccxt_class import ccxt_class as _ccxt_class
from exchlayer.errors import MalformedResponse
from exchlayer.models import (
    Order,
    OrderBook,
    OrderBookLevel,
    OrderSide,
    OrderStatus,
    Ticker,
    TradeType,
    check_parsed_models,
)

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


# --- a garbled answer never becomes data: the cases the hardening issue names ---------------

SPOT = TradeType.SPOT
FUTURES = TradeType.FUTURES


def test_negative_prices_amounts_and_balances_are_refused(binance: Any) -> None:
    with pytest.raises(MalformedResponse, match="ticker bid is '-1'"):
        parsing.parse_ticker({"symbol": "BTC/USDT", "bid": "-1", "ask": "2"}, "BTC/USDT", SPOT)
    with pytest.raises(MalformedResponse, match="order amount"):
        parsing.parse_order(
            {"id": "1", "symbol": "BTC/USDT", "side": "buy", "amount": "-0.5"}, SPOT
        )
    with pytest.raises(MalformedResponse, match="trade price"):
        parsing.parse_trade(
            {"id": "1", "symbol": "BTC/USDT", "side": "buy", "price": "-5", "amount": "1"}, SPOT
        )
    raw = binance.parse_balance_custom(
        {"balances": [{"asset": "ETH", "free": "-1.5", "locked": "0"}]}, "spot"
    )
    with pytest.raises(MalformedResponse, match=r"ETH balance free is '-1\.5'"):
        parsing.parse_balances(raw, SPOT, None)


def test_a_futures_balance_may_dip_below_zero() -> None:
    # cross margin: Binance's availableBalance is equity minus margin, negative under water
    raw = {"info": {"assets": []}, "free": {"USDT": "-12.5"}, "used": {"USDT": "40"},
           "total": {"USDT": "27.5"}}
    (usdt,) = parsing.parse_balances(raw, FUTURES, None)
    assert (usdt.free, usdt.used, usdt.total) == (D("-12.5"), D("40"), D("27.5"))
    with pytest.raises(MalformedResponse, match="USDT balance free"):
        parsing.parse_balances(raw, SPOT, None)


@pytest.mark.parametrize(
    "level",
    [["0", "1"], ["-1", "1"], ["100", "0"], ["100", "-2"], ["Infinity", "1"], ["100", "inf"],
     ["NaN", "1"], ["100", "sNaN"], ["1E+400", "1"], ["100", "1e-31"], [None, "1"],
     ["100", True], ["0x10", "1"], [], ["100"], "100", None, {"p": "1"}],
)
def test_an_impossible_book_level_is_refused(binance: Any, level: Any) -> None:
    book = {"bids": [["99", "1"], level], "asks": [["101", "1"]]}
    with pytest.raises(MalformedResponse):
        parsing.parse_order_book(binance.parse_order_book(book, "BTC/USDT"), "BTC/USDT", SPOT)
    # the same level handed over without ccxt (floats, text): refused too
    with pytest.raises(MalformedResponse):
        parsing.parse_order_book(book, "BTC/USDT", SPOT)


def test_books_are_strictly_ordered_and_never_crossed(binance: Any) -> None:
    def parse(bids: list[Any], asks: list[Any]) -> Any:
        raw = binance.parse_order_book({"bids": bids, "asks": asks}, "BTC/USDT")
        return parsing.parse_order_book(raw, "BTC/USDT", SPOT)

    book = parse([["99.5", "1"], ["99", "2.50"]], [["100", "0.1"], ["100.5", "3"]])
    assert [(str(p), str(a)) for p, a in book.bids] == [("99.5", "1"), ("99", "2.5")]
    assert book.spread == D("0.5")
    assert book.mid == D("99.75")
    with pytest.raises(MalformedResponse, match="strictly descending"):
        parse([["99", "1"], ["99", "2"]], [["100", "1"]])  # two levels at one price
    with pytest.raises(MalformedResponse, match="strictly ascending"):
        parse([["99", "1"]], [["100", "1"], ["100", "2"]])
    with pytest.raises(MalformedResponse, match="crossed"):
        parse([["101", "1"]], [["100", "1"]])
    with pytest.raises(MalformedResponse, match="crossed"):
        parse([["100", "1"]], [["100", "1"]])  # locked
    assert parse([], []).spread is None  # an empty book is an illiquid market, not garbage
    # ccxt sorts what a venue sends out of order: the book reads sorted
    assert [p for p, _ in parse([["98", "1"], ["99", "1"]], []).bids] == [D(99), D(98)]


def test_a_hand_built_book_is_checked_like_a_venue_one() -> None:
    level = OrderBookLevel(D("NaN"), D(1))
    with pytest.raises(MalformedResponse):
        parsing.parse_order_book({"bids": [level, OrderBookLevel(D(1), D(1))]}, "BTC/USDT", SPOT)
    with pytest.raises(MalformedResponse):
        parsing.parse_order_book({"asks": [OrderBookLevel(D(0), D(1))]}, "BTC/USDT", SPOT)
    with pytest.raises(MalformedResponse):
        parsing.parse_order_book({"asks": [(D(1), D(1)), ()]}, "BTC/USDT", SPOT)


@pytest.mark.parametrize(
    ("bid", "ask"),
    [("Infinity", "Infinity"), ("NaN", "1"), ("sNaN", "2"), ("1", "1E+999999"),
     ("-1E+999999", "1E+999999"), ("1", "2")],
)
def test_spread_and_mid_never_raise(bid: str, ask: str) -> None:
    book = OrderBook(symbol="BTC/USDT", trade_type=SPOT,
                     bids=(OrderBookLevel(D(bid), D(1)),), asks=(OrderBookLevel(D(ask), D(1)),))
    # a Ticker refuses a non-finite number when validated; a hand-built one need not be
    ticker = Ticker.model_construct(symbol="BTC/USDT", trade_type=SPOT, bid=D(bid), ask=D(ask))
    for model in (book, ticker):
        spread, mid = model.spread, model.mid
        assert spread is None or spread.is_finite()
        assert mid is None or mid.is_finite()
    if (bid, ask) == ("1", "2"):
        assert (book.spread, book.mid, ticker.spread, ticker.mid) == (1, D("1.5"), 1, D("1.5"))
    unvalidated = OrderBook.model_construct(
        symbol="BTC/USDT", trade_type=SPOT, bids=(("x",),), asks=((1.5, 1),)
    )
    assert unvalidated.spread is None
    assert unvalidated.mid is None


@pytest.mark.parametrize("text", ["1E+400", "1e400", "-1E+24", "1E-31", "Infinity", "NaN"])
def test_huge_and_non_finite_numbers_are_refused(text: str) -> None:
    assert parsing.to_decimal(text) is None
    assert parsing.to_decimal(D(text)) is None
    with pytest.raises(MalformedResponse, match="ticker last price"):
        parsing.parse_ticker({"symbol": "BTC/USDT", "last": text}, "BTC/USDT", SPOT)
    with pytest.raises(MalformedResponse):
        parsing.parse_order_book({"bids": [[text, "1"]]}, "BTC/USDT", SPOT)


def test_another_markets_ticker_is_refused(binance: Any) -> None:
    binance.set_markets([binance.safe_market_structure(m) for m in (
        {**SPOT_MARKET, "id": "BTCUSDT", "base": "BTC", "quote": "USDT", "type": "spot"},
        {**SPOT_MARKET, "id": "ETHUSDT", "symbol": "ETH/USDT", "base": "ETH", "quote": "USDT",
         "type": "spot"},
    )])
    # ccxt names the ticker after the market id in the answer, not after the one asked for
    raw = binance.parse_ticker({"symbol": "ETHUSDT", "lastPrice": "3000"},
                               binance.market("BTC/USDT"))
    assert raw["symbol"] == "ETH/USDT"
    with pytest.raises(MalformedResponse, match="'ETH/USDT''s ticker when asked for BTC/USDT"):
        parsing.parse_ticker(raw, "BTC/USDT", SPOT)
    with pytest.raises(MalformedResponse, match="order book"):
        parsing.parse_order_book({"symbol": "ETH/USDT", "bids": []}, "BTC/USDT", SPOT)
    with pytest.raises(MalformedResponse, match="order when asked for BTC/USDT"):
        parsing.parse_order({"id": "1", "symbol": "ETH/USDT", "side": "buy"}, SPOT,
                            symbol="BTC/USDT")
    with pytest.raises(MalformedResponse, match="trade when asked for BTC/USDT"):
        parsing.parse_trade({"id": "1", "symbol": "ETH/USDT", "side": "buy", "price": "1",
                             "amount": "1"}, SPOT, symbol="BTC/USDT")
    with pytest.raises(MalformedResponse, match="position when asked for BTC/USDT:USDT"):
        parsing.parse_position({"symbol": "ETH/USDT:USDT", "contracts": 1},
                               symbol="BTC/USDT:USDT")


def test_a_ticker_without_prices_or_with_impossible_ones_is_refused() -> None:
    with pytest.raises(MalformedResponse, match="no price"):
        parsing.parse_ticker({"symbol": "BTC/USDT", "baseVolume": "5"}, "BTC/USDT", SPOT)
    with pytest.raises(MalformedResponse, match="crossed"):
        parsing.parse_ticker({"bid": "101", "ask": "100"}, "BTC/USDT", SPOT)
    with pytest.raises(MalformedResponse, match="low"):
        parsing.parse_ticker({"last": "100", "high": "99", "low": "101"}, "BTC/USDT", SPOT)
    # 0 is a venue's "no quote" (ccxt omits it the same way); a locked quote is allowed
    ticker = parsing.parse_ticker(
        {"last": "100", "bid": "0", "ask": "0", "high": "100", "low": "100", "percentage": "-2.5",
         "baseVolume": "0"},
        "BTC/USDT", SPOT,
    )
    assert (ticker.bid, ticker.ask, ticker.change_percent, ticker.base_volume) == (
        None, None, D("-2.5"), 0)
    locked = parsing.parse_ticker({"bid": "100", "ask": "100"}, "BTC/USDT", SPOT)
    assert locked.spread == 0


def test_an_empty_or_null_balance_answer_is_not_an_empty_account(binance: Any) -> None:
    # what ccxt makes of a `{}` or `null` body: no currencies, and nothing of the venue's
    for answer in ({}, None):
        raw = binance.parse_balance_custom(answer, "spot")
        assert raw["free"] == {}
        with pytest.raises(MalformedResponse, match="balance answer"):
            parsing.parse_balances(raw, SPOT, None)
        with pytest.raises(MalformedResponse, match="balance answer"):
            parsing.parse_balances(raw, SPOT, "USDT")
    with pytest.raises(MalformedResponse, match="holds no figure"):
        parsing.parse_balances({"info": {"x": 1}, "free": {"BTC": None}, "used": {"BTC": None},
                                "total": {"BTC": None}}, SPOT, None)
    with pytest.raises(MalformedResponse, match="balance free table"):
        parsing.parse_balances({"info": {"x": 1}, "free": ["BTC"]}, SPOT, None)
    # a real empty account: the venue's payload, with no currency in it
    assert parsing.parse_balances(
        binance.parse_balance_custom({"balances": []}, "spot"), SPOT, None) == []
    assert parsing.parse_balances({"info": [], "free": {}}, SPOT, None) == []  # Gate's []


def test_a_spot_balance_must_add_up() -> None:
    raw = {"info": {"data": []}, "free": {"BTC": "1.5"}, "used": {"BTC": "0.5"},
           "total": {"BTC": "3"}}
    with pytest.raises(MalformedResponse, match="does not add up"):
        parsing.parse_balances(raw, SPOT, None)
    # within what rounding each figure to its own last place can make of the sum
    raw["total"] = {"BTC": "2.0"}
    (btc,) = parsing.parse_balances(raw, SPOT, None)
    assert btc.total == D("2.0")
    raw["free"], raw["total"] = {"BTC": "1.5049"}, {"BTC": "2.0"}
    (btc,) = parsing.parse_balances(raw, SPOT, None)
    assert (btc.free, btc.total) == (D("1.5049"), D("2.0"))
    raw["total"] = {"BTC": "2.2"}
    with pytest.raises(MalformedResponse, match="does not add up"):
        parsing.parse_balances(raw, SPOT, None)
    with pytest.raises(MalformedResponse, match="balance currency"):
        parsing.parse_balances({"info": {"x": 1}, "free": {"": "1"}}, SPOT, None)


@pytest.mark.parametrize(
    "answer",
    [{}, {"id": None, "side": None, "symbol": None}, {"info": {"code": 0}}],
)
def test_an_all_null_order_answer_is_refused(binance: Any, answer: dict[str, Any]) -> None:
    with pytest.raises(MalformedResponse):
        parsing.parse_order(answer, SPOT, symbol="BTC/USDT")
    # what ccxt makes of an empty answer: the market it was asked about, and nothing else
    with pytest.raises(MalformedResponse):
        parsing.parse_order(binance.parse_order(answer, SPOT_MARKET), SPOT, symbol="BTC/USDT")


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", "None"), ("id", ""), ("id", 1.5), ("side", "BUY"), ("side", None), ("side", "long"),
     ("symbol", 7), ("status", 5), ("type", ["limit"]), ("clientOrderId", 12),
     ("filled", "2"), ("remaining", "1.5"), ("filled", "-1"), ("price", "-1"),
     ("average", "NaN"), ("triggerPrice", "-3"), ("cost", "-0.1"), ("fee", "0.1"),
     ("fee", {"cost": "Infinity"}), ("fee", {"cost": "1", "currency": 5}),
     ("timestamp", 10**15 * 1000), ("timestamp", "yesterday")],
)
def test_an_impossible_order_field_is_refused(field: str, value: Any) -> None:
    raw: dict[str, Any] = {"id": "7", "symbol": "BTC/USDT", "side": "sell", "amount": "1",
                           "filled": "0.25", "status": "open"}
    order = parsing.parse_order(raw, SPOT, symbol="BTC/USDT")
    assert (order.side, order.status, order.filled) == (
        OrderSide.SELL, OrderStatus.PARTIALLY_FILLED, D("0.25"))
    with pytest.raises(MalformedResponse):
        parsing.parse_order({**raw, field: value}, SPOT, symbol="BTC/USDT")


def test_order_zeros_read_as_none_and_unknown_statuses_stay_unknown() -> None:
    order = parsing.parse_order(
        {"id": 42, "symbol": "BTC/USDT", "side": "buy", "type": "market", "amount": "0",
         "price": "0", "average": "0", "stopPrice": "0.00000000", "status": "frozen",
         "fee": {"cost": "-0.01", "currency": "USDT"}, "timestamp": 0,
         "lastTradeTimestamp": -1},
        SPOT,
    )
    assert order.id == "42"
    assert (order.amount, order.price, order.average_price, order.stop_price) == (
        None, None, None, None)
    assert (order.status, order.raw_status) == (OrderStatus.UNKNOWN, "frozen")
    assert order.fee is not None and order.fee.cost == D("-0.01")  # a maker rebate
    assert (order.created_at, order.updated_at) == (None, None)


def test_trades_refuse_what_no_fill_has() -> None:
    fill = {"id": "9", "order": 7, "symbol": "BTC/USDT", "side": "buy", "price": "100",
            "amount": "0.5", "fee": {"cost": "-0.001", "currency": "USDT"}}
    trade = parsing.parse_trade(fill, SPOT, symbol="BTC/USDT")
    assert (trade.order_id, trade.cost, trade.fee and trade.fee.cost) == (
        "7", D("50.0"), D("-0.001"))
    for field, value in [("price", "0"), ("amount", "0"), ("amount", None), ("id", None),
                         ("side", "unknown"), ("cost", "-1"), ("order", "None")]:
        with pytest.raises(MalformedResponse):
            parsing.parse_trade({**fill, field: value}, SPOT)


def test_positions_agree_across_venues_and_refuse_garbage() -> None:
    kucoin = {"symbol": "BTC/USDT:USDT", "contracts": 2, "contractSize": 0.001,
              "side": "long", "entryPrice": 50000, "markPrice": 50100,
              "liquidationPrice": 0, "leverage": 10, "unrealizedPnl": -1.5}
    position = parsing.parse_position(kucoin, symbol="BTC/USDT:USDT")
    assert position is not None
    assert position.liquidation_price is None  # KuCoin's 0, the others' null
    assert (position.size, position.unrealized_pnl) == (D("0.002"), D("-1.5"))
    gate_cross = parsing.parse_position({**kucoin, "leverage": 0})
    assert gate_cross is not None and gate_cross.leverage == 0  # Gate's cross (see gateio.py)
    assert parsing.parse_position({**kucoin, "contracts": 0}) is None  # flat
    for field, value in [("symbol", None), ("entryPrice", -1), ("contractSize", 0),
                         ("leverage", -5), ("liquidationPrice", -1), ("contracts", "NaN"),
                         ("notional", float("inf")), ("timestamp", 1.5e18)]:
        with pytest.raises(MalformedResponse):
            parsing.parse_position({**kucoin, field: value})
    with pytest.raises(MalformedResponse):
        parsing.parse_position({})  # an all-null position is not a flat one


def test_markets_that_would_break_the_rule_checks_are_refused() -> None:
    market = {"symbol": "BTC/USDT", "id": "BTCUSDT", "base": "BTC", "quote": "USDT",
              "spot": True, "precision": {"price": 0.01, "amount": 1e-05},
              "limits": {"amount": {"min": 1e-05, "max": 0}, "cost": {"min": 5}}}
    parsed = parsing.parse_market(market)
    assert (parsed.price_tick, parsed.amount_step, parsed.max_amount) == (
        D("0.01"), D("0.00001"), None)  # max 0: "no maximum"
    for bad in [{"precision": {"price": 0}}, {"precision": {"amount": -1}},
                {"contractSize": 0}, {"limits": {"price": {"min": 10, "max": 1}}},
                {"limits": {"cost": {"min": -5}}}, {"id": None}, {"symbol": ""},
                {"maker": "NaN"}, {"precision": [0.01]}]:
        with pytest.raises(MalformedResponse):
            parsing.parse_market({**market, **bad})


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), (0, None), (-1, None), ("0", None), (1700000000000, 1700000000000),
     (1700000000000.0, 1700000000000), ("1700000000000", 1700000000000)],
)
def test_placeholder_times_read_as_none(value: Any, expected: int | None) -> None:
    got = parsing.to_datetime(value)
    if expected is None:
        assert got is None
    else:
        assert got == datetime.fromtimestamp(expected / 1000, tz=timezone.utc)


@pytest.mark.parametrize(
    "value", [1700000000, 1700000000000000, 10**15 * 1000, float("nan"), float("inf"),
              "soon", True, [1], 1230940799999, 4102444800000],
)
def test_absurd_times_are_refused(value: Any) -> None:
    with pytest.raises(MalformedResponse, match="timestamp"):
        parsing.to_datetime(value)


@pytest.mark.parametrize(
    ("text", "number"),
    [("1e400", None), ("Infinity", None), ("NaN", None), ("-0", "0"), ("0x10", None),
     (" 5 ", None), ("1_000", None), ("_1", None), ("５", None), ("+5", "5"), ("5.", "5"),
     (".5", "0.5"), ("-.0", "0.0"), (".", None), ("1..0", None), ("1e-05", "0.00001")],
)
def test_hostile_number_text_reads_as_meant_or_not_at_all(text: str, number: str | None) -> None:
    """What ccxt hands over, through exact_number, as the parsers read it."""
    passed_on = parsing.exact_number(text)
    ticker = {"symbol": "BTC/USDT", "bid": "1", "percentage": passed_on}
    if number is None:
        assert parsing.to_decimal(passed_on) is None
        with pytest.raises(MalformedResponse, match="ticker change percentage"):
            parsing.parse_ticker(ticker, "BTC/USDT", SPOT)
    else:
        parsed = parsing.parse_ticker(ticker, "BTC/USDT", SPOT).change_percent
        assert parsed == D(number)
        assert str(parsed) == str(D(number))
        assert not parsed.is_signed()  # "-0" is 0, not minus zero
