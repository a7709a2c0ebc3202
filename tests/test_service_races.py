"""TradingService under racing lifecycle calls: removal wins, nothing leaks, the store agrees.

Each race is staged, not timed: a :class:`Gate` holds the simulator's answer to the balance
request of chosen API keys (the last step of a connection test) until the test releases it, so an
add, update or test is known to be in flight while something else happens. Every connector the
service creates is the real Binance connector, registered under another name so that the tests
can find each instance and tell that none is left open.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchlayer import (
    AuthenticationError,
    ConfigurationError,
    ConnectionNotFound,
    Credentials,
    ExchangeFactory,
)
from exchlayer.connection import ExchangeConnection
from exchlayer.service import TradingService
from exchlayer.store import (
    ConnectionStore,
    MemoryConnectionStore,
    SQLiteConnectionStore,
    StoreError,
)
from exchlayer.testing import Operation, Simulator
from exchlayer.testing.simulator import Fault, VenueRequest, VenueResponse
from exchlayer.venues.binance import BinanceExchange

VENUE = "race-binance"
STORE_KINDS = ["none", "memory", "sqlite"]


class Tracked(BinanceExchange):
    """The Binance connector, recording every instance created and the API key it uses."""

    made: ClassVar[list[Tracked]] = []

    def __init__(self, *args: Any, credentials: Credentials | None = None, **kw: Any) -> None:
        super().__init__(*args, credentials=credentials, **kw)
        self.key = credentials.api_key.get_secret_value() if credentials else None
        Tracked.made.append(self)


@pytest.fixture(autouse=True)
def _tracked_venue() -> Iterator[None]:
    ExchangeFactory.register_exchange(VENUE, Tracked)
    Tracked.made.clear()
    yield
    ExchangeFactory.unregister_exchange(VENUE)
    Tracked.made.clear()


class Gate:
    """Holds the simulator's answers to the balance requests of chosen API keys until released
    (the venue has answered; the client just does not hear it yet)."""

    def __init__(self) -> None:
        self._released: dict[str, asyncio.Event] = {}
        self._arrived: dict[str, asyncio.Event] = {}
        self.arrivals = 0

    def hold(self, key: str) -> None:
        if self.holding(key):
            return
        self._released[key] = asyncio.Event()
        self._arrived[key] = asyncio.Event()

    def holding(self, key: str) -> bool:
        return key in self._released and not self._released[key].is_set()

    def held_keys(self) -> list[str]:
        return [key for key in self._released if self.holding(key)]

    async def reached(self, key: str) -> None:
        """Wait until a balance request of ``key`` is being held."""
        await asyncio.wait_for(self._arrived[key].wait(), 10)

    def release(self, key: str) -> None:
        self._released[key].set()

    def release_all(self) -> None:
        for event in self._released.values():
            event.set()

    async def __call__(self, request: VenueRequest, call_next: Any) -> VenueResponse:
        response: VenueResponse = await call_next(request)
        key = request.headers.get("X-MBX-APIKEY")
        if response.operation == Operation.BALANCE and key is not None and self.holding(key):
            self.arrivals += 1
            self._arrived[key].set()
            await self._released[key].wait()
        return response


@contextlib.asynccontextmanager
async def opened_store(kind: str, path: Path) -> AsyncIterator[ConnectionStore | None]:
    if kind == "none":
        yield None
        return
    store: ConnectionStore
    if kind == "memory":
        store = MemoryConnectionStore()
    else:
        store = SQLiteConnectionStore(path, key="a store passphrase for tests", scrypt_n=2**10)
    try:
        yield store
    finally:
        await store.close()


_keys = itertools.count(1)


@dataclass
class Harness:
    sim: Simulator
    service: TradingService
    store: ConnectionStore | None
    gate: Gate = field(default_factory=Gate)

    def __post_init__(self) -> None:
        self.sim.interceptors.append(self.gate)

    def conn(
        self, key: str | None = None, *, label: str = "", id: int | None = None
    ) -> ExchangeConnection:
        """A connection with a fresh funded account (``key``: its API key)."""
        key = key or f"key-{next(_keys)}"
        self.sim.add_account("binance", api_key=key, secret=f"{key}-secret")
        creds = Credentials.from_values(key, f"{key}-secret")
        return ExchangeConnection(user="alice", exchange=VENUE, credentials=creds, label=label,
                                  id=id, options={"rate_limit": False})

    def made(self, key: str) -> list[Tracked]:
        return [e for e in Tracked.made if e.key == key]

    async def rows(self) -> dict[int, ExchangeConnection]:
        assert self.store is not None
        return {c.id: c for c in await self.store.list() if c.id is not None}

    async def assert_gone(self, connection_id: int) -> None:
        """Nothing of the connection is left: no entry, no status, no row; calls refused."""
        svc = self.service
        assert connection_id not in [c.id for c in svc.connections()]
        assert connection_id not in await svc.get_connection_status()
        with pytest.raises(ConnectionNotFound):
            svc.get_connection(connection_id)
        with pytest.raises(ConnectionNotFound):
            await svc.get_balance(connection_id)
        with pytest.raises(ConnectionNotFound):
            await svc.test_connection(connection_id)
        if self.store is not None:
            assert connection_id not in await self.rows()

    def assert_no_leaks(self) -> None:
        """Exactly the live connections' connectors are open, one each."""
        live = [self.service.exchange_for(c.id) for c in self.service.connections() if c.id]
        open_ = [e for e in Tracked.made if e.has_credentials and not e.closed]
        assert sorted(map(id, open_)) == sorted(map(id, live))


