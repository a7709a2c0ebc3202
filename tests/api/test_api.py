"""The FastAPI router end to end: a real uvicorn server on 127.0.0.1, a TradingService whose
connectors talk to the loopback venue simulator, and httpx as the client."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Annotated, Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI, Header, HTTPException

from exchlayer.api import create_router
from exchlayer.config import Credentials
from exchlayer.connection import ExchangeConnection
from exchlayer.resilience.retry import NO_RETRY
from exchlayer.service import TradingService
from exchlayer.testing import Simulator
from exchlayer.testing.simulator import VenueRequest, VenueResponse

D = Decimal
PREFIX = "/api/v1/exchanges"
ORDER_PATH = "/api/v3/order"  # Binance spot: place, fetch and cancel an order


async def header_user(x_user: Annotated[str, Header(min_length=1)]) -> str:
    """Stands in for the host application's authentication."""
    return x_user


def as_(user: str) -> dict[str, str]:
    return {"X-User": user}


def fund(sim: Simulator, key: str, usdt: str = "10000") -> dict[str, str]:
    """Open a funded Binance account in the simulator; the body to connect it with."""
    secret = f"{key}-very-secret-value"
    sim.add_account("binance", api_key=key, secret=secret, balances={"USDT": D(usdt), "BTC": D(1)})
    return {"exchange": "binance", "label": f"{key} account", "api_key": key, "api_secret": secret}


@pytest_asyncio.fixture
async def service(venue_simulator: Simulator) -> AsyncIterator[TradingService]:
    async with TradingService(
        session=venue_simulator.client_session(), health_check_interval=None
    ) as svc:
        yield svc


@pytest_asyncio.fixture
async def client(service: TradingService) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(
        create_router(
            service,
            current_user=header_user,
            # the host's own connector options (clients cannot set these)
            connection_options={"rate_limit": False, "retry": NO_RETRY},
        )
    )
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=0, lifespan="on", log_level="warning", log_config=None
        )
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}{PREFIX}", trust_env=False, timeout=30
    ) as http:
        yield http
    server.should_exit = True
    await task


async def connect(
    http: httpx.AsyncClient, sim: Simulator, key: str, user: str = "alice", **extra: Any
) -> int:
    response = await http.post("/connections", json={**fund(sim, key), **extra}, headers=as_(user))
    assert response.status_code == 201, response.text
    cid: int = response.json()["id"]
    return cid


def money_fields_are_strings(order: dict[str, Any]) -> None:
    for name in ("amount", "filled", "remaining", "price", "average_price", "cost"):
        assert order[name] is None or isinstance(order[name], str), (name, order[name])


