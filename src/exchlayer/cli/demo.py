"""``exchlayer demo``: a short trading session against the built-in venue simulator, no keys, no
network. The library never imports ``exchlayer.testing``; the demo does, when it runs."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from .._table import ASCII, fmt
from ..base import BaseExchange
from ..models import Market, Order, OrderSide, OrderType, TradeType
from .app import EXIT_OK, Command, Context, Output, ParserOptions

if TYPE_CHECKING:
    from ..testing import Simulator

__all__ = ["COMMAND", "ORDER_HEADERS", "order_rows", "run_demo"]

D = Decimal

VENUES = ("binance", "gateio", "kucoin", "bingx", "bitget")


def order_rows(orders: Sequence[Order]) -> list[list[object]]:
    return [
        [
            o.id,
            o.client_order_id,
            o.symbol,
            o.type.name if o.type else o.raw_type,
            o.side.name,
            o.amount,
            o.price,
            o.stop_price,
            o.filled,
            o.average_price,
            o.status.name,
        ]
        for o in orders
    ]


ORDER_HEADERS = (
    "id", "client id", "symbol", "type", "side", "amount", "price", "stop", "filled", "avg price",
    "status",
)


async def _balances(
    out: Output, exchange: BaseExchange, trade_type: TradeType, title: str
) -> None:
    rows = [
        [b.currency, b.free, b.used, b.total]
        for b in await exchange.get_balance(trade_type=trade_type)
    ]
    out.table(("currency", "free", "in orders", "total"), rows, title=title)


def _order_amount(market: Market, price: Decimal) -> Decimal:
    """The smallest comfortable amount: above the minimums, on the amount step."""
    step = market.amount_step or D("0.00000001")
    target = max(market.min_amount or D(0), D(2) * (market.min_notional or D(1)) / price)
    return (target // step + 1) * step


def _ms(value: float | None) -> int | None:
    return None if value is None else round(value)


async def _five_venues(out: Output, sim: Simulator) -> None:
    """Part one: the same code on every venue, through one TradingService."""
    from ..config import Credentials
    from ..connection import ExchangeConnection
    from ..service import TradingService
    from ..testing import SIMULATED_VENUES

    async with TradingService(session=sim.client_session(), health_check_interval=None) as svc:
        out.heading(1, "Five venues, one interface: a funded account on each")
        conns = {}
        for name in VENUES:
            key, secret, passphrase = f"demo-{name}", f"demo-{name}-secret", "demo-passphrase"
            sim.add_account(SIMULATED_VENUES[name].venue, api_key=key, secret=secret,
                            passphrase=passphrase, balances={"USDT": D("50000"), "BTC": D("1")})
            conns[name] = await svc.add_exchange_connection(
                ExchangeConnection(
                    user="demo", exchange=name, label=f"{name} main",
                    credentials=Credentials.from_values(key, secret, passphrase),
                    options={"rate_limit": False},
                )
            )
        status = await svc.get_connection_status()
        rows = []
        for s in status.values():
            warm = await svc.exchange_for(s.connection_id).check_connection()
            rows.append([s.connection_id, s.exchange, "yes" if s.connected else "NO",
                         _ms(s.latency_ms), _ms(warm.latency_ms)])
        out.table(("connection", "venue", "connected", "first check ms", "next check ms"), rows)
        out.note("first check: connecting, loading the venue's markets and one signed request "
                 "(the first connector also imports ccxt); next check: the same signed request "
                 "on the open connection. Both are loopback times, not a venue's latency.")

        out.heading(2, "BTC/USDT on every venue, fetched concurrently")
        snapshot = await svc.get_ticker("BTC/USDT")
        out.table(
            ("venue", "last", "bid", "ask", "spread", "24h volume"),
            [[name, t.last_price, t.bid, t.ask, t.spread, t.base_volume]
             for name, t in snapshot.tickers.items()],
        )
        if snapshot.best_bid is not None and snapshot.best_ask is not None:
            out.note(f"best bid {fmt(snapshot.best_bid.price)} on {snapshot.best_bid.exchange}, "
                     f"best ask {fmt(snapshot.best_ask.price)} on {snapshot.best_ask.exchange} "
                     "(one simulated market stands behind all five venues)")

        out.heading(3, "An order life cycle on each venue: limit placed, read back by client id, "
                       "cancelled; then a market buy")
        rows = []
        for name, conn in conns.items():
            assert conn.id is not None
            cid = conn.id
            info = await svc.exchange_for(cid).get_exchange_info()
            market = next(m for m in info.markets if m.symbol == "BTC/USDT")
            ticker = snapshot.tickers[name]
            assert ticker.bid is not None and ticker.ask is not None
            tick = market.price_tick or D("0.01")
            price = (ticker.bid * D("0.98") // tick) * tick
            amount = _order_amount(market, ticker.ask)
            limit = await svc.create_order(
                connection_id=cid, symbol="BTC/USDT", order_type=OrderType.LIMIT,
                side=OrderSide.BUY, amount=amount, price=price,
            )
            again = await svc.get_order(cid, None, "BTC/USDT",
                                        client_order_id=limit.client_order_id)
            cancelled = await svc.cancel_order(cid, limit.id, "BTC/USDT")
            market_buy = await svc.create_order(
                connection_id=cid, symbol="BTC/USDT", order_type=OrderType.MARKET,
                side=OrderSide.BUY, amount=amount,
            )
            rows.append([name, limit.client_order_id, amount, price, again.status.name,
                         "yes" if cancelled else "no", market_buy.status.name,
                         market_buy.average_price])
        out.table(
            ("venue", "client order id", "amount", "limit", "read back", "cancelled",
             "market buy", "avg price"),
            rows,
        )
        portfolio = await svc.get_portfolio("demo")
        btc = portfolio.balances["BTC"]
        out.note(f"BTC across the five accounts: {fmt(btc.total)} "
                 f"(free {fmt(btc.free)}), in {len(btc.by_connection)} connections")


async def _binance_in_depth(out: Output, sim: Simulator, step: int) -> None:
    """Part two: one venue in depth, spot and futures."""
    from ..testing import connect

    exchange = await connect(
        sim,
        "binance",
        balances={"USDT": D("25000"), "BTC": D("0.5"), "ETH": D("4")},
        futures_balance={"USDT": D("10000")},
    )
    async with exchange:
        out.heading(step, "Binance in depth: tickers, spot and futures")
        rows = []
        for symbol in ("BTC/USDT", "ETH/USDT", "SOL/USDT", "BTC/USDT:USDT"):
            t = await exchange.get_ticker(symbol)
            rows.append([t.symbol, t.trade_type.value, t.last_price, t.bid, t.ask,
                         t.change_percent, t.base_volume])
        out.table(("symbol", "market", "last", "bid", "ask", "24h %", "24h volume"), rows)

        out.heading(step + 1, "Top of the BTC/USDT book")
        book = await exchange.get_order_book("BTC/USDT", limit=5)
        rows = [
            [bid.amount, bid.price, ask.price, ask.amount]
            for bid, ask in zip(book.bids, book.asks, strict=False)
        ]
        out.table(("bid size", "bid", "ask", "ask size"), rows)
        out.note(f"spread {fmt(book.spread)}, mid {fmt(book.mid)}")

        out.heading(step + 2, "Balances")
        await _balances(out, exchange, TradeType.SPOT, "spot wallet")

        out.heading(step + 3, "A limit order: placed, read back by client id, cancelled")
        limit_price = (book.bids[0].price * D("0.98")).quantize(D("0.01"))
        order = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.05"), price=limit_price
        )
        out.table(ORDER_HEADERS, order_rows([order]), title="placed")
        again = await exchange.get_order(None, "BTC/USDT", client_order_id=order.client_order_id)
        opened = await exchange.get_open_orders("BTC/USDT")
        out.note(f"read back by client id: status {again.status.name}; "
                 f"{len(opened)} open order(s) on BTC/USDT")
        cancelled = await exchange.cancel_order(order.id, "BTC/USDT")
        final = await exchange.get_order(order.id, "BTC/USDT")
        out.note(f"cancel_order -> {cancelled}; status now {final.status.name}")

        out.heading(step + 4, "A market order, filled")
        market = await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.1"))
        out.table(ORDER_HEADERS, order_rows([market]))
        trades = await exchange.get_trades("BTC/USDT", limit=5)
        out.table(
            ("trade", "order", "side", "price", "amount", "cost", "fee", "fee ccy", "maker"),
            [[t.id, t.order_id, t.side.name, t.price, t.amount, t.cost,
              t.fee.cost if t.fee else None, t.fee.currency if t.fee else None,
              t.is_maker] for t in trades],
            title="fills",
        )
        await _balances(out, exchange, TradeType.SPOT, "spot wallet after the fill")

        out.heading(step + 5, "Futures: 10x leverage, a long position, the price moves")
        await exchange.set_leverage("BTC/USDT:USDT", 10)
        await exchange.create_order("BTC/USDT:USDT", OrderType.MARKET, OrderSide.BUY, D("0.2"))
        for label, price in (("opened", None), ("after BTC rises to 51,000", D("51000"))):
            if price is not None:
                sim.set_price("BTC/USDT:USDT", price)
            positions = await exchange.get_positions()
            out.table(
                ("symbol", "side", "size", "entry", "mark", "notional", "margin", "PnL"),
                [[p.symbol, p.side.name, p.size, p.entry_price, p.mark_price, p.notional,
                  p.margin, p.unrealized_pnl] for p in positions],
                title=f"position, {label}",
            )
        close = await exchange.create_order(
            "BTC/USDT:USDT", OrderType.MARKET, OrderSide.SELL, D("0.2"), reduce_only=True
        )
        out.note(f"closed with a reduce-only market sell at {fmt(close.average_price)}")
        await _balances(out, exchange, TradeType.FUTURES, "futures wallet")

        out.heading(step + 6, "Market history: the last six hourly BTC/USDT candles")
        candles = await exchange.get_ohlcv("BTC/USDT", "1h", limit=6)
        out.table(
            ("open (UTC)", "open", "high", "low", "close", "volume"),
            [[f"{c.open_time:%m-%d %H:%M}{'' if c.closed else ' *'}", c.open, c.high, c.low,
              c.close, c.volume] for c in candles],
        )
        out.note("* still forming. The simulator's history is deterministic; 'exchlayer "
                 "download' pages through any range of it into Parquet files (docs/cli.md)")

        out.heading(step + 7, "A live book by WebSocket: the market moves, the stream follows")
        # bounded: a demo never hangs, whatever the loopback does
        await asyncio.wait_for(_live_book(out, sim, exchange), 15)


async def _live_book(out: Output, sim: Simulator, exchange: BaseExchange) -> None:
    """Five updates of BTC/USDT's book from `watch_order_book`, the simulator moving the price
    between them."""
    stream = exchange.watch_order_book("BTC/USDT", limit=5)
    rows: list[list[object]] = []
    moves = iter((D("50050"), D("49980"), D("50120"), D("50075")))
    async for book in stream:
        best_bid, best_ask = book.bids[0], book.asks[0]
        rows.append([len(rows) + 1, best_bid.amount, best_bid.price, best_ask.price,
                     best_ask.amount, book.spread])
        if len(rows) == 5:
            break
        sim.set_price("BTC/USDT", next(moves))
    out.table(("update", "bid size", "bid", "ask", "ask size", "spread"), rows)
    out.note("the first book is the venue's snapshot, each next one its deltas applied, in "
             "Decimal; a gap or a crossed book would take a fresh snapshot (docs/streams.md)")


class _Recorder(Output):
    """The demo's output as data (``--json``): each step's title, tables and notes."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream, width=10_000, borders=ASCII)
        self.intro: list[str] = []
        self.steps: list[dict[str, Any]] = []
        self.summary: list[str] = []

    def say(self, text: str = "", *, indent: str = "") -> None:
        """Text before the first step is the intro; after the last, the summary."""
        if text:
            (self.summary if self.steps else self.intro).append(text)

    def note(self, text: str) -> None:
        self.steps[-1]["notes"].append(text)

    def heading(self, step: int, text: str) -> None:
        self.steps.append({"step": step, "title": text, "tables": [], "notes": []})

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        title: str | None = None,
    ) -> None:
        record = [dict(zip(headers, row, strict=False)) for row in rows]
        self.steps[-1]["tables"].append({"title": title, "rows": record})

    def done(self) -> None:
        Output.json(self, {"intro": self.intro, "steps": self.steps, "summary": self.summary})


