"""Endpoints: placing, looking up and cancelling orders, open orders, and the account's fills,
each through one of the current user's connections."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from ..models import Order, Trade
from .context import Context
from .responses import ErrorMappingRoute
from .schemas import (
    CancelResult,
    ClientIdPath,
    ConnectionId,
    OptionalSymbol,
    OrderCreate,
    OrderIdPath,
    SymbolPath,
    SymbolQuery,
    TradeTypeQuery,
)

__all__ = ["router"]

router = APIRouter(route_class=ErrorMappingRoute)


# The endpoints carry no docstrings: FastAPI would publish them as the operations' descriptions.
@router.post(
    "/orders",
    status_code=status.HTTP_201_CREATED,
    tags=["trading"],
    summary="Place an order through one of the user's connections",
)
async def create_order(body: OrderCreate, ctx: Context) -> Order:
    # The one place where an order request leaves the API for the service.
    return await ctx.service.place_order(body.connection_id, body.request(), user=ctx.user)


# Before "/orders/{connection_id}/{order_id}", which would otherwise take "by-client-id".
@router.get(
    "/orders/{connection_id}/by-client-id/{client_order_id}",
    tags=["trading"],
    summary="Look an order up by its client order id",
)
async def get_order_by_client_id(
    *,
    connection_id: ConnectionId,
    client_order_id: ClientIdPath,
    symbol: SymbolQuery,
    ctx: Context,
    trade_type: TradeTypeQuery = None,
) -> Order:
    return await ctx.service.get_order(
        connection_id, None, symbol,
        client_order_id=client_order_id, trade_type=trade_type, user=ctx.user,
    )


@router.delete(
    "/orders/{connection_id}/by-client-id/{client_order_id}",
    tags=["trading"],
    summary="Cancel an order by its client order id",
)
async def cancel_order_by_client_id(
    *,
    connection_id: ConnectionId,
    client_order_id: ClientIdPath,
    symbol: SymbolQuery,
    ctx: Context,
    trade_type: TradeTypeQuery = None,
) -> CancelResult:
    cancelled = await ctx.service.cancel_order(
        connection_id, None, symbol,
        client_order_id=client_order_id, trade_type=trade_type, user=ctx.user,
    )
    return CancelResult(cancelled=cancelled)


@router.get("/orders/{connection_id}/{order_id}", tags=["trading"], summary="Look an order up")
async def get_order(
    *,
    connection_id: ConnectionId,
    order_id: OrderIdPath,
    symbol: SymbolQuery,
    ctx: Context,
    trade_type: TradeTypeQuery = None,
) -> Order:
    return await ctx.service.get_order(
        connection_id, order_id, symbol, trade_type=trade_type, user=ctx.user
    )


@router.delete("/orders/{connection_id}/{order_id}", tags=["trading"], summary="Cancel an order")
async def cancel_order(
    *,
    connection_id: ConnectionId,
    order_id: OrderIdPath,
    symbol: SymbolQuery,
    ctx: Context,
    trade_type: TradeTypeQuery = None,
) -> CancelResult:
    cancelled = await ctx.service.cancel_order(
        connection_id, order_id, symbol, trade_type=trade_type, user=ctx.user
    )
    return CancelResult(cancelled=cancelled)


@router.get("/orders/{connection_id}", tags=["trading"], summary="Open orders")
async def get_open_orders(
    connection_id: ConnectionId,
    ctx: Context,
    symbol: OptionalSymbol = None,
    trade_type: TradeTypeQuery = None,
) -> list[Order]:
    return await ctx.service.get_open_orders(
        connection_id, symbol, trade_type=trade_type, user=ctx.user
    )


@router.get(
    "/trades/{connection_id}/{symbol:path}",
    tags=["trading"],
    summary="The account's recent fills on one symbol, oldest first",
)
async def get_trades(
    *,
    connection_id: ConnectionId,
    symbol: SymbolPath,
    ctx: Context,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    trade_type: TradeTypeQuery = None,
) -> list[Trade]:
    return await ctx.service.get_trades(
        connection_id, symbol, limit, trade_type=trade_type, user=ctx.user
    )
