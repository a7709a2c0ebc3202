"""Faults end to end: every kind of failure surfaces as an exchlayer error or is absorbed, and
an order is never duplicated nor lost."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from exchlayer import (
    Balance,
    BaseExchange,
    ExchangeLayerError,
    Order,
    OrderBook,
    OrderNotFound,
    OrderSide,
    OrderStatus,
    OrderStatusUnknown,
    OrderType,
    Position,
    Ticker,
    Trade,
)
from exchlayer.resilience import NO_RETRY, RetryPolicy
from exchlayer.testing import Simulator, connect, held_client_order_ids
from exchlayer.testing.simulator import Fault, Mutation, Operation

D = Decimal
VENUES = ["binance", "gateio", "kucoin", "bingx", "bitget"]
QUICK = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, max_elapsed=5.0)
ALL_FAULTS = [f for f in Fault if f is not Fault.MUTATE]  # mutations: their own tests
# faults whose answer says nothing about the request itself; MUTATE and ERROR_AFTER have
# their own tests
READ_FAULTS = [
    f for f in Fault if f not in (Fault.LATENCY, Fault.DELAY, Fault.MUTATE, Fault.ERROR_AFTER)
]
UNPROCESSED = [f for f in Fault if not f.processed]


def options(venue: str) -> dict[str, object]:
    # recvWindow: how long an order request stays valid (Binance's and BingX's recvWindow,
    # Gate's X-Gate-Exptime), so a request held in transit longer is refused by the venue.
    return {
        "timeout": 0.5,
        "retry": QUICK,
        "ccxt_options": {"recvWindow": 400},
        "reconcile_timeout": 1.5,
    }


async def order_connector(sim: Simulator, venue: str) -> BaseExchange:
    exchange = await connect(sim, venue, **options(venue))
    if venue == "bitget":
        # Bitget's 30 s timestamp window has no client setting; waiting it out four times
        # would take two minutes. Shorten it on both sides: the venue's and the connector's.
        sim.venues["bitget"].timestamp_window_ms = 500  # type: ignore[attr-defined]
        exchange.profile = replace(exchange.profile, request_window=0.5)  # type: ignore[attr-defined,misc]
    return exchange


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("fault", READ_FAULTS, ids=lambda f: f.value)
async def test_a_passing_fault_on_a_read_is_retried_away(
    venue_simulator: Simulator, venue: str, fault: Fault
) -> None:
    sim = venue_simulator
    async with await connect(sim, venue, **{**options(venue), "timeout": 0.3}) as exchange:
        await exchange.get_symbols()
        sim.faults.add(fault, operation=Operation.TICKER, times=1, delay=1.0, retry_after=0.05)
        ticker = await exchange.get_ticker("BTC/USDT")
    assert ticker.last_price is not None
    assert sim.faults.count(fault) == 1


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("fault", READ_FAULTS, ids=lambda f: f.value)
async def test_a_lasting_fault_surfaces_as_an_exchlayer_error(
    venue_simulator: Simulator, venue: str, fault: Fault
) -> None:
    """Malformed, truncated, empty, HTML or wrongly shaped answers never escape as KeyError,
    TypeError or a JSON decode error."""
    sim = venue_simulator
    async with await connect(sim, venue, timeout=0.3, retry=NO_RETRY) as exchange:
        await exchange.get_symbols()
        sim.faults.add(fault, operation=Operation.BALANCE, delay=1.0)
        with pytest.raises(ExchangeLayerError) as info:
            await exchange.get_balance()
    error = info.value
    assert error.exchange == venue and error.operation == "get_balance"
    assert type(error).__module__ == "exchlayer.errors"


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("fault", ALL_FAULTS, ids=lambda f: f.value)
async def test_an_order_hit_by_a_fault_is_placed_at_most_once_and_its_fate_is_learnable(
    venue_simulator: Simulator, venue: str, fault: Fault
) -> None:
    """Whatever the fault, the venue ends up with at most one order for the client id, and
    what the caller was told (an Order, a refusal, or OrderStatusUnknown settled by a lookup)
    matches the venue's books."""
    sim = venue_simulator
    async with await order_connector(sim, venue) as exchange:
        await exchange.get_symbols()
        sim.faults.add(fault, operation=Operation.CREATE_ORDER, times=1, delay=1.0,
                       retry_after=0.05)
        client_id = exchange.new_client_order_id()  # type: ignore[attr-defined]
        order: Order | None
        try:
            order = await exchange.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"),
                client_order_id=client_id,
            )
        except OrderStatusUnknown as exc:
            assert exc.client_order_id == client_id  # noqa: PT017 - the id is the point
            try:  # the fault is over: a lookup now settles it
                order = await exchange.get_order(None, "BTC/USDT", client_order_id=client_id)
            except OrderNotFound:
                order = None
                assert fault in (Fault.DELAY, *UNPROCESSED)  # refused late, or never arrived
        except ExchangeLayerError:
            assert not fault.processed  # a refusal before the venue acted: nothing placed
            order = None
        opened = await exchange.get_open_orders("BTC/USDT")
    held = [cid for cid in held_client_order_ids(sim, venue) if cid == client_id]
    if order is None:
        assert opened == [] and held == []
    else:
        assert order.client_order_id == client_id and order.status is OrderStatus.OPEN
        assert [o.client_order_id for o in opened] == [client_id]
        assert held == [client_id]  # exactly one: no duplicate


