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

A module also declares what fault injection needs to play that venue's hostile answers in its
own dialect (:mod:`exchlayer.testing.simulator.faults`): its ambiguous "unknown / internal /
busy / timeout" errors (:attr:`VenueModule.ambiguous_errors`, rendered by
:meth:`VenueModule.error_body`), the keys of its success envelope
(:attr:`VenueModule.envelope_keys`, :attr:`VenueModule.payload_key`,
:meth:`VenueModule.is_success`) and its market ids (:meth:`VenueModule.market_id_families`).
It sets its venue's client-order-id rule (:attr:`VenueModule.client_id_rules`) and honours
:attr:`VenueModule.lookup_lag` by answering queries with :meth:`VenueModule.query_account`.
"""

from __future__ import annotations

import abc
import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import Account, ClientIdRule, Engine, FeeSchedule
from exchlayer.testing.simulator.ratelimit import RateLimitBook

__all__ = [
    "BUILTIN_VENUES",
    "AccountDirectory",
    "AmbiguousError",
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
    ORDER_HISTORY = "order_history"
    """Lists of recent (finished, or all) orders: ``fetch_closed_orders``, ``fetch_orders``."""
    MY_TRADES = "my_trades"
    POSITIONS = "positions"
    LEVERAGE = "set_leverage"
    LEVERAGE_INFO = "leverage_info"
    OTHER = "other"
    UNKNOWN = "unknown"  # unknown host or endpoint

    #: Operations that change account state on the venue.
    ORDER_MUTATIONS = frozenset({CREATE_ORDER, CANCEL_ORDER})
    #: Operations that look orders or fills up (what :attr:`VenueModule.lookup_lag` delays).
    ORDER_QUERIES = frozenset({FETCH_ORDER, OPEN_ORDERS, ORDER_HISTORY, MY_TRADES})


@dataclass(frozen=True)
class AmbiguousError:
    """One of a venue's own "unknown / internal / busy / timeout" answers: the venue may or may
    not have acted on the request (``Fault.ERROR_AFTER`` answers with one after acting)."""

    code: int | str
    """The venue's code or label (Binance ``-1007``, Gate ``"SERVER_ERROR"``)."""
    message: str
    status: int
    """The HTTP status it comes with (BingX: 200, the code is in the body)."""


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

    #: The venue's ambiguous error answers, the default (what ``Fault.ERROR_AFTER`` sends
    #: without ``code=``) first. Each module says where its list comes from.
    ambiguous_errors: ClassVar[tuple[AmbiguousError, ...]] = ()
    #: The keys of the venue's success envelope (empty: the payload is the whole body).
    envelope_keys: ClassVar[frozenset[str]] = frozenset()
    #: The envelope key that holds the payload (``None``: no envelope).
    payload_key: ClassVar[str | None] = None
    #: The venue's default client-order-id rule per market kind (``"spot"``, ``"swap"``).
    client_id_defaults: ClassVar[Mapping[str, ClientIdRule]] = {
        "spot": ClientIdRule.OPEN_ONLY,
        "swap": ClientIdRule.OPEN_ONLY,
    }

    def __init__(self, engine: Engine, accounts: AccountDirectory) -> None:
        self.engine = engine
        self.accounts = accounts
        self.rate_limits = RateLimitBook()
        """The usage of the venue's published rate limits (its settings are the simulator's)."""
        self.lookup_lag: float = 0.0
        """Seconds before a new order, and its fills, show in any query of this venue
        (lookups by id or client id, open and historical order lists, fills); until then the
        venue answers as for an order it does not know. 0: off."""
        for kind, rule in self.client_id_defaults.items():
            engine.set_client_id_rule(self.name, rule, kind)

    # ---- client order ids ------------------------------------------------------------------

    @property
    def client_id_rules(self) -> dict[str, ClientIdRule]:
        """The rule this venue applies to client order ids, per market kind."""
        return {kind: self.engine.client_id_rule(self.name, kind) for kind in ("spot", "swap")}

    def set_client_id_rule(self, rule: ClientIdRule | str, kind: str | None = None) -> None:
        """Change this venue's client-order-id rule (``kind``: ``"spot"``, ``"swap"``, or
        ``None`` for both)."""
        self.engine.set_client_id_rule(self.name, rule, kind)

    # ---- queries -----------------------------------------------------------------------------

    def query_account(self, account: Account, operation: str) -> Account:
        """The account a request of ``operation`` is answered from: under
        :attr:`lookup_lag`, a query sees neither the orders placed less than that long ago nor
        their fills. Everything else (placing, cancelling, balances) sees the real account."""
        if self.lookup_lag > 0 and operation in Operation.ORDER_QUERIES:
            return self.engine.lookup_view(account, round(self.lookup_lag * 1000))
        return account

    # ---- what fault injection needs ------------------------------------------------------------

    def error_body(self, code: int | str, message: str) -> Any:
        """An error answer in the venue's envelope (override: the default is Binance-like)."""
        return {"code": code, "msg": message}

    def is_success(self, status: int, body: Any) -> bool:
        """Whether an answer is one the venue means as success (override for venues that
        answer errors with HTTP 200)."""
        return 200 <= status < 300

    def market_id_families(self) -> list[list[str]]:
        """The venue's market ids, one list per family whose ids may stand in for each other
        (spot pairs, perpetuals); ``Mutation.OTHER_SYMBOL`` swaps within a family."""
        return []

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
