"""Bitget: spot and USDT-margined perpetual futures, both on ccxt ``bitget`` (classic v2 API).

Quirks absorbed here:

- API keys come with a passphrase: a connector with credentials but no passphrase is refused at
  construction (``ConfigurationError``).
- One ccxt class serves both trade types, on one host (``api.bitget.com``); spot and futures
  keep separate wallets (``get_balance(trade_type=FUTURES)`` reads the USDT-M futures account).
- The classic v2 API is pinned (ccxt option ``uta=False``). Without it ccxt probes
  ``/api/v3/account/settings`` on first use and switches to the unified-account API when that
  answers; a unified account's classic endpoints answer ``40085`` (``PermissionDenied``).
- Market loading reads the coin list, spot symbols, margin currencies and the contracts of all
  six futures product types: ccxt 4.5.90 offers no option to narrow the product types, and spot
  and futures share one client (and so one market list).
- ``is_testnet=True`` is Bitget demo trading: the same host and the same symbols
  (``BTC/USDT:USDT``, product type ``USDT-FUTURES``), with ccxt adding ``PAPTRADING: 1`` to every
  request (``enable_demo_trading``; in ccxt 4.5.90 ``set_sandbox_mode`` does the same). It needs a
  demo API key; a live key there (or a demo key live) is refused with ``40099``, raised as
  ``AuthenticationError``. The live environment's simulated-coin markets (``SBTC/SUSDT:SUSDT``,
  product type ``SUSDT-FUTURES``) are not demo trading and are not reachable from a demo key.
- Placing an order answers only ``{orderId, clientOid}``: the order is read back, so
  ``create_order`` returns its real status and fills. If that read fails, the placed order is
  returned as far as it is known, with status ``UNKNOWN``.
- A spot market *buy* is sized in quote currency on Bitget (``size`` = what to spend).
  exchlayer's amounts are base currency: the cost is what buying ``amount`` through the current
  asks costs (walking the book, rounded up to the price tick). The book can move between that
  read and the fill, so the base amount bought can differ slightly from ``amount``.
  A spot stop (trigger) market buy is placed with ``planType=amount``, so it stays in base.
- Futures orders carry ``productType=USDT-FUTURES``, ``marginCoin=USDT`` and ``marginMode=crossed``
  (cross margin); the account must be in one-way position mode (Bitget's default).
- Stop and stop-limit orders are Bitget plan orders, with their own ids and endpoints:
  ``get_order``, ``cancel_order`` and ``get_open_orders`` cover both kinds (ccxt's ``fetch_order``
  knows only regular orders, so plan orders are found in the plan-order lists). Once a plan order
  triggers, a regular order with a new id carries the fills: ``get_order`` on the plan order's id
  follows it (``plan-sub-order``), so the stop order reads as filled.
- A futures plan-order cancel always answers ``00000`` and lists what it could not cancel in
  ``failureList`` (ccxt then returns an empty order): that counts as "no such open order".
- Spot ``orderInfo`` answers an unknown order with an empty list; with a client order id ccxt
  would then fail building its message, so lookups by client order id also pass it as the id.
- Client order ids go in ``clientOid`` (at most 50 characters).
- Error codes ccxt maps too coarsely: ``40099`` (wrong environment) -> ``AuthenticationError``;
  ``43025`` (plan order does not exist; ccxt says ``InvalidOrder``) -> ``OrderNotFound``;
  ``40786`` (duplicate clientOid), ``45111``/``45112`` (quantity below min / above max),
  ``22002`` (reduce-only without a position) -> ``InvalidOrder``; ``40797`` (leverage above the
  maximum) -> ``InvalidArgument``.
- A signed request is refused once its timestamp is 30 s old, which bounds how long an order of
  uncertain fate can still appear (see ``create_order``).
- Rate limits are per endpoint and per second (``20 times/1s`` public per IP, 10 or 20 private
  per UID, 6,000 per minute overall per IP); ccxt's costs match them at 20 units per second. The
  default burst (50 units at once) would spend two seconds' worth of one endpoint's budget in
  one: the adapter spends the budget evenly (burst 1 unit, 90% of the rate).
- Futures books come in fixed depths (1, 5, 15, 50, 100); spot books hold at most 150 levels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal
from functools import partial
from types import MappingProxyType
from typing import Any

from ..connector.core import CcxtExchange, CcxtOrder, ChildOrder, VenueProfile, named_rows, plain
from ..connector.parsing import parse_ticker
from ..connector.streams import resync_on_garbage
from ..errors import (
    AuthenticationError,
    ExchangeUnavailable,
    InvalidArgument,
    InvalidOrder,
    OrderNotFound,
    RequestTimeout,
)
from ..models import Capabilities, Market, OrderSide, OrderType, TimeInForce, TradeType
from ..validation import PreparedOrder

__all__ = ["BitgetExchange"]

_BOTH = frozenset({TradeType.SPOT, TradeType.FUTURES})
_OPTIONS: Mapping[str, Any] = MappingProxyType(
    {
        "uta": False,  # the classic v2 API, never the unified-account one
        "fetchMarkets": {"types": ["spot", "swap"]},
        "defaultSubType": "linear",
    }
)
_PRODUCT_TYPE = "USDT-FUTURES"
_BOOK_LEVELS = 100
_SWAP = MappingProxyType({"type": "swap"})


def _checked_cancel(original: Any) -> Any:
    """Bitget answers a futures plan-order cancel it could not do with code 00000 and the order
    in `failureList`; ccxt returns an order without an id. That means "no such open order",
    so cancels and lookups treat it like any other venue's."""

    async def cancel_order(self: Any, order_id: Any, symbol: Any = None, params: Any = None) -> Any:
        params = params or {}
        order = await original(self, order_id, symbol, params)
        is_futures = symbol is not None and ":" in symbol
        if params.get("trigger") and is_futures and order.get("id") is None:
            raise OrderNotFound(f"Bitget has no open plan order {order_id} on {symbol}")
        return order

    return cancel_order


