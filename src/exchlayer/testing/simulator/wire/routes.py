"""Route tables: which handler serves which endpoint, as data.

A venue lists its endpoints once:

    ROUTES = (
        Route("GET", "/api/v3/depth", Operation.ORDER_BOOK, "depth", weight=depth_weight),
        Route("POST", "/api/v3/order", Operation.CREATE_ORDER, "new_order", private=True),
        Route("GET", "/spot/orders/{order_id}", Operation.FETCH_ORDER, "get_order", private=True),
        ...
    )

`{name}` in a path captures one path segment (or the rest of one: `level2_{depth}`) into
`call.args`. The `Router` looks paths without captures up in a dict, and tries the others (their
patterns compiled once, when the venue class is made) in the order they are listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from exchlayer.testing.simulator.ratelimit import Limit

if TYPE_CHECKING:
    from exchlayer.testing.simulator.wire.call import Call

__all__ = ["Route", "Router"]

Weight = int | Callable[["Call"], int]
"""A route's request weight: a number, or a function of the call (Binance's depth limits)."""

_CAPTURE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    """One endpoint of a venue."""

    method: str
    path: str
    """The path as the venue's routing sees it; `{name}` captures a segment into `call.args`."""
    operation: str
    """The venue-neutral `Operation` a request to it performs."""
    handler: str
    """The name of the venue method that answers it: `def handler(self, call) -> data`."""
    private: bool = False
    """Signed: authenticated by the venue's scheme before the handler runs."""
    weight: Weight = 1
    """What a request spends of the route's first limit."""
    surface: str = ""
    """The part of the venue's API it belongs to (`"spot"`, `"futures"`): routing looks only at
    the surface a request addresses, and error rules may apply to one surface only."""
    limits: tuple[Limit, ...] = ()
    """The published rate limits a request spends from (see `WireVenue.charges`)."""
    tags: frozenset[str] = field(default_factory=frozenset)
    """Venue-defined marks (an envelope variant, a check the handler needs)."""

    @property
    def endpoint(self) -> str:
        """`"METHOD path"`: the part a limit counted per endpoint is kept under."""
        return f"{self.method} {self.path}"

    def weight_of(self, call: Call) -> int:
        """The request weight of one call.

        Args:
            call: The call.

        Returns:
            The weight.
        """
        return self.weight(call) if callable(self.weight) else self.weight


def _pattern(path: str) -> re.Pattern[str]:
    parts = _CAPTURE.split(path)
    return re.compile(
        "".join(
            f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part)
            for index, part in enumerate(parts)
        )
    )


class Router:
    """A venue's routes, resolved to its handler functions."""

    def __init__(self, owner: type, routes: Iterable[Route]) -> None:
        """Args:
            owner: The venue class (its handlers are looked up on it).
            routes: The route table.

        Raises:
            TypeError: a route names a handler the class does not have.
            ValueError: two routes claim one endpoint.
        """
        self.routes = tuple(routes)
        self._static: dict[tuple[str, str, str], tuple[Route, Callable[..., Any]]] = {}
        self._templates: dict[
            tuple[str, str], list[tuple[re.Pattern[str], Route, Callable[..., Any]]]
        ] = {}
        for route in self.routes:
            handler = getattr(owner, route.handler, None)
            if not callable(handler):
                raise TypeError(f"{owner.__name__} has no handler {route.handler!r}")
            if _CAPTURE.search(route.path) is None:
                key = (route.surface, route.method, route.path)
                if key in self._static:
                    raise ValueError(f"{owner.__name__}: two routes for {key}")
                self._static[key] = (route, handler)
            else:
                entry = (_pattern(route.path), route, handler)
                self._templates.setdefault((route.surface, route.method), []).append(entry)

    def match(
        self, surface: str, method: str, path: str
    ) -> tuple[Route, Callable[..., Any], dict[str, str]] | None:
        """The route serving a request.

        Args:
            surface: The surface the request addresses.
            method: The HTTP method.
            path: The path as the venue's routing sees it.

        Returns:
            The route, its handler function and the captured path segments (percent-decoded),
            or `None`.
        """
        found = self._static.get((surface, method, path))
        if found is not None:
            return found[0], found[1], {}
        for pattern, route, handler in self._templates.get((surface, method), ()):
            captured = pattern.fullmatch(path)
            if captured is not None:
                args = {k: unquote(v) for k, v in captured.groupdict().items()}
                return route, handler, args
        return None
