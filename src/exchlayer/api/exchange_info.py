"""Endpoints: what an exchange lists and can do (public, like market data)."""

from fastapi import APIRouter

from ..models import ExchangeInfo
from .context import Context
from .responses import ErrorMappingRoute
from .schemas import ExchangePath, SymbolList, TradeTypeQuery

__all__ = ["router"]

router = APIRouter(route_class=ErrorMappingRoute)


# The endpoints carry no docstrings: FastAPI would publish them as the operations' descriptions.
@router.get("/symbols/{exchange_name}", tags=["market data"], summary="The active symbols")
async def get_symbols(
    exchange_name: ExchangePath, ctx: Context, trade_type: TradeTypeQuery = None
) -> SymbolList:
    symbols = await (await ctx.service.market_data(exchange_name)).get_symbols(trade_type)
    return SymbolList(
        exchange=exchange_name.strip().lower(), trade_type=trade_type, symbols=symbols
    )


@router.get(
    "/info/{exchange_name}",
    tags=["market data"],
    summary="The exchange's capabilities and markets",
)
async def get_info(exchange_name: ExchangePath, ctx: Context) -> ExchangeInfo:
    return await (await ctx.service.market_data(exchange_name)).get_exchange_info()
