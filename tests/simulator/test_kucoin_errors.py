"""KuCoin authentication and error bodies, and the ccxt exception each one produces."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Simulator, VenueRequest, VenueResponse
from exchlayer.testing.simulator.engine import system_clock
from exchlayer.testing.simulator.server import Handler

ccxt = pytest.importorskip("ccxt.async_support")
pytestmark = pytest.mark.asyncio

BTC, PERP = "BTC/USDT", "BTC/USDT:USDT"
KEY, SECRET, PASSPHRASE = "kce-key", "kce-secret", "kce-pass"
NARROW = {"uta": False, "hf": True}


def _b64_hmac(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed(
    method: str,
    endpoint: str,
    body: str = "",
    *,
    passphrase: str = PASSPHRASE,
    version: str = "2",
    timestamp: int | None = None,
) -> dict[str, str]:
    """KuCoin's request headers, computed here independently of ccxt."""
    ts = str(timestamp if timestamp is not None else system_clock())
    return {
        "KC-API-KEY": KEY,
        "KC-API-SIGN": _b64_hmac(SECRET, ts + method + endpoint + body),
        "KC-API-TIMESTAMP": ts,
        "KC-API-PASSPHRASE": _b64_hmac(SECRET, passphrase) if version != "1" else passphrase,
        "KC-API-KEY-VERSION": version,
        "Content-Type": "application/json",
    }


@pytest_asyncio.fixture
async def kucoin_sim(sim: Simulator) -> Simulator:
    sim.add_account("kucoin", api_key=KEY, secret=SECRET, passphrase=PASSPHRASE)
    sim.add_account(
        "kucoin",
        api_key="poor",
        secret="poor-secret",
        passphrase="poor-pass",
        balances={},
        futures_balance={"USDT": Decimal(10)},
    )
    return sim


async def test_missing_headers_and_plain_signing(kucoin_sim: Simulator) -> None:
    session = kucoin_sim.client_session()
    url = "https://api.kucoin.com/api/v1/accounts?type=trade_hf"
    async with session.get(url) as resp:
        assert resp.status == 401
        assert (await resp.json())["code"] == "400001"
    endpoint = "/api/v1/accounts?type=trade_hf"
    async with session.get(url, headers=signed("GET", endpoint)) as resp:
        answer = await resp.json()
    assert resp.status == 200 and answer["code"] == "200000"
    assert {row["currency"] for row in answer["data"]} == {"USDT", "BTC"}
    # the account list draws from KuCoin's management pool (2,000 per 30 s at VIP0)
    assert resp.headers["gw-ratelimit-limit"] == "2000"
    assert int(resp.headers["gw-ratelimit-remaining"]) == 2000 - 5
    # key version 1 sends the passphrase itself; version 2 must HMAC it
    async with session.get(url, headers=signed("GET", endpoint, version="1")) as resp:
        assert (await resp.json())["code"] == "200000"
    bad = signed("GET", endpoint)
    bad["KC-API-PASSPHRASE"] = PASSPHRASE
    async with session.get(url, headers=bad) as resp:
        assert await resp.json() == {"code": "400004", "msg": "Invalid KC-API-PASSPHRASE"}
    # the query is part of what is signed
    other = signed("GET", "/api/v1/accounts?type=main")
    async with session.get(url, headers=other) as resp:
        assert await resp.json() == {"code": "400005", "msg": "Invalid KC-API-SIGN"}
        assert resp.status == 401
    stale = signed("GET", endpoint, timestamp=system_clock() - 6_000)
    async with session.get(url, headers=stale) as resp:
        assert (await resp.json())["code"] == "400002"


async def test_the_json_body_is_signed(kucoin_sim: Simulator) -> None:
    session = kucoin_sim.client_session()
    url = "https://api-futures.kucoin.com/api/v2/changeCrossUserLeverage"
    body = json.dumps({"symbol": "XBTUSDTM", "leverage": "7"}, separators=(",", ":"))
    headers = signed("POST", "/api/v2/changeCrossUserLeverage", body)
    async with session.post(url, data=body, headers=headers) as resp:
        assert await resp.json() == {"code": "200000", "data": True}
    tampered = body.replace('"7"', '"70"')
    async with session.post(url, data=tampered, headers=headers) as resp:
        assert (await resp.json())["code"] == "400005"
    account = kucoin_sim.accounts.find("kucoin", "live", KEY)
    assert account is not None and kucoin_sim.engine.get_leverage(account, PERP) == 7


