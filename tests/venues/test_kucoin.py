"""KuCoin specifics, end to end through ccxt and aiohttp against the simulator."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest

from exchlayer import (
    ConfigurationError,
    ExchangeFactory,
    InvalidOrder,
    NotSupported,
    OrderNotFound,
    OrderSide,
    OrderStatus,
    OrderType,
    PermissionDenied,
    RateLimitExceeded,
    TimeInForce,
    TradeType,
)
from exchlayer.resilience import NO_RETRY
from exchlayer.testing import Operation, Simulator, connect
from exchlayer.testing.simulator import VenueRequest, VenueResponse
from exchlayer.testing.simulator.server import Handler

D = Decimal
BTC, PERP = "BTC/USDT", "BTC/USDT:USDT"


def bodies(sim: Simulator, operation: str = Operation.CREATE_ORDER) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in sim.requests if r.operation == operation]


def paths(sim: Simulator) -> list[str]:
    return [f"{r.method} {r.host}{r.path}" for r in sim.requests]


async def test_a_key_without_its_passphrase_is_refused_at_once(
    venue_simulator: Simulator,
) -> None:
    with pytest.raises(ConfigurationError, match="passphrase"):
        ExchangeFactory.create_exchange(
            "kucoin", api_key="k", api_secret="s", session=venue_simulator.client_session()
        )
    with pytest.raises(ConfigurationError, match="KUCOIN_PASSPHRASE"):
        ExchangeFactory.from_env(
            "kucoin", {"KUCOIN_API_KEY": "k", "KUCOIN_SECRET_KEY": "s"}
        )
    assert venue_simulator.count_requests() == 0


async def test_credentials_from_the_environment(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    sim.add_account("kucoin", api_key="env-key", secret="env-secret", passphrase="env-pass")
    environ = {
        "KUCOIN_API_KEY": "env-key",
        "KUCOIN_SECRET_KEY": "env-secret",
        "KUCOIN_PASSPHRASE": "env-pass",
    }
    async with ExchangeFactory.from_env(
        "kucoin", environ, session=sim.client_session(), rate_limit=False
    ) as exchange:
        (usdt,) = await exchange.get_balance("USDT")
    assert usdt.total == D(10000)
    account_call = next(r for r in sim.requests if r.operation == Operation.BALANCE)
    assert account_call.headers["KC-API-KEY"] == "env-key"
    assert account_call.headers["KC-API-PASSPHRASE"] != "env-pass"  # sent as its HMAC
    assert account_call.headers["KC-API-KEY-VERSION"] == "2"


async def test_there_is_no_testnet_and_nothing_is_sent(venue_simulator: Simulator) -> None:
    with pytest.raises(NotSupported, match="no testnet"):
        await connect(venue_simulator, "kucoin", is_testnet=True)
    with pytest.raises(NotSupported, match="no testnet"):
        ExchangeFactory.from_env(
            "kucoin",
            {"KUCOIN_API_KEY": "k", "KUCOIN_SECRET_KEY": "s", "KUCOIN_PASSPHRASE": "p",
             "KUCOIN_TESTNET": "true"},
        )
    assert venue_simulator.count_requests() == 0


async def test_market_loading_is_narrowed(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "kucoin") as exchange:
        await exchange.get_balance()
        await exchange.get_balance(trade_type=TradeType.FUTURES)
        symbols = await exchange.get_symbols()
    assert paths(sim) == [
        "GET api.kucoin.com/api/v3/currencies",
        "GET api.kucoin.com/api/v2/symbols",
        "GET api.kucoin.com/api/v3/margin/symbols",
        "GET api.kucoin.com/api/v1/isolated/symbols",
        "GET api.kucoin.com/api/v1/accounts",
        "GET api.kucoin.com/api/v3/currencies",
        "GET api.kucoin.com/api/v3/margin/symbols",
        "GET api.kucoin.com/api/v1/isolated/symbols",
        "GET api-futures.kucoin.com/api/v1/contracts/active",
        "GET api-futures.kucoin.com/api/v1/account-overview",
    ]  # no account/mode, hf/accounts/opened or all-tickers download
    assert "BTC/USDT:USDT" in symbols and "BTC/USDT" in symbols


async def test_amounts_prices_and_client_ids_reach_the_wire_exactly(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "kucoin") as exchange:
        spot = await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.00123"), D("41234.56")
        )
        await exchange.create_order(
            BTC, OrderType.STOP, OrderSide.BUY, D("0.001"), stop_price=D("60000")
        )
        await exchange.create_order(
            BTC, OrderType.STOP_LIMIT, OrderSide.SELL, D("0.001"), D("39000"),
            stop_price=D("40000"),
        )
        await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"),
            time_in_force=TimeInForce.POST_ONLY,
        )
        futures = await exchange.create_order(
            PERP, OrderType.LIMIT, OrderSide.BUY, D("0.012"), D("41234.5")
        )
        await exchange.create_order(
            PERP, OrderType.STOP, OrderSide.SELL, D("0.002"), stop_price=D("40000.1")
        )
    limit, stop_buy, stop_sell, post_only, perp, perp_stop = bodies(sim)
    assert limit == {
        "clientOid": spot.client_order_id, "side": "buy", "symbol": "BTC-USDT", "type": "limit",
        "size": "0.00123", "price": "41234.56",
    }
    assert spot.client_order_id is not None and spot.client_order_id.startswith("xl")
    assert len(spot.client_order_id) <= 40
    assert (stop_buy["stop"], stop_buy["stopPrice"], stop_buy["type"]) == (
        "entry", "60000", "market",
    )
    assert (stop_sell["stop"], stop_sell["stopPrice"], stop_sell["price"]) == (
        "loss", "40000", "39000",
    )
    assert post_only["postOnly"] is True and "timeInForce" not in post_only
    assert perp == {
        "clientOid": futures.client_order_id, "side": "buy", "symbol": "XBTUSDTM",
        "type": "limit", "leverage": 20, "marginMode": "CROSS", "size": 12, "price": "41234.5",
    }
    assert (perp_stop["stop"], perp_stop["stopPrice"], perp_stop["stopPriceType"]) == (
        "down", "40000.1", "TP",
    )
    assert perp_stop["size"] == 2 and "triggerPriceType" not in perp_stop
    assert futures.amount == D("0.012") and futures.status is OrderStatus.OPEN


async def test_the_leverage_set_travels_with_every_futures_order(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "kucoin", default_trade_type="futures") as exchange:
        await exchange.create_order(BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"))
        await exchange.create_order(BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"))
        assert await exchange.set_leverage(BTC, 7) is True
        await exchange.create_order(BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"))
        (usdt,) = await exchange.get_balance("USDT")
    # the venue's current leverage, read once and remembered; then the one set here
    assert sim.count_requests(lambda r: r.operation == Operation.LEVERAGE_INFO) == 1
    assert [b["leverage"] for b in bodies(sim)] == [20, 20, 7]
    assert json.loads(
        next(r for r in sim.requests if r.operation == Operation.LEVERAGE).body
    ) == {"symbol": "XBTUSDTM", "leverage": "7"}
    # three resting 40 USDT orders hold their margin at the symbol's leverage, now 7x
    assert abs(usdt.used - D(120) / 7) < D("0.000001")


async def test_futures_amounts_are_in_base_currency_everywhere(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "kucoin") as exchange:
        market = next(
            m for m in (await exchange.get_exchange_info()).markets if m.symbol == PERP
        )
        assert market.contract_size == D("0.001") and market.amount_step == D("0.001")
        assert market.min_notional is None  # KuCoin perpetuals have no minimum order value
        order = await exchange.create_order(PERP, OrderType.MARKET, OrderSide.BUY, D("0.005"))
        assert order.status is OrderStatus.FILLED
        assert order.amount == order.filled == D("0.005")
        (trade,) = await exchange.get_trades(PERP)
        assert trade.amount == D("0.005") and trade.order_id == order.id
        assert trade.fee is not None and trade.fee.currency == "USDT"
        (position,) = await exchange.get_positions(PERP)
        assert position.size == D("0.005") and position.contracts == 5
        book = await exchange.get_order_book(PERP, limit=5)
        snap = sim.engine.book(PERP, 5)  # engine units of the BTC perpetual are BTC
        assert [(level.price, level.amount) for level in book.bids] == list(snap.bids)
        ticker = await exchange.get_ticker(PERP)
        (_, bid_size), (_, ask_size) = sim.engine.best_bid_ask(PERP)
        assert (ticker.bid_size, ticker.ask_size) == (bid_size, ask_size)
    (placed,) = bodies(sim)
    assert placed["size"] == 5  # lots of 0.001 BTC


async def test_client_order_id_rules(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "kucoin") as exchange:
        await exchange.get_symbols()
        sim.clear_requests()
        for bad in ("has.dot", "x" * 41):
            with pytest.raises(InvalidOrder, match="client"):
                await exchange.create_order(
                    BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"),
                    client_order_id=bad,
                )
        assert sim.count_requests() == 0
        longest = "A_" * 20
        order = await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"),
            client_order_id=longest,
        )
        assert order.client_order_id == longest
        assert await exchange.cancel_order(None, BTC, client_order_id=longest) is True
    assert bodies(sim)[0]["clientOid"] == longest


async def test_open_orders_need_a_symbol_on_spot_only(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "kucoin") as exchange:
        await exchange.get_symbols()
        sim.clear_requests()
        with pytest.raises(NotSupported, match="per symbol"):
            await exchange.get_open_orders()
        assert sim.count_requests() == 0
        limit = await exchange.create_order(
            PERP, OrderType.LIMIT, OrderSide.BUY, D("0.01"), D("40000")
        )
        stop = await exchange.create_order(
            "ETH/USDT:USDT", OrderType.STOP, OrderSide.BUY, D("0.1"), stop_price=D("4000")
        )
        orders = await exchange.get_open_orders(trade_type=TradeType.FUTURES)
        assert {o.id for o in orders} == {limit.id, stop.id}
        assert {o.symbol for o in orders} == {PERP, "ETH/USDT:USDT"}
        assert next(o for o in orders if o.id == stop.id).type is OrderType.STOP
        assert await exchange.cancel_order(stop.id, "ETH/USDT:USDT") is True
        assert [o.id for o in await exchange.get_open_orders(trade_type="futures")] == [limit.id]


async def test_a_spot_stop_order_follows_the_order_it_triggers(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    async with await connect(sim, "kucoin") as exchange:
        stop = await exchange.create_order(
            BTC, OrderType.STOP_LIMIT, OrderSide.SELL, D("0.01"), D("47900"),
            stop_price=D("48000"), client_order_id="protect-1",
        )
        assert stop.id.startswith("vs") and stop.status is OrderStatus.OPEN
        assert [o.id for o in await exchange.get_open_orders(BTC)] == [stop.id]
        by_client = await exchange.get_order(None, BTC, client_order_id="protect-1")
        assert by_client.id == stop.id and by_client.type is OrderType.STOP_LIMIT
        sim.set_price(BTC, D("47950"))
        done = await exchange.get_order(stop.id, BTC)
        assert done.id == stop.id and done.client_order_id == "protect-1"
        assert done.type is OrderType.STOP_LIMIT and done.stop_price == D("48000")
        assert done.status is OrderStatus.FILLED and done.filled == D("0.01")
        assert done.average_price is not None and done.average_price >= D("47900")
        # the order it placed carries the client id and the fills
        placed = await exchange.get_order(None, BTC, client_order_id="protect-1")
        assert placed.id != stop.id and placed.type is OrderType.LIMIT
        assert placed.filled == D("0.01")
        (trade,) = await exchange.get_trades(BTC)
        assert trade.order_id == placed.id
        assert trade.fee is not None and trade.fee.currency == "USDT"  # spot fees in quote
        assert await exchange.cancel_order(stop.id, BTC) is False  # already triggered


async def test_cancelling_a_finished_order_returns_false(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "kucoin") as exchange:
        for symbol, amount in ((PERP, D("0.002")), (BTC, D("0.001"))):
            order = await exchange.create_order(symbol, OrderType.MARKET, OrderSide.BUY, amount)
            assert order.status is OrderStatus.FILLED
            assert await exchange.cancel_order(order.id, symbol) is False
            with pytest.raises(OrderNotFound):
                await exchange.cancel_order("0" * 24, symbol)
    cancels = [r for r in sim.requests if r.operation == Operation.CANCEL_ORDER]
    assert cancels and all(r.status == 200 for r in cancels)  # refusals in the body, HTTP 200


async def test_a_lost_order_answer_is_found_by_its_client_id(
    venue_simulator: Simulator,
) -> None:
    sim = venue_simulator
    late = 0

    async def slow_orders(request: VenueRequest, call_next: Handler) -> VenueResponse:
        nonlocal late
        response = await call_next(request)
        if response.operation == Operation.CREATE_ORDER:
            late += 1
            await asyncio.sleep(1.0)
        return response

    sim.interceptors.append(slow_orders)
    async with await connect(sim, "kucoin", timeout=0.3) as exchange:
        order = await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
        )
        sim.interceptors.clear()
        assert order.status is OrderStatus.OPEN and order.amount == D("0.001")
        assert [o.id for o in await exchange.get_open_orders(BTC)] == [order.id]
    assert late == 1


async def test_a_key_without_the_permission_is_permission_denied(
    venue_simulator: Simulator,
) -> None:
    async def deny_orders(request: VenueRequest, call_next: Handler) -> VenueResponse:
        if request.method == "POST":
            return VenueResponse.json(
                {"code": "400007", "msg": "Access Denied -- Your API key does not have "
                 "sufficient permissions to access the URI"},
                403,
            )
        return await call_next(request)

    venue_simulator.interceptors.append(deny_orders)
    async with await connect(venue_simulator, "kucoin") as exchange:
        with pytest.raises(PermissionDenied, match="400007"):
            await exchange.create_order(
                BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
            )


async def test_futures_have_no_fill_or_kill(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with await connect(sim, "kucoin") as exchange:
        await exchange.get_symbols()
        sim.clear_requests()
        with pytest.raises(NotSupported, match="fill-or-kill"):
            await exchange.create_order(
                PERP, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"),
                time_in_force=TimeInForce.FOK,
            )
        assert sim.count_requests() == 0
        order = await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"),
            time_in_force=TimeInForce.FOK,
        )
        assert order.status is OrderStatus.CANCELED and order.filled == 0  # not fillable


async def test_an_answer_without_kucoins_code_is_not_read_as_a_refusal(
    venue_simulator: Simulator,
) -> None:
    """ccxt raises a plain ExchangeError for any JSON answer without KuCoin's ``code``. The
    venue may have acted on the request, so the connector treats it as a garbled answer: the
    order is looked up by its client id, found, and not sent twice."""
    sim = venue_simulator
    garbled = 0

    async def garble_order_answers(request: VenueRequest, call_next: Handler) -> VenueResponse:
        nonlocal garbled
        response = await call_next(request)  # the venue acts on the order...
        if response.operation == Operation.CREATE_ORDER and not garbled:
            garbled += 1  # ...but its answer arrives as something else
            return VenueResponse(200, b'[{"unexpected": true}]', operation=response.operation)
        return response

    sim.interceptors.append(garble_order_answers)
    async with await connect(sim, "kucoin") as exchange:
        order = await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000"), client_order_id="once"
        )
        assert order.status is OrderStatus.OPEN and order.client_order_id == "once"
        assert [o.client_order_id for o in await exchange.get_open_orders(BTC)] == ["once"]
    assert garbled == 1
    assert sim.count_requests(lambda r: r.operation == Operation.CREATE_ORDER) == 1


async def test_a_429_waits_until_the_pool_refills() -> None:
    """KuCoin's 429 has no Retry-After; its gw-ratelimit-reset header says when the pool
    refills, and that is the wait exchlayer reports and pauses for."""
    # the public pool (2,000 per 30 s) scaled to 60 per 0.9 s: a burst of tickers spends it
    async with Simulator(rate_limit_scale=0.03) as sim:
        exchange = await connect(sim, "kucoin", rate_limit=False, retry=NO_RETRY)
        async with exchange:
            await exchange.get_symbols()

            async def poll() -> None:
                for _ in range(200):
                    await exchange.get_ticker("BTC/USDT")

            with pytest.raises(RateLimitExceeded) as caught:
                await poll()
        assert sim.count_requests(lambda r: r.status == 429) == 1
    # without the header, there would be no wait to report (None)
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= 0.9


async def test_a_spot_order_that_rests_or_ends_unfilled_takes_one_request(
    venue_simulator: Simulator,
) -> None:
    """Spot orders go to "Add Order Sync", answered after matching with the order's status:
    one that rests, or ends without a fill, needs no read-back; one with fills is read back
    for its price and fees."""
    sim = venue_simulator
    async with await connect(sim, "kucoin") as exchange:
        ticker = await exchange.get_ticker(BTC)
        assert ticker.bid is not None and ticker.ask is not None
        sim.requests.clear()
        resting = await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("30000")
        )
        assert paths(sim) == ["POST api.kucoin.com/api/v1/hf/orders/sync"]
        assert resting.status is OrderStatus.OPEN
        assert (resting.type, resting.side) == (OrderType.LIMIT, OrderSide.BUY)
        assert (resting.amount, resting.price, resting.filled) == (D("0.001"), D("30000"), 0)
        assert resting.remaining == D("0.001")
        assert resting.created_at is not None
        held = await exchange.get_order(resting.id, BTC)  # what the venue holds
        fields = ("id", "client_order_id", "type", "side", "status", "amount", "price", "filled",
                  "remaining", "cost", "time_in_force", "created_at")
        assert [getattr(resting, f) for f in fields] == [getattr(held, f) for f in fields]

        sim.requests.clear()
        unfilled = await exchange.create_order(
            BTC, OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("30000"),
            time_in_force=TimeInForce.IOC,
        )
        assert len(sim.requests) == 1
        assert unfilled.status is OrderStatus.CANCELED and unfilled.filled == 0

        sim.requests.clear()
        filled = await exchange.create_order(BTC, OrderType.MARKET, OrderSide.BUY, D("0.001"))
        assert [r.operation for r in sim.requests] == [
            Operation.CREATE_ORDER, Operation.FETCH_ORDER,
        ]
        assert filled.status is OrderStatus.FILLED
        assert filled.average_price is not None and filled.fee is not None
