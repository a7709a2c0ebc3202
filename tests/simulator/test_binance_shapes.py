"""Simulator payloads have the shape of real Binance payloads recorded by ccxt's maintainers.

For every recorded case we compare: every key of the real payload exists in ours, with the same
JSON type. ccxt's fixtures store integers (ids, times, counts) as strings, so for those keys a
JSON number and a numeric string are treated as the same type; prices and quantities must be
strings on both sides. Where useful we also check that ccxt parses our payload into at least the
unified fields it filled from the real one.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

from exchlayer.testing.simulator import Simulator

pytestmark = pytest.mark.asyncio

REFERENCE = Path(__file__).parents[1] / "fixtures" / "ccxt-recorded"
RECORDED = REFERENCE / "response" / "binance.json"
MARKETS = REFERENCE / "markets" / "binance.json"

PERP = "BTC/USDT:USDT"

#: Keys whose values Binance sends as JSON numbers but ccxt's fixtures store as strings.
INTEGER_KEYS = frozenset(
    [
        "orderId",
        "orderListId",
        "transactTime",
        "workingTime",
        "time",
        "updateTime",
        "id",
        "tradeId",
        "lastUpdateId",
        "E",
        "T",
        "openTime",
        "closeTime",
        "firstId",
        "lastId",
        "count",
        "makerCommission",
        "takerCommission",
        "buyerCommission",
        "sellerCommission",
        "uid",
        "adl",
        "goodTillDate",
        "baseAssetPrecision",
        "quotePrecision",
        "quoteAssetPrecision",
        "baseCommissionPrecision",
        "quoteCommissionPrecision",
        "limit",
        "maxNumOrders",
        "maxNumAlgoOrders",
        "deliveryDate",
        "onboardDate",
        "pricePrecision",
        "quantityPrecision",
        "settlePlan",
        "maxMoveOrderLimit",
        "minTrailingAboveDelta",
        "maxTrailingAboveDelta",
        "minTrailingBelowDelta",
        "maxTrailingBelowDelta",
        "avgPriceMins",
        "feeTier",
        "tradeGroupId",
        "leverage",
    ]
)


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


def shape_problems(
    real: Any, ours: Any, path: str = "$", ignore: frozenset[str] = frozenset()
) -> list[str]:
    """Differences in keys and JSON types; an empty list means the shapes agree."""
    key = path.rsplit(".", 1)[-1]
    real_kind, our_kind = kind(real), kind(ours)
    if real_kind != our_kind:
        if {real_kind, our_kind} == {"number", "numstr"} and key in INTEGER_KEYS:
            return []
        return [f"{path}: real {real_kind} {real!r:.40}, ours {our_kind} {ours!r:.40}"]
    problems: list[str] = []
    if isinstance(real, dict):
        for k, v in real.items():
            if k in ignore:
                continue
            if k not in ours:
                problems.append(f"{path}.{k}: missing")
                continue
            problems += shape_problems(v, ours[k], f"{path}.{k}", ignore)
    elif isinstance(real, list) and real and ours:
        if all(isinstance(x, dict) and "filterType" in x for x in real):
            by_type = {x["filterType"]: x for x in ours}
            for item in real:
                name = item["filterType"]
                if name not in by_type:
                    problems.append(f"{path}[{name}]: missing filter")
                else:
                    problems += shape_problems(item, by_type[name], f"{path}[{name}]", ignore)
        else:
            problems += shape_problems(real[0], ours[0], f"{path}[0]", ignore)
    return problems


def recorded(method: str, index: int = 0) -> dict[str, Any]:
    cases = json.loads(RECORDED.read_text())["methods"][method]
    return cases[index]  # type: ignore[no-any-return]


def unified_gaps(real_parsed: Any, our_parsed: Any) -> list[str]:
    """Unified fields ccxt filled from the real payload but left empty from ours.

    ``marginType`` is a key older ccxt versions produced when the fixture was recorded.
    """
    skip = {"info", "lastTradeTimestamp", "lastUpdateTimestamp", "fees", "trades", "marginType"}
    return [
        k
        for k, v in real_parsed.items()
        if k not in skip and v is not None and our_parsed.get(k) is None
    ]


@pytest.fixture
async def trading_state(sim: Simulator, spot: Any, usdm: Any) -> dict[str, Any]:
    """An account with spot and futures orders, trades and an open position."""
    filled = await spot.create_order("BTC/USDT", "market", "sell", 0.01)
    open_spot = await spot.create_order("BTC/USDT", "limit", "buy", 0.01, 40000)
    await usdm.create_order(PERP, "market", "buy", 3)  # 20x: close enough to a liquidation price
    open_perp = await usdm.create_order(PERP, "limit", "buy", 0.01, 40000)
    sim.set_price(PERP, Decimal(50500))
    return {"filled": filled, "open_spot": open_spot, "open_perp": open_perp}


async def test_public_payload_shapes(spot: Any, usdm: Any) -> None:
    case = recorded("fetchTicker")
    ours = await spot.publicGetTicker24hr({"symbol": "BTCUSDT"})
    assert shape_problems(case["httpResponse"], ours) == []
    assert unified_gaps(case["parsedResponse"], spot.parse_ticker(ours)) == []
    spot_book, swap_book = recorded("fetchOrderBook", 0), recorded("fetchOrderBook", 1)
    ours = await spot.publicGetDepth({"symbol": "BTCUSDT", "limit": 5})
    assert shape_problems(spot_book["httpResponse"], ours) == []
    ours = await usdm.fapiPublicGetDepth({"symbol": "BTCUSDT", "limit": 5})
    assert shape_problems(swap_book["httpResponse"], ours) == []


async def test_exchange_info_symbols_match_recorded_markets(spot: Any) -> None:
    markets = json.loads(MARKETS.read_text())
    spot_info = await spot.publicGetExchangeInfo({"symbol": "BTCUSDT"})
    (ours,) = spot_info["symbols"]
    assert shape_problems(markets["BTC/USDT"]["info"], ours) == []
    swap_info = await spot.fapiPublicGetExchangeInfo()
    ours = next(s for s in swap_info["symbols"] if s["symbol"] == "BTCUSDT")
    assert shape_problems(markets["BTC/USDT:USDT"]["info"], ours) == []


async def test_balance_and_position_payload_shapes(
    trading_state: dict[str, Any], spot: Any, usdm: Any
) -> None:
    case = recorded("fetchBalance", 0)
    assert shape_problems(case["httpResponse"], await spot.privateGetAccount()) == []
    case = recorded("fetchBalance", 1)  # the v2 account payload
    assert shape_problems(case["httpResponse"], await usdm.fapiPrivateV2GetAccount()) == []
    case = recorded("fetchPositions", 2)  # fapi/v3/account
    assert shape_problems(case["httpResponse"], await usdm.fapiPrivateV3GetAccount()) == []
    case = recorded("fetchPositions", 0)  # fapi/v3/positionRisk
    ours = await usdm.fapiPrivateV3GetPositionRisk()
    assert len(ours) == 1
    assert shape_problems(case["httpResponse"], ours) == []
    await usdm.load_leverage_brackets()
    gaps = unified_gaps(case["parsedResponse"][0], usdm.parse_position_risk(ours[0]))
    assert gaps == []
    case = recorded("fetchMarginMode", 0)  # fapi/v1/symbolConfig
    ours = await usdm.fapiPrivateGetSymbolConfig({"symbol": "BTCUSDT"})
    assert shape_problems(case["httpResponse"], ours) == []


async def test_order_and_trade_payload_shapes(
    trading_state: dict[str, Any], spot: Any, usdm: Any
) -> None:
    filled, open_spot, open_perp = (
        trading_state["filled"],
        trading_state["open_spot"],
        trading_state["open_perp"],
    )
    case = recorded("fetchOrder")  # a filled spot market order
    ours = await spot.privateGetOrder({"symbol": "BTCUSDT", "orderId": filled["id"]})
    assert shape_problems(case["httpResponse"], ours) == []
    assert unified_gaps(case["parsedResponse"], spot.parse_order(ours)) == []
    case = recorded("fetchOpenOrders", 0)
    ours = await spot.privateGetOpenOrders({"symbol": "BTCUSDT"})
    assert [o["orderId"] for o in ours] == [int(open_spot["id"])]
    assert shape_problems(case["httpResponse"], ours) == []
    case = recorded("fetchOpenOrder", 0)
    ours = await usdm.fapiPrivateGetOrder({"symbol": "BTCUSDT", "orderId": open_perp["id"]})
    assert shape_problems(case["httpResponse"], ours) == []
    case = recorded("createOrders", 0)  # a futures order as /fapi/v1/order returns it
    assert shape_problems(case["httpResponse"][0], open_perp["info"]) == []
    case = recorded("createOrder", 0)  # icebergQty only appears when an iceberg is requested
    ignore = frozenset({"icebergQty"})
    assert shape_problems(case["httpResponse"], open_spot["info"], ignore=ignore) == []
    case = recorded("fetchMyTrades", 0)
    ours = await spot.privateGetMyTrades({"symbol": "BTCUSDT"})
    assert shape_problems(case["httpResponse"], ours) == []
    assert unified_gaps(case["parsedResponse"][0], spot.parse_trade(ours[0])) == []
    case = recorded("fetchMyTrades", 1)
    ours = await usdm.fapiPrivateGetUserTrades({"symbol": "BTCUSDT"})
    assert shape_problems(case["httpResponse"], ours) == []
    assert unified_gaps(case["parsedResponse"][0], usdm.parse_trade(ours[0])) == []
