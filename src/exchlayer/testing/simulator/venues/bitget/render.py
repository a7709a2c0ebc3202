"""Bitget's renderers: engine objects in Bitget's JSON shapes (order ids are strings; spot book
levels strings, futures `merge-depth` levels numbers), and the lookups they share with the
handlers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import ROUND_DOWN, Decimal
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
    PositionView,
    Side,
    TimeInForce,
    Trade,
)
from exchlayer.testing.simulator.venues.bitget.tables import (
    CLIENT_OID,
    FORCES,
    MIX_BOOK_LIMITS,
    MIX_STATUS,
    PRODUCT_TYPES,
    SPOT_BOOK_MAX,
    SPOT_STATUS,
    USDT_FUTURES,
    BitgetOrder,
    plain,
)
from exchlayer.testing.simulator.wire import Call, RawJson, VenueError
from exchlayer.testing.simulator.wire.numbers import decimals

__all__ = ["BitgetRender", "fmt", "invalid", "missing"]


def missing(name: str) -> VenueError:
    """Bitget's answer to a parameter not sent."""
    return VenueError("40019", f"Parameter {name} cannot be empty")


def invalid() -> VenueError:
    """Bitget's answer to a malformed or unsupported value."""
    return VenueError("40017", "Parameter verification failed")


def fmt(value: Decimal | None, places: int) -> str:
    """`value` (`None` as zero) with exactly `places` decimals."""
    return f"{(value or ZERO):.{places}f}"


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_DOWN) * step


