"""Recent-order endpoints: what ccxt 4.5.90 calls for fetch_closed_orders / fetch_orders /
fetch_canceled_and_closed_orders is served on every venue, spot and futures, in the venue's
shape, honouring ``since`` on the venue side (the venue clock is stepped by the test)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from venue_matrix import CLIENTS, MARKETS, Market

from exchlayer.testing.simulator import Operation, Simulator, VenueRequest

ccxt = pytest.importorskip("ccxt.async_support")

START = 1_800_000_000_000
#: How each venue's history endpoint is told "since" (ccxt 4.5.90 leaves it out for BingX swaps).
SINCE_PARAMS = {"startTime", "from", "startAt"}


class Clock:
    """The venues' clock, and ccxt's: the test moves both."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> int:
        return self.now


@pytest_asyncio.fixture
async def clock() -> Clock:
    return Clock()


@pytest_asyncio.fixture
async def stepped(clock: Clock) -> AsyncIterator[Simulator]:
    async with Simulator(seed=7, clock=clock, rate_limits=False) as sim:
        for venue in ("binance", "gate", "kucoin", "bingx", "bitget"):
            sim.add_account(venue, api_key="k", secret="s", passphrase="pass")
        yield sim


@pytest_asyncio.fixture
async def client(stepped: Simulator, clock: Clock) -> AsyncIterator[Callable[..., Any]]:
    made: list[Any] = []

    async def make(name: str) -> Any:
        _, base = CLIENTS[name]
        exchange = getattr(ccxt, name)({
            "apiKey": "k", "secret": "s", "session": stepped.client_session(),
            "enableRateLimit": False, "enableLastJsonResponse": True, "timeout_on_exit": 0,
            **base,
        })
        exchange.milliseconds = clock
        made.append(exchange)
        await exchange.load_markets()
        return exchange

    yield make
    for exchange in made:
        await exchange.close()


def raw_orders(body: Any) -> list[Any]:
    """The order rows of a venue's history answer, whatever its shape."""
    data = body.get("data", body) if isinstance(body, dict) else body
    if isinstance(data, dict):
        for key in ("items", "orders", "entrustedList", "orderList"):
            if key in data:
                return list(data[key])
        raise AssertionError(f"no order list in {body}")
    return list(data)


async def history(
    client: Callable[..., Awaitable[Any]], clock: Clock, market: Market
) -> tuple[Any, dict[str, Any]]:
    """An old filled order, then (10 s later) a cancelled one, a filled one and a resting one."""
    exchange = await client(market.client)
    old = await exchange.create_order(market.symbol, "market", "sell", market.amount)
    clock.now += 10_000
    cancelled = await exchange.create_order(market.symbol, "limit", "buy", market.amount,
                                            market.price)
    await exchange.cancel_order(cancelled["id"], market.symbol)
    clock.now += 1_000
    filled = await exchange.create_order(market.symbol, "market", "sell", market.amount)
    clock.now += 1_000
    resting = await exchange.create_order(market.symbol, "limit", "buy", market.amount,
                                          market.price)
    clock.now += 1_000
    ids = {"old": old["id"], "cancelled": cancelled["id"], "filled": filled["id"],
           "resting": resting["id"]}
    return exchange, ids


@pytest.mark.parametrize("name", list(MARKETS))
async def test_closed_orders_since_a_time(
    stepped: Simulator, client: Callable[..., Awaitable[Any]], clock: Clock, name: str
) -> None:
    market = MARKETS[name]
    exchange, ids = await history(client, clock, market)
    stepped.clear_requests()
    since = START + 5_000
    closed = await exchange.fetch_closed_orders(market.symbol, since)
    returned = {o["id"]: o["status"] for o in closed}
    # some venues' "closed" lists hold cancelled orders too (ccxt passes them on)
    assert returned.get(ids["filled"]) == "closed" and returned.get(ids["cancelled"]) in (
        None, "canceled"
    )
    assert ids["old"] not in returned and ids["resting"] not in returned
    assert all(o["symbol"] == market.symbol for o in closed)
    (request,) = [r for r in stepped.requests if r.is_private]
    assert request.operation == Operation.ORDER_HISTORY
    if SINCE_PARAMS & set(request.query):  # ccxt sent since: the venue honoured it
        rows = raw_orders(exchange.last_json_response)
        sent = {str(r.get("id") or r.get("orderId")) for r in rows}
        assert ids["old"] not in sent and ids["filled"] in sent
    everything = await exchange.fetch_closed_orders(market.symbol)
    assert {ids["old"], ids["filled"]} <= {o["id"] for o in everything}