async def test_unknown_endpoint_is_not_supported(kucoin_sim: Simulator, make_exchange: Any) -> None:
    exchange = make_exchange(
        "kucoin", api_key=KEY, secret=SECRET, password=PASSPHRASE, reduced=False, options=NARROW
    )
    with pytest.raises(ccxt.NotSupported, match="404000"):
        await exchange.privateGetOrders()  # the classic (non-HF) order list is not served
    assert kucoin_sim.requests[-1].status == 404


@dataclass
class Clients:
    sim: Simulator
    spot: Any
    futures: Any
    poor: Any
    wrong_passphrase: Any
    wrong_secret: Any
    unknown_key: Any


@pytest_asyncio.fixture
async def clients(kucoin_sim: Simulator, make_exchange: Any) -> Clients:
    def make(exchange_id: str = "kucoin", **creds: str) -> Any:
        values = {"api_key": KEY, "secret": SECRET, "password": PASSPHRASE, **creds}
        return make_exchange(exchange_id, reduced=False, options=NARROW, **values)

    return Clients(
        sim=kucoin_sim,
        spot=make(),
        futures=make("kucoinfutures"),
        poor=make(api_key="poor", secret="poor-secret", password="poor-pass"),
        wrong_passphrase=make(password="nope"),
        wrong_secret=make(secret="nope"),
        unknown_key=make(api_key="nobody"),
    )


def _skewed(c: Clients) -> Awaitable[Any]:
    c.sim.engine.clock = lambda: system_clock() + 60_000
    return c.spot.fetch_balance()


async def _tampered(c: Clients) -> Any:
    async def change_body(request: VenueRequest, call_next: Handler) -> VenueResponse:
        if request.method == "POST":
            request = dataclasses.replace(request, body=request.body.replace("0.01", "0.02"))
        return await call_next(request)

    await c.spot.load_markets()
    c.sim.interceptors.append(change_body)
    return await c.spot.create_order(BTC, "limit", "buy", 0.01, 40000)


def _raw_spot(**params: Any) -> Callable[[Clients], Awaitable[Any]]:
    base = {"clientOid": "raw-1", "side": "buy", "symbol": "BTC-USDT", "type": "limit",
            "size": "0.01", "price": "40000"}
    return lambda c: c.spot.privatePostHfOrders({**base, **params})


async def _duplicate_spot(c: Clients) -> Any:
    await c.spot.create_order(BTC, "limit", "buy", 0.001, 40000, {"clientOrderId": "dup"})
    return await c.spot.create_order(BTC, "limit", "buy", 0.001, 40000, {"clientOrderId": "dup"})


async def _duplicate_futures(c: Clients) -> Any:
    await c.futures.create_order(PERP, "limit", "buy", 1, 40000, {"clientOrderId": "dup"})
    return await c.futures.create_order(PERP, "limit", "buy", 1, 40000, {"clientOrderId": "dup"})


