"""The behaviour every exchange connector owes its users, as a test class to subclass.

Run it for one exchange and trade type against the venue simulator:

    from exchlayer import TradeType
    from exchlayer.testing.contract import ExchangeContract

    class TestMyVenueSpot(ExchangeContract):
        exchange_name = "myvenue"
        trade_type = TradeType.SPOT

The tests use the ``venue_simulator`` fixture of exchlayer's pytest plugin (``pip install
"exchlayer[testing]"``) and [`exchlayer.testing.connect`][exchlayer.testing.helpers.connect];
set `connect_options` to point it at your simulator venue
(``{"venue": ..., "environment": ...}``). Tests of features the exchange's
[`Capabilities`][exchlayer.models.Capabilities] does not claim check that they raise
``NotSupported``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any, ClassVar

import pytest
import pytest_asyncio

from ..base import BaseExchange
from ..errors import (
    AuthenticationError,
    BadSymbol,
    InsufficientFunds,
    InvalidArgument,
    InvalidOrder,
    NotSupported,
    OrderLimitViolation,
    OrderNotFound,
)
from ..models import (
    Market,
    OrderBookLevel,
    OrderSide,
    OrderStatus,
    OrderType,
    PositionSide,
    TradeType,
)
from .helpers import connect
from .simulator import Operation, Simulator

__all__ = ["ExchangeContract"]

D = Decimal



def _orders_sent(sim: Simulator) -> int:
    return sim.count_requests(lambda r: r.operation == Operation.CREATE_ORDER)


class ExchangeContract:
    """Subclass with ``exchange_name`` and ``trade_type`` set; pytest collects ``Test*`` names."""

    exchange_name: ClassVar[str]
    trade_type: ClassVar[TradeType] = TradeType.SPOT
    base: ClassVar[str] = "BTC"
    quote: ClassVar[str] = "USDT"
    connect_options: ClassVar[dict[str, Any]] = {}

    pytestmark = pytest.mark.asyncio

    # --- fixtures -------------------------------------------------------------------
    @property
    def symbol(self) -> str:
        """The market under test, in unified form."""
        spot = f"{self.base}/{self.quote}"
        return f"{spot}:{self.quote}" if self.trade_type is TradeType.FUTURES else spot

    @pytest_asyncio.fixture
    async def sim(self, venue_simulator: Simulator) -> Simulator:
        return venue_simulator

    @pytest_asyncio.fixture
    async def exchange(self, sim: Simulator) -> AsyncIterator[BaseExchange]:
        ex = await connect(
            sim,
            self.exchange_name,
            default_trade_type=self.trade_type,
            balances={self.quote: D("100000"), self.base: D("10")},
            futures_balance={self.quote: D("100000")},
            **self.connect_options,
        )
        async with ex:
            yield ex

    async def market(self, exchange: BaseExchange) -> Market:
        info = await exchange.get_exchange_info()
        return next(m for m in info.markets if m.symbol == self.symbol)

    @staticmethod
    def round_amount(value: Decimal, market: Market) -> Decimal:
        step = market.amount_step or D("0.00000001")
        return max((value // step) * step, market.min_amount or step)

    @staticmethod
    def round_price(value: Decimal, market: Market) -> Decimal:
        tick = market.price_tick or D("0.00000001")
        return (value // tick) * tick

    async def small_amount(self, exchange: BaseExchange, price: Decimal) -> Decimal:
        """An amount comfortably above the market's minimums at ``price``."""
        market = await self.market(exchange)
        target = max(market.min_amount or D(0), D(2) * (market.min_notional or D(0)) / price)
        step = market.amount_step or D("0.00000001")
        return (target // step + 1) * step

    def skip_unless(self, exchange: BaseExchange, supported: bool, what: str) -> None:
        if not supported:
            pytest.skip(f"{exchange.name} does not claim {what}")

    # --- market data ----------------------------------------------------------------
    async def test_ticker_reports_the_venue_price_in_decimal(
        self, exchange: BaseExchange, sim: Simulator
    ) -> None:
        sim.set_price(self.symbol, D("43210.5"))
        ticker = await exchange.get_ticker(self.symbol)
        assert ticker.symbol == self.symbol
        assert ticker.trade_type is self.trade_type
        assert ticker.last_price == D("43210.5")
        for value in (ticker.bid, ticker.ask, ticker.high, ticker.low, ticker.base_volume):
            assert value is None or isinstance(value, Decimal)
        if ticker.bid is not None and ticker.ask is not None:
            assert ticker.bid < ticker.ask
        assert ticker.timestamp is not None and ticker.timestamp.utcoffset() is not None

    async def test_order_book_is_sorted_limited_and_dict_readable(
        self, exchange: BaseExchange
    ) -> None:
        book = await exchange.get_order_book(self.symbol, limit=10)
        assert book.symbol == self.symbol
        assert 0 < len(book.bids) <= 10 and 0 < len(book.asks) <= 10
        assert all(isinstance(level, OrderBookLevel) for level in book.bids + book.asks)
        bid_prices = [level.price for level in book.bids]
        ask_prices = [level.price for level in book.asks]
        assert bid_prices == sorted(bid_prices, reverse=True)
        assert ask_prices == sorted(ask_prices)
        assert book.bids[0]["price"] == book.bids[0].price < book.asks[0].price
        assert book.spread is not None and book.spread > 0

    async def test_order_book_of_100_levels(self, exchange: BaseExchange) -> None:
        book = await exchange.get_order_book(self.symbol, limit=100)
        assert len(book.bids) == len(book.asks) == 100

    async def test_symbols_and_exchange_info_list_the_market(
        self, exchange: BaseExchange
    ) -> None:
        symbols = await exchange.get_symbols(self.trade_type)
        assert self.symbol in symbols
        assert all((":" in s) == (self.trade_type is TradeType.FUTURES) for s in symbols)
        info = await exchange.get_exchange_info()
        assert info.exchange == exchange.name
        assert self.trade_type in info.trade_types
        market = await self.market(exchange)
        assert market.base == self.base and market.quote == self.quote
        assert market.price_tick is not None and market.price_tick > 0
        assert market.amount_step is not None and market.amount_step > 0

    async def test_connection_test_passes(self, exchange: BaseExchange) -> None:
        assert await exchange.test_connection() is True

    async def test_unlisted_symbol_is_refused_before_any_request(
        self, exchange: BaseExchange, sim: Simulator
    ) -> None:
        await exchange.get_symbols(self.trade_type)  # markets loaded
        sim.clear_requests()
        with pytest.raises(BadSymbol, match="does not list"):
            await exchange.get_ticker(f"NOPE/{self.quote}", trade_type=self.trade_type)
        with pytest.raises(BadSymbol, match="not a unified symbol"):
            await exchange.get_ticker("BTCUSDT")
        assert sim.count_requests() == 0

    # --- account ----------------------------------------------------------------------
    async def test_balance_lists_the_funded_currency(self, exchange: BaseExchange) -> None:
        balances = await exchange.get_balance(trade_type=self.trade_type)
        by_currency = {b.currency: b for b in balances}
        quote = by_currency[self.quote]
        assert quote.total == D("100000") and quote.free == D("100000") and quote.used == 0
        assert all(b.total != 0 for b in balances)
        (one,) = await exchange.get_balance(self.quote, trade_type=self.trade_type)
        assert one == quote

    async def test_wrong_secret_is_an_authentication_error(self, sim: Simulator) -> None:
        options = dict(self.connect_options, default_trade_type=self.trade_type)
        good = await connect(sim, self.exchange_name, api_key="contract-key",
                             api_secret="right-secret", passphrase="right-pass", **options)
        bad = await connect(sim, self.exchange_name, api_key="contract-key",
                            api_secret="wrong-secret", passphrase="right-pass",
                            open_account=False, **options)
        async with good, bad:
            assert await good.test_connection() is True
            with pytest.raises(AuthenticationError):
                await bad.get_balance(trade_type=self.trade_type)
            assert await bad.test_connection() is False

    # --- the order life cycle ---------------------------------------------------------
    async def test_limit_order_life_cycle(self, exchange: BaseExchange, sim: Simulator) -> None:
        market = await self.market(exchange)
        price = self.round_price(sim.engine.price(self.symbol) * D("0.9"), market)
        amount = await self.small_amount(exchange, price)
        order = await exchange.create_order(
            self.symbol, OrderType.LIMIT, OrderSide.BUY, amount, price
        )
        assert order.status is OrderStatus.OPEN
        assert order.type is OrderType.LIMIT and order.side is OrderSide.BUY
        assert order.amount == amount and order.price == price and order.filled == 0
        assert order.client_order_id

        by_id = await exchange.get_order(order.id, self.symbol)
        by_client_id = await exchange.get_order(
            None, self.symbol, client_order_id=order.client_order_id
        )
        assert by_id.id == by_client_id.id == order.id
        assert by_client_id.client_order_id == order.client_order_id
        assert [o.id for o in await exchange.get_open_orders(self.symbol)] == [order.id]

        assert await exchange.cancel_order(order.id, self.symbol) is True
        cancelled = await exchange.get_order(order.id, self.symbol)
        assert cancelled.status is OrderStatus.CANCELED
        assert await exchange.get_open_orders(self.symbol) == []
        assert await exchange.cancel_order(order.id, self.symbol) is False

    async def test_caller_supplied_client_order_id(self, exchange: BaseExchange,
                                                   sim: Simulator) -> None:
        market = await self.market(exchange)
        price = self.round_price(sim.engine.price(self.symbol) * D("0.9"), market)
        amount = await self.small_amount(exchange, price)
        order = await exchange.create_order(
            self.symbol, OrderType.LIMIT, OrderSide.BUY, amount, price,
            client_order_id="mybot-0001",
        )
        assert order.client_order_id == "mybot-0001"
        found = await exchange.get_order(None, self.symbol, client_order_id="mybot-0001")
        assert found.id == order.id
        assert await exchange.cancel_order(None, self.symbol, client_order_id="mybot-0001")

    async def test_market_order_fills_with_a_trade_and_fee(
        self, exchange: BaseExchange, sim: Simulator
    ) -> None:
        price = sim.engine.price(self.symbol)
        amount = await self.small_amount(exchange, price)
        order = await exchange.create_order(self.symbol, OrderType.MARKET, OrderSide.BUY, amount)
        assert order.status is OrderStatus.FILLED
        assert order.filled == amount
        assert order.average_price is not None
        assert abs(order.average_price - price) / price < D("0.01")
        trades = await exchange.get_trades(self.symbol)
        mine = [t for t in trades if t.order_id == order.id]
        assert mine and sum(t.amount for t in mine) == amount
        assert all(t.side is OrderSide.BUY and t.price > 0 for t in mine)
        assert all(t.fee is not None and t.fee.cost >= 0 for t in mine)

    async def test_resting_limit_fills_when_the_price_crosses_it(
        self, exchange: BaseExchange, sim: Simulator
    ) -> None:
        market = await self.market(exchange)
        start = sim.engine.price(self.symbol)
        price = self.round_price(start * D("0.95"), market)
        amount = await self.small_amount(exchange, price)
        order = await exchange.create_order(
            self.symbol, OrderType.LIMIT, OrderSide.BUY, amount, price
        )
        assert order.status is OrderStatus.OPEN
        sim.set_price(self.symbol, self.round_price(start * D("0.94"), market))
        filled = await exchange.get_order(order.id, self.symbol)
        assert filled.status is OrderStatus.FILLED
        assert filled.filled == amount

    async def test_marketable_limit_larger_than_the_top_level_fills_partially(
        self, exchange: BaseExchange
    ) -> None:
        market = await self.market(exchange)
        book = await exchange.get_order_book(self.symbol, limit=5)
        top = book.asks[0]
        amount = self.round_amount(top.amount * 2, market)
        order = await exchange.create_order(
            self.symbol, OrderType.LIMIT, OrderSide.BUY, amount, top.price
        )
        assert order.status is OrderStatus.PARTIALLY_FILLED
        assert 0 < order.filled < amount
        assert order.remaining == amount - order.filled
        assert [o.id for o in await exchange.get_open_orders(self.symbol)] == [order.id]

    async def test_stop_order_waits_then_triggers(
        self, exchange: BaseExchange, sim: Simulator
    ) -> None:
        self.skip_unless(exchange, OrderType.STOP in exchange.capabilities.order_types, "STOP")
        market = await self.market(exchange)
        start = sim.engine.price(self.symbol)
        stop = self.round_price(start * D("1.05"), market)
        amount = await self.small_amount(exchange, stop)
        order = await exchange.create_order(
            self.symbol, OrderType.STOP, OrderSide.BUY, amount, stop_price=stop
        )
        assert order.type is OrderType.STOP
        assert order.stop_price == stop
        assert order.status is OrderStatus.OPEN and order.filled == 0
        sim.set_price(self.symbol, self.round_price(start * D("1.06"), market))
        triggered = await exchange.get_order(order.id, self.symbol)
        assert triggered.status is OrderStatus.FILLED
        assert triggered.id == order.id
        assert triggered.filled == amount
        assert triggered.average_price is not None and triggered.average_price > 0

    async def test_stop_limit_order_is_placed_with_both_prices(
        self, exchange: BaseExchange, sim: Simulator
    ) -> None:
        self.skip_unless(
            exchange, OrderType.STOP_LIMIT in exchange.capabilities.order_types, "STOP_LIMIT"
        )
        market = await self.market(exchange)
        start = sim.engine.price(self.symbol)
        stop = self.round_price(start * D("1.05"), market)
        limit = self.round_price(start * D("1.06"), market)
        amount = await self.small_amount(exchange, limit)
        order = await exchange.create_order(
            self.symbol, OrderType.STOP_LIMIT, OrderSide.BUY, amount, limit, stop_price=stop
        )
        assert order.type is OrderType.STOP_LIMIT
        assert (order.price, order.stop_price) == (limit, stop)
        assert await exchange.cancel_order(order.id, self.symbol) is True

    async def test_unknown_order_is_order_not_found(self, exchange: BaseExchange) -> None:
        with pytest.raises(OrderNotFound):
            await exchange.get_order("999999999", self.symbol)
        with pytest.raises(OrderNotFound):
            await exchange.cancel_order("999999999", self.symbol)

    async def test_insufficient_funds_is_reported_by_the_venue(
        self, exchange: BaseExchange, sim: Simulator
    ) -> None:
        market = await self.market(exchange)
        price = self.round_price(sim.engine.price(self.symbol) * D("0.9"), market)
        # 100,000 quote of funds; ask for ~50x that (and 50x leverage room on futures)
        amount = self.round_amount(D("5000000") / price, market)
        if market.max_amount is not None and amount > market.max_amount:
            amount = market.max_amount
        with pytest.raises(InsufficientFunds):
            await exchange.create_order(
                self.symbol, OrderType.LIMIT, OrderSide.BUY, amount, price
            )

    # --- bad input: refused before anything is sent -------------------------------------
    @pytest.mark.parametrize(
        ("order_type", "amount", "price", "stop", "message"),
        [
            (OrderType.LIMIT, 0.01, D("100"), None, "amount must be a Decimal, got float"),
            (OrderType.LIMIT, D("-1"), D("100"), None, "amount must be positive"),
            (OrderType.LIMIT, D("0.01"), None, None, "needs a price"),
            (OrderType.MARKET, D("0.01"), D("100"), None, "takes no price"),
            (OrderType.STOP, D("0.01"), None, None, "needs a stop_price"),
            (OrderType.LIMIT, D("0.01"), 100.5, None, "price must be a Decimal, got float"),
        ],
    )
    async def test_bad_input_is_refused_before_any_request(  # noqa: PLR0917
        self,
        exchange: BaseExchange,
        sim: Simulator,
        order_type: OrderType,
        amount: Any,
        price: Any,
        stop: Any,
        message: str,
    ) -> None:
        with pytest.raises(InvalidOrder, match=message) as info:
            await exchange.create_order(
                self.symbol, order_type, OrderSide.BUY, amount, price, stop_price=stop
            )
        assert info.value.exchange == exchange.name
        assert info.value.operation == "create_order"
        assert sim.count_requests() == 0

    @pytest.mark.parametrize("rule", ["amount_step", "price_tick", "min_notional"])
    async def test_market_rule_violations_send_no_order(
        self, exchange: BaseExchange, sim: Simulator, rule: str
    ) -> None:
        market = await self.market(exchange)
        price = self.round_price(sim.engine.price(self.symbol) * D("0.9"), market)
        amount = await self.small_amount(exchange, price)
        assert market.amount_step is not None and market.price_tick is not None
        if rule == "amount_step":
            amount += market.amount_step / 2
        elif rule == "price_tick":
            price += market.price_tick / 2
        else:
            if market.min_notional is None:
                pytest.skip("the market has no minimum notional")
            price = self.round_price(market.min_notional / amount / 2, market)
            if price <= 0:
                pytest.skip("no price small enough on this market's tick")
        sim.clear_requests()
        with pytest.raises(OrderLimitViolation) as info:
            await exchange.create_order(
                self.symbol, OrderType.LIMIT, OrderSide.BUY, amount, price
            )
        assert info.value.limit == rule
        assert _orders_sent(sim) == 0

    async def test_cancel_and_lookup_need_exactly_one_id(self, exchange: BaseExchange) -> None:
        with pytest.raises(InvalidArgument, match="exactly one"):
            await exchange.get_order(None, self.symbol)
        with pytest.raises(InvalidArgument, match="exactly one"):
            await exchange.cancel_order("1", self.symbol, client_order_id="x")

    # --- futures ------------------------------------------------------------------------
    async def test_positions_and_leverage(self, exchange: BaseExchange, sim: Simulator) -> None:
        caps = exchange.capabilities
        if self.trade_type is not TradeType.FUTURES or not caps.positions:
            if not caps.positions:
                with pytest.raises(NotSupported):
                    await exchange.get_positions()
                return
            pytest.skip("positions are tested on the futures market")
        assert await exchange.set_leverage(self.symbol, 5) is True
        price = sim.engine.price(self.symbol)
        amount = await self.small_amount(exchange, price)
        await exchange.create_order(self.symbol, OrderType.MARKET, OrderSide.BUY, amount)
        (position,) = await exchange.get_positions(self.symbol)
        assert position.symbol == self.symbol
        assert position.side is PositionSide.LONG
        assert position.size == amount
        assert position.entry_price is not None
        assert abs(position.entry_price - price) / price < D("0.01")
        assert position.leverage in (None, D(5))
        sim.set_price(self.symbol, price * D("1.1"))
        (moved,) = await exchange.get_positions()
        assert moved.unrealized_pnl is not None and moved.unrealized_pnl > 0
        await exchange.create_order(
            self.symbol, OrderType.MARKET, OrderSide.SELL, amount, reduce_only=True
        )
        assert await exchange.get_positions() == []

    async def test_leverage_outside_the_market_range_is_refused(
        self, exchange: BaseExchange, sim: Simulator
    ) -> None:
        if not exchange.capabilities.leverage:
            with pytest.raises(NotSupported):
                await exchange.set_leverage(self.symbol, 2)
            return
        symbol = f"{self.base}/{self.quote}:{self.quote}"
        await exchange.get_symbols(TradeType.FUTURES)
        sim.clear_requests()
        with pytest.raises(InvalidArgument):
            await exchange.set_leverage(symbol, 0)
        with pytest.raises(InvalidArgument):
            await exchange.set_leverage(symbol, 100000)
        assert sim.count_requests() == 0
