"""Account commands, with keys: ``exchlayer balance``, ``orders``, ``order place|cancel|get`` and
``positions``. The account is ``--connection NAME`` (a stored connection) or ``VENUE`` with keys
from the environment, or the simulator's test account with ``--simulator``."""

from __future__ import annotations

import argparse

from .app import EXIT_OK, Command, Context, ParserOptions, UsageError
from .demo import ORDER_HEADERS, order_rows
from .venue import (
    add_venue_arguments,
    decimal_arg,
    open_exchange,
    order_type_arg,
    side_arg,
    time_in_force_arg,
)

__all__ = ["COMMANDS"]

_ACCOUNT = (
    "The account: VENUE with its API key in the environment (<VENUE>_API_KEY, "
    "<VENUE>_SECRET_KEY, <VENUE>_PASSPHRASE), or --connection NAME (a stored connection, then "
    "no VENUE), or --simulator for the simulator's test account."
)


# ---- exchlayer balance ------------------------------------------------------------------------


async def _balance(args: argparse.Namespace, ctx: Context) -> int:
    async with open_exchange(args, ctx, keyed=True) as exchange:
        balances = await exchange.get_balance(args.currency, trade_type=args.trade_type)
    if args.json:
        ctx.out.json(balances)
        return EXIT_OK
    wallet = args.trade_type or getattr(exchange, "default_trade_type", "spot")
    ctx.out.table(
        ("currency", "free", "in orders", "total"),
        [[b.currency, b.free, b.used, b.total] for b in balances],
        title=f"{exchange.name} balances ({wallet} wallet)",
    )
    if not balances:
        ctx.out.note("no balances")
    return EXIT_OK


