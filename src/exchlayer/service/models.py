"""What the service answers with: connection health, quotes across venues, portfolios."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from ..models import Balance, OrderBook, Ticker

__all__ = [
    "ConnectionStatus",
    "Portfolio",
    "PortfolioBalance",
    "QuoteSnapshot",
    "TickerSnapshot",
    "VenueQuote",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class ConnectionStatus(BaseModel):
    """The cached health of one connection."""

    model_config = _FROZEN

    connection_id: int
    user: str
    exchange: str
    label: str
    is_testnet: bool
    connected: bool
    last_check: datetime | None = None
    latency_ms: float | None = None
    last_error: str | None = None
    error_type: str | None = None


class VenueQuote(BaseModel):
    """A price on one venue."""

    model_config = _FROZEN

    exchange: str
    price: Decimal
    amount: Decimal | None = None


class TickerSnapshot(BaseModel):
    """One symbol's tickers on every connected venue, and the best bid and ask across them."""

    model_config = _FROZEN

    symbol: str
    tickers: dict[str, Ticker]
    """Exchange name -> its ticker."""
    errors: dict[str, str]
    """Exchange name -> why its ticker could not be fetched."""
    best_bid: VenueQuote | None
    best_ask: VenueQuote | None

    @property
    def latest(self) -> Ticker | None:
        """The freshest of the tickers: the newest timestamp (a ticker without one counts as
        oldest; ties go to the first exchange by name). `None` when no venue answered."""
        if not self.tickers:
            return None
        ordered = sorted(self.tickers.items())
        return max(
            ordered,
            key=lambda item: (item[1].timestamp is not None, item[1].timestamp or _EPOCH),
        )[1]

    @property
    def last_price(self) -> Decimal | None:
        """The last trade price of `latest`: the spec's
        `(await service.get_ticker("BTC/USDT")).last_price`, "a ticker from any connected
        exchange". Compare venues through `tickers`, `best_bid` and `best_ask`."""
        latest = self.latest
        return None if latest is None else latest.last_price

    @property
    def spread(self) -> Decimal | None:
        """Best ask minus best bid across venues (negative: the books cross between venues)."""
        if self.best_bid is None or self.best_ask is None:
            return None
        return self.best_ask.price - self.best_bid.price


class PortfolioBalance(BaseModel):
    """One currency summed across connections."""

    model_config = _FROZEN

    currency: str
    free: Decimal
    used: Decimal
    total: Decimal
    by_connection: dict[int, Balance]


class Portfolio(BaseModel):
    """Balances summed across a user's connections (or all connections)."""

    model_config = _FROZEN

    user: str | None
    exchange: str | None = None
    """Set when the portfolio covers one exchange only."""
    balances: dict[str, PortfolioBalance]
    errors: dict[int, str]
    """Connection id -> why its balance could not be read (it is left out of the sums)."""


class QuoteSnapshot(BaseModel):
    """The best bid and ask of one symbol across venues, as their book streams have them now:
    what `TradingService.watch_best_bid_ask` yields after each venue's update."""

    model_config = _FROZEN

    symbol: str
    books: dict[str, OrderBook]
    """Exchange name -> its book's latest state (top levels)."""
    errors: dict[str, str]
    """Exchange name -> why its book is not in (no order-book stream, the stream failed)."""
    best_bid: VenueQuote | None
    best_ask: VenueQuote | None
    updated: str
    """The exchange whose update produced this snapshot."""

    @property
    def spread(self) -> Decimal | None:
        """Best ask minus best bid across venues (negative: the books cross between venues)."""
        if self.best_bid is None or self.best_ask is None:
            return None
        return self.best_ask.price - self.best_bid.price

