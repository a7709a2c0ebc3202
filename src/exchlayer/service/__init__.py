"""TradingService: many accounts on many venues, managed inside your own process.

    async with TradingService(store=store) as service:
        conn = await service.add_exchange_connection(
            ExchangeConnection(user="alice", exchange="binance", credentials=creds)
        )
        quotes = await service.get_ticker("BTC/USDT")          # every connected venue at once
        print(quotes.best_bid, quotes.best_ask)
        order = await service.create_order(
            connection_id=conn.id, symbol="BTC/USDT", order_type=OrderType.MARKET,
            side=OrderSide.BUY, amount=Decimal("0.001"),
        )

Every connector the service creates shares one HTTP connection pool and, per venue, one copy of
the market metadata (`TradingService.market_cache`), handed to every connector class that
declares `accepts_shared_session = True` (as `CcxtExchange` does). A background monitor
re-tests each connection every `health_check_interval` seconds; `get_connection_status()`
answers from that cache.

Adding, updating, testing and removing connections is safe while calls run, and against each
other. Removal wins: no add, update, test or load of a connection still in flight when it is
removed can bring it back (in memory or in the store); each fails with `ConnectionNotFound`
and closes what it built. Of concurrent updates, the last to finish its test wins. A removed or
replaced connector is closed only after the calls already using it finish.
"""

from ..connection import ExchangeConnection
from .models import (
    ConnectionStatus,
    Portfolio,
    PortfolioBalance,
    QuoteSnapshot,
    TickerSnapshot,
    VenueQuote,
)
from .trading import TradingService

__all__ = [
    "ConnectionStatus",
    "ExchangeConnection",
    "Portfolio",
    "PortfolioBalance",
    "QuoteSnapshot",
    "TickerSnapshot",
    "TradingService",
    "VenueQuote",
]
