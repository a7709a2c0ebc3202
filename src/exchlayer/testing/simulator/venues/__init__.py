"""Venue wire formats for the simulator, and the registry that maps hosts to them.

A venue module speaks one venue's REST dialect on top of the shared, venue-agnostic
:class:`~exchlayer.testing.simulator.engine.Engine`. To add a venue (gate, kucoin, bingx,
bitget, ...), write ``venues/<name>.py`` that defines a :class:`VenueModule` subclass and
exposes it as the module attribute ``VENUE``, then add one line to :data:`BUILTIN_VENUES`
(third-party code can call :func:`register_venue` instead). Nothing in the engine or the
server changes.

The contract a venue module implements::

    class GateVenue(VenueModule):
        name = "gate"
        hosts = {"api.gateio.ws": "live", "api-testnet.gateapi.io": "testnet"}
        fees = FeeSchedule(spot_maker=Decimal("0.002"), spot_taker=Decimal("0.002"))

        async def handle(self, request: VenueRequest) -> VenueResponse:
            ...  # route request.method / request.path, verify request.headers,
            ...  # call self.engine, look accounts up with self.accounts.find(...)

Each response says which :class:`Operation` the request was, so tests can count, for
instance, order placements on any venue without knowing its paths.
"""

from __future__ import annotations

import abc
import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import Account, Engine, FeeSchedule
from exchlayer.testing.simulator.ratelimit import RateLimitBook

__all__ = [
    "BUILTIN_VENUES",
    "AccountDirectory",
    "Operation",
    "VenueModule",
    "VenueRequest",
    "VenueResponse",
    "host_table",
    "register_venue",
    "venue_classes",
]


class Operation:
    """Venue-neutral names for what a request did (``RecordedRequest.operation``)."""

    MARKETS = "markets"
    CURRENCIES = "currencies"
    TIME = "time"
    TICKER = "ticker"
    ORDER_BOOK = "order_book"
    BALANCE = "balance"
    CREATE_ORDER = "create_order"
    FETCH_ORDER = "fetch_order"
    CANCEL_ORDER = "cancel_order"
    OPEN_ORDERS = "open_orders"
    MY_TRADES = "my_trades"
    POSITIONS = "positions"
    LEVERAGE = "set_leverage"
    LEVERAGE_INFO = "leverage_info"
    OTHER = "other"
    UNKNOWN = "unknown"  # unknown host or endpoint

    #: Operations that change account state on the venue.
    ORDER_MUTATIONS = frozenset({CREATE_ORDER, CANCEL_ORDER})


@dataclass(frozen=True)
class VenueRequest:
    """One HTTP request as the venue sees it (host and path are the original ones)."""

    method: str
    host: str
    environment: str
    path: str  # raw (still percent-encoded) path, without the host, e.g. "/api/v3/order"
    raw_query: str  # raw query string, exactly as signed
    query: Mapping[str, str]
    body: str
    headers: Mapping[str, str]
    received_ms: int

    def params(self) -> dict[str, str]:
        """Query and form-body parameters merged (the body wins), for form-encoded venues."""
        out = dict(self.query)
        ctype = self.headers.get("Content-Type", "")
        if self.body and (not ctype or "x-www-form-urlencoded" in ctype):
            from urllib.parse import parse_qsl

            out.update(parse_qsl(self.body, keep_blank_values=True))
        return out


@dataclass
class VenueResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    operation: str = Operation.OTHER
    private: bool = False
    drop: bool = False
    """Close the connection without answering (the client sees a disconnect)."""
    truncate_at: int | None = None
    """Announce the whole body, send only this many bytes, then close the connection."""

    @classmethod
    def json(
        cls,
        data: Any,
        status: int = 200,
        *,
        operation: str = Operation.OTHER,
        private: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> VenueResponse:
        body = json.dumps(data, separators=(",", ":")).encode()
        hdrs = {"Content-Type": "application/json;charset=UTF-8"}
        if headers:
            hdrs.update(headers)
        return cls(status, body, hdrs, operation, private)


class AccountDirectory:
    """Accounts by ``(venue, environment, api_key)``; a key is valid in one environment only."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str, str], Account] = {}

    def add(self, account: Account) -> None:
        key = (account.venue, account.environment, account.api_key)
        if key in self._by_key:
            raise ValueError(
                f"an account with this api key already exists on {account.venue}"
                f"/{account.environment}"
            )
        self._by_key[key] = account

    def find(self, venue: str, environment: str, api_key: str | None) -> Account | None:
        if not api_key:
            return None
        return self._by_key.get((venue, environment, api_key))

    def __iter__(self) -> Any:
        return iter(self._by_key.values())


class VenueModule(abc.ABC):
    """One venue's wire format. Subclasses set the class attributes and implement handle()."""

    #: Venue name used by ``Simulator.add_account(venue, ...)``.
    name: ClassVar[str]
    #: Original host -> environment name (e.g. ``"live"``, ``"demo"``).
    hosts: ClassVar[Mapping[str, str]]
    #: Default fee schedule of accounts created on this venue.
    fees: ClassVar[FeeSchedule] = FeeSchedule()

    def __init__(self, engine: Engine, accounts: AccountDirectory) -> None:
        self.engine = engine
        self.accounts = accounts
        self.rate_limits = RateLimitBook()
        """The usage of the venue's published rate limits (its settings are the simulator's)."""

    @classmethod
    def environments(cls) -> frozenset[str]:
        return frozenset(cls.hosts.values())

    @abc.abstractmethod
    async def handle(self, request: VenueRequest) -> VenueResponse:
        """Answer one request (always with a response; venue errors are venue bodies)."""

    def classify(self, request: VenueRequest) -> str:
        """The venue-neutral :class:`Operation` a request would perform, without performing it
        (fault rules match on it before the venue sees the request)."""
        return Operation.UNKNOWN


#: Venue name -> module that defines ``VENUE`` (imported lazily, on first use).
BUILTIN_VENUES: dict[str, str] = {
    "binance": "exchlayer.testing.simulator.venues.binance",
    "gate": "exchlayer.testing.simulator.venues.gate",
    "bingx": "exchlayer.testing.simulator.venues.bingx",
    "bitget": "exchlayer.testing.simulator.venues.bitget",
    "kucoin": "exchlayer.testing.simulator.venues.kucoin",
}

_registered: dict[str, type[VenueModule]] = {}


def register_venue(cls: type[VenueModule]) -> type[VenueModule]:
    """Register a venue module class (usable as a decorator)."""
    _registered[cls.name] = cls
    return cls


def venue_classes() -> dict[str, type[VenueModule]]:
    """Every known venue module class, by venue name."""
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
    """Host -> (venue name, environment); a host may belong to one venue only."""
    table: dict[str, tuple[str, str]] = {}
    for name, cls in classes.items():
        for host, environment in cls.hosts.items():
            if host in table:
                raise ValueError(f"host {host} is claimed by {table[host][0]} and {name}")
            table[host] = (name, environment)
    return table
