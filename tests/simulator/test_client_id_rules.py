"""Client-order-id uniqueness, per venue: each venue's documented rule by default, its own error
body for a refused duplicate, and lookups by client id when several orders share one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from venue_matrix import MARKETS, Market

from exchlayer.testing.simulator import ClientIdRule, Simulator

ccxt = pytest.importorskip("ccxt.async_support")

Connect = Callable[..., Awaitable[Any]]
OPEN_ONLY, LIFETIME, NONE = ClientIdRule.OPEN_ONLY, ClientIdRule.LIFETIME, ClientIdRule.NONE


def test_each_venue_defaults_to_its_documented_rule(every_venue: Simulator) -> None:
    rules = {name: module.client_id_rules for name, module in every_venue.venues.items()}
    assert rules == {
        "binance": {"spot": OPEN_ONLY, "swap": OPEN_ONLY},
        "gate": {"spot": NONE, "swap": NONE},
        "kucoin": {"spot": OPEN_ONLY, "swap": OPEN_ONLY},
        "bingx": {"spot": LIFETIME, "swap": LIFETIME},
        "bitget": {"spot": OPEN_ONLY, "swap": OPEN_ONLY},
    }


async def place(exchange: Any, market: Market, client_id: str, kind: str = "limit") -> Any:
    if kind == "market":
        return await exchange.create_order(market.symbol, "market", "sell", market.amount, None,
                                           market.client_id_params(client_id))
    return await exchange.create_order(market.symbol, "limit", "buy", market.amount,
                                       market.price, market.client_id_params(client_id))


def orders_with(sim: Simulator, market: Market, client_id: str) -> list[Any]:
    account = sim.accounts.find(market.venue, "live", "sim-key")
    assert account is not None
    wanted = next(iter(market.client_id_params(client_id).values()))
    kind = "swap" if ":" in market.symbol else "spot"
    return [o for o in account.orders.values()
            if o.kind == kind and o.client_order_id in (wanted, wanted.lower())]


#: market -> the ccxt exception and venue code for a second *open* order with the same id
#: (``None``: the venue accepts it).
OPEN_DUPLICATE: dict[str, tuple[str, str] | None] = {
    "binance-spot": ("InvalidOrder", "-2010"),
    "binance-usdm": ("InvalidOrder", "-4116"),
    "gate-spot": None,
    "gate-swap": None,
    "kucoin-spot": ("InvalidOrder", "126044"),
    "kucoin-futures": ("InvalidOrder", "300000"),
    "bingx-spot": ("DuplicateOrderId", "101481"),
    "bingx-swap": ("DuplicateOrderId", "101481"),
    "bitget-spot": ("ExchangeError", "40786"),
    "bitget-swap": ("ExchangeError", "40786"),
}


@pytest.mark.parametrize("name", list(OPEN_DUPLICATE))
async def test_a_second_open_order_with_the_same_client_id(
    every_venue: Simulator, venue_client: Connect, name: str
) -> None:
    sim = every_venue
    market = MARKETS[name]
    exchange = await venue_client(market.client)
    first = await place(exchange, market, "dup_open")
    expected = OPEN_DUPLICATE[name]
    if expected is None:
        second = await place(exchange, market, "dup_open")
        assert second["id"] != first["id"] and len(orders_with(sim, market, "dup_open")) == 2
        return
    with pytest.raises(ccxt.BaseError) as info:
        await place(exchange, market, "dup_open")
    body = exchange.last_json_response
    assert (type(info.value).__name__, str(body.get("code"))) == expected
    assert len(orders_with(sim, market, "dup_open")) == 1


#: market -> whether a filled order's client id may be used again (the venue's default rule).
REUSE_AFTER_FILL: dict[str, bool] = {
    "binance-spot": True,
    "binance-usdm": True,
    "gate-spot": True,
    "kucoin-spot": True,
    "kucoin-futures": True,
    "bingx-spot": False,
    "bingx-swap": False,
    "bitget-spot": True,
    "bitget-swap": True,
}


@pytest.mark.parametrize("name", list(REUSE_AFTER_FILL))
async def test_a_filled_orders_client_id_used_again(
    every_venue: Simulator, venue_client: Connect, name: str
) -> None:
    sim = every_venue
    market = MARKETS[name]
    exchange = await venue_client(market.client)
    await place(exchange, market, "dup_fill", kind="market")
    (filled,) = orders_with(sim, market, "dup_fill")
    assert not filled.is_open
    if REUSE_AFTER_FILL[name]:
        await place(exchange, market, "dup_fill")
        assert len(orders_with(sim, market, "dup_fill")) == 2  # both orders exist
    else:
        with pytest.raises(ccxt.DuplicateOrderId, match="cannot be repeated"):
            await place(exchange, market, "dup_fill")
        assert len(orders_with(sim, market, "dup_fill")) == 1


async def test_binance_finds_the_most_recent_order_with_a_shared_client_id(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    exchange = await venue_client("binance")
    sim.set_client_id_rule("binance", "none")
    older = await exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 40000,
                                        {"clientOrderId": "shared"})
    newer = await exchange.create_order("BTC/USDT", "market", "sell", 0.001, None,
                                        {"clientOrderId": "shared"})
    found = await exchange.fetch_order(None, "BTC/USDT", {"origClientOrderId": "shared"})
    assert found["id"] == newer["id"] != older["id"]
    assert found["status"] == "closed"  # the newest, though an older one is still open


async def test_rules_can_be_changed_per_venue_and_market(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    spot, usdm = await venue_client("binance"), await venue_client("binanceusdm")
    sim.set_client_id_rule("binance", LIFETIME, kind="spot")
    assert sim.venues["binance"].client_id_rules == {"spot": LIFETIME, "swap": OPEN_ONLY}
    await spot.create_order("BTC/USDT", "market", "sell", 0.001, None, {"clientOrderId": "once"})
    with pytest.raises(ccxt.InvalidOrder, match="Duplicate order sent"):
        await spot.create_order("BTC/USDT", "market", "sell", 0.001, None,
                                {"clientOrderId": "once"})
    await usdm.create_order("BTC/USDT:USDT", "market", "buy", 0.01, None,
                            {"clientOrderId": "once"})
    await usdm.create_order("BTC/USDT:USDT", "market", "sell", 0.01, None,
                            {"clientOrderId": "once"})  # futures still open-only
    with pytest.raises(ValueError, match="sometimes"):
        sim.set_client_id_rule("binance", "sometimes")
    with pytest.raises(ValueError, match="market kind"):
        sim.set_client_id_rule("binance", NONE, kind="options")


async def test_gate_checks_text_only_when_told_to(
    every_venue: Simulator, venue_client: Connect
) -> None:
    sim = every_venue
    exchange = await venue_client("gate")
    sim.set_client_id_rule("gate", OPEN_ONLY)
    await exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 40000, {"text": "t-once"})
    with pytest.raises(ccxt.BadRequest, match="INVALID_PARAM_VALUE"):
        await exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 40000,
                                    {"text": "t-once"})
    assert exchange.last_json_response["message"].startswith("invalid argument: text")
