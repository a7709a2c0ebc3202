"""Orders and trades: ids, sides, statuses, amounts, prices and fees."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ...models import Fee, Order, OrderSide, OrderStatus, OrderType, TimeInForce, Trade, TradeType
from .numbers import (
    _POSITIVE,
    _PRICE,
    _SIZE,
    _ZERO,
    _bad,
    _identifier,
    _mapping,
    _number,
    _preview,
    _refuse,
    _symbol,
    _text,
    to_datetime,
)

# --- orders and trades ----------------------------------------------------------------------
_STATUS = {
    "open": OrderStatus.OPEN,
    "closed": OrderStatus.FILLED,
    "canceled": OrderStatus.CANCELED,
    "cancelled": OrderStatus.CANCELED,
    "expired": OrderStatus.EXPIRED,
    "rejected": OrderStatus.REJECTED,
}
_TIF = {t.value: t for t in TimeInForce} | {"GTX": TimeInForce.POST_ONLY}
_SIDE = {"buy": OrderSide.BUY, "sell": OrderSide.SELL}


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


def _order_side(value: Any, what: str) -> OrderSide:
    side = _SIDE.get(value) if type(value) is str else None
    if side is None:
        raise _bad(f"{what} side", value, "'buy' or 'sell'")
    return side


def _fee(raw: Any, what: str) -> Fee | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _bad(f"{what} fee", raw, "a fee record")
    cost = _number(raw.get("cost"), f"{what} fee cost")
    if cost is None:
        return None
    return Fee._trusted(cost=cost, currency=_text(raw.get("currency"), f"{what} fee currency"))


def parse_order(
    raw: Mapping[str, Any],
    trade_type: TradeType,
    *,
    symbol: str | None = None,
    client_order_id: str | None = None,
) -> Order:
    """ccxt's order -> `Order`.

    ``symbol`` is the market asked about: the answer's own symbol must be it (and it stands in
    when the answer names none). ``client_order_id`` fills in when the venue omits it.
    """
    raw = _mapping(raw, "order")
    get = raw.get
    order_id = get("id")
    if order_id is None and get("side") is None and not get("symbol"):
        _refuse(f"the venue's order is empty ({_preview(raw)})")
    order_id = _identifier(order_id, "order id")
    side = _order_side(get("side"), "order")
    market = _symbol(raw, symbol, "order")
    raw_status = _text(get("status"), "order status")
    status = _STATUS.get(raw_status, OrderStatus.UNKNOWN) if raw_status else OrderStatus.UNKNOWN
    amount = _number(get("amount"), "order amount", _PRICE)
    filled = _number(get("filled"), "order filled amount", _SIZE)
    filled = _ZERO if filled is None else filled
    remaining = _number(get("remaining"), "order remaining amount", _SIZE)
    if amount is not None and (filled > amount or (remaining is not None and remaining > amount)):
        _refuse(
            f"the venue's order {order_id} has filled {filled} and remaining {remaining} "
            f"of an amount of {amount}"
        )
    if status is OrderStatus.OPEN and filled > 0:
        status = OrderStatus.PARTIALLY_FILLED
    trigger = _number(get("triggerPrice"), "order trigger price", _PRICE)
    if trigger is None:
        trigger = _number(get("stopPrice"), "order stop price", _PRICE)
    raw_type = _text(get("type"), "order type")
    price = _number(get("price"), "order price", _PRICE)
    if raw_type == "limit" and (price is None or amount is None):
        _refuse(f"the venue's limit order {order_id} has no price or no amount")
    tif = get("timeInForce")
    if get("postOnly"):
        tif = "PO"
    return Order._trusted(
        id=order_id,
        client_order_id=_text(get("clientOrderId"), "client order id") or client_order_id,
        symbol=market,
        trade_type=trade_type,
        type=_order_type(raw_type, trigger),
        raw_type=raw_type,
        side=side,
        status=status,
        raw_status=raw_status,
        amount=amount,
        filled=filled,
        remaining=remaining,
        price=price,
        average_price=_number(get("average"), "order average price", _PRICE),
        stop_price=trigger,
        cost=_number(get("cost"), "order cost", _SIZE),
        fee=_fee(get("fee"), "order"),
        time_in_force=_TIF.get(tif) if isinstance(tif, str) else None,
        reduce_only=bool(get("reduceOnly")),
        created_at=to_datetime(get("timestamp"), "order timestamp"),
        updated_at=to_datetime(
            get("lastUpdateTimestamp") or get("lastTradeTimestamp"), "order update time"
        ),
        raw=get("info", raw),
    )


def trade_figures(
    raw: object, what: str
) -> tuple[Mapping[str, Any], Decimal, Decimal, Decimal | None]:
    """A ccxt trade (a fill, or one of the public tape) as a mapping with its price and
    amount (both required, > 0) and its cost (>= 0, where given)."""
    raw = _mapping(raw, "trade")
    get = raw.get
    price = _number(get("price"), "trade price", _POSITIVE)
    amount = _number(get("amount"), "trade amount", _POSITIVE)
    if price is None or amount is None:
        raise _bad("trade", {"price": get("price"), "amount": get("amount")},
                   f"{what} with a price and an amount")
    return raw, price, amount, _number(get("cost"), "trade cost", _SIZE)


def parse_trade(
    raw: Mapping[str, Any], trade_type: TradeType, *, symbol: str | None = None
) -> Trade:
    """ccxt's (own) trade -> `Trade`; ``symbol``, when given, is the market asked about,
    which the answer's own symbol must be."""
    raw, price, amount, cost = trade_figures(raw, "a fill")
    get = raw.get
    order_id = get("order")
    taker_or_maker = get("takerOrMaker")
    return Trade._trusted(
        id=_identifier(get("id"), "trade id"),
        order_id=None if order_id is None else _identifier(order_id, "trade order id"),
        symbol=_symbol(raw, symbol, "trade"),
        trade_type=trade_type,
        side=_order_side(get("side"), "trade"),
        price=price,
        amount=amount,
        cost=cost if cost is not None else price * amount,
        fee=_fee(get("fee"), "trade"),
        is_maker=None if taker_or_maker is None else taker_or_maker == "maker",
        timestamp=to_datetime(get("timestamp"), "trade timestamp"),
        raw=get("info", raw),
    )

