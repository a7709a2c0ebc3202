"""BingX's renderers: engine objects in BingX's JSON shapes (order ids and times are numbers;
spot market data carries JSON numbers; everything else strings)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
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
    Trade,
)
from exchlayer.testing.simulator.venues.bingx.tables import (
    AVG_PLACES,
    CSWAP,
    SPOT,
    SWAP,
    TYPE_NAMES,
    BingXOrder,
    plain,
)
from exchlayer.testing.simulator.wire import Call, VenueError
from exchlayer.testing.simulator.wire.numbers import decimals, fixed, json_number

__all__ = ["BingXRender", "invalid", "market_id", "unknown_symbol"]


def invalid(surface: str, detail: str) -> VenueError:
    """BingX's answer to a bad parameter (its code differs between spot and swap)."""
    code = 100400 if surface == SPOT else 109400
    return VenueError(code, f"Invalid parameters, {detail}")


def unknown_symbol(surface: str, wanted: str) -> VenueError:
    """BingX's answer to a market it does not list."""
    if surface == SPOT:
        return VenueError(
            100421,
            "The symbol you request is not available to place order currently, please verify "
            "symbol's status by api:/openApi/spot/v1/common/symbols",
        )
    return VenueError(109425, f"{wanted} not exist, please verify it on the official website")


def market_id(inst: Instrument) -> str:
    """`BTC-USDT`: a spot pair's and a perpetual's id alike."""
    return f"{inst.base}-{inst.quote}"


