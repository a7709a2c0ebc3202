"""Binance: spot (ccxt ``binance``) and USDT-margined perpetual futures (ccxt ``binanceusdm``).

Quirks absorbed here:

- Two ccxt classes, two hosts (``api.binance.com`` spot, ``fapi.binance.com`` futures), two
  wallets: ``get_balance(trade_type=FUTURES)`` reads the futures wallet.
- Market loading is narrowed to what exchlayer trades (spot, linear), skipping the currencies,
  margin-pair and coin-margined endpoints ccxt would otherwise call with keys.
- ``is_testnet=True`` uses Binance Demo Trading (``demo-api.binance.com`` and
  ``demo-fapi.binance.com``; keys from demo.binance.com), which serves spot and futures with one
  key. The older futures testnet no longer takes private calls through ccxt.
- ccxt raises ``-1022`` (bad signature) and ``-1021`` (timestamp outside recvWindow) as
  ``BadRequest`` on spot URLs; they are authentication and clock errors.
- Futures stop orders are "algo orders" with their own ids and endpoints (``fapi/v1/algoOrder``);
  lookups, cancels and open-order lists cover both kinds. Once one triggers, Binance places a
  new order (``actualOrderId``) that carries the fills: ``get_order`` on the stop order's id
  follows it, so the caller sees the stop order filled, not "finished with nothing filled".
- ``recvWindow`` is 5 s (ccxt would send 10 s): a signed request older than that is refused,
  which bounds how long an order of uncertain fate can still appear (see ``create_order``).
- Futures books come in fixed depths (5, 10, 20, 50, 100, 500, 1000).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..connector.core import CcxtExchange, ChildOrder, VenueProfile, named_rows, recv_window_ms
from ..connector.streams import decimal_delta
from ..errors import AuthenticationError, ClockSkew, ExchangeUnavailable
from ..models import Capabilities, OrderType, TimeInForce, TradeType
from ..validation import PreparedOrder

__all__ = ["BinanceExchange"]

_BOTH = frozenset({TradeType.SPOT, TradeType.FUTURES})
_POSITION_RISK = re.compile(r"/fapi/v[23]/positionRisk$")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_MARKET_OPTIONS = {"fetchMargins": False, "fetchCurrencies": False, "recvWindow": 5000}

PROFILE = VenueProfile(
    name="binance",
    display_name="Binance",
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
        streams=frozenset({"ticker", "order_book"}),
    ),
    ccxt_ids=MappingProxyType({TradeType.SPOT: "binance", TradeType.FUTURES: "binanceusdm"}),
    # ccxt.pro's Binance book stores each delta's levels as floats: kept as the frame's text
    ccxt_pro_patches=MappingProxyType({"handle_delta": lambda original: decimal_delta}),
    # the full 24-hour ticker stream (ccxt.pro's default, miniTicker, has no bid or ask)
    call_params=MappingProxyType({("watch_ticker", None): MappingProxyType({"name": "ticker"})}),
    ccxt_options=MappingProxyType(
        {
            TradeType.SPOT: {"fetchMarkets": {"types": ["spot"]}, **_MARKET_OPTIONS},
            TradeType.FUTURES: {"fetchMarkets": {"types": ["linear"]}, **_MARKET_OPTIONS},
        }
    ),
    testnet_modes=MappingProxyType({TradeType.SPOT: "demo", TradeType.FUTURES: "demo"}),
    # newClientOrderId: ^[.A-Z:/a-z0-9_-]{1,36}$
    client_order_id_max_length=36,
    # order ids (regular and algo/trigger ones alike) are decimal numbers (int64)
    order_id_pattern=re.compile(r"[0-9]{1,20}"),
    order_book_depths=MappingProxyType({TradeType.FUTURES: (5, 10, 20, 50, 100, 500, 1000)}),
    # exchangeInfo's rateLimits, "ORDERS": spot 100 per 10 s (and 200,000 a day, not held
    # here); USD-M futures 300 per 10 s and 1,200 a minute
    order_rate_limits=MappingProxyType(
        {TradeType.SPOT: ((100, 10.0),), TradeType.FUTURES: ((300, 10.0), (1200, 60.0))}
    ),
    trigger_order_params=MappingProxyType({TradeType.FUTURES: {"trigger": True}}),
    # futures algo (stop) orders are cancelled by their algoId alone
    cancel_ignores_symbol=frozenset({TradeType.FUTURES}),
    position_keys=("symbol", "positionAmt"),
    error_code=re.compile(r'"code"\s*:\s*(-?\d+)'),
    error_classes=MappingProxyType(
        {
            "-1022": AuthenticationError,  # Signature for this request is not valid.
            "-2014": AuthenticationError,  # API-key format invalid.
            "-2015": AuthenticationError,  # Invalid API-key, IP, or permissions for action.
            "-1021": ClockSkew,  # Timestamp for this request is outside of the recvWindow.
            # busy or overloaded (ccxt: OperationRejected, or nothing): the venue failed, not
            # refused; reads retry them, and a new order answered so is looked up. -1000,
            # -1001, -1006 and -1007 ("execution status unknown") are ccxt's OperationFailed
            # and RequestTimeout already.
            "-1004": ExchangeUnavailable,  # SERVER_BUSY: Server is busy, please wait
            "-1008": ExchangeUnavailable,  # SERVER_BUSY: Server is currently overloaded
        }
    ),
    # aggTrades: 1,000 a request; USD-M's window one hour at most (spot's any width)
    ohlcv_page={TradeType.FUTURES: 1000},  # ccxt's features say 500; same weight (5) as 1,000
    trade_page={TradeType.SPOT: 1000, TradeType.FUTURES: 1000},
    trade_window_ms={TradeType.SPOT: 24 * 3_600_000, TradeType.FUTURES: 3_600_000},
    funding_page={TradeType.FUTURES: 1000},
    json_checked=True,
    # the endpoints that answer a JSON list; every other one answers an object
    json_lists=re.compile(
        r"/(api/v3/(openOrders|myTrades|allOrders|klines|aggTrades|trades|historicalTrades)|"
        r"fapi/v1/(openOrders|userTrades|allOrders|leverageBracket|openAlgoOrders|klines|"
        r"aggTrades|trades|fundingRate)|fapi/v[23]/positionRisk|sapi/v1/capital/config/getall|"
        r"sapi/v1/margin/(allPairs|isolated/allPairs))$"
    ),
)


class BinanceExchange(CcxtExchange):
    """Binance spot and USDT-M perpetual futures."""

    profile = PROFILE

    def _answer_holds(self, method: str, url: str, answer: Any) -> bool:
        if _POSITION_RISK.search(url):
            # ccxt skips, without a word, every position whose entry price is not above zero:
            # a nulled or negated answer would read as "no positions"
            return isinstance(answer, list) and all(_position_risk(row) for row in answer)
        return True

    def _valid_answer(self, kind: str, raw: Any) -> bool:
        if not super()._valid_answer(kind, raw):
            return False
        info = raw.get("info") if isinstance(raw, Mapping) else None
        if kind == "balance":
            # spot answers {"balances": [...]}, futures {"assets": [...]}
            return isinstance(info, Mapping) and named_rows(
                info.get("balances", info.get("assets")), "asset"
            )
        if kind == "order_book":
            return raw.get("nonce") is not None  # lastUpdateId: absent from anything else
        return True

    def _order_window(self, trade_type: TradeType, order: PreparedOrder) -> float | None:
        # Binance refuses a signed request older than its recvWindow (ms), which ccxt sends
        # with every private call
        window = recv_window_ms(self._client(trade_type))
        return (window if window is not None else 5000) / 1000.0

    async def _triggered_child(
        self, trade_type: TradeType, raw: Mapping[str, Any], symbol: str
    ) -> ChildOrder | None:
        info = raw.get("info")
        child_id = info.get("actualOrderId") if isinstance(info, Mapping) else None
        if trade_type is not TradeType.FUTURES or not child_id:
            return None
        return ChildOrder(str(child_id), info_key="actualOrder")


def _position_risk(row: Any) -> bool:
    """Whether `row` is one of Binance's positionRisk records: a market id, a signed size, an
    entry price of zero or more."""
    if not isinstance(row, Mapping):
        return False
    symbol, amount, entry = row.get("symbol"), row.get("positionAmt"), row.get("entryPrice")
    return (
        isinstance(symbol, str) and bool(symbol)
        and isinstance(amount, str) and bool(_NUMBER.fullmatch(amount))
        and isinstance(entry, str) and bool(_NUMBER.fullmatch(entry)) and entry[0] != "-"
    )
