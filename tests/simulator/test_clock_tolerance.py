"""Each venue's clock tolerance, at its exact edges: with the venue's clock frozen and ccxt's
clock set by the test, a signed request is accepted just inside the tolerance and refused just
outside it, with the client clock ahead of the venue's and behind it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from venue_matrix import CLIENTS

from exchlayer.testing.simulator import Simulator

ccxt = pytest.importorskip("ccxt.async_support")

NOW = 1_800_000_000_000  # the venues' frozen clock (a whole second)

Client = Callable[[str], Awaitable[Any]]


@pytest_asyncio.fixture
async def frozen() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7, clock=lambda: NOW, rate_limits=False) as sim:
        for venue in ("binance", "gate", "kucoin", "bingx", "bitget"):
            sim.add_account(venue, api_key="k", secret="s", passphrase="pass")
        yield sim


@pytest_asyncio.fixture
async def client(frozen: Simulator) -> AsyncIterator[Client]:
    made: list[Any] = []

    async def make(name: str) -> Any:
        _, base = CLIENTS[name]
        options = dict(base.get("options", {}))
        if name == "binance":
            options["recvWindow"] = 5000
        exchange = getattr(ccxt, name)({
            "apiKey": "k", "secret": "s", "session": frozen.client_session(),
            "enableRateLimit": False, "enableLastJsonResponse": True, "timeout_on_exit": 0,
            **{k: v for k, v in base.items() if k != "options"}, "options": options,
        })
        made.append(exchange)
        exchange.milliseconds = lambda: NOW
        await exchange.load_markets()
        return exchange

    yield make
    for exchange in made:
        await exchange.close()


async def balance_at(exchange: Any, offset_ms: int) -> Any:
    """fetch_balance signed with ccxt's clock ``offset_ms`` ahead of the venue's (negative:
    behind)."""
    exchange.milliseconds = lambda: NOW + offset_ms
    return await exchange.fetch_balance()


#: ccxt class -> (ahead accepted, ahead refused, behind accepted, behind refused) in ms of the
#: client clock against the venue's, and the ccxt exception + venue code of the refusal.
EDGES: dict[str, tuple[tuple[int, int, int, int], type[Exception], str]] = {
    # Binance: refused when timestamp >= server + 1000, or server - timestamp > recvWindow
    "binance": ((999, 1000, -5000, -5001), ccxt.InvalidNonce, "-1021"),
    # BingX: the same shape, with its default recvWindow of 5000 ms
    "bingx": ((999, 1000, -5000, -5001), ccxt.BadSymbol, "100421"),
    # KuCoin: at most 5 s either way
    "kucoin": ((5000, 5001, -5000, -5001), ccxt.InvalidNonce, "400002"),
    # Bitget: at most 30 s either way
    "bitget": ((30_000, 30_001, -30_000, -30_001), ccxt.InvalidNonce, "40008"),
    # Gate: Timestamp in whole seconds (ccxt floors), at most 60 s either way
    "gate": ((60_999, 61_000, -60_000, -60_001), ccxt.AuthenticationError, "REQUEST_EXPIRED"),
}


@pytest.mark.parametrize("name", list(EDGES))
async def test_signed_requests_at_the_edges_of_the_clock_tolerance(
    client: Client, name: str
) -> None:
    exchange = await client(name)
    (ahead_ok, ahead_refused, behind_ok, behind_refused), error, code = EDGES[name]
    assert await balance_at(exchange, ahead_ok) is not None
    assert await balance_at(exchange, behind_ok) is not None
    for offset in (ahead_refused, behind_refused):
        with pytest.raises(error):
            await balance_at(exchange, offset)
        body = exchange.last_json_response
        assert str(body.get("code", body.get("label"))) == code, (offset, body)


async def test_kucoin_futures_host_has_the_same_tolerance(client: Client) -> None:
    exchange = await client("kucoinfutures")
    assert await balance_at(exchange, -5000) is not None
    with pytest.raises(ccxt.InvalidNonce):
        await balance_at(exchange, 5001)


async def test_binance_words_the_two_refusals_differently(client: Client) -> None:
    exchange = await client("binance")
    with pytest.raises(ccxt.InvalidNonce, match="1000ms ahead"):
        await balance_at(exchange, 1000)
    with pytest.raises(ccxt.InvalidNonce, match="outside of the recvWindow"):
        await balance_at(exchange, -5001)


async def test_skew_clock_moves_the_venue_not_the_client(
    frozen: Simulator, client: Client
) -> None:
    exchange = await client("bitget")
    frozen.skew_clock(-30_001)  # the venue 30.001 s behind: the client looks ahead
    with pytest.raises(ccxt.InvalidNonce):
        await balance_at(exchange, 0)
    frozen.skew_clock(30_000)
    assert await balance_at(exchange, 0) is not None


async def test_gate_order_expiry_header_at_its_edge(frozen: Simulator, client: Client) -> None:
    """X-Gate-Exptime (ms): received after it, a new order is refused; at it, accepted."""
    exchange = await client("gate")
    body = {"currency_pair": "BTC_USDT", "type": "limit", "account": "spot", "side": "buy",
            "amount": "0.001", "price": "40000", "time_in_force": "gtc"}
    statuses = []
    for expiry in (NOW - 1, NOW):
        signed = exchange.sign("orders", ["private", "spot"], "POST", dict(body))
        headers = {**signed["headers"], "X-Gate-Exptime": str(expiry)}
        with contextlib.suppress(ccxt.AuthenticationError):  # REQUEST_EXPIRED
            await exchange.fetch(signed["url"], "POST", headers, signed["body"])
        statuses.append(frozen.requests[-1].status)
    assert statuses == [401, 200]
    account = frozen.accounts.find("gate", "live", "k")
    assert account is not None and len(account.orders) == 1
