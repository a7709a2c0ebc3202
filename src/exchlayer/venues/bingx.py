"""BingX: spot and USDT-margined perpetual swaps, both through ccxt's one ``bingx`` class.

Quirks absorbed here:

- One ccxt class and one host (``open-api.bingx.com``) serve both trade types; the futures
  wallet is a separate account: ``get_balance(trade_type=FUTURES)`` reads it (ccxt needs
  ``type=swap`` there, and for open orders without a symbol).
- Market loading cannot be narrowed by ccxt options (ccxt always asks for spot, USDT-M and
  coin-M contracts); the private currency list (``wallets/v1/capital/config/getall``) is skipped,
  so loading markets needs no key permission and makes no private call.
- ``is_testnet=True`` uses BingX's VST environment (``open-api-vst.bingx.com``, virtual USDT),
  which has perpetual swaps only. A testnet connector trades futures; spot calls raise
  ``NotSupported`` before anything is sent, so nothing ever reaches the live host; its symbol
  lists and exchange info cover futures. Create testnet connectors with
  ``default_trade_type="futures"`` (with the spot default, ``test_connection`` and
  ``get_balance()`` ask about spot and are refused too).
- Orders are one-way mode: ccxt sends ``positionSide=BOTH`` and ``reduceOnly``; leverage is set
  with ``side=BOTH``. ccxt leaves BingX's maximum leverage out of its markets: it is read from
  the contract list (``maxLongLeverage``/``maxShortLeverage``), so an out-of-range leverage is
  refused before any request.
- BingX answers a new swap order with its id and type only: the order is read back once, so the
  caller gets its status, fills and average price like on any other venue.
- Spot stop (trigger-market) buys: ccxt insists on a quote-currency amount, while BingX takes a
  base ``quantity``; the order is sent as ``TRIGGER_MARKET`` with the quantity, so amounts stay
  in base currency as everywhere in exchlayer.
- Client order ids: spot ``newClientOrderId`` allows letters, digits and ``_`` only (1-40); swap
  ``clientOrderID`` is lower-cased by BingX. exchlayer ids (letters, digits, ``.``, ``_``, ``-``)
  are stored escaped so that both survive exactly: ``_`` becomes ``__``, ``-`` ``_0``, ``.``
  ``_1`` and a capital ``X`` ``_x`` (generated ids need no escaping); ids read back are
  unescaped. The escaped id must fit BingX's 40 characters.
- Errors BingX reports with a coarse or misleading code, refined from the message:
  ``100421`` "timestamp mismatch" (ccxt: BadSymbol) is a clock error; the spot and swap
  "order not exist" answers (``100400``, ``100421``, ``109414``, ``80018``; ccxt: BadRequest,
  BadSymbol, ExchangeError) are ``OrderNotFound``; reduce-only, post-only, price-band and size
  refusals (``101290``, ``101215``, ``101211``, ``100440``, ``101419``, ``101209``) are
  ``InvalidOrder``; "system busy" answers (``80012``, which ccxt maps to InsufficientFunds,
  ``100410``, ``100500``, ``100503``, ``109500``, ``110500``) are ``ExchangeUnavailable``.
- ccxt's bingx signs with the raw local clock, ignoring the offset a clock resync measures; the
  offset is applied, so a refused timestamp (``100421``) is recovered by one resync.
- BingX's swap fills carry no trade id; each gets a stable one made of its order id, its fill
  time and (for fills alike in both) its place in the answer.
- Every BingX answer carries a numeric ``code``; a JSON answer without one (a proxy's, or
  garbled) is refused as ``ExchangeUnavailable`` instead of reading as "no balances".
- BingX refuses a signed request older than its ``recvWindow`` (5 s unless sent), which bounds
  how long an order of uncertain fate can still appear. ccxt sends none with orders; the adapter
  sends ccxt's ``recvWindow`` option (5000 ms unless ``ccxt_options={"recvWindow": ms}``) with
  every order, so a shorter window shortens the wait before an order that cannot be found is
  known not to exist.
- Rate limits: market data 500 per 10 s and 1,000 per minute per IP, account endpoints 2,000 per
  10 s per IP, and each trading endpoint its own per-UID per-second limit (spot orders 5/s,
  queries 10/s, swap orders 10/s, ...); over any, BingX restricts the client for 5 minutes.
  ccxt's costs (10 units/s; 2 per order) fit those; its default burst would not, so the adapter
  spends the budget evenly (burst 1 unit).
- Swap books come in fixed depths (5, 10, 20, 50, 100, 500, 1000).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..connector import parsing
from ..connector.core import (
    CcxtExchange,
    CcxtOrder,
    VenueProfile,
    named_rows,
    plain,
    recv_window_ms,
)
from ..connector.streams import resync_on_garbage
from ..errors import (
    AuthenticationError,
    BadSymbol,
    ClockSkew,
    ExchangeLayerError,
    ExchangeUnavailable,
    InsufficientFunds,
    InvalidOrder,
    OrderNotFound,
)
from ..models import Capabilities, Market, OrderSide, OrderType, TimeInForce, TradeType
from ..validation import PreparedOrder

__all__ = ["BingXExchange", "decode_client_order_id", "encode_client_order_id"]

_BOTH = frozenset({TradeType.SPOT, TradeType.FUTURES})
_WIRE_MAX = 40
_DEFAULT_WINDOW_MS = 5000
_CODE = re.compile(r'"code"\s*:\s*"?(-?\d+)')
_ORDER_GONE = re.compile(
    r"order (?:does not|doesn't|not) exist|not a valid order id", re.IGNORECASE
)
_UNKNOWN_SYMBOL = re.compile(r"(?:symbol|contract) not exist", re.IGNORECASE)
_INVALID_ORDER_CODES = frozenset({"101290", "101215", "101211", "100440", "101419", "101209"})
_BUSY_CODES = frozenset({"80012", "100410", "100500", "100503", "109500", "110500"})
_AUTH_CODES = frozenset({"100001", "100412", "100413"})
_ESCAPES = {"_": "__", "-": "_0", ".": "_1"}
_STORED_AS_IS = re.compile(r"[a-z0-9]*")
_UNESCAPES = {"_": "_", "0": "-", "1": "."}
_SWAP = MappingProxyType({"type": "swap"})


def encode_client_order_id(client_order_id: str) -> str:
    """The form of an exchlayer client order id that BingX stores unchanged (``[a-z0-9_]``)."""
    if _STORED_AS_IS.fullmatch(client_order_id):
        return client_order_id  # the ids exchlayer generates: lowercase hex
    out = []
    for char in client_order_id:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif "A" <= char <= "Z":
            out.append("_" + char.lower())
        else:
            out.append(char)
    return "".join(out)


def decode_client_order_id(wire: str) -> str:
    """The exchlayer id behind a BingX client order id; one exchlayer did not escape comes back
    as it is."""
    if "_" not in wire:
        return wire
    out = []
    chars = iter(wire)
    for char in chars:
        if char != "_":
            out.append(char)
            continue
        nxt = next(chars, "")
        if nxt in _UNESCAPES:
            out.append(_UNESCAPES[nxt])
        elif "a" <= nxt <= "z":
            out.append(nxt.upper())
        else:
            return wire  # not an escaped id: someone else's
    return "".join(out)


def _adjusted_nonce(original: Any) -> Any:
    """ccxt's bingx signs `timestamp` with the raw local clock; honour the offset a clock
    resync measured (`options["timeDifference"]`), as ccxt's other venues do."""

    def nonce(self: Any) -> int:
        offset = self.options.get("timeDifference", 0) or 0
        return int(self.milliseconds() - offset)

    return nonce


