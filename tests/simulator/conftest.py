"""Fixtures for the simulator tests: a started Simulator and ccxt clients routed to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from venue_matrix import BINANCE_OPTIONS, CLIENTS

from exchlayer.testing.simulator import Account, Simulator

ccxt = pytest.importorskip("ccxt.async_support")

KEY = "sim-key"
SECRET = "sim-secret"
#: The options that keep load_markets to exchangeInfo only (no sapi calls).
REDUCED_OPTIONS: dict[str, Any] = BINANCE_OPTIONS

MakeExchange = Callable[..., Any]


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7) as simulator:
        simulator.add_account("binance", api_key=KEY, secret=SECRET)
        yield simulator


@pytest.fixture
def account(sim: Simulator) -> Account:
    """The default funded live account (10,000 USDT + 1 BTC spot, 10,000 USDT futures)."""
    found = sim.accounts.find("binance", "live", KEY)
    assert found is not None
    return found


@pytest_asyncio.fixture
async def make_exchange(sim: Simulator) -> AsyncIterator[MakeExchange]:
    """Build a ccxt client on the simulator; all are closed after the test."""
    created: list[Any] = []

    def make(
        exchange_id: str = "binance",
        *,
        api_key: str | None = KEY,
        secret: str | None = SECRET,
        reduced: bool = True,
        options: dict[str, Any] | None = None,
        **config: Any,
    ) -> Any:
        opts: dict[str, Any] = dict(REDUCED_OPTIONS) if reduced else {}
        if exchange_id != "binance" and reduced:
            opts.pop("fetchMarkets")
        opts.update(options or {})
        cfg: dict[str, Any] = {
            "session": sim.client_session(),
            "enableRateLimit": False,
            "timeout_on_exit": 0,  # ccxt's close() otherwise sleeps 250 ms
            "options": opts,
            **config,
        }
        if api_key is not None:
            cfg["apiKey"] = api_key
        if secret is not None:
            cfg["secret"] = secret
        exchange = getattr(ccxt, exchange_id)(cfg)
        created.append(exchange)
        return exchange

    yield make
    for exchange in created:
        await exchange.close()


@pytest_asyncio.fixture
async def spot(make_exchange: MakeExchange) -> Any:
    """ccxt ``binance`` with the reduced market options, markets loaded."""
    exchange = make_exchange("binance")
    await exchange.load_markets()
    return exchange


@pytest_asyncio.fixture
async def usdm(make_exchange: MakeExchange) -> Any:
    """ccxt ``binanceusdm`` with markets loaded."""
    exchange = make_exchange("binanceusdm")
    await exchange.load_markets()
    return exchange


# ---- every venue at once (the hostile-conditions tests) -----------------------------------


@pytest_asyncio.fixture
async def every_venue() -> AsyncIterator[Simulator]:
    """A simulator with one funded account (key ``sim-key``) on each of the five venues; rate
    limits off, so a test can send what it likes."""
    async with Simulator(seed=7, rate_limits=False) as simulator:
        for venue in ("binance", "gate", "kucoin", "bingx", "bitget"):
            simulator.add_account(venue, api_key=KEY, secret=SECRET, passphrase="pass")
        yield simulator


@pytest_asyncio.fixture
async def venue_client(every_venue: Simulator) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """``await venue_client("kucoinfutures", timeout=500)``: a ccxt client with markets loaded."""
    created: list[Any] = []

    async def make(client: str, **config: Any) -> Any:
        _, base = CLIENTS[client]
        options = {**base.get("options", {}), **config.pop("options", {})}
        exchange = getattr(ccxt, client)(
            {
                "apiKey": KEY,
                "secret": SECRET,
                "session": every_venue.client_session(),
                "enableRateLimit": False,
                "enableLastJsonResponse": True,
                "timeout_on_exit": 0,
                **{k: v for k, v in base.items() if k != "options"},
                "options": options,
                **config,
            }
        )
        created.append(exchange)
        await exchange.load_markets()
        return exchange

    yield make
    for exchange in created:
        await exchange.close()