PROFILE = VenueProfile(
    name="bitget",
    display_name="Bitget",
    capabilities=Capabilities(
        trade_types=_BOTH,
        order_types=frozenset(OrderType),
        time_in_force=frozenset(TimeInForce),
        testnet=_BOTH,
        positions=True,
        leverage=True,
        client_order_ids=True,
        open_orders_without_symbol=_BOTH,
        trades_without_symbol=frozenset(),
        streams=frozenset({"order_book"}),
    ),
    # ccxt.pro's Bitget book handler has no guard: a garbled frame resyncs the books
    ccxt_pro_patches=MappingProxyType({"handle_order_book": resync_on_garbage}),
    ccxt_ids=MappingProxyType({TradeType.SPOT: "bitget", TradeType.FUTURES: "bitget"}),
    ccxt_options=MappingProxyType({TradeType.SPOT: _OPTIONS, TradeType.FUTURES: _OPTIONS}),
    ccxt_patches=MappingProxyType({"cancel_order": _checked_cancel}),
    testnet_modes=MappingProxyType({TradeType.SPOT: "demo", TradeType.FUTURES: "demo"}),
    testnet_name="demo trading",
    requires_passphrase=True,
    # clientOid: at most 50 characters (Bitget error 40305)
    client_order_id_max_length=50,
    # order and plan-order ids are decimal numbers
    order_id_pattern=re.compile(r"[0-9]{1,20}"),
    order_book_depths=MappingProxyType({TradeType.FUTURES: (1, 5, 15, 50, 100)}),
    # ACCESS-TIMESTAMP must be within 30 s of Bitget's clock
    request_window=30.0,
    # "Frequency limit: 10 times/1s (UID)" on spot and mix place-order
    order_rate_limits=MappingProxyType(
        {TradeType.SPOT: ((10, 1.0),), TradeType.FUTURES: ((10, 1.0),)}
    ),
    # Bitget meters each endpoint per second (20 or 10 calls, matching ccxt's costs of 1 or 2
    # units at 20 units/s): no burst fits in a 1 s window beyond the rate, so the budget is
    # spent evenly (90% of ccxt's rate, plus at most one unit at once)
    rate_limit_share=0.9,
    rate_limit_burst=1.0,
    trigger_order_params=MappingProxyType(
        {TradeType.SPOT: {"trigger": True}, TradeType.FUTURES: {"trigger": True}}
    ),
    trigger_fetch=False,  # plan orders are found in the plan-order lists (_find_order)
    # without a symbol ccxt would ask the spot account
    call_params=MappingProxyType(
        {("fetch_balance", TradeType.FUTURES): _SWAP,
         ("fetch_open_orders", TradeType.FUTURES): _SWAP}
    ),
    position_keys=("symbol", "total"),
    error_code=re.compile(r'"code"\s*:\s*"?(\d+)'),
    error_classes=MappingProxyType(
        {
            "40099": AuthenticationError,  # environment is incorrect (live key on demo, ...)
            "43025": OrderNotFound,  # Plan order does not exist
            "40786": InvalidOrder,  # Duplicate clientOid
            "45111": InvalidOrder,  # less than the minimum order quantity
            "45112": InvalidOrder,  # more than the maximum order quantity
            "22002": InvalidOrder,  # No position to close (reduce-only)
            "40797": InvalidArgument,  # Exceeded the maximum settable leverage
            # the venue failing, not refusing: reads retry them, a new order is looked up
            "40015": ExchangeUnavailable,  # System is abnormal, please try again later
            "40010": RequestTimeout,  # Request timed out (ccxt: AuthenticationError)
        }
    ),
    # history: futures candles span 90 days a request at most; fills-history 1,000 trades;
    # funding history is paged by number (100 a page), newest first
    ohlcv_window_ms={TradeType.FUTURES: 90 * 86_400_000},
    trade_page={TradeType.SPOT: 1000, TradeType.FUTURES: 1000},
    funding_page={TradeType.FUTURES: 100},
    funding_by_page=True,
    # every Bitget answer, data or error, is its envelope {"code", "msg", "requestTime",
    # "data"}: a list at the top is garbage (ccxt would read it as "no balances")
    json_checked=True,
    # where each list endpoint's records sit under "data" (None: data is the list)
    enveloped_lists=MappingProxyType(
        {
            "/api/v2/spot/trade/unfilled-orders": None,
            "/api/v2/spot/trade/current-plan-order": "orderList",
            "/api/v2/spot/trade/fills": None,
            "/api/v2/mix/order/orders-pending": "entrustedList",
            "/api/v2/mix/order/orders-plan-pending": "entrustedList",
            "/api/v2/mix/order/fills": "fillList",
            "/api/v2/mix/position/all-position": None,
            "/api/v2/spot/account/assets": None,
            "/api/v2/mix/account/accounts": None,
            # market history: candles, public fills, funding rates
            "/market/candles": None,
            "/market/history-candles": None,
            "/market/fills": None,
            "/market/fills-history": None,
            "/api/v2/mix/market/history-fund-rate": None,
        }
    ),
)