CANCELED_AND_CLOSED = ["binance-spot", "binance-usdm", "bingx-spot", "bingx-swap",
                       "bitget-spot", "bitget-swap"]


@pytest.mark.parametrize("name", CANCELED_AND_CLOSED)
async def test_canceled_and_closed_orders(
    client: Callable[..., Awaitable[Any]], clock: Clock, name: str
) -> None:
    market = MARKETS[name]
    exchange, ids = await history(client, clock, market)
    found = await exchange.fetch_canceled_and_closed_orders(market.symbol, START + 5_000)
    assert {o["id"]: o["status"] for o in found} == {
        ids["cancelled"]: "canceled", ids["filled"]: "closed"
    }


@pytest.mark.parametrize("name", ["binance-spot", "binance-usdm", "bingx-swap"])
async def test_all_orders_include_the_open_ones(
    client: Callable[..., Awaitable[Any]], clock: Clock, name: str
) -> None:
    market = MARKETS[name]
    exchange, ids = await history(client, clock, market)
    found = await exchange.fetch_orders(market.symbol, START + 5_000)
    assert [o["id"] for o in found] == [ids["cancelled"], ids["filled"], ids["resting"]]
    assert found[-1]["status"] == "open"


async def test_binance_all_orders_paging(
    client: Callable[..., Awaitable[Any]], clock: Clock
) -> None:
    exchange, ids = await history(client, clock, MARKETS["binance-spot"])
    latest = await exchange.fetch_orders("BTC/USDT", None, 2)  # the two most recent
    assert [o["id"] for o in latest] == [ids["filled"], ids["resting"]]
    oldest = await exchange.fetch_orders("BTC/USDT", START, 1)  # from startTime on
    assert [o["id"] for o in oldest] == [ids["old"]]
    from_id = await exchange.fetch_orders("BTC/USDT", None, None, {"orderId": ids["filled"]})
    assert [o["id"] for o in from_id] == [ids["filled"], ids["resting"]]
    with pytest.raises(ccxt.BadRequest, match="symbol"):
        await exchange.privateGetAllOrders({})


@pytest.mark.parametrize(
    ("host", "path", "query", "operation"),
    [
        ("api.gateio.ws", "/api/v4/spot/orders", {"status": "open"}, Operation.OPEN_ORDERS),
        ("api.gateio.ws", "/api/v4/spot/orders", {"status": "finished"},
         Operation.ORDER_HISTORY),
        ("api.gateio.ws", "/api/v4/futures/usdt/orders", {"status": "finished"},
         Operation.ORDER_HISTORY),
        ("api.gateio.ws", "/api/v4/futures/usdt/orders_timerange", {}, Operation.ORDER_HISTORY),
        ("api-futures.kucoin.com", "/api/v1/orders", {"status": "active"},
         Operation.OPEN_ORDERS),
        ("api-futures.kucoin.com", "/api/v1/orders", {"status": "done"},
         Operation.ORDER_HISTORY),
        ("api-futures.kucoin.com", "/api/v1/orders", {}, Operation.ORDER_HISTORY),
        ("api.kucoin.com", "/api/v1/hf/orders/done", {}, Operation.ORDER_HISTORY),
        ("api.kucoin.com", "/api/v1/hf/orders/6700000000000000000000ab", {},
         Operation.FETCH_ORDER),
        ("api.binance.com", "/api/v3/allOrders", {}, Operation.ORDER_HISTORY),
        ("fapi.binance.com", "/fapi/v1/allOrders", {}, Operation.ORDER_HISTORY),
        ("open-api.bingx.com", "/openApi/spot/v1/trade/historyOrders", {},
         Operation.ORDER_HISTORY),
        ("open-api.bingx.com", "/openApi/swap/v1/trade/fullOrder", {}, Operation.ORDER_HISTORY),
        ("api.bitget.com", "/api/v2/mix/order/orders-history", {}, Operation.ORDER_HISTORY),
    ],
)
async def test_history_lists_classify_by_what_they_list(
    stepped: Simulator, host: str, path: str, query: dict[str, str], operation: str
) -> None:
    venue = next(name for name, module in stepped.venues.items() if host in module.hosts)
    request = VenueRequest(
        method="GET", host=host, environment="live", path=path, raw_query=urlencode(query),
        query=query, body="", headers={}, received_ms=START,
    )
    module = stepped.venues[venue]
    assert module.classify(request) == operation
    assert (await module.handle(request)).operation == operation
