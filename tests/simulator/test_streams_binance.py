"""Binance's public WebSocket streams from the simulator: the subscribe protocol and its errors,
depth events that chain (U = previous u + 1, futures' pu) onto the REST snapshot, and raw
ccxt.pro keeping a book identical to the engine's through many moves and a dropped socket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from exchlayer.testing import Simulator

ccxtpro = pytest.importorskip("ccxt.pro")

SPOT_WS = "wss://stream.binance.com:9443/ws"
USDM_WS = "wss://fstream.binance.com/public/ws"
D = Decimal


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(rate_limits=False) as simulator:
        yield simulator


async def receive(ws: aiohttp.ClientWebSocketResponse) -> Any:
    message = await asyncio.wait_for(ws.receive(), 5)
    assert message.type is aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)


async def subscribed(sim: Simulator, url: str, *streams: str) -> aiohttp.ClientWebSocketResponse:
    ws = await sim.client_session().ws_connect(url)
    await ws.send_json({"method": "SUBSCRIBE", "params": list(streams), "id": 7})
    assert await receive(ws) == {"result": None, "id": 7}
    return ws


async def test_the_subscribe_protocol_and_its_errors(sim: Simulator) -> None:
    ws = await subscribed(sim, SPOT_WS, "btcusdt@depth@100ms", "ethusdt@bookTicker")
    await ws.send_json({"method": "LIST_SUBSCRIPTIONS", "id": 8})
    assert await receive(ws) == {"result": ["btcusdt@depth@100ms", "ethusdt@bookTicker"], "id": 8}
    await ws.send_json({"method": "SUBSCRIBE", "params": ["nosuchcoin@depth"], "id": 9})
    assert (await receive(ws))["error"]["code"] == 2
    await ws.send_json({"method": "SUBSCRIBE", "params": ["btcusdt@depth@250ms"], "id": 10})
    assert (await receive(ws))["error"] == {"code": 2, "msg": "Invalid request: unknown stream"}
    await ws.send_str("{not json")
    assert (await receive(ws))["error"]["code"] == 3
    await ws.send_json({"method": "UNSUBSCRIBE", "params": ["btcusdt@depth@100ms"], "id": 11})
    assert await receive(ws) == {"result": None, "id": 11}
    sim.set_price("BTC/USDT", D("50500"))
    sim.set_price("ETH/USDT", D("2100"))
    event = await receive(ws)  # only the book ticker is left
    assert event["s"] == "ETHUSDT" and set(event) == {"u", "s", "b", "B", "a", "A"}
    await ws.close()


@pytest.mark.parametrize(("url", "symbol"), [(SPOT_WS, "BTC/USDT"), (USDM_WS, "BTC/USDT:USDT")])
async def test_depth_events_chain_onto_the_rest_snapshot(
    sim: Simulator, url: str, symbol: str
) -> None:
    ws = await subscribed(sim, url, "btcusdt@depth@100ms")
    futures = ":" in symbol
    rest = await sim.client_session().get(
        "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000" if futures
        else "https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000"
    )
    snapshot = await rest.json()
    book = {side: {D(p): D(q) for p, q in snapshot[side]} for side in ("bids", "asks")}
    last = snapshot["lastUpdateId"]
    for i in range(1, 26):
        sim.set_price(symbol, D(50_000) + D(i) * D("3.5") * (-1) ** i)  # a new price each time
        event = await receive(ws)
        assert event["e"] == "depthUpdate" and event["s"] == "BTCUSDT"
        assert event["U"] == last + 1
        if futures:
            assert event["pu"] == last and "T" in event
        for side, key in (("bids", "b"), ("asks", "a")):
            for price, size in event[key]:
                if D(size) == 0:
                    book[side].pop(D(price))
                else:
                    book[side][D(price)] = D(size)
        last = event["u"]
        engine = sim.engine.book(symbol, 1000)
        assert last == engine.update_id
        assert sorted(book["bids"].items(), reverse=True) == list(engine.bids)
        assert sorted(book["asks"].items()) == list(engine.asks)
    await ws.close()


async def test_combined_streams_are_wrapped(sim: Simulator) -> None:
    ws = await sim.client_session().ws_connect(
        "wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker/btcusdt@miniTicker"
    )
    sim.set_price("BTC/USDT", D("50321"))
    got = {(await receive(ws))["stream"] for _ in range(2)}
    assert got == {"btcusdt@bookTicker", "btcusdt@miniTicker"}
    await ws.close()


@pytest.mark.parametrize("symbol", ["BTC/USDT", "BTC/USDT:USDT"])
async def test_ccxt_pro_keeps_the_engine_s_book(sim: Simulator, symbol: str) -> None:
    exchange = ccxtpro.binance({"session": sim.client_session()})
    try:
        await exchange.load_markets()
        first = asyncio.create_task(exchange.watch_order_book(symbol))
        await asyncio.sleep(0.2)  # subscribed; ccxt fetches the REST snapshot
        sim.set_price(symbol, D("50100"))
        await asyncio.wait_for(first, 5)
        for i in range(30):
            waiting = asyncio.create_task(exchange.watch_order_book(symbol))
            await asyncio.sleep(0)
            sim.set_price(symbol, D(50_000 + 13 * i))
            book = await asyncio.wait_for(waiting, 5)
        engine = sim.engine.book(symbol, 1000)
        assert book["nonce"] == engine.update_id
        assert [[D(repr(p)), D(repr(q))] for p, q in book["bids"]] == [list(b) for b in engine.bids]
        assert [[D(repr(p)), D(repr(q))] for p, q in book["asks"]] == [list(a) for a in engine.asks]

        # a socket cut without a close frame: ccxt's pending call fails, the next resubscribes
        waiting = asyncio.create_task(exchange.watch_order_book(symbol))
        await asyncio.sleep(0)
        for session in sim.stream_sessions:
            session.drop()
        with pytest.raises(ccxtpro.NetworkError):
            await asyncio.wait_for(waiting, 5)
        again = asyncio.create_task(exchange.watch_order_book(symbol))
        await asyncio.sleep(0.3)
        sim.set_price(symbol, D("49000"))
        book = await asyncio.wait_for(again, 5)
        assert book["bids"][0][0] == float(sim.engine.book(symbol, 1).bids[0][0])
    finally:
        await exchange.close()


async def test_ccxt_pro_watch_ticker(sim: Simulator) -> None:
    exchange = ccxtpro.binance({"session": sim.client_session()})
    try:
        waiting = asyncio.create_task(exchange.watch_ticker("BTC/USDT:USDT"))
        await asyncio.sleep(0.3)
        sim.set_price("BTC/USDT:USDT", D("51234.5"))
        ticker = await asyncio.wait_for(waiting, 5)
        assert D(repr(ticker["last"])) == D("51234.5")
    finally:
        await exchange.close()


async def test_an_unknown_stream_host_is_refused(sim: Simulator) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await sim.client_session().ws_connect("wss://stream.example.com/ws")
