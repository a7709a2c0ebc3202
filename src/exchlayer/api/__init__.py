"""An optional FastAPI router over a [TradingService][exchlayer.service.TradingService].

Needs the `api` extra (`pip install "exchlayer[api]"`):

    from fastapi import FastAPI, Header
    from exchlayer.api import create_router

    async def current_user(x_user: str = Header()) -> str:   # your app's authentication
        return x_user

    app = FastAPI()
    app.include_router(create_router(service, current_user=current_user))

Every connection-scoped call is made with `user=<current user>`: a connection of another
user answers 404 exactly like a missing one. Money is `Decimal` in and out and travels as
JSON strings; a JSON number in a money field is refused (422), because a float cannot carry an
exact price. Secrets are write-only: responses say `has_credentials`, validation errors never
echo the submitted values, and nothing here logs them. exchlayer errors are mapped to HTTP
statuses in one place (`error_response`; the table is in `docs/api.md`).

The endpoints live in one module per resource (`connections`, `market_data`, `exchange_info`,
`account`, `orders`), the models in `schemas`, the error mapping in `responses`, and what binds
the endpoints to a service and a user in `context`.
"""

try:
    import fastapi  # noqa: F401  # fails here, with the extra named, rather than deeper down
except ImportError as exc:  # pragma: no cover - exercised by the packaging test
    raise ImportError(
        'exchlayer.api needs FastAPI: pip install "exchlayer[api]"'
    ) from exc

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter

from . import account, connections, exchange_info, market_data, orders
from .context import ServiceSource, bind
from .responses import ERROR_RESPONSES, ERROR_STATUSES, ErrorMappingRoute, error_response
from .schemas import (
    DECIMAL_PATTERN,
    CancelResult,
    ConnectionCreate,
    ConnectionOptions,
    ConnectionOptionsOut,
    ConnectionOut,
    ConnectionStatusOut,
    ConnectionUpdate,
    ErrorBody,
    ExchangeBalances,
    OrderBookOut,
    OrderCreate,
    PriceLevel,
    SymbolList,
    ValidationErrorBody,
)

__all__ = [
    "DECIMAL_PATTERN",
    "ERROR_STATUSES",
    "CancelResult",
    "ConnectionCreate",
    "ConnectionOptions",
    "ConnectionOptionsOut",
    "ConnectionOut",
    "ConnectionStatusOut",
    "ConnectionUpdate",
    "ErrorBody",
    "ExchangeBalances",
    "OrderBookOut",
    "OrderCreate",
    "PriceLevel",
    "SymbolList",
    "ValidationErrorBody",
    "create_router",
    "error_response",
]

_RESOURCES = (connections, market_data, exchange_info, account, orders)
"""Whose routes a router serves, in the order they are matched."""


def create_router(
    service: ServiceSource,
    *,
    current_user: Callable[..., Any],
    prefix: str = "/api/v1/exchanges",
    connection_options: Mapping[str, Any] | None = None,
) -> APIRouter:
    """The exchange endpoints over `service`, scoped to `current_user`.

    Args:
        service: the [TradingService][exchlayer.service.TradingService], or a zero-argument
            callable returning it (called on every request, so the service can be created in
            the app's lifespan).
        current_user: a FastAPI dependency returning the current user's id (`str`); your
            authentication. Every connection-scoped call is made with `user=` that id.
        prefix: where the endpoints live.
        connection_options: connector options set on every connection created or updated
            through the API (e.g. `{"rate_limit": my_redis_backend}`); clients cannot set
            these, only the whitelisted `ConnectionOptions`. If the service has a store,
            they are saved with the connection, so keep them storable.

    Returns:
        The router, to mount with `app.include_router(...)`.
    """
    router = APIRouter(
        prefix=prefix,
        route_class=ErrorMappingRoute,
        responses=ERROR_RESPONSES,
        dependencies=[bind(service, current_user, connection_options)],
    )
    for resource in _RESOURCES:
        router.include_router(resource.router)
    return router
