"""How a venue command reaches its venue: the arguments every one of them takes (``VENUE`` or
``--connection NAME``, ``--testnet``, ``--type``, ``--simulator [HOST:PORT]``, ``--json``) and
`open_exchange`, which turns them into an open connector.

Where the account comes from:

- ``--connection NAME``: a stored connection (see `exchlayer.cli.storage`);
- ``VENUE`` with ``--simulator``: the simulator's test keys (`simulator_credentials`);
- ``VENUE`` alone: ``<VENUE>_API_KEY``, ``<VENUE>_SECRET_KEY`` (or ``<VENUE>_API_SECRET``) and
  ``<VENUE>_PASSPHRASE`` from the environment, as ``ExchangeFactory.from_env`` reads them.

Public commands (markets, ticker, book) send no keys at all.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..base import BaseExchange
from ..config import Credentials, env_flag, load_env_config
from ..errors import ConfigurationError
from ..factory import ExchangeFactory
from ..models import OrderSide, OrderType, TimeInForce, TradeType
from .app import Context, ParserOptions
from .exchanges import env_variables
from .simulator import SimulatorTarget, simulator_credentials, simulator_target
from .storage import add_store_argument, find_connection, open_store, store_path

__all__ = [
    "Account",
    "add_venue_arguments",
    "decimal_arg",
    "open_exchange",
    "order_type_arg",
    "positive_int",
    "refuse_secret_options",
    "side_arg",
    "time_in_force_arg",
    "trade_type_arg",
]


# ---- argument types: bad input is a usage error (exit 2) before anything is sent ----------


def trade_type_arg(text: str) -> TradeType:
    try:
        return TradeType(text.strip().lower())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected spot or futures, got {text!r}"
        ) from None


def side_arg(text: str) -> OrderSide:
    try:
        return OrderSide(text.strip().lower())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected buy or sell, got {text!r}") from None


def order_type_arg(text: str) -> OrderType:
    try:
        return OrderType(text.strip().lower().replace("-", "_"))
    except ValueError:
        names = ", ".join(t.value for t in OrderType)
        raise argparse.ArgumentTypeError(f"expected one of {names}, got {text!r}") from None


def time_in_force_arg(text: str) -> TimeInForce:
    value = text.strip().upper().replace("-", "_")
    for tif in TimeInForce:
        if value in (tif.value, tif.name):
            return tif
    raise argparse.ArgumentTypeError(f"expected GTC, IOC, FOK or PO, got {text!r}")


_SMALLEST, _LARGEST = Decimal("1e-18"), Decimal("1e18")


def decimal_arg(text: str) -> Decimal:
    """A positive, finite decimal number, exactly as typed (``0.0010`` stays ``0.0010``)."""
    try:
        value = Decimal(text.strip().replace("_", ""))
    except (InvalidOperation, ValueError):
        raise argparse.ArgumentTypeError(f"expected a decimal number, got {text!r}") from None
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    if not _SMALLEST <= value < _LARGEST:  # what any market could take (as the library checks)
        raise argparse.ArgumentTypeError(f"expected a number from 1e-18 to 1e18, got {text!r}")
    return value


def positive_int(text: str) -> int:
    if not text.strip().isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


class _RefuseSecret(argparse.Action):
    """An option that exists only to say secrets are not taken from the command line; it never
    repeats the value it was given."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        parser.error(
            f"{option_string}: secrets are never read from the command line (it is kept in "
            "your shell history and shown in the process list); set them in the environment "
            "or type them at the prompt (see 'exchlayer connections add --help')"
        )


def refuse_secret_options(parser: argparse.ArgumentParser) -> None:
    """``--api-key``, ``--secret``, ... refused with an explanation (hidden from ``--help``)."""
    for option in ("--api-key", "--api-secret", "--secret", "--secret-key", "--passphrase",
                   "--password", "--key"):
        parser.add_argument(option, action=_RefuseSecret, nargs="?", help=argparse.SUPPRESS)