# --- connections --------------------------------------------------------------------------------
async def test_connection_lifecycle(client: httpx.AsyncClient, venue_simulator: Simulator) -> None:
    body = fund(venue_simulator, "alice-1")
    created = await client.post("/connections", json=body, headers=as_("alice"))
    assert created.status_code == 201
    conn = created.json()
    assert conn["exchange"] == "binance" and conn["label"] == "alice-1 account"
    assert conn["is_testnet"] is False and conn["has_credentials"] is True
    assert conn["options"] == {"default_trade_type": None, "timeout": None}  # host's stay hidden
    assert conn["status"]["connected"] is True and conn["status"]["latency_ms"] > 0
    assert conn["status"]["connection_id"] == conn["id"]
    assert "api_key" not in conn and "credentials" not in conn and "user" not in conn
    cid = conn["id"]

    listed = await client.get("/connections", headers=as_("alice"))
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [cid]
    assert listed.json()[0]["status"]["connected"] is True

    tested = await client.get(f"/connections/{cid}/test", headers=as_("alice"))
    assert tested.status_code == 200
    assert tested.json()["connected"] is True and tested.json()["last_error"] is None

    renamed = await client.put(f"/connections/{cid}", json={"label": "main"}, headers=as_("alice"))
    assert renamed.status_code == 200
    assert renamed.json()["label"] == "main" and renamed.json()["id"] == cid

    # new credentials replace the old ones as a whole, and are tested first
    other = fund(venue_simulator, "alice-2", usdt="777")
    rekeyed = await client.put(
        f"/connections/{cid}",
        json={"api_key": other["api_key"], "api_secret": other["api_secret"]},
        headers=as_("alice"),
    )
    assert rekeyed.status_code == 200 and rekeyed.json()["label"] == "main"
    balance = await client.get("/balance/binance", headers=as_("alice"))
    assert D(balance.json()["balances"]["USDT"]["total"]) == D("777")
    wrong = await client.put(
        f"/connections/{cid}",
        json={"api_key": other["api_key"], "api_secret": "not-the-secret"},
        headers=as_("alice"),
    )
    assert wrong.status_code == 424 and wrong.json()["error"] == "AuthenticationError"
    still = await client.get(f"/connections/{cid}/test", headers=as_("alice"))
    assert still.json()["connected"] is True  # the failed update changed nothing

    futures = await client.put(
        f"/connections/{cid}",
        json={"options": {"default_trade_type": "futures", "timeout": 5}},
        headers=as_("alice"),
    )
    assert futures.status_code == 200, futures.text
    assert futures.json()["options"] == {"default_trade_type": "futures", "timeout": 5.0}
    balance = await client.get("/balance/binance", headers=as_("alice"))
    assert balance.json()["balances"]["USDT"]["by_connection"][str(cid)]["trade_type"] == "futures"

    deleted = await client.delete(f"/connections/{cid}", headers=as_("alice"))
    assert deleted.status_code == 204 and deleted.content == b""
    assert (await client.get("/connections", headers=as_("alice"))).json() == []
    again = await client.delete(f"/connections/{cid}", headers=as_("alice"))
    assert again.status_code == 404 and again.json()["error"] == "ConnectionNotFound"


async def test_adding_a_connection_the_venue_refuses(
    client: httpx.AsyncClient, venue_simulator: Simulator, service: TradingService
) -> None:
    body = fund(venue_simulator, "k1")
    refused = await client.post(
        "/connections", json={**body, "api_secret": "forged"}, headers=as_("alice")
    )
    assert refused.status_code == 424
    assert refused.json()["error"] == "AuthenticationError"
    assert refused.json()["exchange"] == "binance"
    assert service.connections() == []  # nothing kept

    unknown = await client.post(
        "/connections", json={**body, "exchange": "kraken"}, headers=as_("alice")
    )
    assert unknown.status_code == 400 and unknown.json()["error"] == "ConfigurationError"
    assert "unknown exchange 'kraken'" in unknown.json()["message"]

    # a key that cannot travel in a header (schemathesis found this one) is the caller's
    # mistake, said before any request: not a venue that seems down
    sent = len(venue_simulator.requests)
    unsendable = await client.post(
        "/connections", json={**body, "api_key": "\x1f"}, headers=as_("alice")
    )
    assert unsendable.status_code == 400 and unsendable.json()["error"] == "ConfigurationError"
    assert "api_key contains a control character" in unsendable.json()["message"]
    assert len(venue_simulator.requests) == sent

    testnet = await client.post(
        "/connections", json={**body, "is_testnet": True}, headers=as_("alice")
    )
    assert testnet.status_code == 424  # the key lives on the live venue, not the demo one


async def test_clients_cannot_pass_constructor_options(
    client: httpx.AsyncClient, venue_simulator: Simulator, service: TradingService
) -> None:
    body = fund(venue_simulator, "k1")
    options: dict[str, Any]
    for options in ({"session": None}, {"rate_limit": False}, {"ccxt_options": {}},
                    {"timeout": 0}, {"timeout": 3600}, {"default_trade_type": "margin"}):
        response = await client.post(
            "/connections", json={**body, "options": options}, headers=as_("alice")
        )
        assert response.status_code == 422, options
        assert response.json()["detail"][0]["loc"][:2] == ["body", "options"]
    assert service.connections() == []
    cid = await connect(client, venue_simulator, "k2", options={"timeout": 2})
    kept = service.get_connection(cid).options
    assert kept == {"rate_limit": False, "retry": NO_RETRY, "timeout": 2.0}


