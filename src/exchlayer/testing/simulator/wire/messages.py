"""What crosses the wire between the server and a venue: requests, responses, operations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["AmbiguousError", "Operation", "RawJson", "VenueRequest", "VenueResponse"]

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"


class Operation:
    """Venue-neutral names for what a request did (`RecordedRequest.operation`)."""

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
    """Lists of recent (finished, or all) orders: `fetch_closed_orders`, `fetch_orders`."""
    MY_TRADES = "my_trades"
    POSITIONS = "positions"
    LEVERAGE = "set_leverage"
    LEVERAGE_INFO = "leverage_info"
    OTHER = "other"
    UNKNOWN = "unknown"  # unknown host or endpoint

    #: Operations that change account state on the venue.
    ORDER_MUTATIONS = frozenset({CREATE_ORDER, CANCEL_ORDER})
    #: Operations that look orders or fills up (what `VenueModule.lookup_lag` delays).
    ORDER_QUERIES = frozenset({FETCH_ORDER, OPEN_ORDERS, ORDER_HISTORY, MY_TRADES})


@dataclass(frozen=True)
class AmbiguousError:
    """One of a venue's own "unknown / internal / busy / timeout" answers: the venue may or may
    not have acted on the request (`Fault.ERROR_AFTER` answers with one after acting)."""

    code: int | str
    """The venue's code or label (Binance `-1007`, Gate `"SERVER_ERROR"`)."""
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
        """Query and form-body parameters merged (the body wins), for form-encoded venues.

        Returns:
            The parameters by name.
        """
        out = dict(self.query)
        ctype = self.headers.get("Content-Type", "")
        if self.body and (not ctype or "x-www-form-urlencoded" in ctype):
            out.update(parse_qsl(self.body, keep_blank_values=True))
        return out


@dataclass(frozen=True)
class RawJson:
    """JSON text that goes on the wire as it is: a body rendered once and cached, or numbers a
    venue sends in a form `json.dumps` does not produce."""

    text: str
    content_type: str = JSON_CONTENT_TYPE


@dataclass
class VenueResponse:
    """One answer of a venue, with what the request log records about it."""

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
        """A JSON answer (`data` may be a `RawJson`).

        Args:
            data: The body: anything `json.dumps` takes, or a `RawJson`.
            status: The HTTP status.
            operation: The venue-neutral operation the request was.
            private: Whether the request was a private (signed) one.
            headers: Headers besides `Content-Type`.

        Returns:
            The response.
        """
        if isinstance(data, RawJson):
            body, ctype = data.text.encode(), data.content_type
        else:
            body, ctype = json.dumps(data, separators=(",", ":")).encode(), JSON_CONTENT_TYPE
        hdrs = {"Content-Type": ctype}
        if headers:
            hdrs.update(headers)
        return cls(status, body, hdrs, operation, private)
