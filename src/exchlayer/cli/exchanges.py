"""``exchlayer exchanges [NAME]``: the exchanges that can be created (and installed plugins that
fail to load, with the reason), or what one of them can do."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from .._table import fmt
from ..factory import ExchangeFactory
from .app import EXIT_OK, Command, Context, ParserOptions

__all__ = ["COMMAND", "env_variables"]


def _names(values: Iterable[object]) -> str:
    items = sorted(fmt(v) for v in values)
    return ", ".join(items) or "-"


def env_variables(name: str) -> list[str]:
    """The environment variables ``ExchangeFactory.from_env(name)`` reads."""
    cls = ExchangeFactory.get_exchange_class(name)  # ConfigurationError names what is wrong
    prefix = "".join(c if c.isalnum() else "_" for c in cls.name.upper())
    names = [f"{prefix}_API_KEY", f"{prefix}_SECRET_KEY", f"{prefix}_TESTNET"]
    profile = getattr(cls, "profile", cls)  # ccxt-backed venues describe themselves there
    if getattr(profile, "requires_passphrase", False):
        names.append(f"{prefix}_PASSPHRASE")
    return names


def _list_exchanges(ctx: Context, as_json: bool) -> None:
    listed: list[dict[str, Any]] = []
    for name in ExchangeFactory.get_available_exchanges():
        cls = ExchangeFactory.get_exchange_class(name)
        caps = cls.capabilities
        listed.append(
            {"name": name, "trade_types": caps.trade_types, "testnet": caps.testnet,
             "module": cls.__module__}
        )
    broken = ExchangeFactory.broken_plugins()
    if as_json:
        ctx.out.json({"exchanges": listed, "broken_plugins": dict(broken)})
        return
    rows = [
        [e["name"], _names(e["trade_types"]), _names(e["testnet"]), e["module"]] for e in listed
    ]
    out = ctx.out
    out.table(("exchange", "trades", "testnet", "module"), rows)
    if broken:
        out.say()
        out.say(f"{len(broken)} installed plugin(s) failed to load, so they cannot be created:")
        for name, reason in broken.items():
            out.say(f"  {name}: {reason}", indent="    ")


def _show_exchange(ctx: Context, name: str, as_json: bool) -> None:
    cls = ExchangeFactory.get_exchange_class(name)  # ConfigurationError names what is wrong
    caps = cls.capabilities
    env = env_variables(name)
    if as_json:
        ctx.out.json(
            {
                "name": cls.name, "class": f"{cls.__module__}.{cls.__qualname__}",
                "capabilities": caps, "env": env,
            }
        )
        return
    rows = [
        ["class", f"{cls.__module__}.{cls.__qualname__}"],
        ["trades", _names(caps.trade_types)],
        ["testnet", _names(caps.testnet)],
        ["order types", _names(caps.order_types)],
        ["time in force", _names(caps.time_in_force)],
        ["positions", "yes" if caps.positions else "no"],
        ["leverage", "yes" if caps.leverage else "no"],
        ["client order ids", "yes" if caps.client_order_ids else "no"],
        ["from_env() reads", ", ".join(env)],
    ]
    ctx.out.table(("exchange", cls.name), rows)


async def _run(args: argparse.Namespace, ctx: Context) -> int:
    if args.name:
        _show_exchange(ctx, args.name, args.json)
    else:
        _list_exchanges(ctx, args.json)
    return EXIT_OK


def _configure(parser: argparse.ArgumentParser, options: ParserOptions) -> None:
    parser.add_argument("name", nargs="?", help="an exchange to show in detail")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


COMMAND = Command(
    name="exchanges",
    help="list the exchanges that can be created, or show one",
    description="List the exchanges that can be created (and installed plugins that fail "
    "to load, with the reason), or show what one exchange can do.",
    configure=_configure,
    run=_run,
)
