"""``classify(request)`` names the operation a request would perform before the venue sees it
(fault rules match on it): for every route of every venue it must agree with the operation the
module reports after handling the request."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from exchlayer.testing.simulator import Operation, Simulator, VenueRequest
from exchlayer.testing.simulator.venues import binance, bingx, bitget, gate, kucoin

# Values for path parameters: the handlers may refuse them, the operation stays the same.
_PATH_VALUES = {"settle": "usdt", "contract": "BTC_USDT", "order_id": "1", "depth": "20",
                "orderId": "1", "clientOid": "x1", "symbol": "XBTUSDTM"}
_GROUP = re.compile(r"\(\?P<(\w+)>\[\^/\]\+\)")


def _path(pattern: str) -> str:
    """A concrete path for a route's regular expression."""
    return _GROUP.sub(lambda m: _PATH_VALUES[m.group(1)], pattern).replace("\\", "")


def _binance() -> Iterator[tuple[str, str, str]]:
    hosts = {"spot": "api.binance.com", "usdm": "fapi.binance.com", "coinm": "dapi.binance.com"}
    for surface, method, path in binance.BinanceVenue._routes:
        yield hosts[surface], method, path


def _bingx() -> Iterator[tuple[str, str, str]]:
    for method, path in bingx.BingXVenue._routes:
        yield "open-api.bingx.com", method, path


def _bitget() -> Iterator[tuple[str, str, str]]:
    for method, path in bitget.BitgetVenue._routes:
        yield bitget.HOST, method, path


def _gate() -> Iterator[tuple[str, str, str]]:
    for route in gate.GateVenue._routes:
        yield "api.gateio.ws", route.method, "/api/v4" + _path(route.pattern.pattern)


def _kucoin() -> Iterator[tuple[str, str, str]]:
    hosts = {"spot": "api.kucoin.com", "futures": "api-futures.kucoin.com"}
    for route in kucoin.KucoinVenue._routes:
        yield hosts[route.surface], route.method, _path(route.pattern.pattern)


ROUTES = {"binance": _binance, "bingx": _bingx, "bitget": _bitget, "gate": _gate,
          "kucoin": _kucoin}


def _request(sim: Simulator, host: str, method: str, path: str) -> VenueRequest:
    environment = next(
        env for module in sim.venues.values() for h, env in module.hosts.items() if h == host
    )
    return VenueRequest(
        method=method, host=host, environment=environment, path=path, raw_query="", query={},
        body="", headers={}, received_ms=sim.engine.now_ms(),
    )


@pytest.mark.parametrize("venue", sorted(ROUTES))
async def test_classify_agrees_with_the_handled_operation_on_every_route(venue: str) -> None:
    sim = Simulator(rate_limits=False)
    module = sim.venues[venue]
    routes = list(ROUTES[venue]())
    assert routes
    seen: dict[tuple[str, str, str], tuple[str, Any]] = {}
    for host, method, path in routes:
        request = _request(sim, host, method, path)
        predicted = module.classify(request)
        response = await module.handle(request)
        seen[(host, method, path)] = (predicted, response.operation)
        assert predicted != Operation.UNKNOWN, (method, path)
    disagree = {k: v for k, v in seen.items() if v[0] != v[1]}
    assert disagree == {}


@pytest.mark.parametrize("venue", sorted(ROUTES))
async def test_an_unknown_endpoint_is_unknown_before_and_after(venue: str) -> None:
    sim = Simulator(rate_limits=False)
    module = sim.venues[venue]
    host = next(iter(module.hosts))
    request = _request(sim, host, "GET", "/no/such/endpoint")
    assert module.classify(request) == Operation.UNKNOWN
    assert (await module.handle(request)).operation == Operation.UNKNOWN
