"""``classify(request)`` names the operation a request would perform before the venue sees it
(fault rules match on it): for every route of every venue it must agree with the operation the
module reports after handling the request."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from exchlayer.testing.simulator import Operation, Simulator, VenueRequest
from exchlayer.testing.simulator.venues import WireVenue, bitget, venue_classes

# Values for path parameters: the handlers may refuse them, the operation stays the same.
_PATH_VALUES = {"settle": "usdt", "contract": "BTC_USDT", "order_id": "1", "depth": "20",
                "orderId": "1", "clientOid": "x1", "symbol": "XBTUSDTM"}
_CAPTURE = re.compile(r"\{(\w+)\}")
#: A host that serves each surface of a venue, and the prefix its routes' paths are under.
_HOSTS = {
    "binance": {"spot": "api.binance.com", "usdm": "fapi.binance.com",
                "coinm": "dapi.binance.com"},
    "bingx": {"spot": "open-api.bingx.com", "swap": "open-api.bingx.com",
              "cswap": "open-api.bingx.com"},
    "bitget": {"": bitget.HOST},
    "gate": {"spot": "api.gateio.ws", "futures": "api.gateio.ws"},
    "kucoin": {"spot": "api.kucoin.com", "futures": "api-futures.kucoin.com"},
}
_PREFIXES = {"gate": "/api/v4"}


def _path(template: str) -> str:
    """A concrete path for a route's path template."""
    return _CAPTURE.sub(lambda m: _PATH_VALUES[m.group(1)], template)


def _routes(venue: str) -> Iterator[tuple[str, str, str]]:
    """Every route of a venue: (host, method, concrete path)."""
    module = venue_classes()[venue]
    assert issubclass(module, WireVenue)
    for route in module.routes:
        host = _HOSTS[venue][route.surface]
        yield host, route.method, _PREFIXES.get(venue, "") + _path(route.path)


def _request(sim: Simulator, host: str, method: str, path: str) -> VenueRequest:
    environment = next(
        env for module in sim.venues.values() for h, env in module.hosts.items() if h == host
    )
    return VenueRequest(
        method=method, host=host, environment=environment, path=path, raw_query="", query={},
        body="", headers={}, received_ms=sim.engine.now_ms(),
    )


@pytest.mark.parametrize("venue", sorted(_HOSTS))
async def test_classify_agrees_with_the_handled_operation_on_every_route(venue: str) -> None:
    sim = Simulator(rate_limits=False)
    module = sim.venues[venue]
    routes = list(_routes(venue))
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


@pytest.mark.parametrize("venue", sorted(_HOSTS))
async def test_an_unknown_endpoint_is_unknown_before_and_after(venue: str) -> None:
    sim = Simulator(rate_limits=False)
    module = sim.venues[venue]
    host = next(iter(module.hosts))
    request = _request(sim, host, "GET", "/no/such/endpoint")
    assert module.classify(request) == Operation.UNKNOWN
    assert (await module.handle(request)).operation == Operation.UNKNOWN
