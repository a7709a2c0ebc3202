"""KuCoin's spot handlers: HF orders, stop orders, fills (mixed into `KucoinVenue`)."""

from __future__ import annotations

from typing import Any

from exchlayer.testing.simulator.engine import (
    ZERO,
    Order,
    OrderRequest,
    OrderType,
)
from exchlayer.testing.simulator.venues.kucoin.render import (
    KucoinRender,
    by_client_id,
    client_oid_of,
    hex_id,
    is_cancelled,
    page,
    param_error,
    parse_id,
    plain,
    side_of,
    spot_time_in_force,
    stop_id,
    trigger_type,
)
from exchlayer.testing.simulator.venues.kucoin.tables import (
    HEX_ID,
    NOT_CANCELLABLE,
    NOT_EXIST,
    STOP_ID,
    KucoinOrder,
)
from exchlayer.testing.simulator.wire import (
    Call,
    VenueError,
)


class KucoinSpot(KucoinRender):
    """KuCoin's spot handlers (mixed into `KucoinVenue`)."""

    @staticmethod
    def _is_hf(order: Order) -> bool:
        return order.kind == "spot" and not order.spawn_on_trigger

    @staticmethod
    def _is_stop(order: Order) -> bool:
        return order.kind == "spot" and order.spawn_on_trigger

    def hf_new(self, call: Call) -> dict[str, Any]:
        order = self._hf_place(call)
        return {"orderId": hex_id(order.id), "clientOid": order.client_order_id}

    def hf_new_sync(self, call: Call) -> dict[str, Any]:
        """"Add Order Sync": placed like ``_hf_new``, answered after matching, with the order's
        sizes and status (``open`` while it rests, ``done`` once filled or cancelled), but not
        its price, type, side or fills."""
        order = self._hf_place(call)
        cancelled = is_cancelled(order)
        remaining = order.remaining if order.quote_amount is None else ZERO
        return {
            "orderId": hex_id(order.id),
            "clientOid": order.client_order_id,
            "orderTime": order.created_ms,
            "originSize": plain(order.amount or ZERO),
            "dealSize": plain(order.filled),
            "remainSize": plain(remaining if order.is_open else ZERO),
            "canceledSize": plain(remaining if cancelled else ZERO),
            "status": "open" if order.is_open else "done",
            "matchTime": order.updated_ms,
        }

    def _hf_place(self, call: Call) -> Order:
        inst = self._spot_inst(call)
        side = side_of(call.get("side"))
        wire_type = (call.get("type") or "limit").lower()
        client_id = client_oid_of(call.get("clientOid"))
        tif, post_only = spot_time_in_force(call)
        if wire_type == "limit":
            req = OrderRequest(
                symbol=inst.symbol,
                side=side,
                type=OrderType.LIMIT,
                amount=call.decimal("size", required=True),
                price=call.decimal("price", required=True),
                time_in_force=tif,
                post_only=post_only,
                client_order_id=client_id,
            )
        elif wire_type == "market":
            size, funds = call.decimal("size"), call.decimal("funds")
            if (size is None) == (funds is None):
                raise param_error("exactly one of size and funds is required")
            req = OrderRequest(
                symbol=inst.symbol,
                side=side,
                type=OrderType.MARKET,
                amount=size,
                quote_amount=funds,
                client_order_id=client_id,
            )
        else:
            raise param_error("type is invalid")
        return self.engine.place_order(call.acct, req)

    def _hf_find(self, call: Call) -> Order:
        inst = self._spot_inst(call)
        acct = call.acct
        if "orderId" in call.args:
            number = parse_id(call.args["orderId"], HEX_ID)
            order = acct.orders.get(number) if number is not None else None
            if order is None or not self._is_hf(order) or order.symbol != inst.symbol:
                raise param_error(NOT_EXIST)
            return order
        found = by_client_id(
            (o for o in acct.orders.values() if self._is_hf(o) and o.symbol == inst.symbol),
            call.args["clientOid"],
        )
        if found is None:
            raise param_error(NOT_EXIST)
        return found

    def hf_get(self, call: Call) -> dict[str, Any]:
        return self._hf_order(call.acct, self._hf_find(call))

    def hf_cancel(self, call: Call) -> dict[str, Any]:
        try:
            order = self._hf_find(call)
        except VenueError:
            raise param_error(NOT_CANCELLABLE) from None
        if not order.is_open:
            raise param_error(NOT_CANCELLABLE)
        self.engine.cancel_order(call.acct, order_id=order.id)
        if "orderId" in call.args:
            return {"orderId": hex_id(order.id)}
        return {"clientOid": order.client_order_id}

    def hf_active(self, call: Call) -> list[dict[str, Any]]:
        inst = self._spot_inst(call)
        acct = call.acct
        return [
            self._hf_order(acct, o)
            for o in self.engine.open_orders(acct, inst.symbol)
            if self._is_hf(o)
        ]

    def hf_done(self, call: Call) -> dict[str, Any]:
        """Finished HF orders of one symbol, newest first (``lastId`` pages backwards)."""
        inst = self._spot_inst(call)
        acct = call.acct
        side, wire_type = call.get("side"), call.get("type")
        start, end = call.integer("startAt"), call.integer("endAt")
        last_id = call.integer("lastId")
        raw_limit = call.integer("limit") or call.integer("pageSize") or 20
        limit = min(max(raw_limit, 1), 100)
        selected = [
            o
            for o in reversed(list(acct.orders.values()))
            if self._is_hf(o)
            and o.symbol == inst.symbol
            and not o.is_open
            and (side is None or o.side.value.lower() == side)
            and (
                wire_type is None
                or wire_type == ("limit" if o.type.has_limit_price else "market")
            )
            and (start is None or o.created_ms >= start)
            and (end is None or o.created_ms <= end)
            and (last_id is None or o.id < last_id)
        ][:limit]
        return {
            "lastId": selected[-1].id if selected else 0,
            "items": [self._hf_order(acct, o) for o in selected],
        }

    def hf_fills(self, call: Call) -> dict[str, Any]:
        inst = self._spot_inst(call)
        acct = call.acct
        wanted = call.get("orderId")
        order_number = parse_id(wanted, HEX_ID) if wanted is not None else None
        side = call.get("side")
        start, end = call.integer("startAt"), call.integer("endAt")
        last_id = call.integer("lastId")
        limit = min(max(call.integer("limit", default=20) or 20, 1), 100)
        selected = [
            t
            for t in reversed(self.engine.trades(acct, inst.symbol))
            if (wanted is None or t.order_id == order_number)
            and (side is None or t.side.value.lower() == side)
            and (start is None or t.time_ms >= start)
            and (end is None or t.time_ms <= end)
            and (last_id is None or t.id < last_id)
        ][:limit]
        items = [self._spot_fill(acct, inst, t) for t in selected]
        return {"items": items, "lastId": selected[-1].id if selected else 0}

    def stop_new(self, call: Call) -> dict[str, Any]:
        inst = self._spot_inst(call)
        side = side_of(call.get("side"))
        wire_type = (call.get("type") or "limit").lower()
        client_id = client_oid_of(call.get("clientOid"))
        if (call.get("tradeType") or "TRADE") != "TRADE":
            raise param_error("simulator: only tradeType TRADE (spot) stop orders are served")
        stop = (call.get("stop") or "loss").lower()
        if stop not in ("loss", "entry"):
            raise param_error("stop is invalid")
        stop_price = call.decimal("stopPrice", required=True)
        tif, post_only = spot_time_in_force(call)
        if wire_type == "limit":
            price, size, funds = call.decimal("price", required=True), call.decimal("size"), None
            if size is None:
                raise param_error("size is required")
        elif wire_type == "market":
            price, size, funds = None, call.decimal("size"), call.decimal("funds")
            if (size is None) == (funds is None):
                raise param_error("exactly one of size and funds is required")
        else:
            raise param_error("type is invalid")
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=trigger_type(side, stop == "entry", wire_type == "limit"),
            amount=size,
            price=price,
            stop_price=stop_price,
            quote_amount=funds,
            time_in_force=tif,
            post_only=post_only,
            client_order_id=client_id,
            spawn_on_trigger=True,
        )
        order = self.engine.place_order(call.acct, req)
        KucoinOrder(stop=stop).attach(order)
        return {"orderId": stop_id(order.id), "clientOid": order.client_order_id}

    def _stop_by_id(self, call: Call) -> Order:
        number = parse_id(call.args["orderId"], STOP_ID)
        order = call.acct.orders.get(number) if number is not None else None
        if order is None or not self._is_stop(order):
            raise param_error(NOT_EXIST)
        return order

    def _stop_by_client_oid(self, call: Call) -> list[Order]:
        client_id = call.require("clientOid")
        symbol = call.get("symbol")
        inst = self._spot_inst(call) if symbol is not None else None
        return [
            o
            for o in call.acct.orders.values()
            if self._is_stop(o)
            and o.client_order_id == client_id
            and (inst is None or o.symbol == inst.symbol)
        ]

    def stop_get(self, call: Call) -> dict[str, Any]:
        return self._stop_order(call.acct, self._stop_by_id(call))

    def stop_query_client(self, call: Call) -> list[dict[str, Any]]:
        orders = self._stop_by_client_oid(call)
        if not orders:
            raise param_error(NOT_EXIST)
        orders.sort(key=lambda o: (not o.pending_trigger, -o.id))
        return [self._stop_order(call.acct, o) for o in orders]

    def stop_cancel(self, call: Call) -> dict[str, Any]:
        try:
            order = self._stop_by_id(call)
        except VenueError:
            raise param_error(NOT_CANCELLABLE) from None
        if not order.pending_trigger:
            raise param_error(NOT_CANCELLABLE)
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"cancelledOrderIds": [stop_id(order.id)]}

    def stop_cancel_client(self, call: Call) -> dict[str, Any]:
        pending = [o for o in self._stop_by_client_oid(call) if o.pending_trigger]
        if not pending:
            raise param_error(NOT_CANCELLABLE)
        order = pending[0]
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"cancelledOrderId": stop_id(order.id), "clientOid": order.client_order_id}

    def stop_list(self, call: Call) -> dict[str, Any]:
        symbol = call.get("symbol")
        inst = self._spot_inst(call) if symbol is not None else None
        side = call.get("side")
        acct = call.acct
        orders = [
            o
            for o in reversed(list(acct.orders.values()))
            if self._is_stop(o)
            and o.pending_trigger
            and (inst is None or o.symbol == inst.symbol)
            and (side is None or o.side.value.lower() == side)
        ]
        return page([self._stop_order(acct, o) for o in orders], call, 50)