async def test_users_cannot_reach_each_others_connections(
    client: httpx.AsyncClient, venue_simulator: Simulator
) -> None:
    cid = await connect(client, venue_simulator, "alice-k")
    order = await client.post(
        "/orders",
        json={"connection_id": cid, "symbol": "BTC/USDT", "order_type": "limit", "side": "buy",
              "amount": "0.01", "price": "40000"},
        headers=as_("alice"),
    )
    assert order.status_code == 201
    oid = order.json()["id"]
    venue_simulator.clear_requests()

    bob = as_("bob")
    assert (await client.get("/connections", headers=bob)).json() == []
    attempts = [
        client.get(f"/connections/{cid}/test", headers=bob),
        client.put(f"/connections/{cid}", json={"label": "mine"}, headers=bob),
        client.delete(f"/connections/{cid}", headers=bob),
        client.post("/orders", headers=bob, json={
            "connection_id": cid, "symbol": "BTC/USDT", "order_type": "market", "side": "sell",
            "amount": "0.5"}),
        client.get(f"/orders/{cid}", headers=bob),
        client.get(f"/orders/{cid}/{oid}", params={"symbol": "BTC/USDT"}, headers=bob),
        client.delete(f"/orders/{cid}/{oid}", params={"symbol": "BTC/USDT"}, headers=bob),
        client.get(f"/orders/{cid}/by-client-id/{order.json()['client_order_id']}",
                   params={"symbol": "BTC/USDT"}, headers=bob),
        client.get(f"/trades/{cid}/BTC/USDT", headers=bob),
        client.get(f"/positions/{cid}", headers=bob),
        client.get("/balance/binance", headers=bob),
    ]
    for response in await asyncio.gather(*attempts):
        assert response.status_code == 404, (response.request.url, response.text)
        assert response.json()["error"] == "ConnectionNotFound"
    # exactly what a connection that does not exist answers: existence does not leak
    missing = await client.get("/connections/424242/test", headers=as_("alice"))
    theirs = await client.get(f"/connections/{cid}/test", headers=bob)
    assert missing.status_code == theirs.status_code == 404
    assert missing.json()["message"].replace("424242", str(cid)) == theirs.json()["message"]
    assert venue_simulator.count_requests() == 0  # bob's calls never reached the venue

    mine = (await client.get("/connections", headers=as_("alice"))).json()
    assert [(c["id"], c["label"]) for c in mine] == [(cid, "alice-k account")]
    still_open = await client.get(f"/orders/{cid}", headers=as_("alice"))
    assert [o["id"] for o in still_open.json()] == [oid]


# --- market data --------------------------------------------------------------------------------
async def test_ticker_one_venue_and_snapshot(
    client: httpx.AsyncClient, venue_simulator: Simulator
) -> None:
    venue_simulator.set_price("BTC/USDT", D("45000"))
    one = await client.get("/ticker/BTC/USDT", params={"exchange": "binance"},
                           headers=as_("alice"))
    assert one.status_code == 200
    ticker = one.json()
    assert ticker["symbol"] == "BTC/USDT" and ticker["trade_type"] == "spot"
    assert isinstance(ticker["last_price"], str) and D(ticker["last_price"]) == 45000
    assert D(ticker["bid"]) < D(ticker["ask"])
    assert "raw" not in ticker

    perp = await client.get("/ticker/BTC/USDT:USDT", params={"exchange": "binance"},
                            headers=as_("alice"))
    assert perp.status_code == 200
    assert perp.json()["symbol"] == "BTC/USDT:USDT" and perp.json()["trade_type"] == "futures"

    # without ?exchange=: every venue the user is connected to, with the best bid and ask
    await connect(client, venue_simulator, "a1")
    snapshot = (await client.get("/ticker/BTC/USDT", headers=as_("alice"))).json()
    assert set(snapshot["tickers"]) == {"binance"} and snapshot["errors"] == {}
    assert snapshot["best_bid"]["exchange"] == snapshot["best_ask"]["exchange"] == "binance"
    assert snapshot["best_bid"]["price"] == snapshot["tickers"]["binance"]["bid"]
    assert D(snapshot["best_bid"]["price"]) < D(snapshot["best_ask"]["price"])
    # bob has no connections: his snapshot shows no venue (nor which venues alice uses)
    empty = (await client.get("/ticker/BTC/USDT", headers=as_("bob"))).json()
    assert empty == {"symbol": "BTC/USDT", "tickers": {}, "errors": {},
                     "best_bid": None, "best_ask": None}
    unlisted = (await client.get("/ticker/NOPE/USDT", headers=as_("alice"))).json()
    assert unlisted["tickers"] == {} and "does not list" in unlisted["errors"]["binance"]