async def run_demo(out: Output | None = None) -> None:
    """The demo session: five venues through one interface, then Binance in depth."""
    from ..testing import Simulator  # the library never imports exchlayer.testing; the demo does

    out = out or Output.for_stream(sys.stdout)
    started = time.perf_counter()
    async with Simulator() as sim:
        out.say("exchlayer demo: Binance, Gate.io, KuCoin, BingX and Bitget through ccxt, "
                f"answered by the venue simulator on 127.0.0.1:{sim.port}")
        out.say("(no keys, no network: funded demo accounts are opened in the simulator)")
        await _five_venues(out, sim)
        await _binance_in_depth(out, sim, step=4)
    elapsed = time.perf_counter() - started
    out.say()
    out.say(f"done in {elapsed:.2f} s: {sim.count_requests()} HTTP requests answered by the "
            "simulator")


async def _run(args: argparse.Namespace, ctx: Context) -> int:
    if not args.json:
        await run_demo(ctx.out)
        return EXIT_OK
    recorder = _Recorder(ctx.out.stream)
    await run_demo(recorder)
    recorder.done()
    return EXIT_OK


def _configure(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    parser.add_argument(
        "--json", action="store_true",
        help="print the session as one JSON object: each step's tables and notes",
    )


COMMAND = Command(
    name="demo",
    help="a trading session against the built-in venue simulator",
    description="A trading session on five venues, answered by the built-in venue "
    "simulator on 127.0.0.1: no keys, no network.",
    configure=_configure,
    run=_run,
)