@pytest_asyncio.fixture(params=STORE_KINDS)
async def h(
    request: pytest.FixtureRequest, venue_simulator: Simulator, tmp_path: Path
) -> AsyncIterator[Harness]:
    async with opened_store(request.param, tmp_path / "c.db") as store:
        service = TradingService(store=store, session=venue_simulator.client_session(),
                                 health_check_interval=None)
        harness = Harness(venue_simulator, service, store)
        try:
            async with service:
                yield harness
        finally:
            harness.gate.release_all()
    assert all(e.closed for e in Tracked.made)


async def until(condition: Callable[[], bool]) -> None:
    """Wait for something the code under test does without telling (polling, not timing)."""
    for _ in range(5000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the condition never came true")


def tracked(exchange: object) -> Tracked:
    assert isinstance(exchange, Tracked)
    return exchange


async def added(h: Harness, key: str, label: str = "") -> int:
    conn = await h.service.add_exchange_connection(h.conn(key, label=label))
    assert conn.id is not None
    return conn.id


# --- update vs remove ---------------------------------------------------------------------------
async def test_a_removal_during_an_update_wins(h: Harness) -> None:
    cid = await added(h, "old", "old")
    old = tracked(h.service.exchange_for(cid))
    h.gate.hold("new")
    update = asyncio.create_task(
        h.service.update_exchange_connection(h.conn("new", label="new", id=cid))
    )
    await h.gate.reached("new")
    # the old connector serves while the new one is tested
    assert h.service.get_connection(cid).label == "old"
    assert [b.currency for b in await h.service.get_balance(cid, "USDT")] == ["USDT"]

    assert await h.service.remove_exchange_connection(cid) is True
    h.gate.release("new")
    with pytest.raises(ConnectionNotFound, match=f"connection {cid} was removed"):
        await update
    await h.assert_gone(cid)
    (new,) = h.made("new")
    assert old.closed and new.closed
    h.assert_no_leaks()
    with pytest.raises(ConnectionNotFound):  # and it stays removed
        await h.service.update_exchange_connection(h.conn("newer", id=cid))
    assert h.made("newer") == []  # refused before building anything


class SlowWrites:
    """A ConnectionStore (as a user might write one: a remote database, say) whose updates take
    until ``release`` is set; it keeps its rows in a real MemoryConnectionStore."""

    def __init__(self) -> None:
        self.rows = MemoryConnectionStore()
        self.writing = asyncio.Event()
        self.release = asyncio.Event()

    async def add(self, connection: ExchangeConnection) -> ExchangeConnection:
        return await self.rows.add(connection)

    async def get(self, connection_id: int) -> ExchangeConnection | None:
        return await self.rows.get(connection_id)

    async def list(self, user: str | None = None) -> list[ExchangeConnection]:
        return await self.rows.list(user)

    async def update(self, connection: ExchangeConnection) -> ExchangeConnection:
        self.writing.set()
        await self.release.wait()
        return await self.rows.update(connection)

    async def delete(self, connection_id: int) -> bool:
        return await self.rows.delete(connection_id)

    async def close(self) -> None:
        await self.rows.close()

    async def __aenter__(self) -> SlowWrites:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def test_a_removal_during_an_updates_store_write_waits_for_it_then_wins(
    venue_simulator: Simulator,
) -> None:
    store = SlowWrites()
    assert isinstance(store, ConnectionStore)
    async with store, TradingService(store=store, session=venue_simulator.client_session(),
                                     health_check_interval=None) as svc:
        h = Harness(venue_simulator, svc, store)
        cid = await added(h, "old", "old")
        update = asyncio.create_task(svc.update_exchange_connection(h.conn("new", id=cid)))
        await asyncio.wait_for(store.writing.wait(), 10)
        removal = asyncio.create_task(svc.remove_exchange_connection(cid))
        await asyncio.sleep(0.01)
        assert not removal.done()  # a store write in progress finishes first...
        store.release.set()
        assert (await update).id == cid
        assert await removal is True  # ...then the removal, which wins
        await h.assert_gone(cid)
        assert all(e.closed for e in Tracked.made)


# --- update vs update ---------------------------------------------------------------------------
async def test_of_two_racing_updates_the_last_to_finish_wins(h: Harness) -> None:
    cid = await added(h, "v1", "v1")
    h.gate.hold("v2")
    h.gate.hold("v3")
    svc = h.service
    second = asyncio.create_task(svc.update_exchange_connection(h.conn("v2", label="v2", id=cid)))
    third = asyncio.create_task(svc.update_exchange_connection(h.conn("v3", label="v3", id=cid)))
    await h.gate.reached("v2")
    await h.gate.reached("v3")
    h.gate.release("v3")
    assert (await third).label == "v3"
    assert svc.get_connection(cid).label == "v3"
    h.gate.release("v2")
    assert (await second).label == "v2"

    assert svc.get_connection(cid).label == "v2"
    assert svc.exchange_for(cid) is h.made("v2")[0]
    assert [e.closed for e in (*h.made("v1"), *h.made("v3"))] == [True, True]
    h.assert_no_leaks()
    assert (await svc.test_connection(cid)).connected
    if h.store is not None:
        stored = (await h.rows())[cid]
        assert stored.label == "v2" and stored.credentials is not None
        assert stored.credentials.api_key.get_secret_value() == "v2"


async def test_a_failed_update_leaves_the_connection_as_it_was(h: Harness) -> None:
    cid = await added(h, "good", "good")
    forged = h.service.get_connection(cid).model_copy(update={
        "label": "forged", "credentials": Credentials.from_values("good", "not-the-secret")
    })
    with pytest.raises(AuthenticationError):
        await h.service.update_exchange_connection(forged)
    assert h.service.get_connection(cid).label == "good"
    assert [e.closed for e in Tracked.made] == [False, True]
    h.assert_no_leaks()
    if h.store is not None:
        assert (await h.rows())[cid].label == "good"


# --- add vs remove ------------------------------------------------------------------------------
async def test_a_removal_during_an_add_with_an_id_wins(venue_simulator: Simulator) -> None:
    async with TradingService(session=venue_simulator.client_session(),
                              health_check_interval=None) as svc:
        h = Harness(venue_simulator, svc, None)
        h.gate.hold("k7")
        add = asyncio.create_task(svc.add_exchange_connection(h.conn("k7", id=7)))
        await h.gate.reached("k7")
        with pytest.raises(ConfigurationError, match="already added"):  # the id is taken
            await svc.add_exchange_connection(h.conn("other", id=7))
        assert svc.connections() == []  # but not listed until it passes its test
        assert await svc.remove_exchange_connection(7) is True
        h.gate.release("k7")
        with pytest.raises(ConnectionNotFound, match="connection 7 was removed"):
            await add
        await h.assert_gone(7)
        h.assert_no_leaks()
        again = await svc.add_exchange_connection(h.conn("k7-again", id=7))  # a new life
        assert again.id == 7 and svc.exchange_for(7) is h.made("k7-again")[0]
        h.assert_no_leaks()


async def test_ids_the_service_assigns_skip_ids_given_explicitly(
    venue_simulator: Simulator,
) -> None:
    async with TradingService(session=venue_simulator.client_session(),
                              health_check_interval=None) as svc:
        h = Harness(venue_simulator, svc, None)
        await svc.add_exchange_connection(h.conn(id=1))
        await svc.add_exchange_connection(h.conn(id=3))
        assigned = [(await svc.add_exchange_connection(h.conn())).id for _ in range(3)]
        assert assigned == [2, 4, 5]
        h.assert_no_leaks()


# --- test vs remove / update --------------------------------------------------------------------
async def test_a_removal_during_a_connection_test_wins(h: Harness) -> None:
    cid = await added(h, "k1")
    exchange = tracked(h.service.exchange_for(cid))
    h.gate.hold("k1")
    test = asyncio.create_task(h.service.test_connection(cid))
    await h.gate.reached("k1")
    removal = asyncio.create_task(h.service.remove_exchange_connection(cid))
    await asyncio.sleep(0)
    assert h.service.connections() == []  # no new call can start...
    with pytest.raises(ConnectionNotFound):
        await h.service.get_balance(cid)
    assert not removal.done()  # ...the test in flight finishes first
    assert not any(e.closed for e in h.made("k1"))
    h.gate.release("k1")
    with pytest.raises(ConnectionNotFound):
        await test
    assert await removal is True
    assert exchange.closed
    await h.assert_gone(cid)


async def test_a_test_racing_an_update_tests_the_replacement(h: Harness) -> None:
    cid = await added(h, "k1")
    h.gate.hold("k1")
    test = asyncio.create_task(h.service.test_connection(cid))
    await h.gate.reached("k1")
    update = asyncio.create_task(
        h.service.update_exchange_connection(h.conn("k2", label="k2", id=cid), test=False)
    )
    await until(lambda: h.service.get_connection(cid).label == "k2")  # swapped at once...
    assert not update.done()  # ...and the old connector is draining the test
    untested = (await h.service.get_connection_status())[cid]
    assert untested.last_check is None
    h.gate.release("k1")
    status = await test
    await update
    assert status.connected and status.last_check is not None  # the replacement's own test
    assert (await h.service.get_connection_status())[cid] == status
    assert h.made("k1")[0].closed
    h.assert_no_leaks()


async def test_a_health_check_never_starts_on_a_removed_connector(h: Harness) -> None:
    cid = await added(h, "k1")
    sent = len(h.sim.requests)
    refresh = asyncio.create_task(h.service.get_connection_status(refresh=True))
    removal = asyncio.create_task(h.service.remove_exchange_connection(cid))
    assert await removal is True  # removed after the check listed it, before it ran
    assert await refresh == {}
    assert len(h.sim.requests) == sent  # the check found it removed and sent nothing
    await h.assert_gone(cid)


async def test_a_removal_during_a_hanging_health_check_wins(venue_simulator: Simulator) -> None:
    sim = venue_simulator
    async with TradingService(session=sim.client_session(), health_check_interval=None) as svc:
        h = Harness(sim, svc, None)
        cid = await added(h, "k1")
        exchange = tracked(svc.exchange_for(cid))
        hang = sim.faults.add(Fault.HANG, operation=Operation.BALANCE, delay=0.2, times=1)
        refresh = asyncio.create_task(svc.get_connection_status(refresh=True))
        await until(lambda: hang.injected > 0)  # the health check is in flight
        assert await svc.remove_exchange_connection(cid) is True  # drains the check
        assert exchange.closed
        assert await refresh == {}
        await h.assert_gone(cid)


# --- load vs remove -----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_a_removal_during_start_wins(
    venue_simulator: Simulator, tmp_path: Path, kind: str
) -> None:
    async with opened_store(kind, tmp_path / "c.db") as store:
        assert store is not None
        h = Harness(venue_simulator, TradingService(
            store=store, session=venue_simulator.client_session(), health_check_interval=None
        ), store)
        one = await store.add(h.conn("k1"))
        two = await store.add(h.conn("k2"))
        assert one.id is not None and two.id is not None
        h.gate.hold("k1")
        start = asyncio.create_task(h.service.start())
        await h.gate.reached("k1")
        assert await h.service.remove_exchange_connection(one.id) is True
        assert list(await h.rows()) == [two.id]
        h.gate.release("k1")
        await start
        assert [c.id for c in h.service.connections()] == [two.id]
        await h.assert_gone(one.id)
        assert h.made("k1")[0].closed
        h.assert_no_leaks()
        await h.service.close_all_connections()
        assert all(e.closed for e in Tracked.made)


