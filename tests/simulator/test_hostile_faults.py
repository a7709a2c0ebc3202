"""DELAY and ERROR_AFTER end to end with raw ccxt: the request the venue acts on late, and the
order placed behind one of the venue's own "execution status unknown" errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from venue_matrix import MARKETS, Market

from exchlayer.testing.simulator import (
    AmbiguousError,
    Fault,
    FaultRule,
    Operation,
    Simulator,
)
from exchlayer.testing.simulator.venues import venue_classes

ccxt = pytest.importorskip("ccxt.async_support")

Connect = Callable[..., Awaitable[Any]]


def placed(sim: Simulator, market: Market, client_id: str) -> list[Any]:
    """The orders the venue holds with ``client_id`` (Gate keeps the ``t-`` text)."""
    account = sim.accounts.find(market.venue, "live", "sim-key")
    assert account is not None
    wanted = market.client_id_params(client_id)
    text = wanted.get("text", wanted.get("clientOrderId"))
    return [
        o
        for o in account.orders.values()
        if o.client_order_id in (text, client_id, client_id.lower())
    ]


def test_the_new_kinds_say_whether_the_venue_acted() -> None:
    assert Fault.DELAY.processed and Fault.ERROR_AFTER.processed and Fault.MUTATE.processed
    assert not Fault.SERVER_ERROR.processed
    # every kind still makes a rule with the old keywords
    for fault in Fault:
        rule = FaultRule(fault, venue="binance", operation=Operation.TICKER, probability=1.0,
                         times=1, delay=0.1, status=500, retry_after=1)
        assert rule.fault is fault


async def test_a_delayed_order_is_not_there_when_looked_up_then_appears(
    every_venue: Simulator, venue_client: Connect
) -> None:
    """The client times out, looks the order up (not there), and the venue places it late."""
    sim = every_venue
    exchange = await venue_client("binance", timeout=300)
    sim.faults.add(Fault.DELAY, operation=Operation.CREATE_ORDER, times=1, delay=0.9)
    with pytest.raises(ccxt.RequestTimeout):
        await exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 40000,
                                    {"clientOrderId": "late-1"})
    with pytest.raises(ccxt.OrderNotFound):
        await exchange.fetch_order(None, "BTC/USDT", {"origClientOrderId": "late-1"})
    await asyncio.sleep(0.75)  # the request arrives
    order = await exchange.fetch_order(None, "BTC/USDT", {"origClientOrderId": "late-1"})
    assert order["clientOrderId"] == "late-1" and order["status"] == "open"
    assert sim.faults.count(Fault.DELAY) == 1


async def test_a_delayed_order_is_answered_normally_when_the_client_waits(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    exchange = await venue_client("bitget")
    sim.faults.add(Fault.DELAY, operation=Operation.CREATE_ORDER, times=1, delay=0.2)
    started = asyncio.get_running_loop().time()
    order = await exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 40000)
    assert asyncio.get_running_loop().time() - started >= 0.2
    assert order["id"]
    (recorded,) = [r for r in sim.requests if r.operation == Operation.CREATE_ORDER]
    assert recorded.status == 200


async def test_a_request_delayed_past_recv_window_is_refused_and_never_placed(
    every_venue: Simulator, venue_client: Connect
) -> None:
    """The venue judges the timestamp when the request arrives, as the real one does: a
    client that waits out its recvWindow may conclude an order it cannot find is not placed."""
    sim = every_venue
    exchange = await venue_client("binance", options={"recvWindow": 300})
    sim.faults.add(Fault.DELAY, operation=Operation.CREATE_ORDER, times=1, delay=0.4)
    with pytest.raises(ccxt.InvalidNonce, match="-1021"):
        await exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 40000,
                                    {"clientOrderId": "too-late"})
    assert placed(sim, MARKETS["binance-spot"], "too-late") == []


#: What raw ccxt 4.5.90 raises for each venue's ambiguous errors (the order IS placed).
CCXT_SAYS: dict[tuple[str, str], str] = {
    ("binance", "-1000"): "OperationFailed",
    ("binance", "-1007"): "RequestTimeout",
    ("binance", "-1008"): "OperationFailed",
    ("binance", "-1006"): "OperationFailed",
    ("binance", "-1001"): "OperationFailed",
    ("gate", "SERVER_ERROR"): "ExchangeNotAvailable",
    ("gate", "INTERNAL"): "ExchangeNotAvailable",
    ("gate", "TOO_BUSY"): "ExchangeNotAvailable",
    ("kucoin", "500000"): "ExchangeNotAvailable",
    ("kucoin", "408000"): "BadRequest",  # reads as a refusal: the order may be live
    ("kucoin", "126038"): "ExchangeError",
    ("bingx", "100500"): "OperationFailed",
    ("bingx", "109500"): "OperationFailed",
    ("bingx", "100410"): "OperationFailed",
    ("bitget", "40015"): "ExchangeError",
    ("bitget", "40010"): "AuthenticationError",  # reads as bad keys: the order may be live
}


def error_cases() -> list[Any]:
    classes = venue_classes()
    cases = []
    for name in ("binance-spot", "binance-usdm", "gate-spot", "gate-swap", "kucoin-spot",
                 "kucoin-futures", "bingx-spot", "bingx-swap", "bitget-spot", "bitget-swap"):
        market = MARKETS[name]
        for error in classes[market.venue].ambiguous_errors:
            cases.append(pytest.param(market, error, id=f"{name}-{error.code}"))
    return cases


@pytest.mark.parametrize(("market", "error"), error_cases())
async def test_error_after_places_the_order_then_answers_the_venues_ambiguous_error(
    every_venue: Simulator, venue_client: Connect, market: Market, error: AmbiguousError
) -> None:
    sim = every_venue
    exchange = await venue_client(market.client)
    sim.faults.add(Fault.ERROR_AFTER, venue=market.venue, operation=Operation.CREATE_ORDER,
                   code=error.code, times=1)
    with pytest.raises(ccxt.BaseError) as info:
        await exchange.create_order(market.symbol, "limit", "buy", market.amount, market.price,
                                    market.client_id_params("amb1"))
    assert type(info.value).__name__ == CCXT_SAYS[(market.venue, str(error.code))]
    (orders,) = [placed(sim, market, "amb1")]
    assert len(orders) == 1 and orders[0].is_open  # placed, whatever the answer said
    recorded = [r for r in sim.requests if r.operation == Operation.CREATE_ORDER][-1]
    assert recorded.status == error.status
    body = dict(exchange.last_json_response)  # the venue's own envelope
    expected = sim.venues[market.venue].error_body(error.code, error.message)
    if market.venue == "bitget":  # its errors carry the server time
        assert isinstance(body.pop("requestTime"), int)
        del expected["requestTime"]
    assert body == expected


async def test_error_after_defaults_to_the_first_listed_error_and_takes_a_status(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    exchange = await venue_client("binance")
    sim.faults.add(Fault.ERROR_AFTER, venue="binance", operation=Operation.CREATE_ORDER, times=1)
    with pytest.raises(ccxt.OperationFailed):
        await exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 40000)
    assert exchange.last_json_response == {
        "code": -1000, "msg": "An unknown error occurred while processing the request."
    }
    sim.faults.add(Fault.ERROR_AFTER, venue="binance", operation=Operation.CREATE_ORDER,
                   code=-1007, status=504, times=1)
    with pytest.raises(ccxt.RequestTimeout):
        await exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 40000)
    assert sim.requests[-1].status == 504
    assert len(await exchange.fetch_open_orders("BTC/USDT")) == 2


async def test_bingx_answers_its_ambiguous_error_with_http_200(every_venue: Simulator) -> None:
    sim = every_venue
    sim.faults.add(Fault.ERROR_AFTER, venue="bingx", times=1)
    session = sim.client_session()
    async with session.get("https://open-api.bingx.com/openApi/swap/v2/server/time") as resp:
        assert resp.status == 200
        assert json.loads(await resp.text()) == {
            "code": 100500, "msg": "Internal system error", "data": {}
        }


async def test_server_error_with_a_code_is_the_venues_error_without_acting(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    exchange = await venue_client("gate")
    sim.faults.add(Fault.SERVER_ERROR, venue="gate", operation=Operation.CREATE_ORDER,
                   code="TOO_BUSY", times=1)
    with pytest.raises(ccxt.ExchangeNotAvailable, match="TOO_BUSY"):
        await exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 40000,
                                    {"text": "t-busy"})
    assert sim.requests[-1].status == 503
    assert placed(sim, MARKETS["gate-spot"], "t-busy") == []
    # without a code, SERVER_ERROR keeps its generic body and 503
    sim.faults.add(Fault.SERVER_ERROR, venue="gate", operation=Operation.TICKER, times=1)
    with pytest.raises(ccxt.ExchangeNotAvailable):
        await exchange.fetch_ticker("BTC/USDT")
    assert sim.requests[-1].status == 503


async def test_an_unlisted_code_is_sent_with_the_first_listed_message(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    exchange = await venue_client("kucoin")
    sim.faults.add(Fault.ERROR_AFTER, venue="kucoin", operation=Operation.TICKER, code=999999)
    with pytest.raises(ccxt.ExchangeError):
        await exchange.fetch_ticker("BTC/USDT")
    assert exchange.last_json_response == {"code": "999999", "msg": "Internal Server Error"}
