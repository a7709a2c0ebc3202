"""KuCoin's USDT-margined futures handlers: orders, stop orders, fills, leverage (mixed into
`KucoinVenue`)."""

from __future__ import annotations

from typing import Any

from exchlayer.testing.simulator.engine import (
    EngineError,
    Order,
    OrderRequest,
    OrderType,
    Side,
    TimeInForce,
)
from exchlayer.testing.simulator.venues.kucoin.render import (
    KucoinRender,
    by_client_id,
    client_oid_of,
    hex_id,
    leverage_of,
    lot,
    page,
    param_error,
    parse_id,
    side_of,
    trigger_type,
)
from exchlayer.testing.simulator.venues.kucoin.tables import (
    FUTURES_NOT_EXIST,
    HEX_ID,
    KucoinOrder,
)
from exchlayer.testing.simulator.wire import (
    Call,
    VenueError,
)


class KucoinFutures(KucoinRender):
    """KuCoin's USDT-margined futures handlers (mixed into `KucoinVenue`)."""

    def change_leverage(self, call: Call) -> bool:
        inst = self._fut(call)
        self.engine.set_leverage(call.acct, inst.symbol, leverage_of(call.require("leverage")))
        return True

    def futures_new(self, call: Call) -> dict[str, Any]:  # noqa: PLR0912, PLR0915 - KuCoin's futures order parameters, checked as it documents them
        inst = self._fut(call)
        acct = call.acct
        wire_type = (call.get("type") or "limit").lower()
        if wire_type not in ("limit", "market"):
            raise param_error("type is invalid")
        client_id = client_oid_of(call.get("clientOid"))
        if call.get("valueQty") is not None or call.get("qty") is not None:
            raise param_error("simulator: only size (lots) orders are served")
        margin_mode = (call.get("marginMode") or "CROSS").upper()
        if margin_mode == "ISOLATED":
            raise VenueError(
                "330005",
                "The order's margin mode does not match the selected one. Please switch and "
                "try again.",
            )
        if margin_mode != "CROSS":
            raise param_error("marginMode is invalid")
        close_order = call.flag("closeOrder")
        reduce_only = call.flag("reduceOnly") or close_order
        if close_order:
            position = acct.positions.get(inst.symbol)
            if position is None or position.amount == 0:
                raise VenueError("300009", "No open positions to close.")
            side = Side.SELL if position.amount > 0 else Side.BUY
            amount = abs(position.amount)
        else:
            side = side_of(call.get("side"))
            lots = call.require("size")
            if not lots.isdigit() or int(lots) < 1:
                raise VenueError("400100", "The quantity is below the minimum requirement.")
            amount = int(lots) * lot(inst)
        stop, stop_price = call.get("stop"), call.decimal("stopPrice")
        if (stop is None) != (stop_price is None):
            raise param_error("stop and stopPrice must be sent together")
        if stop is not None and stop not in ("up", "down"):
            raise param_error("stop is invalid")
        price_type = (call.get("stopPriceType") or "TP").upper()
        if price_type not in ("TP", "MP", "IP"):
            raise param_error("stopPriceType is invalid")
        tif_raw = (call.get("timeInForce") or "GTC").upper()
        if tif_raw not in ("GTC", "IOC"):
            raise param_error("timeInForce is invalid")
        limit = wire_type == "limit"
        price = call.decimal("price", required=True) if limit else None
        otype = OrderType.LIMIT if limit else OrderType.MARKET
        if stop is not None:
            otype = trigger_type(side, stop == "up", limit)
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=otype,
            amount=amount,
            price=price,
            stop_price=stop_price,
            time_in_force=TimeInForce(tif_raw),
            post_only=call.flag("postOnly"),
            reduce_only=reduce_only,
            client_order_id=client_id,
            check_min_notional=False,
        )
        previous = self.engine.get_leverage(acct, inst.symbol)
        raw_leverage = call.get("leverage")
        if raw_leverage is not None and not reduce_only:
            self.engine.set_leverage(acct, inst.symbol, leverage_of(raw_leverage))
        try:
            order = self.engine.place_order(acct, req)
        except EngineError:
            acct.leverage[inst.symbol] = previous
            raise
        KucoinOrder(
            stop=stop or "",
            stop_price_type=price_type if stop is not None else "",
            close=close_order,
        ).attach(order)
        return {"orderId": hex_id(order.id), "clientOid": order.client_order_id}

    def _futures_find(self, call: Call) -> Order:
        acct = call.acct
        if "orderId" in call.args:
            number = parse_id(call.args["orderId"], HEX_ID)
            order = acct.orders.get(number) if number is not None else None
            if order is None or order.kind != "swap":
                raise VenueError("100001", FUTURES_NOT_EXIST)
            return order
        client_id = call.args.get("clientOid") or call.require("clientOid")
        inst = self._futures_inst(call, required=False)
        found = by_client_id(
            (
                o
                for o in acct.orders.values()
                if o.kind == "swap" and (inst is None or o.symbol == inst.symbol)
            ),
            client_id,
        )
        if found is None:
            raise VenueError("100001", FUTURES_NOT_EXIST)
        return found

    def futures_get(self, call: Call) -> dict[str, Any]:
        return self._futures_order(self._futures_find(call))

    def futures_cancel(self, call: Call) -> dict[str, Any]:
        order = self._futures_find(call)
        if not order.is_open:
            raise VenueError("100004", "Order is in not cancelable state")
        self.engine.cancel_order(call.acct, order_id=order.id)
        if "orderId" in call.args:
            return {"cancelledOrderIds": [hex_id(order.id)]}
        return {"clientOid": order.client_order_id}

    def futures_list(self, call: Call) -> dict[str, Any]:
        status = (call.get("status") or "done").lower()
        if status not in ("active", "done"):
            raise param_error("status is invalid")
        return self._futures_page(call, active=status == "active", stops=False)

    def futures_stop_list(self, call: Call) -> dict[str, Any]:
        return self._futures_page(call, active=True, stops=True)

    def _futures_page(self, call: Call, *, active: bool, stops: bool) -> dict[str, Any]:
        inst = self._futures_inst(call, required=False)
        side = call.get("side")
        start, end = call.integer("startAt"), call.integer("endAt")
        orders = [
            o
            for o in reversed(list(call.acct.orders.values()))
            if o.kind == "swap"
            and (inst is None or o.symbol == inst.symbol)
            and (side is None or o.side.value.lower() == side)
            and (start is None or o.created_ms >= start)
            and (end is None or o.created_ms <= end)
            and (o.pending_trigger if stops else o.is_open == active and not o.pending_trigger)
        ]
        return page([self._futures_order(o) for o in orders], call, 50)

    def futures_fills(self, call: Call) -> dict[str, Any]:
        inst = self._futures_inst(call, required=False)
        acct = call.acct
        wanted = call.get("orderId")
        order_number = parse_id(wanted, HEX_ID) if wanted is not None else None
        side = call.get("side")
        start, end = call.integer("startAt"), call.integer("endAt")
        trades = [
            t
            for t in reversed(acct.trades)
            if self.engine.instrument(t.symbol).is_swap
            and (inst is None or t.symbol == inst.symbol)
            and (wanted is None or t.order_id == order_number)
            and (side is None or t.side.value.lower() == side)
            and (start is None or t.time_ms >= start)
            and (end is None or t.time_ms <= end)
        ]
        return page([self._futures_fill(acct, t) for t in trades], call, 50)
