"""Bitget's USDT-M futures handlers: orders, plan orders, fills, positions, leverage (mixed
into `BitgetVenue`)."""

from __future__ import annotations

from typing import Any

from exchlayer.testing.simulator.engine import (
    Instrument,
    OrderRequest,
    OrderType,
    Side,
)
from exchlayer.testing.simulator.venues.bitget.render import BitgetRender, invalid, missing
from exchlayer.testing.simulator.venues.bitget.tables import (
    BitgetOrder,
)
from exchlayer.testing.simulator.wire import (
    Call,
    VenueError,
)


class BitgetFutures(BitgetRender):
    """Bitget's USDT-M futures handlers (mixed into `BitgetVenue`)."""

    def _mix_common(self, call: Call) -> tuple[Instrument, Side, bool, bool]:
        inst = self._perp_one(call)
        self._check_margin(call, inst)
        if call.require("marginMode").lower() != "crossed":
            raise invalid()  # the simulator keeps cross margin only
        if call.get("tradeSide") is not None:
            raise VenueError(
                "40774",
                "The order type for unilateral position must also be the unilateral position type.",
            )
        reduce_raw = (call.get("reduceOnly") or "NO").upper()
        if reduce_raw not in ("YES", "NO"):
            raise invalid()
        return inst, self._side(call), self._order_type(call), reduce_raw == "YES"

    def mix_place(self, call: Call) -> dict[str, Any]:
        inst, side, limit, reduce_only = self._mix_common(call)
        tif, post_only = self._force(call)
        size = call.decimal("size", required=True)
        assert size is not None
        price = call.decimal("price", required=limit)
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=OrderType.LIMIT if limit else OrderType.MARKET,
            amount=size / inst.contract_size,
            price=price if limit else None,
            time_in_force=tif,
            post_only=post_only,
            reduce_only=reduce_only,
            client_order_id=self._client_oid(call),
        )
        order = self.engine.place_order(call.acct, req)
        BitgetOrder(force="post_only" if post_only else tif.value.lower()).attach(order)
        return {"orderId": str(order.id), "clientOid": order.client_order_id}

    def mix_plan_place(self, call: Call) -> dict[str, Any]:
        inst, side, limit, reduce_only = self._mix_common(call)
        if call.require("planType") != "normal_plan":
            raise invalid()  # trailing (track_plan) orders are not simulated
        tif, post_only = self._force(call)
        trigger = call.decimal("triggerPrice", required=True)
        assert trigger is not None
        trigger_type = call.require("triggerType").lower()
        if trigger_type not in ("fill_price", "mark_price"):
            raise invalid()
        price = call.decimal("price") or call.decimal("executePrice")
        if limit and price is None:
            raise missing("price")
        size = call.decimal("size", required=True)
        assert size is not None
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=self._trigger_type(inst, side, trigger, limit),
            amount=size / inst.contract_size,
            price=price if limit else None,
            stop_price=trigger,
            time_in_force=tif,
            post_only=post_only,
            reduce_only=reduce_only,
            client_order_id=self._client_oid(call),
            spawn_on_trigger=True,
        )
        order = self.engine.place_order(call.acct, req)
        BitgetOrder(trigger_type=trigger_type).attach(order)
        return {"orderId": str(order.id), "clientOid": order.client_order_id}

    def mix_cancel(self, call: Call) -> dict[str, Any]:
        inst = self._perp_one(call)
        order = self._find(
            call.acct,
            "swap",
            plan=False,
            order_id=call.get("orderId"),
            client_oid=call.get("clientOid"),
            inst=inst,
        )
        if order is None or not order.is_open:
            raise VenueError("40768", "Order does not exist")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"orderId": str(order.id), "clientOid": self._venue_oid(order)}

    def mix_plan_cancel(self, call: Call) -> dict[str, Any]:
        inst = self._perp_inst(call, required=False)
        wanted = call.params.get("orderIdList")
        success: list[dict[str, Any]] = []
        failure: list[dict[str, Any]] = []
        if wanted is None:
            # no list: every open plan order of the product type (and symbol)
            targets = [
                o
                for o in call.acct.orders.values()
                if o.kind == "swap"
                and o.spawn_on_trigger
                and o.is_open
                and (inst is None or o.symbol == inst.symbol)
            ]
            for order in targets:
                self.engine.cancel_order(call.acct, order_id=order.id)
                success.append({"orderId": str(order.id), "clientOid": order.client_order_id})
            return {"successList": success, "failureList": failure}
        if not isinstance(wanted, list) or inst is None:
            raise invalid()
        for item in wanted:
            if not isinstance(item, dict):
                raise invalid()
            order_id = str(item.get("orderId") or "") or None
            client_oid = str(item.get("clientOid") or "") or None
            found = self._find(
                call.acct, "swap", plan=True, order_id=order_id, client_oid=client_oid, inst=inst
            )
            if found is None or not found.is_open:
                failure.append(
                    {
                        "orderId": order_id or "",
                        "clientOid": client_oid or "",
                        "errorMsg": "Order does not exist",
                        "errorCode": "40768",
                    }
                )
                continue
            self.engine.cancel_order(call.acct, order_id=found.id)
            success.append({"orderId": str(found.id), "clientOid": found.client_order_id})
        return {"successList": success, "failureList": failure}

    def mix_detail(self, call: Call) -> dict[str, Any]:
        inst = self._perp_one(call)
        order = self._find(
            call.acct,
            "swap",
            plan=False,
            order_id=call.get("orderId"),
            client_oid=call.get("clientOid"),
            inst=inst,
        )
        if order is None:
            raise VenueError(
                "40109", "The data of the order cannot be found, please confirm the order number"
            )
        return self._mix_order(call.acct, order, state_key="state")

    def _mix_list(self, call: Call, *, plan: bool, open_: bool) -> dict[str, Any]:
        inst = self._perp_inst(call, required=False)
        if plan and call.require("planType") != "normal_plan":
            return {"entrustedList": [], "endId": ""}
        order_id, client_oid = call.get("orderId"), call.get("clientOid")
        perps = {i.symbol for i in self._perps_of(call)}
        limit = min(call.integer("limit") or 100, 100)
        orders = [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == "swap"
            and o.symbol in perps
            and o.spawn_on_trigger == plan
            and o.is_open == open_
            and (inst is None or o.symbol == inst.symbol)
            and (order_id is None or str(o.id) == order_id)
            and (client_oid is None or self._venue_oid(o) == client_oid)
            and (open_ or self._in_window(call, o))
        ][:limit]
        rows = [
            self._mix_plan(o) if plan else self._mix_order(call.acct, o, state_key="status")
            for o in orders
        ]
        return {"entrustedList": rows, "endId": str(orders[-1].id) if orders else ""}

    def mix_pending(self, call: Call) -> dict[str, Any]:
        return self._mix_list(call, plan=False, open_=True)

    def mix_history(self, call: Call) -> dict[str, Any]:
        return self._mix_list(call, plan=False, open_=False)

    def mix_plan_pending(self, call: Call) -> dict[str, Any]:
        return self._mix_list(call, plan=True, open_=True)

    def mix_plan_history(self, call: Call) -> dict[str, Any]:
        return self._mix_list(call, plan=True, open_=False)

    def mix_plan_sub(self, call: Call) -> list[dict[str, Any]]:
        self._product_type(call)
        call.require("planType")
        plan = self._find(
            call.acct, "swap", plan=True, order_id=call.require("planOrderId"), client_oid=None
        )
        if plan is None:
            raise VenueError(
                "40109", "The data of the order cannot be found, please confirm the order number"
            )
        return self._sub_orders(call.acct, plan)

    def mix_fills(self, call: Call) -> dict[str, Any]:
        inst = self._perp_inst(call, required=False)
        perps = {i.symbol for i in self._perps_of(call)}
        limit = min(call.integer("limit") or 100, 100)
        order_id = call.get("orderId")
        trades = [
            t
            for t in reversed(self.engine.trades(call.acct))
            if t.symbol in perps
            and (inst is None or t.symbol == inst.symbol)
            and (order_id is None or str(t.order_id) == order_id)
        ][:limit]
        return {
            "fillList": [self._mix_fill(t) for t in trades],
            "endId": str(trades[-1].id) if trades else "",
        }

    def positions(self, call: Call) -> list[dict[str, Any]]:
        perps = {i.symbol for i in self._perps_of(call)}
        margin_coin = call.get("marginCoin")
        if margin_coin is not None and margin_coin.upper() != "USDT":
            return []
        return [
            self._position(call.acct, view)
            for view in self.engine.positions(call.acct)
            if view.symbol in perps and view.amount != 0
        ]

    def single_position(self, call: Call) -> list[dict[str, Any]]:
        inst = self._perp_one(call)
        self._check_margin(call, inst)
        view = self.engine.position(call.acct, inst.symbol)
        return [self._position(call.acct, view)] if view.amount != 0 else []

    def set_leverage(self, call: Call) -> dict[str, Any]:
        inst = self._perp_one(call)
        self._check_margin(call, inst)
        leverage = call.integer("leverage")
        if leverage is None:
            raise missing("leverage")
        value = str(self.engine.set_leverage(call.acct, inst.symbol, leverage))
        return {
            "symbol": f"{inst.base}{inst.quote}".lower(),
            "marginCoin": inst.settle,
            "longLeverage": value,
            "shortLeverage": value,
            "crossMarginLeverage": value,
            "marginMode": "crossed",
        }
