"""KuCoin's renderers: engine objects in KuCoin's JSON shapes (spot numbers are strings;
futures sizes are integers and contract, position and account figures JSON numbers, while order
prices and values are strings)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import (
    ZERO,
    Account,
    Engine,
    FeeSchedule,
    Instrument,
    Order,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
    Trade,
)
from exchlayer.testing.simulator.venues.kucoin.tables import (
    CLIENT_OID,
    EIGHT_HOURS_MS,
    NS,
    KucoinOrder,
)
from exchlayer.testing.simulator.wire import Call, VenueError
from exchlayer.testing.simulator.wire.numbers import decimals, json_number

__all__ = ["KucoinRender", "part_depth"]


def param_error(msg: str) -> VenueError:
    """KuCoin's answer to a bad parameter (400100, HTTP 200)."""
    return VenueError("400100", msg)


def fmt(value: Decimal, step: Decimal) -> str:
    """`value` with the decimals of `step`."""
    return f"{value:.{decimals(step)}f}"


def plain(value: Decimal) -> str:
    """Shortest plain decimal text: ``Decimal("50000.10")`` -> ``"50000.1"``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def f20(value: Decimal | None) -> str | None:
    """KuCoin's 20-decimal rendering of stop-order figures."""
    return None if value is None else f"{value:.20f}"


def hex_id(number: int) -> str:
    return f"{number:024x}"


def stop_id(number: int) -> str:
    return f"vs{number:022x}"


def parse_id(raw: str, pattern: re.Pattern[str]) -> int | None:
    if not pattern.match(raw):
        return None
    return int(raw[2:] if raw.startswith("vs") else raw, 16)


def base_id(inst: Instrument) -> str:
    return "XBT" if inst.base == "BTC" else inst.base


def spot_market_id(inst: Instrument) -> str:
    return f"{inst.base}-{inst.quote}"


def futures_market_id(inst: Instrument) -> str:
    return f"{base_id(inst)}{inst.quote}M"


def lot(inst: Instrument) -> Decimal:
    """Engine units (contracts) in one KuCoin lot."""
    return inst.amount_step


def multiplier(inst: Instrument) -> Decimal:
    """Base currency in one KuCoin lot."""
    return inst.amount_step * inst.contract_size


def lots(amount: Decimal, inst: Instrument) -> int:
    return int(amount / lot(inst))


def is_cancelled(order: Order) -> bool:
    return order.status in (OrderStatus.CANCELED, OrderStatus.EXPIRED)


def page(items: list[dict[str, Any]], call: Call, default_size: int) -> dict[str, Any]:
    page = max(call.integer("currentPage", default=1) or 1, 1)
    size = min(max(call.integer("pageSize", default=default_size) or default_size, 1), 1000)
    total = len(items)
    chosen = items[(page - 1) * size : page * size]
    return {
        "currentPage": page,
        "pageSize": size,
        "totalNum": total,
        "totalPage": (total + size - 1) // size,
        "items": chosen,
    }

def part_depth(call: Call) -> int:
    """The depth of KuCoin's partial books: 20 or 100 levels (any other path is unknown)."""
    depth = call.args["depth"]
    if depth not in ("20", "100"):
        raise VenueError("404000", "Not Found", 404)
    return int(depth)


def side_of(raw: str | None) -> Side:
    if raw is None:
        raise param_error("side is required")
    try:
        return Side(raw.upper())
    except ValueError:
        raise param_error("side is invalid") from None


def client_oid_of(raw: str | None) -> str | None:
    if raw is None:
        return None
    if not CLIENT_OID.match(raw):
        raise param_error("clientOid is invalid")
    return raw


def trigger_type(side: Side, rising: bool, limit: bool) -> OrderType:
    """The engine's trigger type: a STOP rises for a buy and falls for a sell, TAKE_PROFIT the
    other way round."""
    if rising == (side is Side.BUY):
        return OrderType.STOP_LIMIT if limit else OrderType.STOP
    return OrderType.TAKE_PROFIT_LIMIT if limit else OrderType.TAKE_PROFIT


