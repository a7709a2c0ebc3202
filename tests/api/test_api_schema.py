"""Property-based tests of the router from its own OpenAPI schema (schemathesis).

The app creates the simulator and the TradingService in its lifespan (so they live on the event
loop schemathesis runs the app on) and hands the router a callable returning the service. The
test user has a funded Binance connection with id 1, restored before every request should a
generated DELETE or PUT have removed or changed it. Whatever is generated, the answer must not be
a server error: a healthy simulator gives no reason for a 5xx.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from fastapi import Depends, FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.python.asgi import shutdown_lifespans

from exchlayer.api import create_router
from exchlayer.config import Credentials
from exchlayer.connection import ExchangeConnection
from exchlayer.resilience.retry import NO_RETRY
from exchlayer.service import TradingService
from exchlayer.testing import Simulator

USER = "tester"
KEY, SECRET = "schema-key", "schema-secret"
OPTIONS: dict[str, Any] = {"rate_limit": False, "retry": NO_RETRY}
state: dict[str, Any] = {}


def the_service() -> TradingService:
    service: TradingService = state["service"]
    return service


async def current_user() -> str:
    return USER


async def funded_connection() -> None:
    service = the_service()
    current = service.connections(USER)
    if any(c.id == 1 and c.options == OPTIONS and not c.is_testnet for c in current):
        return
    if current and current[0].id == 1:
        await service.remove_exchange_connection(1)
    await service.add_exchange_connection(
        ExchangeConnection(
            id=1, user=USER, exchange="binance", options=OPTIONS,
            credentials=Credentials.from_values(KEY, SECRET),
        ),
        test=False,
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with Simulator() as sim:
        sim.add_account("binance", api_key=KEY, secret=SECRET,
                        balances={"USDT": Decimal(10**6), "BTC": Decimal(10)})
        async with TradingService(
            session=sim.client_session(), health_check_interval=None
        ) as service:
            state["service"] = service
            yield
            state.clear()


app = FastAPI(lifespan=lifespan, dependencies=[Depends(funded_connection)])
app.include_router(
    create_router(the_service, current_user=current_user, connection_options=OPTIONS)
)
schema = schemathesis.openapi.from_dict(app.openapi())


@pytest.fixture(scope="module", autouse=True)
def _stop_the_app() -> Iterator[None]:
    yield
    shutdown_lifespans()  # the simulator and the service, started on the first request


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case[Any]) -> None:
    response = case.call(app=app)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text}"
    )


def test_money_is_a_string_in_every_schema() -> None:
    components = app.openapi()["components"]["schemas"]
    for model, field in (("Order", "price"), ("Ticker", "bid"), ("Balance", "total"),
                         ("PriceLevel", "price"), ("PortfolioBalance", "free")):
        prop = components[model]["properties"][field]
        types = {t.get("type") for t in prop.get("anyOf", [prop])}
        assert types <= {"string", "null"} and "string" in types, (model, field, prop)
    amount = components["OrderCreate"]["properties"]["amount"]
    assert amount["type"] == "string" and amount["pattern"]
    assert components["ConnectionCreate"]["properties"]["api_secret"]["writeOnly"] is True
