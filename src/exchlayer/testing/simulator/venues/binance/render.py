"""Binance's renderers: engine objects in Binance's JSON shapes (prices and quantities are
strings; ids, times and counts numbers)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from exchlayer.testing.simulator.engine import (
    ZERO,
    Account,
    Engine,
    Instrument,
    MarketStats,
    Order,
    OrderStatus,
    PositionView,
    Side,
    Trade,
)
from exchlayer.testing.simulator.venues.binance.tables import (
    FUTURES_ORDER_TYPES,
    FUTURES_RATE_LIMITS,
    FUTURES_TYPE_NAMES,
    SPOT,
    SPOT_ORDER_TYPES,
    SPOT_RATE_LIMITS,
    SPOT_TYPE_NAMES,
    STATUS,
    TIER_CAPS,
    USDM,
    BinanceOrder,
    plain,
)
from exchlayer.testing.simulator.wire import Call, VenueError
from exchlayer.testing.simulator.wire.numbers import decimals, fixed, json_number


def market_id(inst: Instrument) -> str:
    """`BTCUSDT`: the id of a spot pair and of its linear perpetual alike."""
    return f"{inst.base}{inst.quote}"


def fmt8(value: Decimal | None) -> str:
    """Eight decimals, Binance's spot rendering (`None` as zero)."""
    return f"{(value or ZERO):.8f}"


def spot_fill(t: Trade) -> dict[str, Any]:
    return {
        "price": fmt8(t.price),
        "qty": fmt8(t.amount),
        "commission": fmt8(t.fee),
        "commissionAsset": t.fee_asset,
        "tradeId": t.id,
    }


def spot_trade(inst: Instrument, t: Trade) -> dict[str, Any]:
    return {
        "symbol": market_id(inst),
        "id": t.id,
        "orderId": t.order_id,
        "orderListId": -1,
        "price": fmt8(t.price),
        "qty": fmt8(t.amount),
        "quoteQty": fmt8(t.quote_amount),
        "commission": fmt8(t.fee),
        "commissionAsset": t.fee_asset,
        "time": t.time_ms,
        "isBuyer": t.side is Side.BUY,
        "isMaker": t.is_maker,
        "isBestMatch": True,
    }


def futures_trade(inst: Instrument, t: Trade) -> dict[str, Any]:
    p, q = decimals(inst.price_tick), decimals(inst.amount_step)
    return {
        "symbol": market_id(inst),
        "id": t.id,
        "orderId": t.order_id,
        "side": t.side.value,
        "price": fixed(t.price, p),
        "qty": fixed(t.amount, q),
        "realizedPnl": plain(t.realized_pnl, 0, 8),
        "marginAsset": inst.settle,
        "quoteQty": plain(t.quote_amount, 5, 8),
        "commission": fmt8(t.fee),
        "commissionAsset": t.fee_asset,
        "time": t.time_ms,
        "positionSide": "BOTH",
        "maker": t.is_maker,
        "buyer": t.side is Side.BUY,
    }


def spot_symbol(inst: Instrument) -> dict[str, Any]:
    return {
        "symbol": market_id(inst),
        "status": "TRADING",
        "baseAsset": inst.base,
        "baseAssetPrecision": 8,
        "quoteAsset": inst.quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": SPOT_ORDER_TYPES,
        "icebergAllowed": True,
        "ocoAllowed": True,
        "otoAllowed": True,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": True,
        "cancelReplaceAllowed": True,
        "amendAllowed": True,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": True,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": fmt8(inst.lowest_price),
                "maxPrice": fmt8(inst.max_price),
                "tickSize": fmt8(inst.price_tick),
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": fmt8(inst.min_amount),
                "maxQty": fmt8(inst.max_amount),
                "stepSize": fmt8(inst.amount_step),
            },
            {"filterType": "ICEBERG_PARTS", "limit": 10},
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": fmt8(ZERO),
                "maxQty": fmt8(inst.max_amount),
                "stepSize": fmt8(ZERO),
            },
            {
                "filterType": "TRAILING_DELTA",
                "minTrailingAboveDelta": 10,
                "maxTrailingAboveDelta": 2000,
                "minTrailingBelowDelta": 10,
                "maxTrailingBelowDelta": 2000,
            },
            {
                "filterType": "PERCENT_PRICE_BY_SIDE",
                "bidMultiplierUp": "5",
                "bidMultiplierDown": "0.2",
                "askMultiplierUp": "5",
                "askMultiplierDown": "0.2",
                "avgPriceMins": 5,
            },
            {
                "filterType": "NOTIONAL",
                "minNotional": fmt8(inst.min_notional),
                "applyMinToMarket": True,
                "maxNotional": fmt8(Decimal(9_000_000)),
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5},
        ],
        "permissions": [],
        "permissionSets": [["SPOT", "MARGIN"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": [
            "EXPIRE_TAKER",
            "EXPIRE_MAKER",
            "EXPIRE_BOTH",
            "DECREMENT",
        ],
    }


