"""Public market data: tickers, order books, symbols, exchange info, the connection check."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..errors import ExchangeLayerError, InvalidArgument, MalformedResponse
from ..models import ConnectionCheck, ExchangeInfo, Market, OrderBook, Ticker, TradeType
from ..resilience.retry import NO_RETRY
from . import parsing
from .calls import preview
from .symbols import trade_type_arg, trade_type_of
from .units import book_in_base, ticker_in_base

if TYPE_CHECKING:
    from .core import CcxtExchange

__all__ = ["MarketData", "check_count"]

log = logging.getLogger("exchlayer")


class MarketData:
    """The market-data calls of one connector."""

    def __init__(self, connector: CcxtExchange) -> None:
        self._c = connector

    async def ticker(self, symbol: str, trade_type: TradeType | None) -> Ticker:
        c = self._c
        with c._op("get_ticker", symbol):
            unified, tt = c._symbols.resolve(symbol, trade_type)
            market = await c._symbols.market(unified, tt)
            client, params = c._pool.client(tt), c.profile.params("fetch_ticker", tt)
            stamp = not c.profile.ticker_has_time

            def parse(raw: Mapping[str, Any]) -> Ticker:
                if stamp and raw.get("timestamp") is None:
                    # the venue's tickers carry no time: the answer's arrival stands in
                    raw = {**raw, "timestamp": time.time_ns() // 1_000_000}
                return ticker_in_base(parsing.parse_ticker(raw, unified, tt), market)

            return await c._caller.read(
                tt, lambda: client.fetch_ticker(unified, params), kind="ticker", parse=parse
            )

    async def order_book(self, symbol: str, limit: int, trade_type: TradeType | None) -> OrderBook:
        c = self._c
        with c._op("get_order_book", symbol):
            unified, tt = c._symbols.resolve(symbol, trade_type)
            check_count(limit, "limit")
            market = await c._symbols.market(unified, tt)
            depths = c.profile.order_book_depths.get(tt)
            request = limit
            if depths:
                request = next((d for d in depths if d >= limit), depths[-1])
            client, params = c._pool.client(tt), c.profile.params("fetch_order_book", tt)

            def parse(raw: Mapping[str, Any]) -> OrderBook:
                book = book_in_base(parsing.parse_order_book(raw, unified, tt), market)
                if len(book.bids) > limit or len(book.asks) > limit:
                    book = book.model_copy(
                        update={"bids": book.bids[:limit], "asks": book.asks[:limit]}
                    )
                return book

            return await c._caller.read(
                tt,
                lambda: client.fetch_order_book(unified, request, params),
                kind="order_book",
                parse=parse,
            )

    async def symbols(self, trade_type: TradeType | None) -> list[str]:
        c = self._c
        with c._op("get_symbols"):
            chosen = trade_type_arg(trade_type)
            kinds = [chosen] if chosen is not None else c._trade_types()
            symbols: list[str] = []
            for tt in kinds:
                c._supported(tt)
                symbols.extend(await c._symbols.listed(tt))
        return sorted(symbols)

    async def exchange_info(self) -> ExchangeInfo:
        c = self._c
        with c._op("get_exchange_info"):
            markets: list[Market] = []
            server_time = None
            for tt in c._trade_types():
                for raw in (await c._symbols.markets(tt)).values():
                    if trade_type_of(raw) is not tt:
                        continue
                    try:
                        markets.append(c._symbols.to_market(raw))
                    except MalformedResponse as exc:
                        # one market the venue lists with impossible rules: leave it out
                        log.warning("%s: market left out: %s", c.name, exc)
            client = c._pool.client(c.default_trade_type)
            if client.has.get("fetchTime"):
                server_time = await c._caller.read(
                    c.default_trade_type, client.fetch_time, parse=parsing.to_datetime
                )
        return ExchangeInfo(
            exchange=c.name,
            name=c.display_name,
            is_testnet=c.is_testnet,
            trade_types=tuple(c._trade_types()),
            capabilities=c.capabilities,
            markets=tuple(markets),
            server_time=server_time,
        )

    async def check(self) -> ConnectionCheck:
        """Ask the venue for its time (or its markets) and, with credentials, the balance."""
        c = self._c
        started = time.perf_counter()
        error: ExchangeLayerError | None = None
        try:
            with c._op("test_connection"):
                tt = c.default_trade_type
                client = c._pool.client(tt)
                read = c._caller.read
                # a health check reports the state of now: no retries
                if client.has.get("fetchTime"):
                    await read(tt, client.fetch_time, NO_RETRY)
                else:
                    await c._symbols.markets(tt, NO_RETRY)
                if c.has_credentials:
                    await c._symbols.markets(tt, NO_RETRY)  # else ccxt loads them, unshared
                    params = c.profile.params("fetch_balance", tt)
                    await read(tt, lambda: client.fetch_balance(params), NO_RETRY)
        except ExchangeLayerError as exc:
            log.warning("%s: connection test failed: %s", c.name, exc)
            error = exc
        return ConnectionCheck(
            exchange=c.name,
            ok=error is None,
            latency_ms=(time.perf_counter() - started) * 1000,
            checked_at=datetime.now(timezone.utc),
            error=None if error is None else str(error),
            error_type=None if error is None else type(error).__name__,
        )


def check_count(value: object, name: str, *, maximum: int = 5000) -> int:
    """`value` as a count (a positive int up to `maximum`), or InvalidArgument."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise InvalidArgument(f"{name} must be an int from 1 to {maximum}, got {preview(value)}")
    return value