def _configure_balance(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    add_venue_arguments(parser, options, keyed=True)
    parser.add_argument("--currency", metavar="CCY", help="only this currency (even when zero)")


# ---- exchlayer orders -------------------------------------------------------------------------


async def _orders(args: argparse.Namespace, ctx: Context) -> int:
    async with open_exchange(args, ctx, keyed=True) as exchange:
        orders = await exchange.get_open_orders(args.symbol, trade_type=args.trade_type)
    if args.json:
        ctx.out.json(orders)
        return EXIT_OK
    ctx.out.table(ORDER_HEADERS, order_rows(orders), title=f"open orders on {exchange.name}")
    ctx.out.note(f"{len(orders)} open order(s)" + (f" on {args.symbol}" if args.symbol else ""))
    return EXIT_OK


def _configure_orders(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    add_venue_arguments(parser, options, keyed=True)
    parser.add_argument("symbol", metavar="SYMBOL", nargs="?", help="only this market")


# ---- exchlayer order place|cancel|get ---------------------------------------------------------


def _check_prices(args: argparse.Namespace) -> None:
    """What the order type needs and refuses, checked before anything is sent."""
    kind = args.order_type
    if kind.has_limit_price and args.price is None:
        raise UsageError(f"a {kind.value} order needs --price")
    if not kind.has_limit_price and args.price is not None:
        raise UsageError(f"a {kind.value} order takes no --price")
    if kind.is_stop and args.stop_price is None:
        raise UsageError(f"a {kind.value} order needs --stop-price")
    if not kind.is_stop and args.stop_price is not None:
        raise UsageError(f"a {kind.value} order takes no --stop-price")
    if args.time_in_force is not None and not kind.has_limit_price:
        raise UsageError(f"a {kind.value} order takes no --time-in-force")


async def _place(args: argparse.Namespace, ctx: Context) -> int:
    _check_prices(args)
    async with open_exchange(args, ctx, keyed=True) as exchange:
        order = await exchange.create_order(
            args.symbol, args.order_type, args.side, args.amount, args.price,
            stop_price=args.stop_price, trade_type=args.trade_type,
            time_in_force=args.time_in_force, reduce_only=args.reduce_only,
            client_order_id=args.client_id,
        )
    if args.json:
        ctx.out.json(order)
        return EXIT_OK
    ctx.out.table(ORDER_HEADERS, order_rows([order]), title=f"placed on {exchange.name}")
    return EXIT_OK


def _lookup(args: argparse.Namespace) -> dict[str, str | None]:
    if args.client:
        return {"order_id": None, "client_order_id": args.id}
    return {"order_id": args.id, "client_order_id": None}


async def _cancel(args: argparse.Namespace, ctx: Context) -> int:
    ids = _lookup(args)
    async with open_exchange(args, ctx, keyed=True) as exchange:
        cancelled = await exchange.cancel_order(
            ids["order_id"], args.symbol, client_order_id=ids["client_order_id"],
            trade_type=args.trade_type,
        )
    if args.json:
        ctx.out.json({"id": args.id, "by_client_id": args.client, "symbol": args.symbol,
                      "cancelled": cancelled})
        return EXIT_OK
    what = f"order {args.id}" + (" (client id)" if args.client else "")
    ctx.out.say(f"{what} on {args.symbol}: "
                + ("cancelled" if cancelled else "not cancelled: it was no longer open"))
    return EXIT_OK


async def _get(args: argparse.Namespace, ctx: Context) -> int:
    ids = _lookup(args)
    async with open_exchange(args, ctx, keyed=True) as exchange:
        order = await exchange.get_order(
            ids["order_id"], args.symbol, client_order_id=ids["client_order_id"],
            trade_type=args.trade_type,
        )
    if args.json:
        ctx.out.json(order)
        return EXIT_OK
    ctx.out.table(ORDER_HEADERS, order_rows([order]))
    return EXIT_OK


_ORDER_ACTIONS = {"place": _place, "cancel": _cancel, "get": _get}


async def _order(args: argparse.Namespace, ctx: Context) -> int:
    return await _ORDER_ACTIONS[args.action](args, ctx)


def _configure_place(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    add_venue_arguments(parser, options, keyed=True)
    parser.add_argument("symbol", metavar="SYMBOL", help="e.g. BTC/USDT, or BTC/USDT:USDT")
    parser.add_argument("side", metavar="SIDE", type=side_arg, help="buy or sell")
    parser.add_argument(
        "order_type", metavar="TYPE", type=order_type_arg,
        help="market, limit, stop (market once triggered) or stop_limit",
    )
    parser.add_argument(
        "amount", metavar="AMOUNT", type=decimal_arg, help="in the base currency, e.g. 0.001"
    )
    parser.add_argument("--price", type=decimal_arg, help="the limit price (limit, stop_limit)")
    parser.add_argument(
        "--stop-price", type=decimal_arg, help="the trigger price (stop, stop_limit)"
    )
    parser.add_argument(
        "--client-id", metavar="ID", help="your id for the order (default: one is generated)"
    )
    parser.add_argument(
        "--time-in-force", type=time_in_force_arg, metavar="GTC|IOC|FOK|PO",
        help="for limit orders (default GTC)",
    )
    parser.add_argument(
        "--reduce-only", action="store_true", help="futures: only shrink a position"
    )


def _configure_lookup(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    add_venue_arguments(parser, options, keyed=True)
    parser.add_argument("id", metavar="ID", help="the venue's order id")
    parser.add_argument("symbol", metavar="SYMBOL", help="the order's market")
    parser.add_argument("--client", action="store_true", help="ID is the client order id")


def _configure_order(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, configure, text in (
        ("place", _configure_place, "place an order"),
        ("cancel", _configure_lookup, "cancel an open order"),
        ("get", _configure_lookup, "look an order up"),
    ):
        sub = actions.add_parser(
            name, help=text, description=f"{text[0].upper()}{text[1:]}. {_ACCOUNT}",
            allow_abbrev=False,
        )
        sub.set_defaults(parser=sub)
        configure(sub, options)


# ---- exchlayer positions ----------------------------------------------------------------------


async def _positions(args: argparse.Namespace, ctx: Context) -> int:
    async with open_exchange(args, ctx, keyed=True) as exchange:
        positions = await exchange.get_positions(args.symbol)
    if args.json:
        ctx.out.json(positions)
        return EXIT_OK
    ctx.out.table(
        ("symbol", "side", "size", "entry", "mark", "liquidation", "notional", "margin",
         "leverage", "PnL"),
        [[p.symbol, p.side.name, p.size, p.entry_price, p.mark_price, p.liquidation_price,
          p.notional, p.margin, p.leverage, p.unrealized_pnl] for p in positions],
        title=f"futures positions on {exchange.name}",
    )
    if not positions:
        ctx.out.note("no open positions")
    return EXIT_OK


def _configure_positions(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    add_venue_arguments(parser, options, keyed=True)
    parser.add_argument("symbol", metavar="SYMBOL", nargs="?", help="only this market")


COMMANDS = (
    Command(
        name="balance",
        help="the account's balances",
        description=f"The account's non-zero balances (spot, or --type futures). {_ACCOUNT}",
        configure=_configure_balance,
        run=_balance,
    ),
    Command(
        name="orders",
        help="the account's open orders",
        description=f"The account's open orders, on one market or all. {_ACCOUNT}",
        configure=_configure_orders,
        run=_orders,
    ),
    Command(
        name="order",
        help="place, cancel or look up an order",
        description="Place, cancel or look up an order. Bad input (a malformed number, an "
        "unknown side or type, a missing price) is refused before anything is sent; so is an "
        f"order that breaks the market's rules (tick, step, minimums). {_ACCOUNT}",
        configure=_configure_order,
        run=_order,
    ),
    Command(
        name="positions",
        help="the account's open futures positions",
        description=f"The account's open futures positions. {_ACCOUNT}",
        configure=_configure_positions,
        run=_positions,
    ),
)
