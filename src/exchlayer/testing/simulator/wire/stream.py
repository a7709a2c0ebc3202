"""The simulator's WebSocket side, shared by the venues that stream.

A client's WebSocket upgrade to a venue's stream host (``wss://stream.binance.com:9443/ws``,
rerouted to ``ws://127.0.0.1:PORT/stream.binance.com/ws``) becomes a `StreamSession`: frames the
venue queues on it are written in order by one writer task, so the engine (which runs
synchronously, inside `Simulator.set_price` or `advance`) never waits on a socket. The venue
module reads what the client sends (`StreamVenue.serve_stream`) and, after each market move,
queues what its subscriptions ask for (`StreamVenue.publish`).

Faults act on sessions: `StreamSession.drop` cuts the connection without a close frame (a dead
peer), `StreamSession.stall` keeps it open and silent.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import gzip
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiohttp import WSMsgType, web

__all__ = ["StreamEndpoint", "StreamSession", "StreamVenue"]

_ids = itertools.count(1)


@dataclass(frozen=True)
class StreamEndpoint:
    """Where a stream host leads: the venue's environment and market surface."""

    environment: str
    surface: str


@dataclass(eq=False)
class StreamSession:
    """One client's WebSocket connection to a venue's stream host."""

    ws: web.WebSocketResponse
    request: web.Request
    venue: str
    host: str
    path: str
    query: Mapping[str, str]
    endpoint: StreamEndpoint
    id: int = field(default_factory=lambda: next(_ids))
    subscriptions: set[str] = field(default_factory=set)
    """The venue's stream names this session receives (``btcusdt@depth@100ms``)."""
    sent: int = 0
    """Frames written so far."""
    stalled: bool = False
    """Open, answering nothing and sending nothing (`stall`): a silent stream."""
    _queue: asyncio.Queue[str | bytes | None] = field(default_factory=asyncio.Queue)
    _writer: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    def send(self, frame: Any) -> None:
        """Queue a frame (a JSON-serialisable value, or text as it is)."""
        if self.stalled or self.ws.closed:
            return
        text = frame if isinstance(frame, str) else json.dumps(frame, separators=(",", ":"))
        self._queue.put_nowait(text)

    def send_gzip(self, frame: Any) -> None:
        """Queue a frame as a gzip-compressed binary message (BingX compresses every one)."""
        if self.stalled or self.ws.closed:
            return
        text = frame if isinstance(frame, str) else json.dumps(frame, separators=(",", ":"))
        self._queue.put_nowait(gzip.compress(text.encode(), mtime=0))

    def drop(self) -> None:
        """Cut the connection with no close frame, as a dead peer or a NAT timeout does."""
        if self.request.transport is not None:
            self.request.transport.abort()
        self._queue.put_nowait(None)

    def stall(self) -> None:
        """Stop sending anything (pongs included) while the connection stays open."""
        self.stalled = True

    async def _write_loop(self) -> None:
        while True:
            text = await self._queue.get()
            if text is None or self.ws.closed:
                return
            try:
                if isinstance(text, bytes):
                    await self.ws.send_bytes(text)
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return
            self.sent += 1

    async def close(self) -> None:
        self._queue.put_nowait(None)
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        if not self.ws.closed:
            await self.ws.close()


class StreamVenue:
    """What a venue module adds to stream: its stream hosts, the reading of what clients send,
    and what it queues after the market moves. A mixin of `VenueModule` subclasses."""

    #: Stream host -> where it leads (``"stream.binance.com": StreamEndpoint("live", "spot")``).
    stream_hosts: ClassVar[Mapping[str, StreamEndpoint]] = {}

    def init_streams(self) -> None:
        self.sessions: list[StreamSession] = []

    async def serve_stream(self, session: StreamSession) -> None:
        """Read the session's messages until it closes; the caller has prepared the socket."""
        self.sessions.append(session)
        try:
            self.on_open(session)
            async for message in session.ws:
                if session.stalled:
                    continue
                if message.type is WSMsgType.TEXT:
                    self.on_text(session, message.data)
                elif message.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            self.sessions.remove(session)
            self.on_close(session)

    def on_open(self, session: StreamSession) -> None:
        """A client connected (its URL may already name streams)."""

    @abc.abstractmethod
    def on_text(self, session: StreamSession, text: str) -> None:
        """A text message from the client."""

    def on_close(self, session: StreamSession) -> None:
        """The session ended."""

    def publish(self) -> None:
        """Queue, on every session, what its subscriptions say about the market now."""