def futures_symbol(inst: Instrument) -> dict[str, Any]:
    p, q = decimals(inst.price_tick), decimals(inst.amount_step)
    mmr_pct = inst.maintenance_margin_rate * 100
    return {
        "symbol": market_id(inst),
        "pair": market_id(inst),
        "contractType": "PERPETUAL",
        "deliveryDate": 4133404800000,
        "onboardDate": 1569398400000,
        "status": "TRADING",
        "maintMarginPercent": fixed(mmr_pct, 4),
        "requiredMarginPercent": fixed(mmr_pct * 2, 4),
        "baseAsset": inst.base,
        "quoteAsset": inst.quote,
        "marginAsset": inst.settle,
        "pricePrecision": p,
        "quantityPrecision": q,
        "baseAssetPrecision": 8,
        "quotePrecision": 8,
        "underlyingType": "COIN",
        "underlyingSubType": ["PoW"] if inst.base == "BTC" else [],
        "permissionSets": ["GRID", "COPY"],
        "settlePlan": 0,
        "triggerProtect": "0.0500",
        "liquidationFee": "0.012500",
        "marketTakeBound": "0.05",
        "maxMoveOrderLimit": 10000,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": fixed(inst.lowest_price, p),
                "maxPrice": plain(inst.max_price),
                "tickSize": fixed(inst.price_tick, p),
            },
            {
                "filterType": "LOT_SIZE",
                "stepSize": fixed(inst.amount_step, q),
                "minQty": fixed(inst.min_amount, q),
                "maxQty": plain(inst.max_amount),
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "stepSize": fixed(inst.amount_step, q),
                "minQty": fixed(inst.min_amount, q),
                "maxQty": plain(inst.max_amount),
            },
            {"filterType": "MAX_NUM_ORDERS", "limit": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 10},
            {"filterType": "MIN_NOTIONAL", "notional": plain(inst.min_notional)},
            {
                "filterType": "PERCENT_PRICE",
                "multiplierUp": "1.0500",
                "multiplierDown": "0.9500",
                "multiplierDecimal": "4",
            },
        ],
        "orderTypes": FUTURES_ORDER_TYPES,
        "timeInForce": ["GTC", "IOC", "FOK", "GTX", "GTD"],
    }


