"""Endpoints: the current user's connections (list, add, change, remove, test)."""

from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import ValidationError

from ..config import Credentials
from ..connection import ExchangeConnection
from ..errors import ConnectionNotFound
from ..service import ConnectionStatus, TradingService
from .context import Context
from .responses import ErrorMappingRoute
from .schemas import (
    ConnectionCreate,
    ConnectionId,
    ConnectionOptions,
    ConnectionOptionsOut,
    ConnectionOut,
    ConnectionStatusOut,
    ConnectionUpdate,
)

__all__ = ["router"]

router = APIRouter(route_class=ErrorMappingRoute)

_CLIENT_OPTIONS = frozenset(ConnectionOptions.model_fields)


def status_out(connection_id: int, status_: ConnectionStatus | None) -> ConnectionStatusOut:
    """A connection's status as the API shows it (never tested: not connected)."""
    if status_ is None:
        return ConnectionStatusOut(connection_id=connection_id, connected=False)
    return ConnectionStatusOut(
        connection_id=connection_id,
        connected=status_.connected,
        last_check=status_.last_check,
        latency_ms=status_.latency_ms,
        last_error=status_.last_error,
        error_type=status_.error_type,
    )


def connection_out(
    connection: ExchangeConnection, status_: ConnectionStatus | None
) -> ConnectionOut:
    """A connection as its owner sees it: the client's options only, never a credential."""
    assert connection.id is not None
    visible = {k: v for k, v in connection.options.items() if k in _CLIENT_OPTIONS}
    try:
        options = ConnectionOptionsOut.model_validate(visible)
    except ValidationError:  # set by the host to something this model cannot show
        options = ConnectionOptionsOut()
    return ConnectionOut(
        id=connection.id,
        exchange=connection.exchange,
        label=connection.label,
        is_testnet=connection.is_testnet,
        has_credentials=connection.has_credentials,
        options=options,
        created_at=connection.created_at,
        status=status_out(connection.id, status_),
    )


async def _with_status(svc: TradingService, connection: ExchangeConnection) -> ConnectionOut:
    assert connection.id is not None
    statuses = await svc.get_connection_status(user=connection.user)
    return connection_out(connection, statuses.get(connection.id))


# The endpoints carry no docstrings: FastAPI would publish them as the operations' descriptions.
@router.get("/connections", tags=["connections"], summary="The user's connections")
async def list_connections(ctx: Context) -> list[ConnectionOut]:
    svc, user = ctx.service, ctx.user
    statuses = await svc.get_connection_status(user=user)
    return [connection_out(c, statuses.get(c.id)) for c in svc.connections(user) if c.id]


@router.post(
    "/connections",
    status_code=status.HTTP_201_CREATED,
    tags=["connections"],
    summary="Add a connection (it is tested first; nothing is kept if the venue refuses it)",
)
async def create_connection(body: ConnectionCreate, ctx: Context) -> ConnectionOut:
    credentials = Credentials.from_values(
        body.api_key, body.api_secret, body.passphrase, exchange=body.exchange
    )
    connection = ExchangeConnection(
        user=ctx.user,
        exchange=body.exchange,
        label=body.label,
        credentials=credentials,
        is_testnet=body.is_testnet,
        options=ctx.options_of(body.options),
    )
    added = await ctx.service.add_exchange_connection(connection)
    return await _with_status(ctx.service, added)


@router.put(
    "/connections/{connection_id}",
    tags=["connections"],
    summary="Change a connection's label, credentials, testnet flag or options (re-tested)",
)
async def update_connection(
    connection_id: ConnectionId, body: ConnectionUpdate, ctx: Context
) -> ConnectionOut:
    current = ctx.service.get_connection(connection_id, user=ctx.user)
    changes: dict[str, Any] = {}
    if body.label is not None:
        changes["label"] = body.label
    if body.is_testnet is not None:
        changes["is_testnet"] = body.is_testnet
    if body.options is not None:
        changes["options"] = ctx.options_of(body.options)
    if body.api_key is not None:
        changes["credentials"] = Credentials.from_values(
            body.api_key, body.api_secret, body.passphrase, exchange=current.exchange
        )
    updated = await ctx.service.update_exchange_connection(current.model_copy(update=changes))
    return await _with_status(ctx.service, updated)


@router.delete(
    "/connections/{connection_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    tags=["connections"],
    summary="Remove a connection",
)
async def delete_connection(connection_id: ConnectionId, ctx: Context) -> Response:
    ctx.service.get_connection(connection_id, user=ctx.user)
    if not await ctx.service.remove_exchange_connection(connection_id):
        raise ConnectionNotFound(f"no connection {connection_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/connections/{connection_id}/test",
    tags=["connections"],
    summary="Test a connection now (a failed test is a 200 with connected=false)",
)
async def test_connection(connection_id: ConnectionId, ctx: Context) -> ConnectionStatusOut:
    return status_out(
        connection_id, await ctx.service.test_connection(connection_id, user=ctx.user)
    )