# --- close vs everything ------------------------------------------------------------------------
async def test_closing_the_service_during_an_add_and_an_update_leaks_nothing(h: Harness) -> None:
    svc = h.service
    cid = await added(h, "k1", "k1")
    h.gate.hold("k2")
    h.gate.hold("k3")
    update = asyncio.create_task(svc.update_exchange_connection(h.conn("k2", id=cid)))
    add = asyncio.create_task(svc.add_exchange_connection(h.conn("k3")))
    await h.gate.reached("k2")
    await h.gate.reached("k3")
    await svc.close_all_connections()
    assert svc.connections() == [] and h.made("k1")[0].closed
    h.gate.release_all()
    for task in (update, add):
        with pytest.raises(ConfigurationError, match="closed"):
            await task
    assert all(e.closed for e in Tracked.made)
    if h.store is not None:  # closing keeps what was stored, and only that
        rows = await h.rows()
        assert list(rows) == [cid] and rows[cid].label == "k1"


async def test_closing_the_service_closes_connectors_a_removal_is_draining(h: Harness) -> None:
    cid = await added(h, "k1")
    h.gate.hold("k1")
    call = asyncio.create_task(h.service.get_balance(cid))
    await h.gate.reached("k1")
    removal = asyncio.create_task(h.service.remove_exchange_connection(cid))
    await asyncio.sleep(0.01)
    closing = asyncio.create_task(h.service.close_all_connections())
    await asyncio.sleep(0.01)
    assert not closing.done()  # it waits for the draining connector too
    h.gate.release("k1")
    assert {b.currency for b in await call} == {"BTC", "USDT"}
    await closing
    assert h.made("k1")[0].closed
    assert await removal is True


