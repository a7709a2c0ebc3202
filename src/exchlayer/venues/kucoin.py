"""KuCoin: spot (ccxt ``kucoin``) and USDT-margined perpetual futures (ccxt ``kucoinfutures``).

Quirks absorbed here, so that user code is the same as for any other venue:

- Two ccxt classes, two hosts (``api.kucoin.com`` spot, ``api-futures.kucoin.com`` futures), two
  wallets: ``get_balance(trade_type=FUTURES)`` reads the futures account (USDT).
- API keys come with a passphrase: a connector given a key and secret but no passphrase is refused
  at construction (``ConfigurationError``), before any request.
- KuCoin has no testnet or sandbox (ccxt's ``set_sandbox_mode`` raises ``TypeError``):
  ``is_testnet=True`` raises ``NotSupported`` at construction.
- Market loading is narrowed: the classic (not unified) account is assumed (``options.uta``) and
  spot orders use the high-frequency endpoints (``options.hf``; KuCoin moved every account to
  them), which saves the ``account/mode`` and ``hf/accounts/opened`` calls; the spot client loads
  spot symbols only and skips the all-tickers fee download, the futures client contracts only.
- Futures symbols: KuCoin names BTC ``XBT`` (``XBTUSDTM``); ccxt maps it to ``BTC/USDT:USDT``.
  Futures sizes are whole lots of a contract multiplier (0.001 BTC for ``XBTUSDTM``); exchlayer
  amounts stay in base currency and are converted both ways (orders, trades, positions, books and
  the ticker's best bid/ask sizes). Lots travel as an ``int`` because ccxt's kucoin compares the
  amount with ``1``.
- Futures orders carry a ``leverage`` and a margin mode. exchlayer trades cross margin and sends
  the symbol's cross leverage: the one set with `set_leverage`, else the venue's current
  setting, read once per symbol (``getCrossUserLeverage``) and remembered.
- Futures have no fill-or-kill (``NotSupported`` before anything is sent); spot has GTC, IOC, FOK
  and post-only.
- Spot orders go to "Add Order Sync" (``/api/v1/hf/orders/sync``, ccxt's ``sync`` param),
  answered after matching with the order's sizes and status: one that rests or ends unfilled
  needs nothing more (the `_acknowledgement` hook). Other placements answer with the order id
  only, and an
  order with fills lacks its prices and fees: the connector reads those back, so
  ``create_order`` returns the real status, fills and prices.
- Spot stop orders live apart (``/api/v1/stop-order``, ``vs…`` ids, no fills) and take a
  direction: exchlayer's stop buys are sent as ``stop=entry`` (trigger at or above the stop
  price) and stop sells as ``stop=loss``. Lookups, cancels and open-order lists cover both kinds.
  Once a stop order triggers, KuCoin places a new order (new id, same client order id) that
  carries the fills: ``get_order`` on the stop order's id follows it.
- Futures stop orders trigger on the last price (``stopPriceType=TP``), keep their id, and are
  listed apart (``/api/v1/stopOrders``) until they trigger.
- Client order ids (``clientOid``): at most 40 letters, digits, ``_`` and ``-`` (no ``.``).
  Listing open spot orders needs a symbol (HF endpoints); futures can list without one.
- Spot fees are charged in the quote currency.
- Rate limits: KuCoin meters resource pools per 30 s (VIP0): spot 4,000 per UID, futures,
  management and public 2,000 each (public per IP, shared by both hosts). ccxt's budget is the
  spot pool (``rateLimit`` 7.5 ms) and it doubles futures weights to fit, but charges spot
  public and account-management endpoints their plain weight, as if they drew from the 4,000
  pool: polling tickers through ccxt spends the public pool twice as fast as ccxt believes, and
  gets 429s. The adapter doubles those costs (``_POOL_COSTS``), and both ccxt classes draw from
  one budget (the profile's `rate_limit_group`), since their public calls share KuCoin's
  public pool.
  A 429 carries no ``Retry-After``; its ``gw-ratelimit-reset`` header (milliseconds until the
  pool refills) says how long to wait instead (`retry_after_headers`).
- Errors: KuCoin answers a cancel of a finished futures order with ``100004`` ("Order is in not
  cancelable state"), which ccxt raises as a bad request; exchlayer reads it as "not open" (so
  ``cancel_order`` returns ``False``). ``400006``/``400007`` (IP not allowed, key lacks the
  permission) are ``PermissionDenied`` rather than authentication failures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..connector.core import (
    CcxtExchange,
    CcxtOrder,
    ChildOrder,
    VenueProfile,
    as_sent,
    named_rows,
)
from ..connector.parsing import to_decimal
from ..errors import (
    ExchangeLayerError,
    ExchangeUnavailable,
    NotSupported,
    OrderNotFound,
    PermissionDenied,
    RequestTimeout,
)
from ..models import Capabilities, Market, OrderSide, OrderType, TimeInForce, TradeType
from ..validation import PreparedOrder

__all__ = ["KucoinExchange"]

_BOTH = frozenset({TradeType.SPOT, TradeType.FUTURES})
_FUTURES = frozenset({TradeType.FUTURES})

# ccxt kucoin's costs are in units of the spot pool (4,000 per 30 s); endpoints that draw from a
# 2,000 pool cost twice their weight. ccxt already doubles the futures ones; these it does not.
_HALF_POOL_PATHS = frozenset(
    {"accounts", "accounts/{accountId}", "hf/accounts/opened", "margin/symbols",
     "isolated/symbols"}
)


def _pool_costs(original: Any) -> Any:
    def calculate_rate_limiter_cost(self: Any, api: Any, method: Any, path: Any,
                                    *rest: Any) -> Any:
        cost = original(self, api, method, path, *rest)
        group = api[0] if isinstance(api, (list, tuple)) and api else api
        if group == "public" or (group == "private" and path in _HALF_POOL_PATHS):
            return cost * 2
        return cost

    return calculate_rate_limiter_cost


PROFILE = VenueProfile(
    name="kucoin",
    display_name="KuCoin",
    capabilities=Capabilities(
        trade_types=_BOTH,
        order_types=frozenset(OrderType),
        time_in_force=frozenset(TimeInForce),
        testnet=frozenset(),
        positions=True,
        leverage=True,
        client_order_ids=True,
        open_orders_without_symbol=_FUTURES,
        trades_without_symbol=_FUTURES,
    ),
    ccxt_ids=MappingProxyType({TradeType.SPOT: "kucoin", TradeType.FUTURES: "kucoinfutures"}),
    ccxt_options=MappingProxyType(
        {
            TradeType.SPOT: {
                "uta": False,
                "hf": True,
                "fetchMarkets": {"types": ["spot"], "fetchTickersFees": False},
            },
            TradeType.FUTURES: {
                "uta": False,
                "hf": True,
                "fetchMarkets": {"types": ["swap"], "fetchTickersFees": False},
            },
        }
    ),
    ccxt_patches=MappingProxyType({"calculate_rate_limiter_cost": _pool_costs}),
    requires_passphrase=True,
    # clientOid: letters, digits, '_' and '-', at most 40 characters
    client_order_id_max_length=40,
    client_order_id_chars=re.compile(r"[A-Za-z0-9_-]+"),
    # order ids are 24 hex digits; stop orders' start with "vs": letters and digits either way
    order_id_pattern=re.compile(r"[A-Za-z0-9]{1,40}"),
    order_book_depths=MappingProxyType({TradeType.SPOT: (20, 100), TradeType.FUTURES: (20, 100)}),
    # KC-API-TIMESTAMP must be within 5 s of KuCoin's clock: an order request older than that
    # is refused, so a lookup that does not find it afterwards is final
    request_window=5.0,
    # spot and futures public calls share one KuCoin pool: one budget for both classes
    rate_limit_group="kucoin+kucoinfutures",
    # a 429 carries no Retry-After; gw-ratelimit-reset is the milliseconds until the pool refills
    retry_after_headers=(("Retry-After", 1.0), ("gw-ratelimit-reset", 0.001)),
    trigger_order_params=MappingProxyType(
        {TradeType.SPOT: {"trigger": True}, TradeType.FUTURES: {"trigger": True}}
    ),
    # futures orders and spot stop orders are cancelled by their id alone
    cancel_ignores_symbol=_BOTH,
    position_keys=("symbol", "currentQty"),
    error_code=re.compile(r'"code"\s*:\s*"?(\d+)'),
    error_classes=MappingProxyType(
        {
            "100004": OrderNotFound,  # Order is in not cancelable state (finished)
            "400006": PermissionDenied,  # The IP address is not in the API whitelist
            "400007": PermissionDenied,  # Access Denied: the key lacks the permission
            # the venue failing, not refusing: reads retry them, a new order is looked up
            "408000": RequestTimeout,  # Network timeout, please try again later (ccxt: BadRequest)
            "126038": ExchangeUnavailable,  # Third-party service call failed (internal)
        }
    ),
    # history: the tape is only the latest 100 trades (no time range) on both; funding history
    # answers every settlement of the range asked
    recent_trades_only=_BOTH,
    trade_page={TradeType.SPOT: 100, TradeType.FUTURES: 100},
    funding_page={TradeType.FUTURES: 1000},
    json_checked=True,  # every answer is KuCoin's envelope, {"code": ..., "data": ...}
    # where each list endpoint's records sit under "data" (a paginated list's in "items")
    enveloped_lists=MappingProxyType(
        {
            "/api/v1/hf/orders/active": None,
            "/api/v1/hf/fills": "items",
            "/api/v1/stop-order": "items",
            "/api/v1/orders": "items",
            "/api/v1/stopOrders": "items",
            "/api/v1/fills": "items",
            "/api/v1/positions": None,
            "/api/v1/accounts": None,
            # market history: candles, the latest trades, funding rates
            "/api/v1/market/candles": None,
            "/api/v1/market/histories": None,
            "/api/v1/kline/query": None,
            "/api/v1/trade/history": None,
            "/api/v1/contract/funding-rates": None,
        }
    ),
)


class KucoinExchange(CcxtExchange):
    """KuCoin spot (HF account) and USDT-margined perpetual futures."""

    profile = PROFILE

    def _refine_error(self, exc: BaseException, message: str) -> type[ExchangeLayerError] | None:
        return ExchangeUnavailable if _is_unexplained(exc, message) else None

    async def _order_arguments(
        self, order: PreparedOrder, client_order_id: str, market: Market
    ) -> CcxtOrder:
        args = await super()._order_arguments(order, client_order_id, market)
        params = dict(args.params)
        if market.trade_type is TradeType.SPOT:
            if order.stop_price is not None:
                # KuCoin's default is "loss" (trigger at or below): say which way we mean
                params["stop"] = "entry" if order.side is OrderSide.BUY else "loss"
            else:
                # "Add Order Sync": answered after matching, with the order's status, so an
                # order that rests (or ends unfilled) needs no second request
                params["sync"] = True
            return args._replace(params=params)
        if order.time_in_force is TimeInForce.FOK:
            raise NotSupported("KuCoin futures orders have no fill-or-kill (FOK) time in force")
        if order.stop_price is not None:
            # trigger on the last trade price (ccxt's default is the mark price, "MP")
            params["stopPriceType"] = "TP"
        params["marginMode"] = "cross"
        leverage = await self._leverage(market.symbol)
        if leverage is not None:
            params["leverage"] = leverage
        # Whole lots (core checked the amount against the lot step). ccxt's kucoin compares the
        # amount with 1, which a string cannot do: the lot count travels as an int.
        lots = int(Decimal(args.amount))
        return args._replace(amount=lots, params=params)

    def _valid_answer(self, kind: str, raw: Any) -> bool:
        if kind == "order" and _is_ack(raw):
            return True  # an order placement answers {orderId, clientOid}: read back later
        if not super()._valid_answer(kind, raw):
            return False
        if kind == "balance":
            info = raw.get("info")
            data = info.get("data") if isinstance(info, Mapping) else None
            # spot: a list of accounts; futures: the one account overview
            return named_rows([data] if isinstance(data, Mapping) else data, "currency")
        if kind == "order_book":
            return raw.get("nonce") is not None  # the book's sequence
        return True

    def _acknowledgement(
        self, raw: Mapping[str, Any], order: PreparedOrder, args: CcxtOrder, cid: str
    ) -> Mapping[str, Any] | None:
        info = raw.get("info")
        if not (
            isinstance(info, Mapping)
            and info.get("status") in ("open", "done")
            and to_decimal(info.get("dealSize")) == 0
        ):
            return None  # an id-only answer, or one with fills: only a read gives prices, fees
        # the sync answer of an order that rests, or ended without a fill (IOC, post-only)
        return {
            **as_sent(raw, order.symbol, order.side, args, cid),
            "status": "open" if info["status"] == "open" else "canceled",
            "filled": "0",
            "cost": "0",
            # KuCoin's default for a limit order is GTC
            "timeInForce": args.params.get("timeInForce", "GTC" if args.price else None),
            "postOnly": args.params.get("postOnly"),
            "remaining": info.get("remainSize"),
            "timestamp": info.get("orderTime"),
        }

    async def _triggered_child(
        self, trade_type: TradeType, raw: Mapping[str, Any], symbol: str
    ) -> ChildOrder | None:
        # a spot stop order that triggered placed a new order with the same client order id
        info = raw.get("info")
        if (
            trade_type is not TradeType.SPOT
            or not isinstance(info, Mapping)
            or "stop" not in info
            or info.get("status") != "TRIGGERED"
        ):
            return None
        return ChildOrder(
            None, info_key="triggeredOrder", params={"clientOrderId": info.get("clientOid")},
            missing_is_unknown=True,
        )


def _is_ack(raw: Any) -> bool:
    """Whether ``raw`` (a ccxt order or its ``info``) is a bare placement acknowledgement."""
    info = raw.get("info", raw) if isinstance(raw, Mapping) else None
    return isinstance(info, Mapping) and "orderId" in info and "side" not in info


def _is_unexplained(exc: BaseException, message: str) -> bool:
    """Whether ``exc`` is ccxt's catch-all for a JSON answer without KuCoin's ``code``.

    ccxt's kucoin raises a plain ``ExchangeError`` for any answer whose code is not ``200000``,
    including answers that carry no code at all. KuCoin's own refusals always carry one, so
    such an answer is not a refusal: it is a garbled or foreign body (a proxy's, say), and the
    request may well have been processed.
    """
    if type(exc).__name__ != "ExchangeError" or not type(exc).__module__.startswith("ccxt"):
        return False
    _, _, body = message.partition(" ")
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    return not isinstance(answer, dict) or "code" not in answer
