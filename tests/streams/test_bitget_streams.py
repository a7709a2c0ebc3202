"""Bitget's book stream end to end (exchlayer -> ccxt.pro -> WebSocket -> the simulator's
``books`` channel): a snapshot, then updates whose CRC-32 checksum over the top 25 levels ccxt.pro
verifies; a wrong checksum, a hostile level or a dropped socket never leaves a wrong book with
the consumer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from stream_support import Reader, session_of, until

from exchlayer import BaseExchange
from exchlayer.testing import Simulator, connect
from exchlayer.testing.simulator.venues.bitget.streams import book_checksum

pytest.importorskip("ccxt.pro")

D = Decimal
WS = "wss://ws.bitget.com/v2/ws/public"
MARKETS = [("BTC/USDT", "SPOT"), ("BTC/USDT:USDT", "USDT-FUTURES")]


@pytest.fixture
async def bitget(sim: Simulator) -> AsyncIterator[BaseExchange]:
    exchange = await connect(sim, "bitget", credentials=False)
    try:
        yield exchange
    finally:
        await exchange.close()


async def receive(ws: aiohttp.ClientWebSocketResponse) -> Any:
    message = await asyncio.wait_for(ws.receive(), 5)
    assert message.type is aiohttp.WSMsgType.TEXT, message
    return message.data if message.data == "pong" else json.loads(message.data)


async def test_the_wire_protocol(sim: Simulator) -> None:
    ws = await sim.client_session().ws_connect(WS)
    await ws.send_str("ping")
    assert await receive(ws) == "pong"
    arg = {"instType": "SPOT", "channel": "books", "instId": "BTCUSDT"}
    await ws.send_json({"op": "subscribe", "args": [arg]})
    assert await receive(ws) == {"event": "subscribe", "arg": arg}
    snapshot = await receive(ws)
    assert snapshot["action"] == "snapshot" and snapshot["arg"] == arg
    data = snapshot["data"][0]
    assert len(data["bids"]) == len(data["asks"]) == 150 and data["checksum"] == 0
    book = {"bids": dict(data["bids"]), "asks": dict(data["asks"])}
    seq = data["seq"]
    for i in range(1, 11):
        sim.set_price("BTC/USDT", D(50_000) + D(i) * D("4.5") * (-1) ** i)
        update = (await receive(ws))["data"][0]
        assert update["pseq"] == seq
        seq = update["seq"]
        for side in ("bids", "asks"):
            for price, size in update[side]:
                if D(size) == 0:
                    book[side].pop(price)
                else:
                    book[side][price] = size
        bids = sorted(book["bids"].items(), key=lambda lv: -D(lv[0]))
        asks = sorted(book["asks"].items(), key=lambda lv: D(lv[0]))
        assert update["checksum"] == book_checksum([list(b) for b in bids], [list(a) for a in asks])
        engine = sim.engine.book("BTC/USDT", 150)
        assert [(D(p), D(q)) for p, q in bids[:150]] == list(engine.bids)
    bad = {"instType": "SPOT", "channel": "books", "instId": "NOPEUSDT"}
    await ws.send_json({"op": "subscribe", "args": [bad]})
    answer = await receive(ws)
    assert answer["event"] == "error" and answer["code"] == 30001 and answer["arg"] == bad
    await ws.send_str("{nope")
    assert (await receive(ws))["code"] == 30012
    await ws.close()


@pytest.mark.parametrize(("symbol", "inst_type"), MARKETS)
async def test_the_book_is_the_engine_s_exactly(
    sim: Simulator, bitget: BaseExchange, symbol: str, inst_type: str
) -> None:
    stream = bitget.watch_order_book(symbol, limit=25)
    reader = Reader(stream)
    await reader.sees_engine(sim, symbol, 25)
    for i in range(1, 31):
        sim.set_price(symbol, D(50_000) + D(i) * D("3.5") * (-1) ** i)
        await reader.sees_engine(sim, symbol, 25)
    assert (stream.resyncs, stream.reconnects) == (0, 0)  # type: ignore[attr-defined]
    assert session_of(sim).subscriptions == {f"{inst_type}|BTCUSDT"}
    await reader.stop()


@pytest.mark.parametrize(
    "update",
    [
        {"asks": [], "bids": [["49999.00", "1.5"]], "checksum": 12345},  # a wrong checksum
        {"asks": [], "bids": [["garbage", "1"]], "checksum": 0},  # a hostile level
    ],
)
async def test_a_bad_update_takes_a_fresh_snapshot(
    sim: Simulator, bitget: BaseExchange, update: dict[str, Any]
) -> None:
    stream = bitget.watch_order_book("BTC/USDT", limit=25)
    reader = Reader(stream)
    await reader.sees_engine(sim, "BTC/USDT", 25)
    now = sim.engine.now_ms()
    session_of(sim).send({
        "action": "update", "arg": {"instType": "SPOT", "channel": "books", "instId": "BTCUSDT"},
        "data": [{**update, "seq": 10**9, "pseq": 10**9 - 1, "ts": str(now)}], "ts": now,
    })
    await until(lambda: stream.resyncs >= 1)  # type: ignore[attr-defined]
    sim.set_price("BTC/USDT", D("50321"))
    await reader.sees_engine(sim, "BTC/USDT", 25)
    assert all(D("49999.00") not in {lv.price for lv in b.bids} or b is reader.books[0]
               for b in reader.books[1:])
    await reader.stop()
