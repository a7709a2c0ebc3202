"""The simulator's shared wire layer: what every simulated venue is made of.

A venue is its routes, its error table, its signing scheme, its renderers and the handlers that
really differ; `WireVenue` runs the one request pipeline every venue shares (route, rate limits,
authentication, handler, error translation, envelope). See `docs/simulator-venues.md` for a
worked example.

- `messages`: `VenueRequest`, `VenueResponse`, `Operation`, `AmbiguousError`, `RawJson`.
- `module`: `VenueModule`, the contract the server and fault injection rely on.
- `routes`: `Route`, `Router` (the route table as data).
- `call`: `Call` (one request being served), `ParamRules`.
- `errors`: `VenueError`, the wire conditions, `Rule`, `ErrorTable`.
- `signing`: `QueryHmac`, `HeaderHmac`, `GateHmac`.
- `venue`: `WireVenue`.
- `numbers`: rendering numbers at the wire edge.

Nothing here imports exchlayer outside `exchlayer.testing.simulator`: the simulator is an
independent check of the client side.
"""

from __future__ import annotations

from exchlayer.testing.simulator.wire.call import Call, ParamRules, json_text
from exchlayer.testing.simulator.wire.errors import (
    AuthFailure,
    BadPassphrase,
    BadSignature,
    ErrorTable,
    InvalidParameter,
    InvalidTimestamp,
    MalformedTimestamp,
    MissingCredential,
    MissingKey,
    MissingParameter,
    MissingPassphrase,
    MissingSignature,
    MissingTimestamp,
    NoSuchEndpoint,
    RateLimited,
    Rule,
    StaleTimestamp,
    TimestampAhead,
    TimestampExpired,
    UnknownKey,
    VenueError,
    WindowTooLarge,
    WireCondition,
    WrongEnvironment,
)
from exchlayer.testing.simulator.wire.messages import (
    AmbiguousError,
    Operation,
    RawJson,
    VenueRequest,
    VenueResponse,
)
from exchlayer.testing.simulator.wire.module import AccountDirectory, VenueModule
from exchlayer.testing.simulator.wire.routes import Route, Router
from exchlayer.testing.simulator.wire.signing import GateHmac, HeaderHmac, QueryHmac, Scheme
from exchlayer.testing.simulator.wire.venue import WireVenue

__all__ = [
    "AccountDirectory",
    "AmbiguousError",
    "AuthFailure",
    "BadPassphrase",
    "BadSignature",
    "Call",
    "ErrorTable",
    "GateHmac",
    "HeaderHmac",
    "InvalidParameter",
    "InvalidTimestamp",
    "MalformedTimestamp",
    "MissingCredential",
    "MissingKey",
    "MissingParameter",
    "MissingPassphrase",
    "MissingSignature",
    "MissingTimestamp",
    "NoSuchEndpoint",
    "Operation",
    "ParamRules",
    "QueryHmac",
    "RateLimited",
    "RawJson",
    "Route",
    "Router",
    "Rule",
    "Scheme",
    "StaleTimestamp",
    "TimestampAhead",
    "TimestampExpired",
    "UnknownKey",
    "VenueError",
    "VenueModule",
    "VenueRequest",
    "VenueResponse",
    "WindowTooLarge",
    "WireCondition",
    "WireVenue",
    "WrongEnvironment",
    "json_text",
]
