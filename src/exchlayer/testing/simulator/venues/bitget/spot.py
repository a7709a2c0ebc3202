"""Bitget's spot handlers: orders, plan (trigger) orders, fills (mixed into `BitgetVenue`)."""

from __future__ import annotations

from typing import Any

from exchlayer.testing.simulator.engine import (
    OrderRequest,
    OrderType,
    Side,
)
from exchlayer.testing.simulator.venues.bitget.render import (
    BitgetRender,
    floor_to,
    invalid,
)
from exchlayer.testing.simulator.venues.bitget.tables import (
    BitgetOrder,
)
from exchlayer.testing.simulator.wire import (
    Call,
    VenueError,
)


class BitgetSpot(BitgetRender):
    """Bitget's spot handlers (mixed into `BitgetVenue`)."""

    def spot_place(self, call: Call) -> dict[str, Any]:
        inst = self._spot_one(call)
        side = self._side(call)
        limit = self._order_type(call)
        tif, post_only = self._force(call)
        size = call.decimal("size", required=True)
        assert size is not None
        price = call.decimal("price", required=limit)
        market_buy = not limit and side is Side.BUY
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=OrderType.LIMIT if limit else OrderType.MARKET,
            amount=None if market_buy else size,
            quote_amount=size if market_buy else None,
            price=price if limit else None,
            time_in_force=tif,
            post_only=post_only,
            client_order_id=self._client_oid(call),
        )
        order = self.engine.place_order(call.acct, req)
        BitgetOrder(force="post_only" if post_only else tif.value.lower()).attach(order)
        return {"orderId": str(order.id), "clientOid": order.client_order_id}

    def spot_plan_place(self, call: Call) -> dict[str, Any]:
        inst = self._spot_one(call)
        side = self._side(call)
        limit = self._order_type(call)
        tif, post_only = self._force(call)
        trigger = call.decimal("triggerPrice", required=True)
        assert trigger is not None
        trigger_type = call.require("triggerType").lower()
        if trigger_type not in ("fill_price", "mark_price"):
            raise invalid()
        price = call.decimal("executePrice", required=limit)
        size = call.decimal("size", required=True)
        assert size is not None
        plan_type = (call.get("planType") or "amount").lower()
        if plan_type not in ("amount", "total"):
            raise invalid()
        amount = size
        if plan_type == "total":
            # quote to spend; the engine sizes trigger orders in base: convert at the order's price
            reference = price if price is not None else trigger
            amount = floor_to(size / reference, inst.amount_step)
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=self._trigger_type(inst, side, trigger, limit),
            amount=amount,
            price=price if limit else None,
            stop_price=trigger,
            time_in_force=tif,
            post_only=post_only,
            client_order_id=self._client_oid(call),
            spawn_on_trigger=True,
        )
        order = self.engine.place_order(call.acct, req)
        BitgetOrder(
            plan_type=plan_type.upper(), size=size, trigger_type=trigger_type
        ).attach(order)
        return {"orderId": str(order.id), "clientOid": order.client_order_id}

    def spot_cancel(self, call: Call) -> dict[str, Any]:
        inst = self._spot_one(call)
        order = self._find(
            call.acct,
            "spot",
            plan=False,
            order_id=call.get("orderId"),
            client_oid=call.get("clientOid"),
            inst=inst,
        )
        if order is None or not order.is_open:
            raise VenueError("43001", "The order does not exist")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"orderId": str(order.id), "clientOid": self._venue_oid(order)}

    def spot_plan_cancel(self, call: Call) -> dict[str, Any]:
        order = self._find(
            call.acct,
            "spot",
            plan=True,
            order_id=call.get("orderId"),
            client_oid=call.get("clientOid"),
        )
        if order is None or not order.is_open:
            raise VenueError("43025", "Plan order does not exist")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"result": "success"}

    def spot_order_info(self, call: Call) -> list[dict[str, Any]]:
        order = self._find(
            call.acct,
            "spot",
            plan=False,
            order_id=call.get("orderId"),
            client_oid=call.get("clientOid"),
        )
        return [] if order is None else [self._spot_order(call.acct, order)]

    def spot_unfilled(self, call: Call) -> list[dict[str, Any]]:
        inst = self._spot_inst(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return [
            self._spot_unfilled_row(call.acct, o)
            for o in orders
            if o.kind == "spot" and not o.spawn_on_trigger
        ]

    def spot_history(self, call: Call) -> list[dict[str, Any]]:
        inst = self._spot_inst(call, required=False)
        limit = min(call.integer("limit") or 100, 100)
        closed = [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == "spot"
            and not o.spawn_on_trigger
            and not o.is_open
            and (inst is None or o.symbol == inst.symbol)
            and self._in_window(call, o)
        ]
        return [self._spot_order(call.acct, o) for o in closed[:limit]]

    def spot_plan_current(self, call: Call) -> dict[str, Any]:
        inst = self._spot_inst(call, required=False)
        orders = [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == "spot"
            and o.spawn_on_trigger
            and o.is_open
            and (inst is None or o.symbol == inst.symbol)
        ]
        return self._plan_page(orders, call)

    def spot_plan_history(self, call: Call) -> dict[str, Any]:
        inst = self._spot_one(call)
        orders = [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == "spot" and o.spawn_on_trigger and not o.is_open and o.symbol == inst.symbol
        ]
        return self._plan_page(orders, call)

    def spot_plan_sub(self, call: Call) -> list[dict[str, Any]]:
        plan = self._find(
            call.acct, "spot", plan=True, order_id=call.require("planOrderId"), client_oid=None
        )
        if plan is None:
            raise VenueError("43025", "Plan order does not exist")
        return self._sub_orders(call.acct, plan)

    def spot_fills(self, call: Call) -> list[dict[str, Any]]:
        inst = self._spot_one(call)
        limit = min(call.integer("limit") or 100, 100)
        order_id = call.get("orderId")
        trades = [
            t
            for t in reversed(self.engine.trades(call.acct, inst.symbol))
            if order_id is None or str(t.order_id) == order_id
        ]
        return [self._spot_fill(call.acct, inst, t) for t in trades[:limit]]
