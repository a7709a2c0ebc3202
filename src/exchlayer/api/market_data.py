"""Endpoints: public market data (tickers and order books), served by the service's
credential-less connectors, never through a user's connection."""

from typing import Annotated

from fastapi import APIRouter, Query

from ..models import OrderBook, Ticker
from ..service import TickerSnapshot
from .context import Context
from .responses import ErrorMappingRoute
from .schemas import (
    ExchangeQuery,
    OptionalExchangeQuery,
    OrderBookOut,
    PriceLevel,
    SymbolPath,
)

__all__ = ["router"]

router = APIRouter(route_class=ErrorMappingRoute)


def order_book_out(exchange: str, book: OrderBook) -> OrderBookOut:
    """A book as the API shows it: levels as `{price, amount}` objects."""
    return OrderBookOut(
        exchange=exchange,
        symbol=book.symbol,
        trade_type=book.trade_type,
        bids=[PriceLevel(price=level.price, amount=level.amount) for level in book.bids],
        asks=[PriceLevel(price=level.price, amount=level.amount) for level in book.asks],
        timestamp=book.timestamp,
    )


# The endpoints carry no docstrings: FastAPI would publish them as the operations' descriptions.
@router.get(
    "/ticker/{symbol:path}",
    tags=["market data"],
    summary="One venue's ticker, or a snapshot across the user's venues with the best bid/ask",
)
async def get_ticker(
    symbol: SymbolPath, ctx: Context, exchange: OptionalExchangeQuery = None
) -> Ticker | TickerSnapshot:
    if exchange is not None:
        return await ctx.service.get_ticker(symbol, exchange)
    # the user's venues only: which venues other users connect to is none of theirs
    return await ctx.service.get_ticker(symbol, user=ctx.user)


@router.get("/orderbook/{symbol:path}", tags=["market data"], summary="One venue's book")
async def get_order_book(
    symbol: SymbolPath,
    exchange: ExchangeQuery,
    ctx: Context,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> OrderBookOut:
    book = await (await ctx.service.market_data(exchange)).get_order_book(symbol, limit)
    return order_book_out(exchange.strip().lower(), book)
