"""``exchlayer connections list|add|remove|test``: accounts kept in the encrypted store.

Secrets never come from the command line: ``add`` reads them from ``<VENUE>_API_KEY``,
``<VENUE>_SECRET_KEY`` (or ``<VENUE>_API_SECRET``) and ``<VENUE>_PASSPHRASE`` when set, and asks
for them otherwise (without echoing). ``list`` never shows them, not even in part.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..config import Credentials, load_env_config
from ..connection import ExchangeConnection
from ..errors import ConfigurationError, NotSupported
from ..factory import ExchangeFactory
from .app import EXIT_ERROR, EXIT_OK, Command, Context, ParserOptions, UsageError
from .simulator import simulator_target
from .storage import (
    CLI_USER,
    add_store_argument,
    can_prompt,
    find_connection,
    open_store,
    prompt_secret,
    store_exists,
    store_path,
)
from .venue import Account, connect_account, refuse_secret_options, trade_type_arg

__all__ = ["COMMAND"]

_MASK = "**********"


def _credential_text(conn: ExchangeConnection, unlocked: bool) -> str:
    if not unlocked:
        return "locked"
    return _MASK if conn.credentials is not None else "none"


def _summary(conn: ExchangeConnection, unlocked: bool) -> dict[str, Any]:
    """What may be shown of a connection: everything but its secrets."""
    return {
        "id": conn.id,
        "name": conn.label,
        "user": conn.user,
        "exchange": conn.exchange,
        "testnet": conn.is_testnet,
        "trade_type": conn.options.get("default_trade_type"),
        "credentials": _credential_text(conn, unlocked),
        "created_at": conn.created_at,
    }


# ---- list ---------------------------------------------------------------------------------------


async def _list(args: argparse.Namespace, ctx: Context) -> int:
    path = store_path(args)
    if not store_exists(path):
        if args.json:
            ctx.out.json([])
        else:
            ctx.out.say(f"no connections (no store at {path} yet)")
        return EXIT_OK
    async with await open_store(ctx, path, unlock=False) as store:
        connections = await store.list()
        unlocked = not store.metadata_only
    if args.json:
        ctx.out.json([_summary(c, unlocked) for c in connections])
        return EXIT_OK
    rows = [
        [c.id, c.label, c.exchange, "yes" if c.is_testnet else "no",
         c.options.get("default_trade_type") or "spot", _credential_text(c, unlocked), c.user]
        for c in connections
    ]
    ctx.out.table(("id", "name", "exchange", "testnet", "type", "api key", "user"), rows,
                  title=f"connections in {path}")
    if not unlocked:
        ctx.out.note("EXCHLAYER_STORE_KEY is not set: the store was opened without its key, so "
                     "credentials were not read")
    return EXIT_OK


# ---- add ----------------------------------------------------------------------------------------


def _read_credentials(ctx: Context, exchange: str) -> Credentials:
    """The API key, secret and passphrase: from the environment, else typed at a prompt."""
    cls = ExchangeFactory.get_exchange_class(exchange)
    needs_passphrase = bool(getattr(getattr(cls, "profile", cls), "requires_passphrase", False))
    env = load_env_config(exchange)
    key, secret, passphrase = env["api_key"], env["api_secret"], env["passphrase"]
    ctx.remember_secrets([key, secret, passphrase])
    prefix = "".join(c if c.isalnum() else "_" for c in cls.name.upper())
    if not (key and secret):
        if not can_prompt():
            raise ConfigurationError(
                f"no API key to store: set {prefix}_API_KEY and {prefix}_SECRET_KEY"
                + (f" (and {prefix}_PASSPHRASE)" if needs_passphrase else "")
                + ", or run this in a terminal to type them"
            )
        key = key or prompt_secret(f"{cls.name} API key: ")
        ctx.remember_secrets([key])
        secret = secret or prompt_secret(f"{cls.name} API secret: ")
        ctx.remember_secrets([secret])
        if needs_passphrase and not passphrase:
            passphrase = prompt_secret(f"{cls.name} API passphrase: ")
            ctx.remember_secrets([passphrase])
    credentials = Credentials.from_values(key, secret, passphrase, exchange=cls.name)
    if credentials is None or (needs_passphrase and credentials.passphrase is None):
        missing = "passphrase" if credentials is not None else "API key and secret"
        raise ConfigurationError(f"no {missing} given; nothing was stored")
    return credentials


def _check_name(name: str) -> None:
    if not name.strip() or name != name.strip():
        raise UsageError("NAME must not be empty or start or end with a space")
    if name.isdigit():
        raise UsageError("NAME must not be a number: numbers name connections by their id")
    if len(name) > 200:
        raise UsageError("NAME is longer than 200 characters")


async def _add(args: argparse.Namespace, ctx: Context) -> int:
    _check_name(args.name)
    cls = ExchangeFactory.get_exchange_class(args.exchange)  # unknown: ConfigurationError
    if args.testnet and not cls.capabilities.testnet:
        raise NotSupported(f"{cls.name} has no testnet", exchange=cls.name)
    path = store_path(args)
    async with await open_store(ctx, path, create=True) as store:
        taken = [c for c in await store.list() if c.label == args.name]
        if taken:
            raise ConfigurationError(
                f"a connection called {args.name!r} is stored already (id {taken[0].id}); "
                "remove it first or pick another name"
            )
        credentials = _read_credentials(ctx, cls.name)
        options = {"default_trade_type": args.trade_type.value} if args.trade_type else {}
        added = await store.add(
            ExchangeConnection(
                user=args.user, exchange=cls.name, label=args.name, is_testnet=args.testnet,
                credentials=credentials, options=options,
            )
        )
    if args.json:
        ctx.out.json(_summary(added, True))
    else:
        ctx.out.say(f"stored connection {added.label!r} (id {added.id}): {added.exchange}"
                    f"{' testnet' if added.is_testnet else ''}, in {path}")
    return EXIT_OK


# ---- remove -------------------------------------------------------------------------------------


async def _remove(args: argparse.Namespace, ctx: Context) -> int:
    path = store_path(args)
    async with await open_store(ctx, path, unlock=False) as store:
        conn = await find_connection(store, args.name)
        assert conn.id is not None
        await store.delete(conn.id)
    if args.json:
        ctx.out.json({"id": conn.id, "name": conn.label, "removed": True})
    else:
        ctx.out.say(f"removed connection {conn.label!r} (id {conn.id})")
    return EXIT_OK


# ---- test ---------------------------------------------------------------------------------------


async def _test(args: argparse.Namespace, ctx: Context) -> int:
    path = store_path(args)
    async with await open_store(ctx, path) as store:
        conn = await find_connection(store, args.name)
    if conn.credentials is not None:
        ctx.remember_secrets(conn.credentials.secret_values())
    account = Account(conn.exchange, conn.credentials, conn.is_testnet, dict(conn.options))
    async with connect_account(account, args.simulator) as exchange:
        check = await exchange.check_connection()
    if args.json:
        ctx.out.json({"id": conn.id, "name": conn.label, **check.model_dump(mode="json")})
    else:
        ctx.out.table(
            ("connection", "exchange", "ok", "latency ms", "error"),
            [[conn.label, check.exchange, "yes" if check.ok else "NO", round(check.latency_ms),
              check.error]],
        )
    if not check.ok:
        ctx.error(f"connection {conn.label!r} failed its test: {check.error}")
        return EXIT_ERROR
    return EXIT_OK


# ---- the command ----------------------------------------------------------------------------


def _configure(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(name: str, text: str, description: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(
            name, help=text, description=description, allow_abbrev=False
        )
        sub.set_defaults(parser=sub)
        add_store_argument(sub)
        sub.add_argument("--json", action="store_true", help="print JSON instead of text")
        return sub

    action("list", "list the stored connections (never their secrets)",
           "List the stored connections. Secrets are never shown; without "
           "EXCHLAYER_STORE_KEY the store is read without its key.")

    add = action(
        "add", "store a connection",
        "Store a connection: the API key, secret and passphrase are read from "
        "<VENUE>_API_KEY, <VENUE>_SECRET_KEY and <VENUE>_PASSPHRASE when set, else typed at a "
        "prompt; never from the command line. The store is encrypted with EXCHLAYER_STORE_KEY "
        "(or a key typed at a prompt).",
    )
    add.add_argument("name", metavar="NAME", help="what to call it (unique in the store)")
    add.add_argument("--exchange", required=True, metavar="VENUE", help="binance, kucoin, ...")
    add.add_argument("--testnet", action="store_true", help="the venue's testnet or demo")
    add.add_argument("--type", dest="trade_type", type=trade_type_arg, metavar="spot|futures",
                     help="what a symbol without a settle currency means (default spot)")
    add.add_argument("--user", default=CLI_USER, help=f"the owner recorded (default {CLI_USER})")
    refuse_secret_options(add)

    remove = action("remove", "delete a stored connection", "Delete a stored connection.")
    remove.add_argument("name", metavar="NAME", help="its name or id")

    test = action(
        "test", "test a stored connection",
        "Connect with a stored connection and make one signed request; exit 1 if it fails.",
    )
    test.add_argument("name", metavar="NAME", help="its name or id")
    test.add_argument(
        "--simulator", nargs="?", const="", type=simulator_target, metavar="HOST:PORT",
        help="test against the built-in venue simulator (started here, or on 127.0.0.1:PORT)",
    )


_ACTIONS = {"list": _list, "add": _add, "remove": _remove, "test": _test}


async def _run(args: argparse.Namespace, ctx: Context) -> int:
    return await _ACTIONS[args.action](args, ctx)


COMMAND = Command(
    name="connections",
    help="stored connections: list, add, remove, test",
    description="Manage the connections kept in the encrypted connection store (the file is "
    "--store PATH, else EXCHLAYER_STORE_PATH, else connections.db in your configuration "
    "directory; its key is EXCHLAYER_STORE_KEY).",
    configure=_configure,
    run=_run,
)