async def test_a_store_that_fails_to_delete_still_stops_the_connection(
    venue_simulator: Simulator,
) -> None:
    store = MemoryConnectionStore()
    async with TradingService(store=store, session=venue_simulator.client_session(),
                              health_check_interval=None) as svc:
        h = Harness(venue_simulator, svc, store)
        cid = await added(h, "k1")
        await store.close()
        with pytest.raises(StoreError, match="closed"):
            await svc.remove_exchange_connection(cid)
        assert h.made("k1")[0].closed
        with pytest.raises(ConnectionNotFound):
            await svc.get_balance(cid)


# --- randomized interleavings -------------------------------------------------------------------
OP_KINDS = (
    "add", "add", "add_auto", "update", "update", "update", "remove", "remove", "remove",
    "test", "test", "balance", "close",
)
ops_strategy = st.lists(
    st.tuples(st.sampled_from(OP_KINDS), st.integers(1, 3), st.booleans()),
    min_size=2, max_size=8,
)
"""(what, connection id, whether its connection test is held at the gate until released).
Connections 1 and 2 exist when the operations start; "add" gives the id (without a store) and
"add_auto" lets the service pick one; "close" closes the service."""
schedule_strategy = st.lists(st.integers(0, 3), max_size=16)
"""At each step, 0: start the next operation; n: release the (n-1)th held key (mod count)."""

