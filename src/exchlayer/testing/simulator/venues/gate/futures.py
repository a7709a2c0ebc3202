"""Gate's USDT-settled futures handlers: orders, price orders, fills, positions, leverage
(mixed into `GateVenue`)."""

from __future__ import annotations

import re
from typing import Any

from exchlayer.testing.simulator.engine import (
    ZERO,
    ExpireReason,
    Order,
    OrderRequest,
    OrderType,
    Side,
)
from exchlayer.testing.simulator.venues.gate.render import (
    GateRender,
    invalid,
    json_body,
    not_found,
    text_of,
)
from exchlayer.testing.simulator.venues.gate.tables import (
    FUTURES_SOURCE,
    PRICE_DEVIATE,
    TEXT_LOOKUP_AFTER_FINISH_MS,
    TIFS,
    Contract,
    GateOrder,
    plain,
)
from exchlayer.testing.simulator.wire import (
    Call,
    VenueError,
)


class GateFutures(GateRender):
    """Gate's USDT-settled futures handlers (mixed into `GateVenue`)."""

    def _size(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise invalid("size")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and re.fullmatch(r"-?[0-9]+", raw):
            return int(raw)
        raise invalid("size")

    def _futures_request(
        self, call: Call, contract: Contract, spec: dict[str, Any]
    ) -> tuple[OrderRequest, str, str, bool]:
        """The engine request for a futures order body (``initial`` of a price order)."""
        inst = contract.inst
        acct = call.acct
        size = self._size(spec.get("size", 0))
        close = spec.get("close") is True
        reduce_only = spec.get("reduce_only") is True
        if close:
            if size != 0:
                raise invalid("size")
            position = self.engine.position(acct, inst.symbol)
            if position.amount == 0:
                raise VenueError("POSITION_EMPTY", "Position is empty")
            size = -int(position.amount / inst.amount_step)
            reduce_only = True
        if size == 0:
            raise invalid("size")
        if abs(size) < contract.size_min and not reduce_only:
            raise VenueError("SIZE_TOO_SMALL", f"size {abs(size)} is less than {contract.size_min}")
        if abs(size) > contract.size_max:
            raise VenueError("SIZE_TOO_LARGE", f"size {abs(size)} exceeds {contract.size_max}")
        price = call.number(spec.get("price"), "price", required=True)
        assert price is not None
        tif_raw = str(spec.get("tif") or "gtc")
        if tif_raw not in TIFS:
            raise invalid("tif")
        market = price == 0
        if market and tif_raw not in ("ioc", "fok"):
            raise invalid("price")
        if not market:
            if price % inst.price_tick != ZERO:
                raise invalid("price")
            mark = self.engine.price(inst.symbol)
            if abs(price - mark) > mark * PRICE_DEVIATE:
                raise VenueError(
                    "PRICE_TOO_DEVIATED",
                    f"order price {plain(price)} while mark price {plain(mark)} "
                    f"and deviation-rate {plain(PRICE_DEVIATE)}",
                )
        text = text_of(spec.get("text"))
        side = Side.BUY if size > 0 else Side.SELL
        otype = OrderType.MARKET if market else OrderType.LIMIT
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=otype,
            amount=abs(size) * inst.amount_step,
            price=None if market else price,
            time_in_force=TIFS[tif_raw],
            post_only=tif_raw == "poc",
            reduce_only=reduce_only,
            client_order_id=text,
            check_min_notional=False,  # Gate contracts have no minimum order value
        )
        return req, text or FUTURES_SOURCE, tif_raw, close

    def futures_create(self, call: Call) -> dict[str, Any]:
        body = json_body(call)
        contract = self._contract(call, body.get("contract"))
        req, text, tif, close = self._futures_request(call, contract, body)
        order = self.engine.place_order(call.acct, req)
        GateOrder(text=text, tif=tif, close=close).attach(order)
        if order.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE:
            raise VenueError("ORDER_POC_IMMEDIATE", "order would match and take immediately")
        return self._futures_order(contract, order, call.acct)

    def _futures_find(self, call: Call, order_id: str) -> tuple[Contract, Order]:
        """A plain futures order by id, or by its text while open and for 60 s after."""
        acct = call.acct
        found: Order | None = None
        if order_id.isdigit():
            found = acct.orders.get(int(order_id))
        elif order_id.startswith("t-"):
            now = self.engine.now_ms()
            for order in reversed(acct.orders.values()):
                if (
                    order.kind == "swap"
                    and not order.spawn_on_trigger
                    and GateOrder.of(order).text == order_id
                    and (order.is_open or now - order.updated_ms <= TEXT_LOOKUP_AFTER_FINISH_MS)
                ):
                    found = order
                    break
        if found is None or found.kind != "swap" or found.spawn_on_trigger:
            raise not_found()
        contract = self._by_symbol.get(found.symbol)
        if contract is None or contract.name not in self._settle(call):
            raise not_found()
        return contract, found

    def futures_get(self, call: Call) -> dict[str, Any]:
        contract, order = self._futures_find(call, call.args["order_id"])
        return self._futures_order(contract, order, call.acct)

    def futures_cancel(self, call: Call) -> dict[str, Any]:
        contract, order = self._futures_find(call, call.args["order_id"])
        if not order.is_open:
            raise VenueError("ORDER_FINISHED", "Order already finished")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return self._futures_order(contract, order, call.acct)

    def futures_list(self, call: Call) -> list[dict[str, Any]]:
        status = call.require("status")
        if status not in ("open", "finished"):
            raise invalid("status")
        return self._futures_orders(call, open_=status == "open", start=0, end=0)

    def futures_timerange(self, call: Call) -> list[dict[str, Any]]:
        """``orders_timerange``: finished orders created between ``from`` and ``to`` (s)."""
        start, end = call.integer("from", 0), call.integer("to", 0)
        return self._futures_orders(call, open_=False, start=start, end=end)

    def _futures_orders(
        self, call: Call, *, open_: bool, start: int, end: int
    ) -> list[dict[str, Any]]:
        contracts = self._settle(call)
        name = call.get("contract")
        only = self._contract(call, name) if name else None
        limit = min(call.integer("limit", 100), 1000)
        offset = call.integer("offset", 0)
        out = []
        for order in reversed(call.acct.orders.values()):
            contract = self._by_symbol.get(order.symbol)
            if (
                order.kind != "swap"
                or order.spawn_on_trigger
                or contract is None
                or contract.name not in contracts
                or (only is not None and contract is not only)
                or order.is_open != open_
                or (start and order.created_ms < start * 1000)
                or (end and order.created_ms > end * 1000)
            ):
                continue
            out.append(self._futures_order(contract, order, call.acct))
        return out[offset : offset + limit]

    def futures_trades(self, call: Call) -> list[dict[str, Any]]:
        contracts = self._settle(call)
        name = call.get("contract")
        only = self._contract(call, name) if name else None
        order_id = call.get("order")
        start, end = call.integer("from", 0), call.integer("to", 0)
        limit = min(max(call.integer("limit", 100), 1), 1000)
        offset = call.integer("offset", 0)
        out = []
        for t in reversed(call.acct.trades):
            contract = self._by_symbol.get(t.symbol)
            if (
                contract is None
                or contract.name not in contracts
                or (only is not None and contract is not only)
                or (order_id is not None and str(t.order_id) != order_id)
                or (start and t.time_ms < start * 1000)
                or (end and t.time_ms > end * 1000)
            ):
                continue
            out.append(self._futures_trade(call.acct, contract, t))
        return out[offset : offset + limit]

    def futures_price_create(self, call: Call) -> dict[str, Any]:
        body = json_body(call)
        initial, trigger = body.get("initial"), body.get("trigger")
        if not isinstance(initial, dict) or not isinstance(trigger, dict):
            raise invalid("initial" if not isinstance(initial, dict) else "trigger")
        contract = self._contract(call, initial.get("contract"))
        inst = contract.inst
        if trigger.get("strategy_type", 0) != 0:
            raise invalid("Trigger.StrategyType")
        if trigger.get("price_type", 0) not in (0, 1, 2):
            raise invalid("Trigger.PriceType")
        rule = trigger.get("rule")
        if rule not in (1, 2):
            raise invalid("Trigger.rule")
        stop = call.number(trigger.get("price"), "Trigger.Price", required=True)
        assert stop is not None
        req, text, tif, close = self._futures_request(call, contract, initial)
        rising = rule == 1
        self._check_trigger(inst, stop, rising)
        take_profit = (req.side is Side.BUY) != rising
        if req.type is OrderType.MARKET:
            otype = OrderType.TAKE_PROFIT if take_profit else OrderType.STOP
        else:
            otype = OrderType.TAKE_PROFIT_LIMIT if take_profit else OrderType.STOP_LIMIT
        order = self.engine.place_order(
            call.acct,
            OrderRequest(
                symbol=req.symbol,
                side=req.side,
                type=otype,
                amount=req.amount,
                price=req.price,
                stop_price=stop,
                time_in_force=req.time_in_force,
                post_only=req.post_only,
                reduce_only=req.reduce_only,
                spawn_on_trigger=True,
                check_min_notional=False,
            ),
        )
        GateOrder(
            text=text,
            tif=tif,
            close=close,
            price_type=trigger.get("price_type", 0),
            expiration=trigger.get("expiration", 0),
        ).attach(order)
        return {"id": order.id}

    def futures_price_get(self, call: Call) -> dict[str, Any]:
        self._settle(call)
        order = self._price_find(call.acct, call.args["order_id"], "swap")
        return self._futures_price_order(order, call.acct)

    def futures_price_cancel(self, call: Call) -> dict[str, Any]:
        self._settle(call)
        order = self._price_find(call.acct, call.args["order_id"], "swap")
        if not order.is_open:
            raise not_found()
        self.engine.cancel_order(call.acct, order_id=order.id)
        return self._futures_price_order(order, call.acct)

    def futures_price_list(self, call: Call) -> list[dict[str, Any]]:
        contracts = self._settle(call)
        name = call.get("contract")
        only = self._contract(call, name) if name else None
        status = call.require("status")
        if status not in ("open", "finished"):
            raise invalid("status")
        limit = min(call.integer("limit", 100), 1000)
        offset = call.integer("offset", 0)
        out = []
        for order in reversed(call.acct.orders.values()):
            contract = self._by_symbol.get(order.symbol)
            if (
                order.kind != "swap"
                or not order.spawn_on_trigger
                or contract is None
                or contract.name not in contracts
                or (only is not None and contract is not only)
                or order.is_open != (status == "open")
            ):
                continue
            out.append(self._futures_price_order(order, call.acct))
        return out[offset : offset + limit]

    def positions(self, call: Call) -> list[dict[str, Any]]:
        contracts = self._settle(call)
        holding = (call.get("holding") or "").lower() == "true"
        out = []
        for view in self.engine.positions(call.acct):
            contract = self._by_symbol.get(view.symbol)
            if contract is None or contract.name not in contracts:
                continue
            if holding and view.amount == 0:
                continue
            out.append(self._position(call.acct, contract))
        return out

    def position_one(self, call: Call) -> dict[str, Any]:
        contract = self._contract(call, call.args.get("contract"))
        return self._position(call.acct, contract)

    def leverage(self, call: Call) -> dict[str, Any]:
        contract = self._contract(call, call.args.get("contract"))
        inst = contract.inst
        raw = call.require("leverage")
        cross_raw = call.get("cross_leverage_limit")
        leverage = call.number(raw, "leverage", required=True)
        assert leverage is not None
        cross = leverage == 0
        target = (
            call.number(cross_raw, "cross_leverage_limit", required=True) if cross else leverage
        )
        if target is None:
            raise VenueError(
                "MISSING_REQUIRED_PARAM", "Missing required parameter: cross_leverage_limit"
            )
        if target != target.to_integral_value():
            raise invalid("leverage")
        self.engine.set_leverage(call.acct, inst.symbol, int(target))
        self._cross[(call.acct.id, inst.symbol)] = cross
        return self._position(call.acct, contract)
