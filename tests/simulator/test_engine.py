"""The venue-agnostic engine on its own: prices, books, matching, balances, margin."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from exchlayer.testing.simulator import (
    Account,
    DuplicateClientOrderId,
    Engine,
    ExpireReason,
    FeeSchedule,
    Filter,
    FilterFailure,
    InsufficientBalance,
    InsufficientMargin,
    InvalidLeverage,
    Order,
    OrderNotOpen,
    OrderRequest,
    OrderStatus,
    OrderType,
    ReduceOnlyRejected,
    Side,
    TimeInForce,
    UnknownOrder,
    UnknownSymbol,
    WouldTriggerImmediately,
    default_instruments,
    synthetic_instruments,
)

D = Decimal
BTC = "BTC/USDT"
BTC_PERP = "BTC/USDT:USDT"


def make_engine() -> Engine:
    return Engine(seed=3, clock=lambda: 1_700_000_000_000)


def rich_account(engine: Engine, usdt: str = "100000000", btc: str = "10000") -> Account:
    return engine.create_account(
        venue="test",
        environment="live",
        api_key="k",
        secret="s",
        balances={"USDT": D(usdt), "BTC": D(btc)},
        futures_balance={"USDT": D(usdt)},
    )


def order(symbol: str, side: Side, otype: OrderType, amount: str | None, **kw: Any) -> OrderRequest:
    return OrderRequest(
        symbol=symbol,
        side=side,
        type=otype,
        amount=D(amount) if amount is not None else None,
        **kw,
    )


def status(o: Order) -> OrderStatus:
    """The order's current status (a call, so type checkers do not pin it across mutations)."""
    return o.status


def test_default_and_synthetic_instruments() -> None:
    symbols = {i.symbol for i in default_instruments()}
    assert symbols == {
        "BTC/USDT",
        "ETH/USDT",
        "SOL/USDT",
        "BTC/USDT:USDT",
        "ETH/USDT:USDT",
        "SOL/USDT:USDT",
    }
    synthetic = synthetic_instruments(1000)
    assert len(synthetic) == 2000
    assert len({i.symbol for i in synthetic}) == 2000
    assert synthetic[0].symbol == "C0001/USDT"
    assert synthetic[1].symbol == "C0001/USDT:USDT"
    engine = Engine(instruments=synthetic)
    assert len(engine.instruments) == 2000
    assert engine.price("C0500/USDT") == engine.price("C0500/USDT:USDT")


def test_price_feed_is_deterministic_per_seed() -> None:
    a, b, c = (Engine(seed=s, clock=lambda: 0) for s in (1, 1, 2))
    assert a.price(BTC) == D(50000)
    for engine in (a, b, c):
        engine.advance(50)
    assert a.price(BTC) == b.price(BTC)
    assert a.price("ETH/USDT") == b.price("ETH/USDT")
    assert (a.price(BTC), a.price("SOL/USDT")) != (c.price(BTC), c.price("SOL/USDT"))
    # spot and perpetual of one pair walk together
    assert abs(a.price(BTC) / a.price(BTC_PERP) - 1) < D("0.0001")
    stats = a.stats(BTC)
    assert stats.low <= stats.last <= stats.high
    assert stats.open == D(50000)
    assert a.stats(BTC) == b.stats(BTC)


def test_synthetic_book_is_full_sorted_and_finite() -> None:
    engine = make_engine()
    inst = engine.instrument(BTC)
    book = engine.book(BTC, 1000)
    assert len(book.bids) == len(book.asks) == 1000
    assert book.bids[0][0] == D(50000)
    assert book.asks[0][0] == D("50000.01")
    assert all(b1[0] > b2[0] for b1, b2 in zip(book.bids, book.bids[1:], strict=False))
    assert all(a1[0] < a2[0] for a1, a2 in zip(book.asks, book.asks[1:], strict=False))
    for _, size in book.bids + book.asks:
        assert size > 0
        assert size % inst.amount_step == 0
    assert engine.book(BTC, 5).bids == book.bids[:5]
    assert make_engine().book(BTC, 100) == engine.book(BTC, 100)  # deterministic
    with pytest.raises(UnknownSymbol):
        engine.book("NOPE/USDT")


