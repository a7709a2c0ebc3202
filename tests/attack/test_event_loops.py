"""R4: a connector that cannot serve a call says so at once, as a ConfigurationError.

* ``test_a_closed_connector_refuses_every_call_and_sends_nothing``: after ``close()`` every
  method refuses (``test_connection`` answers False, ``check_connection`` names the
  ConfigurationError), nothing reaches the simulator, and ``close()`` may be called again.
* ``test_a_second_asyncio_run_is_refused_at_once``: a script that calls ``asyncio.run`` once per
  call. The simulator runs on its own thread and loop, so each ``asyncio.run`` is a real, fresh
  loop in the test's thread, as in a user's script. The second run must fail with a
  ConfigurationError in well under half a second, without retries and without a request.
* ``test_a_session_from_a_dead_loop_is_refused_at_once``: a connector made inside one
  ``asyncio.run`` with a session of that loop, first used in the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from attack_support import (
    FUTURES,
    SPOT,
    VENUES,
    Arena,
    Outcome,
    check_printable,
    fail_if,
    sample_order_id,
)

from exchlayer import (
    BaseExchange,
    ConfigurationError,
    ExchangeFactory,
    OrderSide,
    OrderType,
    TradeType,
)
from exchlayer.testing import SIMULATED_VENUES, Simulator
from exchlayer.testing.simulator import reroute_middleware

D = Decimal
SYMBOL = "BTC/USDT"

# What a closed or foreign-loop connector is asked: valid arguments, one call per method.
Calls = list[tuple[str, Callable[[BaseExchange], Any]]]


def every_call(venue: str, amount: Decimal, price: Decimal) -> Calls:
    oid = sample_order_id(venue)
    calls: Calls = []
    for tt in (SPOT, FUTURES):
        calls += [
            (f"get_ticker {tt.value}", lambda ex, t=tt: ex.get_ticker(SYMBOL, trade_type=t)),
            (f"get_order_book {tt.value}",
             lambda ex, t=tt: ex.get_order_book(SYMBOL, 5, trade_type=t)),
            (f"get_balance {tt.value}", lambda ex, t=tt: ex.get_balance(trade_type=t)),
            (f"get_balance USDT {tt.value}",
             lambda ex, t=tt: ex.get_balance("USDT", trade_type=t)),
            (f"create_order {tt.value}", lambda ex, t=tt: ex.create_order(
                SYMBOL, OrderType.LIMIT, OrderSide.BUY, amount, price, trade_type=t)),
            (f"get_order {tt.value}", lambda ex, t=tt: ex.get_order(oid, SYMBOL, trade_type=t)),
            (f"get_order by client id {tt.value}", lambda ex, t=tt: ex.get_order(
                None, SYMBOL, client_order_id="xl1", trade_type=t)),
            (f"cancel_order {tt.value}",
             lambda ex, t=tt: ex.cancel_order(oid, SYMBOL, trade_type=t)),
            (f"get_open_orders {tt.value}",
             lambda ex, t=tt: ex.get_open_orders(SYMBOL, trade_type=t)),
            (f"get_trades {tt.value}", lambda ex, t=tt: ex.get_trades(SYMBOL, 5, trade_type=t)),
            (f"get_symbols {tt.value}", lambda ex, t=tt: ex.get_symbols(t)),
        ]
    calls += [
        ("get_open_orders all futures", lambda ex: ex.get_open_orders(trade_type=FUTURES)),
        ("get_positions", lambda ex: ex.get_positions()),
        ("get_positions BTC", lambda ex: ex.get_positions("BTC/USDT:USDT")),
        ("set_leverage", lambda ex: ex.set_leverage("BTC/USDT:USDT", 5)),
        ("get_symbols", lambda ex: ex.get_symbols()),
        ("get_exchange_info", lambda ex: ex.get_exchange_info()),
    ]
    return calls


def refused_at_once(outcome: Outcome, limit: float = 0.5) -> list[str]:
    out = outcome.problems_r1()
    if not isinstance(outcome.error, ConfigurationError):
        out.append("R4: not refused with a ConfigurationError")
    if outcome.sent:
        out.append(f"R4: {outcome.sent} request(s) sent")
    if outcome.elapsed >= limit:
        out.append(f"R4: took {outcome.elapsed:.2f} s (retries?)")
    return out


def connection_checks_fail(outcome_test: Outcome, outcome_check: Outcome,
                           limit: float = 0.5) -> list[str]:
    """``test_connection`` never raises: it answers False; ``check_connection`` says why."""
    out = outcome_test.problems_r1() + outcome_check.problems_r1()
    if outcome_test.error is not None or outcome_test.result is not False:
        out.append("R4: test_connection did not answer False: " + outcome_test.describe())
    check = outcome_check.result
    if outcome_check.error is not None or check is None or check.ok:
        out.append("R4: check_connection did not report a failure: " + outcome_check.describe())
    elif check.error_type != "ConfigurationError":
        out.append(f"R4: check_connection names {check.error_type}, not ConfigurationError")
    for o in (outcome_test, outcome_check):
        if o.sent:
            out.append(f"R4: {o.method} sent {o.sent} request(s)")
        if o.elapsed >= limit:
            out.append(f"R4: {o.method} took {o.elapsed:.2f} s")
    return out


# --- closed connectors -------------------------------------------------------------------------


@pytest.mark.parametrize("venue", VENUES)
def test_a_closed_connector_refuses_every_call_and_sends_nothing(arena: Arena, venue: str) -> None:
    exchange = arena.run(arena.connector(venue))
    arena.run(exchange.get_symbols())  # markets of both trade types loaded, clients created
    arena.run(exchange.close())
    b = arena.baseline(venue, SPOT)
    problems: list[str] = []
    for name, call in every_call(venue, b.amount, b.price):
        outcome = arena.attempt(venue, name, "", call, exchange)
        if found := refused_at_once(outcome):
            problems.append("; ".join(found) + "\n    " + outcome.describe())
    test = arena.attempt(venue, "test_connection", "", lambda ex: ex.test_connection(), exchange)
    check = arena.attempt(venue, "check_connection", "", lambda ex: ex.check_connection(),
                          exchange)
    problems += connection_checks_fail(test, check)
    again = arena.attempt(venue, "close", "", lambda ex: ex.close(), exchange)
    if again.error is not None:
        problems.append("close() twice raised: " + again.describe())
    assert not problems, f"{venue}: {len(problems)} call(s) not refused:\n" + "\n".join(problems)


# --- foreign event loops -------------------------------------------------------------------------


class ThreadedSimulator:
    """A simulator on its own thread and event loop, so that the test's thread is free to call
    ``asyncio.run`` as often as a script would."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.sim = Simulator(rate_limits=False)

    def call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def __enter__(self) -> ThreadedSimulator:
        self.thread.start()
        self.call(self.sim.start())
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.call(self.sim.close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()

    def account(self, venue: str) -> dict[str, str]:
        tag = secrets.token_hex(6)
        keys = {"api_key": f"loop-key-{tag}", "api_secret": f"loop-secret-{tag}",
                "passphrase": f"loop-pass-{tag}"}

        async def add() -> None:
            self.sim.add_account(SIMULATED_VENUES[venue].venue, api_key=keys["api_key"],
                                 secret=keys["api_secret"], passphrase=keys["passphrase"])

        self.call(add())
        return keys

    def session(self) -> aiohttp.ClientSession:
        """A session of the running loop routed to the simulator. ``force_close``: no pooled
        connection outlives its loop, so the session can be closed from a later one."""
        return aiohttp.ClientSession(
            middlewares=(reroute_middleware(self.sim.port),),
            connector=aiohttp.TCPConnector(force_close=True),
        )


@pytest.fixture(scope="module")
def threaded() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator() as sim:
        yield sim


def run_once(sim: ThreadedSimulator, venue: str, name: str,
             call: Callable[[BaseExchange], Any], exchange: BaseExchange) -> Outcome:
    """One ``asyncio.run`` of ``call``: a fresh loop, as a script's next line would make."""
    outcome = Outcome(venue, name, "")
    before = len(sim.sim.requests)
    started = time.perf_counter()
    try:
        outcome.result = asyncio.run(asyncio.wait_for(call(exchange), 30))
    except Exception as exc:
        outcome.error = exc
        outcome.unprintable = check_printable(exc)
    outcome.elapsed = time.perf_counter() - started
    outcome.sent = len(sim.sim.requests) - before
    return outcome


def _make(venue: str, keys: dict[str, str], session: aiohttp.ClientSession) -> BaseExchange:
    return ExchangeFactory.create_exchange(
        venue, api_key=keys["api_key"], api_secret=keys["api_secret"],
        passphrase=keys["passphrase"], session=session, rate_limit=False,
    )  # the default retry policy: a transient error here costs the second or so R4 forbids


def _dispose(exchange: BaseExchange, session: aiohttp.ClientSession) -> None:
    for closing in (exchange.close, session.close):
        with contextlib.suppress(Exception):
            asyncio.run(closing())


SECOND_RUN: Calls = [
    ("get_ticker", lambda ex: ex.get_ticker(SYMBOL)),
    ("get_balance", lambda ex: ex.get_balance()),
    ("get_positions", lambda ex: ex.get_positions()),
]


@pytest.mark.parametrize("venue", VENUES)
def test_a_second_asyncio_run_is_refused_at_once(threaded: ThreadedSimulator, venue: str) -> None:
    keys = threaded.account(venue)
    made: dict[str, Any] = {}

    async def first() -> None:
        made["session"] = threaded.session()
        made["exchange"] = exchange = _make(venue, keys, made["session"])
        await exchange.get_symbols()  # both trade types' clients and markets, on this loop
        await exchange.get_ticker(SYMBOL)

    asyncio.run(first())
    exchange = made["exchange"]
    problems: list[str] = []
    try:
        for name, call in SECOND_RUN:
            outcome = run_once(threaded, venue, name, call, exchange)
            if found := refused_at_once(outcome):
                problems.append("; ".join(found) + "\n    " + outcome.describe())
        test = run_once(threaded, venue, "test_connection", lambda ex: ex.test_connection(),
                        exchange)
        check = run_once(threaded, venue, "check_connection", lambda ex: ex.check_connection(),
                         exchange)
        problems += connection_checks_fail(test, check)
    finally:
        _dispose(exchange, made["session"])
    assert not problems, f"{venue}: {len(problems)} problem(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("venue", VENUES)
def test_a_session_from_a_dead_loop_is_refused_at_once(
    threaded: ThreadedSimulator, venue: str
) -> None:
    """Beyond the letter of R4: the connector is made (not used) in one ``asyncio.run``, with a
    session of that loop, and first used in the next. The session cannot work there; that is
    the caller's set-up error, to be named at once rather than retried as a network fault."""
    keys = threaded.account(venue)
    made: dict[str, Any] = {}

    async def make() -> None:
        made["session"] = threaded.session()
        made["exchange"] = _make(venue, keys, made["session"])

    asyncio.run(make())
    exchange = made["exchange"]
    try:
        outcome = run_once(threaded, venue, "get_ticker", lambda ex: ex.get_ticker(SYMBOL),
                           exchange)
    finally:
        _dispose(exchange, made["session"])
    fail_if(refused_at_once(outcome), outcome)


def test_the_first_loop_still_works(threaded: ThreadedSimulator) -> None:
    """Sanity: one ``asyncio.run`` holding the whole session works on every venue."""

    async def whole(venue: str, keys: dict[str, str]) -> Any:
        async with threaded.session() as session, _make(venue, keys, session) as exchange:
            ticker = await exchange.get_ticker(SYMBOL)
            balances = await exchange.get_balance(trade_type=TradeType.FUTURES)
            return ticker, balances

    for venue in VENUES:
        ticker, balances = asyncio.run(whole(venue, threaded.account(venue)))
        assert ticker.symbol == SYMBOL and balances
