"""Checks that run before any request is sent.

Two stages: `check_order_fields` needs nothing but an order request's fields (types, signs,
which prices an order type takes); `check_market_rules` needs the market's precision and
limits.
Every refusal is a typed error naming what was wrong, raised before a byte goes to the venue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from typing import TYPE_CHECKING, Any

from .errors import BadSymbol, InvalidOrder, OrderLimitViolation
from .models import Market, OrderSide, OrderType, TimeInForce, TradeType

if TYPE_CHECKING:
    from .orders import OrderRequest

__all__ = [
    "PreparedOrder",
    "check_decimal",
    "check_market_rules",
    "check_order_fields",
    "check_order_request",
    "enum_value",
    "parse_symbol",
    "prepare_order",
]

_SYMBOL = re.compile(r"([A-Z0-9][A-Z0-9._-]*)/([A-Z0-9][A-Z0-9._-]*)(?::([A-Z0-9][A-Z0-9._-]*))?")
_MAX_SYMBOL = 100
_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# No market trades amounts or prices outside these (the step check's arithmetic would fail on
# some: 1E+30 % 1E-8 is beyond any Decimal context); venues' own bounds are checked as well.
_LARGEST = Decimal("1E+18")
_SMALLEST = Decimal("1E-18")


def _f(value: Decimal) -> str:
    """A Decimal in plain notation for messages (``0.0000001``, not ``1E-7``); one too far
    from 1 to write out (``-1E+999999999``) stays in scientific notation."""
    if value and not -40 < value.adjusted() < 40:
        return str(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_symbol(symbol: object) -> tuple[str, str, str | None]:
    """Split a unified symbol ``BASE/QUOTE[:SETTLE]`` into its parts, upper-cased.

    Raises:
        BadSymbol: ``symbol`` is not a string of that form.
    """
    if not issubclass(type(symbol), str):  # type(), not isinstance: never asks the object
        raise BadSymbol(f"symbol must be a string like 'BTC/USDT', got {type(symbol).__name__}")
    text = str.__str__(symbol)  # its value, whatever a subclass would print
    if len(text) > _MAX_SYMBOL:
        raise BadSymbol(f"a symbol has at most {_MAX_SYMBOL} characters, got {len(text)}")
    # ASCII only: str.upper() maps some other letters onto ASCII ones ('ſ' -> 'S')
    match = _SYMBOL.fullmatch(text.upper()) if text.isascii() else None
    if match is None:
        raise BadSymbol(
            f"{_shown(text)} is not a unified symbol: use BASE/QUOTE for spot ('BTC/USDT') "
            "or BASE/QUOTE:SETTLE for perpetual futures ('BTC/USDT:USDT')"
        )
    base, quote, settle = match.groups()
    return base, quote, settle


def check_decimal(value: object, name: str, *, positive: bool = True) -> Decimal:
    """``value`` as a finite (and by default positive) Decimal, or an `InvalidOrder`."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        hint = f"Decimal({str(value)!r})" if isinstance(value, (float, str)) else "a Decimal"
        raise InvalidOrder(
            f"{name} must be a Decimal, got {type(value).__name__} {_shown(value)}; pass "
            f"{hint} (floats cannot represent most prices exactly)"
        )
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidOrder(f"{name} must be a finite number, got {number}")
    if positive and number <= 0:
        raise InvalidOrder(f"{name} must be positive, got {_f(number)}")
    if number and not _SMALLEST <= number.copy_abs() < _LARGEST:  # copy_abs: no context
        raise InvalidOrder(
            f"{name} {number} is out of any market's range (1E-18 to 1E+18)"
        )
    return number


def _shown(value: object) -> str:
    """``value``'s repr for a message: shortened, and never raising."""
    try:
        text = repr(value)
    except Exception:
        return f"<{type(value).__name__} that cannot be printed>"
    return text if len(text) <= 80 else text[:77] + "..."


