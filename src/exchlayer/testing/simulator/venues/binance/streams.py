"""Binance's public market streams (developers.binance.com, "WebSocket Streams" for spot and
USDⓈ-M futures), served from the engine.

* Hosts: ``stream.binance.com`` (spot; ccxt connects to ``:9443/ws/<n>``, the port dropped by
  the reroute), ``fstream.binance.com`` (USDⓈ-M: ``/ws``, ``/public/ws``, ``/market/ws``), and
  the testnet and demo hosts. ``/stream?streams=a/b`` is the combined form: each event wrapped
  as ``{"stream": name, "data": event}``. Stream names in the path (``/ws/btcusdt@depth``) are
  subscribed on connect.
* Requests: ``{"method": "SUBSCRIBE" | "UNSUBSCRIBE" | "LIST_SUBSCRIPTIONS", "params": [...],
  "id": n}``, answered ``{"result": null, "id": n}`` (the list for ``LIST_SUBSCRIPTIONS``); a
  malformed one ``{"error": {"code": 2, "msg": ...}, "id": n}``; an unknown stream name
  ``{"error": {"code": 2, "msg": "Invalid request: unknown stream"}, "id": n}``.
* ``<id>@depth``, ``@depth@100ms`` (spot also ``@1000ms``; futures ``@250ms``, ``@500ms``):
  ``depthUpdate`` events with the levels that changed since the last event (size ``0``: the
  level is gone), ``U`` = the previous event's ``u`` + 1 and ``u`` = the book's update id,
  which is the REST depth snapshot's ``lastUpdateId``; futures events also carry ``pu`` (the
  previous ``u``) and ``T``. Numbers as strings, spot with 8 decimals like the REST side.
* ``<id>@ticker``: ``24hrTicker`` events (futures without best bid/ask); ``@miniTicker``:
  ``24hrMiniTicker`` (close, open, high, low, volumes: what ccxt's ``watch_ticker`` asks
  for by default); ``<id>@bookTicker``:
  best bid and ask with their sizes and the update id (futures with ``e``, ``E``, ``T``).

Events are sent after the engine moves (`Simulator.set_price`, `Simulator.advance`), for each
stream whose content changed; nothing is sent on a timer.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import Engine, Instrument
from exchlayer.testing.simulator.venues.binance.render import market_id
from exchlayer.testing.simulator.venues.binance.tables import SPOT, USDM
from exchlayer.testing.simulator.wire.numbers import decimals, fixed
from exchlayer.testing.simulator.wire.stream import StreamEndpoint, StreamSession, StreamVenue

__all__ = ["BinanceStreams"]

STREAM_HOSTS: dict[str, StreamEndpoint] = {
    "stream.binance.com": StreamEndpoint("live", SPOT),
    "fstream.binance.com": StreamEndpoint("live", USDM),
    "demo-stream.binance.com": StreamEndpoint("demo", SPOT),
    "stream.testnet.binance.vision": StreamEndpoint("sandbox", SPOT),
    "fstream.binancefuture.com": StreamEndpoint("sandbox", USDM),
}
_NAME = re.compile(r"([a-z0-9]+)@(depth(?:@(\d+)ms)?|ticker|miniTicker|bookTicker)")
_SPEEDS = {SPOT: {None, "100", "1000"}, USDM: {None, "100", "250", "500"}}
Book = tuple[int, dict[Decimal, Decimal], dict[Decimal, Decimal]]


class BinanceStreams(StreamVenue):
    """The stream side of `BinanceVenue` (a mixin: it reads the venue's instrument ids)."""

    stream_hosts: ClassVar[dict[str, StreamEndpoint]] = STREAM_HOSTS
    engine: Engine
    _ids: dict[str, dict[str, Instrument]]

    def init_streams(self) -> None:
        super().init_streams()
        self._books: dict[tuple[str, str], Book] = {}
        """Per (surface, symbol): the book as the last depth event left it."""
        self._tops: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._tickers: dict[tuple[str, str], tuple[Any, ...]] = {}

    # ---- what clients send -------------------------------------------------------------------

    def on_open(self, session: StreamSession) -> None:
        named = [part for part in session.path.split("/") if "@" in part]
        named += [n for n in session.query.get("streams", "").split("/") if n]
        for name in named:
            if self._parse(session, name) is not None:
                self._subscribe(session, name)

    def on_text(self, session: StreamSession, text: str) -> None:
        try:
            request = json.loads(text)
        except ValueError:
            session.send({"error": {"code": 3, "msg": "Invalid JSON"}, "id": None})
            return
        rid = request.get("id") if isinstance(request, dict) else None
        method = request.get("method") if isinstance(request, dict) else None
        params = request.get("params", []) if isinstance(request, dict) else None
        if method not in ("SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS") or not (
            isinstance(params, list) and all(isinstance(p, str) for p in params)
        ):
            session.send({"error": {"code": 2, "msg": "Invalid request"}, "id": rid})
            return
        if method == "LIST_SUBSCRIPTIONS":
            session.send({"result": sorted(session.subscriptions), "id": rid})
            return
        if method == "SUBSCRIBE" and any(self._parse(session, p) is None for p in params):
            session.send({"error": {"code": 2, "msg": "Invalid request: unknown stream"},
                          "id": rid})
            return
        for name in params:
            if method == "SUBSCRIBE":
                self._subscribe(session, name)
            else:
                session.subscriptions.discard(name)
        session.send({"result": None, "id": rid})

    def _parse(self, session: StreamSession, name: str) -> tuple[Instrument, str] | None:
        match = _NAME.fullmatch(name)
        surface = session.endpoint.surface
        if match is None:
            return None
        inst = self._ids.get(surface, {}).get(match.group(1).upper())
        kind = match.group(2).split("@")[0]
        if inst is None or (kind == "depth" and match.group(3) not in _SPEEDS[surface]):
            return None
        return inst, kind

    def _subscribe(self, session: StreamSession, name: str) -> None:
        parsed = self._parse(session, name)
        assert parsed is not None
        inst, kind = parsed
        key = (session.endpoint.surface, inst.symbol)
        if kind == "depth" and key not in self._books:
            self._books[key] = self._book(inst)
        session.subscriptions.add(name)

    # ---- what the market says ----------------------------------------------------------------

    def publish(self) -> None:
        events: dict[tuple[str, str], Any] = {}
        for session in list(self.sessions):
            surface = session.endpoint.surface
            for name in sorted(session.subscriptions):
                parsed = self._parse(session, name)
                if parsed is None:
                    continue
                inst, kind = parsed
                key = (surface, f"{inst.symbol}|{kind}")
                if key not in events:
                    events[key] = self._event(surface, inst, kind)
                event = events[key]
                if event is None:
                    continue
                wrapped = "/stream" in session.path
                session.send({"stream": name, "data": event} if wrapped else event)

    def _event(self, surface: str, inst: Instrument, kind: str) -> dict[str, Any] | None:
        if kind == "depth":
            return self._depth_event(surface, inst)
        if kind == "bookTicker":
            return self._book_ticker_event(surface, inst)
        return self._ticker_event(surface, inst, mini=kind == "miniTicker")

    def _book(self, inst: Instrument) -> Book:
        snap = self.engine.book(inst.symbol, self.engine.BOOK_DEPTH)
        return snap.update_id, dict(snap.bids), dict(snap.asks)

    def _places(self, surface: str, inst: Instrument) -> tuple[int, int]:
        if surface == SPOT:
            return 8, 8
        return decimals(inst.price_tick), decimals(inst.amount_step)

    def _depth_event(self, surface: str, inst: Instrument) -> dict[str, Any] | None:
        key = (surface, inst.symbol)
        previous = self._books.get(key)
        current = self._book(inst)
        if previous is None or current[0] == previous[0]:
            self._books[key] = current
            return None
        self._books[key] = current
        p, q = self._places(surface, inst)

        def changes(old: dict[Decimal, Decimal], new: dict[Decimal, Decimal]) -> list[list[str]]:
            gone = [[fixed(px, p), fixed(Decimal(0), q)] for px in old if px not in new]
            moved = [[fixed(px, p), fixed(sz, q)] for px, sz in new.items() if old.get(px) != sz]
            return gone + moved

        now = self.engine.now_ms()
        event: dict[str, Any] = {"e": "depthUpdate", "E": now}
        if surface == USDM:
            event["T"] = now
        event.update(s=market_id(inst), U=previous[0] + 1, u=current[0])
        if surface == USDM:
            event["pu"] = previous[0]
        event.update(b=changes(previous[1], current[1]), a=changes(previous[2], current[2]))
        return event

    def _book_ticker_event(self, surface: str, inst: Instrument) -> dict[str, Any] | None:
        (bid, bid_qty), (ask, ask_qty) = self.engine.best_bid_ask(inst.symbol)
        update_id = self.engine.book(inst.symbol, 1).update_id
        key = (surface, inst.symbol)
        top = (update_id, bid, bid_qty, ask, ask_qty)
        if self._tops.get(key) == top:
            return None
        self._tops[key] = top
        p, q = self._places(surface, inst)
        event: dict[str, Any] = {}
        if surface == USDM:
            now = self.engine.now_ms()
            event.update(e="bookTicker", E=now, T=now)
        event.update(
            u=update_id, s=market_id(inst), b=fixed(bid, p), B=fixed(bid_qty, q),
            a=fixed(ask, p), A=fixed(ask_qty, q),
        )
        return event

    def _ticker_event(
        self, surface: str, inst: Instrument, *, mini: bool
    ) -> dict[str, Any] | None:
        st = self.engine.stats(inst.symbol)
        key = (surface, f"{inst.symbol}|{mini}")
        state = (st.last, st.volume, st.bid, st.ask, st.bid_qty, st.ask_qty, st.high, st.low)
        if self._tickers.get(key) == state:
            return None
        self._tickers[key] = state
        p, q = self._places(surface, inst)
        if mini:
            return {
                "e": "24hrMiniTicker", "E": st.close_ms, "s": market_id(inst),
                "c": fixed(st.last, p), "o": fixed(st.open, p), "h": fixed(st.high, p),
                "l": fixed(st.low, p), "v": fixed(st.volume, q),
                "q": fixed(st.quote_volume, 8 if surface == SPOT else 2),
            }
        pct = (st.change / st.open * 100) if st.open else Decimal(0)
        event: dict[str, Any] = {
            "e": "24hrTicker", "E": st.close_ms, "s": market_id(inst),
            "p": fixed(st.change, p), "P": fixed(pct, 3), "w": fixed(st.weighted_average, p),
        }
        if surface == SPOT:
            event["x"] = fixed(st.open, p)
        event.update(c=fixed(st.last, p), Q=fixed(st.last_qty, q))
        if surface == SPOT:
            event.update(b=fixed(st.bid, p), B=fixed(st.bid_qty, q), a=fixed(st.ask, p),
                         A=fixed(st.ask_qty, q))
        event.update(
            o=fixed(st.open, p), h=fixed(st.high, p), l=fixed(st.low, p), v=fixed(st.volume, q),
            q=fixed(st.quote_volume, 8 if surface == SPOT else 2), O=st.open_ms, C=st.close_ms,
            F=st.first_trade_id, L=st.first_trade_id + st.trade_count - 1, n=st.trade_count,
        )
        return event
