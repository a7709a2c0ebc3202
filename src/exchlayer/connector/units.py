"""Contracts and base currency: the one place amounts change unit.

exchlayer's amounts are in base currency everywhere. Some venues count futures in contracts of a
fixed size (KuCoin's `XBTUSDTM` is 0.001 BTC a lot, Gate's `BTC_USDT` 0.0001 BTC): their
orders, fills, book levels, ticker sizes, candle volumes, public trades and market rules are
converted here, both ways, and nowhere else. A market without a contract size other than 1
passes through untouched.
"""

from __future__ import annotations

from decimal import Decimal

from ..history.models import Candle, PublicTrade
from ..models import Market, Order, OrderBook, OrderBookLevel, Ticker, Trade, TradeType

__all__ = [
    "candles_in_base",
    "contract_size",
    "market_in_base",
    "public_trades_in_base",
    "to_contracts",
]

_ONE = Decimal(1)
_tuple_new = tuple.__new__


def contract_size(market: Market) -> Decimal | None:
    """The size of one contract of `market` in base currency, when it is not 1 (else None)."""
    size = market.contract_size
    if market.trade_type is TradeType.FUTURES and size is not None and size != _ONE:
        return size
    return None


def to_contracts(amount: Decimal, market: Market) -> Decimal:
    """A base-currency amount as the market's own unit."""
    size = contract_size(market)
    return amount if size is None else amount / size


def _scaled(value: Decimal | None, size: Decimal) -> Decimal | None:
    return None if value is None else value * size


def market_in_base(market: Market) -> Market:
    """A market as ccxt describes it (amounts in contracts) with its amount rules in base."""
    size = contract_size(market)
    if size is None:
        return market
    return market.model_copy(
        update={
            "amount_step": _scaled(market.amount_step, size),
            "min_amount": _scaled(market.min_amount, size),
            "max_amount": _scaled(market.max_amount, size),
        }
    )


def order_in_base(order: Order, market: Market) -> Order:
    size = contract_size(market)
    if size is None:
        return order
    return order.model_copy(
        update={
            "amount": _scaled(order.amount, size),
            "filled": order.filled * size,
            "remaining": _scaled(order.remaining, size),
        }
    )


def trades_in_base(trades: list[Trade], market: Market) -> list[Trade]:
    size = contract_size(market)
    if size is None:
        return trades
    return [t.model_copy(update={"amount": t.amount * size}) for t in trades]


def public_trades_in_base(trades: list[PublicTrade], market: Market) -> list[PublicTrade]:
    size = contract_size(market)
    if size is None:
        return trades
    return [t.model_copy(update={"amount": t.amount * size}) for t in trades]


def candles_in_base(candles: list[Candle], market: Market) -> list[Candle]:
    """A contract market's candle volume is counted in contracts."""
    size = contract_size(market)
    if size is None:
        return candles
    return [c.model_copy(update={"volume": c.volume * size}) for c in candles]


def book_in_base(book: OrderBook, market: Market) -> OrderBook:
    size = contract_size(market)
    if size is None:
        return book
    return book.model_copy(
        update={"bids": _levels(book.bids, size), "asks": _levels(book.asks, size)}
    )


def ticker_in_base(ticker: Ticker, market: Market) -> Ticker:
    """The best bid and ask sizes of a contract market are counted in contracts (volumes are
    reported in base currency already)."""
    size = contract_size(market)
    if size is None or (ticker.bid_size is None and ticker.ask_size is None):
        return ticker
    return ticker.model_copy(
        update={"bid_size": _scaled(ticker.bid_size, size),
                "ask_size": _scaled(ticker.ask_size, size)}
    )


def _levels(levels: tuple[OrderBookLevel, ...], size: Decimal) -> tuple[OrderBookLevel, ...]:
    return tuple(_tuple_new(OrderBookLevel, (level[0], level[1] * size)) for level in levels)
