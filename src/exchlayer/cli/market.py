"""Public market data, no keys: ``exchlayer markets``, ``ticker`` and ``book``."""

from __future__ import annotations

import argparse

from .._table import fmt
from ..models import Market, OrderBook, Ticker
from .app import EXIT_OK, Command, Context, ParserOptions
from .venue import add_venue_arguments, open_exchange, positive_int

__all__ = ["COMMANDS"]


# ---- exchlayer markets VENUE ----------------------------------------------------------------


def _market_rows(markets: list[Market]) -> list[list[object]]:
    return [
        [m.symbol, m.trade_type.value, f"{m.base}/{m.quote}", m.price_tick, m.amount_step,
         m.min_amount, m.min_notional]
        for m in markets
    ]


async def _markets(args: argparse.Namespace, ctx: Context) -> int:
    async with open_exchange(args, ctx, keyed=False) as exchange:
        info = await exchange.get_exchange_info()
    markets = sorted(
        (m for m in info.markets if args.trade_type in (None, m.trade_type) and
         (args.quote is None or m.quote.upper() == args.quote.upper())),
        key=lambda m: (m.trade_type.value != "spot", m.symbol),
    )
    if args.json:
        ctx.out.json(markets)
        return EXIT_OK
    ctx.out.table(
        ("symbol", "type", "base/quote", "tick", "step", "min amount", "min notional"),
        _market_rows(markets),
    )
    ctx.out.note(f"{len(markets)} market(s) on {info.name}"
                 f"{' testnet' if info.is_testnet else ''}")
    return EXIT_OK


def _configure_markets(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    add_venue_arguments(parser, options, keyed=False)
    parser.add_argument("--quote", metavar="CCY", help="only markets quoted in CCY (USDT, ...)")


# ---- exchlayer ticker VENUE SYMBOL ----------------------------------------------------------


def _ticker_json(ticker: Ticker) -> dict[str, object]:
    return {**ticker.model_dump(mode="json"), "spread": ticker.spread, "mid": ticker.mid}


async def _ticker(args: argparse.Namespace, ctx: Context) -> int:
    async with open_exchange(args, ctx, keyed=False) as exchange:
        t = await exchange.get_ticker(args.symbol, trade_type=args.trade_type)
    if args.json:
        ctx.out.json(_ticker_json(t))
        return EXIT_OK
    rows = [
        ["last", t.last_price], ["bid", t.bid], ["ask", t.ask], ["spread", t.spread],
        ["mid", t.mid], ["bid size", t.bid_size], ["ask size", t.ask_size],
        ["24h open", t.open], ["24h high", t.high], ["24h low", t.low],
        ["24h change %", t.change_percent], ["24h volume", t.base_volume],
        ["24h quote volume", t.quote_volume],
    ]
    ctx.out.table((t.symbol, f"{exchange.name} {t.trade_type.value}"), rows)
    if t.timestamp is not None:
        ctx.out.note(f"as of {t.timestamp.isoformat(timespec='milliseconds')}")
    return EXIT_OK


def _configure_ticker(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    add_venue_arguments(parser, options, keyed=False)
    parser.add_argument("symbol", metavar="SYMBOL", help="e.g. BTC/USDT, or BTC/USDT:USDT")


# ---- exchlayer book VENUE SYMBOL --------------------------------------------------------------


def _book_json(book: OrderBook) -> dict[str, object]:
    return {**book.model_dump(mode="json"), "spread": book.spread, "mid": book.mid}


async def _book(args: argparse.Namespace, ctx: Context) -> int:
    async with open_exchange(args, ctx, keyed=False) as exchange:
        book = await exchange.get_order_book(
            args.symbol, limit=args.depth, trade_type=args.trade_type
        )
    if args.json:
        ctx.out.json(_book_json(book))
        return EXIT_OK
    depth = max(len(book.bids), len(book.asks))
    rows = [
        [
            book.bids[i].amount if i < len(book.bids) else None,
            book.bids[i].price if i < len(book.bids) else None,
            book.asks[i].price if i < len(book.asks) else None,
            book.asks[i].amount if i < len(book.asks) else None,
        ]
        for i in range(depth)
    ]
    ctx.out.table(("bid size", "bid", "ask", "ask size"), rows,
                  title=f"{book.symbol} ({exchange.name} {book.trade_type.value})")
    ctx.out.note(f"spread {fmt(book.spread)}, mid {fmt(book.mid)}")
    return EXIT_OK


def _configure_book(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    add_venue_arguments(parser, options, keyed=False)
    parser.add_argument("symbol", metavar="SYMBOL", help="e.g. BTC/USDT, or BTC/USDT:USDT")
    parser.add_argument(
        "--depth", type=positive_int, default=10, metavar="N",
        help="levels on each side (default 10)",
    )


COMMANDS = (
    Command(
        name="markets",
        help="the markets of a venue: tick, step and minimums",
        description="List a venue's markets with their trading rules: price tick, amount "
        "step, minimum amount and minimum notional. Public data: no keys needed.",
        configure=_configure_markets,
        run=_markets,
    ),
    Command(
        name="ticker",
        help="the latest price and 24-hour figures of a market",
        description="The latest price, best bid and ask and 24-hour figures of one market. "
        "Public data: no keys needed.",
        configure=_configure_ticker,
        run=_ticker,
    ),
    Command(
        name="book",
        help="the top of a market's order book",
        description="The top levels of one market's order book, bids and asks side by side. "
        "Public data: no keys needed.",
        configure=_configure_book,
        run=_book,
    ),
)
