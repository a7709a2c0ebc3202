"""The worked example of docs/simulator-venues.md runs: a simulated venue for a made-up exchange,
registered with `register_venue`, talked to by a ccxt client, with the shared pipeline's
signing, error table, envelope, rate limit, request log and fault injection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from examplex_client import examplex
from examplex_venue import ExamplexOrder, ExamplexVenue

from exchlayer.testing.simulator import Fault, Mutation, Operation, Simulator
from exchlayer.testing.simulator.venues import register_venue, unregister_venue

ccxt = pytest.importorskip("ccxt.async_support")


# --8<-- [start:use]
@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    register_venue(ExamplexVenue)  # every Simulator made from now on serves it
    try:
        async with Simulator(seed=1) as simulator:
            simulator.add_account("examplex", api_key="k1", secret="s1")
            yield simulator
    finally:
        unregister_venue("examplex")


@pytest_asyncio.fixture
async def client(sim: Simulator) -> AsyncIterator[Any]:
    exchange = examplex({"apiKey": "k1", "secret": "s1", "session": sim.client_session(),
                         "enableRateLimit": False})
    yield exchange
    await exchange.close()


async def test_an_order_is_placed_looked_up_and_cancelled(sim: Simulator, client: Any) -> None:
    ticker = await client.fetch_ticker("BTC/USDT")
    assert Decimal(ticker["bid"]) < Decimal(ticker["ask"])
    order = await client.create_order("BTC/USDT", "limit", "buy", "0.01", "40000",
                                      {"client_id": "mine-1", "label": "dip"})
    assert (order["status"], order["client_id"], order["label"]) == ("open", "mine-1", "dip")
    assert (await client.fetch_order(order["id"]))["status"] == "open"
    assert (await client.cancel_order(order["id"]))["status"] == "canceled"
    with pytest.raises(ccxt.OrderNotFound):
        await client.fetch_order("999999")
    placed = [r for r in sim.requests if r.operation == Operation.CREATE_ORDER]
    assert [(r.venue, r.status) for r in placed] == [("examplex", 200)]
# --8<-- [end:use]


async def test_the_venue_keeps_its_typed_state_on_the_order(sim: Simulator, client: Any) -> None:
    order = await client.create_order("BTC/USDT", "limit", "buy", "0.01", "40000",
                                      {"label": "kept"})
    account = sim.accounts.find("examplex", "live", "k1")
    assert account is not None
    held = account.orders[int(order["id"])]
    assert held.venue_state == ExamplexOrder(label="kept")


async def test_engine_and_wire_refusals_come_back_in_the_venues_words(
    sim: Simulator, client: Any
) -> None:
    with pytest.raises(ccxt.InsufficientFunds):
        await client.create_order("BTC/USDT", "limit", "buy", "1", "40000")  # 40,000 USDT
    with pytest.raises(ccxt.BadSymbol):
        await client.fetch_ticker("NOPE/USDT")
    with pytest.raises(ccxt.ArgumentsRequired, match="amount is required"):
        await client.request("orders", "private", "POST", {"market": "BTC-USDT",
                                                           "side": "buy", "type": "market"})
    with pytest.raises(ccxt.BadRequest, match="price is invalid"):
        await client.create_order("BTC/USDT", "limit", "buy", "0.01", "forty")
    with pytest.raises(ccxt.InvalidOrder, match="PRICE_TICK"):
        await client.create_order("BTC/USDT", "limit", "buy", "0.01", "40000.001")
    client.secret = "wrong"
    with pytest.raises(ccxt.AuthenticationError, match="BAD_SIGNATURE"):
        await client.fetch_balance()
    session = sim.client_session()
    async with session.get("https://api.examplex.test/v1/nothing") as resp:
        assert resp.status == 404
        assert (await resp.json())["error"]["code"] == "NOT_FOUND"


async def test_a_stale_timestamp_and_an_unknown_key_are_refused(sim: Simulator) -> None:
    strange = examplex({"apiKey": "nobody", "secret": "s1", "session": sim.client_session()})
    with pytest.raises(ccxt.AuthenticationError, match="BAD_KEY"):
        await strange.fetch_balance()
    await strange.close()
    sim.skew_clock(-10_000)  # the venue's clock 10 s behind: our timestamps are too new
    late = examplex({"apiKey": "k1", "secret": "s1", "session": sim.client_session()})
    with pytest.raises(ccxt.InvalidNonce, match="STALE_REQUEST"):
        await late.fetch_balance()
    await late.close()


async def test_its_published_limit_is_enforced(sim: Simulator, client: Any) -> None:
    for _ in range(100):
        await client.request("time", "public", "GET")
    with pytest.raises(ccxt.RateLimitExceeded):
        await client.request("time", "public", "GET")


async def test_fault_injection_speaks_its_dialect(sim: Simulator, client: Any) -> None:
    sim.faults.add(Fault.ERROR_AFTER, venue="examplex", operation=Operation.CREATE_ORDER,
                   times=1)
    with pytest.raises(ccxt.ExchangeNotAvailable, match="BUSY"):
        await client.create_order("BTC/USDT", "limit", "buy", "0.01", "40000")
    account = sim.accounts.find("examplex", "live", "k1")
    assert account is not None and len(account.orders) == 1  # placed, then the error
    sim.faults.add(Fault.MUTATE, venue="examplex", operation=Operation.BALANCE,
                   mutation=Mutation.NEGATE)
    balances = await client.fetch_balance()  # the envelope intact, the payload negated
    assert {b["asset"]: b["free"] for b in balances}["USDT"].startswith("-")
