"""The `exchlayer` command.

`exchlayer demo` runs a short trading session against the built-in venue simulator: no keys,
no network. `exchlayer exchanges` lists the exchanges that can be created (and installed plugins
that fail to load, with the reason); `exchlayer exchanges NAME` shows what one can do.

Exit codes: 0 done; 1 an exchlayer error (one line on stderr, no traceback); 2 a usage error;
130 interrupted (Ctrl-C). Output cut short by its reader (`exchlayer demo | head`) ends quietly
with 141 (128 + SIGPIPE), as a Unix tool killed by the broken pipe would. Tables fit the
terminal's width (`COLUMNS`), and are drawn in ASCII where the output cannot encode box lines.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from . import __version__
from ._table import ASCII, BOX, Borders, fmt, render_table
from .base import BaseExchange
from .errors import ExchangeLayerError
from .factory import ExchangeFactory
from .models import Market, Order, OrderSide, OrderType, TradeType

if TYPE_CHECKING:
    from .testing import Simulator

__all__ = ["main"]

D = Decimal

VENUES = ("binance", "gateio", "kucoin", "bingx", "bitget")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


@dataclass
class _Output:
    """Where the command writes, and how: the width to fit and the borders it can encode."""

    stream: TextIO
    width: int
    borders: Borders

    @classmethod
    def for_stream(cls, stream: TextIO) -> _Output:
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "│─┌┬┐├┼┤└┴┘…".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            borders = ASCII
        else:
            borders = BOX
        return cls(stream, _terminal_width(), borders)

    def say(self, text: str = "", *, indent: str = "") -> None:
        """Print ``text`` wrapped to the width; continuation lines take ``indent``."""
        lines = textwrap.wrap(
            text, self.width, subsequent_indent=indent, break_on_hyphens=False
        ) or [""]
        print("\n".join(lines), file=self.stream, flush=True)

    def note(self, text: str) -> None:
        """An indented remark under a table."""
        self.say("   " + text, indent="   ")

    def heading(self, step: int, text: str) -> None:
        self.say()
        self.say(f"{step}. {text}", indent=" " * (len(str(step)) + 2))

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        title: str | None = None,
    ) -> None:
        text = render_table(headers, rows, title=title, width=self.width, borders=self.borders)
        print(text, file=self.stream, flush=True)


def _terminal_width() -> int:
    """``COLUMNS`` if set, else the terminal's width (of stdout, or of stderr when stdout is a
    pipe: ``exchlayer demo | less``), else 100."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), 40)
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            return max(os.get_terminal_size(stream.fileno()).columns, 40)  # type: ignore[union-attr]
        except (AttributeError, OSError, ValueError):
            continue
    return shutil.get_terminal_size((100, 24)).columns


# ---- exchlayer demo -------------------------------------------------------------------------


def _order_rows(orders: Sequence[Order]) -> list[list[object]]:
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


_ORDER_HEADERS = (
    "id", "client id", "symbol", "type", "side", "amount", "price", "stop", "filled", "avg price",
    "status",
)


