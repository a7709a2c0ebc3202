"""Gate's book streams end to end (exchlayer -> ccxt.pro -> WebSocket -> the simulator): spot's
``spot.obu`` (a full book in the stream, then updates) and futures' ``futures.order_book_update``
(updates chained onto the REST snapshot's id, sizes in contracts, read in base currency);
gaps and garbled frames resync, never a wrong book with the consumer."""

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

pytest.importorskip("ccxt.pro")

D = Decimal
SPOT_WS = "wss://api.gateio.ws/ws/v4/"
FUTURES_WS = "wss://fx-ws.gateio.ws/v4/ws/usdt"


@pytest.fixture
async def gate(sim: Simulator) -> AsyncIterator[BaseExchange]:
    exchange = await connect(sim, "gateio", credentials=False)
    try:
        yield exchange
    finally:
        await exchange.close()


async def receive(ws: aiohttp.ClientWebSocketResponse) -> Any:
    message = await asyncio.wait_for(ws.receive(), 5)
    assert message.type is aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)


async def test_the_wire_protocol(sim: Simulator) -> None:
    ws = await sim.client_session().ws_connect(SPOT_WS)
    await ws.send_json({"time": 1, "channel": "spot.ping"})
    assert (await receive(ws))["channel"] == "spot.pong"
    await ws.send_json({"time": 1, "id": 5, "channel": "spot.obu", "event": "subscribe",
                        "payload": ["ob.BTC_USDT.50"]})
    ack = await receive(ws)
    assert (ack["id"], ack["event"], ack["result"]) == (5, "subscribe", {"status": "success"})
    full = (await receive(ws))["result"]
    assert full["full"] is True and full["s"] == "ob.BTC_USDT.50" and len(full["b"]) == 50
    sim.set_price("BTC/USDT", D("50012.5"))
    update = (await receive(ws))["result"]
    assert "full" not in update and update["U"] == full["u"] + 1
    assert update["u"] == sim.engine.book("BTC/USDT", 1).update_id
    for bad in (["ob.NOPE_USDT.50"], ["ob.BTC_USDT.7"], "ob.BTC_USDT.50"):
        await ws.send_json({"time": 1, "id": 6, "channel": "spot.obu", "event": "subscribe",
                            "payload": bad})
        answer = await receive(ws)
        assert answer["result"] == {"status": "fail"} and answer["error"]["code"] == 2
    await ws.close()


async def test_futures_levels_are_in_contracts_on_the_wire(sim: Simulator) -> None:
    ws = await sim.client_session().ws_connect(FUTURES_WS)
    await ws.send_json({"time": 1, "id": 1, "channel": "futures.order_book_update",
                        "event": "subscribe", "payload": ["BTC_USDT", "100ms", "100"]})
    assert (await receive(ws))["result"] == {"status": "success"}
    sim.set_price("BTC/USDT:USDT", D("50100"))
    update = (await receive(ws))["result"]
    step = sim.engine.instrument("BTC/USDT:USDT").amount_step
    engine = dict(sim.engine.book("BTC/USDT:USDT", 100).bids)
    for level in update["b"]:
        assert isinstance(level["s"], int)
        if level["s"]:
            assert D(level["s"]) * step == engine[D(level["p"])]
    await ws.close()


@pytest.mark.parametrize("symbol", ["BTC/USDT", "BTC/USDT:USDT"])
async def test_the_book_is_the_engine_s_exactly(
    sim: Simulator, gate: BaseExchange, symbol: str
) -> None:
    stream = gate.watch_order_book(symbol, limit=20)
    reader = Reader(stream)
    await until(lambda: any(s.subscriptions for s in sim.stream_sessions))
    await asyncio.sleep(0.1)
    for i in range(1, 26):
        sim.set_price(symbol, D(50_000) + D(i) * D("2.5") * (-1) ** i)
        await reader.sees_engine(sim, symbol, 20)
    assert (stream.resyncs, stream.reconnects) == (0, 0)  # type: ignore[attr-defined]
    await reader.stop()


async def test_a_futures_gap_takes_a_fresh_snapshot(sim: Simulator, gate: BaseExchange) -> None:
    stream = gate.watch_order_book("BTC/USDT:USDT", limit=20)
    reader = Reader(stream)
    await until(lambda: any(s.subscriptions for s in sim.stream_sessions))
    await asyncio.sleep(0.1)
    sim.set_price("BTC/USDT:USDT", D("50020"))
    await reader.sees_engine(sim, "BTC/USDT:USDT", 20)
    last = sim.engine.book("BTC/USDT:USDT", 1).update_id
    now = sim.engine.now_ms()
    session_of(sim).send({"time": now // 1000, "time_ms": now,
                          "channel": "futures.order_book_update", "event": "update",
                          "result": {"t": now, "s": "BTC_USDT", "U": last + 9, "u": last + 9,
                                     "b": [{"p": "1", "s": 999}], "a": []}})
    await until(lambda: stream.resyncs >= 1)  # type: ignore[attr-defined]
    sim.set_price("BTC/USDT:USDT", D("50040"))
    await reader.sees_engine(sim, "BTC/USDT:USDT", 20)
    assert all(D(1) not in {lv.price for lv in b.bids} for b in reader.books)
    await reader.stop()


async def test_a_garbled_spot_frame_takes_a_fresh_book(sim: Simulator, gate: BaseExchange) -> None:
    stream = gate.watch_order_book("BTC/USDT", limit=20)
    reader = Reader(stream)
    await reader.sees_engine(sim, "BTC/USDT", 20)
    last = sim.engine.book("BTC/USDT", 1).update_id
    now = sim.engine.now_ms()
    session_of(sim).send({"time": now // 1000, "time_ms": now, "channel": "spot.obu",
                          "event": "update",
                          "result": {"t": now, "s": "ob.BTC_USDT.50", "U": last + 1,
                                     "u": last + 1, "b": [["NaN", "1"]], "a": []}})
    await until(lambda: stream.resyncs >= 1)  # type: ignore[attr-defined]
    sim.set_price("BTC/USDT", D("50030"))
    await reader.sees_engine(sim, "BTC/USDT", 20)
    await reader.stop()
