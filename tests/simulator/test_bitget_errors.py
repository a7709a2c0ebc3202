"""Bitget signing, environments, and every error body -> the ccxt exception it produces."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Operation, Simulator, VenueRequest, VenueResponse
from exchlayer.testing.simulator.server import Handler
from exchlayer.testing.simulator.venues.bitget import error_response

pytestmark = pytest.mark.asyncio
ccxt = pytest.importorskip("ccxt.async_support")

PERP = "BTC/USDT:USDT"
HOST = "https://api.bitget.com"
MakeBitget = Callable[..., Any]


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7) as simulator:
        simulator.add_account("bitget", api_key="k", secret="s", passphrase="p")
        yield simulator


@pytest_asyncio.fixture
async def make(sim: Simulator) -> AsyncIterator[MakeBitget]:
    made: list[Any] = []

    def build(key: str = "k", secret: str = "s", password: str = "p", **options: Any) -> Any:
        exchange = ccxt.bitget(
            {
                "apiKey": key,
                "secret": secret,
                "password": password,
                "session": sim.client_session(),
                "enableRateLimit": False,
                "timeout_on_exit": 0,
                "options": {"uta": False, **options},
            }
        )
        made.append(exchange)
        return exchange

    yield build
    for exchange in made:
        await exchange.close()


@pytest_asyncio.fixture
async def bitget(make: MakeBitget) -> Any:
    exchange = make()
    await exchange.load_markets()
    return exchange


def signed_headers(secret: str, prehash: str, ts: str, key: str = "k") -> dict[str, str]:
    sign = base64.b64encode(hmac.new(secret.encode(), prehash.encode(), hashlib.sha256).digest())
    return {
        "ACCESS-KEY": key,
        "ACCESS-SIGN": sign.decode(),
        "ACCESS-TIMESTAMP": ts,
        "ACCESS-PASSPHRASE": "p",
        "Content-Type": "application/json",
    }


# ---- signing -------------------------------------------------------------------------------


async def test_the_signature_covers_timestamp_method_path_query_and_body(sim: Simulator) -> None:
    """A hand-built request, signed exactly as Bitget documents it, is accepted; changing any
    part after signing is refused."""
    session = sim.client_session()
    ts = str(sim.engine.now_ms())
    path, query = "/api/v2/spot/trade/fills", "symbol=BTCUSDT&limit=5"
    headers = signed_headers("s", f"{ts}GET{path}?{query}", ts)
    async with session.get(f"{HOST}{path}?{query}", headers=headers) as resp:
        assert resp.status == 200
        assert (await resp.json())["code"] == "00000"
    async with session.get(f"{HOST}{path}?symbol=BTCUSDT&limit=6", headers=headers) as resp:
        assert resp.status == 401
        assert (await resp.json())["code"] == "40009"

    body = json.dumps(
        {
            "symbol": "BTCUSDT",
            "side": "buy",
            "orderType": "limit",
            "force": "gtc",
            "price": "40000",
            "size": "0.001",
            "clientOid": "hand-1",
        }
    )
    path = "/api/v2/spot/trade/place-order"
    headers = signed_headers("s", f"{ts}POST{path}{body}", ts)
    async with session.post(f"{HOST}{path}", data=body, headers=headers) as resp:
        answer = await resp.json()
    assert answer["code"] == "00000" and answer["data"]["clientOid"] == "hand-1"
    tampered = body.replace("0.001", "0.002")
    async with session.post(f"{HOST}{path}", data=tampered, headers=headers) as resp:
        assert (await resp.json())["code"] == "40009"


async def test_missing_headers_get_their_own_codes(sim: Simulator) -> None:
    session = sim.client_session()
    url = f"{HOST}/api/v2/spot/account/assets"
    ts = str(sim.engine.now_ms())
    full = signed_headers("s", f"{ts}GET/api/v2/spot/account/assets", ts)
    expected = {
        "ACCESS-KEY": ("40001", "ACCESS_KEY cannot be empty"),
        "ACCESS-SIGN": ("40003", "Signature cannot be empty"),
        "ACCESS-PASSPHRASE": ("40011", "ACCESS_PASSPHRASE cannot be empty"),
        "ACCESS-TIMESTAMP": ("40005", "Invalid ACCESS_TIMESTAMP"),
    }
    for header, (code, msg) in expected.items():
        headers = {k: v for k, v in full.items() if k != header}
        async with session.get(url, headers=headers) as resp:
            body = await resp.json()
        assert (body["code"], body["msg"], body["data"]) == (code, msg, None)
        assert isinstance(body["requestTime"], int)


@pytest.mark.parametrize(
    ("key", "secret", "password", "code", "error"),
    [
        ("k", "wrong", "p", "40009", "AuthenticationError"),
        ("k", "s", "wrong", "40012", "AuthenticationError"),
        ("nobody", "s", "p", "40006", "AuthenticationError"),
    ],
)
async def test_wrong_credentials(
    make: MakeBitget, key: str, secret: str, password: str, code: str, error: str
) -> None:
    exchange = make(key, secret, password)
    with pytest.raises(getattr(ccxt, error), match=code):
        await exchange.fetch_balance()


async def test_a_stale_timestamp_is_invalid_nonce(make: MakeBitget, sim: Simulator) -> None:
    late = make(timeDifference=31_000)  # ccxt signs with now - timeDifference
    with pytest.raises(ccxt.InvalidNonce, match="40008"):
        await late.fetch_balance()
    on_time = make(timeDifference=25_000)  # still inside Bitget's 30 s
    assert (await on_time.fetch_balance())["USDT"]["total"] == 10000.0


# ---- environments ---------------------------------------------------------------------------


async def test_demo_trading_is_the_paptrading_header_on_the_same_host(
    sim: Simulator, make: MakeBitget
) -> None:
    sim.add_account("bitget", api_key="dk", secret="ds", passphrase="p", environment="demo")
    demo = make("dk", "ds")
    demo.enable_demo_trading(True)
    await demo.load_markets()
    assert (await demo.fetch_balance())["USDT"]["total"] == 10000.0
    order = await demo.create_order(PERP, "market", "buy", 0.01)  # ordinary symbols
    assert order["id"]
    assert {r.host for r in sim.requests} == {"api.bitget.com"}
    with_header = [r for r in sim.requests if r.headers.get("PAPTRADING") == "1"]
    without = {r.query.get("productType") for r in sim.requests if r not in with_header}
    # ccxt leaves the header off the simulated-coin product types of the live environment
    assert without == {"SUSDT-FUTURES", "SCOIN-FUTURES", "SUSDC-FUTURES"}
    assert {r.path for r in with_header if r.is_private} >= {
        "/api/v2/spot/account/assets",
        "/api/v2/mix/order/place-order",
    }
    demo_account = sim.accounts.find("bitget", "demo", "dk")
    assert demo_account is not None and len(sim.engine.positions(demo_account)) == 1


async def test_a_key_only_works_in_its_own_environment(sim: Simulator, make: MakeBitget) -> None:
    live_on_demo = make()
    live_on_demo.set_sandbox_mode(True)  # the same as enable_demo_trading in ccxt 4.5.90
    with pytest.raises(ccxt.ExchangeError, match="40099") as info:
        await live_on_demo.fetch_balance()
    assert type(info.value) is ccxt.ExchangeError  # ccxt has no finer class for 40099
    sim.add_account("bitget", api_key="dk", secret="ds", passphrase="p", environment="demo")
    demo_on_live = make("dk", "ds")
    with pytest.raises(ccxt.ExchangeError, match="exchange environment is incorrect"):
        await demo_on_live.fetch_balance()


async def test_the_unified_account_probe_fails_as_on_a_classic_account(
    make: MakeBitget, sim: Simulator
) -> None:
    unpinned = make(uta=None)
    await unpinned.load_markets()
    (probe,) = [r for r in sim.requests if r.path == "/api/v3/account/settings"]
    assert probe.status == 400 and probe.is_private
    assert unpinned.options["uta"] is False  # ccxt stays on the classic v2 API
    assert (await unpinned.fetch_balance())["BTC"]["total"] == 1.0
    session = sim.client_session()
    async with session.get(f"{HOST}/api/v2/spot/market/tickers?symbol=BTCUSDT") as resp:
        assert resp.status == 200


async def test_load_markets_calls_exactly_these_endpoints(make: MakeBitget, sim: Simulator) -> None:
    await make().load_markets()
    calls = [(r.path, r.query.get("productType")) for r in sim.requests]
    assert sorted(calls, key=str) == sorted(
        [
            ("/api/v2/spot/public/coins", None),
            ("/api/v2/spot/public/symbols", None),
            ("/api/v2/margin/currencies", None),
            *[
                ("/api/v2/mix/market/contracts", pt)
                for pt in (
                    "USDT-FUTURES",
                    "COIN-FUTURES",
                    "USDC-FUTURES",
                    "SUSDT-FUTURES",
                    "SCOIN-FUTURES",
                    "SUSDC-FUTURES",
                )
            ],
        ],
        key=str,
    )
    assert not any(r.is_private for r in sim.requests)


# ---- venue errors -> ccxt exceptions -------------------------------------------------------


async def test_order_errors(bitget: Any, sim: Simulator) -> None:
    # a dozen refused orders back to back from unthrottled ccxt: more than Bitget's 10
    # place-order requests per second per UID, which is not what this test is about
    sim.rate_limits = False
    poor = sim.add_account(
        "bitget",
        api_key="poor",
        secret="ps",
        passphrase="p",
        balances={"USDT": Decimal(10)},
        futures_balance={"USDT": Decimal(10)},
    )
    assert poor.environment == "live"
    poor_client = ccxt.bitget(
        {
            "apiKey": "poor",
            "secret": "ps",
            "password": "p",
            "session": sim.client_session(),
            "enableRateLimit": False,
            "timeout_on_exit": 0,
            "options": {"uta": False},
        }
    )
    try:
        with pytest.raises(ccxt.InsufficientFunds, match="43012"):
            await poor_client.create_order("BTC/USDT", "limit", "buy", 0.001, 40000)
        with pytest.raises(ccxt.InsufficientFunds, match="40762"):
            await poor_client.create_order(PERP, "limit", "buy", 0.01, 40000)
    finally:
        await poor_client.close()

    spot = bitget.privateSpotPostV2SpotTradePlaceOrder
    base = {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc"}
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"price": "40000", "size": "0.00001"}, ccxt.InvalidOrder, "45110"),  # notional
        ({"price": "40000.001", "size": "0.001"}, ccxt.InvalidOrder, "41103"),  # tick
        ({"price": "40000", "size": "0.0010001"}, ccxt.InvalidOrder, "40808"),  # step
        ({"price": "0.001", "size": "0.001"}, ccxt.InvalidOrder, "40706"),  # min price
        ({"price": "40000", "size": "10000"}, ccxt.ExchangeError, "45112"),  # max qty
        ({"price": "40000"}, ccxt.BadRequest, "40019"),  # no size
        ({"price": "forty", "size": "0.001"}, ccxt.BadRequest, "40017"),
        ({"price": "40000", "size": "0.001", "clientOid": "x" * 51}, ccxt.BadRequest, "40305"),
        ({"price": "40000", "size": "0.001", "symbol": "NOPEUSDT"}, ccxt.BadSymbol, "40309"),
    ]
    for extra, error, code in cases:
        with pytest.raises(error, match=code):
            await spot({**base, **extra})
    await spot({**base, "price": "40000", "size": "0.001", "clientOid": "dup"})
    with pytest.raises(ccxt.ExchangeError, match="40786"):
        await spot({**base, "price": "40000", "size": "0.001", "clientOid": "dup"})

    with pytest.raises(ccxt.ExchangeError, match="22002"):
        await bitget.create_order(PERP, "market", "sell", 0.01, None, {"reduceOnly": True})
    with pytest.raises(ccxt.InvalidOrder, match="40774"):
        await bitget.create_order(PERP, "market", "buy", 0.01, None, {"tradeSide": "open"})
    with pytest.raises(ccxt.ExchangeError, match="40797"):
        await bitget.set_leverage(200, PERP)


async def test_unknown_orders(bitget: Any) -> None:
    # spot orderInfo answers an empty list; ccxt turns that into OrderNotFound itself
    with pytest.raises(ccxt.OrderNotFound, match="could not find order id 42"):
        await bitget.fetch_order("42", "BTC/USDT")
    with pytest.raises(ccxt.OrderNotFound, match="43001"):
        await bitget.cancel_order("42", "BTC/USDT")
    with pytest.raises(ccxt.InvalidOrder, match="43025"):  # exchlayer reads it as not found
        await bitget.cancel_order("42", "BTC/USDT", {"trigger": True})
    with pytest.raises(ccxt.OrderNotFound, match="40109"):
        await bitget.fetch_order("42", PERP)
    with pytest.raises(ccxt.OrderNotFound, match="40768"):
        await bitget.cancel_order("42", PERP)
    # a futures plan-order cancel reports failures in the body, with code 00000
    answer = await bitget.privateMixPostV2MixOrderCancelPlanOrder(
        {"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "orderIdList": [{"orderId": "42"}]}
    )
    assert answer["code"] == "00000"
    assert answer["data"]["successList"] == []
    assert answer["data"]["failureList"][0]["orderId"] == "42"
    cancelled = await bitget.cancel_order("42", PERP, {"trigger": True})
    assert cancelled["id"] is None  # what ccxt makes of it


async def test_unknown_endpoint_and_rate_limit(bitget: Any, sim: Simulator) -> None:
    session = sim.client_session()
    async with session.get(f"{HOST}/api/v2/spot/nope") as resp:
        assert resp.status == 404
        assert (await resp.json())["code"] == "40404"

    async def too_many(request: VenueRequest, call_next: Handler) -> VenueResponse:
        if request.path.endswith("/tickers"):
            return error_response("429", "Too Many Requests", 0, 429, Operation.TICKER)
        return await call_next(request)

    sim.interceptors.append(too_many)
    with pytest.raises(ccxt.DDoSProtection, match="429"):
        await bitget.fetch_ticker("BTC/USDT")
