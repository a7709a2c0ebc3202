"""The ``exchlayer`` command.

``exchlayer demo`` runs a short trading session against the built-in venue simulator: no keys,
no network. ``exchlayer exchanges`` lists the exchanges that can be created.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from decimal import Decimal

from ._table import fmt, render_table
from .base import BaseExchange
from .config import Credentials
from .connection import ExchangeConnection
from .factory import ExchangeFactory
from .models import Market, Order, OrderSide, OrderType, TradeType
from .service import TradingService
from .testing import SIMULATED_VENUES, Simulator, connect

__all__ = ["main"]

D = Decimal


def _say(text: str = "") -> None:
    print(text, flush=True)


def _heading(step: int, text: str) -> None:
    _say()
    _say(f"{step}. {text}")


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


async def _balances(exchange: BaseExchange, trade_type: TradeType, title: str) -> None:
    rows = [
        [b.currency, b.free, b.used, b.total]
        for b in await exchange.get_balance(trade_type=trade_type)
    ]
    _say(render_table(("currency", "free", "in orders", "total"), rows, title=title))


VENUES = ("binance", "gateio", "kucoin", "bingx", "bitget")


def _order_amount(market: Market, price: Decimal) -> Decimal:
    """The smallest comfortable amount: above the minimums, on the amount step."""
    step = market.amount_step or D("0.00000001")
    target = max(market.min_amount or D(0), D(2) * (market.min_notional or D(1)) / price)
    return (target // step + 1) * step


async def _five_venues(sim: Simulator) -> None:
    """Part one: the same code on every venue, through one TradingService."""
    async with TradingService(session=sim.client_session(), health_check_interval=None) as svc:
        _heading(1, "Five venues, one interface: a funded account on each")
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
        _say(render_table(
            ("connection", "venue", "connected", "latency ms"),
            [[s.connection_id, s.exchange, "yes" if s.connected else "NO",
              f"{s.latency_ms:.0f}" if s.latency_ms is not None else None]
             for s in status.values()],
        ))

        _heading(2, "BTC/USDT on every venue, fetched concurrently")
        snapshot = await svc.get_ticker("BTC/USDT")
        _say(render_table(
            ("venue", "last", "bid", "ask", "spread", "24h volume"),
            [[name, t.last_price, t.bid, t.ask, t.spread, t.base_volume]
             for name, t in snapshot.tickers.items()],
        ))
        if snapshot.best_bid is not None and snapshot.best_ask is not None:
            _say(f"   best bid {fmt(snapshot.best_bid.price)} on {snapshot.best_bid.exchange}, "
                 f"best ask {fmt(snapshot.best_ask.price)} on {snapshot.best_ask.exchange} "
                 "(one simulated market stands behind all five venues)")

        _heading(3, "An order life cycle on each venue: limit placed, read back by client id, "
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
        _say(render_table(
            ("venue", "client order id", "amount", "limit", "read back", "cancelled",
             "market buy", "avg price"),
            rows,
        ))
        portfolio = await svc.get_portfolio("demo")
        btc = portfolio.balances["BTC"]
        _say(f"   BTC across the five accounts: {fmt(btc.total)} "
             f"(free {fmt(btc.free)}), in {len(btc.by_connection)} connections")


async def _binance_in_depth(sim: Simulator, step: int) -> None:
    """Part two: one venue in depth, spot and futures."""
    exchange = await connect(
        sim,
        "binance",
        balances={"USDT": D("25000"), "BTC": D("0.5"), "ETH": D("4")},
        futures_balance={"USDT": D("10000")},
    )
    async with exchange:
        _heading(step, "Binance in depth: tickers, spot and futures")
        rows = []
        for symbol in ("BTC/USDT", "ETH/USDT", "SOL/USDT", "BTC/USDT:USDT"):
            t = await exchange.get_ticker(symbol)
            rows.append([t.symbol, t.trade_type.value, t.last_price, t.bid, t.ask,
                         t.change_percent, t.base_volume])
        _say(render_table(
            ("symbol", "market", "last", "bid", "ask", "24h %", "24h volume"), rows))

        _heading(step + 1, "Top of the BTC/USDT book")
        book = await exchange.get_order_book("BTC/USDT", limit=5)
        rows = [
            [bid.amount, bid.price, ask.price, ask.amount]
            for bid, ask in zip(book.bids, book.asks, strict=False)
        ]
        _say(render_table(("bid size", "bid", "ask", "ask size"), rows))
        _say(f"   spread {fmt(book.spread)}, mid {fmt(book.mid)}")

        _heading(step + 2, "Balances")
        await _balances(exchange, TradeType.SPOT, "spot wallet")

        _heading(step + 3, "A limit order: placed, read back by client id, cancelled")
        limit_price = (book.bids[0].price * D("0.98")).quantize(D("0.01"))
        order = await exchange.create_order(
            "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.05"), price=limit_price
        )
        _say(render_table(_ORDER_HEADERS, _order_rows([order]), title="placed"))
        again = await exchange.get_order(None, "BTC/USDT", client_order_id=order.client_order_id)
        opened = await exchange.get_open_orders("BTC/USDT")
        _say(f"   read back by client id: status {again.status.name}; "
             f"{len(opened)} open order(s) on BTC/USDT")
        cancelled = await exchange.cancel_order(order.id, "BTC/USDT")
        final = await exchange.get_order(order.id, "BTC/USDT")
        _say(f"   cancel_order -> {cancelled}; status now {final.status.name}")

        _heading(step + 4, "A market order, filled")
        market = await exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.1"))
        _say(render_table(_ORDER_HEADERS, _order_rows([market])))
        trades = await exchange.get_trades("BTC/USDT", limit=5)
        _say(render_table(
            ("trade", "order", "side", "price", "amount", "cost", "fee", "fee ccy", "maker"),
            [[t.id, t.order_id, t.side.name, t.price, t.amount, t.cost,
              t.fee.cost if t.fee else None, t.fee.currency if t.fee else None,
              t.is_maker] for t in trades],
            title="fills",
        ))
        await _balances(exchange, TradeType.SPOT, "spot wallet after the fill")

        _heading(step + 5, "Futures: 10x leverage, a long position, the price moves")
        await exchange.set_leverage("BTC/USDT:USDT", 10)
        await exchange.create_order("BTC/USDT:USDT", OrderType.MARKET, OrderSide.BUY, D("0.2"))
        for label, price in (("opened", None), ("after BTC rises to 51,000", D("51000"))):
            if price is not None:
                sim.set_price("BTC/USDT:USDT", price)
            positions = await exchange.get_positions()
            _say(render_table(
                ("symbol", "side", "size", "entry", "mark", "notional", "margin", "PnL"),
                [[p.symbol, p.side.name, p.size, p.entry_price, p.mark_price, p.notional,
                  p.margin, p.unrealized_pnl] for p in positions],
                title=f"position, {label}",
            ))
        close = await exchange.create_order(
            "BTC/USDT:USDT", OrderType.MARKET, OrderSide.SELL, D("0.2"), reduce_only=True
        )
        _say(f"   closed with a reduce-only market sell at {fmt(close.average_price)}")
        await _balances(exchange, TradeType.FUTURES, "futures wallet")


async def run_demo() -> None:
    """The demo session: five venues through one interface, then Binance in depth."""
    started = time.perf_counter()
    async with Simulator() as sim:
        _say("exchlayer demo: Binance, Gate.io, KuCoin, BingX and Bitget through ccxt, answered "
             f"by the venue simulator on 127.0.0.1:{sim.port}")
        _say("(no keys, no network: funded demo accounts are opened in the simulator)")
        await _five_venues(sim)
        await _binance_in_depth(sim, step=4)
    elapsed = time.perf_counter() - started
    _say()
    _say(f"done in {elapsed:.2f} s: {sim.count_requests()} HTTP requests answered by the simulator")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``exchlayer`` command."""
    parser = argparse.ArgumentParser(prog="exchlayer", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="a trading session against the built-in venue simulator")
    commands.add_parser("exchanges", help="list the exchanges that can be created")
    args = parser.parse_args(argv)
    if args.command == "demo":
        asyncio.run(run_demo())
    elif args.command == "exchanges":
        for name in ExchangeFactory.get_available_exchanges():
            cls = ExchangeFactory.get_exchange_class(name)
            kinds = ", ".join(sorted(t.value for t in cls.capabilities.trade_types))
            _say(f"{name:12} {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