async def test_order_book_symbols_and_info(client: httpx.AsyncClient) -> None:
    alice = as_("alice")
    book = await client.get("/orderbook/BTC/USDT", params={"exchange": "binance", "limit": 5},
                            headers=alice)
    assert book.status_code == 200
    data = book.json()
    assert data["exchange"] == "binance" and data["symbol"] == "BTC/USDT"
    assert 0 < len(data["bids"]) <= 5 and 0 < len(data["asks"]) <= 5
    bids = [D(level["price"]) for level in data["bids"]]
    asks = [D(level["price"]) for level in data["asks"]]
    assert bids == sorted(bids, reverse=True) and asks == sorted(asks)
    assert bids[0] < asks[0]
    assert all(isinstance(level["amount"], str) for level in data["bids"] + data["asks"])
    no_exchange = await client.get("/orderbook/BTC/USDT", headers=alice)
    assert no_exchange.status_code == 422

    spot = (await client.get("/symbols/binance", params={"trade_type": "spot"},
                             headers=alice)).json()
    assert spot["exchange"] == "binance" and spot["trade_type"] == "spot"
    assert "BTC/USDT" in spot["symbols"] and "BTC/USDT:USDT" not in spot["symbols"]
    futures = (await client.get("/symbols/binance", params={"trade_type": "futures"},
                                headers=alice)).json()
    assert "BTC/USDT:USDT" in futures["symbols"]
    both = (await client.get("/symbols/binance", headers=alice)).json()
    assert set(both["symbols"]) == set(spot["symbols"]) | set(futures["symbols"])

    info = (await client.get("/info/binance", headers=alice)).json()
    assert info["exchange"] == "binance" and info["is_testnet"] is False
    assert set(info["trade_types"]) == {"spot", "futures"}
    market = next(m for m in info["markets"] if m["symbol"] == "BTC/USDT")
    assert market["base"] == "BTC" and market["quote"] == "USDT"
    assert isinstance(market["price_tick"], str) and D(market["price_tick"]) > 0

    unknown = await client.get("/symbols/kraken", headers=alice)
    assert unknown.status_code == 400 and unknown.json()["error"] == "ConfigurationError"


async def test_balance_sums_the_users_connections_to_one_exchange(
    client: httpx.AsyncClient, venue_simulator: Simulator
) -> None:
    first = await client.post("/connections", json=fund(venue_simulator, "a1", "1000"),
                              headers=as_("alice"))
    second = await client.post("/connections", json=fund(venue_simulator, "a2", "2500"),
                               headers=as_("alice"))
    await connect(client, venue_simulator, "b1", user="bob")
    ids = {str(first.json()["id"]), str(second.json()["id"])}

    response = await client.get("/balance/binance", headers=as_("alice"))
    assert response.status_code == 200
    data = response.json()
    assert data["exchange"] == "binance" and data["errors"] == {}
    usdt = data["balances"]["USDT"]
    assert all(isinstance(usdt[k], str) for k in ("free", "used", "total"))
    assert (D(usdt["free"]), D(usdt["used"]), D(usdt["total"])) == (D(3500), D(0), D(3500))
    assert set(usdt["by_connection"]) == ids
    assert sorted(D(b["total"]) for b in usdt["by_connection"].values()) == [1000, 2500]
    assert D(data["balances"]["BTC"]["total"]) == 2

    futures = (await client.get("/balance/binance", params={"trade_type": "futures"},
                                headers=as_("alice"))).json()
    assert all(b["trade_type"] == "futures"
               for b in futures["balances"]["USDT"]["by_connection"].values())
    none = await client.get("/balance/gateio", headers=as_("alice"))
    assert none.status_code == 404