def test_market_buy_walks_book_and_expires_unfilled_remainder() -> None:
    engine = make_engine()
    acct = rich_account(engine, usdt="1000000000")
    book = engine.book(BTC, 1000)
    liquidity = sum(size for _, size in book.asks)
    o = engine.place_order(acct, order(BTC, Side.BUY, OrderType.MARKET, "9000"))
    assert liquidity < D(9000)
    assert status(o) is OrderStatus.EXPIRED
    assert o.expire_reason is ExpireReason.NO_LIQUIDITY
    assert o.filled == liquidity
    assert o.cost == sum(px * size for px, size in book.asks)
    assert len(o.trade_ids) == 1000


def test_limit_partial_fill_rests_and_locks_then_unlocks() -> None:
    engine = make_engine()
    acct = rich_account(engine)
    asks = engine.book(BTC, 3).asks
    limit = asks[2][0]
    crossing = sum(size for _, size in asks)
    amount = crossing + D(5)
    o = engine.place_order(
        acct,
        order(BTC, Side.BUY, OrderType.LIMIT, str(amount), price=limit, client_order_id="p1"),
    )
    assert status(o) is OrderStatus.PARTIALLY_FILLED
    assert o.filled == crossing
    usdt = acct.balance("USDT")
    assert usdt.locked == limit * D(5)
    paid = sum(px * size for px, size in asks)
    assert usdt.free == D(100000000) - paid - limit * D(5)
    btc = acct.balance("BTC")
    assert btc.free == D(10000) + crossing - crossing * D("0.001")
    engine.cancel_order(acct, client_order_id="p1")
    assert status(o) is OrderStatus.CANCELED
    assert usdt.locked == 0
    assert usdt.free == D(100000000) - paid
    with pytest.raises(OrderNotOpen):
        engine.cancel_order(acct, order_id=o.id)
    with pytest.raises(UnknownOrder):
        engine.get_order(acct, order_id=1)


def test_resting_limit_fills_as_maker_when_price_crosses() -> None:
    engine = make_engine()
    acct = rich_account(engine)
    o = engine.place_order(
        acct,
        order(BTC, Side.BUY, OrderType.LIMIT, "0.5", price=D(49000)),
    )
    assert status(o) is OrderStatus.NEW
    engine.set_price(BTC, D("49500"))
    assert status(o) is OrderStatus.NEW
    engine.set_price(BTC, D("48000"))
    assert status(o) is OrderStatus.FILLED
    trade = engine.trades(acct)[-1]
    assert trade.is_maker and trade.price == D(49000)
    assert trade.fee == D("0.0005") and trade.fee_asset == "BTC"


def test_resting_limit_can_fill_partially_on_a_small_cross() -> None:
    engine = make_engine()
    acct = rich_account(engine)
    o = engine.place_order(
        acct,
        order(BTC, Side.SELL, OrderType.LIMIT, "100", price=D(50100)),
    )
    engine.set_price(BTC, D(50100))  # only the top few bids reach 50100
    assert status(o) is OrderStatus.PARTIALLY_FILLED
    assert 0 < o.filled < D(100)
    engine.set_price(BTC, D(60000))
    assert status(o) is OrderStatus.FILLED


def test_stop_market_stop_limit_and_take_profit_trigger() -> None:
    engine = make_engine()
    acct = rich_account(engine)
    stop = engine.place_order(
        acct,
        order(BTC, Side.SELL, OrderType.STOP, "1", stop_price=D(49000)),
    )
    stop_limit = engine.place_order(
        acct,
        order(BTC, Side.SELL, OrderType.STOP_LIMIT, "1", stop_price=D(48500), price=D(48000)),
    )
    take = engine.place_order(
        acct,
        order(BTC, Side.SELL, OrderType.TAKE_PROFIT, "1", stop_price=D(52000)),
    )
    assert acct.balance("BTC").locked == D(3)
    with pytest.raises(WouldTriggerImmediately):
        engine.place_order(
            acct,
            order(BTC, Side.SELL, OrderType.STOP, "1", stop_price=D(51000)),
        )
    engine.set_price(BTC, D(48900))
    assert status(stop) is OrderStatus.FILLED and stop.triggered
    assert status(stop_limit) is OrderStatus.NEW and not stop_limit.triggered
    engine.set_price(BTC, D(48400))
    assert status(stop_limit) is OrderStatus.FILLED
    assert engine.order_trades(acct, stop_limit)[0].price >= D(48000)
    assert status(take) is OrderStatus.NEW
    engine.set_price(BTC, D(52000))
    assert status(take) is OrderStatus.FILLED
    assert acct.balance("BTC").locked == 0


