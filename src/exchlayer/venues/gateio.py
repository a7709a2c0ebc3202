"""Gate.io: spot and USDT-settled perpetual futures, both through ccxt's ``gate`` class.

Quirks absorbed here:

- One ccxt class and one host (``api.gateio.ws/api/v4``) serve spot and futures; the futures
  wallet is separate (``get_balance(trade_type=FUTURES)`` reads it). Market loading is narrowed
  to spot and USDT-settled swaps (no BTC-settled swaps, delivery futures or options); ccxt still
  asks ``account/detail`` whether the key is a unified account, and reads ``spot/currencies``.
- ``is_testnet=True`` uses Gate's testnet (``api-testnet.gateapi.io``, ccxt's sandbox mode;
  keys from the testnet site), which serves spot and futures.
- Client order ids travel in Gate's ``text`` field, which must start with ``t-``. The adapter
  adds the prefix on the way out and strips it on the way back: ``"mybot-1"`` is sent as
  ``t-mybot-1`` and comes back as ``"mybot-1"`` (texts without the prefix, such as ``apiv4``,
  name the order's source and are not client ids). Gate allows 28 characters after the prefix;
  ccxt 4.5.90 counts the prefix, and sends trigger-order texts unprefixed, so the adapter adds
  the prefix itself and ids are at most 26 characters. Gate finds a spot order by its text only
  while it is open (a futures order up to 60 s after it finished, a trigger order never):
  lookups by client order id then search the symbol's open trigger orders and its finished
  orders. ccxt cannot cancel by client id; the ``t-...`` text goes where the order id goes,
  which Gate accepts.
- Spot market buys are sized in quote currency on Gate (ccxt's
  ``createMarketBuyOrderRequiresPrice``); exchlayer's amounts are in base currency. The adapter
  reads the best ask and sends ``cost = amount x ask`` rounded up to the price tick. Gate reports
  what it bought in ``filled_amount``, which becomes the order's ``amount`` and ``filled``: the
  amount asked for when the best ask holds it and does not move before the order arrives;
  otherwise a little more or less, and the spare quote (under one tick) stays in the account.
  Market-type spot trigger orders that buy are sized the same way, at the trigger price: when
  the market gaps past the trigger they buy ``cost / fill price``, a little less than asked.
  Until one fires it reports the base amount its cost buys at the trigger price.
- Futures sizes are whole contracts (``quanto_multiplier`` base units each, signed on the wire);
  orders, fills, books and positions are converted from and to base currency. A cross-margin
  position says leverage ``"0"``: its leverage is its ``cross_leverage_limit``.
- Trigger (stop) orders are "price orders" with their own ids and endpoints
  (``spot/price_orders``, ``futures/usdt/price_orders``); lookups, cancels and open-order lists
  cover both kinds. Gate answers a new price order with ``{"id": N}`` only: the returned order
  is completed from the request. Once one fires, Gate places a new order that carries the fills
  (``fired_order_id`` / ``trade_id``): ``get_order`` on the trigger order's id follows it.
- Gate's REST tickers carry no time: tickers are stamped with the time the answer arrived.
  Orders that end without filling (``fok``, ``poc``, ``stp``, ...) are cancelled, as ccxt
  already says for ``ioc``; ccxt's fee list (GT, fee, rebate) becomes the one fee charged.
- Rate limits: 200 requests per 10 s per endpoint (public per IP, private per UID); ccxt's
  budget (``rateLimit`` 50 ms, one unit per call) is that rate. Bursts come out of the same
  10 s window, so the adapter allows a burst of 5 calls, not the default 50. Not modelled by
  ccxt: spot order placement's 10 per second per market (a tighter loop gets 429s).
- Errors: ``REQUEST_EXPIRED`` (Timestamp more than 60 s off), which ccxt raises as an
  authentication error, is ``ClockSkew``, so the connector resynchronises with Gate's clock;
  an order request is refused after 60 s, which bounds the wait before an order that cannot be
  found is known not to exist. Gate also takes an ``X-Gate-Exptime`` header (ms, on ``POST
  spot/orders`` and ``POST futures/{settle}/orders``; not on price orders): with
  ``ccxt_options={"recvWindow": ms}`` (the option Binance and BingX already read) the adapter
  sends it with every such order, set to Gate's clock plus ``ms``, and waits that long instead
  of 60 s. Gate does not document the label of an expired request; the simulator answers
  ``REQUEST_EXPIRED``, read as ``ClockSkew`` (the order was not placed; resync and send
  again). Cancelling an order that already finished answers
  ``ORDER_CLOSED``/``ORDER_CANCELLED``/``ORDER_FINISHED`` (ccxt: invalid order, or a generic
  error): there is no open order, so ``cancel_order`` returns False. ``TRADE_RESTRICTED`` (an
  account barred from trading) is ``PermissionDenied``, not insufficient funds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from functools import partial
from types import MappingProxyType
from typing import Any

from ..connector.core import (
    CcxtExchange,
    CcxtOrder,
    ChildOrder,
    VenueProfile,
    named_rows,
    plain,
    recv_window_ms,
)
from ..connector.parsing import to_decimal
from ..connector.streams import decimal_bid_asks, resync_on_garbage
from ..errors import ClockSkew, InvalidOrder, OrderNotFound, PermissionDenied
from ..models import (
    Capabilities,
    Market,
    OrderSide,
    OrderType,
    Position,
    TimeInForce,
    TradeType,
)
from ..validation import PreparedOrder

__all__ = ["GateioExchange"]

_BOTH = frozenset({TradeType.SPOT, TradeType.FUTURES})
_TEXT_PREFIX = "t-"
# Gate's ways for an order to end without filling that ccxt leaves unmapped (it maps "ioc").
_ENDED = frozenset(
    {"fok", "poc", "stp", "small", "depth_not_enough", "trader_not_enough",
     "reduce_only", "reduce_out", "position_closed", "liquidate_cancelled"}
)
# The order endpoints that honour X-Gate-Exptime (ccxt's implicit API paths, api[1] / path).
_EXPIRING = frozenset({("spot", "orders"), ("futures", "{settle}/orders")})
_OPTIONS: Mapping[str, Any] = MappingProxyType(
    {
        "fetchMarkets": {"types": ["spot", "swap"]},
        "swap": {"fetchMarkets": {"settlementCurrencies": ["usdt"]}},
    }
)
_SWAP = MappingProxyType({"type": "swap"})


def _expiring_sign(original: Any) -> Any:
    """ccxt's sign, plus `X-Gate-Exptime` (Gate's clock + recvWindow) on a new spot or futures
    order, when the caller set `recvWindow`."""

    def sign(self: Any, path: str, api: Any = (), method: str = "GET", params: Any = None,
             *rest: Any) -> Any:
        request = original(self, path, api, method, {} if params is None else params, *rest)
        expiry = recv_window_ms(self)
        if (
            expiry is not None
            and method == "POST"
            and isinstance(api, (list, tuple))
            and len(api) > 1
            and (api[1], path) in _EXPIRING
        ):
            headers = dict(request.get("headers") or {})
            headers["X-Gate-Exptime"] = str(int(self.nonce()) + expiry)
            request["headers"] = headers
        return request

    return sign


PROFILE = VenueProfile(
    name="gateio",
    display_name="Gate.io",
    capabilities=Capabilities(
        trade_types=_BOTH,
        order_types=frozenset(OrderType),
        time_in_force=frozenset(TimeInForce),
        testnet=_BOTH,
        positions=True,
        leverage=True,
        client_order_ids=True,
        open_orders_without_symbol=_BOTH,
        trades_without_symbol=_BOTH,
        streams=frozenset({"order_book"}),
    ),
    # ccxt.pro's Gate futures book levels are floats: kept as the frame's text; and its book
    # handler has no guard: a garbled frame resyncs the books
    ccxt_pro_patches=MappingProxyType(
        {"handle_bid_asks": decimal_bid_asks, "handle_order_book": resync_on_garbage}
    ),
    ccxt_ids=MappingProxyType({TradeType.SPOT: "gate", TradeType.FUTURES: "gate"}),
    ccxt_options=MappingProxyType({TradeType.SPOT: _OPTIONS, TradeType.FUTURES: _OPTIONS}),
    ccxt_patches=MappingProxyType({"sign": _expiring_sign}),
    testnet_modes=MappingProxyType({TradeType.SPOT: "sandbox", TradeType.FUTURES: "sandbox"}),
    # text: "t-" + up to 28 of [0-9A-Za-z_.-]; ccxt 4.5.90 counts the "t-" in its 28
    client_order_id_max_length=26,
    # order and price-order ids are decimal numbers
    order_id_pattern=re.compile(r"[0-9]{1,20}"),
    # Gate refuses a request whose Timestamp is more than 60 s from its clock (REQUEST_EXPIRED)
    request_window=60.0,
    # Gate's API v4 rate limits: spot order placement 10 requests a second, futures 100
    order_rate_limits=MappingProxyType(
        {TradeType.SPOT: ((10, 1.0),), TradeType.FUTURES: ((100, 1.0),)}
    ),
    # Gate meters each endpoint per 10 s (200 requests): ccxt's budget is that rate, so a burst
    # is spent from the same window; 0.95 x 200 + 5 stays under it (the default 50 would not)
    rate_limit_burst=5.0,
    trigger_order_params=MappingProxyType(
        {TradeType.SPOT: {"trigger": True}, TradeType.FUTURES: {"trigger": True}}
    ),
    # futures orders and every price order are cancelled by their id alone
    cancel_ignores_symbol=_BOTH,
    # ccxt picks the spot endpoints unless told otherwise when no market says "swap"
    call_params=MappingProxyType(
        {("fetch_balance", TradeType.FUTURES): _SWAP,
         ("fetch_open_orders", TradeType.FUTURES): _SWAP}
    ),
    position_keys=("contract", "size"),
    error_code=re.compile(r'"label"\s*:\s*"([A-Z_a-z]+)"'),
    error_classes=MappingProxyType(
        {
            "REQUEST_EXPIRED": ClockSkew,  # Timestamp more than 60 s from Gate's clock
            "ORDER_CLOSED": OrderNotFound,  # cancel: the order already filled
            "ORDER_CANCELLED": OrderNotFound,  # cancel: the order was already cancelled
            "ORDER_FINISHED": OrderNotFound,  # cancel (futures): the order already finished
            "TRADE_RESTRICTED": PermissionDenied,  # ccxt says InsufficientFunds
        }
    ),
    # history: 1,000 trades and 1,000 funding rates a request
    # candles: only the latest 10,000 of each timeframe ("Candlestick too long ago")
    ohlcv_reach={TradeType.SPOT: 10_000, TradeType.FUTURES: 10_000},
    trade_page={TradeType.SPOT: 1000, TradeType.FUTURES: 1000},
    funding_page={TradeType.FUTURES: 1000},
    json_checked=True,
    # the endpoints whose GET answers a JSON list; every other request answers an object
    json_lists=re.compile(
        r"/api/v4/(spot/(currencies|currency_pairs|tickers|accounts|open_orders|orders|"
        r"my_trades|price_orders|candlesticks|trades)|margin/currency_pairs|options/underlyings|"
        r"delivery/\w+/contracts|futures/\w+/(contracts|tickers|orders|my_trades|"
        r"my_trades_timerange|price_orders|positions|candlesticks|trades|funding_rate))$"
    ),
    ticker_has_time=False,  # Gate's REST tickers carry no time
)


class GateioExchange(CcxtExchange):
    """Gate.io spot and USDT-settled perpetual futures."""

    def _history_params(
        self, call: str, trade_type: TradeType, since_ms: int, until_ms: int
    ) -> dict[str, Any]:
        params = super()._history_params(call, trade_type, since_ms, until_ms)
        if call == "fetch_trades" and trade_type is TradeType.SPOT:
            # ccxt sends `from` for futures only: its spot `since` filters the latest page
            params["from"] = since_ms // 1000
        return params

    profile = PROFILE

    def _order_window(self, trade_type: TradeType, order: PreparedOrder) -> float | None:
        expiry = recv_window_ms(self._client(trade_type))
        if expiry is None or order.stop_price is not None:
            # Timestamp more than 60 s old: refused (price orders take no X-Gate-Exptime)
            return self.profile.request_window
        return expiry / 1000

    # --- answers -------------------------------------------------------------------------
    def _valid_answer(self, kind: str, raw: Any) -> bool:
        if kind == "order" and _id_only(raw):
            return True  # Gate's whole answer to a new price (trigger) order: {"id": N}
        if not super()._valid_answer(kind, raw):
            return False
        info = raw.get("info") if isinstance(raw, Mapping) else None
        if kind == "balance":
            # spot answers a list of accounts; ccxt wraps the futures account in one
            return named_rows(info, "currency")
        if kind == "order_book":
            return raw.get("nonce") is not None  # the book id asked for with with_id=true
        return True

    # --- client order ids: the "t-" text ----------------------------------------------------
    def _encode_client_order_id(self, client_order_id: str) -> str:
        return _TEXT_PREFIX + client_order_id

    def _decode_client_order_id(self, wire: str) -> str | None:
        # texts without the prefix (apiv4, api, web) name where an order came from
        return wire[2:] if wire.startswith(_TEXT_PREFIX) and len(wire) > 2 else None

    # --- placing orders -----------------------------------------------------------------
    async def _order_arguments(
        self, order: PreparedOrder, client_order_id: str, market: Market
    ) -> CcxtOrder:
        args = await super()._order_arguments(order, client_order_id, market)
        if market.trade_type is not TradeType.SPOT:
            return args
        params = dict(args.params)
        if order.order_type is OrderType.MARKET and order.side is OrderSide.BUY:
            ask = await self._best_ask(market)
            params["cost"] = plain(_ceil(order.amount * ask, _tick(market)))
            return args._replace(params=params)
        if order.order_type is OrderType.STOP:
            # Gate's price order needs a price even for a market order (it ignores it)
            assert order.stop_price is not None
            amount = args.amount
            if order.side is OrderSide.BUY:
                # sized in quote like any market buy; ccxt rounds put.amount to the amount step
                quantum = max(_tick(market), market.amount_step or _tick(market))
                amount = plain(_ceil(order.amount * order.stop_price, quantum))
            return CcxtOrder(args.type, amount, plain(order.stop_price), params)
        return args

    async def _best_ask(self, market: Market) -> Decimal:
        client = self._client(TradeType.SPOT)
        book = await self._read(
            TradeType.SPOT, partial(client.fetch_order_book, market.symbol, 1), kind="order_book"
        )
        asks = book.get("asks") or []
        if not asks:
            raise InvalidOrder(
                f"{market.symbol} has no asks: a market buy cannot be sized (Gate takes its "
                "cost in quote currency)"
            )
        return Decimal(asks[0][0])

    # --- finding orders -------------------------------------------------------------------
    def _order_lookup(
        self, call: str, order_id: str | None, client_order_id: str | None
    ) -> tuple[str | None, dict[str, Any]]:
        if client_order_id is not None and call == "cancel_order":
            # Gate takes the text in place of the id; ccxt has no other way
            return self._encode_client_order_id(client_order_id), {}
        return super()._order_lookup(call, order_id, client_order_id)

    async def _find_order(
        self, trade_type: TradeType, order_id: str | None, symbol: str, params: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        """Gate finds a spot order by its text only while it is open, a price order never:
        look among the symbol's open trigger orders and its finished orders."""
        text = params.get("clientOrderId")
        if order_id is not None or not isinstance(text, str):
            return None
        client = self._client(trade_type)
        searches: tuple[tuple[Any, dict[str, Any]], ...] = (
            (client.fetch_open_orders, {"trigger": True}),
            (client.fetch_closed_orders, {}),
            (client.fetch_closed_orders, {"trigger": True}),
        )
        for fetch, extra in searches:
            raws = await self._read(
                trade_type, partial(fetch, symbol, None, None, extra), kind="orders"
            )
            for raw in raws:
                if raw.get("clientOrderId") == text:
                    return raw  # type: ignore[no-any-return]
        return None

    async def _triggered_child(
        self, trade_type: TradeType, raw: Mapping[str, Any], symbol: str
    ) -> ChildOrder | None:
        info = raw.get("info")
        if not isinstance(info, Mapping) or "trigger" not in info:
            return None
        fired = info.get("fired_order_id") if trade_type is TradeType.SPOT else info.get("trade_id")
        if not fired or str(fired) == "0":
            return None
        return ChildOrder(str(fired), info_key="fired_order")

    # --- reading orders and positions -------------------------------------------------------
    def _normalize_order(
        self, raw: Mapping[str, Any], trade_type: TradeType, market: Market
    ) -> Mapping[str, Any]:
        return _gate_order(raw, trade_type, market)

    def _normalize_position(self, position: Position) -> Position:
        # Gate writes leverage "0" for a cross-margin position; its leverage is the cross limit
        raw = position.raw if isinstance(position.raw, Mapping) else {}
        limit = to_decimal(raw.get("cross_leverage_limit"))
        if position.leverage == 0 and limit:
            return position.model_copy(update={"leverage": limit})
        return position