# --- trading -------------------------------------------------------------------------------------
async def test_order_lifecycle(client: httpx.AsyncClient, venue_simulator: Simulator) -> None:
    venue_simulator.set_price("BTC/USDT", D("45000"))
    cid = await connect(client, venue_simulator, "t1")
    alice = as_("alice")
    placed = await client.post("/orders", headers=alice, json={
        "connection_id": cid, "symbol": "BTC/USDT", "order_type": "limit", "side": "buy",
        "amount": "0.01", "price": "40000", "time_in_force": "GTC", "client_order_id": "my-1"})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["status"] == "open" and order["client_order_id"] == "my-1"
    assert D(order["amount"]) == D("0.01") and D(order["price"]) == 40000
    assert D(order["filled"]) == 0
    money_fields_are_strings(order)
    oid = order["id"]

    got = await client.get(f"/orders/{cid}/{oid}", params={"symbol": "BTC/USDT"}, headers=alice)
    assert got.status_code == 200 and got.json()["id"] == oid and got.json()["status"] == "open"
    by_cid = await client.get(f"/orders/{cid}/by-client-id/my-1", params={"symbol": "BTC/USDT"},
                              headers=alice)
    assert by_cid.json()["id"] == oid
    open_orders = await client.get(f"/orders/{cid}", params={"symbol": "BTC/USDT"}, headers=alice)
    assert [o["id"] for o in open_orders.json()] == [oid]

    cancelled = await client.delete(f"/orders/{cid}/{oid}", params={"symbol": "BTC/USDT"},
                                    headers=alice)
    assert cancelled.status_code == 200 and cancelled.json() == {"cancelled": True}
    again = await client.delete(f"/orders/{cid}/{oid}", params={"symbol": "BTC/USDT"},
                                headers=alice)
    assert again.json() == {"cancelled": False}  # exists, no longer open
    assert (await client.get(f"/orders/{cid}", headers=alice)).json() == []

    second = await client.post("/orders", headers=alice, json={
        "connection_id": cid, "symbol": "BTC/USDT", "order_type": "limit", "side": "buy",
        "amount": "0.01", "price": "40000", "client_order_id": "my-2"})
    assert second.status_code == 201
    by_client = await client.delete(f"/orders/{cid}/by-client-id/my-2",
                                    params={"symbol": "BTC/USDT"}, headers=alice)
    assert by_client.json() == {"cancelled": True}

    filled = await client.post("/orders", headers=alice, json={
        "connection_id": cid, "symbol": "BTC/USDT", "order_type": "market", "side": "buy",
        "amount": "0.01"})
    assert filled.status_code == 201 and filled.json()["status"] == "filled"
    assert filled.json()["filled"] == "0.01"
    trades = await client.get(f"/trades/{cid}/BTC/USDT", params={"limit": 10}, headers=alice)
    assert trades.status_code == 200
    assert [t["order_id"] for t in trades.json()] == [filled.json()["id"]]
    assert trades.json()[0]["amount"] == "0.01" and isinstance(trades.json()[0]["price"], str)

    assert (await client.get(f"/positions/{cid}", headers=alice)).json() == []
    perp = await client.post("/orders", headers=alice, json={
        "connection_id": cid, "symbol": "BTC/USDT:USDT", "order_type": "market", "side": "buy",
        "amount": "0.01"})
    assert perp.status_code == 201 and perp.json()["trade_type"] == "futures"
    (position,) = (await client.get(f"/positions/{cid}", headers=alice)).json()
    assert position["symbol"] == "BTC/USDT:USDT" and position["side"] == "long"
    assert position["size"] == "0.01"
    perp_trades = await client.get(f"/trades/{cid}/BTC/USDT:USDT", headers=alice)
    assert [t["order_id"] for t in perp_trades.json()] == [perp.json()["id"]]