_runs = itertools.count()


@dataclass
class Op:
    kind: str
    target: int
    hold: bool
    label: str
    explicit: bool = False
    """An add with its own id (``target``); the other adds are given one."""
    started: int = -1
    finished: int = -1
    task: asyncio.Task[Any] | None = None

    def launch(self, call: Coroutine[Any, Any, Any], clock: Iterator[int]) -> None:
        self.started = next(clock)
        self.task = asyncio.create_task(call)
        self.task.add_done_callback(lambda _: setattr(self, "finished", next(clock)))


async def settle(ops: Sequence[Op], h: Harness) -> None:
    """Let the started operations run until nothing happens for 5 ms: no operation finishes, no
    request is answered or held. (A quiet spell, not proof that all are stuck: it decides only
    which interleaving runs, never what must hold after it.)"""
    while True:
        before = (h.gate.arrivals, len(h.sim.requests))
        pending = [op.task for op in ops if op.task is not None and not op.task.done()]
        if not pending:
            return
        done, _ = await asyncio.wait(pending, timeout=0.005, return_when=asyncio.FIRST_COMPLETED)
        if not done and (h.gate.arrivals, len(h.sim.requests)) == before:
            return


def start(op: Op, h: Harness, clock: Iterator[int], with_store: bool) -> None:
    svc = h.service
    if op.kind in ("add", "add_auto"):
        op.explicit = op.kind == "add" and not with_store
        conn = h.conn(op.label, label=op.label, id=op.target if op.explicit else None)
        if op.hold:
            h.gate.hold(op.label)
        op.launch(svc.add_exchange_connection(conn), clock)
    elif op.kind == "update":
        if op.hold:
            h.gate.hold(op.label)
        conn = h.conn(op.label, label=op.label, id=op.target)
        op.launch(svc.update_exchange_connection(conn), clock)
    elif op.kind == "remove":
        op.launch(svc.remove_exchange_connection(op.target), clock)
    elif op.kind == "close":
        op.launch(svc.close_all_connections(), clock)
    else:
        with contextlib.suppress(ConnectionNotFound):
            key = tracked(svc.exchange_for(op.target)).key
            if op.hold and key:
                h.gate.hold(key)
        call = svc.test_connection if op.kind == "test" else svc.get_balance
        op.launch(call(op.target), clock)


