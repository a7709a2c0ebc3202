"""`BinanceVenue`: the hooks and handlers of Binance's wire format (see the package docstring)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import (
    ExpireReason,
    Instrument,
    Order,
    OrderRequest,
    OrderType,
    Side,
    TimeInForce,
    UnknownOrder,
)
from exchlayer.testing.simulator.ratelimit import Charge, Refusal, Usage
from exchlayer.testing.simulator.venues.binance import render
from exchlayer.testing.simulator.venues.binance.history import BinanceHistory
from exchlayer.testing.simulator.venues.binance.render import market_id
from exchlayer.testing.simulator.venues.binance.streams import BinanceStreams
from exchlayer.testing.simulator.venues.binance.tables import (
    ALGO_TYPES,
    ALL_ORDERS_LIMIT,
    AMBIGUOUS_ERRORS,
    CLIENT_ID,
    ERRORS,
    FEES,
    FUTURES_HISTORY_MS,
    HOST_SURFACES,
    HOSTS,
    IP_LIMITS,
    MAX_RECV_WINDOW,
    ORDER_LIMITS,
    ROUTES,
    SPOT,
    SPOT_TYPES,
    STATUS,
    SURFACE_PREFIXES,
    USDM,
    BinanceOrder,
)
from exchlayer.testing.simulator.wire import (
    Call,
    MissingParameter,
    Operation,
    ParamRules,
    QueryHmac,
    RawJson,
    VenueError,
    VenueRequest,
    WireVenue,
)
from exchlayer.testing.simulator.wire.numbers import decimals, fixed

__all__ = ["BinanceVenue"]


def _id22(seed: object) -> str:
    digest = hashlib.sha256(str(seed).encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:22])


class BinanceVenue(BinanceHistory, BinanceStreams, WireVenue):
    """Binance spot + USDⓈ-M futures (and Binance.US spot) on the shared engine."""

    name: ClassVar[str] = "binance"
    hosts = HOSTS
    fees = FEES
    # no envelope: a success answer is the payload itself (errors are told by HTTP status)
    ambiguous_errors = AMBIGUOUS_ERRORS
    routes = ROUTES
    errors = ERRORS
    auth = QueryHmac("X-MBX-APIKEY", max_window_ms=MAX_RECV_WINDOW)
    param_rules = ParamRules(integer=re.compile(r"^-?[0-9]+$"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ids: dict[str, dict[str, Instrument]] = {SPOT: {}, USDM: {}}
        for inst in self.engine.instruments.values():
            if inst.kind == "spot":
                self._ids[SPOT][market_id(inst)] = inst
            elif inst.settle == inst.quote:
                self._ids[USDM][market_id(inst)] = inst
        self._info_cache: dict[tuple[str, str], dict[str, Any]] = {}
        self._depth_cache: dict[tuple[str, str, int], tuple[int, str]] = {}
        self._cancel_ids = 0
        self.init_streams()

    def market_id_families(self) -> list[list[str]]:
        return [list(self._ids[SPOT]), list(self._ids[USDM])]

    # ---- hooks ---------------------------------------------------------------------------------

    def route_key(self, request: VenueRequest) -> tuple[str, str] | None:
        """The host family of the path (`/api`, `/sapi`: spot; `/fapi`: USDⓈ-M; `/dapi`:
        COIN-M), where the host serves it."""
        for prefix, surface in SURFACE_PREFIXES:
            if request.path.startswith(prefix):
                if surface in HOST_SURFACES.get(request.host, frozenset()):
                    return surface, request.path
                return None
        return None

    def charges(self, call: Call) -> list[Charge]:
        """The route's weight and the family's other IP limits, one unit of each limit of the
        route's own (`fundingRate`'s); new orders also count as orders. Usage is kept per host
        family."""
        surface = call.surface
        weight_limit, *others = IP_LIMITS[surface]
        charges = [Charge(weight_limit, call.route.weight_of(call), surface)]
        charges += [Charge(limit, 1, surface) for limit in (*others, *call.route.limits)]
        if call.route.operation == Operation.CREATE_ORDER and surface in ORDER_LIMITS:
            charges += [Charge(limit, 1, surface) for _, limit in ORDER_LIMITS[surface]]
        return charges

    def usage_headers(
        self, usages: list[Usage], call: Call, refusal: Refusal | None
    ) -> dict[str, str]:
        """`X-MBX-USED-WEIGHT-1M` on every answer and the order counts
        (`X-MBX-ORDER-COUNT-10S`, `-1D`; futures `-10S`, `-1M`) on new orders; a refusal
        carries `Retry-After` only."""
        if refusal is not None:
            return {"Retry-After": str(refusal.retry_after_seconds)}
        headers = {}
        for usage in usages:
            limit = usage.limit
            if limit.name == "REQUEST_WEIGHT":
                headers["X-MBX-USED-WEIGHT-1M"] = f"{usage.used:g}"
            elif limit.name == "ORDERS":
                for suffix, known in (*ORDER_LIMITS[SPOT], *ORDER_LIMITS[USDM]):
                    if known is limit:
                        headers[f"X-MBX-ORDER-COUNT-{suffix}"] = f"{usage.used:g}"
        return headers

    # ---- symbols -------------------------------------------------------------------------------

    # ---- public --------------------------------------------------------------------------------

    def ping(self, call: Call) -> dict[str, Any]:
        return {}

    def time(self, call: Call) -> dict[str, Any]:
        return {"serverTime": self.engine.now_ms()}

    def depth(self, call: Call) -> RawJson:
        inst = self._inst(call)
        spot = call.surface == SPOT
        limit = call.integer("limit") or (100 if spot else 500)
        if not 1 <= limit <= (5000 if spot else 1000):
            raise VenueError(-1130, "Data sent for parameter 'limit' is not valid.")
        snap = self.engine.book(inst.symbol, limit)
        key = (call.surface, inst.symbol, limit)
        cached = self._depth_cache.get(key)
        if cached is None or cached[0] != snap.update_id:
            p, q = (8, 8) if spot else (decimals(inst.price_tick), decimals(inst.amount_step))
            bids = [[fixed(px, p), fixed(sz, q)] for px, sz in snap.bids]
            asks = [[fixed(px, p), fixed(sz, q)] for px, sz in snap.asks]
            levels = json.dumps({"bids": bids, "asks": asks}, separators=(",", ":"))[1:]
            cached = self._depth_cache[key] = (snap.update_id, levels)
        head = f'{{"lastUpdateId":{snap.update_id},'
        if not spot:
            now = self.engine.now_ms()
            head += f'"E":{now},"T":{now},'
        return RawJson(head + cached[1])

    def ticker_24hr(self, call: Call) -> Any:
        spot = call.surface == SPOT
        return self._one_or_many(
            call, lambda i: render.ticker_24hr(i, self.engine.stats(i.symbol), spot=spot)
        )

    # ---- sapi (load_markets with keys on the live environment) -------------------------------

    def capital_config(self, call: Call) -> list[dict[str, Any]]:
        assets: dict[str, None] = {}
        for inst in self.engine.instruments.values():
            assets.setdefault(inst.base)
            assets.setdefault(inst.quote)
        for asset in call.acct.balances:
            assets.setdefault(asset)
        return render.capital_config(assets, call.acct)

    # ---- spot private --------------------------------------------------------------------------

    def spot_account(self, call: Call) -> dict[str, Any]:
        return render.spot_account(call.acct)

    def spot_new_order(self, call: Call) -> dict[str, Any]:  # noqa: PLR0912 - Binance's order parameters, checked as it documents them
        inst = self._inst(call)
        side = _side(call.require("side"))
        wire_type = call.require("type").upper()
        otype = SPOT_TYPES.get(wire_type)
        if otype is None:
            raise VenueError(-1116, "Invalid orderType.")
        quantity = call.decimal("quantity")
        quote_qty = call.decimal("quoteOrderQty")
        price = call.decimal("price")
        stop_price = call.decimal("stopPrice")
        tif_raw = call.get("timeInForce")
        if wire_type == "MARKET":
            if quantity is None and quote_qty is None:
                raise VenueError(
                    -1102,
                    "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
                )
            if quantity is not None and quote_qty is not None:
                raise VenueError(-1106, "Parameter 'quoteOrderQty' sent when not required.")
        else:
            if quantity is None:
                call.fail(MissingParameter("quantity"))
            if quote_qty is not None:
                raise VenueError(-1106, "Parameter 'quoteOrderQty' sent when not required.")
        if otype.has_limit_price and price is None:
            call.fail(MissingParameter("price"))
        if otype.is_trigger and stop_price is None:
            call.fail(MissingParameter("stopPrice"))
        if otype.has_limit_price and wire_type != "LIMIT_MAKER" and tif_raw is None:
            call.fail(MissingParameter("timeInForce"))
        tif = _tif(tif_raw) if tif_raw is not None else TimeInForce.GTC
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=otype,
            amount=quantity,
            price=price if otype.has_limit_price else None,
            stop_price=stop_price,
            quote_amount=quote_qty,
            time_in_force=tif,
            post_only=wire_type == "LIMIT_MAKER",
            client_order_id=_client_id(call.get("newClientOrderId"), futures=False),
        )
        order = self.engine.place_order(call.acct, req)
        BinanceOrder(wire_type=wire_type).attach(order)
        if order.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE:
            raise VenueError(-2010, "Order would immediately match and take.")
        default_resp = "FULL" if wire_type in ("MARKET", "LIMIT") else "ACK"
        resp_type = (call.get("newOrderRespType") or default_resp).upper()
        if resp_type == "ACK":
            return {
                "symbol": market_id(inst),
                "orderId": order.id,
                "orderListId": -1,
                "clientOrderId": order.client_order_id,
                "transactTime": order.created_ms,
            }
        out = render.spot_order(inst, order, view="result")
        if resp_type == "FULL":
            trades = self.engine.order_trades(call.acct, order)
            out["fills"] = [render.spot_fill(t) for t in trades]
        return out

    def _order_lookup(
        self, call: Call, id_param: str = "orderId", client_param: str = "origClientOrderId"
    ) -> tuple[int | None, str | None]:
        order_id = call.integer(id_param)
        client_id = call.get(client_param)
        if order_id is None and client_id is None:
            raise VenueError(
                -1102,
                f"Param '{client_param}' or '{id_param}' must be sent, but both were empty/null!",
            )
        return order_id, client_id

    def _find(self, call: Call, inst: Instrument) -> Order:
        """An order by `orderId` or `origClientOrderId` (the most recent one using it)."""
        order_id, client_id = self._order_lookup(call)
        return self.engine.get_order(
            call.acct,
            order_id=order_id,
            client_order_id=client_id,
            symbol=inst.symbol,
            pick="newest",
        )

    def spot_get_order(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        return render.spot_order(inst, self._find(call, inst), view="query")

    def spot_cancel(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        order = self.engine.cancel_order(call.acct, order_id=self._find(call, inst).id)
        self._cancel_ids += 1
        cancel_id = call.get("newClientOrderId") or _id22(("cancel", order.id, self._cancel_ids))
        fmt8 = render.fmt8
        return {
            "symbol": market_id(inst),
            "origClientOrderId": order.client_order_id,
            "orderId": order.id,
            "orderListId": -1,
            "clientOrderId": cancel_id,
            "transactTime": order.updated_ms,
            "price": fmt8(order.price),
            "origQty": fmt8(order.amount),
            "executedQty": fmt8(order.filled),
            "origQuoteOrderQty": fmt8(order.quote_amount),
            "cummulativeQuoteQty": fmt8(order.cost),
            "status": STATUS[order.status],
            "timeInForce": order.time_in_force.value,
            "type": render.spot_wire_type(order),
            "side": order.side.value,
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }

    def spot_open_orders(self, call: Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return [
            render.spot_order(self.engine.instrument(o.symbol), o, view="query")
            for o in orders
            if o.kind == "spot"
        ]

    def _recent_orders(self, call: Call, inst: Instrument, kind: str) -> list[Order]:
        """`allOrders`: the account's orders of one symbol, oldest first (Binance's rules for
        `orderId`, `startTime`, `endTime` and `limit`)."""
        order_id = call.integer("orderId")
        start, end = call.integer("startTime"), call.integer("endTime")
        default, maximum = ALL_ORDERS_LIMIT
        limit = min(max(call.integer("limit") or default, 1), maximum)
        if start is None and end is None and order_id is None and kind == "swap":
            start = self.engine.now_ms() - FUTURES_HISTORY_MS
        orders = [
            o
            for o in call.acct.orders.values()
            if o.symbol == inst.symbol
            and o.kind == kind
            and not o.spawn_on_trigger
            and (order_id is None or o.id >= order_id)
            and (start is None or o.created_ms >= start)
            and (end is None or o.created_ms <= end)
        ]
        orders.sort(key=lambda o: o.id)
        from_start = order_id is not None or call.integer("startTime") is not None
        return orders[:limit] if from_start else orders[-limit:]

    def spot_all_orders(self, call: Call) -> list[dict[str, Any]]:
        inst = self._inst(call)
        return [
            render.spot_order(inst, o, view="query")
            for o in self._recent_orders(call, inst, "spot")
        ]

    def futures_all_orders(self, call: Call) -> list[dict[str, Any]]:
        inst = self._inst(call)
        return [
            render.futures_order(inst, o, query=True)
            for o in self._recent_orders(call, inst, "swap")
        ]

    def my_trades(self, call: Call) -> list[dict[str, Any]]:
        inst = self._inst(call)
        trades = self.engine.trades(call.acct, inst.symbol)
        order_id = call.integer("orderId")
        start, end = call.integer("startTime"), call.integer("endTime")
        from_id = call.integer("fromId")
        limit = min(max(call.integer("limit") or 500, 1), 1000)
        selected = [
            t
            for t in trades
            if (order_id is None or t.order_id == order_id)
            and (start is None or t.time_ms >= start)
            and (end is None or t.time_ms <= end)
            and (from_id is None or t.id >= from_id)
        ]
        selected = selected[:limit] if from_id is not None else selected[-limit:]
        if call.surface == SPOT:
            return [render.spot_trade(inst, t) for t in selected]
        return [render.futures_trade(inst, t) for t in selected]

    # ---- futures private -----------------------------------------------------------------------

    def futures_account(self, call: Call) -> dict[str, Any]:
        return render.futures_account(self.engine, call.acct, v2=False)

    def futures_account_v2(self, call: Call) -> dict[str, Any]:
        return render.futures_account(self.engine, call.acct, v2=True)

    def futures_new_order(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        wire_type = call.require("type").upper()
        if wire_type in ALGO_TYPES or wire_type == "TRAILING_STOP_MARKET":
            raise VenueError(
                -4120,
                "Order type not supported for this endpoint. Please use the Algo Order API "
                "endpoints instead.",
            )
        if wire_type not in ("LIMIT", "MARKET"):
            raise VenueError(-1116, "Invalid orderType.")
        return self._futures_place(call, inst, wire_type, algo=False)

    def _futures_place(
        self, call: Call, inst: Instrument, wire_type: str, *, algo: bool
    ) -> dict[str, Any]:
        side = _side(call.require("side"))
        position_side = (call.get("positionSide") or "BOTH").upper()
        if position_side != "BOTH":
            raise VenueError(-4061, "Order's position side does not match user's setting.")
        if call.flag("closePosition"):
            raise VenueError(-1014, "Unsupported order combination.")
        otype = ALGO_TYPES[wire_type] if algo else OrderType[wire_type]
        quantity = call.decimal("quantity", required=True)
        price = call.decimal("price")
        if otype.has_limit_price and price is None:
            call.fail(MissingParameter("price"))
        trigger = call.decimal("triggerPrice" if algo else "stopPrice")
        if otype.is_trigger and trigger is None:
            call.fail(MissingParameter("triggerPrice"))
        tif_raw = call.get("timeInForce")
        if otype is OrderType.LIMIT and tif_raw is None:
            call.fail(MissingParameter("timeInForce"))
        post_only = (tif_raw or "").upper() == "GTX"
        tif = TimeInForce.GTC if post_only or tif_raw is None else _tif(tif_raw)
        client_id = call.get("clientAlgoId" if algo else "newClientOrderId")
        req = OrderRequest(
            symbol=inst.symbol,
            side=side,
            type=otype,
            amount=quantity,
            price=price if otype.has_limit_price else None,
            stop_price=trigger if otype.is_trigger else None,
            time_in_force=tif,
            post_only=post_only,
            reduce_only=call.flag("reduceOnly"),
            client_order_id=_client_id(client_id, futures=True),
            spawn_on_trigger=algo,
        )
        order = self.engine.place_order(call.acct, req)
        if order.expire_reason is ExpireReason.FOK_UNFILLABLE:
            raise VenueError(
                -5021,
                "Due to the order could not be filled immediately, the FOK order has been "
                "rejected. The order will not be recorded in the order history",
            )
        if order.expire_reason is ExpireReason.POST_ONLY_WOULD_TAKE:
            raise VenueError(
                -5022,
                "Due to the order could not be executed as maker, the Post Only order will be "
                "rejected. The order will not be recorded in the order history",
            )
        if algo:
            return render.algo_order(inst, order, None)
        return render.futures_order(inst, order, query=False)

    def futures_get_order(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        order = self._find(call, inst)
        if order.spawn_on_trigger:
            raise UnknownOrder("algo orders are queried on /fapi/v1/algoOrder")
        return render.futures_order(inst, order, query=True)

    def futures_cancel(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        order = self._find(call, inst)
        if order.spawn_on_trigger:
            raise UnknownOrder("algo orders are cancelled on /fapi/v1/algoOrder")
        self.engine.cancel_order(call.acct, order_id=order.id)
        return render.futures_order(inst, order, query=False)

    def futures_open_orders(self, call: Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return [
            render.futures_order(self.engine.instrument(o.symbol), o, query=True)
            for o in orders
            if o.kind == "swap" and not o.spawn_on_trigger
        ]

    # ---- futures algo (conditional) orders ---------------------------------------------------

    def algo_new(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        algo_type = (call.get("algoType") or "").upper()
        if algo_type != "CONDITIONAL":
            raise VenueError(-1116 if algo_type else -1102, "Invalid algoType.")
        wire_type = call.require("type").upper()
        if wire_type not in ALGO_TYPES:
            raise VenueError(-1116, "Invalid orderType.")
        return self._futures_place(call, inst, wire_type, algo=True)

    def _algo(self, call: Call, order: Order) -> dict[str, Any]:
        child = call.acct.orders.get(order.child_id) if order.child_id is not None else None
        return render.algo_order(self.engine.instrument(order.symbol), order, child)

    def _algo_find(self, call: Call) -> Order:
        inst = self._instrument(call, required=False)
        algo_id, client_id = self._order_lookup(call, "algoId", "clientAlgoId")
        order = self.engine.get_order(
            call.acct,
            order_id=algo_id,
            client_order_id=client_id,
            symbol=inst.symbol if inst else None,
        )
        if not order.spawn_on_trigger:
            raise UnknownOrder("not an algo order")
        return order

    def algo_get(self, call: Call) -> dict[str, Any]:
        return self._algo(call, self._algo_find(call))

    def algo_cancel(self, call: Call) -> dict[str, Any]:
        order = self._algo_find(call)
        self.engine.cancel_order(call.acct, order_id=order.id)
        return {
            "algoId": order.id,
            "clientAlgoId": order.client_order_id,
            "code": "200",
            "msg": "success",
        }

    def algo_open(self, call: Call) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        orders = self.engine.open_orders(call.acct, inst.symbol if inst else None)
        return [self._algo(call, o) for o in orders if o.spawn_on_trigger]

    # ---- futures positions and leverage ------------------------------------------------------

    def _positions(self, call: Call, *, v2: bool) -> list[dict[str, Any]]:
        inst = self._instrument(call, required=False)
        acct = call.acct
        if v2:
            symbols = [inst.symbol] if inst else [i.symbol for i in self._ids[USDM].values()]
            views = [self.engine.position(acct, s) for s in symbols]
        else:
            views = [
                v for v in self.engine.positions(acct) if inst is None or v.symbol == inst.symbol
            ]
        out = []
        for view in views:
            vinst = self.engine.instrument(view.symbol)
            if vinst.settle == vinst.quote:
                out.append(render.position_row(view, vinst, acct.fees.swap_taker, v2=v2))
        return out

    def position_risk(self, call: Call) -> list[dict[str, Any]]:
        return self._positions(call, v2=False)

    def position_risk_v2(self, call: Call) -> list[dict[str, Any]]:
        return self._positions(call, v2=True)

    def set_leverage(self, call: Call) -> dict[str, Any]:
        inst = self._inst(call)
        leverage = call.integer("leverage", required=True)
        assert leverage is not None
        value = self.engine.set_leverage(call.acct, inst.symbol, leverage)
        return {
            "leverage": value,
            "maxNotionalValue": str(render.max_notional(inst, value)),
            "symbol": market_id(inst),
        }

def _side(raw: str) -> Side:
    try:
        return Side(raw.upper())
    except ValueError:
        raise VenueError(-1117, "Invalid side.") from None


def _tif(raw: str) -> TimeInForce:
    try:
        return TimeInForce(raw.upper())
    except ValueError:
        raise VenueError(-1115, "Invalid timeInForce.") from None


def _client_id(raw: str | None, *, futures: bool) -> str | None:
    if raw is None or CLIENT_ID.match(raw):
        return raw
    if futures:
        raise VenueError(-4015, "Client order id is not valid.")
    raise VenueError(
        -1100,
        "Illegal characters found in parameter 'newClientOrderId'; legal range is "
        "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
    )