class BitgetRender:
    """The JSON shapes of Bitget's answers, and the lookups they need (mixed into
    `BitgetVenue`)."""

    engine: Engine
    fees: ClassVar[FeeSchedule]
    _spot: dict[str, Instrument]
    _perps: dict[str, Instrument]
    _client_oids: Iterator[int]

    def _spot_inst(self, call: Call, *, required: bool = True) -> Instrument | None:
        market_id = call.require("symbol") if required else call.get("symbol")
        if market_id is None:
            return None
        inst = self._spot.get(market_id.upper())
        if inst is None:
            raise VenueError("40309", "The symbol has been removed")
        return inst

    def _spot_one(self, call: Call) -> Instrument:
        inst = self._spot_inst(call)
        assert inst is not None
        return inst

    @staticmethod
    def _product_type(call: Call) -> str:
        product_type = call.require("productType").upper()
        if product_type not in PRODUCT_TYPES:
            raise invalid()
        return product_type

    def _perp_inst(self, call: Call, *, required: bool = True) -> Instrument | None:
        product_type = self._product_type(call)
        market_id = call.require("symbol") if required else call.get("symbol")
        if market_id is None:
            return None
        inst = self._perps.get(market_id.upper()) if product_type == USDT_FUTURES else None
        if inst is None:
            raise VenueError("40309", "The symbol has been removed")
        return inst

    def _perp_one(self, call: Call) -> Instrument:
        inst = self._perp_inst(call)
        assert inst is not None
        return inst

    def _perps_of(self, call: Call) -> list[Instrument]:
        return list(self._perps.values()) if self._product_type(call) == USDT_FUTURES else []

    @staticmethod
    def _check_margin(call: Call, inst: Instrument) -> None:
        if call.require("marginCoin").upper() != inst.settle:
            raise invalid()

    def coins(self, call: Call) -> list[dict[str, Any]]:
        assets: dict[str, None] = {}
        for inst in self.engine.instruments.values():
            assets.setdefault(inst.base)
            assets.setdefault(inst.quote)
        return [
            {
                "coinId": str(n),
                "coin": asset,
                "transfer": "true",
                "chains": [
                    {
                        "chain": "ERC20",
                        "needTag": "false",
                        "withdrawable": "true",
                        "rechargeable": "true",
                        "withdrawFee": "1",
                        "extraWithdrawFee": "0",
                        "depositConfirm": "12",
                        "withdrawConfirm": "64",
                        "minDepositAmount": "0.0001",
                        "minWithdrawAmount": "0.001",
                        "browserUrl": "https://etherscan.io/tx/",
                        "contractAddress": "",
                        "withdrawStep": "0",
                        "withdrawMinScale": "8",
                        "congestion": "normal",
                    }
                ],
                "areaCoin": "no",
            }
            for n, asset in enumerate(assets, start=1)
        ]

    def spot_symbols(self, call: Call) -> list[dict[str, Any]]:
        wanted = self._spot_inst(call, required=False)
        selected = [wanted] if wanted is not None else list(self._spot.values())
        return [self._spot_symbol(inst) for inst in selected]

    def _spot_symbol(self, inst: Instrument) -> dict[str, Any]:
        return {
            "symbol": f"{inst.base}{inst.quote}",
            "baseCoin": inst.base,
            "quoteCoin": inst.quote,
            "minTradeAmount": plain(inst.min_amount),
            "maxTradeAmount": plain(inst.max_amount),
            "takerFeeRate": plain(self.fees.spot_taker),
            "makerFeeRate": plain(self.fees.spot_maker),
            "pricePrecision": str(decimals(inst.price_tick)),
            "quantityPrecision": str(decimals(inst.amount_step)),
            "quotePrecision": "8",
            "status": "online",
            "minTradeUSDT": plain(inst.min_notional),
            "buyLimitPriceRatio": "0.05",
            "sellLimitPriceRatio": "0.05",
            "areaSymbol": "no",
            "orderQuantity": "200",
            "openTime": "1532454360000",
            "offTime": "",
        }

    def margin_currencies(self, call: Call) -> list[dict[str, Any]]:
        return [
            {
                "symbol": market_id,
                "baseCoin": inst.base,
                "quoteCoin": inst.quote,
                "maxCrossedLeverage": "3",
                "maxIsolatedLeverage": "10",
                "warningRiskRatio": "0.8",
                "liquidationRiskRatio": "1",
                "minTradeAmount": plain(inst.min_amount),
                "maxTradeAmount": plain(inst.max_amount),
                "takerFeeRate": plain(self.fees.spot_taker),
                "makerFeeRate": plain(self.fees.spot_maker),
                "priceScale": str(decimals(inst.price_tick)),
                "quantityScale": str(decimals(inst.amount_step)),
                "minTradeUSDT": plain(inst.min_notional),
                "isBorrowable": True,
                "userMinBorrow": "0.00000001",
                "status": "1",
                "isIsolatedBaseBorrowable": True,
                "isIsolatedQuoteBorrowable": True,
                "isCrossBorrowable": True,
            }
            for market_id, inst in self._spot.items()
        ]

    def contracts(self, call: Call) -> list[dict[str, Any]]:
        wanted = call.get("symbol")
        return [
            self._contract(inst)
            for inst in self._perps_of(call)
            if wanted is None or wanted.upper() == f"{inst.base}{inst.quote}"
        ]

    def _contract(self, inst: Instrument) -> dict[str, Any]:
        tick = inst.price_tick.normalize()
        price_place = decimals(tick)
        step = (inst.amount_step * inst.contract_size).normalize()
        return {
            "symbol": f"{inst.base}{inst.quote}",
            "baseCoin": inst.base,
            "quoteCoin": inst.quote,
            "buyLimitPriceRatio": "0.01",
            "sellLimitPriceRatio": "0.01",
            "feeRateUpRatio": "0.005",
            "makerFeeRate": plain(self.fees.swap_maker),
            "takerFeeRate": plain(self.fees.swap_taker),
            "openCostUpRatio": "0.01",
            "supportMarginCoins": [inst.settle],
            "minTradeNum": plain(inst.min_amount * inst.contract_size),
            "priceEndStep": plain(tick.scaleb(price_place)),
            "volumePlace": str(decimals(step)),
            "pricePlace": str(price_place),
            "sizeMultiplier": plain(step),
            "symbolType": "perpetual",
            "minTradeUSDT": plain(inst.min_notional),
            "maxSymbolOrderNum": "200",
            "maxProductOrderNum": "1000",
            "maxPositionNum": "150",
            "symbolStatus": "normal",
            "offTime": "-1",
            "limitOpenTime": "-1",
            "deliveryTime": "",
            "deliveryStartTime": "",
            "deliveryPeriod": "",
            "launchTime": "",
            "fundInterval": "8",
            "minLever": "1",
            "maxLever": str(inst.max_leverage),
            "posLimit": "0.1",
            "maintainTime": "",
            "openTime": "",
        }

    def _ticker(self, inst: Instrument, *, futures: bool) -> dict[str, Any]:
        st = self.engine.stats(inst.symbol)
        p = decimals(inst.price_tick)
        size = inst.contract_size
        q = decimals(inst.amount_step * size)
        change = (st.change / st.open).quantize(Decimal("0.00001")) if st.open else ZERO
        volume = st.volume * size
        out: dict[str, Any] = {
            "symbol": f"{inst.base}{inst.quote}",
            "lastPr": fmt(st.last, p),
            "askPr": fmt(st.ask, p),
            "bidPr": fmt(st.bid, p),
            "bidSz": fmt(st.bid_qty * size, q),
            "askSz": fmt(st.ask_qty * size, q),
            "high24h": fmt(st.high, p),
            "low24h": fmt(st.low, p),
            "ts": str(self.engine.now_ms()),
            "change24h": plain(change),
            "baseVolume": fmt(volume, q),
            "quoteVolume": fmt(st.quote_volume, 4),
            "usdtVolume": fmt(st.quote_volume, 4),
            "openUtc": fmt(st.open, p),
            "changeUtc24h": plain(change),
        }
        if futures:
            out.update(
                indexPrice=fmt(st.last, p),
                fundingRate="0.0001",
                holdingAmount=fmt(volume / 10, q),
                deliveryStartTime=None,
                deliveryTime=None,
                deliveryStatus="",
                open24h=fmt(st.open, p),
                markPrice=fmt(st.last, p),
            )
        else:
            out["open"] = fmt(st.open, p)
        return out

    def _mix_account_row(
        self, acct: Account, asset: str, *, leverage: int | None
    ) -> dict[str, Any]:
        s = self.engine.margin_summary(acct, asset)
        equity = s.margin_balance
        btc = self._perps.get("BTCUSDT")
        btc_equity = equity / self.engine.price(btc.symbol) if btc is not None else ZERO
        risk = s.maintenance_margin / equity if equity > 0 else ZERO
        row: dict[str, Any] = {
            "marginCoin": asset,
            "locked": "0",
            "available": fmt(s.available_balance, 8),
            "crossedMaxAvailable": fmt(s.available_balance, 8),
            "isolatedMaxAvailable": fmt(s.available_balance, 8),
            "maxTransferOut": fmt(min(s.available_balance, s.wallet_balance), 8),
            "accountEquity": fmt(equity, 8),
            "usdtEquity": fmt(equity, 12),
            "btcEquity": fmt(btc_equity, 12),
            "crossedRiskRate": fmt(risk, 12),
        }
        if leverage is not None:
            row.update(
                crossedMarginLeverage=leverage,
                isolatedLongLever=leverage,
                isolatedShortLever=leverage,
                marginMode="crossed",
                posMode="one_way_mode",
            )
        row.update(
            unrealizedPL=fmt(s.unrealized_pnl, 8),
            coupon="0",
        )
        if leverage is None:
            row.update(
                unionTotalMagin=fmt(equity, 8),
                unionAvailable=fmt(s.available_balance, 8),
                unionMm=fmt(s.maintenance_margin, 8),
                assetList=[],
            )
        row.update(
            crossedUnrealizedPL=fmt(s.unrealized_pnl, 8),
            isolatedUnrealizedPL="",
            grant="",
            assetMode="single",
            isolatedMargin=None,
            crossedMargin=None,
        )
        return row

    @staticmethod
    def _venue_oid(order: Order) -> str:
        """The clientOid Bitget shows: a triggered plan order's child gets one of its own."""
        return str(order.id) if order.parent_id is not None else order.client_order_id

    def _trades_of(self, acct: Account, order: Order) -> list[Trade]:
        return self.engine.order_trades(acct, order)

    def _sub_orders(self, acct: Account, plan: Order) -> list[dict[str, Any]]:
        child = acct.orders.get(plan.child_id) if plan.child_id is not None else None
        if child is None:
            return []
        failed = child.status is OrderStatus.EXPIRED and not child.filled
        return [
            {
                "orderId": str(child.id),
                "price": plain(child.price) if child.price is not None else "0",
                "type": "limit" if child.type is OrderType.LIMIT else "market",
                "status": "fail" if failed else "success",
            }
        ]

    def _fee_detail(self, acct: Account, order: Order) -> str:
        trades = self._trades_of(acct, order)
        if not trades:
            return ""
        fee = sum((t.fee for t in trades), ZERO)
        coin = trades[0].fee_asset
        total = f"-{fmt(fee, 12)}"
        # a JSON object inside a string, with numbers, exactly as Bitget nests it
        return (
            f'{{"newFees":{{"c":0,"d":0,"deduction":false,"r":{total},"t":{total},'
            f'"totalDeductionFee":0}},"{coin}":{{"deduction":false,"feeCoinCode":"{coin}",'
            f'"totalDeductionFee":0,"totalFee":{total}}}}}'
        )

    @staticmethod
    def _spot_size(order: Order) -> Decimal:
        """A market buy's ``size`` is what it may spend (quote); every other order's, base."""
        if order.quote_amount is not None:
            return order.quote_amount
        return order.amount or ZERO

    def _spot_order(self, acct: Account, order: Order) -> dict[str, Any]:
        limit = order.type is OrderType.LIMIT
        avg = order.average_price
        return {
            "userId": str(7_000_000_000 + acct.id),
            "symbol": self._market_id(order),
            "orderId": str(order.id),
            "clientOid": self._venue_oid(order),
            "price": fmt(order.price if limit else ZERO, 16),
            "size": fmt(self._spot_size(order), 16),
            "orderType": "limit" if limit else "market",
            "side": order.side.value.lower(),
            "status": SPOT_STATUS[order.status],
            "priceAvg": fmt(avg, 16),
            "baseVolume": fmt(order.filled, 16),
            "quoteVolume": fmt(order.cost, 16),
            "enterPointSource": "API",
            "feeDetail": self._fee_detail(acct, order),
            "orderSource": "normal" if limit else "market",
            "cTime": str(order.created_ms),
            "uTime": str(order.updated_ms),
        }

    def _spot_unfilled_row(self, acct: Account, order: Order) -> dict[str, Any]:
        limit = order.type is OrderType.LIMIT
        return {
            "userId": str(7_000_000_000 + acct.id),
            "symbol": self._market_id(order),
            "orderId": str(order.id),
            "clientOid": self._venue_oid(order),
            # Bitget puts the limit price in priceAvg here, and the average fill in basePrice
            "priceAvg": plain(order.price) if limit else "0",
            "size": plain(self._spot_size(order)),
            "orderType": "limit" if limit else "market",
            "side": order.side.value.lower(),
            "status": SPOT_STATUS[order.status],
            "basePrice": plain(order.average_price),
            "baseVolume": plain(order.filled),
            "quoteVolume": plain(order.cost),
            "enterPointSource": "API",
            "orderSource": "normal" if limit else "market",
            "cTime": str(order.created_ms),
            "uTime": str(order.updated_ms),
        }

    def _plan_status(self, order: Order, *, spot: bool) -> str:
        if order.status is OrderStatus.NEW:
            return "live"
        if order.status is OrderStatus.TRIGGERED:
            return "executed"
        if order.status is OrderStatus.EXPIRED:
            return "fail_execute" if spot else "fail_trigger"
        return "cancelled"

    def _spot_plan(self, acct: Account, order: Order) -> dict[str, Any]:
        limit = order.type.has_limit_price
        size = BitgetOrder.of(order).size
        return {
            "orderId": str(order.id),
            "clientOid": order.client_order_id,
            "symbol": self._market_id(order),
            "size": plain(size if isinstance(size, Decimal) else order.amount),
            "executePrice": plain(order.price) if limit else "",
            "triggerPrice": plain(order.stop_price),
            "status": self._plan_status(order, spot=True),
            "orderType": "limit" if limit else "market",
            "side": order.side.value.lower(),
            "planType": BitgetOrder.of(order).plan_type,
            "triggerType": BitgetOrder.of(order).trigger_type or "fill_price",
            "enterPointSource": "API",
            "uTime": str(order.updated_ms),
            "cTime": str(order.created_ms),
        }

    def _spot_fill(self, acct: Account, inst: Instrument, t: Trade) -> dict[str, Any]:
        order = acct.orders[t.order_id]
        return {
            "userId": str(7_000_000_000 + acct.id),
            "symbol": f"{inst.base}{inst.quote}",
            "orderId": str(t.order_id),
            "tradeId": str(t.id),
            "orderType": "limit" if order.type.has_limit_price else "market",
            "side": t.side.value.lower(),
            "priceAvg": plain(t.price),
            "size": plain(t.amount),
            "amount": plain(t.quote_amount),
            "feeDetail": {
                "deduction": "no",
                "feeCoin": t.fee_asset,
                "totalDeductionFee": "",
                "totalFee": f"-{plain(t.fee)}",
            },
            "tradeScope": "maker" if t.is_maker else "taker",
            "cTime": str(t.time_ms),
            "uTime": str(t.time_ms),
        }

    @staticmethod
    def _market_id(order: Order) -> str:
        base, _, rest = order.symbol.partition("/")
        return base + rest.partition(":")[0]

    def _mix_order(self, acct: Account, order: Order, *, state_key: str) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        size = inst.contract_size
        limit = order.type is OrderType.LIMIT
        trades = self._trades_of(acct, order)
        fee = sum((t.fee for t in trades), ZERO)
        profit = sum((t.realized_pnl for t in trades), ZERO)
        avg = order.average_price
        force = BitgetOrder.of(order).force
        return {
            "symbol": self._market_id(order),
            "size": plain((order.amount or ZERO) * size),
            "orderId": str(order.id),
            "clientOid": self._venue_oid(order),
            "baseVolume": plain(order.filled * size),
            "fee": f"-{plain(fee)}" if fee else "0",
            "price": plain(order.price) if limit else "",
            "priceAvg": plain(avg) if avg is not None else "",
            state_key: MIX_STATUS[order.status],
            "side": order.side.value.lower(),
            "force": str(force),
            "totalProfits": plain(profit),
            "posSide": "net",
            "marginCoin": inst.settle,
            "presetStopSurplusPrice": "",
            "presetStopLossPrice": "",
            "quoteVolume": plain(order.cost),
            "orderType": "limit" if limit else "market",
            "leverage": str(order.leverage if order.leverage is not None else 20),
            "marginMode": "crossed",
            "reduceOnly": "YES" if order.reduce_only else "NO",
            "enterPointSource": "API",
            "tradeSide": f"{order.side.value.lower()}_single",
            "posMode": "one_way_mode",
            "orderSource": "normal" if limit else "market",
            "cTime": str(order.created_ms),
            "uTime": str(order.updated_ms),
        }

    def _mix_plan(self, order: Order) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        limit = order.type.has_limit_price
        return {
            "planType": "normal_plan",
            "symbol": self._market_id(order),
            "size": plain((order.amount or ZERO) * inst.contract_size),
            "orderId": str(order.id),
            "clientOid": order.client_order_id,
            "price": plain(order.price) if limit else "",
            "executePrice": plain(order.price) if limit else "",
            "callbackRatio": "",
            "triggerPrice": plain(order.stop_price),
            "triggerType": BitgetOrder.of(order).trigger_type or "mark_price",
            "planStatus": self._plan_status(order, spot=False),
            "side": order.side.value.lower(),
            "posSide": "net",
            "marginCoin": inst.settle,
            "marginMode": "crossed",
            "enterPointSource": "API",
            "tradeSide": f"{order.side.value.lower()}_single",
            "posMode": "one_way_mode",
            "orderType": "limit" if limit else "market",
            "reduceOnly": "YES" if order.reduce_only else "NO",
            "stopSurplusTriggerPrice": "",
            "stopSurplusExecutePrice": "",
            "stopSurplusTriggerType": "fill_price",
            "stopLossTriggerPrice": "",
            "stopLossExecutePrice": "",
            "stopLossTriggerType": "fill_price",
            "cTime": str(order.created_ms),
            "uTime": str(order.updated_ms),
        }

    def _mix_fill(self, t: Trade) -> dict[str, Any]:
        inst = self.engine.instrument(t.symbol)
        return {
            "tradeId": str(t.id),
            "symbol": f"{inst.base}{inst.quote}",
            "orderId": str(t.order_id),
            "price": plain(t.price),
            "baseVolume": plain(t.amount * inst.contract_size),
            "feeDetail": [
                {
                    "deduction": "no",
                    "feeCoin": t.fee_asset,
                    "totalDeductionFee": None,
                    "totalFee": f"-{plain(t.fee)}",
                }
            ],
            "side": t.side.value.lower(),
            "quoteVolume": plain(t.quote_amount),
            "profit": plain(t.realized_pnl),
            "enterPointSource": "api",
            "tradeSide": f"{t.side.value.lower()}_single",
            "posMode": "one_way_mode",
            "tradeScope": "maker" if t.is_maker else "taker",
            "cTime": str(t.time_ms),
        }

    def _position(self, acct: Account, view: PositionView) -> dict[str, Any]:
        inst = self.engine.instrument(view.symbol)
        size = inst.contract_size
        p = decimals(inst.price_tick)
        total = abs(view.amount) * size
        pending = sum(
            (
                o.remaining * size
                for o in acct.orders.values()
                if o.symbol == view.symbol and o.is_open and not o.spawn_on_trigger
            ),
            ZERO,
        )
        equity = self.engine.margin_summary(acct, view.margin_asset).margin_balance
        ratio = view.maintenance_margin / equity if equity > 0 else ZERO
        taker = acct.fees.swap_taker
        break_even = view.entry_price * (1 + taker if view.amount > 0 else 1 - taker)
        return {
            "marginCoin": view.margin_asset,
            "symbol": f"{inst.base}{inst.quote}",
            "holdSide": "long" if view.amount > 0 else "short",
            "openDelegateSize": plain(pending),
            "marginSize": fmt(view.initial_margin, 8),
            "available": plain(total),
            "locked": "0",
            "total": plain(total),
            "leverage": str(view.leverage),
            "achievedProfits": plain(view.realized_pnl),
            "openPriceAvg": plain(view.entry_price),
            "marginMode": "crossed",
            "posMode": "one_way_mode",
            "unrealizedPL": fmt(view.unrealized_pnl, 8),
            "liquidationPrice": fmt(view.liquidation_price, p),
            "keepMarginRate": plain(inst.maintenance_margin_rate),
            "markPrice": fmt(view.mark_price, p),
            "breakEvenPrice": fmt(break_even, p),
            "totalFee": "0",
            "deductedFee": "0",
            "marginRatio": fmt(ratio, 12),
            "cTime": str(view.updated_ms),
            "uTime": str(view.updated_ms),
        }

    def time(self, call: Call) -> dict[str, Any]:
        return {"serverTime": str(self.engine.now_ms())}

    def spot_tickers(self, call: Call) -> list[dict[str, Any]]:
        wanted = self._spot_inst(call, required=False)
        selected = [wanted] if wanted is not None else list(self._spot.values())
        return [self._ticker(inst, futures=False) for inst in selected]

    def mix_ticker(self, call: Call) -> list[dict[str, Any]]:
        return [self._ticker(self._perp_one(call), futures=True)]

    def mix_tickers(self, call: Call) -> list[dict[str, Any]]:
        return [self._ticker(inst, futures=True) for inst in self._perps_of(call)]

    def spot_book(self, call: Call) -> dict[str, Any]:
        inst = self._spot_one(call)
        limit = call.integer("limit") or 100
        if not 1 <= limit <= SPOT_BOOK_MAX:
            raise invalid()
        snap = self.engine.book(inst.symbol, limit)
        p, q = decimals(inst.price_tick), decimals(inst.amount_step)
        return {
            "asks": [[fmt(px, p), fmt(sz, q)] for px, sz in snap.asks],
            "bids": [[fmt(px, p), fmt(sz, q)] for px, sz in snap.bids],
            "ts": str(snap.time_ms),
        }

    def merge_depth(self, call: Call) -> RawJson:
        inst = self._perp_one(call)
        raw_limit = call.get("limit") or "100"
        limit = MIX_BOOK_LIMITS.get(raw_limit)
        if limit is None:
            raise invalid()
        snap = self.engine.book(inst.symbol, limit)
        size = inst.contract_size
        p, q = decimals(inst.price_tick), decimals(inst.amount_step * size)

        def levels(rows: Iterable[tuple[Decimal, Decimal]]) -> str:
            # Bitget sends futures depth levels as JSON numbers
            return ",".join(f"[{fmt(px, p)},{fmt(sz * size, q)}]" for px, sz in rows)

        tick = plain(inst.price_tick)
        return RawJson(
            f'{{"asks":[{levels(snap.asks)}],"bids":[{levels(snap.bids)}],'
            f'"ts":"{snap.time_ms}","scale":"{tick}","precision":"scale0",'
            f'"isMaxPrecision":"YES"}}'
        )

    def uta_settings(self, call: Call) -> dict[str, Any]:
        raise VenueError(
            "40084",
            "You are in Classic Account mode, and the Unified Account API is not supported "
            "at this time",
        )

    def spot_assets(self, call: Call) -> list[dict[str, Any]]:
        acct = call.acct
        wanted = call.get("coin")
        updated = str(max([acct.created_ms, *(t.time_ms for t in acct.trades[-1:])]))
        return [
            {
                "coin": asset,
                "available": fmt(bal.free, 8),
                "limitAvailable": "0",
                "frozen": fmt(bal.locked, 8),
                "locked": "0.00000000",
                "uTime": updated,
            }
            for asset, bal in acct.balances.items()
            if (wanted is None and bal.total != 0) or asset == wanted
        ]

    def mix_accounts(self, call: Call) -> list[dict[str, Any]]:
        if self._product_type(call) != USDT_FUTURES:
            return []
        return [self._mix_account_row(call.acct, "USDT", leverage=None)]

    def mix_account(self, call: Call) -> dict[str, Any]:
        inst = self._perp_one(call)
        self._check_margin(call, inst)
        assert inst.settle is not None
        leverage = self.engine.get_leverage(call.acct, inst.symbol)
        return self._mix_account_row(call.acct, inst.settle, leverage=leverage)

    def _client_oid(self, call: Call) -> str:
        raw = call.get("clientOid")
        if raw is None:
            return str(next(self._client_oids))  # Bitget numbers the ones it makes up
        if not CLIENT_OID.match(raw):
            raise VenueError(
                "40305",
                "Client_oid length is not greater than 50, and cannot be Martian characters",
            )
        return raw

    @staticmethod
    def _side(call: Call) -> Side:
        raw = call.require("side").lower()
        if raw not in ("buy", "sell"):
            raise invalid()
        return Side.BUY if raw == "buy" else Side.SELL

    @staticmethod
    def _force(call: Call) -> tuple[TimeInForce, bool]:
        raw = (call.get("force") or "gtc").lower()
        tif = FORCES.get(raw)
        if tif is None:
            raise invalid()
        return tif, raw == "post_only"

    @staticmethod
    def _order_type(call: Call) -> bool:
        """Whether the order is a limit order (``orderType`` limit|market)."""
        raw = call.require("orderType").lower()
        if raw not in ("limit", "market"):
            raise invalid()
        return raw == "limit"

    def _find(
        self,
        acct: Account,
        kind: str,
        *,
        plan: bool,
        order_id: str | None,
        client_oid: str | None,
        inst: Instrument | None = None,
    ) -> Order | None:
        def matches(order: Order) -> bool:
            return (
                order.kind == kind
                and order.spawn_on_trigger == plan
                and (inst is None or order.symbol == inst.symbol)
            )

        if order_id is not None:
            order = acct.orders.get(int(order_id)) if order_id.isdigit() else None
            return order if order is not None and matches(order) else None
        if client_oid is not None:
            for order in reversed(acct.orders.values()):
                if matches(order) and self._venue_oid(order) == client_oid:
                    return order
            return None
        raise missing("orderId")

    def _trigger_type(
        self, inst: Instrument, side: Side, trigger: Decimal, limit: bool
    ) -> OrderType:
        """Bitget triggers when the price reaches ``trigger`` from where it is now."""
        last = self.engine.price(inst.symbol)
        if trigger == last:
            raise VenueError(
                "43011",
                "The parameter does not meet the specification triggerPrice == current price",
            )
        rising = trigger > last
        take_profit = rising != (side is Side.BUY)
        if take_profit:
            return OrderType.TAKE_PROFIT_LIMIT if limit else OrderType.TAKE_PROFIT
        return OrderType.STOP_LIMIT if limit else OrderType.STOP

    @staticmethod
    def _in_window(call: Call, order: Order) -> bool:
        """``startTime`` / ``endTime`` (ms, on the creation time) and ``idLessThan``."""
        start, end = call.integer("startTime"), call.integer("endTime")
        before = call.integer("idLessThan")
        return (
            (start is None or order.created_ms >= start)
            and (end is None or order.created_ms <= end)
            and (before is None or order.id < before)
        )

    def _plan_page(self, orders: list[Order], call: Call) -> dict[str, Any]:
        limit = min(call.integer("limit") or 100, 100)
        page = orders[:limit]
        return {
            "nextFlag": len(orders) > limit,
            "idLessThan": str(page[-1].id) if page else "",
            "orderList": [self._spot_plan(call.acct, o) for o in page],
        }
