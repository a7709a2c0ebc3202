"""The simulated venues, and the registry that maps hosts to them.

Each built-in venue is a package here (`binance/`, `gate/`, `kucoin/`, `bingx/`, `bitget/`)
whose `VENUE` is a `WireVenue` subclass: its routes, its error table and signing scheme
(`tables.py`), its renderers (`render.py`) and the handlers that really differ (`venue.py`).
The shared pipeline, the signing schemes and error translation live in
`exchlayer.testing.simulator.wire`.

To add a venue, write a `WireVenue` subclass (the guide is `docs/simulator-venues.md`) and
register it with `register_venue` (a third-party package), or add a line to `BUILTIN_VENUES`.
Nothing in the engine or the server changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from exchlayer.testing.simulator.wire import (
    AccountDirectory,
    AmbiguousError,
    Operation,
    VenueModule,
    VenueRequest,
    VenueResponse,
    WireVenue,
)

__all__ = [
    "BUILTIN_VENUES",
    "AccountDirectory",
    "AmbiguousError",
    "Operation",
    "VenueModule",
    "VenueRequest",
    "VenueResponse",
    "WireVenue",
    "host_table",
    "register_venue",
    "unregister_venue",
    "venue_classes",
]

#: Venue name -> module that defines `VENUE` (imported lazily, on first use).
BUILTIN_VENUES: dict[str, str] = {
    "binance": "exchlayer.testing.simulator.venues.binance",
    "gate": "exchlayer.testing.simulator.venues.gate",
    "bingx": "exchlayer.testing.simulator.venues.bingx",
    "bitget": "exchlayer.testing.simulator.venues.bitget",
    "kucoin": "exchlayer.testing.simulator.venues.kucoin",
}

_registered: dict[str, type[VenueModule]] = {}


def register_venue(cls: type[VenueModule]) -> type[VenueModule]:
    """Register a venue class; every `Simulator` made afterwards serves it.

    Usable as a decorator. A class registered under the name of a built-in venue replaces it.

    Args:
        cls: The venue class (usually a `WireVenue` subclass).

    Returns:
        The class.
    """
    _registered[cls.name] = cls
    return cls


def unregister_venue(name: str) -> None:
    """Forget a venue registered with `register_venue` (built-in venues stay).

    Args:
        name: The venue name.
    """
    _registered.pop(name, None)


def venue_classes() -> dict[str, type[VenueModule]]:
    """Every known venue class, by venue name.

    Returns:
        The built-in venues, then the registered ones.

    Raises:
        TypeError: a built-in module's `VENUE` is not a `VenueModule` subclass.
    """
    out: dict[str, type[VenueModule]] = {}
    for name, module_name in BUILTIN_VENUES.items():
        module = importlib.import_module(module_name)
        cls = module.VENUE
        if not (isinstance(cls, type) and issubclass(cls, VenueModule)):
            raise TypeError(f"{module_name}.VENUE is not a VenueModule subclass")
        out[name] = cls
    out.update(_registered)
    return out


def host_table(classes: Mapping[str, type[VenueModule]]) -> dict[str, tuple[str, str]]:
    """Host -> (venue name, environment); a host may belong to one venue only.

    Args:
        classes: The venue classes by name.

    Returns:
        The table.

    Raises:
        ValueError: two venues claim one host.
    """
    table: dict[str, tuple[str, str]] = {}
    for name, cls in classes.items():
        for host, environment in cls.hosts.items():
            if host in table:
                raise ValueError(f"host {host} is claimed by {table[host][0]} and {name}")
            table[host] = (name, environment)
    return table
