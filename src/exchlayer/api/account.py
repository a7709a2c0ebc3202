"""Endpoints: the current user's balances and futures positions."""

from fastapi import APIRouter

from ..models import Position
from .context import Context
from .responses import ErrorMappingRoute
from .schemas import ConnectionId, ExchangeBalances, ExchangePath, OptionalSymbol, TradeTypeQuery

__all__ = ["router"]

router = APIRouter(route_class=ErrorMappingRoute)


# The endpoints carry no docstrings: FastAPI would publish them as the operations' descriptions.
@router.get(
    "/balance/{exchange_name}",
    tags=["account"],
    summary="The user's balances on one exchange, summed across their connections to it",
)
async def get_balance(
    exchange_name: ExchangePath, ctx: Context, trade_type: TradeTypeQuery = None
) -> ExchangeBalances:
    portfolio = await ctx.service.get_portfolio(
        ctx.user, exchange=exchange_name, trade_type=trade_type
    )
    return ExchangeBalances(
        exchange=portfolio.exchange or exchange_name.strip().lower(),
        balances=portfolio.balances,
        errors=portfolio.errors,
    )


@router.get("/positions/{connection_id}", tags=["trading"], summary="Open futures positions")
async def get_positions(
    connection_id: ConnectionId, ctx: Context, symbol: OptionalSymbol = None
) -> list[Position]:
    return await ctx.service.get_positions(connection_id, symbol, user=ctx.user)