def test_time_in_force_and_post_only() -> None:
    engine = make_engine()
    acct = rich_account(engine)
    fok = engine.place_order(
        acct,
        order(BTC, Side.BUY, OrderType.LIMIT, "100", price=D(50001), time_in_force=TimeInForce.FOK),
    )
    assert status(fok) is OrderStatus.EXPIRED and fok.filled == 0
    assert fok.expire_reason is ExpireReason.FOK_UNFILLABLE
    ioc = engine.place_order(
        acct,
        order(BTC, Side.BUY, OrderType.LIMIT, "100", price=D(50001), time_in_force=TimeInForce.IOC),
    )
    assert status(ioc) is OrderStatus.EXPIRED and 0 < ioc.filled < D(100)
    post = engine.place_order(
        acct,
        order(BTC, Side.BUY, OrderType.LIMIT, "1", price=D(50001), post_only=True),
    )
    assert status(post) is OrderStatus.EXPIRED and post.filled == 0
    assert post.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE
    assert acct.balance("USDT").locked == 0


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"amount": D("0.000011"), "price": D(50000)}, Filter.LOT_STEP),
        ({"amount": D("0.000001"), "price": D(50000)}, Filter.MIN_AMOUNT),
        ({"amount": D(9001), "price": D(50000)}, Filter.MAX_AMOUNT),
        ({"amount": D("0.001"), "price": D("50000.001")}, Filter.PRICE_TICK),
        ({"amount": D("0.001"), "price": D("0.001")}, Filter.MIN_PRICE),
        ({"amount": D("0.001"), "price": D(2_000_000)}, Filter.MAX_PRICE),
        ({"amount": D("0.00001"), "price": D(50000)}, Filter.MIN_NOTIONAL),
    ],
)
def test_filters(kwargs: dict[str, Decimal], expected: Filter) -> None:
    engine = make_engine()
    acct = rich_account(engine)
    req = OrderRequest(symbol=BTC, side=Side.BUY, type=OrderType.LIMIT, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(FilterFailure) as info:
        engine.place_order(acct, req)
    assert info.value.filter is expected


def test_balance_and_client_id_checks() -> None:
    engine = make_engine()
    poor = engine.create_account(
        venue="test", environment="live", api_key="p", secret="s", balances={"USDT": D(100)}
    )
    with pytest.raises(InsufficientBalance):
        engine.place_order(poor, order(BTC, Side.BUY, OrderType.LIMIT, "0.01", price=D(49000)))
    with pytest.raises(InsufficientBalance):
        engine.place_order(poor, order(BTC, Side.SELL, OrderType.MARKET, "0.01"))
    acct = rich_account(engine)
    engine.place_order(
        acct,
        order(BTC, Side.BUY, OrderType.LIMIT, "0.01", price=D(40000), client_order_id="c"),
    )
    with pytest.raises(DuplicateClientOrderId):
        engine.place_order(
            acct,
            order(
                "ETH/USDT", Side.BUY, OrderType.LIMIT, "0.01", price=D(2000), client_order_id="c"
            ),
        )
    # the futures book is separate: the same client id is free there
    engine.place_order(
        acct,
        order(BTC_PERP, Side.BUY, OrderType.LIMIT, "0.01", price=D(40000), client_order_id="c"),
    )


def test_market_buy_by_quote_amount() -> None:
    engine = make_engine()
    acct = rich_account(engine)
    o = engine.place_order(
        acct,
        OrderRequest(symbol=BTC, side=Side.BUY, type=OrderType.MARKET, quote_amount=D(100)),
    )
    assert status(o) is OrderStatus.FILLED
    assert o.amount == o.filled == D("0.00199")
    assert o.cost <= D(100)


def test_futures_position_pnl_margin_and_reduce_only() -> None:
    engine = make_engine()
    acct = engine.create_account(
        venue="test",
        environment="live",
        api_key="f",
        secret="s",
        fees=FeeSchedule(),
        futures_balance={"USDT": D(10000)},
    )
    with pytest.raises(InvalidLeverage):
        engine.set_leverage(acct, BTC_PERP, 126)
    engine.set_leverage(acct, BTC_PERP, 10)
    with pytest.raises(InsufficientMargin):  # 3 BTC = 150k notional, 15k margin at 10x
        engine.place_order(acct, order(BTC_PERP, Side.BUY, OrderType.MARKET, "3"))
    with pytest.raises(ReduceOnlyRejected):
        engine.place_order(
            acct, order(BTC_PERP, Side.SELL, OrderType.MARKET, "1", reduce_only=True)
        )
    o = engine.place_order(acct, order(BTC_PERP, Side.BUY, OrderType.MARKET, "1"))
    entry = o.cost / o.filled
    fee_open = o.cost * D("0.0005")
    pos = engine.position(acct, BTC_PERP)
    assert pos.amount == D(1) and pos.entry_price == entry and pos.leverage == 10
    engine.set_price(BTC_PERP, D(51000))
    pos = engine.position(acct, BTC_PERP)
    assert pos.unrealized_pnl == D(51000) - entry
    assert pos.initial_margin == D(5100)
    assert 0 < pos.liquidation_price < entry
    summary = engine.margin_summary(acct, "USDT")
    assert summary.wallet_balance == D(10000) - fee_open
    assert summary.available_balance == summary.margin_balance - D(5100)
    close = engine.place_order(
        acct, order(BTC_PERP, Side.SELL, OrderType.MARKET, "2", reduce_only=True)
    )
    assert close.filled == D(1)  # capped at the position
    assert engine.position(acct, BTC_PERP).amount == 0
    trades = engine.order_trades(acct, close)
    realized = sum((t.realized_pnl for t in trades), D(0))
    assert realized == close.cost - entry  # sold 1 BTC for close.cost, bought it for entry
    assert all(t.price <= D(51000) for t in trades)  # a market sell walks the bids down
    fee_close = close.cost * D("0.0005")
    assert acct.wallet("USDT") == D(10000) - fee_open + realized - fee_close


def test_futures_flip_and_short_liquidation_price() -> None:
    engine = make_engine()
    acct = rich_account(engine, usdt="1000000")
    engine.place_order(acct, order(BTC_PERP, Side.BUY, OrderType.MARKET, "1"))
    engine.place_order(acct, order(BTC_PERP, Side.SELL, OrderType.MARKET, "3"))
    pos = engine.position(acct, BTC_PERP)
    assert pos.amount == D(-2)
    last = engine.price(BTC_PERP)
    assert last - 100 < pos.entry_price < last  # the short opened on the deeper bid levels
    assert pos.liquidation_price > pos.entry_price


def test_spawn_on_trigger_creates_child_order() -> None:
    engine = make_engine()
    acct = rich_account(engine)
    parent = engine.place_order(
        acct,
        order(
            BTC_PERP,
            Side.BUY,
            OrderType.STOP,
            "0.5",
            stop_price=D(51000),
            client_order_id="algo-1",
            spawn_on_trigger=True,
        ),
    )
    engine.set_price(BTC_PERP, D(51000))
    assert status(parent) is OrderStatus.TRIGGERED and parent.child_id is not None
    child = engine.get_order(acct, order_id=parent.child_id)
    assert child.parent_id == parent.id
    assert status(child) is OrderStatus.FILLED and child.client_order_id == "algo-1"
    assert engine.position(acct, BTC_PERP).amount == D("0.5")


def test_clock_is_injectable() -> None:
    now = [1_000]
    engine = Engine(clock=lambda: now[0])
    acct = rich_account(engine)
    now[0] = 2_000
    o = engine.place_order(acct, order(BTC, Side.BUY, OrderType.MARKET, "0.001"))
    assert o.created_ms == 2_000
    assert engine.trades(acct)[0].time_ms == 2_000
