"""What the stream tests share: a consumer that reads all the time, as a bot does, and waits."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from exchlayer import OrderBook
from exchlayer.testing import Simulator
from exchlayer.testing.simulator.wire.stream import StreamSession


class Reader:
    """A consumer reading a stream all the time, as a bot does: what it saw, how it ended."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.books: list[OrderBook] = []
        self.ended = False
        self.error: BaseException | None = None
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for book in self.stream:
                self.books.append(book)
            self.ended = True
        except Exception as exc:
            self.error = exc

    async def sees_engine(self, sim: Simulator, symbol: str, depth: int) -> OrderBook:
        """Wait until the latest book read is the engine's book now, exactly."""
        def seen() -> bool:
            latest = self.books[-1] if self.books else None
            return self.error is not None or (
                latest is not None and same_as_engine(sim, latest, symbol, depth)
            )

        await until(seen)
        assert self.error is None, repr(self.error)
        return self.books[-1]

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


async def until(condition: Any, timeout: float = 5) -> None:
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")


def same_as_engine(sim: Simulator, book: OrderBook, symbol: str, depth: int) -> bool:
    engine = sim.engine.book(symbol, depth)
    return ([(lv.price, lv.amount) for lv in book.bids] == list(engine.bids)
            and [(lv.price, lv.amount) for lv in book.asks] == list(engine.asks))


def session_of(sim: Simulator) -> StreamSession:
    """The one stream connection that has subscriptions."""
    (session,) = [s for s in sim.stream_sessions if s.subscriptions]
    return session