def brackets(inst: Instrument) -> list[dict[str, Any]]:
    out = []
    floor = ZERO
    cum = ZERO
    prev_mmr = inst.maintenance_margin_rate
    leverage = inst.max_leverage
    for n, cap in enumerate(TIER_CAPS, start=1):
        mmr = inst.maintenance_margin_rate * (2 ** (n - 1))
        cum += floor * (mmr - prev_mmr)
        out.append(
            {
                "bracket": n,
                "initialLeverage": max(1, leverage),
                "notionalCap": json_number(cap),
                "notionalFloor": json_number(floor),
                "maintMarginRatio": json_number(mmr),
                "cum": json_number(cum),
            }
        )
        prev_mmr, floor, leverage = mmr, cap, max(1, leverage // 2)
    return out


def max_notional(inst: Instrument, leverage: int) -> int:
    """The notional cap of the bracket whose leverage still allows ``leverage``."""
    allowed = inst.max_leverage
    cap = TIER_CAPS[0]
    for tier_cap in TIER_CAPS:
        if leverage <= allowed:
            cap = tier_cap
        allowed = max(1, allowed // 2)
    return int(cap)


def ticker_24hr(inst: Instrument, st: MarketStats, *, spot: bool) -> dict[str, Any]:
    """One `ticker/24hr` row."""
    p = 8 if spot else decimals(inst.price_tick)
    q = 8 if spot else decimals(inst.amount_step)
    pct = (st.change / st.open * 100) if st.open else ZERO
    out: dict[str, Any] = {
        "symbol": market_id(inst),
        "priceChange": fixed(st.change, p),
        "priceChangePercent": fixed(pct, 3),
        "weightedAvgPrice": fixed(st.weighted_average, p),
    }
    if spot:
        out["prevClosePrice"] = fixed(st.open, p)
    out["lastPrice"] = fixed(st.last, p)
    out["lastQty"] = fixed(st.last_qty, q)
    if spot:
        out.update(
            bidPrice=fixed(st.bid, p),
            bidQty=fixed(st.bid_qty, q),
            askPrice=fixed(st.ask, p),
            askQty=fixed(st.ask_qty, q),
        )
    out.update(
        openPrice=fixed(st.open, p),
        highPrice=fixed(st.high, p),
        lowPrice=fixed(st.low, p),
        volume=fixed(st.volume, q),
        quoteVolume=fixed(st.quote_volume, 8 if spot else 2),
        openTime=st.open_ms,
        closeTime=st.close_ms,
        firstId=st.first_trade_id,
        lastId=st.first_trade_id + st.trade_count - 1,
        count=st.trade_count,
    )
    return out


def capital_config(assets: Iterable[str], acct: Account) -> list[dict[str, Any]]:
    """`sapi/v1/capital/config/getall`: every asset, with the account's balance of it."""
    out = []
    for asset in assets:
        bal = acct.balances.get(asset)
        out.append(
            {
                "coin": asset,
                "depositAllEnable": True,
                "withdrawAllEnable": True,
                "name": asset,
                "free": plain(bal.free if bal else ZERO),
                "locked": plain(bal.locked if bal else ZERO),
                "freeze": "0",
                "withdrawing": "0",
                "ipoing": "0",
                "ipoable": "0",
                "storage": "0",
                "isLegalMoney": False,
                "trading": True,
                "networkList": [
                    {
                        "network": "ETH",
                        "coin": asset,
                        "withdrawIntegerMultiple": "0.00000001",
                        "isDefault": True,
                        "depositEnable": True,
                        "withdrawEnable": True,
                        "depositDesc": "",
                        "withdrawDesc": "",
                        "specialTips": "",
                        "specialWithdrawTips": "",
                        "name": "Ethereum (ERC20)",
                        "resetAddressStatus": False,
                        "addressRegex": "^(0x)[0-9A-Fa-f]{40}$",
                        "addressRule": "",
                        "memoRegex": "",
                        "withdrawFee": "1",
                        "withdrawMin": "10",
                        "withdrawMax": "10000000000",
                        "depositDust": "0.00000001",
                        "minConfirm": 12,
                        "unLockConfirm": 64,
                        "sameAddress": False,
                        "estimatedArrivalTime": 5,
                        "busy": False,
                        "contractAddressUrl": "https://etherscan.io/address/",
                        "contractAddress": "",
                    }
                ],
            }
        )
    return out


def spot_account(acct: Account) -> dict[str, Any]:
    fees = acct.fees
    return {
        "makerCommission": int(fees.spot_maker * 10_000),
        "takerCommission": int(fees.spot_taker * 10_000),
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {
            "maker": fmt8(fees.spot_maker),
            "taker": fmt8(fees.spot_taker),
            "buyer": fmt8(ZERO),
            "seller": fmt8(ZERO),
        },
        "canTrade": True,
        "canWithdraw": True,
        "canDeposit": True,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": max([acct.created_ms, *(t.time_ms for t in acct.trades[-1:])]),
        "accountType": "SPOT",
        "balances": [
            {"asset": asset, "free": fmt8(bal.free), "locked": fmt8(bal.locked)}
            for asset, bal in acct.balances.items()
        ],
        "permissions": ["SPOT"],
        "uid": 100_000_000 + acct.id,
    }


def spot_wire_type(order: Order) -> str:
    """The spot type the order was placed as (`LIMIT_MAKER` is a post-only `LIMIT`)."""
    return BinanceOrder.of(order).wire_type or SPOT_TYPE_NAMES[order.type]


def spot_order(inst: Instrument, order: Order, *, view: str) -> dict[str, Any]:
    """A spot order: `view="result"` as placing answers it, `"query"` as lookups do."""
    wire_type = spot_wire_type(order)
    pending = order.pending_trigger
    working = -1 if pending else (order.trigger_ms or order.created_ms)
    out: dict[str, Any] = {
        "symbol": market_id(inst),
        "orderId": order.id,
        "orderListId": -1,
        "clientOrderId": order.client_order_id,
    }
    if view == "result":
        out["transactTime"] = order.created_ms
    out.update(
        price=fmt8(order.price),
        origQty=fmt8(order.amount),
        executedQty=fmt8(order.filled),
    )
    if view == "result":
        out["origQuoteOrderQty"] = fmt8(order.quote_amount)
    out.update(
        cummulativeQuoteQty=fmt8(order.cost),
        status=STATUS[order.status],
        timeInForce=order.time_in_force.value,
        type=wire_type,
        side=order.side.value,
    )
    if view == "result":
        if order.stop_price is not None:
            out["stopPrice"] = fmt8(order.stop_price)
        out["workingTime"] = working
        out["selfTradePreventionMode"] = "EXPIRE_MAKER"
        return out
    out.update(
        stopPrice=fmt8(order.stop_price),
        icebergQty=fmt8(ZERO),
        time=order.created_ms,
        updateTime=order.updated_ms,
        isWorking=not pending,
        workingTime=working,
        origQuoteOrderQty=fmt8(order.quote_amount),
        selfTradePreventionMode="EXPIRE_MAKER",
    )
    return out


def futures_account(engine: Engine, acct: Account, *, v2: bool) -> dict[str, Any]:
    """`fapi/v3/account` (`v2`: `fapi/v2/account`)."""
    assets = dict.fromkeys(["USDT", *acct.futures_wallet])
    rows = []
    totals: dict[str, Decimal] = {}
    for asset in assets:
        s = engine.margin_summary(acct, asset)
        row: dict[str, Any] = {
            "asset": asset,
            "walletBalance": fmt8(s.wallet_balance),
            "unrealizedProfit": fmt8(s.unrealized_pnl),
            "marginBalance": fmt8(s.margin_balance),
            "maintMargin": fmt8(s.maintenance_margin),
            "initialMargin": fmt8(s.initial_margin),
            "positionInitialMargin": fmt8(s.position_initial_margin),
            "openOrderInitialMargin": fmt8(s.open_order_initial_margin),
            "crossWalletBalance": fmt8(s.wallet_balance),
            "crossUnPnl": fmt8(s.unrealized_pnl),
            "availableBalance": fmt8(s.available_balance),
            "maxWithdrawAmount": fmt8(min(s.available_balance, s.wallet_balance)),
        }
        if v2:
            row["marginAvailable"] = True
        row["updateTime"] = s.updated_ms if (s.wallet_balance or asset == "USDT") else 0
        rows.append(row)
        if asset == "USDT":
            totals = {
                "totalInitialMargin": s.initial_margin,
                "totalMaintMargin": s.maintenance_margin,
                "totalWalletBalance": s.wallet_balance,
                "totalUnrealizedProfit": s.unrealized_pnl,
                "totalMarginBalance": s.margin_balance,
                "totalPositionInitialMargin": s.position_initial_margin,
                "totalOpenOrderInitialMargin": s.open_order_initial_margin,
                "totalCrossWalletBalance": s.wallet_balance,
                "totalCrossUnPnl": s.unrealized_pnl,
                "availableBalance": s.available_balance,
                "maxWithdrawAmount": min(s.available_balance, s.wallet_balance),
            }
    out: dict[str, Any] = {}
    if v2:
        out.update(
            feeTier=0,
            canTrade=True,
            canDeposit=True,
            canWithdraw=True,
            tradeGroupId=-1,
            updateTime=0,
            multiAssetsMargin=False,
        )
    out.update({k: fmt8(v) for k, v in totals.items()})
    out["assets"] = rows
    positions = []
    for view in engine.positions(acct):
        inst = engine.instrument(view.symbol)
        if inst.settle != inst.quote:
            continue
        positions.append(
            {
                "symbol": market_id(inst),
                "positionSide": "BOTH",
                "positionAmt": fixed(view.amount, decimals(inst.amount_step)),
                "unrealizedProfit": fmt8(view.unrealized_pnl),
                "isolatedMargin": "0",
                "notional": fmt8(view.notional),
                "isolatedWallet": "0",
                "initialMargin": fmt8(view.initial_margin + view.open_order_initial_margin),
                "maintMargin": fmt8(view.maintenance_margin),
                "updateTime": view.updated_ms,
            }
        )
    out["positions"] = positions
    return out


def futures_order(inst: Instrument, order: Order, *, query: bool) -> dict[str, Any]:
    """A regular futures order (`query`: as lookups answer it)."""
    p, q = decimals(inst.price_tick), decimals(inst.amount_step)
    avg = order.average_price
    wire_type = FUTURES_TYPE_NAMES[order.type]
    out: dict[str, Any] = {
        "orderId": order.id,
        "symbol": market_id(inst),
        "status": STATUS[order.status],
        "clientOrderId": order.client_order_id,
        "price": fixed(order.price or ZERO, p),
        "avgPrice": plain(avg, p, 8) if avg is not None else fixed(ZERO, p),
        "origQty": fixed(order.amount or ZERO, q),
        "executedQty": fixed(order.filled, q),
        "cumQty": fixed(order.filled, q),
        "cumQuote": plain(order.cost, 5, 8),
        "timeInForce": "GTX" if order.post_only else order.time_in_force.value,
        "type": wire_type,
        "reduceOnly": order.reduce_only,
        "closePosition": False,
        "side": order.side.value,
        "positionSide": "BOTH",
        "stopPrice": fixed(order.stop_price or ZERO, p),
        "workingType": "CONTRACT_PRICE",
        "priceProtect": False,
        "origType": wire_type,
        "priceMatch": "NONE",
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "goodTillDate": 0,
    }
    if query:
        out["time"] = order.created_ms
    out["updateTime"] = order.updated_ms
    return out


def algo_order(inst: Instrument, order: Order, child: Order | None) -> dict[str, Any]:
    """A futures algo (conditional) order; `child` is the order it placed when it fired."""
    p, q = decimals(inst.price_tick), decimals(inst.amount_step)
    if order.status is OrderStatus.TRIGGERED:
        status = "TRIGGERED" if child is not None and child.is_open else "FINISHED"
    else:
        status = STATUS[order.status]
    actual_price = child.average_price if child is not None else None
    return {
        "algoId": order.id,
        "clientAlgoId": order.client_order_id,
        "algoType": "CONDITIONAL",
        "orderType": FUTURES_TYPE_NAMES[order.type],
        "symbol": market_id(inst),
        "side": order.side.value,
        "positionSide": "BOTH",
        "timeInForce": "GTX" if order.post_only else order.time_in_force.value,
        "quantity": fixed(order.amount or ZERO, q),
        "algoStatus": status,
        "actualOrderId": str(child.id) if child is not None else "",
        "actualPrice": plain(actual_price, p, 8) if actual_price else fixed(ZERO, p),
        "triggerPrice": fixed(order.stop_price or ZERO, p),
        "price": fixed(order.price or ZERO, p),
        "icebergQuantity": None,
        "tpTriggerPrice": fixed(ZERO, p),
        "tpPrice": fixed(ZERO, p),
        "slTriggerPrice": fixed(ZERO, p),
        "slPrice": fixed(ZERO, p),
        "tpOrderType": "",
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "workingType": "CONTRACT_PRICE",
        "priceMatch": "NONE",
        "closePosition": False,
        "priceProtect": False,
        "reduceOnly": order.reduce_only,
        "createTime": order.created_ms,
        "updateTime": order.updated_ms,
        "triggerTime": order.trigger_ms,
        "goodTillDate": 0,
    }


def position_row(view: PositionView, inst: Instrument, taker: Decimal, *, v2: bool
                 ) -> dict[str, Any]:
    """One `positionRisk` row (`v2`: `fapi/v2/positionRisk`)."""
    q = decimals(inst.amount_step)
    if view.amount > 0:
        break_even = view.entry_price * (1 + taker)
    elif view.amount < 0:
        break_even = view.entry_price * (1 - taker)
    else:
        break_even = ZERO
    row: dict[str, Any] = {
        "symbol": market_id(inst),
        "positionSide": "BOTH",
        "positionAmt": fixed(view.amount, q),
        "entryPrice": plain(view.entry_price, 1, 8),
        "breakEvenPrice": plain(break_even, 1, 8),
        "markPrice": fmt8(view.mark_price),
        "unRealizedProfit": fmt8(view.unrealized_pnl),
        "liquidationPrice": fmt8(view.liquidation_price),
        "isolatedMargin": "0",
        "notional": fmt8(view.notional),
        "marginAsset": view.margin_asset,
        "isolatedWallet": "0",
        "initialMargin": fmt8(view.initial_margin + view.open_order_initial_margin),
        "maintMargin": fmt8(view.maintenance_margin),
        "positionInitialMargin": fmt8(view.initial_margin),
        "openOrderInitialMargin": fmt8(view.open_order_initial_margin),
        "adl": 0 if view.amount == 0 else 2,
        "bidNotional": "0",
        "askNotional": "0",
        "updateTime": view.updated_ms,
    }
    if v2:
        for key in _V3_ONLY:
            row.pop(key)
        row.update(
            leverage=str(view.leverage),
            maxNotionalValue=str(max_notional(inst, view.leverage)),
            marginType="cross",
            isAutoAddMargin="false",
            isolated=False,
            adlQuantile=0,
        )
    return row


_V3_ONLY = ("marginAsset", "initialMargin", "maintMargin", "positionInitialMargin",
            "openOrderInitialMargin", "adl", "bidNotional", "askNotional")


class BinanceRender:
    """Binance's lookups and the answers that are shapes only (mixed into `BinanceVenue`)."""

    engine: Engine
    _ids: dict[str, dict[str, Instrument]]
    _info_cache: dict[tuple[str, str], dict[str, Any]]

    def _instrument(self, call: Call, required: bool = True) -> Instrument | None:
        found = call.require("symbol") if required else call.get("symbol")
        if found is None:
            return None
        inst = self._ids.get(call.surface, {}).get(found)
        if inst is None:
            raise VenueError(-1121, "Invalid symbol.")
        return inst

    def _inst(self, call: Call) -> Instrument:
        inst = self._instrument(call)
        assert inst is not None
        return inst

    def _many(self, call: Call) -> list[Instrument] | None:
        """Instruments named by `symbol` / `symbols`; `None` means a single object."""
        if call.get("symbol") is not None:
            return None
        raw = call.get("symbols")
        table = self._ids.get(call.surface, {})
        if raw is None:
            return list(table.values())
        out = []
        for name in re.findall(r'"([^"]+)"', raw):
            if name not in table:
                raise VenueError(-1121, "Invalid symbol.")
            out.append(table[name])
        return out

    def _one_or_many(self, call: Call, one: Any) -> Any:
        many = self._many(call)
        return one(self._inst(call)) if many is None else [one(i) for i in many]

    def exchange_info(self, call: Call) -> Any:
        surface = call.surface
        selected: Iterable[Instrument]
        if call.get("symbol") is not None:
            selected = [self._inst(call)]
        else:
            selected = self._ids.get(surface, {}).values()
        symbols = [self._symbol_info(surface, inst) for inst in selected]
        if surface == SPOT:
            return {
                "timezone": "UTC",
                "serverTime": self.engine.now_ms(),
                "rateLimits": SPOT_RATE_LIMITS,
                "exchangeFilters": [],
                "symbols": symbols,
            }
        info: dict[str, Any] = {
            "timezone": "UTC",
            "serverTime": self.engine.now_ms(),
            "futuresType": "U_MARGINED" if surface == USDM else "COIN_MARGINED",
            "rateLimits": FUTURES_RATE_LIMITS,
            "exchangeFilters": [],
            "symbols": symbols,
        }
        if surface == USDM:
            settles = sorted({i.settle for i in self._ids[USDM].values() if i.settle})
            info["assets"] = [
                {"asset": a, "marginAvailable": True, "autoAssetExchange": "-10000"}
                for a in settles
            ]
        return info

    def _symbol_info(self, surface: str, inst: Instrument) -> dict[str, Any]:
        key = (surface, inst.symbol)
        info = self._info_cache.get(key)
        if info is None:
            info = spot_symbol(inst) if surface == SPOT else futures_symbol(inst)
            self._info_cache[key] = info
        return info

    def ticker_price(self, call: Call) -> Any:
        def one(inst: Instrument) -> dict[str, Any]:
            p = 8 if call.surface == SPOT else decimals(inst.price_tick)
            out: dict[str, Any] = {
                "symbol": market_id(inst),
                "price": fixed(self.engine.price(inst.symbol), p),
            }
            if call.surface != SPOT:
                out["time"] = self.engine.now_ms()
            return out

        return self._one_or_many(call, one)

    def book_ticker(self, call: Call) -> Any:
        def one(inst: Instrument) -> dict[str, Any]:
            spot = call.surface == SPOT
            p = 8 if spot else decimals(inst.price_tick)
            q = 8 if spot else decimals(inst.amount_step)
            (bid, bq), (ask, aq) = self.engine.best_bid_ask(inst.symbol)
            out: dict[str, Any] = {
                "symbol": market_id(inst),
                "bidPrice": fixed(bid, p),
                "bidQty": fixed(bq, q),
                "askPrice": fixed(ask, p),
                "askQty": fixed(aq, q),
            }
            if not spot:
                out["time"] = self.engine.now_ms()
                out["lastUpdateId"] = self.engine.book(inst.symbol, 1).update_id
            return out

        return self._one_or_many(call, one)

    def premium_index(self, call: Call) -> Any:
        def one(inst: Instrument) -> dict[str, Any]:
            now = self.engine.now_ms()
            price = self.engine.price(inst.symbol)
            return {
                "symbol": market_id(inst),
                "markPrice": fmt8(price),
                "indexPrice": fmt8(price),
                "estimatedSettlePrice": fmt8(price),
                "lastFundingRate": "0.00010000",
                "interestRate": "0.00010000",
                "nextFundingTime": (now // 28_800_000 + 1) * 28_800_000,
                "time": now,
            }

        return self._one_or_many(call, one)

    def margin_all_pairs(self, call: Call) -> list[dict[str, Any]]:
        return [
            {
                "id": str(351637150141315861 + n),
                "symbol": mid,
                "base": inst.base,
                "quote": inst.quote,
                "isMarginTrade": True,
                "isBuyAllowed": True,
                "isSellAllowed": True,
            }
            for n, (mid, inst) in enumerate(self._ids[SPOT].items())
        ]

    def isolated_all_pairs(self, call: Call) -> list[dict[str, Any]]:
        return [
            {
                "symbol": mid,
                "base": inst.base,
                "quote": inst.quote,
                "isMarginTrade": True,
                "isBuyAllowed": True,
                "isSellAllowed": True,
            }
            for mid, inst in self._ids[SPOT].items()
        ]

    def leverage_bracket(self, call: Call) -> Any:
        inst = self._instrument(call, required=False)
        selected = [inst] if inst else list(self._ids[USDM].values())
        rows = [
            {"symbol": market_id(i), "notionalCoef": 1.0, "brackets": brackets(i)}
            for i in selected
        ]
        return rows[0] if inst else rows

    def symbol_config(self, call: Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        selected = [inst] if inst else list(self._ids[USDM].values())
        out = []
        for i in selected:
            lev = self.engine.get_leverage(call.acct, i.symbol)
            out.append(
                {
                    "symbol": market_id(i),
                    "marginType": "CROSSED",
                    "isAutoAddMargin": False,
                    "leverage": lev,
                    "maxNotionalValue": str(max_notional(i, lev)),
                }
            )
        return out