async def test_money_travels_as_strings_and_floats_are_refused(
    client: httpx.AsyncClient, venue_simulator: Simulator
) -> None:
    cid = await connect(client, venue_simulator, "m1")
    base = {"connection_id": cid, "symbol": "BTC/USDT", "order_type": "limit", "side": "buy",
            "amount": "0.01", "price": "40000"}
    for field, value in (("amount", 0.1), ("price", 40000), ("amount", "1e-3"),
                         ("amount", "-1"), ("amount", "0"), ("price", " 1"), ("amount", True),
                         ("stop_price", 1.5)):
        response = await client.post("/orders", json={**base, field: value},
                                     headers=as_("alice"))
        assert response.status_code == 422, (field, value, response.text)
        body = response.json()
        assert body["error"] == "ValidationError"
        assert body["detail"][0]["loc"] == ["body", field]
        assert f"body.{field}:" in body["message"]
    number = await client.post("/orders", json={**base, "amount": 0.1}, headers=as_("alice"))
    assert "JSON string" in number.json()["message"] and "float" in number.json()["message"]
    assert venue_simulator.count_requests(lambda r: r.is_order_mutation) == 0


# --- errors --------------------------------------------------------------------------------------
async def test_exchlayer_errors_map_to_statuses(
    client: httpx.AsyncClient, venue_simulator: Simulator
) -> None:
    venue_simulator.set_price("BTC/USDT", D("45000"))
    cid = await connect(client, venue_simulator, "e1")
    alice = as_("alice")
    order = {"connection_id": cid, "symbol": "BTC/USDT", "order_type": "limit", "side": "buy",
             "amount": "0.01", "price": "40000"}

    unlisted = await client.get("/ticker/NOPE/USDT", params={"exchange": "binance"},
                                headers=alice)
    assert unlisted.status_code == 400 and unlisted.json()["error"] == "BadSymbol"
    malformed = await client.post("/orders", json={**order, "symbol": "BTCUSDT"}, headers=alice)
    assert malformed.status_code == 400 and malformed.json()["error"] == "BadSymbol"

    tiny = await client.post("/orders", json={**order, "amount": "0.0000001"}, headers=alice)
    assert tiny.status_code == 400
    violation = tiny.json()
    assert violation["error"] == "OrderLimitViolation" and violation["symbol"] == "BTC/USDT"
    assert (violation["limit"], violation["value"], violation["allowed"]) == (
        "amount_step", "0.0000001", "0.00001"
    )
    assert "amount step" in violation["message"]

    broke = await client.post("/orders", headers=alice, json={
        **order, "order_type": "market", "price": None, "amount": "5"})
    assert broke.status_code == 400 and broke.json()["error"] == "InsufficientFunds"

    unknown = await client.get(f"/orders/{cid}/123456789", params={"symbol": "BTC/USDT"},
                               headers=alice)
    assert unknown.status_code == 404 and unknown.json()["error"] == "OrderNotFound"
    unknown_cid = await client.delete(f"/orders/{cid}/by-client-id/nope",
                                      params={"symbol": "BTC/USDT"}, headers=alice)
    assert unknown_cid.status_code == 404 and unknown_cid.json()["error"] == "OrderNotFound"

    async def rate_limited(request: VenueRequest, call_next: Any) -> VenueResponse:
        if request.path == ORDER_PATH:
            return VenueResponse(429, b'{"code":-1003,"msg":"Too many requests."}',
                                 {"Retry-After": "3", "Content-Type": "application/json"})
        response: VenueResponse = await call_next(request)
        return response

    venue_simulator.interceptors.append(rate_limited)
    limited = await client.post("/orders", json=order, headers=alice)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "3"
    assert limited.json()["error"] == "RateLimitExceeded" and limited.json()["retry_after"] == 3
    venue_simulator.interceptors.clear()

    async def venue_down(request: VenueRequest, call_next: Any) -> VenueResponse:
        return VenueResponse(503, b"<html>Service Unavailable</html>",
                             {"Content-Type": "text/html"})

    venue_simulator.interceptors.append(venue_down)
    down = await client.get(f"/orders/{cid}", headers=alice)
    assert down.status_code == 503 and down.json()["error"] == "ExchangeUnavailable"
    balance = await client.get("/balance/binance", headers=alice)
    assert balance.status_code == 503  # its only connection failed: nothing to sum
    venue_simulator.interceptors.clear()

    async def dropped(request: VenueRequest, call_next: Any) -> VenueResponse:
        return VenueResponse(502, b"", drop=True)

    venue_simulator.interceptors.append(dropped)
    lost = await client.post("/orders", json={**order, "client_order_id": "fate-1"},
                             headers=alice)
    venue_simulator.interceptors.clear()
    assert lost.status_code == 504
    assert lost.json()["error"] == "OrderStatusUnknown"
    assert lost.json()["client_order_id"] == "fate-1"