def add_venue_arguments(
    parser: argparse.ArgumentParser, options: ParserOptions, *, keyed: bool
) -> None:
    """``VENUE`` (or, for a keyed command, ``--connection NAME`` instead), ``--testnet``,
    ``--type``, ``--simulator`` and ``--json``. Call it before adding other positionals."""
    if keyed and options.by_connection:
        parser.add_argument(
            "--connection", metavar="NAME", required=True,
            help="a stored connection (its name or id); then no VENUE is given",
        )
        add_store_argument(parser)
    else:
        parser.add_argument("venue", metavar="VENUE", help="binance, gateio, kucoin, bingx, ...")
        parser.add_argument(
            "--testnet", action="store_true",
            help="the venue's testnet or demo environment (also <VENUE>_TESTNET=true)",
        )
        if keyed:
            parser.add_argument(
                "--connection", metavar="NAME",
                help="use a stored connection instead of VENUE and keys from the environment",
            )
    parser.add_argument(
        "--type", dest="trade_type", type=trade_type_arg, metavar="spot|futures",
        help="spot or futures (default: spot, or what the symbol says: BTC/USDT:USDT is "
        "futures)",
    )
    parser.add_argument(
        "--simulator", nargs="?", const="", type=simulator_target, metavar="HOST:PORT",
        help="run against the built-in venue simulator: started here, or one serving on "
        "127.0.0.1:PORT ('exchlayer simulator')",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    refuse_secret_options(parser)


# ---- from arguments to a connector ----------------------------------------------------------


@dataclass
class Account:
    """What a connector is built from."""

    exchange: str
    credentials: Credentials | None
    is_testnet: bool
    options: dict[str, Any] = field(default_factory=dict)


async def _stored_account(args: argparse.Namespace, ctx: Context) -> Account:
    store = await open_store(ctx, store_path(args))
    async with store:
        conn = await find_connection(store, args.connection)
    if conn.credentials is None:
        raise ConfigurationError(f"the stored connection {args.connection!r} has no API key")
    ctx.remember_secrets(conn.credentials.secret_values())
    return Account(conn.exchange, conn.credentials, conn.is_testnet, dict(conn.options))


def _env_account(args: argparse.Namespace, ctx: Context, *, keyed: bool) -> Account:
    name = ExchangeFactory.get_exchange_class(args.venue).name  # unknown: ConfigurationError
    prefix = "".join(c if c.isalnum() else "_" for c in name.upper())
    testnet = args.testnet or env_flag(
        os.environ.get(f"{prefix}_TESTNET"), name=f"{prefix}_TESTNET"
    )
    if not keyed:
        return Account(name, None, testnet)
    if args.simulator is not None:
        credentials = Credentials.from_values(*simulator_credentials(name), exchange=name)
        return Account(name, credentials, testnet)
    env = load_env_config(name)
    ctx.remember_secrets([env["api_key"], env["api_secret"], env["passphrase"]])
    credentials = Credentials.from_values(
        env["api_key"], env["api_secret"], env["passphrase"], exchange=name
    )
    if credentials is None:
        wanted = [n for n in env_variables(name) if not n.endswith("_TESTNET")]
        raise ConfigurationError(
            f"no API key for {name}: set {', '.join(wanted[:-1])} and {wanted[-1]}, or use "
            "--connection NAME, or --simulator"
        )
    return Account(name, credentials, testnet)


def _create(account: Account, **extra: Any) -> BaseExchange:
    creds = account.credentials
    return ExchangeFactory.create_exchange(
        account.exchange,
        api_key=creds.api_key if creds else None,
        api_secret=creds.api_secret if creds else None,
        passphrase=creds.passphrase if creds else None,
        is_testnet=account.is_testnet,
        **{**account.options, **extra},
    )


@contextlib.asynccontextmanager
async def connect_account(
    account: Account, target: SimulatorTarget | None
) -> AsyncIterator[BaseExchange]:
    """An open connector for ``account``: to the venue, or to the simulator ``target``."""
    if target is None:
        async with _create(account) as exchange:
            yield exchange
    elif target.port is None:
        from ..testing import route_to
        from .simulator import in_process_simulator

        async with in_process_simulator() as sim:
            with route_to(sim):  # a stored connection's key gets a funded account there too
                exchange = _create(account)
            async with exchange:
                yield exchange
    else:
        from .simulator import remote_session

        session = await remote_session(target)
        try:
            async with _create(account, session=session) as exchange:
                yield exchange
        finally:
            await session.close()


@contextlib.asynccontextmanager
async def open_exchange(
    args: argparse.Namespace, ctx: Context, *, keyed: bool
) -> AsyncIterator[BaseExchange]:
    """The connector the command line asks for, open, closed on exit (with the simulator or
    session it needed)."""
    if getattr(args, "connection", None):
        account = await _stored_account(args, ctx)
    else:
        account = _env_account(args, ctx, keyed=keyed)
    async with connect_account(account, args.simulator) as exchange:
        yield exchange
