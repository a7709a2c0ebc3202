"""Answers gathered across venues and connections: tickers with the best bid and ask, portfolios.

Each function awaits its reads concurrently and folds the results. A read that fails with an
exchlayer error is reported beside the others, not raised; anything else (a bug, a
cancellation) propagates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from decimal import Decimal

from ..errors import ExchangeLayerError
from ..models import Balance, Ticker
from .models import Portfolio, PortfolioBalance, TickerSnapshot, VenueQuote

__all__ = ["portfolio", "ticker_snapshot"]


async def ticker_snapshot(symbol: str, reads: Mapping[str, Awaitable[Ticker]]) -> TickerSnapshot:
    """The tickers of `symbol`, one read per venue, with the best bid and ask across them.

    Args:
        symbol: the unified symbol read.
        reads: exchange name -> the read of its ticker.

    Returns:
        The snapshot; venues whose read failed are in its `errors`.
    """
    results = await asyncio.gather(*reads.values(), return_exceptions=True)
    tickers: dict[str, Ticker] = {}
    failures: dict[str, str] = {}
    for name, result in zip(reads, results, strict=True):
        if isinstance(result, Ticker):
            tickers[name] = result
        elif isinstance(result, ExchangeLayerError):
            failures[name] = str(result)
        elif isinstance(result, BaseException):
            raise result
    bids = [VenueQuote(exchange=n, price=t.bid, amount=t.bid_size)
            for n, t in tickers.items() if t.bid is not None]
    asks = [VenueQuote(exchange=n, price=t.ask, amount=t.ask_size)
            for n, t in tickers.items() if t.ask is not None]
    return TickerSnapshot(
        symbol=symbol,
        tickers=tickers,
        errors=failures,
        best_bid=max(bids, key=lambda q: q.price, default=None),
        best_ask=min(asks, key=lambda q: q.price, default=None),
    )


async def portfolio(
    reads: Mapping[int, Awaitable[list[Balance]]],
    *,
    user: str | None,
    exchange: str | None,
) -> Portfolio:
    """Balances summed per currency, one read per connection.

    Args:
        reads: connection id -> the read of its balances.
        user: whose portfolio it is (`None`: everyone's).
        exchange: the one exchange it covers, if it covers one.

    Returns:
        The portfolio; connections whose read failed are in its `errors`, left out of the sums.

    Raises:
        ExchangeLayerError: every read failed (there is nothing to sum): the first one's error.
    """
    results = await asyncio.gather(*reads.values(), return_exceptions=True)
    rows: dict[str, list[tuple[int, Balance]]] = {}
    failures: dict[int, str] = {}
    first_error: ExchangeLayerError | None = None
    for cid, result in zip(reads, results, strict=True):
        if isinstance(result, ExchangeLayerError):
            failures[cid] = str(result)
            first_error = first_error or result
            continue
        if isinstance(result, BaseException):
            raise result
        for balance in result:
            rows.setdefault(balance.currency, []).append((cid, balance))
    if first_error is not None and len(failures) == len(reads):
        raise first_error
    return Portfolio(
        user=user,
        exchange=exchange,
        balances={
            currency: PortfolioBalance(
                currency=currency,
                free=sum((b.free for _, b in items), Decimal(0)),
                used=sum((b.used for _, b in items), Decimal(0)),
                total=sum((b.total for _, b in items), Decimal(0)),
                by_connection=dict(items),
            )
            for currency, items in sorted(rows.items())
        },
        errors=failures,
    )
