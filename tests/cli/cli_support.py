"""Helpers for the command-line tests: what a command did, a simulator that keeps serving
between commands, and readers for the tables commands print."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from exchlayer.cli.simulator import provision
from exchlayer.testing import Simulator, SimulatorRoute, route_to

_T = TypeVar("_T")


@dataclass
class Done:
    """What one command did: its exit code and what it printed."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


Run = Callable[..., Done]
"""The ``run`` fixture: ``run("ticker", "binance", ...)`` runs ``main()`` and says what it did."""


class ServedSimulator:
    """A simulator running on its own event loop in a thread, with the command line's test
    accounts open: commands in the test's thread reach it with ``--simulator 127.0.0.1:PORT``
    and its state lasts across them."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.sim: Simulator = self.call(self._start())

    async def _start(self) -> Simulator:
        sim = await Simulator().start()
        provision(sim)
        return sim

    def call(self, coro: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    def do(self, fn: Callable[[], _T]) -> _T:
        """Run ``fn`` on the simulator's loop (changing accounts, prices)."""

        async def call() -> _T:
            return fn()

        return self.call(call())

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.sim.port}"

    def route(self) -> SimulatorRoute:
        """Every connector the factory creates, sent here (the real-venue code path, offline)."""

        async def open_route() -> SimulatorRoute:
            return route_to(self.sim)

        return self.call(open_route())

    def close(self) -> None:
        self.call(self.sim.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


def table_rows(text: str) -> list[list[str]]:
    """The cells of every row of the box-drawn tables in ``text`` (headers included)."""
    return [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in text.splitlines()
        if line.startswith("│")
    ]


def cell_map(text: str) -> dict[str, str]:
    """A two-column table as ``{first cell: second cell}``."""
    return {row[0]: row[1] for row in table_rows(text) if len(row) == 2}


def assert_fits(text: str, width: int) -> None:
    widest = max((len(line) for line in text.splitlines()), default=0)
    assert widest <= width, f"a line of {widest} characters:\n{text}"