CASES: list[tuple[str, Callable[[Clients], Awaitable[Any]], type[Exception], str, str]] = [
    ("wrong passphrase", lambda c: c.wrong_passphrase.fetch_balance(),
     ccxt.AuthenticationError, "400004", "Invalid KC-API-PASSPHRASE"),
    # the passphrase header is an HMAC keyed with the secret, so it is checked (and fails) first
    ("wrong secret", lambda c: c.wrong_secret.fetch_balance(),
     ccxt.AuthenticationError, "400004", "Invalid KC-API-PASSPHRASE"),
    ("unknown key", lambda c: c.unknown_key.fetch_balance(),
     ccxt.AuthenticationError, "400003", "KC-API-KEY not exists"),
    ("body changed in transit", _tampered,
     ccxt.AuthenticationError, "400005", "Invalid KC-API-SIGN"),
    ("clock skew", _skewed, ccxt.InvalidNonce, "400002", "KC-API-TIMESTAMP Invalid"),
    ("spot funds", lambda c: c.poor.create_order(BTC, "limit", "buy", 0.01, 40000),
     ccxt.InsufficientFunds, "200004", "Balance insufficient!"),
    ("futures margin", lambda c: c.poor.create_order(PERP, "limit", "buy", 100, 40000),
     ccxt.InsufficientFunds, "300003", "Balance not enough"),
    ("unknown spot order", lambda c: c.spot.fetch_order("0" * 24, BTC),
     ccxt.OrderNotFound, "400100", "The order does not exist."),
    ("cancel unknown spot order", lambda c: c.spot.cancel_order("0" * 24, BTC),
     ccxt.OrderNotFound, "400100", "order_not_exist_or_not_allow_to_cancel"),
    ("unknown stop order", lambda c: c.spot.fetch_order("vs" + "0" * 22, BTC, {"trigger": True}),
     ccxt.OrderNotFound, "400100", "The order does not exist."),
    ("unknown stop client id",
     lambda c: c.spot.fetch_order(None, BTC, {"trigger": True, "clientOrderId": "none"}),
     ccxt.OrderNotFound, "400100", "The order does not exist."),
    ("unknown futures order", lambda c: c.futures.fetch_order("0" * 24, PERP),
     ccxt.OrderNotFound, "100001", "error.getOrder.orderNotExist"),
    ("spot symbol", lambda c: c.spot.privateGetHfOrdersActive({"symbol": "NOPE-USDT"}),
     ccxt.BadSymbol, "400100", "Unsupported trading pair."),
    ("futures symbol", lambda c: c.futures.futuresPublicGetTicker({"symbol": "NOPEUSDTM"}),
     ccxt.BadSymbol, "400100", "Unsupported trading pair."),
    ("size step", _raw_spot(size="0.000015"),
     ccxt.InvalidOrder, "400100", "Order size increment invalid."),
    ("size minimum", _raw_spot(size="0", price="40000"),
     ccxt.InvalidOrder, "400100", "Order size below the minimum requirement."),
    ("size maximum", _raw_spot(size="9001"),
     ccxt.InvalidOrder, "300000", "Order size above the maximum requirement."),
    ("price tick", _raw_spot(price="40000.005"),
     ccxt.InvalidOrder, "300000", "Price increment invalid."),
    ("minimum funds", _raw_spot(size="0.0001", price="40000"),
     ccxt.InvalidOrder, "600101", "The order funds should more then 5 USDT."),
    ("spot duplicate client id", _duplicate_spot,
     ccxt.InvalidOrder, "126044", "clientOid duplicate"),
    ("futures duplicate client id", _duplicate_futures,
     ccxt.InvalidOrder, "300000", "Duplicate clientOid."),
    ("stop already reached",
     lambda c: c.spot.create_order(BTC, "market", "buy", 0.01, None,
                                   {"triggerPrice": 40000, "stop": "entry"}),
     ccxt.BadRequest, "400100", "the stop price is already reached"),
    ("missing parameter", lambda c: c.spot.privatePostHfOrders({"symbol": "BTC-USDT"}),
     ccxt.BadRequest, "400100", "side is required"),
    ("bad leverage", lambda c: c.futures.set_leverage(0, PERP),
     ccxt.BadRequest, "400100", "Leverage parameter invalid."),
]


@pytest.mark.parametrize(
    ("call", "expected", "code", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_error_bodies_map_to_ccxt_exceptions(
    clients: Clients,
    call: Callable[[Clients], Awaitable[Any]],
    expected: type[Exception],
    code: str,
    message: str,
) -> None:
    with pytest.raises(expected) as info:
        await call(clients)
    body = json.loads(str(info.value).split(" ", 1)[1])
    assert body["code"] == code
    assert message in body["msg"]
    # authentication failures are HTTP 401; KuCoin answers business errors with HTTP 200
    refused = [r for r in clients.sim.requests if r.is_private and r.status != 200]
    assert {r.status for r in refused} == ({401} if code.startswith("40000") else set())
