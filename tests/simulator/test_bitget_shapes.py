"""Simulator payloads have the shape of real Bitget payloads recorded by ccxt's maintainers.

Only the classic (v2) cases are used: about 60% of the recorded Bitget cases are for the unified
account (``uta``) API, which exchlayer does not use. For every case: each key of the real payload
(whole envelope, ``code``/``msg``/``requestTime``/``data``) exists in ours with the same JSON type.
Bitget sends ``requestTime`` sometimes as a number, sometimes as a numeric string; everything else
keeps its type. Where useful we also check that ccxt parses our payload into at least the unified
fields it filled from the real one.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from exchlayer.testing.simulator import Simulator

pytestmark = pytest.mark.asyncio
ccxt = pytest.importorskip("ccxt.async_support")

REFERENCE = Path(__file__).parents[1] / "fixtures" / "ccxt-recorded"
RECORDED = REFERENCE / "response" / "bitget.json"
MARKETS = REFERENCE / "markets" / "bitget.json"

PERP = "BTC/USDT:USDT"
#: Keys Bitget sends as a number in one payload and a numeric string in another.
EITHER_NUMBER = frozenset({"requestTime"})
#: Free text that may happen to be numeric (Bitget numbers the client ids it makes up).
TEXT = frozenset({"clientOid"})


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    try:
        Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return "str"
    return "numstr"


def shape_problems(real: Any, ours: Any, path: str = "$") -> list[str]:
    """Differences in keys and JSON types; an empty list means the shapes agree."""
    key = path.rsplit(".", 1)[-1]
    real_kind, our_kind = kind(real), kind(ours)
    if real_kind != our_kind:
        if {real_kind, our_kind} == {"number", "numstr"} and key in EITHER_NUMBER:
            return []
        if {real_kind, our_kind} == {"str", "numstr"} and key in TEXT:
            return []
        return [f"{path}: real {real_kind} {real!r:.40}, ours {our_kind} {ours!r:.40}"]
    problems: list[str] = []
    if isinstance(real, dict):
        for k, v in real.items():
            if k not in ours:
                problems.append(f"{path}.{k}: missing")
                continue
            problems += shape_problems(v, ours[k], f"{path}.{k}")
    elif isinstance(real, list) and real and ours:
        problems += shape_problems(real[0], ours[0], f"{path}[0]")
    return problems


def recorded(method: str, index: int = 0) -> dict[str, Any]:
    cases = json.loads(RECORDED.read_text())["methods"][method]
    case: dict[str, Any] = cases[index]
    assert "uta" not in case["description"].lower(), "use the classic (v2) cases only"
    return case


def unified_gaps(real_parsed: Any, our_parsed: Any) -> list[str]:
    """Unified fields ccxt filled from the real payload but left empty from ours."""
    skip = {"info", "lastTradeTimestamp", "lastUpdateTimestamp", "fees", "trades", "remaining"}
    return [
        k
        for k, v in real_parsed.items()
        if k not in skip and v is not None and our_parsed.get(k) is None
    ]


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7) as simulator:
        simulator.add_account("bitget", api_key="k", secret="s", passphrase="p")
        yield simulator


@pytest_asyncio.fixture
async def bitget(sim: Simulator) -> AsyncIterator[Any]:
    exchange = ccxt.bitget(
        {
            "apiKey": "k",
            "secret": "s",
            "password": "p",
            "session": sim.client_session(),
            "enableRateLimit": False,
            "timeout_on_exit": 0,
            "options": {"uta": False},
        }
    )
    await exchange.load_markets()
    yield exchange
    await exchange.close()


@pytest_asyncio.fixture
async def state(bitget: Any, sim: Simulator) -> dict[str, Any]:
    """Spot and futures orders in every state, fills, and an open position."""
    bought = await bitget.create_order("BTC/USDT", "market", "buy", None, None, {"cost": 60})
    open_spot = await bitget.create_order("BTC/USDT", "limit", "buy", 0.001, 40000)
    perp = await bitget.create_order(PERP, "market", "buy", 0.01, None, {"marginMode": "cross"})
    closed = await bitget.create_order(PERP, "market", "sell", 0.004, None, {"reduceOnly": True})
    sim.set_price(PERP, Decimal(50500))
    return {"bought": bought, "open_spot": open_spot, "perp": perp, "closed": closed}


async def test_public_payload_shapes(bitget: Any) -> None:
    case = recorded("fetchTicker")
    ours = await bitget.publicSpotGetV2SpotMarketTickers({"symbol": "BTCUSDT"})
    assert shape_problems(case["httpResponse"], ours) == []
    assert unified_gaps(case["parsedResponse"], bitget.parse_ticker(ours["data"][0])) == []
    case = recorded("fetchOrderBook")
    ours = await bitget.publicSpotGetV2SpotMarketOrderbook({"symbol": "BTCUSDT", "limit": 2})
    assert shape_problems(case["httpResponse"], ours) == []
    assert len(ours["data"]["asks"]) == len(ours["data"]["bids"]) == 2
    case = recorded("fetchCurrencies")
    ours = await bitget.publicSpotGetV2SpotPublicCoins()
    assert shape_problems(case["httpResponse"], ours) == []


async def test_market_definitions_match_the_recorded_markets(bitget: Any) -> None:
    markets = json.loads(MARKETS.read_text())
    spot = await bitget.publicSpotGetV2SpotPublicSymbols({"symbol": "BTCUSDT"})
    (ours,) = spot["data"]
    assert shape_problems(markets["BTC/USDT"]["info"], ours) == []
    contracts = await bitget.publicMixGetV2MixMarketContracts({"productType": "USDT-FUTURES"})
    ours = next(c for c in contracts["data"] if c["symbol"] == "BTCUSDT")
    assert shape_problems(markets[PERP]["info"], ours) == []
    # and ccxt derives the same kind of market from ours: tick sizes, limits, linear swap
    market = bitget.market(PERP)
    real = markets[PERP]
    for key in ("type", "spot", "swap", "linear", "contract", "settle", "contractSize"):
        assert market[key] == real[key], key
    assert market["precision"] == {"amount": 0.001, "price": 0.1}
    assert market["limits"]["leverage"]["max"] == 125


async def test_account_payload_shapes(state: dict[str, Any], bitget: Any) -> None:
    case = recorded("fetchBalance", 2)  # spot assets
    ours = await bitget.privateSpotGetV2SpotAccountAssets()
    assert shape_problems(case["httpResponse"], ours) == []
    case = recorded("fetchLeverage")  # mix/account/account
    ours = await bitget.privateMixGetV2MixAccountAccount(
        {"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT"}
    )
    assert shape_problems(case["httpResponse"], ours) == []
    case = recorded("fetchPositions")  # mix/position/all-position
    ours = await bitget.privateMixGetV2MixPositionAllPosition(
        {"productType": "USDT-FUTURES", "marginCoin": "USDT"}
    )
    assert len(ours["data"]) == 1
    assert shape_problems(case["httpResponse"], ours) == []
    gaps = unified_gaps(case["parsedResponse"][0], bitget.parse_position(ours["data"][0]))
    assert gaps == []
    case = recorded("fetchPosition")  # single-position of a flat market: an empty list
    ours = await bitget.privateMixGetV2MixPositionSinglePosition(
        {"symbol": "ETHUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT"}
    )
    assert ours["data"] == [] and shape_problems(case["httpResponse"], ours) == []


async def test_order_payload_shapes(state: dict[str, Any], bitget: Any) -> None:
    bought, open_spot, perp = state["bought"], state["open_spot"], state["perp"]
    case = recorded("createOrder")  # {orderId, clientOid}
    assert shape_problems(case["httpResponse"]["data"], open_spot["info"]) == []
    case = recorded("fetchOrder", 3)  # a filled spot market buy, orderInfo
    ours = await bitget.privateSpotGetV2SpotTradeOrderInfo({"orderId": bought["id"]})
    assert shape_problems(case["httpResponse"], ours) == []
    parsed = bitget.parse_order(ours["data"][0], bitget.market("BTC/USDT"))
    assert unified_gaps(case["parsedResponse"], parsed) == []
    case = recorded("fetchOrder", 0)  # a filled futures market order, mix/order/detail
    ours = await bitget.privateMixGetV2MixOrderDetail(
        {"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "orderId": perp["id"]}
    )
    assert shape_problems(case["httpResponse"], ours) == []
    parsed = bitget.parse_order(ours["data"], bitget.market(PERP))
    assert unified_gaps(case["parsedResponse"], parsed) == []
    case = recorded("fetchOpenOrders")  # spot unfilled-orders
    ours = await bitget.privateSpotGetV2SpotTradeUnfilledOrders({"symbol": "BTCUSDT"})
    assert [o["orderId"] for o in ours["data"]] == [open_spot["id"]]
    assert shape_problems(case["httpResponse"], ours) == []
    case = recorded("fetchClosedOrders", 1)  # spot history-orders
    ours = await bitget.privateSpotGetV2SpotTradeHistoryOrders({"symbol": "BTCUSDT"})
    assert shape_problems(case["httpResponse"], ours) == []
    case = recorded("fetchClosedOrders", 0)  # mix orders-history (a reduce-only close)
    ours = await bitget.privateMixGetV2MixOrderOrdersHistory(
        {"symbol": "BTCUSDT", "productType": "USDT-FUTURES"}
    )
    assert ours["data"]["entrustedList"][0]["reduceOnly"] == "YES"
    assert shape_problems(case["httpResponse"], ours) == []
    case = recorded("cancelOrder", 4)  # mix cancel-order by clientOid
    resting = await bitget.create_order(PERP, "limit", "buy", 0.01, 40000, {"clientOid": "abc321"})
    ours = await bitget.privateMixPostV2MixOrderCancelOrder(
        {"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "clientOid": "abc321"}
    )
    assert ours["data"] == {"orderId": resting["id"], "clientOid": "abc321"}
    assert shape_problems(case["httpResponse"], ours) == []


async def test_fill_payload_shapes(state: dict[str, Any], bitget: Any) -> None:
    case = recorded("fetchMyTrades", 0)  # spot fills
    ours = await bitget.privateSpotGetV2SpotTradeFills({"symbol": "BTCUSDT"})
    assert shape_problems(case["httpResponse"], ours) == []
    parsed = bitget.parse_trade(ours["data"][0], bitget.market("BTC/USDT"))
    assert unified_gaps(case["parsedResponse"][0], parsed) == []
    assert parsed["fee"]["currency"] == "BTC" and parsed["fee"]["cost"] > 0
    case = recorded("fetchMyTrades", 1)  # mix fills
    ours = await bitget.privateMixGetV2MixOrderFills(
        {"symbol": "BTCUSDT", "productType": "USDT-FUTURES"}
    )
    assert shape_problems(case["httpResponse"], ours) == []
    parsed = bitget.parse_trade(ours["data"]["fillList"][0], bitget.market(PERP))
    assert unified_gaps(case["parsedResponse"][0], parsed) == []
    assert parsed["fee"]["currency"] == "USDT" and parsed["fee"]["cost"] > 0
