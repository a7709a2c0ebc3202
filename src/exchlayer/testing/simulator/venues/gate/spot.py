"""Gate's spot handlers: orders, price (trigger) orders, fills (mixed into `GateVenue`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from exchlayer.testing.simulator.engine import (
    ZERO,
    Account,
    ExpireReason,
    Instrument,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
)
from exchlayer.testing.simulator.venues.gate.render import (
    GateRender,
    invalid,
    json_body,
    market_id,
    not_found,
    side_of,
    text_of,
)
from exchlayer.testing.simulator.venues.gate.tables import (
    SPOT_SOURCE,
    TIFS,
    GateOrder,
)
from exchlayer.testing.simulator.wire import (
    Call,
    VenueError,
)


class GateSpot(GateRender):
    """Gate's spot handlers (mixed into `GateVenue`)."""

    def spot_create(self, call: Call) -> dict[str, Any]:
        body = json_body(call)
        inst = self._pair(body.get("currency_pair"))
        if (body.get("account") or "spot") != "spot":
            raise invalid("account")
        side = side_of(body.get("side"))
        kind = body.get("type") or "limit"
        if kind not in ("limit", "market"):
            raise invalid("type")
        amount = call.number(body.get("amount"), "amount", required=True)
        assert amount is not None
        tif_raw = str(body.get("time_in_force") or ("ioc" if kind == "market" else "gtc"))
        if tif_raw not in TIFS or (kind == "market" and tif_raw not in ("ioc", "fok")):
            raise invalid("time_in_force")
        text = text_of(body.get("text"))
        price: Decimal | None = None
        quote_amount: Decimal | None = None
        if kind == "limit":
            price = call.number(body.get("price"), "price", required=True)
        elif side is Side.BUY:
            quote_amount, amount = amount, None
            if quote_amount % inst.price_tick != ZERO:
                raise VenueError("INVALID_PRECISION", "Invalid precision")
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=OrderType.LIMIT if kind == "limit" else OrderType.MARKET,
            amount=amount,
            price=price,
            quote_amount=quote_amount,
            time_in_force=TIFS[tif_raw],
            post_only=tif_raw == "poc",
            client_order_id=text,
        )
        order = self.engine.place_order(call.acct, req)
        GateOrder(text=text or SPOT_SOURCE, tif=tif_raw, type=kind).attach(order)
        if order.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE:
            raise VenueError(
                "POC_FILL_IMMEDIATELY", "Order would match and take immediately so its cancelled"
            )
        return self._spot_order(inst, order, call.acct)

    def _spot_find(self, acct: Account, inst: Instrument, order_id: str) -> Order:
        """A plain spot order by id, or by its text while it is open (Gate's rule)."""
        found: Order | None = None
        if order_id.isdigit():
            found = acct.orders.get(int(order_id))
        elif order_id.startswith("t-"):
            for order in reversed(acct.orders.values()):
                if (
                    order.is_open
                    and order.kind == "spot"
                    and GateOrder.of(order).text == order_id
                    and not order.spawn_on_trigger
                ):
                    found = order
                    break
        if (
            found is None
            or found.kind != "spot"
            or found.spawn_on_trigger
            or found.symbol != inst.symbol
        ):
            raise not_found()
        return found

    def spot_get(self, call: Call) -> dict[str, Any]:
        inst = self._pair(call.require("currency_pair"))
        order = self._spot_find(call.acct, inst, call.args["order_id"])
        return self._spot_order(inst, order, call.acct)

    def spot_cancel(self, call: Call) -> dict[str, Any]:
        inst = self._pair(call.require("currency_pair"))
        order = self._spot_find(call.acct, inst, call.args["order_id"])
        if not order.is_open:
            if order.status is OrderStatus.FILLED:
                raise VenueError("ORDER_CLOSED", "Order has been filled")
            raise VenueError("ORDER_CANCELLED", "Order has been cancelled")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return self._spot_order(inst, order, call.acct)

    def _spot_orders(self, acct: Account, inst: Instrument | None) -> Iterable[Order]:
        return (
            o
            for o in acct.orders.values()
            if o.kind == "spot"
            and not o.spawn_on_trigger
            and (inst is None or o.symbol == inst.symbol)
        )

    def spot_open_orders(self, call: Call) -> list[dict[str, Any]]:
        pair_id = call.get("currency_pair")
        inst = self._pair(pair_id) if pair_id else None
        groups: dict[str, list[dict[str, Any]]] = {}
        for order in self._spot_orders(call.acct, inst):
            if order.is_open:
                oinst = self.engine.instrument(order.symbol)
                groups.setdefault(market_id(oinst), []).append(
                    self._spot_order(oinst, order, call.acct)
                )
        return [
            {"currency_pair": pair, "total": len(orders), "orders": orders}
            for pair, orders in groups.items()
        ]

    def spot_list(self, call: Call) -> list[dict[str, Any]]:
        inst = self._pair(call.require("currency_pair"))
        status = call.require("status")
        if status not in ("open", "finished"):
            raise invalid("status")
        limit = min(call.integer("limit", 100), 1000)
        page = max(call.integer("page", 1), 1)
        start, end = call.integer("from", 0), call.integer("to", 0)
        wanted_open = status == "open"
        selected = [
            o
            for o in self._spot_orders(call.acct, inst)
            if o.is_open == wanted_open
            and (wanted_open or not start or o.created_ms >= start * 1000)
            and (wanted_open or not end or o.created_ms <= end * 1000)
        ]
        selected.reverse()  # newest first
        chunk = selected[(page - 1) * limit : page * limit]
        return [self._spot_order(inst, o, call.acct) for o in chunk]

    def spot_trades(self, call: Call) -> list[dict[str, Any]]:
        pair_id = call.get("currency_pair")
        inst = self._pair(pair_id) if pair_id else None
        order_id = call.get("order_id")
        start, end = call.integer("from", 0), call.integer("to", 0)
        limit = min(max(call.integer("limit", 100), 1), 1000)
        page = max(call.integer("page", 1), 1)
        selected = [
            t
            for t in call.acct.trades
            if self.engine.instrument(t.symbol).kind == "spot"
            and (inst is None or t.symbol == inst.symbol)
            and (order_id is None or str(t.order_id) == order_id)
            and (not start or t.time_ms >= start * 1000)
            and (not end or t.time_ms <= end * 1000)
        ]
        selected.reverse()  # newest first
        chunk = selected[(page - 1) * limit : page * limit]
        return [self._spot_trade(call.acct, t) for t in chunk]

    def spot_price_create(self, call: Call) -> dict[str, Any]:
        body = json_body(call)
        inst = self._pair(body.get("market"))
        trigger, put = body.get("trigger"), body.get("put")
        if not isinstance(trigger, dict) or not isinstance(put, dict):
            raise invalid("trigger" if not isinstance(trigger, dict) else "put")
        stop = call.number(trigger.get("price"), "trigger.price", required=True)
        assert stop is not None
        rule = trigger.get("rule")
        if rule not in (">=", "<="):
            raise invalid("Trigger.rule")
        expiration = trigger.get("expiration")
        if not isinstance(expiration, int) or isinstance(expiration, bool) or expiration <= 0:
            raise invalid("trigger.expiration invalid range")
        if (put.get("account") or "normal") != "normal":
            raise invalid("put.account")
        side = side_of(put.get("side"))
        kind = put.get("type") or "limit"
        if kind not in ("limit", "market"):
            raise invalid("put.type")
        price = call.number(put.get("price"), "put.price", required=True)
        amount = call.number(put.get("amount"), "put.amount", required=True)
        assert price is not None and amount is not None
        tif_raw = str(put.get("time_in_force") or "gtc")
        if tif_raw not in ("gtc", "ioc"):
            raise invalid("put.time_in_force")
        text = text_of(trigger.get("text"))
        quote_amount: Decimal | None = None
        if kind == "market" and side is Side.BUY:
            quote_amount, amount = amount, None
            if quote_amount % inst.price_tick != ZERO:
                raise VenueError("INVALID_PRECISION", "Invalid precision")
        rising = rule == ">="
        self._check_trigger(inst, stop, rising)
        take_profit = (side is Side.BUY) != rising
        if kind == "market":
            otype = OrderType.TAKE_PROFIT if take_profit else OrderType.STOP
        else:
            otype = OrderType.TAKE_PROFIT_LIMIT if take_profit else OrderType.STOP_LIMIT
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=otype,
            amount=amount,
            price=price if kind == "limit" else None,
            stop_price=stop,
            quote_amount=quote_amount,
            time_in_force=TIFS[tif_raw],
            spawn_on_trigger=True,
        )
        order = self.engine.place_order(call.acct, req)
        GateOrder(
            text=text or SPOT_SOURCE,
            tif=tif_raw,
            type=kind,
            put_price=price,
            expiration=expiration,
            text_sent=text is not None,
        ).attach(order)
        return {"id": order.id}

    def spot_price_get(self, call: Call) -> dict[str, Any]:
        order = self._price_find(call.acct, call.args["order_id"], "spot")
        return self._spot_price_order(order, call.acct)

    def spot_price_cancel(self, call: Call) -> dict[str, Any]:
        order = self._price_find(call.acct, call.args["order_id"], "spot")
        if not order.is_open:
            raise not_found()
        self.engine.cancel_order(call.acct, order_id=order.id)
        return self._spot_price_order(order, call.acct)

    def spot_price_list(self, call: Call) -> list[dict[str, Any]]:
        status = call.require("status")
        if status not in ("open", "finished"):
            raise invalid("status")
        pair_id = call.get("market")
        inst = self._pair(pair_id) if pair_id else None
        limit = min(call.integer("limit", 100), 1000)
        offset = call.integer("offset", 0)
        selected = [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == "spot"
            and o.spawn_on_trigger
            and (inst is None or o.symbol == inst.symbol)
            and o.is_open == (status == "open")
        ]
        return [self._spot_price_order(o, call.acct) for o in selected[offset : offset + limit]]
