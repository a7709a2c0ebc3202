"""BingX's depth streams end to end (exchlayer -> ccxt.pro -> WebSocket -> the simulator): every
frame gzip-compressed as BingX sends them, each push a whole top of the book; a garbled push or
a dropped socket never leaves a wrong book with the consumer."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from stream_support import Reader, session_of, until

from exchlayer import BaseExchange
from exchlayer.testing import Simulator, connect

pytest.importorskip("ccxt.pro")

D = Decimal
SPOT_WS = "wss://open-api-ws.bingx.com/market"


@pytest.fixture
async def bingx(sim: Simulator) -> AsyncIterator[BaseExchange]:
    exchange = await connect(sim, "bingx", credentials=False)
    try:
        yield exchange
    finally:
        await exchange.close()


async def receive(ws: aiohttp.ClientWebSocketResponse) -> Any:
    message = await asyncio.wait_for(ws.receive(), 5)
    assert message.type is aiohttp.WSMsgType.BINARY, message  # gzip, always
    text = gzip.decompress(message.data).decode()
    return text if text == "Pong" else json.loads(text)


async def test_the_wire_protocol(sim: Simulator) -> None:
    ws = await sim.client_session().ws_connect(SPOT_WS)
    await ws.send_str("Ping")
    assert await receive(ws) == "Pong"
    await ws.send_json({"id": "a1", "dataType": "BTC-USDT@depth20"})
    assert await receive(ws) == {"id": "a1", "code": 0, "msg": "", "dataType": "", "data": None}
    push = await receive(ws)
    assert push["dataType"] == "BTC-USDT@depth20" and len(push["data"]["bids"]) == 20
    asks = [D(p) for p, _ in push["data"]["asks"]]
    assert asks == sorted(asks, reverse=True)  # worst first, as BingX lists them
    sim.set_price("BTC/USDT", D("50050"))
    moved = await receive(ws)
    assert moved["data"]["lastUpdateId"] == sim.engine.book("BTC/USDT", 1).update_id
    await ws.send_json({"id": "a2", "dataType": "NOPE-USDT@depth20"})
    assert (await receive(ws))["code"] == 100400
    await ws.send_json({"id": "a3", "dataType": "BTC-USDT@depth7"})
    assert (await receive(ws))["code"] == 100400
    await ws.close()


@pytest.mark.parametrize("symbol", ["BTC/USDT", "BTC/USDT:USDT"])
async def test_the_book_is_the_engine_s_exactly(
    sim: Simulator, bingx: BaseExchange, symbol: str
) -> None:
    stream = bingx.watch_order_book(symbol, limit=20)
    reader = Reader(stream)
    await reader.sees_engine(sim, symbol, 20)
    for i in range(1, 21):
        sim.set_price(symbol, D(50_000) + D(i) * D("1.5") * (-1) ** i)
        await reader.sees_engine(sim, symbol, 20)
    assert (stream.resyncs, stream.reconnects) == (0, 0)  # type: ignore[attr-defined]
    await reader.stop()


async def test_a_garbled_push_takes_a_fresh_book(sim: Simulator, bingx: BaseExchange) -> None:
    stream = bingx.watch_order_book("BTC/USDT", limit=20)
    reader = Reader(stream)
    await reader.sees_engine(sim, "BTC/USDT", 20)
    session_of(sim).send_gzip({"code": 0, "dataType": "BTC-USDT@depth100",
                               "ts": sim.engine.now_ms(),
                               "data": {"bids": [["-5", "1"]], "asks": [], "lastUpdateId": 1}})
    await until(lambda: stream.resyncs >= 1)  # type: ignore[attr-defined]
    sim.set_price("BTC/USDT", D("50070"))
    await reader.sees_engine(sim, "BTC/USDT", 20)
    assert all(b.bids[0].price > 0 for b in reader.books)
    await reader.stop()
