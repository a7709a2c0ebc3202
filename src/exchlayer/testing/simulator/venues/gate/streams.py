"""Gate's public order-book streams (gate.com/docs/developers, "Order Book V2" for spot and
"Order book update" for USDT futures, WebSocket v4), served from the engine.

* Hosts: ``api.gateio.ws`` (spot, ``/ws/v4/``) and ``fx-ws.gateio.ws`` (USDT futures,
  ``/v4/ws/usdt``); the futures testnet ``ws-testnet.gate.com``.
* Requests: ``{"time": s, "id": n, "channel": ..., "event": "subscribe" | "unsubscribe",
  "payload": [...]}``, answered ``{"time", "time_ms", "id", "channel", "event",
  "result": {"status": "success"}}``; an unknown market or a malformed payload ``{..., "error":
  {"code": 2, "message": ...}, "result": {"status": "fail"}}``. ``<market>.ping`` is answered
  on ``<market>.pong``.
* ``spot.obu``, payload ``["ob.BTC_USDT.50"]`` (or ``.400``): a ``full`` book of that depth
  first, then updates of the levels that changed within it (size ``0``: gone), each with
  ``U``/``u`` (its first and last update ids) and ``t``.
* ``futures.order_book_update``, payload ``["BTC_USDT", "100ms", "100"]``: the changes within
  the top levels, ``U``/``u`` chained onto the REST snapshot's ``id`` (``with_id=true``), each
  level ``{"p": "50000", "s": 12}`` with its size in contracts.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import Engine, Instrument
from exchlayer.testing.simulator.wire.stream import StreamEndpoint, StreamSession, StreamVenue

__all__ = ["GateStreams"]

STREAM_HOSTS: dict[str, StreamEndpoint] = {
    "api.gateio.ws": StreamEndpoint("live", "spot"),
    "fx-ws.gateio.ws": StreamEndpoint("live", "futures"),
    "ws-testnet.gate.com": StreamEndpoint("testnet", "futures"),
}
SPOT_DEPTHS = {"50": 50, "400": 400}
FUTURES_DEPTHS = {"20": 20, "50": 50, "100": 100}
Side = dict[Decimal, Decimal]
State = tuple[int, Side, Side]


def _plain(value: Decimal) -> str:
    """Gate's number text: no trailing zeros (``50000``, ``0.0123``)."""
    return format(value.normalize(), "f")


class GateStreams(StreamVenue):
    """The stream side of `GateVenue` (a mixin: it reads the venue's instrument tables)."""

    stream_hosts: ClassVar[dict[str, StreamEndpoint]] = STREAM_HOSTS
    engine: Engine
    _pairs: dict[str, Instrument]
    _contracts: dict[str, dict[str, Any]]

    def init_streams(self) -> None:
        super().init_streams()
        self._state: dict[tuple[StreamSession, str], tuple[Instrument, int, State]] = {}
        """Per (session, channel|market): the instrument, depth, and the book last sent."""

    def on_text(self, session: StreamSession, text: str) -> None:
        try:
            request = json.loads(text)
        except ValueError:
            return  # Gate ignores what is not JSON
        if not isinstance(request, dict):
            return
        channel, event = request.get("channel"), request.get("event")
        market = session.endpoint.surface
        if channel == f"{market}.ping":
            session.send({"time": self.engine.now_ms() // 1000, "channel": f"{market}.pong",
                          "event": "", "result": None})
            return
        reply = {"time": self.engine.now_ms() // 1000, "time_ms": self.engine.now_ms(),
                 "id": request.get("id"), "channel": channel, "event": event}
        found = self._subscription(market, channel, request.get("payload"))
        if event not in ("subscribe", "unsubscribe") or found is None:
            session.send({**reply, "error": {"code": 2, "message": f"unknown channel or "
                          f"payload {request.get('payload')!r}"},
                          "result": {"status": "fail"}})
            return
        key, inst, depth = found
        session.send({**reply, "result": {"status": "success"}})
        if event == "unsubscribe":
            self._state.pop((session, key), None)
            session.subscriptions.discard(key)
            return
        session.subscriptions.add(key)
        state = self._book(inst, depth)
        self._state[(session, key)] = (inst, depth, state)
        if channel == "spot.obu":
            session.send(self._message(key, inst, state, None, full=True))

    def _subscription(
        self, market: str, channel: Any, payload: Any
    ) -> tuple[str, Instrument, int] | None:
        if not (isinstance(payload, list) and payload and all(isinstance(p, str) for p in payload)):
            return None
        if market == "spot" and channel == "spot.obu":
            parts = payload[0].split(".")
            if len(parts) != 3 or parts[0] != "ob" or parts[2] not in SPOT_DEPTHS:
                return None
            inst = self._pairs.get(parts[1])
            return None if inst is None else (f"spot.obu|{payload[0]}", inst, SPOT_DEPTHS[parts[2]])
        if market == "futures" and channel == "futures.order_book_update" and len(payload) == 3:
            contract = self._contracts.get("usdt", {}).get(payload[0])
            depth = FUTURES_DEPTHS.get(payload[2])
            if contract is None or depth is None or payload[1] not in ("20ms", "100ms"):
                return None
            return f"futures.order_book_update|{payload[0]}", contract.inst, depth
        return None

    def _book(self, inst: Instrument, depth: int) -> State:
        snap = self.engine.book(inst.symbol, depth)
        return snap.update_id, dict(snap.bids), dict(snap.asks)

    def _levels(self, inst: Instrument, key: str, rows: list[tuple[Decimal, Decimal]]) -> list[Any]:
        if key.startswith("spot"):
            return [[_plain(p), _plain(q)] for p, q in rows]
        step = inst.amount_step
        return [{"p": _plain(p), "s": int(q / step)} for p, q in rows]

    def _message(self, key: str, inst: Instrument, state: State, previous: State | None,
                 *, full: bool = False) -> dict[str, Any]:
        now = self.engine.now_ms()
        update_id, bids, asks = state
        if previous is None:
            b = sorted(bids.items(), reverse=True)
            a = sorted(asks.items())
        else:
            b = _changes(previous[1], bids, reverse=True)
            a = _changes(previous[2], asks, reverse=False)
        channel, _, name = key.partition("|")
        result: dict[str, Any] = {"t": now}
        if channel == "spot.obu":
            result.update(s=name)
            if full:
                result["full"] = True
            else:
                result["U"] = previous[0] + 1 if previous is not None else update_id
        else:
            result.update(s=name, U=(previous[0] + 1) if previous is not None else update_id)
        result.update(u=update_id, b=self._levels(inst, key, b), a=self._levels(inst, key, a))
        return {"time": now // 1000, "time_ms": now, "channel": channel, "event": "update",
                "result": result}

    def publish(self) -> None:
        for (session, key), (inst, depth, state) in list(self._state.items()):
            current = self._book(inst, depth)
            if current[0] == state[0]:
                continue
            self._state[(session, key)] = (inst, depth, current)
            session.send(self._message(key, inst, current, state))

    def on_close(self, session: StreamSession) -> None:
        for key in [k for k in self._state if k[0] is session]:
            del self._state[key]


def _changes(old: Side, new: Side, *, reverse: bool) -> list[tuple[Decimal, Decimal]]:
    gone = [(p, Decimal(0)) for p in old if p not in new]
    moved = [(p, q) for p, q in new.items() if old.get(p) != q]
    return sorted(gone + moved, reverse=reverse)
