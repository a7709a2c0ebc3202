"""BingX's public depth streams (bingx-api.github.io, "Websocket Market Data": spot
"Subscribe Market Depth Data", perpetual swap "Subscribe Market Depth Data"), served from the
engine.

* Hosts: ``open-api-ws.bingx.com`` (spot, ``/market``), ``open-api-swap.bingx.com`` (USDT-M
  swap, ``/swap-market``) and ``vst-open-api-ws.bingx.com`` (the VST testnet's swap).
* Every frame the server sends is gzip-compressed binary, as BingX's are.
* Requests: ``{"id": uuid, "reqType": "sub" | "unsub", "dataType": "BTC-USDT@depth100"}``
  (spot clients may leave ``reqType`` out), answered ``{"id", "code": 0, "msg": "",
  "dataType": "", "data": null}``; an unknown market or depth ``code`` 100400. ``Ping`` (text)
  is answered ``Pong``.
* ``<symbol>@depth5|10|20|50|100``: the whole top of the book after each change (BingX pushes
  snapshots, not deltas), asks worst first as BingX lists them, with ``lastUpdateId``.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import Engine, Instrument
from exchlayer.testing.simulator.wire.numbers import decimals, fixed
from exchlayer.testing.simulator.wire.stream import StreamEndpoint, StreamSession, StreamVenue

__all__ = ["BingXStreams"]

STREAM_HOSTS: dict[str, StreamEndpoint] = {
    "open-api-ws.bingx.com": StreamEndpoint("live", "spot"),
    "open-api-swap.bingx.com": StreamEndpoint("live", "swap"),
    "vst-open-api-ws.bingx.com": StreamEndpoint("vst", "swap"),
}
_DEPTH = re.compile(r"([A-Z0-9]+-[A-Z0-9]+)@depth(5|10|20|50|100)(@\d+ms)?")


class BingXStreams(StreamVenue):
    """The stream side of `BingXVenue` (a mixin: it reads the venue's instrument table)."""

    stream_hosts: ClassVar[dict[str, StreamEndpoint]] = STREAM_HOSTS
    engine: Engine
    _ids: dict[str, dict[str, Instrument]]

    def init_streams(self) -> None:
        super().init_streams()
        self._sent: dict[tuple[StreamSession, str], int] = {}
        """Per (session, dataType): the book's update id last pushed."""

    def _parse(self, session: StreamSession, data_type: Any) -> tuple[Instrument, int] | None:
        match = _DEPTH.fullmatch(data_type) if isinstance(data_type, str) else None
        if match is None:
            return None
        inst = self._ids.get(session.endpoint.surface, {}).get(match.group(1))
        return None if inst is None else (inst, int(match.group(2)))

    def on_text(self, session: StreamSession, text: str) -> None:
        if text == "Ping":
            session.send_gzip("Pong")
            return
        try:
            request = json.loads(text)
        except ValueError:
            session.send_gzip({"code": 100400, "msg": "invalid json", "data": None})
            return
        if not isinstance(request, dict):
            return
        rid, data_type = request.get("id"), request.get("dataType")
        kind = request.get("reqType", "sub" if session.endpoint.surface == "spot" else None)
        parsed = self._parse(session, data_type)
        if kind not in ("sub", "unsub") or parsed is None:
            session.send_gzip({"id": rid, "code": 100400,
                               "msg": f"dataType {data_type!r} is not supported",
                               "dataType": "", "data": None})
            return
        assert isinstance(data_type, str)  # it parsed
        session.send_gzip({"id": rid, "code": 0, "msg": "", "dataType": "", "data": None})
        if kind == "unsub":
            session.subscriptions.discard(data_type)
            self._sent.pop((session, data_type), None)
            return
        session.subscriptions.add(data_type)
        self._push(session, data_type, *parsed)

    def on_close(self, session: StreamSession) -> None:
        for key in [k for k in self._sent if k[0] is session]:
            del self._sent[key]

    def _push(self, session: StreamSession, data_type: str, inst: Instrument, depth: int) -> None:
        snap = self.engine.book(inst.symbol, depth)
        self._sent[(session, data_type)] = snap.update_id
        p, q = decimals(inst.price_tick), decimals(inst.amount_step)
        session.send_gzip({
            "code": 0, "dataType": data_type, "ts": snap.time_ms,
            "data": {
                "bids": [[fixed(px, p), fixed(sz, q)] for px, sz in snap.bids],
                "asks": [[fixed(px, p), fixed(sz, q)] for px, sz in reversed(snap.asks)],
                "lastUpdateId": snap.update_id,
            },
        })

    def publish(self) -> None:
        for (session, data_type), update_id in list(self._sent.items()):
            parsed = self._parse(session, data_type)
            if parsed is None:
                continue
            inst, depth = parsed
            if self.engine.book(inst.symbol, 1).update_id != update_id:
                self._push(session, data_type, inst, depth)