def by_client_id(orders: Iterable[Order], client_id: str) -> Order | None:
    """The open order with ``client_id``, else the newest one."""
    newest: Order | None = None
    for order in orders:
        if order.client_order_id != client_id:
            continue
        if order.is_open:
            return order
        if newest is None or order.id > newest.id:
            newest = order
    return newest


def spot_time_in_force(call: Call) -> tuple[TimeInForce, bool]:
    raw = (call.get("timeInForce") or "GTC").upper()
    if raw == "GTT":
        raise param_error("simulator: timeInForce GTT is not served")
    try:
        tif = TimeInForce(raw)
    except ValueError:
        raise param_error("timeInForce is invalid") from None
    post_only = call.flag("postOnly")
    if post_only and tif is not TimeInForce.GTC:
        raise param_error("postOnly is invalid when timeInForce is IOC or FOK")
    return tif, post_only




def leverage_of(raw: str) -> int:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise param_error("Leverage parameter invalid.") from None
    if value != value.to_integral_value() or value < 1:
        raise param_error("Leverage parameter invalid.")
    return int(value)


class KucoinRender:
    """The JSON shapes of KuCoin's answers (mixed into `KucoinVenue`)."""

    engine: Engine
    fees: ClassVar[FeeSchedule]
    _spot: dict[str, Instrument]
    _futures: dict[str, Instrument]

    def _spot_inst(self, call: Call) -> Instrument:
        inst = self._spot.get(call.require("symbol"))
        if inst is None:
            raise param_error("Unsupported trading pair.")
        return inst

    def _futures_inst(self, call: Call, *, required: bool = True) -> Instrument | None:
        market_id = call.require("symbol") if required else call.get("symbol")
        if market_id is None:
            return None
        inst = self._futures.get(market_id)
        if inst is None:
            raise param_error("Unsupported trading pair.")
        return inst

    def _fut(self, call: Call) -> Instrument:
        inst = self._futures_inst(call)
        assert inst is not None
        return inst

    def _assets(self) -> list[str]:
        seen: dict[str, None] = {}
        for inst in self._spot.values():
            seen.setdefault(inst.base)
            seen.setdefault(inst.quote)
        for inst in self._futures.values():
            seen.setdefault(inst.base)
            seen.setdefault(inst.quote)
        return list(seen)

    def currencies(self, call: Call) -> list[dict[str, Any]]:
        return [
            {
                "currency": asset,
                "name": asset,
                "fullName": asset,
                "precision": 8,
                "confirms": None,
                "contractAddress": None,
                "isMarginEnabled": True,
                "isDebitEnabled": True,
                "chains": [
                    {
                        "chainName": "ERC20",
                        "withdrawalMinSize": "10",
                        "depositMinSize": None,
                        "withdrawFeeRate": "0",
                        "withdrawalMinFee": "1",
                        "isWithdrawEnabled": True,
                        "isDepositEnabled": True,
                        "confirms": 12,
                        "preConfirms": 12,
                        "contractAddress": "",
                        "withdrawPrecision": 8,
                        "maxWithdraw": None,
                        "maxDeposit": None,
                        "needTag": False,
                        "chainId": "eth",
                    }
                ],
            }
            for asset in self._assets()
        ]

    def _symbol_info(self, inst: Instrument) -> dict[str, Any]:
        return {
            "symbol": spot_market_id(inst),
            "name": spot_market_id(inst),
            "baseCurrency": inst.base,
            "quoteCurrency": inst.quote,
            "feeCurrency": inst.quote,
            "market": "USDS",
            "baseMinSize": plain(inst.min_amount),
            "quoteMinSize": plain(inst.min_notional),
            "baseMaxSize": plain(inst.max_amount),
            "quoteMaxSize": "99999999",
            "baseIncrement": plain(inst.amount_step),
            "quoteIncrement": plain(inst.price_tick),
            "priceIncrement": plain(inst.price_tick),
            "priceLimitRate": "0.1",
            "minFunds": plain(inst.min_notional),
            "isMarginEnabled": True,
            "enableTrading": True,
            "feeCategory": 1,
            "makerFeeCoefficient": "1.00",
            "takerFeeCoefficient": "1.00",
            "st": False,
            "callauctionIsEnabled": False,
            "callauctionPriceFloor": None,
            "callauctionPriceCeiling": None,
            "callauctionFirstStageStartTime": None,
            "callauctionSecondStageStartTime": None,
            "callauctionThirdStageStartTime": None,
            "tradingStartTime": None,
        }

    def margin_symbols(self, call: Call) -> dict[str, Any]:
        items = []
        for inst in self._spot.values():
            info = self._symbol_info(inst)
            items.append(
                {
                    key: info[key]
                    for key in (
                        "symbol",
                        "name",
                        "enableTrading",
                        "market",
                        "baseCurrency",
                        "quoteCurrency",
                        "baseIncrement",
                        "baseMinSize",
                        "baseMaxSize",
                        "quoteIncrement",
                        "quoteMinSize",
                        "quoteMaxSize",
                        "priceIncrement",
                        "feeCurrency",
                        "priceLimitRate",
                        "minFunds",
                    )
                }
            )
        return {"timestamp": self.engine.now_ms(), "items": items}

    def isolated_symbols(self, call: Call) -> list[dict[str, Any]]:
        return [
            {
                "symbol": spot_market_id(inst),
                "symbolName": spot_market_id(inst),
                "baseCurrency": inst.base,
                "quoteCurrency": inst.quote,
                "maxLeverage": 10,
                "flDebtRatio": "0.97",
                "tradeEnable": True,
                "autoRenewMaxDebtRatio": "0.96",
                "baseBorrowEnable": True,
                "quoteBorrowEnable": True,
                "baseTransferInEnable": True,
                "quoteTransferInEnable": True,
                "baseBorrowCoefficient": "1",
                "quoteBorrowCoefficient": "1",
            }
            for inst in self._spot.values()
        ]

    def _spot_ticker(self, inst: Instrument, *, all_tickers: bool) -> dict[str, Any]:
        st = self.engine.stats(inst.symbol)
        tick, step = inst.price_tick, inst.amount_step
        rate = (st.change / st.open) if st.open else ZERO
        out: dict[str, Any] = {}
        if not all_tickers:
            out["time"] = st.close_ms
        out["symbol"] = spot_market_id(inst)
        if all_tickers:
            out["symbolName"] = spot_market_id(inst)
        out["buy"] = fmt(st.bid, tick)
        if all_tickers:
            out["bestBidSize"] = fmt(st.bid_qty, step)
        out["sell"] = fmt(st.ask, tick)
        if all_tickers:
            out["bestAskSize"] = fmt(st.ask_qty, step)
        out.update(
            changeRate=f"{rate:.4f}",
            changePrice=fmt(st.change, tick),
            high=fmt(st.high, tick),
            low=fmt(st.low, tick),
            vol=fmt(st.volume, step),
            volValue=plain(st.quote_volume),
            last=fmt(st.last, tick),
            averagePrice=fmt(st.weighted_average, Decimal("0.00000001")),
            takerFeeRate=plain(self.fees.spot_taker),
            makerFeeRate=plain(self.fees.spot_maker),
            takerCoefficient="1",
            makerCoefficient="1",
        )
        return out

    def _hf_order(self, acct: Account, order: Order) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        trades = self.engine.order_trades(acct, order)
        fee = sum((t.fee for t in trades), ZERO)
        by_funds = order.quote_amount is not None
        is_open = order.is_open
        remaining = order.remaining if not by_funds else ZERO
        cancelled = is_cancelled(order)
        if order.price is not None and order.amount is not None:
            funds = order.price * order.amount
        else:
            funds = order.quote_amount or ZERO
        return {
            "id": hex_id(order.id),
            "clientOid": order.client_order_id,
            "symbol": spot_market_id(inst),
            "opType": "DEAL",
            "type": "limit" if order.type.has_limit_price else "market",
            "side": order.side.value.lower(),
            "price": plain(order.price or ZERO),
            "size": "0" if by_funds else plain(order.amount or ZERO),
            "funds": plain(funds),
            "dealSize": plain(order.filled),
            "dealFunds": plain(order.cost),
            "fee": plain(fee),
            "feeCurrency": trades[0].fee_asset if trades else inst.quote,
            "stp": None,
            "timeInForce": order.time_in_force.value,
            "postOnly": order.post_only,
            "hidden": False,
            "iceberg": False,
            "visibleSize": "0",
            "cancelAfter": 0,
            "channel": "API",
            "remark": None,
            "tags": None,
            "cancelExist": cancelled,
            "createdAt": order.created_ms,
            "lastUpdatedAt": order.updated_ms,
            "tradeType": "TRADE",
            "inOrderBook": is_open and order.price is not None,
            "cancelledSize": plain(remaining if cancelled else ZERO),
            "cancelledFunds": plain(
                (order.price or ZERO) * remaining if cancelled else ZERO
            ),
            "remainSize": plain(remaining if is_open else ZERO),
            "remainFunds": plain((order.price or ZERO) * remaining if is_open else ZERO),
            "tax": "0",
            "active": is_open,
        }

    def _spot_fill(self, acct: Account, inst: Instrument, trade: Trade) -> dict[str, Any]:
        order = acct.orders.get(trade.order_id)
        order_type = "limit" if order is not None and order.type.has_limit_price else "market"
        rate = acct.fees.rate("spot", maker=trade.is_maker)
        return {
            "id": trade.id,
            "orderId": hex_id(trade.order_id),
            "counterOrderId": hex_id(trade.id * 7 + 1),
            "tradeId": trade.id,
            "symbol": spot_market_id(inst),
            "side": trade.side.value.lower(),
            "liquidity": "maker" if trade.is_maker else "taker",
            "type": order_type,
            "forceTaker": False,
            "price": fmt(trade.price, inst.price_tick),
            "size": fmt(trade.amount, inst.amount_step),
            "funds": plain(trade.quote_amount),
            "fee": plain(trade.fee),
            "feeRate": plain(rate),
            "feeCurrency": trade.fee_asset,
            "stop": "",
            "tradeType": "TRADE",
            "taxRate": "0",
            "tax": "0",
            "createdAt": trade.time_ms,
        }

    def _stop_order(self, acct: Account, order: Order) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        if order.pending_trigger:
            status = "NEW"
        elif order.status is OrderStatus.TRIGGERED:
            status = "TRIGGERED"
        else:
            status = "CANCEL"
        return {
            "id": stop_id(order.id),
            "symbol": spot_market_id(inst),
            "userId": f"{acct.id:024x}",
            "status": status,
            "type": "limit" if order.type.has_limit_price else "market",
            "side": order.side.value.lower(),
            "price": f20(order.price),
            "size": f20(order.amount),
            "funds": f20(order.quote_amount),
            "stp": None,
            "timeInForce": order.time_in_force.value,
            "cancelAfter": -1,
            "postOnly": order.post_only,
            "hidden": False,
            "iceberg": False,
            "visibleSize": None,
            "channel": "API",
            "clientOid": order.client_order_id,
            "remark": None,
            "tags": None,
            "relatedNo": None,
            "orderTime": order.created_ms * NS,
            "domainId": "kucoin",
            "tradeSource": "USER",
            "tradeType": "TRADE",
            "feeCurrency": inst.quote,
            "takerFeeRate": f20(acct.fees.spot_taker),
            "makerFeeRate": f20(acct.fees.spot_maker),
            "createdAt": order.created_ms,
            "stop": KucoinOrder.of(order).stop or "loss",
            "stopTriggerTime": order.trigger_ms or None,
            "stopPrice": f20(order.stop_price),
        }

    def _contract(self, inst: Instrument) -> dict[str, Any]:
        st = self.engine.stats(inst.symbol)
        base = base_id(inst)
        market_id = futures_market_id(inst)
        now = self.engine.now_ms()
        mark = self.engine.price(inst.symbol)
        change_pct = (st.change / st.open) if st.open else ZERO
        return {
            "symbol": market_id,
            "rootSymbol": inst.settle,
            "type": "FFWCSX",
            "firstOpenDate": 1585555200000,
            "expireDate": None,
            "settleDate": None,
            "baseCurrency": base,
            "quoteCurrency": inst.quote,
            "settleCurrency": inst.settle,
            "maxOrderQty": lots(inst.max_amount, inst),
            "maxPrice": json_number(inst.max_price),
            "lotSize": 1,
            "tickSize": json_number(inst.price_tick),
            "indexPriceTickSize": json_number(inst.price_tick),
            "multiplier": json_number(multiplier(inst)),
            "initialMargin": json_number(Decimal(1) / inst.max_leverage),
            "maintainMargin": json_number(inst.maintenance_margin_rate),
            "maxRiskLimit": 100000,
            "minRiskLimit": 100000,
            "riskStep": 50000,
            "makerFeeRate": json_number(self.fees.swap_maker),
            "takerFeeRate": json_number(self.fees.swap_taker),
            "takerFixFee": 0,
            "makerFixFee": 0,
            "settlementFee": None,
            "isDeleverage": True,
            "isQuanto": True,
            "isInverse": False,
            "markMethod": "FairPrice",
            "fairMethod": "FundingRate",
            "fundingBaseSymbol": f".{base}INT8H",
            "fundingQuoteSymbol": f".{inst.quote}INT8H",
            "fundingRateSymbol": f".{market_id}FPI8H",
            "indexSymbol": f".K{base}{inst.quote}",
            "settlementSymbol": "",
            "status": "Open",
            "fundingFeeRate": 0.0001,
            "predictedFundingFeeRate": 0.0001,
            "fundingRateGranularity": EIGHT_HOURS_MS,
            "openInterest": "0",
            "turnoverOf24h": json_number(st.quote_volume),
            "volumeOf24h": json_number(st.volume * multiplier(inst) / lot(inst)),
            "markPrice": json_number(mark),
            "indexPrice": json_number(mark),
            "lastTradePrice": json_number(st.last),
            "nextFundingRateTime": EIGHT_HOURS_MS - now % EIGHT_HOURS_MS,
            "maxLeverage": inst.max_leverage,
            "sourceExchanges": ["okex", "binance", "kucoin", "bybit", "bitget", "gateio"],
            "premiumsSymbol1M": f".{market_id}PI",
            "premiumsSymbol8H": f".{market_id}PI8H",
            "fundingBaseSymbol1M": f".{base}INT",
            "fundingQuoteSymbol1M": f".{inst.quote}INT",
            "lowPrice": json_number(st.low),
            "highPrice": json_number(st.high),
            "priceChgPct": json_number(change_pct.quantize(Decimal("0.0001"))),
            "priceChg": json_number(st.change),
            "k": 490.0,
            "m": 300.0,
            "f": 1.3,
            "mmrLimit": 0.3,
            "mmrLevConstant": float(inst.max_leverage),
            "supportCross": True,
            "buyLimit": json_number(mark * Decimal("1.05")),
            "sellLimit": json_number(mark * Decimal("0.95")),
        }

    def futures_ticker(self, call: Call) -> dict[str, Any]:
        inst = self._fut(call)
        st = self.engine.stats(inst.symbol)
        now = self.engine.now_ms()
        return {
            "sequence": st.trade_count,
            "symbol": futures_market_id(inst),
            "side": "buy",
            "size": lots(st.last_qty, inst),
            "tradeId": hex_id(st.first_trade_id + st.trade_count),
            "price": fmt(st.last, inst.price_tick),
            "bestBidPrice": fmt(st.bid, inst.price_tick),
            "bestBidSize": lots(st.bid_qty, inst),
            "bestAskPrice": fmt(st.ask, inst.price_tick),
            "bestAskSize": lots(st.ask_qty, inst),
            "ts": now * NS,
        }

    def _futures_book(self, call: Call, depth: int) -> dict[str, Any]:
        inst = self._fut(call)
        snap = self.engine.book(inst.symbol, depth)
        return {
            "symbol": futures_market_id(inst),
            "sequence": snap.update_id,
            "asks": [[json_number(p), lots(s, inst)] for p, s in snap.asks],
            "bids": [[json_number(p), lots(s, inst)] for p, s in snap.bids],
            "ts": snap.time_ms * NS,
        }

    def account_overview(self, call: Call) -> dict[str, Any]:
        currency = call.get("currency") or "XBT"
        asset = "BTC" if currency == "XBT" else currency
        s = self.engine.margin_summary(call.acct, asset)
        risk = (s.maintenance_margin / s.margin_balance) if s.margin_balance else ZERO
        return {
            "accountEquity": json_number(s.margin_balance),
            "unrealisedPNL": json_number(s.unrealized_pnl),
            "marginBalance": json_number(s.wallet_balance),
            "positionMargin": json_number(s.position_initial_margin),
            "orderMargin": json_number(s.open_order_initial_margin),
            "frozenFunds": 0,
            "availableBalance": json_number(s.available_balance),
            "currency": currency,
            "riskRatio": json_number(risk.quantize(Decimal("0.0001"))),
            "maxWithdrawAmount": json_number(min(s.available_balance, s.wallet_balance)),
        }

    def _position_row(self, acct: Account, inst: Instrument) -> dict[str, Any]:
        view = self.engine.position(acct, inst.symbol)
        state = acct.positions.get(inst.symbol)
        qty = view.amount * inst.contract_size  # signed base units
        cost = view.entry_price * qty
        margin = view.initial_margin
        roe = (view.unrealized_pnl / margin) if margin else ZERO
        pnl_pct = (view.unrealized_pnl / abs(cost)) if cost else ZERO
        now = self.engine.now_ms()
        return {
            "id": f"{acct.id:08x}{zlib.crc32(inst.symbol.encode()):016x}",
            "symbol": futures_market_id(inst),
            "autoDeposit": False,
            "crossMode": True,
            "marginMode": "CROSS",
            "positionSide": "BOTH",
            "leverage": view.leverage,
            "maintMarginReq": json_number(inst.maintenance_margin_rate),
            "riskLimit": 100000,
            "realLeverage": view.leverage,
            "delevPercentage": 0.5 if view.amount else 0.0,
            "openingTimestamp": view.updated_ms,
            "currentTimestamp": now,
            "currentQty": lots(view.amount, inst),
            "currentCost": json_number(cost),
            "currentComm": 0,
            "unrealisedCost": json_number(cost),
            "realisedGrossCost": json_number(-(state.realized_pnl if state else ZERO)),
            "realisedCost": json_number(-(state.realized_pnl if state else ZERO)),
            "isOpen": view.amount != 0,
            "markPrice": json_number(view.mark_price),
            "markValue": json_number(view.notional),
            "posCost": json_number(cost),
            "posCross": 0,
            "posCrossMargin": 0,
            "posInit": json_number(margin),
            "posComm": 0,
            "posCommCommon": 0,
            "posLoss": 0,
            "posMargin": json_number(margin),
            "posFunding": 0,
            "posMaint": json_number(view.maintenance_margin),
            "maintMargin": json_number(margin + view.unrealized_pnl),
            "realisedGrossPnl": json_number(view.realized_pnl),
            "realisedPnl": json_number(view.realized_pnl),
            "unrealisedPnl": json_number(view.unrealized_pnl),
            "unrealisedPnlPcnt": json_number(pnl_pct.quantize(Decimal("0.0001"))),
            "unrealisedRoePcnt": json_number(roe.quantize(Decimal("0.0001"))),
            "avgEntryPrice": json_number(view.entry_price),
            "liquidationPrice": json_number(view.liquidation_price),
            "bankruptPrice": json_number(view.liquidation_price),
            "settleCurrency": inst.settle,
            "isInverse": False,
            "maintainMargin": json_number(inst.maintenance_margin_rate),
        }

    def _futures_order(self, order: Order) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        mult = multiplier(inst)
        amount = order.amount or ZERO
        avg = order.average_price
        ref = order.price or avg or ZERO
        stop = KucoinOrder.of(order).stop
        leverage = order.leverage if order.leverage is not None else 20
        return {
            "id": hex_id(order.id),
            "symbol": futures_market_id(inst),
            "type": "limit" if order.type.has_limit_price else "market",
            "side": order.side.value.lower(),
            "price": fmt(order.price, inst.price_tick) if order.price is not None else None,
            "size": lots(amount, inst),
            "value": plain(lots(amount, inst) * mult * ref),
            "dealValue": plain(order.cost),
            "dealSize": lots(order.filled, inst),
            "stp": "",
            "stop": stop,
            "stopPriceType": KucoinOrder.of(order).stop_price_type,
            "stopTriggered": bool(stop) and order.triggered,
            "stopPrice": (
                fmt(order.stop_price, inst.price_tick) if order.stop_price is not None else None
            ),
            "timeInForce": order.time_in_force.value,
            "postOnly": order.post_only,
            "hidden": False,
            "iceberg": False,
            "leverage": str(leverage),
            "forceHold": False,
            "closeOrder": KucoinOrder.of(order).close,
            "visibleSize": None,
            "clientOid": order.client_order_id,
            "remark": None,
            "tags": "",
            "isActive": order.is_open,
            "cancelExist": is_cancelled(order),
            "createdAt": order.created_ms,
            "updatedAt": order.updated_ms,
            "endAt": None if order.is_open else order.updated_ms,
            "orderTime": order.created_ms * NS,
            "settleCurrency": inst.settle,
            "marginMode": "CROSS",
            "avgDealPrice": plain(avg) if avg is not None else "0",
            "filledSize": lots(order.filled, inst),
            "filledValue": plain(order.cost),
            "status": "open" if order.is_open else "done",
            "reduceOnly": order.reduce_only,
            "positionSide": "BOTH",
        }

    def _futures_fill(self, acct: Account, trade: Trade) -> dict[str, Any]:
        inst = self.engine.instrument(trade.symbol)
        order = acct.orders.get(trade.order_id)
        order_type = "limit" if order is not None and order.type.has_limit_price else "market"
        stop = KucoinOrder.of(order).stop if order is not None else ""
        rate = acct.fees.rate("swap", maker=trade.is_maker)
        return {
            "symbol": futures_market_id(inst),
            "tradeId": hex_id(trade.id),
            "orderId": hex_id(trade.order_id),
            "side": trade.side.value.lower(),
            "liquidity": "maker" if trade.is_maker else "taker",
            "forceTaker": False,
            "price": fmt(trade.price, inst.price_tick),
            "size": lots(trade.amount, inst),
            "value": plain(trade.quote_amount),
            "openFeePay": plain(trade.fee if trade.realized_pnl == 0 else ZERO),
            "closeFeePay": plain(trade.fee if trade.realized_pnl != 0 else ZERO),
            "stop": stop,
            "feeRate": plain(rate),
            "fixFee": "0",
            "feeCurrency": trade.fee_asset,
            "tradeTime": trade.time_ms * NS,
            "subTradeType": None,
            "marginMode": "CROSS",
            "displayType": order_type,
            "fee": plain(trade.fee),
            "settleCurrency": inst.settle,
            "orderType": order_type,
            "tradeType": "trade",
            "createdAt": trade.time_ms,
        }

    def timestamp(self, call: Call) -> Any:
        return self.engine.now_ms()

    def status(self, call: Call) -> dict[str, Any]:
        return {"status": "open", "msg": ""}

    def symbols(self, call: Call) -> list[dict[str, Any]]:
        market = call.get("market")
        if market is not None and market != "USDS":
            return []
        return [self._symbol_info(inst) for inst in self._spot.values()]

    def stats(self, call: Call) -> dict[str, Any]:
        return self._spot_ticker(self._spot_inst(call), all_tickers=False)

    def all_tickers(self, call: Call) -> dict[str, Any]:
        return {
            "time": self.engine.now_ms(),
            "ticker": [self._spot_ticker(i, all_tickers=True) for i in self._spot.values()],
        }

    def _spot_book(self, call: Call, depth: int) -> dict[str, Any]:
        inst = self._spot_inst(call)
        snap = self.engine.book(inst.symbol, depth)
        tick, step = inst.price_tick, inst.amount_step
        return {
            "time": snap.time_ms,
            "sequence": str(snap.update_id),
            "bids": [[fmt(p, tick), fmt(s, step)] for p, s in snap.bids],
            "asks": [[fmt(p, tick), fmt(s, step)] for p, s in snap.asks],
        }

    def spot_part_book(self, call: Call) -> dict[str, Any]:
        return self._spot_book(call, part_depth(call))

    def spot_full_book(self, call: Call) -> dict[str, Any]:
        return self._spot_book(call, self.engine.BOOK_DEPTH)

    def account_mode(self, call: Call) -> dict[str, Any]:
        return {"selfAccountMode": "CLASSIC"}

    def hf_opened(self, call: Call) -> bool:
        return True

    def account_list(self, call: Call) -> list[dict[str, Any]]:
        wanted_type = call.get("type")
        if wanted_type not in (None, "trade_hf"):
            return []  # the simulator keeps spot funds in the HF trading account only
        currency = call.get("currency")
        acct = call.acct
        return [
            {
                "id": f"{acct.id:08x}{index:016x}",
                "currency": asset,
                "type": "trade_hf",
                "balance": plain(bal.total),
                "available": plain(bal.free),
                "holds": plain(bal.locked),
            }
            for index, (asset, bal) in enumerate(acct.balances.items())
            if currency is None or asset == currency
        ]

    def contracts_active(self, call: Call) -> list[dict[str, Any]]:
        return [self._contract(inst) for inst in self._futures.values()]

    def contract_one(self, call: Call) -> dict[str, Any]:
        inst = self._futures.get(call.args["symbol"])
        if inst is None:
            raise param_error("Unsupported trading pair.")
        return self._contract(inst)

    def futures_depth(self, call: Call) -> dict[str, Any]:
        return self._futures_book(call, part_depth(call))

    def futures_snapshot(self, call: Call) -> dict[str, Any]:
        return self._futures_book(call, self.engine.BOOK_DEPTH)

    def get_leverage(self, call: Call) -> dict[str, Any]:
        inst = self._fut(call)
        return {
            "symbol": futures_market_id(inst),
            "leverage": str(self.engine.get_leverage(call.acct, inst.symbol)),
        }

    def positions(self, call: Call) -> list[dict[str, Any]]:
        currency = call.get("currency")
        acct = call.acct
        rows = []
        for inst in self._futures.values():
            state = acct.positions.get(inst.symbol)
            if state is None or state.amount == 0:
                continue
            if currency is None or currency == inst.settle:
                rows.append(self._position_row(acct, inst))
        return rows

    def position(self, call: Call) -> dict[str, Any]:
        return self._position_row(call.acct, self._fut(call))
