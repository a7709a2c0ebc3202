"""ccxt's unified dictionaries -> exchlayer models.

ccxt hands numbers over as floats. Each becomes a Decimal through its shortest repr
(``Decimal(repr(x))``), which gives back exactly the digits the venue sent; ``Decimal(x)`` would
expose the float's binary error (``0.1`` -> ``0.1000000000000000055511151231257827...``).
Tickers, orders, trades and balances skip the float: while ccxt builds them, its ``number`` is
:func:`exact_number`. Order-book levels never pass through floats at all: see
:func:`decimal_bid_ask`.

Models are built without re-validation (``_trusted``): every value here already has its final
type (Decimal or None, aware UTC datetimes, enums), which the test suite proves by turning on
:func:`~exchlayer.models.check_parsed_models`. Validation would cost ~10 µs a model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from ..models import (
    Balance,
    Fee,
    MarginMode,
    Market,
    Order,
    OrderBook,
    OrderBookLevel,
    OrderSide,
    OrderStatus,
    OrderType,
    Position,
    PositionSide,
    Ticker,
    TimeInForce,
    Trade,
    TradeType,
)

__all__ = [
    "decimal_bid_ask",
    "exact_number",
    "parse_balances",
    "parse_market",
    "parse_order",
    "parse_order_book",
    "parse_position",
    "parse_ticker",
    "parse_trade",
    "scale_levels",
    "to_datetime",
    "to_decimal",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ZERO = Decimal(0)
_tuple_new = tuple.__new__


def to_decimal(value: Any) -> Decimal | None:
    """A ccxt number (float, int, str or None) as a Decimal, exactly as the venue wrote it."""
    if value is None:
        return None
    kind = type(value)
    try:
        if kind is float:
            if not math.isfinite(value):
                return None
            return Decimal(repr(value))
        if kind is Decimal:
            return value if value.is_finite() else None
        if kind is str:
            if not value:
                return None
            number = Decimal(value)
            return number if number.is_finite() else None
        if kind is int:
            return Decimal(value)
        if kind is bool:
            return None
        return Decimal(str(value))
    except InvalidOperation:
        return None


def exact_number(value: Any) -> str:
    """ccxt's ``number`` while it builds tickers, orders, trades and balances: the number's text,
    which :func:`to_decimal` then turns into a Decimal once, without the float ccxt would make.

    A string, not a Decimal, because ccxt reads its own results again (a fee's cost, say) with
    ``safe_string``, which ignores Decimals. Trailing zeros go, as they would through a float
    (``"0.01000000"`` reads ``"0.01"``); an exponent is kept as written.
    """
    if type(value) is str:
        if "." in value and "e" not in value and "E" not in value:
            return value.rstrip("0").rstrip(".") or "0"
        return value
    if type(value) is float:
        return repr(value)
    return str(value)


def _dec(value: Any, default: Decimal) -> Decimal:
    result = to_decimal(value)
    return default if result is None else result


def to_datetime(milliseconds: Any) -> datetime | None:
    """A ccxt millisecond timestamp as an aware UTC datetime (``None`` for none, or for the
    ``-1``/``0`` placeholders venues send for orders that are not working yet)."""
    if milliseconds is None or isinstance(milliseconds, bool):
        return None
    try:
        ms = int(milliseconds)
        return _EPOCH + timedelta(milliseconds=ms) if ms > 0 else None
    except (TypeError, ValueError, OverflowError):
        return None


def decimal_bid_ask(
    self: Any, bidask: Any, price_key: Any = 0, amount_key: Any = 1, count_key: Any = 2
) -> OrderBookLevel:
    """Replacement for ccxt's ``parse_order_book_bid_ask``: venue text -> Decimal, no float.

    ccxt's ``number`` option does not reach order-book levels (they are always floats); this is
    the single helper every ccxt venue uses for them, so plugging the Decimal conversion in here
    keeps the whole book exact and skips a float round trip per number.
    """
    price, amount = bidask[price_key], bidask[amount_key]
    return _tuple_new(
        OrderBookLevel,
        (
            Decimal(price) if type(price) is str else Decimal(repr(price)),
            Decimal(amount) if type(amount) is str else Decimal(repr(amount)),
        ),
    )


def _levels(raw: Any) -> tuple[OrderBookLevel, ...]:
    if not raw:
        return ()
    first = raw[0]
    if type(first) is OrderBookLevel:
        return tuple(raw)
    return tuple(
        _tuple_new(OrderBookLevel, (_dec(level[0], _ZERO), _dec(level[1], _ZERO)))
        for level in raw
    )


def scale_levels(levels: tuple[OrderBookLevel, ...], size: Decimal) -> tuple[OrderBookLevel, ...]:
    """Levels with amounts multiplied by ``size`` (contracts -> base currency)."""
    return tuple(_tuple_new(OrderBookLevel, (level[0], level[1] * size)) for level in levels)


def parse_order_book(raw: Mapping[str, Any], symbol: str, trade_type: TradeType) -> OrderBook:
    """ccxt's order book -> :class:`OrderBook`."""
    return OrderBook._trusted(
        symbol=symbol,
        trade_type=trade_type,
        bids=_levels(raw.get("bids")),
        asks=_levels(raw.get("asks")),
        timestamp=to_datetime(raw.get("timestamp")),
        raw=raw,
    )


def parse_ticker(raw: Mapping[str, Any], symbol: str, trade_type: TradeType) -> Ticker:
    """ccxt's ticker -> :class:`Ticker`."""
    return Ticker._trusted(
        symbol=symbol,
        trade_type=trade_type,
        last_price=to_decimal(raw.get("last")),
        bid=to_decimal(raw.get("bid")),
        ask=to_decimal(raw.get("ask")),
        bid_size=to_decimal(raw.get("bidVolume")),
        ask_size=to_decimal(raw.get("askVolume")),
        open=to_decimal(raw.get("open")),
        high=to_decimal(raw.get("high")),
        low=to_decimal(raw.get("low")),
        base_volume=to_decimal(raw.get("baseVolume")),
        quote_volume=to_decimal(raw.get("quoteVolume")),
        change_percent=to_decimal(raw.get("percentage")),
        timestamp=to_datetime(raw.get("timestamp")),
        raw=raw.get("info", raw),
    )


def parse_balances(
    raw: Mapping[str, Any], trade_type: TradeType, currency: str | None
) -> list[Balance]:
    """ccxt's balance -> non-zero :class:`Balance` rows (or the one for ``currency``)."""
    free, used, total = raw.get("free") or {}, raw.get("used") or {}, raw.get("total") or {}
    codes = [currency] if currency is not None else sorted(set(free) | set(used) | set(total))
    info = raw.get("info")
    balances = []
    for code in codes:
        f, u = to_decimal(free.get(code)), to_decimal(used.get(code))
        t = to_decimal(total.get(code))
        if t is None:
            t = (f or _ZERO) + (u or _ZERO)
        if f is None:
            f = t - (u or _ZERO)
        if u is None:
            u = t - f
        if currency is None and t == 0 and f == 0 and u == 0:
            continue
        balances.append(
            Balance._trusted(
                currency=code, trade_type=trade_type, free=f, used=u, total=t, raw=info
            )
        )
    return balances


_STATUS = {
    "open": OrderStatus.OPEN,
    "closed": OrderStatus.FILLED,
    "canceled": OrderStatus.CANCELED,
    "cancelled": OrderStatus.CANCELED,
    "expired": OrderStatus.EXPIRED,
    "rejected": OrderStatus.REJECTED,
}
_TIF = {t.value: t for t in TimeInForce} | {"GTX": TimeInForce.POST_ONLY}


def _order_type(raw_type: str | None, trigger: Decimal | None) -> OrderType | None:
    if raw_type == "market":
        return OrderType.STOP if trigger is not None else OrderType.MARKET
    if raw_type == "limit":
        return OrderType.STOP_LIMIT if trigger is not None else OrderType.LIMIT
    if raw_type is None:
        return None
    lowered = raw_type.lower()
    if "stop" in lowered or "trigger" in lowered:
        return OrderType.STOP_LIMIT if "limit" in lowered else OrderType.STOP
    return None


def _fee(raw: Any) -> Fee | None:
    if not isinstance(raw, Mapping):
        return None
    cost = to_decimal(raw.get("cost"))
    if cost is None:
        return None
    return Fee._trusted(cost=cost, currency=raw.get("currency"))


def parse_order(
    raw: Mapping[str, Any],
    trade_type: TradeType,
    *,
    symbol: str | None = None,
    client_order_id: str | None = None,
) -> Order:
    """ccxt's order -> :class:`Order`. ``client_order_id`` fills in when the venue omits it."""
    raw_status = raw.get("status")
    status = _STATUS.get(raw_status, OrderStatus.UNKNOWN) if raw_status else OrderStatus.UNKNOWN
    filled = _dec(raw.get("filled"), _ZERO)
    if status is OrderStatus.OPEN and filled > 0:
        status = OrderStatus.PARTIALLY_FILLED
    trigger = to_decimal(raw.get("triggerPrice")) or to_decimal(raw.get("stopPrice"))
    raw_type = raw.get("type")
    tif = raw.get("timeInForce")
    if raw.get("postOnly"):
        tif = "PO"
    side = raw.get("side")
    return Order._trusted(
        id=str(raw.get("id")),
        client_order_id=raw.get("clientOrderId") or client_order_id,
        symbol=raw.get("symbol") or symbol or "",
        trade_type=trade_type,
        type=_order_type(raw_type, trigger),
        raw_type=raw_type,
        side=OrderSide.SELL if side == "sell" else OrderSide.BUY,
        status=status,
        raw_status=raw_status,
        amount=to_decimal(raw.get("amount")),
        filled=filled,
        remaining=to_decimal(raw.get("remaining")),
        price=to_decimal(raw.get("price")),
        average_price=to_decimal(raw.get("average")),
        stop_price=trigger,
        cost=to_decimal(raw.get("cost")),
        fee=_fee(raw.get("fee")),
        time_in_force=_TIF.get(tif) if isinstance(tif, str) else None,
        reduce_only=bool(raw.get("reduceOnly")),
        created_at=to_datetime(raw.get("timestamp")),
        updated_at=to_datetime(raw.get("lastUpdateTimestamp") or raw.get("lastTradeTimestamp")),
        raw=raw.get("info", raw),
    )


def parse_trade(raw: Mapping[str, Any], trade_type: TradeType) -> Trade:
    """ccxt's (own) trade -> :class:`Trade`."""
    price = _dec(raw.get("price"), _ZERO)
    amount = _dec(raw.get("amount"), _ZERO)
    cost = to_decimal(raw.get("cost"))
    taker_or_maker = raw.get("takerOrMaker")
    return Trade._trusted(
        id=str(raw.get("id")),
        order_id=None if raw.get("order") is None else str(raw.get("order")),
        symbol=raw.get("symbol") or "",
        trade_type=trade_type,
        side=OrderSide.SELL if raw.get("side") == "sell" else OrderSide.BUY,
        price=price,
        amount=amount,
        cost=cost if cost is not None else price * amount,
        fee=_fee(raw.get("fee")),
        is_maker=None if taker_or_maker is None else taker_or_maker == "maker",
        timestamp=to_datetime(raw.get("timestamp")),
        raw=raw.get("info", raw),
    )


def parse_position(raw: Mapping[str, Any]) -> Position | None:
    """ccxt's position -> :class:`Position`, or ``None`` for a flat (empty) one."""
    contracts = to_decimal(raw.get("contracts"))
    if not contracts:
        return None
    contract_size = to_decimal(raw.get("contractSize")) or Decimal(1)
    side = raw.get("side")
    if side not in ("long", "short"):
        side = "short" if contracts < 0 else "long"
    mode = raw.get("marginMode")
    return Position._trusted(
        symbol=raw.get("symbol") or "",
        side=PositionSide(side),
        size=abs(contracts) if contract_size == 1 else abs(contracts) * contract_size,
        contracts=abs(contracts),
        contract_size=contract_size,
        entry_price=to_decimal(raw.get("entryPrice")),
        mark_price=to_decimal(raw.get("markPrice")),
        liquidation_price=to_decimal(raw.get("liquidationPrice")),
        notional=_abs(to_decimal(raw.get("notional"))),
        unrealized_pnl=to_decimal(raw.get("unrealizedPnl")),
        margin=to_decimal(raw.get("initialMargin") or raw.get("collateral")),
        leverage=to_decimal(raw.get("leverage")),
        margin_mode=MarginMode(mode) if mode in ("cross", "isolated") else None,
        timestamp=to_datetime(raw.get("timestamp")),
        raw=raw.get("info", raw),
    )


def _abs(value: Decimal | None) -> Decimal | None:
    return None if value is None else abs(value)


def parse_market(raw: Mapping[str, Any]) -> Market:
    """ccxt's market -> :class:`Market` (ccxt runs every supported venue in tick-size mode)."""
    precision = raw.get("precision") or {}
    limits = raw.get("limits") or {}
    amount_limits = limits.get("amount") or {}
    price_limits = limits.get("price") or {}
    cost_limits = limits.get("cost") or {}
    leverage_limits = limits.get("leverage") or {}
    return Market(
        symbol=raw["symbol"],
        id=str(raw.get("id")),
        base=raw.get("base") or "",
        quote=raw.get("quote") or "",
        settle=raw.get("settle"),
        trade_type=TradeType.SPOT if raw.get("spot") else TradeType.FUTURES,
        active=raw.get("active") is not False,
        contract_size=to_decimal(raw.get("contractSize")),
        price_tick=to_decimal(precision.get("price")),
        amount_step=to_decimal(precision.get("amount")),
        min_amount=to_decimal(amount_limits.get("min")),
        max_amount=to_decimal(amount_limits.get("max")),
        min_price=to_decimal(price_limits.get("min")),
        max_price=to_decimal(price_limits.get("max")),
        min_notional=to_decimal(cost_limits.get("min")),
        max_leverage=to_decimal(leverage_limits.get("max")),
        maker_fee=to_decimal(raw.get("maker")),
        taker_fee=to_decimal(raw.get("taker")),
        raw=raw.get("info"),
    )
