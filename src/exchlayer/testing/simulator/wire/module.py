"""The contract between the server and a venue: `VenueModule`, and the accounts it serves."""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import Account, ClientIdRule, Engine, FeeSchedule
from exchlayer.testing.simulator.ratelimit import RateLimitBook
from exchlayer.testing.simulator.wire.messages import (
    AmbiguousError,
    Operation,
    VenueRequest,
    VenueResponse,
)

__all__ = ["AccountDirectory", "VenueModule"]


class AccountDirectory:
    """Accounts by `(venue, environment, api_key)`; a key is valid in one environment only."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str, str], Account] = {}

    def add(self, account: Account) -> None:
        """Add an account.

        Args:
            account: The account; its key must be new in its venue's environment.

        Raises:
            ValueError: the key is already in use there.
        """
        key = (account.venue, account.environment, account.api_key)
        if key in self._by_key:
            raise ValueError(
                f"an account with this api key already exists on {account.venue}"
                f"/{account.environment}"
            )
        self._by_key[key] = account

    def find(self, venue: str, environment: str, api_key: str | None) -> Account | None:
        """The account of an API key.

        Args:
            venue: The venue name.
            environment: The environment the request addressed.
            api_key: The key the request carried.

        Returns:
            The account, or `None` when the key is not valid there.
        """
        if not api_key:
            return None
        return self._by_key.get((venue, environment, api_key))

    def __iter__(self) -> Iterator[Account]:
        return iter(self._by_key.values())


class VenueModule(abc.ABC):
    """One venue's wire format: what the server and fault injection need of it.

    Most venues subclass `WireVenue`, which answers requests from a route table; a subclass of
    this class answers them any way it likes (`handle`).
    """

    #: Venue name used by `Simulator.add_account(venue, ...)`.
    name: ClassVar[str]
    #: Original host -> environment name (e.g. `"live"`, `"demo"`).
    hosts: ClassVar[Mapping[str, str]]
    #: Default fee schedule of accounts created on this venue.
    fees: ClassVar[FeeSchedule] = FeeSchedule()

    #: The venue's ambiguous error answers, the default (what `Fault.ERROR_AFTER` sends
    #: without `code=`) first. Each module says where its list comes from.
    ambiguous_errors: ClassVar[tuple[AmbiguousError, ...]] = ()
    #: The keys of the venue's success envelope (empty: the payload is the whole body).
    envelope_keys: ClassVar[frozenset[str]] = frozenset()
    #: The envelope key that holds the payload (`None`: no envelope).
    payload_key: ClassVar[str | None] = None
    #: The venue's default client-order-id rule per market kind (`"spot"`, `"swap"`).
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
        """Change this venue's client-order-id rule.

        Args:
            rule: The new rule.
            kind: `"spot"`, `"swap"`, or `None` for both.
        """
        self.engine.set_client_id_rule(self.name, rule, kind)

    # ---- queries -----------------------------------------------------------------------------

    def query_account(self, account: Account, operation: str) -> Account:
        """The account a request is answered from: under `lookup_lag`, a query sees neither the
        orders placed less than that long ago nor their fills. Everything else (placing,
        cancelling, balances) sees the real account.

        Args:
            account: The authenticated account.
            operation: The request's `Operation`.

        Returns:
            The account, or its lagging view.
        """
        if self.lookup_lag > 0 and operation in Operation.ORDER_QUERIES:
            return self.engine.lookup_view(account, round(self.lookup_lag * 1000))
        return account

    # ---- what fault injection needs ------------------------------------------------------------

    def error_body(self, code: int | str, message: str) -> Any:
        """An error answer in the venue's envelope (override: the default is Binance-like).

        Args:
            code: The venue's error code or label.
            message: Its message.

        Returns:
            The JSON body.
        """
        return {"code": code, "msg": message}

    def is_success(self, status: int, body: Any) -> bool:
        """Whether an answer is one the venue means as success (override for venues that
        answer errors with HTTP 200).

        Args:
            status: The HTTP status.
            body: The parsed JSON body.

        Returns:
            `True` for a success answer.
        """
        return 200 <= status < 300

    def market_id_families(self) -> list[list[str]]:
        """The venue's market ids, one list per family whose ids may stand in for each other
        (spot pairs, perpetuals); `Mutation.OTHER_SYMBOL` swaps within a family.

        Returns:
            The families.
        """
        return []

    @classmethod
    def environments(cls) -> frozenset[str]:
        """The venue's environments.

        Returns:
            Their names (`"live"`, `"demo"`, ...).
        """
        return frozenset(cls.hosts.values())

    @abc.abstractmethod
    async def handle(self, request: VenueRequest) -> VenueResponse:
        """Answer one request (always with a response; venue errors are venue bodies).

        Args:
            request: The request.

        Returns:
            The answer.
        """

    def classify(self, request: VenueRequest) -> str:
        """The venue-neutral `Operation` a request would perform, without performing it (fault
        rules match on it before the venue sees the request).

        Args:
            request: The request.

        Returns:
            The operation (`Operation.UNKNOWN` for an unknown endpoint).
        """
        return Operation.UNKNOWN