def enum_value(value: Any, enum: type[Any], name: str) -> Any:
    """``value`` as a member of ``enum`` (its value, in any case, works too), or InvalidOrder."""
    if isinstance(value, enum):
        return value
    try:
        return enum(value.lower() if enum is not TimeInForce and isinstance(value, str) else value)
    except (ValueError, AttributeError, TypeError):
        allowed = ", ".join(m.name for m in enum)
        raise InvalidOrder(f"{name} must be one of {allowed}, got {_shown(value)}") from None


@dataclass(frozen=True, slots=True)
class PreparedOrder:
    """An order ready for a venue: its request checked, its symbol the unified one of a market
    the venue lists, its trade type resolved. What a venue adapter's hooks receive."""

    symbol: str
    trade_type: TradeType
    order_type: OrderType
    side: OrderSide
    amount: Decimal
    price: Decimal | None
    stop_price: Decimal | None
    time_in_force: TimeInForce | None
    reduce_only: bool

    @property
    def reference_price(self) -> Decimal | None:
        """The price the order's notional is judged at: its limit, else its trigger."""
        return self.price if self.price is not None else self.stop_price


def check_order_fields(kind: OrderType, data: Mapping[str, Any]) -> dict[str, Any]:  # noqa: PLR0912 - one branch per order field; hot path, kept inline
    """The fields of an order of type ``kind`` (an order request's), each checked and in its
    final type; the refusal of the first that is wrong, or that the type does not take.

    Raises:
        InvalidOrder: a value is malformed, missing, or does not apply to the order type.
        BadSymbol: the symbol is not a unified symbol.
    """
    parse_symbol(data.get("symbol"))
    out: dict[str, Any] = {
        "order_type": kind,
        "symbol": str.__str__(data["symbol"]),
        "side": enum_value(data.get("side"), OrderSide, "side"),
        "amount": check_decimal(data.get("amount"), "amount"),
    }
    price, stop_price = data.get("price"), data.get("stop_price")
    if kind.has_limit_price:
        if price is None:
            raise InvalidOrder(f"a {kind.name} order needs a price")
        out["price"] = check_decimal(price, "price")
    elif price is not None:
        raise InvalidOrder(
            f"a {kind.name} order takes no price (it fills at the market); "
            "use a LIMIT or STOP_LIMIT order to set one"
        )
    if kind.is_stop:
        if stop_price is None:
            raise InvalidOrder(f"a {kind.name} order needs a stop_price (its trigger)")
        out["stop_price"] = check_decimal(stop_price, "stop_price")
    elif stop_price is not None:
        raise InvalidOrder(
            f"a {kind.name} order takes no stop_price; use STOP or STOP_LIMIT to set a trigger"
        )
    time_in_force = data.get("time_in_force")
    if time_in_force is not None:
        if not kind.has_limit_price:
            raise InvalidOrder(f"time_in_force applies to limit orders, not {kind.name}")
        out["time_in_force"] = enum_value(time_in_force, TimeInForce, "time_in_force")
    elif kind.has_limit_price:
        out["time_in_force"] = None
    trade_type = data.get("trade_type")
    if trade_type is not None:
        out["trade_type"] = enum_value(trade_type, TradeType, "trade_type")
    reduce_only = data.get("reduce_only", False)
    if type(reduce_only) is not bool:
        raise InvalidOrder(f"reduce_only must be a bool, got {_shown(reduce_only)}")
    if reduce_only:
        out["reduce_only"] = True
    client_order_id = data.get("client_order_id")
    if client_order_id is not None:
        if type(client_order_id) is not str or not _CLIENT_ID.fullmatch(client_order_id):
            raise InvalidOrder(
                "client_order_id may hold only letters, digits, '.', '_' and '-', "
                f"got {_shown(client_order_id)}"
            )
        out["client_order_id"] = client_order_id
    return out