async def test_a_slow_venue_is_a_gateway_timeout(
    client: httpx.AsyncClient, venue_simulator: Simulator
) -> None:
    # the timeout leaves room for the connection test that creating the connection runs
    cid = await connect(client, venue_simulator, "slow", options={"timeout": 0.5})

    async def slow(request: VenueRequest, call_next: Any) -> VenueResponse:
        await asyncio.sleep(1.0)
        response: VenueResponse = await call_next(request)
        return response

    venue_simulator.interceptors.append(slow)
    response = await client.get(f"/orders/{cid}", headers=as_("alice"))
    venue_simulator.interceptors.clear()
    assert response.status_code == 504 and response.json()["error"] == "RequestTimeout"
    await asyncio.sleep(1.0)  # let the simulator finish the slow request before it stops


# --- secrets -------------------------------------------------------------------------------------
async def test_secrets_never_leave(
    client: httpx.AsyncClient, venue_simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = {**fund(venue_simulator, "KEY-s1-distinctive"), "label": "main"}
    secret, key = body["api_secret"], body["api_key"]
    other = fund(venue_simulator, "s2")
    alice = as_("alice")
    responses = [
        await client.post("/connections", json={**body, "passphrase": "pass-phrase-xyz"},
                          headers=alice),
        await client.post("/connections", json=body, headers=alice),
    ]
    cid = responses[-1].json()["id"]
    responses += [
        await client.get("/connections", headers=alice),
        await client.get(f"/connections/{cid}/test", headers=alice),
        await client.put(f"/connections/{cid}", headers=alice,
                         json={"api_key": other["api_key"], "api_secret": other["api_secret"]}),
        await client.put(f"/connections/{cid}", headers=alice,
                         json={"api_key": key, "api_secret": "wrong-" + secret}),  # 424
        await client.post("/connections", json={**body, "api_secret": "x" + secret},
                          headers=alice),  # 424
        await client.get("/balance/binance", headers=alice),
    ]
    invalid = [
        {**body, "label": "x" * 500},  # each body is refused for another field
        {**body, "unexpected": secret},
        {**body, "exchange": "not a name!"},
        {**body, "options": {"session": secret}},
        {**body, "api_secret": secret * 40},  # too long: the secret itself is the culprit
        {**body, "api_key": 12345},
    ]
    for bad in invalid:
        responses.append(await client.post("/connections", json=bad, headers=alice))
    responses += [
        await client.put(f"/connections/{cid}", json={"api_secret": secret}, headers=alice),
        await client.put(f"/connections/{cid}", json={"api_key": key, "api_secret": secret,
                                                      "label": ["not", "a", "string"]},
                         headers=alice),
        await client.post("/connections", content=f'{{"api_secret": "{secret}", ',
                          headers={**alice, "Content-Type": "application/json"}),
    ]
    assert [r.status_code for r in responses] == [
        201, 201, 200, 200, 200, 424, 424, 200, *[422] * len(invalid), 422, 422, 422,
    ]
    for response in responses:
        for value in (secret, key, "pass-phrase-xyz", other["api_secret"]):
            assert value not in response.text, response.text
    assert "exchlayer.wire" in caplog.text  # the venue traffic was logged, redacted
    for value in (secret, key, "pass-phrase-xyz", other["api_secret"]):
        assert value not in caplog.text
    # the 422s still say what is wrong
    only_secret = responses[-3].json()
    assert "api_key and api_secret together" in only_secret["message"]
    assert "input" not in only_secret["detail"][0] and "ctx" not in only_secret["detail"][0]


async def test_an_unexpected_error_is_a_500_that_says_nothing(
    client: httpx.AsyncClient,
    venue_simulator: Simulator,
    service: TradingService,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cid = await connect(client, venue_simulator, "u1")

    leaked = "boom: api_secret=u1-very-secret-value"

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(leaked)

    monkeypatch.setattr(service, "get_positions", broken)
    with caplog.at_level(logging.DEBUG):
        response = await client.get(f"/positions/{cid}", headers=as_("alice"))
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "InternalError" and body["message"] == "internal error"
    assert "secret" not in response.text and "boom" not in response.text
    assert body["error_id"] in caplog.text and "RuntimeError" in caplog.text
    assert "very-secret" not in caplog.text and "boom" not in caplog.text


# --- mounting ------------------------------------------------------------------------------------
async def test_the_hosts_authentication_runs_first_and_its_refusals_pass_through(
    service: TradingService,
) -> None:
    async def bearer_user(authorization: Annotated[str, Header()]) -> str:
        if authorization != "Bearer good":
            raise HTTPException(401, "unknown token")
        return "alice"

    app = FastAPI()
    app.include_router(create_router(service, current_user=bearer_user))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://test{PREFIX}") as http:
        missing = await http.get("/connections")
        refused = await http.get("/connections", headers={"Authorization": "Bearer bad"})
        allowed = await http.get("/connections", headers={"Authorization": "Bearer good"})
    assert missing.status_code == 422, missing.text
    assert missing.json()["detail"][0]["loc"] == ["header", "authorization"]
    assert refused.status_code == 401 and refused.json() == {"detail": "unknown token"}
    assert allowed.status_code == 200 and allowed.json() == []


async def test_two_routers_over_two_services_in_one_app(
    service: TradingService, venue_simulator: Simulator
) -> None:
    async with TradingService(
        session=venue_simulator.client_session(), health_check_interval=None
    ) as other:
        await other.add_exchange_connection(
            ExchangeConnection(
                user="alice", exchange="binance", label="other",
                credentials=Credentials.from_values("only-in-other", "x"),
            ),
            test=False,
        )
        app = FastAPI()
        app.include_router(create_router(service, current_user=header_user, prefix="/one"))
        app.include_router(create_router(lambda: other, current_user=header_user, prefix="/two"))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            one = await http.get("/one/connections", headers=as_("alice"))
            two = await http.get("/two/connections", headers=as_("alice"))
    assert one.status_code == two.status_code == 200
    assert one.json() == [] and [c["label"] for c in two.json()] == ["other"]


# --- packaging -----------------------------------------------------------------------------------
def test_fastapi_is_optional() -> None:
    code = """
import sys
import exchlayer, exchlayer.service
assert "fastapi" not in sys.modules, "import exchlayer imported fastapi"
sys.modules["fastapi"] = None
try:
    import exchlayer.api
except ImportError as exc:
    assert 'pip install "exchlayer[api]"' in str(exc), str(exc)
else:
    raise AssertionError("exchlayer.api imported without fastapi")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