async def check_invariants(ops: Sequence[Op], h: Harness, base: Sequence[int]) -> None:
    svc = h.service
    outcomes = {id(op): (op.task.exception() or op.task.result()) for op in ops if op.task}
    closed = any(op.kind == "close" for op in ops if op.task)
    for op in ops:
        outcome = outcomes[id(op)]
        if isinstance(outcome, BaseException):
            allowed: tuple[type[BaseException], ...] = (ConnectionNotFound,)
            if op.explicit or closed:  # the id was taken; the service was closed
                allowed = (ConnectionNotFound, ConfigurationError)
            assert isinstance(outcome, allowed), f"{op}: {outcome!r}"
    live = svc.connections()
    live_ids = [c.id for c in live]
    if closed:
        assert live_ids == []
    assert sorted(await svc.get_connection_status()) == live_ids
    h.assert_no_leaks()
    for c in live:  # each is served by the connector built from its own credentials
        assert c.id is not None and c.credentials is not None
        assert tracked(svc.exchange_for(c.id)).key == c.credentials.api_key.get_secret_value()
    if h.store is not None:  # stored: what was added and not removed; live: as stored
        rows = await h.rows()
        added = {*base, *(o.id for o in outcomes.values() if isinstance(o, ExchangeConnection))}
        removed = {op.target for op in ops if op.kind == "remove" and outcomes[id(op)] is True}
        assert set(rows) == added - removed
        assert [rows[c.id].label for c in live if c.id] == [c.label for c in live]
        if not closed:
            assert sorted(rows) == live_ids
    for cid in range(1, 12):
        if cid not in live_ids:
            with pytest.raises(ConnectionNotFound):
                await svc.get_balance(cid)
    # removal wins: a removed id is live again only if an add with that id started after the
    # removal, or an add the service gave that id finished after it
    for r in ops:
        if r.kind == "remove" and outcomes[id(r)] is True and r.target in live_ids:
            revivers = [
                op for op in ops
                if op.kind in ("add", "add_auto")
                and getattr(outcomes[id(op)], "id", None) == r.target
                and (op.started if op.explicit else op.finished) > r.started
            ]
            assert revivers, f"removed connection {r.target} came back"


@pytest.mark.parametrize("kind", STORE_KINDS)
@settings(max_examples=15, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=ops_strategy, schedule=schedule_strategy)
async def test_random_interleavings_keep_the_invariants(
    venue_simulator: Simulator, tmp_path: Path, kind: str,
    drawn: list[tuple[str, int, bool]], schedule: list[int],
) -> None:
    venue_simulator.rate_limits = False  # the examples share one simulator (and its budget)
    run = next(_runs)
    ops = [Op(k, target, hold, f"r{run}-op{i}") for i, (k, target, hold) in enumerate(drawn)]
    Tracked.made.clear()
    async with opened_store(kind, tmp_path / f"{run}.db") as store:
        svc = TradingService(store=store, session=venue_simulator.client_session(),
                             health_check_interval=None, drain_timeout=5)
        h = Harness(venue_simulator, svc, store)
        clock = itertools.count()
        try:
            async with svc:
                for label in ("base-1", "base-2"):  # connections 1 and 2, for ops to race over
                    await svc.add_exchange_connection(h.conn(f"r{run}-{label}", label=label))
                base = [c.id for c in svc.connections() if c.id is not None]
                assert base == [1, 2]
                waiting = iter(ops)
                for step in [*schedule, *[0] * len(ops)]:
                    held = h.gate.held_keys()
                    op = next(waiting, None) if step == 0 or not held else None
                    if op is not None:
                        start(op, h, clock, store is not None)
                    elif held:
                        h.gate.release(held[(step - 1) % len(held)])
                    await settle(ops, h)
                while h.gate.held_keys():
                    h.gate.release(h.gate.held_keys()[0])
                    await settle(ops, h)
                await asyncio.wait_for(
                    asyncio.gather(*(op.task for op in ops if op.task), return_exceptions=True),
                    10,
                )
                await check_invariants(ops, h, base)
        finally:
            h.gate.release_all()
            venue_simulator.interceptors.remove(h.gate)
    assert all(e.closed for e in Tracked.made)