def prepare_order(request: OrderRequest, symbol: str, trade_type: TradeType) -> PreparedOrder:
    """``request`` for the market ``symbol`` (unified) of ``trade_type``: what only the
    resolved trade type can tell is checked here."""
    if request.reduce_only and trade_type is not TradeType.FUTURES:
        raise InvalidOrder("reduce_only applies to futures orders only")
    return PreparedOrder(
        symbol=symbol,
        trade_type=trade_type,
        order_type=request.order_type,
        side=request.side,
        amount=request.amount,
        price=request.price,
        stop_price=request.stop_price,
        time_in_force=request.time_in_force,
        reduce_only=request.reduce_only,
    )


def check_order_request(
    *,
    symbol: str,
    trade_type: TradeType,
    order_type: Any,
    side: Any,
    amount: Any,
    price: Any,
    stop_price: Any,
    time_in_force: Any,
    reduce_only: Any,
) -> PreparedOrder:
    """Everything about an order that can be judged without the market. Sends nothing."""
    from .orders import order_request

    request = order_request(
        symbol, order_type, side, amount, price, stop_price=stop_price,
        time_in_force=time_in_force, reduce_only=reduce_only,
    )
    return prepare_order(request, symbol, trade_type)


def _violation(limit: str, message: str, value: Decimal, allowed: Decimal) -> OrderLimitViolation:
    return OrderLimitViolation(message, limit=limit, value=value, allowed=allowed)


def check_market_rules(order: PreparedOrder, market: Market) -> None:
    """The market's precision and limits: amount step, price tick, min/max amount and price,
    min notional. Refuses rather than rounds: rounding someone's order silently changes it."""
    try:
        _check_market_rules(order, market)
    except DecimalException as exc:  # beyond the arithmetic: no market takes it
        raise InvalidOrder(
            f"the order's numbers cannot be checked against {market.symbol}'s rules "
            f"({type(exc).__name__})"
        ) from None


def _check_market_rules(order: PreparedOrder, market: Market) -> None:
    amount = order.amount
    step, tick = market.amount_step, market.price_tick
    if step is not None and step > 0 and amount % step != 0:
        raise _violation(
            "amount_step",
            f"amount {_f(amount)} is not a multiple of the amount step {_f(step)} "
            f"(nearest below: {_f(amount - amount % step)})",
            amount,
            step,
        )
    if market.min_amount is not None and amount < market.min_amount:
        raise _violation(
            "min_amount",
            f"amount {_f(amount)} is below the minimum {_f(market.min_amount)}",
            amount,
            market.min_amount,
        )
    if market.max_amount is not None and amount > market.max_amount:
        raise _violation(
            "max_amount",
            f"amount {_f(amount)} is above the maximum {_f(market.max_amount)}",
            amount,
            market.max_amount,
        )
    for name, value in (("price", order.price), ("stop_price", order.stop_price)):
        if value is None:
            continue
        if tick is not None and tick > 0 and value % tick != 0:
            raise _violation(
                "price_tick",
                f"{name} {_f(value)} is not a multiple of the price tick {_f(tick)} "
                f"(nearest below: {_f(value - value % tick)})",
                value,
                tick,
            )
        if market.min_price is not None and value < market.min_price:
            raise _violation(
                "min_price",
                f"{name} {_f(value)} is below the minimum price {_f(market.min_price)}",
                value,
                market.min_price,
            )
        if market.max_price is not None and value > market.max_price:
            raise _violation(
                "max_price",
                f"{name} {_f(value)} is above the maximum price {_f(market.max_price)}",
                value,
                market.max_price,
            )
    reference = order.reference_price
    if market.min_notional is not None and reference is not None and not order.reduce_only:
        notional = amount * reference
        if notional < market.min_notional:
            raise _violation(
                "min_notional",
                f"order value {_f(notional)} ({_f(amount)} x {_f(reference)}) is below the "
                f"minimum notional {_f(market.min_notional)} {market.quote}",
                notional,
                market.min_notional,
            )
