"""The FastAPI router: a host app mounts it, users call it over HTTP.

Starts uvicorn on 127.0.0.1 (an ephemeral port), with a TradingService behind it that talks to
the built-in venue simulator, then plays a client: add a connection, read a ticker, place and
cancel an order. Needs `pip install "exchlayer[api]"` and httpx.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from fastapi import FastAPI, Header, HTTPException

from exchlayer.api import create_router
from exchlayer.service import TradingService
from exchlayer.testing import Simulator

TOKENS = {"token-alice": "alice"}  # stands in for the host app's real authentication


async def current_user(authorization: str = Header()) -> str:
    user = TOKENS.get(authorization.removeprefix("Bearer "))
    if user is None:
        raise HTTPException(401, "unknown token")
    return user


def make_app(sim: Simulator) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with TradingService(session=sim.client_session()) as service:
            app.state.trading = service
            yield

    app = FastAPI(lifespan=lifespan)
    app.include_router(create_router(lambda: app.state.trading, current_user=current_user))
    return app


async def main() -> None:
    async with Simulator() as sim:
        sim.add_account("binance", api_key="alice-key-0001", secret="alice-secret-0001")
        server = uvicorn.Server(
            uvicorn.Config(make_app(sim), host="127.0.0.1", port=0, log_level="warning")
        )
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}/api/v1/exchanges"
        headers = {"Authorization": "Bearer token-alice"}
        try:
            async with httpx.AsyncClient(base_url=base, headers=headers) as http:
                created = (await http.post("/connections", json={
                    "exchange": "binance", "label": "main",
                    "api_key": "alice-key-0001", "api_secret": "alice-secret-0001",
                })).json()
                print(f"POST /connections -> id {created['id']}, "
                      f"has_credentials={created['has_credentials']}")
                ticker = (await http.get("/ticker/BTC/USDT", params={"exchange": "binance"})).json()
                print(f"GET /ticker/BTC/USDT -> last {ticker['last_price']}")
                order = (await http.post("/orders", json={
                    "connection_id": created["id"], "symbol": "BTC/USDT", "order_type": "limit",
                    "side": "buy", "amount": "0.001", "price": "40000",
                })).json()
                print(f"POST /orders -> {order['id']} {order['status']} at {order['price']}")
                refused = await http.post("/orders", json={
                    "connection_id": created["id"], "symbol": "BTC/USDT", "order_type": "limit",
                    "side": "buy", "amount": 0.001, "price": "40000",
                })
                print(f"a float amount -> HTTP {refused.status_code}")
                cancel = await http.delete(f"/orders/{created['id']}/{order['id']}",
                                           params={"symbol": "BTC/USDT"})
                print(f"DELETE /orders/... -> {cancel.json()}")
        finally:
            server.should_exit = True
            await serving


if __name__ == "__main__":
    asyncio.run(main())
