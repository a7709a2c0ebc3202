"""Bitget's public order-book stream (bitget.com/api-doc, "Depth Channel", spot and futures,
classic v2 WebSocket), served from the engine.

* Hosts: ``ws.bitget.com`` (``/v2/ws/public``) and ``wspap.bitget.com`` (demo).
* Requests: ``{"op": "subscribe" | "unsubscribe", "args": [{"instType": "SPOT" |
  "USDT-FUTURES", "channel": "books", "instId": "BTCUSDT"}]}``, each argument answered
  ``{"event": "subscribe", "arg": {...}}``; an unknown market, channel or instType
  ``{"event": "error", "arg": {...}, "code": 30001, "msg": ...}``; malformed JSON
  ``{"event": "error", "code": 30012, ...}``. The text ``ping`` is answered ``pong``.
* ``books``: on subscribing a ``snapshot`` of the top 150 levels a side, then an ``update``
  after each change with the levels that changed (size ``0``: gone), each with ``seq``,
  ``pseq`` (the previous ``seq``) and ``checksum``: the CRC-32 (signed) of the top 25 bids and
  asks interleaved, ``bid1 price:bid1 size:ask1 price:ask1 size:...``, as the strings sent. The
  snapshot's checksum is 0, as Bitget's is. Spot numbers with the market's decimals, futures
  sizes in contracts.
"""

from __future__ import annotations

import json
import zlib
from decimal import Decimal
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import Engine, Instrument
from exchlayer.testing.simulator.wire.numbers import decimals
from exchlayer.testing.simulator.wire.stream import StreamEndpoint, StreamSession, StreamVenue

__all__ = ["BitgetStreams", "book_checksum"]

STREAM_HOSTS: dict[str, StreamEndpoint] = {
    "ws.bitget.com": StreamEndpoint("live", "public"),
    "wspap.bitget.com": StreamEndpoint("demo", "public"),
}
BOOK_LEVELS = 150
CHECKSUM_LEVELS = 25
_INST_TYPES = {"SPOT": "spot", "USDT-FUTURES": "swap"}
Levels = dict[str, str]  # price text -> size text


def _index(levels: list[list[str]]) -> Levels:
    return dict(levels)


def book_checksum(bids: list[list[str]], asks: list[list[str]]) -> int:
    """Bitget's book checksum: CRC-32 (as a signed 32-bit int) of the top 25 levels a side,
    bid and ask interleaved, price and size as sent, joined by ``:``."""
    parts: list[str] = []
    for i in range(CHECKSUM_LEVELS):
        if i < len(bids):
            parts += bids[i][:2]
        if i < len(asks):
            parts += asks[i][:2]
    crc = zlib.crc32(":".join(parts).encode())
    return crc - (1 << 32) if crc >= 1 << 31 else crc


class BitgetStreams(StreamVenue):
    """The stream side of `BitgetVenue` (a mixin: it reads the venue's instrument tables)."""

    stream_hosts: ClassVar[dict[str, StreamEndpoint]] = STREAM_HOSTS
    engine: Engine
    _spot: dict[str, Instrument]
    _perps: dict[str, Instrument]

    def init_streams(self) -> None:
        super().init_streams()
        self._sent: dict[tuple[StreamSession, str, str], tuple[int, int, Levels, Levels]] = {}
        """Per (session, instType, instId): update id, seq, and the levels last sent."""
        self._seqs = 0

    def _instrument(self, arg: Any) -> Instrument | None:
        if not isinstance(arg, dict) or arg.get("channel") != "books":
            return None
        kind = _INST_TYPES.get(str(arg.get("instType")))
        table = self._spot if kind == "spot" else self._perps if kind == "swap" else {}
        return table.get(str(arg.get("instId")))

    def on_text(self, session: StreamSession, text: str) -> None:
        if text == "ping":
            session.send("pong")
            return
        try:
            request = json.loads(text)
        except ValueError:
            session.send({"event": "error", "code": 30012, "msg": "invalid request"})
            return
        op = request.get("op") if isinstance(request, dict) else None
        args = request.get("args") if isinstance(request, dict) else None
        if op not in ("subscribe", "unsubscribe") or not isinstance(args, list):
            session.send({"event": "error", "code": 30012, "msg": "invalid op"})
            return
        for arg in args:
            inst = self._instrument(arg)
            if inst is None:
                session.send({"event": "error", "arg": arg, "code": 30001,
                              "msg": "instType, channel or instId doesn't exist"})
                continue
            key = (session, arg["instType"], arg["instId"])
            name = f"{arg['instType']}|{arg['instId']}"
            session.send({"event": op, "arg": arg})
            if op == "subscribe":
                session.subscriptions.add(name)
                self._snapshot(session, key, inst)
            else:
                session.subscriptions.discard(name)
                self._sent.pop(key, None)

    def on_close(self, session: StreamSession) -> None:
        for key in [k for k in self._sent if k[0] is session]:
            del self._sent[key]

    # ---- what the market says ----------------------------------------------------------------

    def _levels(
        self, inst: Instrument, futures: bool
    ) -> tuple[int, list[list[str]], list[list[str]]]:
        snap = self.engine.book(inst.symbol, BOOK_LEVELS)
        size = inst.contract_size if futures else Decimal(1)
        p, q = decimals(inst.price_tick), decimals(inst.amount_step * size)

        def side(rows: Any) -> list[list[str]]:
            return [[f"{px:.{p}f}", f"{sz * size:.{q}f}"] for px, sz in rows]

        return snap.update_id, side(snap.bids), side(snap.asks)

    def _message(self, action: str, key: tuple[StreamSession, str, str],
                 data: dict[str, Any]) -> dict[str, Any]:
        now = self.engine.now_ms()
        data["ts"] = str(now)
        return {"action": action, "arg": {"instType": key[1], "channel": "books",
                                          "instId": key[2]}, "data": [data], "ts": now}

    def _snapshot(self, session: StreamSession, key: tuple[StreamSession, str, str],
                  inst: Instrument) -> None:
        update_id, bids, asks = self._levels(inst, key[1] != "SPOT")
        self._seqs += 1
        self._sent[key] = (update_id, self._seqs, _index(bids), _index(asks))
        session.send(self._message("snapshot", key, {
            "asks": asks, "bids": bids, "checksum": 0, "seq": self._seqs, "pseq": 0,
        }))

    def publish(self) -> None:
        instruments = {**{("SPOT", k): v for k, v in self._spot.items()},
                       **{("USDT-FUTURES", k): v for k, v in self._perps.items()}}
        for key, (update_id, seq, old_bids, old_asks) in list(self._sent.items()):
            inst = instruments[(key[1], key[2])]
            new_id, bids, asks = self._levels(inst, key[1] != "SPOT")
            if new_id == update_id:
                continue

            def changes(old: Levels, new: list[list[str]], zero: str) -> list[list[str]]:
                fresh = _index(new)
                gone = [[px, zero] for px in old if px not in fresh]
                return gone + [[px, sz] for px, sz in new if old.get(px) != sz]

            self._seqs += 1
            data = {
                "asks": changes(old_asks, asks, "0"), "bids": changes(old_bids, bids, "0"),
                "checksum": book_checksum(bids, asks), "seq": self._seqs, "pseq": seq,
            }
            self._sent[key] = (new_id, self._seqs, _index(bids), _index(asks))
            key[0].send(self._message("update", key, data))