def _id_only(raw: Any) -> bool:
    """Whether `raw` is ccxt's parse of Gate's `{"id": N}` (a new price order)."""
    info = raw.get("info") if isinstance(raw, Mapping) else None
    return isinstance(info, Mapping) and set(info) == {"id"} and raw.get("id") is not None


def _gate_order(raw: Mapping[str, Any], trade_type: TradeType, market: Market) -> dict[str, Any]:
    """ccxt's order with Gate's own fields put back where ccxt guesses."""
    fixed = dict(raw)
    if raw.get("status") in _ENDED:
        fixed["status"] = "canceled"
    info = raw.get("info")
    info = info if isinstance(info, Mapping) else {}
    put = info.get("put")
    put = put if isinstance(put, Mapping) else {}
    fired = info.get("fired_order")
    detail: Mapping[str, Any] = fired if isinstance(fired, Mapping) else info
    if raw.get("type") == "market" and (
        (put and not isinstance(fired, Mapping)) or to_decimal(raw.get("price")) == 0
    ):
        fixed["price"] = None  # Gate writes "0", or the trigger price, for market orders
    if trade_type is TradeType.SPOT:
        if (
            detail.get("type") == "market"
            and detail.get("side") == "buy"
            and "filled_amount" in detail
        ):
            # ccxt divides the cost by the average price; Gate says what it bought
            filled = to_decimal(detail.get("filled_amount")) or Decimal(0)
            open_ = fixed.get("status") == "open"
            fixed["filled"] = str(filled)
            fixed["amount"] = None if open_ else str(filled)
            fixed["remaining"] = None if open_ else "0"
            fixed["cost"] = detail.get("filled_total")
            fixed["average"] = detail.get("avg_deal_price") if filled else None
        elif fired is None and put.get("type") == "market" and put.get("side") == "buy":
            # a trigger order that has not bought yet: its amount is a cost in quote
            # currency; the base amount it buys at the trigger price, to the amount step
            trigger = info.get("trigger")
            stop = to_decimal(trigger.get("price")) if isinstance(trigger, Mapping) else None
            cost = to_decimal(put.get("amount"))
            step = market.amount_step or Decimal("0.00000001")
            if stop and cost is not None:
                amount = (cost / stop / step).to_integral_value(ROUND_DOWN) * step
                fixed["amount"] = str(amount)
                fixed["remaining"] = str(amount)
        fees = raw.get("fees")
        if fixed.get("fee") is None and detail.get("fee") is not None and isinstance(fees, list):
            # ccxt lists the GT fee, the fee and the rebate, in that order, and then gives up
            # on a single fee: the fee is the one charged in fee_currency
            main = 1 if detail.get("gt_fee") is not None else 0
            if len(fees) > main:
                fixed["fee"] = fees[main]
    if (to_decimal(fixed.get("filled")) or 0) == 0 and to_decimal(fixed.get("average")) == 0:
        fixed["average"] = None
    return fixed


def _tick(market: Market) -> Decimal:
    return market.price_tick or Decimal("0.00000001")


def _ceil(value: Decimal, quantum: Decimal) -> Decimal:
    return (value / quantum).to_integral_value(ROUND_CEILING) * quantum
