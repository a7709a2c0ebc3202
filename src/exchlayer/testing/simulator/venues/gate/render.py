"""Gate's renderers: engine objects in Gate's JSON shapes (spot ids are strings, futures and
price-order ids numbers; prices and spot amounts strings; contract sizes integers; futures times
float seconds), and the lookups they share with the handlers."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import (
    ZERO,
    Account,
    Engine,
    ExpireReason,
    FeeSchedule,
    Instrument,
    Order,
    OrderStatus,
    Side,
    Trade,
)
from exchlayer.testing.simulator.venues.gate.tables import (
    FUTURES_FINISH,
    FUTURES_SOURCE,
    PRICE_DEVIATE,
    SPOT_FINISH,
    SPOT_SOURCE,
    TEXT,
    Contract,
    GateOrder,
    plain,
)
from exchlayer.testing.simulator.wire import Call, VenueError
from exchlayer.testing.simulator.wire.numbers import decimals

__all__ = ["GateRender", "invalid", "market_id", "not_found", "seconds"]


def invalid(name: str) -> VenueError:
    """Gate's answer to a bad value."""
    return VenueError("INVALID_PARAM_VALUE", f"invalid argument: {name}")


def not_found() -> VenueError:
    """Gate's answer for an order it does not know."""
    return VenueError("ORDER_NOT_FOUND", "Order not found", 404)


def market_id(inst: Instrument) -> str:
    """`BTC_USDT`: a spot pair's and a contract's name alike."""
    return f"{inst.base}_{inst.quote}"


def seconds(ms: int) -> float:
    """Gate's futures times: float seconds (the wire edge, not money)."""
    return ms / 1000