def iso_seconds(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(ms: int) -> str:
    """BingX's ``filledTime``: milliseconds, in UTC+8."""
    stamp = datetime.fromtimestamp(ms / 1000 + 8 * 3600, timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}+0800"


def spot_status(order: Order) -> str:
    status = order.status
    if status is OrderStatus.NEW:
        return "NEW" if order.pending_trigger else "PENDING"
    if status in (OrderStatus.CANCELED, OrderStatus.EXPIRED):
        return "CANCELED"
    if status is OrderStatus.REJECTED:
        return "FAILED"
    return str(status.value)  # PARTIALLY_FILLED, FILLED


def swap_status(order: Order) -> str:
    status = order.status
    if status is OrderStatus.NEW:
        return "NEW" if order.pending_trigger else "PENDING"
    if status in (OrderStatus.CANCELED, OrderStatus.EXPIRED, OrderStatus.REJECTED):
        return "CANCELLED"
    return str(status.value)


def client_id(order: Order) -> str:
    """The client order id as the user sent it ("" when none was: BingX makes up none)."""
    return BingXOrder.of(order).client_id


def no_tp_sl() -> dict[str, Any]:
    return {"type": "", "quantity": 0, "stopPrice": 0, "price": 0, "workingType": ""}


def spot_fill(inst: Instrument, t: Trade) -> dict[str, Any]:
    return {
        "symbol": market_id(inst),
        "id": t.id,
        "orderId": t.order_id,
        "price": plain(t.price),
        "qty": plain(t.amount),
        "quoteQty": plain(t.quote_amount),
        "commission": json_number(-t.fee),
        "commissionAsset": t.fee_asset,
        "time": t.time_ms,
        "isBuyer": t.side is Side.BUY,
        "isMaker": t.is_maker,
    }


class BingXRender:
    """The JSON shapes of BingX's answers (mixed into `BingXVenue`)."""

    engine: Engine
    fees: ClassVar[FeeSchedule]
    _ids: dict[str, dict[str, Instrument]]

    def _instrument(self, call: Call, required: bool = True) -> Instrument | None:
        wanted = call.require("symbol") if required else call.get("symbol")
        if wanted is None:
            return None
        inst = self._ids.get(call.surface, {}).get(wanted)
        if inst is None:
            raise unknown_symbol(call.surface, wanted)
        return inst

    def _inst(self, call: Call) -> Instrument:
        inst = self._instrument(call)
        assert inst is not None
        return inst

    def spot_symbols(self, call: Call) -> dict[str, Any]:
        inst = self._instrument(call, required=False)
        selected = [inst] if inst is not None else list(self._ids[SPOT].values())
        return {
            "symbols": [
                {
                    "symbol": market_id(i),
                    "minQty": json_number(i.min_amount),
                    "maxQty": json_number(i.max_amount),
                    "minNotional": json_number(i.min_notional),
                    "maxNotional": 9_000_000,
                    "status": 1,
                    "tickSize": json_number(i.price_tick),
                    "stepSize": json_number(i.amount_step),
                    "apiStateSell": True,
                    "apiStateBuy": True,
                    "timeOnline": 0,
                    "offTime": 0,
                    "maintainTime": 0,
                }
                for i in selected
            ]
        }

    def swap_contracts(self, call: Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        selected = [inst] if inst is not None else list(self._ids[SWAP].values())
        fees = self.fees
        return [
            {
                "contractId": str(100 + n),
                "symbol": market_id(i),
                "size": plain(i.amount_step),
                "quantityPrecision": decimals(i.amount_step),
                "pricePrecision": decimals(i.price_tick),
                "feeRate": json_number(fees.swap_taker),
                "makerFeeRate": json_number(fees.swap_maker),
                "takerFeeRate": json_number(fees.swap_taker),
                "tradeMinLimit": 0,
                "tradeMinQuantity": json_number(i.min_amount),
                "tradeMinUSDT": json_number(i.min_notional),
                "maxLongLeverage": i.max_leverage,
                "maxShortLeverage": i.max_leverage,
                "currency": i.settle,
                "asset": i.base,
                "status": 1,
                "apiStateOpen": "true",
                "apiStateClose": "true",
                "ensureTrigger": True,
                "triggerFeeRate": "0.00020000",
                "brokerState": True,
                "launchTime": 1586275200000,
                "maintainTime": 0,
                "offTime": 0,
                "displayName": market_id(i),
            }
            for n, i in enumerate(selected)
        ]

    def inverse_contracts(self, call: Call) -> list[dict[str, Any]]:
        return [
            {
                "symbol": market_id(i),
                "pricePrecision": decimals(i.price_tick),
                "minTickSize": plain(i.contract_size),
                "minTradeValue": plain(i.contract_size),
                "minQty": fixed(i.min_amount, 8),
                "status": 1,
                "timeOnline": 1710738000000,
            }
            for i in self._ids[CSWAP].values()
        ]

    def spot_ticker(self, call: Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        selected = [inst] if inst is not None else list(self._ids[SPOT].values())
        out = []
        for i in selected:
            st = self.engine.stats(i.symbol)
            pct = (st.change / st.open * 100) if st.open else ZERO
            out.append(
                {
                    "symbol": market_id(i),
                    "openPrice": json_number(st.open),
                    "highPrice": json_number(st.high),
                    "lowPrice": json_number(st.low),
                    "lastPrice": json_number(st.last),
                    "priceChange": json_number(st.change),
                    "priceChangePercent": f"{pct:.2f}%",
                    "volume": json_number(st.volume),
                    "quoteVolume": json_number(st.quote_volume.quantize(Decimal("0.01"))),
                    "openTime": st.open_ms,
                    "closeTime": st.close_ms,
                    "askPrice": json_number(st.ask),
                    "askQty": json_number(st.ask_qty),
                    "bidPrice": json_number(st.bid),
                    "bidQty": json_number(st.bid_qty),
                }
            )
        return out

    def _swap_ticker_one(self, inst: Instrument) -> dict[str, Any]:
        st = self.engine.stats(inst.symbol)
        p, q = decimals(inst.price_tick), decimals(inst.amount_step)
        pct = (st.change / st.open * 100) if st.open else ZERO
        return {
            "symbol": market_id(inst),
            "priceChange": fixed(st.change, p),
            "priceChangePercent": f"{pct:.2f}",
            "lastPrice": fixed(st.last, p),
            "lastQty": fixed(st.last_qty, q),
            "highPrice": fixed(st.high, p),
            "lowPrice": fixed(st.low, p),
            "volume": fixed(st.volume, q),
            "quoteVolume": fixed(st.quote_volume, 2),
            "openPrice": fixed(st.open, p),
            "openTime": st.open_ms,
            "closeTime": st.close_ms,
            "askPrice": fixed(st.ask, p),
            "askQty": fixed(st.ask_qty, q),
            "bidPrice": fixed(st.bid, p),
            "bidQty": fixed(st.bid_qty, q),
        }

    def capital_config(self, call: Call) -> list[dict[str, Any]]:
        assets: dict[str, None] = {}
        for inst in self.engine.instruments.values():
            assets.setdefault(inst.base)
            assets.setdefault(inst.quote)
        for asset in call.acct.balances:
            assets.setdefault(asset)
        return [
            {
                "coin": asset,
                "name": asset,
                "networkList": [
                    {
                        "name": asset,
                        "network": "ERC20",
                        "isDefault": True,
                        "minConfirm": 12,
                        "withdrawEnable": True,
                        "depositEnable": True,
                        "withdrawFee": "1",
                        "withdrawMax": "1000000",
                        "withdrawMin": "10",
                        "depositMin": "0.0002",
                        "withdrawPrecision": "8",
                        "depositPrecision": "8",
                        "contractAddress": "",
                        "needTagOrMemo": "false",
                        "displayName": asset,
                    }
                ],
            }
            for asset in assets
        ]

    def spot_balance(self, call: Call) -> dict[str, Any]:
        return {
            "balances": [
                {"asset": asset, "free": plain(bal.free), "locked": plain(bal.locked)}
                for asset, bal in call.acct.balances.items()
            ]
        }

    def _spot_amounts(self, inst: Instrument, order: Order) -> dict[str, Any]:
        price = order.price
        if price is None and order.type is OrderType.MARKET:
            price = order.average_price  # a market order reports its average fill price
        return {
            "price": plain(price),
            "origQty": plain(order.amount if order.quote_amount is None else ZERO),
            "executedQty": plain(order.filled),
            "cummulativeQuoteQty": plain(order.cost),
            "status": spot_status(order),
            "type": TYPE_NAMES[order.type],
            "side": order.side.value,
        }

    def _spot_order(self, inst: Instrument, order: Order, acct: Account) -> dict[str, Any]:
        fee = sum((t.fee for t in self.engine.order_trades(acct, order)), ZERO)
        avg = order.average_price
        return {
            "symbol": market_id(inst),
            "orderId": order.id,
            **self._spot_amounts(inst, order),
            "time": order.created_ms,
            "updateTime": order.updated_ms,
            "origQuoteOrderQty": plain(order.quote_amount),
            "fee": plain(-fee),
            "feeAsset": inst.base if order.side is Side.BUY else inst.quote,
            "clientOrderID": client_id(order),
            "stopPrice": plain(order.stop_price),
            "avgPrice": plain(avg),
        }

    def swap_balance(self, call: Call) -> list[dict[str, Any]]:
        acct = call.acct
        rows = []
        for asset in dict.fromkeys(["USDT", "USDC", *acct.futures_wallet]):
            s = self.engine.margin_summary(acct, asset)
            rows.append(
                {
                    "userId": str(1_341_158_271_307_522_000 + acct.id),
                    "asset": asset,
                    "balance": fixed(s.wallet_balance, 4),
                    "equity": fixed(s.margin_balance, 4),
                    "unrealizedProfit": fixed(s.unrealized_pnl, 4),
                    "realisedProfit": plain(
                        sum(
                            (
                                p.realized_pnl
                                for sym, p in acct.positions.items()
                                if self.engine.instrument(sym).settle == asset
                            ),
                            ZERO,
                        )
                    ),
                    "availableMargin": fixed(s.available_balance, 4),
                    "usedMargin": fixed(s.position_initial_margin, 4),
                    "freezedMargin": fixed(s.open_order_initial_margin, 4),
                    "shortUid": str(25_307_298 + acct.id),
                }
            )
        return rows

    def _swap_order(self, inst: Instrument, order: Order, acct: Account) -> dict[str, Any]:
        p, q = decimals(inst.price_tick), decimals(inst.amount_step)
        fee = sum((t.fee for t in self.engine.order_trades(acct, order)), ZERO)
        profit = sum((t.realized_pnl for t in self.engine.order_trades(acct, order)), ZERO)
        avg = order.average_price
        return {
            "symbol": market_id(inst),
            "orderId": order.id,
            "side": order.side.value,
            "positionSide": "BOTH",
            "type": TYPE_NAMES[order.type],
            "origQty": fixed(order.amount or ZERO, q),
            "price": fixed(order.price or ZERO, p),
            "executedQty": fixed(order.filled, q),
            "avgPrice": fixed(ZERO, p) if avg is None else plain(avg.quantize(AVG_PLACES[p])),
            "cumQuote": plain(order.cost),
            "stopPrice": fixed(order.stop_price, p) if order.stop_price is not None else "",
            "profit": fixed(profit, 4),
            "commission": fixed(-fee, 6),
            "status": swap_status(order),
            "time": order.created_ms,
            "updateTime": order.updated_ms,
            "clientOrderId": client_id(order),
            "leverage": "",
            "takeProfit": no_tp_sl(),
            "stopLoss": no_tp_sl(),
            "advanceAttr": 0,
            "positionID": 0,
            "takeProfitEntrustPrice": 0,
            "stopLossEntrustPrice": 0,
            "orderType": "",
            "workingType": "MARK_PRICE",
            "onlyOnePosition": True,
            "reduceOnly": order.reduce_only,
            "postOnly": order.post_only,
            "stopGuaranteed": "false",
            "triggerOrderId": order.id,
        }

    def positions(self, call: Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        out: list[dict[str, Any]] = []
        for view in self.engine.positions(call.acct):
            vinst = self.engine.instrument(view.symbol)
            if view.amount == 0 or vinst.settle != vinst.quote:
                continue
            if inst is not None and vinst.symbol != inst.symbol:
                continue
            q = decimals(vinst.amount_step)
            size = abs(view.amount)
            upnl_ratio = view.unrealized_pnl / view.initial_margin if view.initial_margin else ZERO
            out.append(
                {
                    "positionId": str(1_735_000_000_000_000_000 + call.acct.id * 1000 + len(out)),
                    "symbol": market_id(vinst),
                    "currency": vinst.settle,
                    "positionAmt": fixed(size, q),
                    "availableAmt": fixed(size, q),
                    "positionSide": "LONG" if view.amount > 0 else "SHORT",
                    "isolated": False,
                    "avgPrice": plain(view.entry_price),
                    "initialMargin": fixed(view.initial_margin, 4),
                    "margin": fixed(view.initial_margin, 4),
                    "leverage": view.leverage,
                    "unrealizedProfit": fixed(view.unrealized_pnl, 4),
                    "realisedProfit": fixed(view.realized_pnl, 4),
                    "liquidationPrice": json_number(
                        view.liquidation_price.quantize(Decimal("0.0001"))
                    ),
                    "pnlRatio": fixed(upnl_ratio, 4),
                    "maxMarginReduction": "0.0000",
                    "riskRate": fixed(
                        view.maintenance_margin / view.initial_margin if view.initial_margin
                        else ZERO,
                        4,
                    ),
                    "markPrice": plain(view.mark_price),
                    "positionValue": fixed(abs(view.notional), 4),
                    "onlyOnePosition": True,
                    "updateTime": view.updated_ms,
                }
            )
        return out

    def server_time(self, call: Call) -> dict[str, Any]:
        return {"serverTime": self.engine.now_ms()}

    def swap_ticker(self, call: Call) -> Any:
        inst = self._instrument(call, required=False)
        if inst is not None:
            return self._swap_ticker_one(inst)
        return [self._swap_ticker_one(i) for i in self._ids[SWAP].values()]

    def depth(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        spot = call.surface == SPOT
        limit = call.integer("limit") or 20
        if spot and not 1 <= limit <= 1000:
            raise invalid(SPOT, f"limit: {limit} must be between 1 and 1000")
        if not spot and limit not in (5, 10, 20, 50, 100, 500, 1000):
            raise invalid(SWAP, f"limit: {limit} must be one of 5, 10, 20, 50, 100, 500, 1000")
        snap = self.engine.book(inst.symbol, limit)
        p, q = decimals(inst.price_tick), decimals(inst.amount_step)
        bids = [[fixed(px, p), fixed(sz, q)] for px, sz in snap.bids]
        # BingX lists the best asks worst first
        asks = [[fixed(px, p), fixed(sz, q)] for px, sz in reversed(snap.asks)]
        if spot:
            return {"bids": bids, "asks": asks, "ts": snap.time_ms, "lastUpdateId": snap.update_id}
        size = inst.contract_size
        return {
            "T": snap.time_ms,
            "bids": bids,
            "asks": asks,
            "bidsCoin": [[fixed(px, p), plain(sz * size)] for px, sz in snap.bids],
            "asksCoin": [[fixed(px, p), plain(sz * size)] for px, sz in reversed(snap.asks)],
        }