async def _balances(
    out: _Output, exchange: BaseExchange, trade_type: TradeType, title: str
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


async def _five_venues(out: _Output, sim: Simulator) -> None:
    """Part one: the same code on every venue, through one TradingService."""
    from .config import Credentials
    from .connection import ExchangeConnection
    from .service import TradingService
    from .testing import SIMULATED_VENUES

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


async def _binance_in_depth(out: _Output, sim: Simulator, step: int) -> None:
    """Part two: one venue in depth, spot and futures."""
    from .testing import connect

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
        out.table(_ORDER_HEADERS, _order_rows([order]), title="placed")
        again = await exchange.get_order(None, "BTC/USDT", client_order_id=order.client_order_id)
        opened = await exchange.get_open_orders("BTC/USDT")
        out.note(f"read back by client id: status {again.status.name}; "
                 f"{len(opened)} open order(s) on BTC/USDT")
        cancelled = await exchange.cancel_order(order.id, "BTC/USDT")
        final = await exchange.get_order(order.id, "BTC/USDT")
        out.note(f"cancel_order -> {cancelled}; status now {final.status.name}")

        out.heading(step + 4, "A market order, filled")
        market = await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.1"))
        out.table(_ORDER_HEADERS, _order_rows([market]))
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


async def run_demo(out: _Output | None = None) -> None:
    """The demo session: five venues through one interface, then Binance in depth."""
    from .testing import Simulator  # the library never imports exchlayer.testing; the demo does

    out = out or _Output.for_stream(sys.stdout)
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


# ---- exchlayer exchanges ----------------------------------------------------------------------


def _names(values: Iterable[object]) -> str:
    items = sorted(fmt(v) for v in values)
    return ", ".join(items) or "-"


def _list_exchanges(out: _Output) -> None:
    rows = []
    for name in ExchangeFactory.get_available_exchanges():
        cls = ExchangeFactory.get_exchange_class(name)
        caps = cls.capabilities
        rows.append([name, _names(caps.trade_types), _names(caps.testnet), cls.__module__])
    out.table(("exchange", "trades", "testnet", "module"), rows)
    broken = ExchangeFactory.broken_plugins()
    if broken:
        out.say()
        out.say(f"{len(broken)} installed plugin(s) failed to load, so they cannot be created:")
        for name, reason in broken.items():
            out.say(f"  {name}: {reason}", indent="    ")


def _show_exchange(out: _Output, name: str) -> None:
    cls = ExchangeFactory.get_exchange_class(name)  # ConfigurationError names what is wrong
    caps = cls.capabilities
    prefix = "".join(c if c.isalnum() else "_" for c in cls.name.upper())
    env = f"{prefix}_API_KEY, {prefix}_SECRET_KEY, {prefix}_TESTNET"
    profile = getattr(cls, "profile", cls)  # ccxt-backed venues describe themselves there
    if getattr(profile, "requires_passphrase", False):
        env += f", {prefix}_PASSPHRASE"
    rows = [
        ["class", f"{cls.__module__}.{cls.__qualname__}"],
        ["trades", _names(caps.trade_types)],
        ["testnet", _names(caps.testnet)],
        ["order types", _names(caps.order_types)],
        ["time in force", _names(caps.time_in_force)],
        ["positions", "yes" if caps.positions else "no"],
        ["leverage", "yes" if caps.leverage else "no"],
        ["client order ids", "yes" if caps.client_order_ids else "no"],
        ["from_env() reads", env],
    ]
    out.table(("exchange", cls.name), rows)


# ---- entry point ------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exchlayer",
        description="One typed async interface for trading on crypto exchanges, on top of "
        "ccxt. Try 'exchlayer demo': a trading session on the built-in venue simulator, no keys "
        "and no network.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "demo",
        help="a trading session against the built-in venue simulator",
        description="A trading session on five venues, answered by the built-in venue "
        "simulator on 127.0.0.1: no keys, no network.",
    )
    exchanges = commands.add_parser(
        "exchanges",
        help="list the exchanges that can be created, or show one",
        description="List the exchanges that can be created (and installed plugins that fail "
        "to load, with the reason), or show what one exchange can do.",
    )
    exchanges.add_argument("name", nargs="?", help="an exchange to show in detail")
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        ccxt = version("ccxt")
    except PackageNotFoundError:  # pragma: no cover - ccxt is a dependency
        ccxt = "missing"
    python = ".".join(str(n) for n in sys.version_info[:3])
    return f"exchlayer {__version__} (ccxt {ccxt}, Python {python})"


def _run(args: argparse.Namespace, out: _Output) -> int:
    if args.command == "demo":
        asyncio.run(run_demo(out))
    elif args.command == "exchanges":
        if args.name:
            _show_exchange(out, args.name)
        else:
            _list_exchanges(out)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``exchlayer`` command; returns its exit code."""
    args = _parser().parse_args(argv)  # exits with 2 on a usage error, 0 for --version
    out = _Output.for_stream(sys.stdout)
    if out.borders is ASCII and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")  # a venue's text may not encode either
    try:
        return _run(args, out)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except ExchangeLayerError as exc:
        print(f"exchlayer: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit cannot fail again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # not a real file (captured, replaced)
        pass


if __name__ == "__main__":
    sys.exit(main())