def gate_text(value: Any) -> str:
    """A value as Gate reads a number or a text: an integer or a string, nothing else."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(type(value).__name__)
    return str(value)


def json_body(call: Call) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        raise VenueError("INVALID_REQUEST_BODY", "Invalid request body")
    return call.body


def text_of(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not TEXT.match(raw):
        raise invalid("text")
    return raw


def side_of(raw: Any) -> Side:
    if raw == "buy":
        return Side.BUY
    if raw == "sell":
        return Side.SELL
    raise invalid("side")


class GateRender:
    """The JSON shapes of Gate's answers, and the lookups they need (mixed into `GateVenue`)."""

    engine: Engine
    fees: ClassVar[FeeSchedule]
    _pairs: dict[str, Instrument]
    _contracts: dict[str, dict[str, Contract]]
    _by_symbol: dict[str, Contract]
    _cross: dict[tuple[int, str], bool]

    def _pair(self, pair_id: str | None) -> Instrument:
        if pair_id is None:
            raise VenueError("MISSING_REQUIRED_PARAM", "Missing required parameter: currency_pair")
        inst = self._pairs.get(pair_id)
        if inst is None:
            raise VenueError("INVALID_CURRENCY_PAIR", f"Invalid currency pair {pair_id}")
        return inst

    def _settle(self, call: Call) -> dict[str, Contract]:
        settle = call.args.get("settle", "")
        contracts = self._contracts.get(settle)
        if contracts is None:
            raise invalid("settle")
        return contracts

    def _contract(self, call: Call, name: str | None) -> Contract:
        if name is None:
            raise VenueError("MISSING_REQUIRED_PARAM", "Missing required parameter: contract")
        contract = self._settle(call).get(name)
        if contract is None:
            raise VenueError("CONTRACT_NOT_FOUND", f"Contract not found: {name}")
        return contract

    def _user(self, account: Account) -> int:
        return 10_000_000 + account.id

    def _fired(self, acct: Account, order: Order) -> Order | None:
        """The order a fired price order placed, unless placing it failed."""
        child = acct.orders.get(order.child_id) if order.child_id is not None else None
        if child is None or (
            child.expire_reason is ExpireReason.INSUFFICIENT_FUNDS_ON_TRIGGER
            and child.filled == 0
        ):
            return None
        return child

    def currencies(self, call: Call) -> list[dict[str, Any]]:
        codes: dict[str, None] = {}
        for inst in self.engine.instruments.values():
            codes.setdefault(inst.base)
            codes.setdefault(inst.quote)
        return [
            {
                "currency": code,
                "name": code,
                "delisted": False,
                "withdraw_disabled": False,
                "withdraw_delayed": False,
                "deposit_disabled": False,
                "trade_disabled": False,
                "fixed_rate": "",
                "chain": "ETH",
                "chains": [
                    {
                        "name": "ETH",
                        "addr": "",
                        "withdraw_disabled": False,
                        "withdraw_delayed": False,
                        "deposit_disabled": False,
                    }
                ],
            }
            for code in codes
        ]

    def currency_pairs(self, call: Call) -> list[dict[str, Any]]:
        out = []
        for pair_id, inst in self._pairs.items():
            out.append(
                {
                    "id": pair_id,
                    "base": inst.base,
                    "base_name": inst.base,
                    "quote": inst.quote,
                    "quote_name": inst.quote,
                    "fee": plain(self.fees.spot_taker * 100),
                    "min_base_amount": plain(inst.min_amount),
                    "min_quote_amount": plain(inst.min_notional),
                    "max_base_amount": plain(inst.max_amount),
                    "max_quote_amount": "5000000",
                    "amount_precision": decimals(inst.amount_step),
                    "precision": decimals(inst.price_tick),
                    "trade_status": "tradable",
                    "sell_start": 1516378650,
                    "buy_start": 1516378650,
                    "delisting_time": 0,
                    "type": "normal",
                    "trade_url": f"https://www.gate.com/trade/{pair_id}",
                    "st_tag": False,
                }
            )
        return out

    def margin_pairs(self, call: Call) -> list[dict[str, Any]]:
        return [
            {
                "id": pair_id,
                "base": inst.base,
                "quote": inst.quote,
                "leverage": 10,
                "min_base_amount": plain(inst.min_amount),
                "min_quote_amount": plain(inst.min_notional),
                "max_quote_amount": "5000000",
                "status": 1,
            }
            for pair_id, inst in self._pairs.items()
        ]

    def spot_tickers(self, call: Call) -> list[dict[str, Any]]:
        pair_id = call.get("currency_pair")
        selected = [self._pair(pair_id)] if pair_id else list(self._pairs.values())
        out = []
        for inst in selected:
            st = self.engine.stats(inst.symbol)
            pct = (st.change / st.open * 100) if st.open else ZERO
            row: dict[str, Any] = {
                "currency_pair": market_id(inst),
                "last": plain(st.last),
                "lowest_ask": plain(st.ask),
                "highest_bid": plain(st.bid),
                "change_percentage": plain(pct.quantize(Decimal("0.01"))),
                "change_utc0": plain(pct.quantize(Decimal("0.01"))),
                "change_utc8": plain(pct.quantize(Decimal("0.01"))),
                "base_volume": plain(st.volume),
                "quote_volume": plain(st.quote_volume),
                "high_24h": plain(st.high),
                "low_24h": plain(st.low),
            }
            if pair_id:
                row["lowest_size"] = plain(st.ask_qty)
                row["highest_size"] = plain(st.bid_qty)
            out.append(row)
        return out

    def _contract_info(self, contract: Contract) -> dict[str, Any]:
        inst = contract.inst
        price = self.engine.price(inst.symbol)
        now_s = self.engine.now_ms() // 1000
        st = self.engine.stats(inst.symbol)
        return {
            "name": contract.name,
            "type": "direct",
            "quanto_multiplier": plain(contract.multiplier),
            "ref_discount_rate": "0",
            "order_price_deviate": plain(PRICE_DEVIATE),
            "maintenance_rate": plain(inst.maintenance_margin_rate),
            "mark_type": "index",
            "last_price": plain(price),
            "mark_price": plain(price),
            "index_price": plain(price),
            "funding_rate_indicative": "0.0001",
            "mark_price_round": plain(inst.price_tick),
            "funding_offset": 0,
            "in_delisting": False,
            "risk_limit_base": "1000000",
            "interest_rate": "0.0003",
            "order_price_round": plain(inst.price_tick),
            "order_size_min": contract.size_min,
            "ref_rebate_rate": "0.2",
            "funding_interval": 28800,
            "risk_limit_step": "1000000",
            "leverage_min": "1",
            "leverage_max": str(inst.max_leverage),
            "risk_limit_max": "8000000",
            "maker_fee_rate": plain(self.fees.swap_maker),
            "taker_fee_rate": plain(self.fees.swap_taker),
            "funding_rate": "0.0001",
            "order_size_max": contract.size_max,
            "funding_next_apply": (now_s // 28800 + 1) * 28800,
            "short_users": 0,
            "config_change_time": 1700000000,
            "trade_size": int(st.volume / inst.amount_step),
            "position_size": 0,
            "long_users": 0,
            "funding_impact_value": "60000",
            "orders_limit": 200,
            "trade_id": st.first_trade_id + st.trade_count,
            "orderbook_id": self.engine.book(inst.symbol, 1).update_id,
            "enable_bonus": True,
            "enable_credit": True,
            "create_time": 1569398400,
            "funding_cap_ratio": "0.75",
            "status": "trading",
            "launch_time": 1569398400,
            "enable_decimal": False,
        }

    def futures_tickers(self, call: Call) -> list[dict[str, Any]]:
        name = call.get("contract")
        selected = [self._contract(call, name)] if name else list(self._settle(call).values())
        out = []
        for contract in selected:
            inst = contract.inst
            st = self.engine.stats(inst.symbol)
            step = inst.amount_step
            pct = (st.change / st.open * 100) if st.open else ZERO
            base_volume = st.volume * inst.contract_size
            out.append(
                {
                    "contract": contract.name,
                    "last": plain(st.last),
                    "change_percentage": plain(pct.quantize(Decimal("0.01"))),
                    "total_size": "0",
                    "low_24h": plain(st.low),
                    "high_24h": plain(st.high),
                    "volume_24h": plain((st.volume / step).to_integral_value(ROUND_DOWN)),
                    "volume_24h_btc": plain(base_volume),
                    "volume_24h_usd": plain(st.quote_volume),
                    "volume_24h_base": plain(base_volume),
                    "volume_24h_quote": plain(st.quote_volume),
                    "volume_24h_settle": plain(st.quote_volume),
                    "mark_price": plain(st.last),
                    "funding_rate": "0.0001",
                    "funding_rate_indicative": "0.0001",
                    "index_price": plain(st.last),
                    "quanto_base_rate": "",
                    "lowest_ask": plain(st.ask),
                    "lowest_size": plain(st.ask_qty / step),
                    "highest_bid": plain(st.bid),
                    "highest_size": plain(st.bid_qty / step),
                }
            )
        return out

    def futures_accounts(self, call: Call) -> dict[str, Any]:
        settle = call.args["settle"].upper()
        self._settle(call)
        acct = call.acct
        s = self.engine.margin_summary(acct, settle)
        return {
            "user": self._user(acct),
            "currency": settle,
            "total": plain(s.wallet_balance),
            "unrealised_pnl": plain(s.unrealized_pnl),
            "position_margin": plain(s.position_initial_margin),
            "order_margin": plain(s.open_order_initial_margin),
            "available": plain(s.available_balance),
            "point": "0",
            "bonus": "0",
            "in_dual_mode": False,
            "enable_evolved_classic": True,
            "cross_initial_margin": plain(s.initial_margin),
            "cross_maintenance_margin": plain(s.maintenance_margin),
            "cross_order_margin": plain(s.open_order_initial_margin),
            "cross_unrealised_pnl": plain(s.unrealized_pnl),
            "cross_available": plain(s.available_balance),
            "cross_margin_balance": plain(s.margin_balance),
            "isolated_position_margin": "0",
            "maintenance_margin": plain(s.maintenance_margin),
            "margin_mode": 0,
            "history": {
                "dnw": plain(s.wallet_balance),
                "pnl": "0",
                "fee": "0",
                "refr": "0",
                "fund": "0",
                "point_dnw": "0",
                "point_fee": "0",
                "point_refr": "0",
                "bonus_dnw": "0",
                "bonus_offset": "0",
            },
        }

    def _spot_order(self, inst: Instrument, order: Order, acct: Account) -> dict[str, Any]:
        quote_sized = order.quote_amount is not None
        if quote_sized:
            assert order.quote_amount is not None
            amount = order.quote_amount
            left = order.quote_amount - order.cost if order.amount is not None else amount
        else:
            amount = order.amount or ZERO
            left = order.remaining
        if order.is_open:
            status, finish_as = "open", "open"
        elif order.status is OrderStatus.FILLED:
            status, finish_as = "closed", "filled"
        elif order.status is OrderStatus.EXPIRED and order.expire_reason is not None:
            status, finish_as = "cancelled", SPOT_FINISH.get(order.expire_reason, "cancelled")
        else:
            status, finish_as = "cancelled", "cancelled"
        trades = self.engine.order_trades(acct, order)
        fee = sum((t.fee for t in trades), ZERO)
        fee_currency = inst.base if order.side is Side.BUY else inst.quote
        if trades:
            fee_currency = trades[0].fee_asset
        kind = (GateOrder.of(order).type or ("limit" if order.type.has_limit_price else "market"))
        tif = (GateOrder.of(order).tif or ("gtc" if kind == "limit" else "ioc"))
        avg = order.average_price
        return {
            "id": str(order.id),
            "text": (GateOrder.of(order).text or SPOT_SOURCE),
            "amend_text": "-",
            "create_time": str(order.created_ms // 1000),
            "update_time": str(order.updated_ms // 1000),
            "create_time_ms": order.created_ms,
            "update_time_ms": order.updated_ms,
            "status": status,
            "currency_pair": market_id(inst),
            "type": kind,
            "account": "spot",
            "side": order.side.value.lower(),
            "amount": plain(amount),
            "price": plain(order.price) if kind == "limit" and order.price is not None else "0",
            "time_in_force": tif,
            "iceberg": "0",
            "left": plain(left),
            "filled_amount": plain(order.filled),
            "fill_price": plain(order.cost),
            "filled_total": plain(order.cost),
            "avg_deal_price": plain(avg) if avg is not None else "0",
            "fee": plain(fee),
            "fee_currency": fee_currency,
            "point_fee": "0",
            "gt_fee": "0",
            "gt_maker_fee": "0",
            "gt_taker_fee": "0",
            "gt_discount": False,
            "rebated_fee": "0",
            "rebated_fee_currency": inst.quote if order.side is Side.BUY else inst.base,
            "stp_id": 0,
            "stp_act": "-",
            "finish_as": finish_as,
        }

    def _spot_trade(self, acct: Account, t: Trade) -> dict[str, Any]:
        order = acct.orders.get(t.order_id)
        text = (GateOrder.of(order).text or SPOT_SOURCE) if order else SPOT_SOURCE
        return {
            "id": str(t.id),
            "create_time": str(t.time_ms // 1000),
            "create_time_ms": f"{t.time_ms}.000000",
            "currency_pair": market_id(self.engine.instrument(t.symbol)),
            "side": t.side.value.lower(),
            "role": "maker" if t.is_maker else "taker",
            "amount": plain(t.amount),
            "price": plain(t.price),
            "order_id": str(t.order_id),
            "fee": plain(t.fee),
            "fee_currency": t.fee_asset,
            "point_fee": "0",
            "gt_fee": "0",
            "amend_text": "-",
            "sequence_id": str(t.id),
            "text": text,
        }

    def _spot_price_order(self, order: Order, acct: Account) -> dict[str, Any]:
        inst = self.engine.instrument(order.symbol)
        rising = (order.side is Side.BUY) != order.type.is_take_profit
        trigger: dict[str, Any] = {
            "price": plain(order.stop_price or ZERO),
            "rule": ">=" if rising else "<=",
            "expiration": GateOrder.of(order).expiration,
        }
        if GateOrder.of(order).text_sent:
            trigger["text"] = GateOrder.of(order).text
        amount = order.quote_amount if order.quote_amount is not None else order.amount
        put_price = GateOrder.of(order).put_price
        child = self._fired(acct, order)
        out: dict[str, Any] = {
            "trigger": trigger,
            "put": {
                "type": (GateOrder.of(order).type or "limit"),
                "side": order.side.value.lower(),
                "price": plain(put_price) if isinstance(put_price, Decimal) else "0",
                "amount": plain(amount or ZERO),
                "account": "normal",
                "time_in_force": (GateOrder.of(order).tif or "gtc"),
                "auto_borrow": False,
                "auto_repay": False,
                "text": FUTURES_SOURCE,
            },
            "id": order.id,
            "user": self._user(acct),
            "market": market_id(inst),
            "ctime": order.created_ms // 1000,
        }
        if order.status is OrderStatus.TRIGGERED:
            out["ftime"] = order.trigger_ms // 1000
            if child is not None:
                out["fired_order_id"] = child.id
                out["status"], out["reason"] = "finish", ""
            else:
                out["status"], out["reason"] = "failed", "Not enough balance"
        elif order.status is OrderStatus.CANCELED:
            out["ftime"] = order.updated_ms // 1000
            out["status"], out["reason"] = "cancelled", ""
        else:
            out["status"], out["reason"] = "open", ""
        return out

    def _futures_order(self, contract: Contract, order: Order, acct: Account) -> dict[str, Any]:
        step = contract.inst.amount_step
        # a close order is sent, and reported, with size 0 (Gate closes the whole position)
        close = GateOrder.of(order).close
        sign = 0 if close else order.side.sign
        avg = order.average_price
        out: dict[str, Any] = {
            "id": order.id,
            "user": self._user(acct),
            "create_time": seconds(order.created_ms),
        }
        if not order.is_open:
            out["finish_time"] = seconds(order.updated_ms)
            if order.status is OrderStatus.FILLED:
                out["finish_as"] = "filled"
            elif order.status is OrderStatus.EXPIRED and order.expire_reason is not None:
                out["finish_as"] = FUTURES_FINISH.get(order.expire_reason, "cancelled")
            else:
                out["finish_as"] = "cancelled"
        out.update(
            status="open" if order.is_open else "finished",
            contract=contract.name,
            size=sign * int((order.amount or ZERO) / step),
            iceberg=0,
            price=plain(order.price) if order.price is not None else "0",
            close=close,
            is_close=close,
            reduce_only=order.reduce_only,
            is_reduce_only=order.reduce_only,
            is_liq=False,
            tif=(GateOrder.of(order).tif or "gtc"),
            left=sign * int(order.remaining / step),
            fill_price=plain(avg) if avg is not None else "0",
            text=(GateOrder.of(order).text or FUTURES_SOURCE),
            tkfr=plain(acct.fees.swap_taker),
            mkfr=plain(acct.fees.swap_maker),
            refu=0,
            auto_size="",
            stp_id=0,
            stp_act="-",
            amend_text="-",
            biz_info="-",
        )
        return out

    def _futures_trade(self, acct: Account, contract: Contract, t: Trade) -> dict[str, Any]:
        step = contract.inst.amount_step
        order = acct.orders.get(t.order_id)
        text = (GateOrder.of(order).text or FUTURES_SOURCE) if order else FUTURES_SOURCE
        closing = int(t.amount / step) if t.realized_pnl else 0
        return {
            "trade_id": str(t.id),
            "create_time": seconds(t.time_ms),
            "contract": contract.name,
            "order_id": str(t.order_id),
            "size": t.side.sign * int(t.amount / step),
            "close_size": t.side.sign * closing,
            "price": plain(t.price),
            "role": "maker" if t.is_maker else "taker",
            "text": text,
            "fee": plain(t.fee),
            "point_fee": "0",
        }

    def _futures_price_order(self, order: Order, acct: Account) -> dict[str, Any]:
        contract = self._by_symbol[order.symbol]
        step = contract.inst.amount_step
        rising = (order.side is Side.BUY) != order.type.is_take_profit
        child = self._fired(acct, order)
        close = GateOrder.of(order).close
        out: dict[str, Any] = {
            "initial": {
                "contract": contract.name,
                "size": 0 if close else order.side.sign * int((order.amount or ZERO) / step),
                "price": plain(order.price) if order.price is not None else "0",
                "tif": (GateOrder.of(order).tif or "gtc"),
                "text": (GateOrder.of(order).text or FUTURES_SOURCE),
                "iceberg": 0,
                "is_close": close,
                "is_reduce_only": order.reduce_only,
                "auto_size": "",
            },
            "trigger": {
                "strategy_type": 0,
                "price_type": GateOrder.of(order).price_type,
                "price": plain(order.stop_price or ZERO),
                "rule": 1 if rising else 2,
                "expiration": GateOrder.of(order).expiration,
            },
            "id": order.id,
            "user": self._user(acct),
            "create_time": seconds(order.created_ms),
            "trade_id": child.id if child is not None else 0,
            "status": "open" if order.is_open else "finished",
            "reason": "",
            "order_type": "",
            "me_order_id": 0,
            "is_stop_order": False,
            "stop_trigger": {"rule": 0, "trigger_price": "", "order_price": ""},
        }
        if order.status is OrderStatus.TRIGGERED:
            out["finish_time"] = seconds(order.trigger_ms)
            if child is not None:
                out["finish_as"] = "succeeded"
            else:
                out["finish_as"], out["reason"] = "failed", "insufficient available balance"
        elif order.status is OrderStatus.CANCELED:
            out["finish_time"] = seconds(order.updated_ms)
            out["finish_as"] = "cancelled"
        return out

    def _position(self, acct: Account, contract: Contract) -> dict[str, Any]:
        inst = contract.inst
        step = inst.amount_step
        view = self.engine.position(acct, inst.symbol)
        # Gate positions start in cross margin; a leverage set through the API makes them isolated
        cross = self._cross.get((acct.id, inst.symbol), True)
        pending = sum(
            1 for o in acct.orders.values() if o.symbol == inst.symbol and o.is_open
        )
        state = acct.positions.get(inst.symbol)
        opened = state.updated_ms // 1000 if state is not None and view.amount else 0
        return {
            "value": plain(abs(view.notional)),
            "leverage": "0" if cross else str(view.leverage),
            "mode": "single",
            "realised_point": "0",
            "contract": contract.name,
            "entry_price": plain(view.entry_price),
            "mark_price": plain(view.mark_price),
            "history_point": "0",
            "realised_pnl": plain(view.realized_pnl),
            "close_order": None,
            "size": int(view.amount / step),
            "cross_leverage_limit": str(view.leverage) if cross else "0",
            "pending_orders": pending,
            "adl_ranking": 6 if view.amount == 0 else 3,
            "maintenance_rate": plain(inst.maintenance_margin_rate),
            "unrealised_pnl": plain(view.unrealized_pnl),
            "user": self._user(acct),
            "leverage_max": str(inst.max_leverage),
            "history_pnl": "0",
            "risk_limit": "1000000",
            "margin": plain(view.initial_margin),
            "last_close_pnl": "0",
            "liq_price": plain(view.liquidation_price),
            "update_time": view.updated_ms // 1000,
            "update_id": 1,
            "initial_margin": "0",
            "maintenance_margin": "0",
            "open_time": opened,
            "trade_max_size": "0",
            "risk_limit_table": "",
            "average_maintenance_rate": plain(inst.maintenance_margin_rate),
            "pnl_pnl": plain(view.realized_pnl),
            "pnl_fund": "0",
            "pnl_fee": "0",
        }

    def time(self, call: Call) -> dict[str, Any]:
        return {"server_time": self.engine.now_ms()}

    def _book_limit(self, call: Call, maximum: int) -> int:
        limit = call.integer("limit", 10)
        if not 1 <= limit <= maximum:
            raise invalid("limit")
        return limit

    def spot_book(self, call: Call) -> dict[str, Any]:
        inst = self._pair(call.require("currency_pair"))
        snap = self.engine.book(inst.symbol, self._book_limit(call, 1000))
        out: dict[str, Any] = {}
        if (call.get("with_id") or "").lower() == "true":
            out["id"] = snap.update_id
        out.update(
            current=self.engine.now_ms(),
            update=snap.time_ms,
            asks=[[plain(p), plain(q)] for p, q in snap.asks],
            bids=[[plain(p), plain(q)] for p, q in snap.bids],
        )
        return out

    def futures_contracts(self, call: Call) -> list[dict[str, Any]]:
        return [self._contract_info(c) for c in self._settle(call).values()]

    def futures_contract(self, call: Call) -> dict[str, Any]:
        return self._contract_info(self._contract(call, call.args.get("contract")))

    def futures_book(self, call: Call) -> dict[str, Any]:
        contract = self._contract(call, call.require("contract"))
        inst = contract.inst
        snap = self.engine.book(inst.symbol, self._book_limit(call, 300))
        step = inst.amount_step
        out: dict[str, Any] = {}
        if (call.get("with_id") or "").lower() == "true":
            out["id"] = snap.update_id
        out.update(
            current=seconds(self.engine.now_ms()),
            update=seconds(snap.time_ms),
            asks=[{"p": plain(p), "s": int(q / step)} for p, q in snap.asks],
            bids=[{"p": plain(p), "s": int(q / step)} for p, q in snap.bids],
        )
        return out

    def empty(self, call: Call) -> list[Any]:
        """Markets exchlayer does not model (delivery futures, options): none listed."""
        return []

    def account_detail(self, call: Call) -> dict[str, Any]:
        return {
            "user_id": self._user(call.acct),
            "ip_whitelist": [],
            "currency_pairs": [],
            "key": {"mode": 1},  # classic account
            "tier": 0,
            "tier_expire_time": "0001-01-01T00:00:00Z",
            "copy_trading_role": 0,
        }

    def spot_accounts(self, call: Call) -> list[dict[str, Any]]:
        wanted = call.get("currency")
        return [
            {
                "currency": asset,
                "available": plain(bal.free),
                "locked": plain(bal.locked),
                "update_id": 1,
            }
            for asset, bal in call.acct.balances.items()
            if wanted is None or asset == wanted
        ]

    def _check_trigger(self, inst: Instrument, stop: Decimal, rising: bool) -> None:
        last = self.engine.price(inst.symbol)
        if rising and stop <= last:
            raise VenueError(
                "AUTO_TRIGGER_PRICE_GREATE_LAST",
                "invalid argument: Trigger.Price must > last_price",
            )
        if not rising and stop >= last:
            raise VenueError(
                "AUTO_TRIGGER_PRICE_LESS_LAST",
                "invalid argument: Trigger.Price must < last_price",
            )

    def _price_find(self, acct: Account, order_id: str, kind: str) -> Order:
        order = acct.orders.get(int(order_id)) if order_id.isdigit() else None
        if order is None or order.kind != kind or not order.spawn_on_trigger:
            raise not_found()
        return order