BODY_FAULTS = [Fault.MALFORMED, Fault.TRUNCATED, Fault.EMPTY, Fault.WRONG_SHAPE, Fault.HTML]
READS = {
    Operation.TICKER: lambda ex: ex.get_ticker("BTC/USDT"),
    Operation.ORDER_BOOK: lambda ex: ex.get_order_book("BTC/USDT", 5),
    Operation.BALANCE: lambda ex: ex.get_balance(),
    Operation.OPEN_ORDERS: lambda ex: ex.get_open_orders("BTC/USDT"),
    Operation.MY_TRADES: lambda ex: ex.get_trades("BTC/USDT"),
    Operation.POSITIONS: lambda ex: ex.get_positions(),
}


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("operation", list(READS))
@pytest.mark.parametrize("fault", BODY_FAULTS, ids=lambda f: f.value)
async def test_a_garbled_answer_is_never_returned_as_data(
    venue_simulator: Simulator, venue: str, operation: str, fault: Fault
) -> None:
    """A body of the wrong shape must not read as "no balances" or "no open orders"."""
    sim = venue_simulator
    async with await connect(sim, venue, retry=NO_RETRY) as exchange:
        await exchange.get_symbols()
        await exchange.get_symbols("futures")  # type: ignore[arg-type]
        sim.faults.add(fault, operation=operation)
        with pytest.raises(ExchangeLayerError) as info:
            await READS[operation](exchange)
    assert type(info.value).__module__ == "exchlayer.errors"
    assert sim.faults.count(fault) >= 1


@pytest.mark.parametrize("venue", VENUES)
async def test_clock_skew_is_resynchronised(venue_simulator: Simulator, venue: str) -> None:
    sim = venue_simulator
    async with await connect(sim, venue, retry=QUICK) as exchange:
        await exchange.get_balance()
        sim.skew_clock(90_000)  # the venue is now 90 s ahead of us
        balances = await exchange.get_balance()
        order = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
        )
    assert balances and order.status is OrderStatus.OPEN


def _view(value: object) -> object:
    """What a read returned, without times and raw payloads (they differ call to call)."""
    if isinstance(value, list):
        return [_view(v) for v in value]
    if isinstance(value, Ticker):
        return (value.symbol, value.last_price, value.bid, value.ask)
    if isinstance(value, OrderBook):
        return (value.symbol, value.bids, value.asks)
    if isinstance(value, Balance):
        return (value.currency, value.free, value.used, value.total)
    if isinstance(value, Order):
        return (value.id, value.symbol, value.side, value.amount, value.price, value.status)
    if isinstance(value, Trade):
        return (value.id, value.symbol, value.price, value.amount)
    if isinstance(value, Position):
        return (value.symbol, value.side, value.size, value.entry_price)
    return value


# An emptied list, or zeroed balances, is a real answer too ("no open orders", an empty
# account): nothing can tell it apart. Every other rewrite must be refused or leave the data as
# it really is.
_UNDETECTABLE = {
    (Operation.OPEN_ORDERS, Mutation.EMPTY), (Operation.MY_TRADES, Mutation.EMPTY),
    (Operation.POSITIONS, Mutation.EMPTY), (Operation.BALANCE, Mutation.EMPTY),
    (Operation.BALANCE, Mutation.ZERO),
    (Operation.POSITIONS, Mutation.ZERO),  # every size 0: flat, as a venue lists it
    # the position moved, whole, to another market: "none here, one there" (venues answer
    # every market's positions; one market's are picked from them)
    (Operation.POSITIONS, Mutation.OTHER_SYMBOL),
}
# each read about one market, so that another market's data can be told apart
ONE_MARKET = {
    **READS,
    Operation.POSITIONS: lambda ex: ex.get_positions("BTC/USDT:USDT"),
}


@pytest.mark.parametrize("venue", VENUES)
async def test_a_hostile_rewrite_of_any_answer_is_refused_or_harmless(
    venue_simulator: Simulator, venue: str
) -> None:
    """Every read, under every kind of rewrite (negated, nulled, zeroed, infinite, huge,
    another market's, duplicated keys, wrapped, truncated): an exchlayer error, or exactly what
    the venue really holds; never other data."""
    sim = venue_simulator
    async with await connect(sim, venue, retry=NO_RETRY) as exchange:
        await exchange.get_symbols()
        await exchange.get_symbols("futures")  # type: ignore[arg-type]
        await exchange.create_order("BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"),
                                    D("40000"))
        await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.001"))
        await exchange.create_order("BTC/USDT:USDT", OrderType.MARKET, OrderSide.BUY,
                                    D("0.01"))
        truth = {op: _view(await read(exchange)) for op, read in ONE_MARKET.items()}
        taken = []
        for operation, read in ONE_MARKET.items():
            for mutation in Mutation:
                sim.faults.clear()
                sim.faults.add(Fault.MUTATE, operation=operation, mutation=mutation)
                got = None
                try:
                    got = _view(await read(exchange))
                except ExchangeLayerError as exc:
                    refused = type(exc).__module__
                else:
                    refused = None
                if refused is not None:
                    assert refused == "exchlayer.errors"
                    continue
                if (operation, mutation) in _UNDETECTABLE:
                    continue
                if got != truth[operation]:
                    taken.append((operation, mutation.value, got))
        sim.faults.clear()
    assert sim.faults.count(Fault.MUTATE) >= len(READS) * len(Mutation)
    assert taken == [], f"rewritten answers taken as data: {taken}"
