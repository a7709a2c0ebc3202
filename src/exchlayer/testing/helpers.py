"""Connectors wired to a running :class:`~exchlayer.testing.simulator.Simulator`."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..base import BaseExchange
from ..factory import ExchangeFactory
from .simulator import Simulator

__all__ = ["SIMULATED_VENUES", "SimulatedVenue", "connect", "held_client_order_ids"]


@dataclass(frozen=True)
class SimulatedVenue:
    """Where an exchlayer exchange lives in the simulator."""

    venue: str
    """The simulator's venue module."""
    live: str = "live"
    """The environment a live connector reaches."""
    testnet: str | None = None
    """The environment ``is_testnet=True`` reaches, when the exchange has one."""


SIMULATED_VENUES: dict[str, SimulatedVenue] = {
    "binance": SimulatedVenue("binance", testnet="demo"),
    "binanceus": SimulatedVenue("binance", live="binanceus"),
    "gateio": SimulatedVenue("gate", testnet="testnet"),
    "bingx": SimulatedVenue("bingx", testnet="vst"),
    "bitget": SimulatedVenue("bitget", testnet="demo"),
    "kucoin": SimulatedVenue("kucoin"),
}
"""exchlayer exchange name -> simulator venue and environments. Plugins may add theirs."""


async def connect(
    sim: Simulator,
    name: str,
    *,
    is_testnet: bool = False,
    credentials: bool = True,
    open_account: bool = True,
    api_key: str | None = None,
    api_secret: str | None = None,
    passphrase: str | None = None,
    balances: Mapping[str, Decimal] | None = None,
    futures_balance: Mapping[str, Decimal] | None = None,
    venue: str | None = None,
    environment: str | None = None,
    **options: Any,
) -> BaseExchange:
    """Create the exchange ``name`` through :class:`ExchangeFactory`, talking to ``sim``.

    A funded account is opened in the simulator: random key, secret and passphrase unless given;
    ``credentials=False`` for a public-data-only connector; ``open_account=False`` to use the
    given credentials without opening an account (a wrong secret for a known key, say).

    Requests go through a session routed to the simulator, which closes it when it stops; close
    the connector yourself (or use ``async with``). ccxt's throttling is off unless
    ``rate_limit=True`` is passed.
    """
    where = SIMULATED_VENUES.get(name.lower(), SimulatedVenue(name.lower()))
    env = environment or (where.testnet if is_testnet else where.live)
    if env is None:
        env = "live"  # the connector will refuse is_testnet itself, with NotSupported
    if credentials:
        api_key = api_key or f"sim-key-{secrets.token_hex(8)}"
        api_secret = api_secret or secrets.token_hex(24)
        passphrase = passphrase or f"sim-pass-{secrets.token_hex(4)}"
    if credentials and open_account:
        assert api_key is not None and api_secret is not None
        sim.add_account(
            venue or where.venue,
            api_key=api_key,
            secret=api_secret,
            passphrase=passphrase,
            environment=env,
            balances=balances,
            futures_balance=futures_balance,
        )
    options.setdefault("rate_limit", False)
    return ExchangeFactory.create_exchange(
        name,
        api_key=api_key if credentials else None,
        api_secret=api_secret if credentials else None,
        passphrase=passphrase if credentials else None,
        is_testnet=is_testnet,
        session=sim.client_session(),
        **options,
    )


def held_client_order_ids(sim: Simulator, name: str) -> list[str]:
    """The client order ids, as exchlayer's connector for ``name`` reports them, of every order
    the simulated venue holds (every account, every state, oldest first): a client id listed
    twice is a duplicated order."""
    where = SIMULATED_VENUES.get(name.lower(), SimulatedVenue(name.lower()))
    decode = _decoders().get(where.venue, str)
    ids: list[str] = []
    for account in sim.accounts:
        if account.venue != where.venue:
            continue
        for order in account.orders.values():
            text = order.extra.get("_gate_text")  # Gate keeps the caller's id in "t-<id>"
            if isinstance(text, str):
                if text.startswith("t-"):
                    ids.append(text[2:])
            elif order.client_order_id:
                ids.append(decode(order.client_order_id))
    return ids


def _decoders() -> dict[str, Callable[[str], str]]:
    from ..venues.bingx import decode_client_order_id

    return {"bingx": decode_client_order_id}  # BingX stores an escaped form of the id