class BitgetExchange(CcxtExchange):
    """Bitget spot and USDT-M perpetual futures."""

    profile = PROFILE

    def _valid_answer(self, kind: str, raw: Any) -> bool:
        if kind == "order" and _ids_only(raw):
            return True  # Bitget answers a new order with its ids only (read back)
        if not super()._valid_answer(kind, raw):
            return False
        if kind == "balance":
            # spot and futures both answer a list of assets (coin / marginCoin)
            return named_rows(raw.get("info"), "coin", "marginCoin")
        if kind == "order_book":
            return raw.get("timestamp") is not None  # its "ts": absent from anything else
        return True

    # --- placing orders -------------------------------------------------------------------
    async def _order_arguments(
        self, order: PreparedOrder, client_order_id: str, market: Market
    ) -> CcxtOrder:
        args = await super()._order_arguments(order, client_order_id, market)
        params = dict(args.params)
        if order.trade_type is TradeType.FUTURES:
            params["marginMode"] = "cross"  # sent as marginMode=crossed
        elif order.side is OrderSide.BUY and order.order_type is OrderType.MARKET:
            params["cost"] = plain(await self._market_buy_cost(order, market))
        elif order.side is OrderSide.BUY and order.order_type is OrderType.STOP:
            # a plan order can be sized in base (planType=amount) even for a market buy
            params.update(
                planType="amount", size=args.amount, createMarketBuyOrderRequiresPrice=False
            )
        return args._replace(params=params)

    async def _market_buy_cost(self, order: PreparedOrder, market: Market) -> Decimal:
        """What buying ``order.amount`` through the current asks costs, rounded up to the tick."""
        client = self._client(TradeType.SPOT)
        book = await self._read(
            TradeType.SPOT,
            lambda: client.fetch_order_book(order.symbol, _BOOK_LEVELS),
            kind="order_book",
        )
        asks = book.get("asks") or []
        if not asks:
            ticker = await self._read(
                TradeType.SPOT,
                lambda: client.fetch_ticker(order.symbol),
                kind="ticker",
                parse=lambda raw: parse_ticker(raw, order.symbol, TradeType.SPOT),
            )
            last = ticker.ask or ticker.last_price
            asks = [(last, order.amount)] if last else []
        if not asks:
            raise InvalidOrder(f"{order.symbol} has no price to size a market buy with")
        left, cost = order.amount, Decimal(0)
        for price, size in asks:
            take = min(Decimal(size), left)
            cost += take * Decimal(price)
            left -= take
            if left <= 0:
                break
        if left > 0:  # deeper than the book we read: the rest at its worst price
            cost += left * Decimal(asks[-1][0])
        tick = market.price_tick
        if tick:
            cost = (cost / tick).to_integral_value(ROUND_CEILING) * tick
        return cost

    # --- looking orders up ----------------------------------------------------------------
    def _order_lookup(
        self, call: str, order_id: str | None, client_order_id: str | None
    ) -> tuple[str | None, dict[str, Any]]:
        if client_order_id is not None:
            # ccxt names the id in its "not found" message (and fails on None)
            return client_order_id, {"clientOrderId": client_order_id}
        return order_id, {}

    async def _find_order(
        self, trade_type: TradeType, order_id: str | None, symbol: str, params: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        """A plan (trigger) order, from the plan-order lists: ccxt's `fetch_order` knows only
        regular orders."""
        client = self._client(trade_type)
        cid = params.get("clientOrderId")
        query: dict[str, Any] = {"trigger": True}
        if trade_type is TradeType.FUTURES:
            # the futures plan lists filter by id on the venue; the spot ones do not
            query.update({"clientOid": cid} if cid else {"orderId": order_id})
        for method in (client.fetch_open_orders, client.fetch_canceled_and_closed_orders):
            found = await self._read(
                trade_type, partial(method, symbol, None, None, dict(query)), kind="orders"
            )
            for raw in found:
                if (raw.get("clientOrderId") == cid) if cid else (raw.get("id") == order_id):
                    return raw  # type: ignore[no-any-return]
        return None

    async def _triggered_child(
        self, trade_type: TradeType, raw: Mapping[str, Any], symbol: str
    ) -> ChildOrder | None:
        # an executed plan order: the fills live on the order it placed
        if not _is_plan(raw.get("info")) or raw.get("status") != "closed":
            return None
        child_id = await self._plan_child(trade_type, str(raw.get("id")))
        return None if child_id is None else ChildOrder(child_id, info_key="executedOrder")

    async def _plan_child(self, trade_type: TradeType, plan_id: str) -> str | None:
        client = self._client(trade_type)
        if trade_type is TradeType.FUTURES:
            request = {
                "planOrderId": plan_id,
                "productType": _PRODUCT_TYPE,
                "planType": "normal_plan",
            }
            response = await self._read(
                trade_type, partial(client.privateMixGetV2MixOrderPlanSubOrder, request)
            )
        else:
            # not among ccxt's implicit methods: a signed request through ccxt all the same
            response = await self._read(
                trade_type,
                partial(
                    client.request,
                    "v2/spot/trade/plan-sub-order",
                    ["private", "spot"],
                    "GET",
                    {"planOrderId": plan_id},
                ),
            )
        rows = response.get("data") if isinstance(response, Mapping) else None
        for row in rows or []:
            if isinstance(row, Mapping) and row.get("orderId"):
                return str(row["orderId"])
        return None

    def _normalize_order(
        self, raw: Mapping[str, Any], trade_type: TradeType, market: Market
    ) -> Mapping[str, Any]:
        info = raw.get("info")
        if raw.get("amount") is None and _is_plan(info):
            assert isinstance(info, Mapping)
            if str(info.get("planType", "")).upper() == "AMOUNT":
                # ccxt reads a spot market buy's size as its cost; a plan order's is base
                return {**raw, "amount": info.get("size")}
        return raw


def _ids_only(raw: object) -> bool:
    """Whether ccxt's order is Bitget's answer to a new order: ``{orderId, clientOid}``."""
    if not isinstance(raw, Mapping) or raw.get("id") is None or raw.get("status") is not None:
        return False
    info = raw.get("info")
    return isinstance(info, Mapping) and set(info) <= {"orderId", "clientOid"}


def _is_plan(info: object) -> bool:
    """Whether a ccxt order's raw payload is a Bitget plan (trigger) order."""
    return isinstance(info, Mapping) and "planType" in info and "triggerPrice" in info
