"""`BingXVenue`: the hooks and handlers of BingX's wire format (see the package docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import (
    ClientIdRule,
    ExpireReason,
    Instrument,
    Order,
    OrderRequest,
    Side,
    TimeInForce,
)
from exchlayer.testing.simulator.ratelimit import Refusal, Usage
from exchlayer.testing.simulator.venues.bingx.history import BingXHistory
from exchlayer.testing.simulator.venues.bingx.render import (
    client_id,
    invalid,
    iso_local,
    iso_seconds,
    market_id,
    spot_fill,
)
from exchlayer.testing.simulator.venues.bingx.streams import BingXStreams
from exchlayer.testing.simulator.venues.bingx.tables import (
    AMBIGUOUS_ERRORS,
    CSWAP,
    ERRORS,
    FEES,
    HOST_SURFACES,
    HOSTS,
    ROUTES,
    SPOT,
    SPOT_CLIENT_ID,
    SPOT_HISTORY_PAGE,
    SURFACE_PREFIXES,
    SWAP,
    SWAP_HISTORY_LIMIT,
    TIF,
    TYPE_NAMES,
    TYPES,
    BingXOrder,
    plain,
)
from exchlayer.testing.simulator.wire import (
    Call,
    ParamRules,
    QueryHmac,
    VenueError,
    VenueRequest,
    WireVenue,
)
from exchlayer.testing.simulator.wire.numbers import decimals, fixed
from exchlayer.testing.simulator.wire.signing import without_signature

__all__ = ["BingXVenue"]


class BingXVenue(BingXHistory, BingXStreams, WireVenue):
    """BingX spot + USDT-M perpetual swaps (live and VST) on the shared engine."""

    name: ClassVar[str] = "bingx"
    hosts = HOSTS
    fees = FEES
    ambiguous_errors = AMBIGUOUS_ERRORS
    envelope_keys: ClassVar[frozenset[str]] = frozenset(
        {"code", "msg", "debugMsg", "timestamp", "data"}
    )
    payload_key: ClassVar[str | None] = "data"
    client_id_defaults: ClassVar[Mapping[str, ClientIdRule]] = {
        "spot": ClientIdRule.LIFETIME,
        "swap": ClientIdRule.LIFETIME,
    }
    routes = ROUTES
    errors = ERRORS
    auth = QueryHmac("X-BX-APIKEY", payload=without_signature)
    param_rules = ParamRules(absent=frozenset({"", "None"}))  # ccxt sends no orderId as "None"
    error_status = 200

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ids = {SPOT: {}, SWAP: {}, CSWAP: {}}
        for inst in self.engine.instruments.values():
            if inst.kind == "spot":
                self._ids[SPOT][market_id(inst)] = inst
            elif inst.settle == inst.quote:
                self._ids[SWAP][market_id(inst)] = inst
            else:
                self._ids[CSWAP][market_id(inst)] = inst
        self.init_streams()

    def error_body(self, code: int | str, message: str) -> Any:
        return {"code": code, "msg": message, "data": {}}

    def is_success(self, status: int, body: Any) -> bool:
        return 200 <= status < 300 and isinstance(body, dict) and body.get("code") == 0

    def market_id_families(self) -> list[list[str]]:
        return [list(self._ids[SPOT]), list(self._ids[SWAP])]

    # ---- hooks ---------------------------------------------------------------------------------

    def route_key(self, request: VenueRequest) -> tuple[str, str] | None:
        """The API family of the path (`/openApi/spot`, `/openApi/wallets`: spot;
        `/openApi/swap`: swap; `/openApi/cswap`: coin-margined), where the host serves it."""
        for prefix, surface in SURFACE_PREFIXES:
            if request.path.startswith(prefix):
                if surface in HOST_SURFACES.get(request.host, frozenset()):
                    return surface, request.path
                return None
        return None

    def usage_headers(
        self, usages: list[Usage], call: Call, refusal: Refusal | None
    ) -> dict[str, str]:
        """`X-RateLimit-Requests-Remain` and `-Expire` (the window's end, ms) for the
        endpoint's tightest limit; a refusal adds `Retry-After`."""
        usage = min(usages, key=lambda u: u.remaining, default=None)
        if usage is None:
            return {}
        headers = {
            "X-RateLimit-Requests-Remain": f"{int(usage.remaining)}",
            "X-RateLimit-Requests-Expire": str(usage.window_end_ms),
        }
        if refusal is not None:
            headers["Retry-After"] = str(refusal.retry_after_seconds)
        return headers

    def envelope(self, data: Any, call: Call) -> Any:
        """Three shapes: `{"code", "timestamp", "data"}` (routes tagged `ts`), spot `{"code",
        "msg", "debugMsg", "data"}`, swap `{"code", "msg", "data"}`."""
        if "ts" in call.route.tags:
            return {"code": 0, "timestamp": self.engine.now_ms(), "data": data}
        if call.surface == SPOT:
            return {"code": 0, "msg": "", "debugMsg": "", "data": data}
        return {"code": 0, "msg": "", "data": data}

    # ---- handlers ------------------------------------------------------------------------------

    def spot_new_order(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        side = _side(call)
        wire_type = call.require("type").upper()
        otype = TYPES.get(wire_type)
        if otype is None:
            raise invalid(SPOT, f"type: {wire_type} is not supported")
        quantity = call.decimal("quantity")
        quote_qty = call.decimal("quoteOrderQty")
        price = call.decimal("price") if otype.has_limit_price else None
        stop_price = call.decimal("stopPrice")
        if quantity is not None:
            quote_qty = None  # BingX uses quantity when both are sent
        elif quote_qty is not None and otype.is_trigger:
            raise invalid(
                SPOT, "quoteOrderQty: the simulator sizes trigger orders by quantity only"
            )
        elif quote_qty is None or otype.has_limit_price:
            raise invalid(SPOT, "quantity: This field is required.")
        if otype.has_limit_price and (price is None or price <= 0):
            raise VenueError(100400, "price can't be lte 0 in limit order")
        if otype.is_trigger and stop_price is None:
            raise invalid(SPOT, "stopPrice: This field is required.")
        tif, post_only = _time_in_force(call)
        client_id = call.get("newClientOrderId")
        if client_id is not None and not SPOT_CLIENT_ID.match(client_id):
            raise invalid(
                SPOT,
                "newClientOrderId: only letters, numbers and _ are allowed, 1-40 characters",
            )
        order = self.engine.place_order(
            call.acct,
            OrderRequest(
                symbol=inst.symbol,
                side=side,
                type=otype,
                amount=quantity,
                price=price,
                stop_price=stop_price if otype.is_trigger else None,
                quote_amount=quote_qty,
                time_in_force=tif,
                post_only=post_only,
                client_order_id=client_id,
            ),
        )
        BingXOrder(client_id=client_id or "").attach(order)
        out = {
            "symbol": market_id(inst),
            "orderId": order.id,
            "transactTime": order.created_ms,
            **self._spot_amounts(inst, order),
            "clientOrderID": client_id or "",
        }
        if order.stop_price is not None:
            out["stopPrice"] = plain(order.stop_price)
        return out

    def _find(self, call: Call, inst: Instrument) -> Order:
        order_id = call.integer("orderId")
        client_id = call.get("clientOrderID", "clientOrderId")
        if order_id is None and client_id is None:
            raise invalid(call.surface, "orderId or clientOrderID: one of them is required.")
        if client_id is not None and call.surface == SWAP:
            client_id = client_id.lower()
        return self.engine.get_order(
            call.acct,
            order_id=order_id,
            client_order_id=None if order_id is not None else client_id,
            symbol=inst.symbol,
        )

    def spot_query(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        return self._spot_order(inst, self._find(call, inst), call.acct)

    def spot_cancel(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        order = self._find(call, inst)
        self.engine.cancel_order(call.acct, order_id=order.id)
        out = {
            "symbol": market_id(inst),
            "orderId": order.id,
            **self._spot_amounts(inst, order),
            "clientOrderID": client_id(order),
        }
        out["stopPrice"] = plain(order.stop_price)
        return out

    def spot_open_orders(self, call: Call) -> dict[str, Any]:
        inst = self._instrument(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return {
            "orders": [
                self._spot_order(self.engine.instrument(o.symbol), o, call.acct)
                for o in orders
                if o.kind == "spot"
            ]
        }

    def spot_my_trades(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        order_id = call.integer("orderId")
        start, end = call.integer("startTime"), call.integer("endTime")
        from_id = call.integer("fromId")
        limit = min(max(call.integer("limit") or 500, 1), 1000)
        selected = [
            t
            for t in self.engine.trades(call.acct, inst.symbol)
            if (order_id is None or t.order_id == order_id)
            and (start is None or t.time_ms >= start)
            and (end is None or t.time_ms <= end)
            and (from_id is None or t.id >= from_id)
        ]
        selected = selected[:limit] if from_id is not None else selected[-limit:]
        return {"fills": [spot_fill(inst, t) for t in selected]}

    def _history(
        self, call: Call, inst: Instrument | None, kind: str, *, finished: bool
    ) -> list[Order]:
        """The account's orders of ``kind`` (finished ones only when ``finished``), newest
        first, filtered by ``orderId`` (that order), ``startTime`` and ``endTime``."""
        order_id = call.integer("orderId")
        start, end = call.integer("startTime"), call.integer("endTime")
        return [
            o
            for o in reversed(call.acct.orders.values())
            if o.kind == kind
            and (inst is None or o.symbol == inst.symbol)
            and (not finished or not o.is_open)
            and (order_id is None or o.id == order_id)
            and (start is None or o.created_ms >= start)
            and (end is None or o.created_ms <= end)
        ]

    def spot_history(self, call: Call) -> dict[str, Any]:
        inst = self._instrument(call, required=False)
        default, maximum = SPOT_HISTORY_PAGE
        size = min(max(call.integer("pageSize") or default, 1), maximum)
        page = max(call.integer("pageIndex") or 1, 1)
        orders = self._history(call, inst, "spot", finished=True)[(page - 1) * size : page * size]
        return {
            "orders": [
                self._spot_order(self.engine.instrument(o.symbol), o, call.acct) for o in orders
            ]
        }

    def _swap_orders(self, call: Call, *, finished: bool) -> dict[str, Any]:
        inst = self._instrument(call, required=False)
        default, maximum = SWAP_HISTORY_LIMIT
        limit = min(max(call.integer("limit") or default, 1), maximum)
        orders = self._history(call, inst, "swap", finished=finished)[:limit]
        return {
            "orders": [
                self._swap_order(self.engine.instrument(o.symbol), o, call.acct) for o in orders
            ]
        }

    def swap_all_orders(self, call: Call) -> dict[str, Any]:
        return self._swap_orders(call, finished=True)

    def swap_full_orders(self, call: Call) -> dict[str, Any]:
        return self._swap_orders(call, finished=False)

    def swap_new_order(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        side = _side(call)
        wire_type = call.require("type").upper()
        otype = TYPES.get(wire_type)
        if otype is None:
            raise invalid(SWAP, f"type: {wire_type} is not supported")
        position_side = call.require("positionSide").upper()
        if position_side != "BOTH":
            raise VenueError(
                109400, "In the One-way mode, the 'PositionSide' field can only be set to BOTH."
            )
        quantity = call.decimal("quantity")
        if quantity is None:
            raise VenueError(80014, "parameter quantity is must")
        price = call.decimal("price") if otype.has_limit_price else None
        if otype.has_limit_price and price is None:
            raise VenueError(80014, "Invalid parameters,price: This field is required.")
        stop_price = call.decimal("stopPrice")
        if otype.is_trigger and stop_price is None:
            raise VenueError(80014, "Invalid parameters,stopPrice: This field is required.")
        tif, post_only = _time_in_force(call)
        client_id = call.get("clientOrderID", "clientOrderId")
        if client_id is not None:
            if len(client_id) > 40:
                raise invalid(SWAP, "clientOrderID: 1-40 characters are allowed")
            client_id = client_id.lower()  # BingX stores swap client order ids lower-cased
        reduce_only = (call.get("reduceOnly") or "false").lower() == "true"
        order = self.engine.place_order(
            call.acct,
            OrderRequest(
                symbol=inst.symbol,
                side=side,
                type=otype,
                amount=quantity,
                price=price,
                stop_price=stop_price if otype.is_trigger else None,
                time_in_force=tif,
                post_only=post_only,
                reduce_only=reduce_only,
                client_order_id=client_id,
            ),
        )
        BingXOrder(client_id=client_id or "").attach(order)
        if order.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE:
            raise VenueError(
                101215,
                "The Maker (Post Only) order ensures that the user always acts as a maker. If "
                "the order would immediately match with available orders in the market, it "
                "will be canceled.",
            )
        return {
            "order": {
                "symbol": market_id(inst),
                "orderId": order.id,
                "side": order.side.value,
                "positionSide": "BOTH",
                "type": wire_type,
                "clientOrderID": client_id or "",
                "workingType": "MARK_PRICE",
            }
        }

    def swap_query(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        return {"order": self._swap_order(inst, self._find(call, inst), call.acct)}

    def swap_cancel(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        order = self._find(call, inst)
        if not order.is_open:
            raise VenueError(80018, "order is already filled, The order doesn't exist")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {"order": self._swap_order(inst, order, call.acct)}

    def swap_open_orders(self, call: Call) -> dict[str, Any]:
        inst = self._instrument(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return {
            "orders": [
                self._swap_order(self.engine.instrument(o.symbol), o, call.acct)
                for o in orders
                if o.kind == "swap"
            ]
        }

    def swap_fills(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        unit = (call.get("tradingUnit") or "CONT").upper()
        if unit not in ("COIN", "CONT"):
            raise invalid(SWAP, f"tradingUnit: {unit} must be COIN or CONT")
        start, end = call.integer("startTs"), call.integer("endTs")
        if start is None or end is None:
            raise invalid(SWAP, "startTs and endTs: This field is required.")
        order_id = call.integer("orderId")
        p = decimals(inst.price_tick)
        fills = []
        for t in self.engine.trades(call.acct, inst.symbol):
            if not start <= t.time_ms <= end or (order_id is not None and t.order_id != order_id):
                continue
            order = call.acct.orders[t.order_id]
            volume = t.amount * inst.contract_size if unit == "COIN" else t.amount
            fills.append(
                {
                    "filledTm": iso_seconds(t.time_ms),
                    "volume": plain(volume),
                    "price": fixed(t.price, p),
                    "amount": fixed(t.quote_amount, 4),
                    "commission": plain(-t.fee),
                    "currency": t.fee_asset,
                    "orderId": str(t.order_id),
                    "liquidatedPrice": "",
                    "liquidatedMarginRatio": "",
                    "filledTime": iso_local(t.time_ms),
                    "clientOrderId": client_id(order),
                    "symbol": market_id(inst),
                    "side": t.side.value,
                    "positionSide": "BOTH",
                    "type": TYPE_NAMES[order.type],
                    "workingType": "MARK_PRICE",
                    "onlyOnePosition": True,
                }
            )
        return {"fill_orders": fills}

    def set_leverage(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        side = call.require("side").upper()
        if side != "BOTH":
            raise VenueError(
                109400, "In the One-way mode, the 'Side' field can only be set to BOTH."
            )
        leverage = call.integer("leverage")
        if leverage is None:
            raise VenueError(80014, "Invalid parameters,leverage: This field is required.")
        value = self.engine.set_leverage(call.acct, inst.symbol, leverage)
        available = self.engine.margin_summary(call.acct, inst.settle or "USDT").available_balance
        notional = available * value
        price = self.engine.price(inst.symbol)
        return {
            "leverage": value,
            "symbol": market_id(inst),
            "availableLongVol": plain((notional / price).quantize(inst.amount_step)),
            "availableShortVol": plain((notional / price).quantize(inst.amount_step)),
            "availableLongVal": fixed(notional, 4),
            "availableShortVal": fixed(notional, 4),
            "maxPositionLongVal": "50000000",
            "maxPositionShortVal": "50000000",
        }


# ---- helpers -------------------------------------------------------------------------------


def _side(call: Call) -> Side:
    raw = call.require("side").upper()
    try:
        return Side(raw)
    except ValueError:
        raise invalid(call.surface, f"side: {raw} must be BUY or SELL") from None


def _time_in_force(call: Call) -> tuple[TimeInForce, bool]:
    raw = (call.get("timeInForce") or "GTC").upper()
    if raw == "POSTONLY":
        return TimeInForce.GTC, True
    tif = TIF.get(raw)
    if tif is None:
        raise invalid(call.surface, f"timeInForce: {raw} must be PostOnly, GTC, IOC or FOK")
    return tif, False
