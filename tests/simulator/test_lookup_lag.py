"""Lookup lag: a new order, and its fills, show in a venue's queries only some time after it was
placed; until then every query answers exactly as for an order the venue does not know."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from venue_matrix import MARKETS, SPOT_MARKETS

from exchlayer.testing.simulator import Operation, Simulator

ccxt = pytest.importorskip("ccxt.async_support")

Connect = Callable[..., Awaitable[Any]]
LAG = 0.25
UNKNOWN_ID = "000000000000000000000001"  # no order has it (a KuCoin-shaped id parses anywhere)


async def refusal(exchange: Any, call: Awaitable[Any]) -> tuple[str, str]:
    """The ccxt exception class and the venue's error body for a failed call."""
    with pytest.raises(ccxt.BaseError) as info:
        await call
    body = exchange.last_json_response
    code = body.get("code", body.get("label")) if isinstance(body, dict) else body
    return type(info.value).__name__, str(code)


@pytest.mark.parametrize("name", list(MARKETS))
async def test_a_new_order_looks_unknown_until_the_lag_has_passed(
    every_venue: Simulator, venue_client: Connect, name: str
) -> None:
    sim = every_venue
    market = MARKETS[name]
    exchange = await venue_client(market.client)
    unknown = await refusal(exchange, exchange.fetch_order(UNKNOWN_ID, market.symbol))
    sim.lag_lookups(LAG)
    client_id = market.client_id_params("lag1")
    order = await exchange.create_order(market.symbol, "limit", "buy", market.amount,
                                        market.price, client_id)
    by_client_id = {"clientOrderId": next(iter(client_id.values()))}
    # placed, but every lookup answers as for an order the venue does not know
    assert await refusal(exchange, exchange.fetch_order(order["id"], market.symbol)) == unknown
    if name == "bitget-spot":
        # Bitget answers an unknown clientOid with an empty list, and ccxt 4.5.90 then fails
        # to word its OrderNotFound (``id`` is None): a raw TypeError escapes
        with pytest.raises(TypeError):
            await exchange.fetch_order(None, market.symbol, by_client_id)
        assert exchange.last_json_response["data"] == []
    else:
        lookup = exchange.fetch_order(None, market.symbol, by_client_id)
        assert await refusal(exchange, lookup) == unknown
    assert await exchange.fetch_open_orders(market.symbol) == []
    await asyncio.sleep(LAG + 0.02)
    found = await exchange.fetch_order(order["id"], market.symbol)
    assert found["id"] == order["id"] and found["status"] == "open"
    assert (await exchange.fetch_order(None, market.symbol, by_client_id))["id"] == order["id"]
    assert [o["id"] for o in await exchange.fetch_open_orders(market.symbol)] == [order["id"]]


@pytest.mark.parametrize("name", SPOT_MARKETS)
async def test_fills_and_finished_orders_lag_too_but_balances_do_not(
    every_venue: Simulator, venue_client: Connect, name: str
) -> None:
    sim = every_venue
    market = MARKETS[name]
    exchange = await venue_client(market.client)
    sim.lag_lookups(LAG, venue=market.venue)
    before = (await exchange.fetch_balance())["BTC"]["free"]
    await exchange.create_order(market.symbol, "market", "sell", market.amount)
    assert (await exchange.fetch_balance())["BTC"]["free"] < before  # sold at once
    assert await exchange.fetch_my_trades(market.symbol) == []
    assert await exchange.fetch_closed_orders(market.symbol) == []
    requests = [r.operation for r in sim.requests]
    assert Operation.MY_TRADES in requests and Operation.ORDER_HISTORY in requests
    await asyncio.sleep(LAG + 0.02)
    assert len(await exchange.fetch_my_trades(market.symbol)) >= 1
    (closed,) = await exchange.fetch_closed_orders(market.symbol)
    assert closed["status"] == "closed"


@pytest.mark.parametrize("name", ["binance-spot", "gate-swap", "kucoin-futures", "bingx-spot",
                                  "bitget-swap"])
async def test_a_lagging_order_can_be_cancelled_at_once(
    every_venue: Simulator, venue_client: Connect, name: str
) -> None:
    sim = every_venue
    market = MARKETS[name]
    exchange = await venue_client(market.client)
    sim.lag_lookups(LAG)
    order = await exchange.create_order(market.symbol, "limit", "buy", market.amount,
                                        market.price)
    await exchange.cancel_order(order["id"], market.symbol)
    account = sim.accounts.find(market.venue, "live", "sim-key")
    assert account is not None and not any(o.is_open for o in account.orders.values())


async def test_the_lag_is_per_venue_and_zero_turns_it_off(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    gate, binance = await venue_client("gate"), await venue_client("binance")
    sim.venues["gate"].lookup_lag = 60
    await gate.create_order("BTC/USDT", "limit", "buy", 0.001, 40000)
    await binance.create_order("BTC/USDT", "limit", "buy", 0.001, 40000)
    assert await gate.fetch_open_orders("BTC/USDT") == []
    assert len(await binance.fetch_open_orders("BTC/USDT")) == 1
    sim.lag_lookups(0, venue="gate")
    assert len(await gate.fetch_open_orders("BTC/USDT")) == 1
    with pytest.raises(ValueError, match="negative"):
        sim.lag_lookups(-1)
    with pytest.raises(ValueError, match="unknown venue"):
        sim.lag_lookups(1, venue="nope")
