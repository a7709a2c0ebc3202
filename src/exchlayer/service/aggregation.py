"""Answers gathered across venues and connections: tickers with the best bid and ask, portfolios.

Each function awaits its reads concurrently and folds the results. A read that fails with an
exchlayer error is reported beside the others, not raised; anything else (a bug, a
cancellation) propagates.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Mapping
from decimal import Decimal

from ..errors import ExchangeLayerError
from ..models import Balance, OrderBook, Ticker
from .models import Portfolio, PortfolioBalance, QuoteSnapshot, TickerSnapshot, VenueQuote

__all__ = ["best_quotes", "portfolio", "ticker_snapshot"]


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


async def best_quotes(
    symbol: str, streams: Mapping[str, AsyncIterator[OrderBook]], errors: Mapping[str, str]
) -> AsyncIterator[QuoteSnapshot]:
    """The best bid and ask of `symbol` across venues, yielded after each venue's book update.

    Args:
        symbol: the unified symbol watched.
        streams: exchange name -> its order-book stream.
        errors: exchange name -> why it has no stream (reported in every snapshot).

    Yields:
        A snapshot per update. A stream that fails with an exchlayer error is reported in
        `errors` from then on and the others go on; when every stream has ended, so does this.
    """
    queue: asyncio.Queue[tuple[str, OrderBook | BaseException | None]] = asyncio.Queue()

    async def pump(name: str, stream: AsyncIterator[OrderBook]) -> None:
        try:
            async for book in stream:
                queue.put_nowait((name, book))
        except ExchangeLayerError as exc:
            queue.put_nowait((name, exc))
        else:
            queue.put_nowait((name, None))

    tasks = [asyncio.ensure_future(pump(n, s)) for n, s in streams.items()]
    books: dict[str, OrderBook] = {}
    failures = dict(errors)
    running = len(tasks)
    try:
        while running:
            name, item = await queue.get()
            if item is None or isinstance(item, BaseException):
                running -= 1
                books.pop(name, None)
                if item is not None:
                    failures[name] = str(item)
                continue
            books[name] = item
            yield _quotes(symbol, books, failures, name)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _quotes(
    symbol: str, books: Mapping[str, OrderBook], failures: Mapping[str, str], updated: str
) -> QuoteSnapshot:
    bids = [VenueQuote(exchange=n, price=b.bids[0].price, amount=b.bids[0].amount)
            for n, b in books.items() if b.bids]
    asks = [VenueQuote(exchange=n, price=b.asks[0].price, amount=b.asks[0].amount)
            for n, b in books.items() if b.asks]
    return QuoteSnapshot(
        symbol=symbol,
        books=dict(books),
        errors=dict(failures),
        best_bid=max(bids, key=lambda q: q.price, default=None),
        best_ask=min(asks, key=lambda q: q.price, default=None),
        updated=updated,
    )