def _coded_answers(original: Any) -> Any:
    """ccxt's bingx error check, plus: every BingX answer carries a numeric `code`. A JSON
    answer without one is not BingX's (a proxy's, or garbled), and ccxt would parse it into
    empty results (no balances, no orders) instead of failing."""

    def handle_errors(self: Any, *args: Any) -> Any:
        # ccxt calls handle_errors(code, reason, url, method, headers, body, response, ...)
        http_code, body, response = args[0], args[5], args[6]
        if 200 <= http_code < 300 and response is not None and not (
            isinstance(response, Mapping) and "code" in response
        ):
            from ccxt.base.errors import BadResponse

            raise BadResponse(f"bingx answered without a code: {str(body)[:200]}")
        return original(self, *args)

    return handle_errors


def _fill_ids(original: Any) -> Any:
    """ccxt's parse_trades, after giving BingX's swap fills (which have no id) a stable one:
    the order id, the fill time and, for fills alike in both, their place in the answer."""

    def parse_trades(self: Any, trades: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(trades, list):
            seen: dict[tuple[str, str], int] = {}
            for fill in trades:
                if not isinstance(fill, dict) or any(
                    k in fill for k in ("id", "fillId", "tradeId")
                ):
                    continue
                order_id = fill.get("orderId")
                stamp = fill.get("filledTime") or fill.get("filledTm")
                if order_id is None or stamp is None:
                    continue
                key = (str(order_id), "".join(ch for ch in str(stamp) if ch.isdigit()))
                n = seen[key] = seen.get(key, -1) + 1
                fill["fillId"] = f"{key[0]}-{key[1]}-{n}"
        return original(self, trades, *args, **kwargs)

    return parse_trades


PROFILE = VenueProfile(
    name="bingx",
    display_name="BingX",
    capabilities=Capabilities(
        trade_types=_BOTH,
        order_types=frozenset(OrderType),
        time_in_force=frozenset(TimeInForce),
        testnet=frozenset({TradeType.FUTURES}),
        positions=True,
        leverage=True,
        client_order_ids=True,
        open_orders_without_symbol=_BOTH,
        trades_without_symbol=frozenset(),
        streams=frozenset({"order_book"}),
    ),
    # ccxt.pro's BingX book handler has no guard: a garbled frame resyncs the books
    ccxt_pro_patches=MappingProxyType({"handle_order_book": resync_on_garbage}),
    ccxt_ids=MappingProxyType({TradeType.SPOT: "bingx", TradeType.FUTURES: "bingx"}),
    # the currency list is a private call that markets do not need
    ccxt_config=MappingProxyType({"has": {"fetchCurrencies": False}}),
    ccxt_patches=MappingProxyType(
        {"nonce": _adjusted_nonce, "handle_errors": _coded_answers, "parse_trades": _fill_ids}
    ),
    # VST, BingX's testnet, has perpetual futures only
    testnet_modes=MappingProxyType({TradeType.FUTURES: "sandbox"}),
    testnet_name="testnet (VST)",
    client_order_id_max_length=_WIRE_MAX,
    client_order_id_wire_max=_WIRE_MAX,  # as escaped for BingX (encode_client_order_id)
    # order ids are decimal numbers (int64)
    order_id_pattern=re.compile(r"[0-9]{1,20}"),
    order_book_depths=MappingProxyType({TradeType.FUTURES: (5, 10, 20, 50, 100, 500, 1000)}),
    # BingX refuses a signed request older than recvWindow, 5 s unless sent (ccxt sends none;
    # the adapter sends ccxt's recvWindow option with orders, see _order_window)
    request_window=_DEFAULT_WINDOW_MS / 1000,
    # per UID: spot "place order" 5 requests a second, perpetual swap 10
    order_rate_limits=MappingProxyType(
        {TradeType.SPOT: ((5, 1.0),), TradeType.FUTURES: ((10, 1.0),)}
    ),
    # BingX meters trading endpoints per UID and second (spot orders 5/s at ccxt's cost of 2
    # units, 10 units/s): a burst beyond the rate would exceed them, so the budget is spent evenly
    rate_limit_burst=1.0,
    call_params=MappingProxyType(
        {
            ("set_leverage", None): MappingProxyType({"side": "BOTH"}),  # one-way mode
            # no symbol to tell ccxt which account
            ("fetch_balance", TradeType.FUTURES): _SWAP,
            ("fetch_open_orders", TradeType.FUTURES): _SWAP,
        }
    ),
    # history: the tape is only the latest trades (500 spot, 1,000 swap), never a time range
    recent_trades_only=_BOTH,
    trade_page={TradeType.SPOT: 500, TradeType.FUTURES: 1000},
    funding_page={TradeType.FUTURES: 1000},
    position_keys=("symbol", "positionAmt"),
    # where each list endpoint's records sit under "data" (None: data is the list)
    enveloped_lists=MappingProxyType(
        {
            "/openApi/spot/v1/trade/openOrders": "orders",
            "/openApi/spot/v1/trade/myTrades": "fills",
            "/openApi/swap/v2/trade/openOrders": "orders",
            "/openApi/swap/v2/trade/allFillOrders": "fill_orders",
            "/openApi/swap/v2/user/positions": None,
            "/openApi/spot/v1/account/balance": "balances",
            "/openApi/swap/v3/user/balance": None,
            # market history: candles, the latest trades, funding rates
            "/market/kline": None,
            "/openApi/swap/v3/quote/klines": None,
            "/openApi/spot/v1/market/trades": None,
            "/openApi/swap/v2/quote/trades": None,
            "/openApi/swap/v2/quote/fundingRate": None,
        }
    ),
)


class BingXExchange(CcxtExchange):
    """BingX spot and USDT-M perpetual swaps."""

    profile = PROFILE

    def _normalize_market(self, market: Market, raw: Mapping[str, Any]) -> Market:
        # ccxt leaves a swap's maximum leverage out; BingX's contract record has it
        info = raw.get("info")
        if market.trade_type is not TradeType.FUTURES or market.max_leverage is not None:
            return market
        if not isinstance(info, Mapping):
            return market
        limits = [
            parsing.to_decimal(info.get(key)) for key in ("maxLongLeverage", "maxShortLeverage")
        ]
        known = [value for value in limits if value is not None and value > 0]
        return market.model_copy(update={"max_leverage": min(known)}) if known else market

    def _encode_client_order_id(self, client_order_id: str) -> str:
        return encode_client_order_id(client_order_id)

    def _decode_client_order_id(self, wire: str) -> str | None:
        return decode_client_order_id(wire)

    def _order_lookup(
        self, call: str, order_id: str | None, client_order_id: str | None
    ) -> tuple[str | None, dict[str, Any]]:
        if client_order_id is not None:
            return None, {"clientOrderID": encode_client_order_id(client_order_id)}
        return order_id, {}

    def _order_window(self, trade_type: TradeType, order: PreparedOrder) -> float | None:
        return self._recv_window_ms(trade_type) / 1000  # what each order is sent with

    def _recv_window_ms(self, trade_type: TradeType) -> int:
        window = recv_window_ms(self._client(trade_type))
        return window if window is not None else _DEFAULT_WINDOW_MS

    async def _order_arguments(
        self, order: PreparedOrder, client_order_id: str, market: Market
    ) -> CcxtOrder:
        args = await super()._order_arguments(order, client_order_id, market)
        # the window the order is valid in: ccxt sends none, so BingX would assume 5 s
        params = {**args.params, "recvWindow": self._recv_window_ms(market.trade_type)}
        if (
            market.trade_type is TradeType.SPOT
            and order.order_type is OrderType.STOP
            and order.side is OrderSide.BUY
            and order.stop_price is not None
        ):
            # ccxt refuses a spot trigger-market buy without a quote amount; BingX takes the
            # base quantity. Name the wire type so ccxt sends quantity (and the stop price as
            # the price, which BingX ignores for TRIGGER_MARKET).
            return CcxtOrder("TRIGGER_MARKET", args.amount, plain(order.stop_price), params)
        return args._replace(params=params)

    def _valid_answer(self, kind: str, raw: Any) -> bool:
        if not super()._valid_answer(kind, raw):
            return False
        if kind == "balance":
            info = raw.get("info")
            data = info.get("data") if isinstance(info, Mapping) else None
            if isinstance(data, Mapping):  # spot: {"balances": [...]}
                data = data.get("balances")
            # swaps answer the list of assets itself
            return named_rows(data, "asset")
        if kind == "order_book":
            return raw.get("timestamp") is not None  # its "T": absent from anything else
        return True

    def _refine_error(  # noqa: PLR0911 - one return per BingX code family: a table read
        self, exc: BaseException, message: str
    ) -> type[ExchangeLayerError] | None:
        match = _CODE.search(message)
        if match is None:
            return None
        code = match.group(1)
        lowered = message.lower()
        if "timestamp" in lowered and ("mismatch" in lowered or "invalid" in lowered):
            return ClockSkew
        if code in _AUTH_CODES:
            return AuthenticationError
        if _ORDER_GONE.search(message):
            return OrderNotFound
        if _UNKNOWN_SYMBOL.search(message):
            return BadSymbol
        if code in _BUSY_CODES and ("busy" in lowered or "unavailable" in lowered):
            return ExchangeUnavailable
        if code in ("109400", "80001") and (
            "margin is not enough" in lowered or "margin not enough" in lowered
            or "insufficient margin" in lowered
        ):
            return InsufficientFunds
        if code in _INVALID_ORDER_CODES:
            return InvalidOrder
        return None
