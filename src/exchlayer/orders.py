"""Typed order requests: one model per order type.

An order travels as one value from the caller to the venue: built here (by `order_request`, or by
one of the models directly), handed to `BaseExchange.place_order`, `TradingService.place_order` or
the FastAPI router, and placed by the connector. Each model holds exactly the fields its order type
takes; a field that does not apply (a price on a market order, a trigger on a limit order) is
refused, as is a malformed value, with an `InvalidOrder` (or `BadSymbol`) that names it, before
anything is sent:

    from decimal import Decimal
    from exchlayer import LimitOrderRequest, OrderSide

    request = LimitOrderRequest(
        symbol="BTC/USDT", side=OrderSide.BUY, amount=Decimal("0.001"), price=Decimal("50000")
    )
    order = await exchange.place_order(request)

`create_order(symbol, order_type, side, amount, price, ...)` is the same thing with the fields as
arguments. New order types (the next issues' OCO, trailing stops, brackets) are new models here,
not new arguments at every layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import InvalidOrder
from .models import OrderSide, OrderType, TimeInForce, TradeType
from .validation import check_order_fields, enum_value

__all__ = [
    "AnyOrderRequest",
    "LimitOrderRequest",
    "MarketOrderRequest",
    "OrderRequest",
    "StopLimitOrderRequest",
    "StopOrderRequest",
    "order_request",
]

_setattr = object.__setattr__


class OrderRequest(BaseModel):
    """What every order request holds. Build one of its subclasses (or use `order_request`).

    Attributes:
        symbol: the unified symbol, `BTC/USDT` (spot) or `BTC/USDT:USDT` (perpetual).
        side: buy or sell.
        amount: in base currency, a positive `Decimal`.
        trade_type: spot or futures, when the symbol does not say; the connector's default
            otherwise.
        reduce_only: futures only: the order may only shrink a position.
        client_order_id: your id for the order (letters, digits, `.`, `_`, `-`); one is generated
            when omitted.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_type: OrderType
    symbol: str
    side: OrderSide
    amount: Decimal
    trade_type: TradeType | None = None
    reduce_only: bool = False
    client_order_id: str | None = None

    if TYPE_CHECKING:  # each order type has these as fields, or as None
        price: Decimal | None
        """The limit price (None for orders that fill at the market)."""
        stop_price: Decimal | None
        """The trigger price (None for orders that are not triggered)."""
        time_in_force: TimeInForce | None
        """How long a limit order works (None: the venue's default, GTC)."""

    def __init__(self, **data: Any) -> None:
        # refuse with exchlayer's own errors (InvalidOrder names the field; pydantic calls
        # this for model_validate too), then let pydantic keep the checked values
        super().__init__(**_checked(type(self), data))

    def fields(self) -> dict[str, Any]:
        """The request as `create_order`'s keyword arguments."""
        return {
            "symbol": self.symbol,
            "order_type": self.order_type,
            "side": self.side,
            "amount": self.amount,
            "price": self.price,
            "stop_price": self.stop_price,
            "trade_type": self.trade_type,
            "time_in_force": self.time_in_force,
            "reduce_only": self.reduce_only,
            "client_order_id": self.client_order_id,
        }


class MarketOrderRequest(OrderRequest):
    """An order that fills at the market at once."""

    order_type: Literal[OrderType.MARKET] = OrderType.MARKET
    price: ClassVar[None] = None  # type: ignore[misc]
    stop_price: ClassVar[None] = None  # type: ignore[misc]
    time_in_force: ClassVar[None] = None  # type: ignore[misc]


class LimitOrderRequest(OrderRequest):
    """An order at a limit price; it rests until filled, cancelled or expired."""

    order_type: Literal[OrderType.LIMIT] = OrderType.LIMIT
    price: Decimal
    """The limit price."""
    stop_price: ClassVar[None] = None  # type: ignore[misc]
    time_in_force: TimeInForce | None = None
    """GTC (the default), IOC, FOK or post-only."""


class StopOrderRequest(OrderRequest):
    """A market order placed once the price reaches `stop_price`."""

    order_type: Literal[OrderType.STOP] = OrderType.STOP
    price: ClassVar[None] = None  # type: ignore[misc]
    stop_price: Decimal
    """The trigger price."""
    time_in_force: ClassVar[None] = None  # type: ignore[misc]


class StopLimitOrderRequest(OrderRequest):
    """A limit order at `price`, placed once the price reaches `stop_price`."""

    order_type: Literal[OrderType.STOP_LIMIT] = OrderType.STOP_LIMIT
    price: Decimal
    """The limit price."""
    stop_price: Decimal
    """The trigger price."""
    time_in_force: TimeInForce | None = None
    """GTC (the default), IOC, FOK or post-only."""


AnyOrderRequest = Annotated[
    MarketOrderRequest | LimitOrderRequest | StopOrderRequest | StopLimitOrderRequest,
    Field(discriminator="order_type"),
]
"""Any order request, told apart by its `order_type` (for reading one from JSON)."""

_BY_TYPE: dict[OrderType, type[OrderRequest]] = {
    OrderType.MARKET: MarketOrderRequest,
    OrderType.LIMIT: LimitOrderRequest,
    OrderType.STOP: StopOrderRequest,
    OrderType.STOP_LIMIT: StopLimitOrderRequest,
}
_KINDS = {cls: kind for kind, cls in _BY_TYPE.items()}
# each request type's fields in declaration order, holding their defaults
_TEMPLATES: dict[type[OrderRequest], dict[str, Any]] = {
    cls: {
        name: None if f.is_required() else f.get_default()
        for name, f in cls.model_fields.items()
    }
    for cls in _KINDS
}
_OPTIONAL = frozenset({"price", "stop_price", "time_in_force"})  # refused by name where not taken


def order_request(
    symbol: str,
    order_type: OrderType | str,
    side: OrderSide | str,
    amount: Decimal,
    price: Decimal | None = None,
    *,
    stop_price: Decimal | None = None,
    trade_type: TradeType | str | None = None,
    time_in_force: TimeInForce | str | None = None,
    reduce_only: bool = False,
    client_order_id: str | None = None,
) -> OrderRequest:
    """The request for an order given field by field (`create_order`'s arguments).

    Raises:
        InvalidOrder: a field is malformed or does not apply to the order type.
        BadSymbol: the symbol is not a unified symbol.
    """
    kind: OrderType = enum_value(order_type, OrderType, "order_type")
    cls = _BY_TYPE[kind]
    values: dict[str, Any] = {"symbol": symbol, "side": side, "amount": amount}
    for name, value in (("price", price), ("stop_price", stop_price),
                        ("time_in_force", time_in_force)):
        if value is not None:
            values[name] = value
    if trade_type is not None:
        values["trade_type"] = trade_type
    if reduce_only is not False:
        values["reduce_only"] = reduce_only
    if client_order_id is not None:
        values["client_order_id"] = client_order_id
    return _trusted(cls, _checked(cls, values))


def _trusted(cls: type[OrderRequest], values: dict[str, Any]) -> OrderRequest:
    """A request from values `_checked` already gave their final types (no second validation:
    `create_order` builds one per order)."""
    fields = _TEMPLATES[cls].copy()
    fields.update(values)  # existing keys keep their place: field order is preserved
    request = cls.__new__(cls)
    _setattr(request, "__dict__", fields)
    _setattr(request, "__pydantic_fields_set__", set(values))
    _setattr(request, "__pydantic_extra__", None)
    _setattr(request, "__pydantic_private__", None)
    return request


def _checked(cls: type[OrderRequest], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with every value checked and in its final type, or the refusal."""
    kind = _KINDS[cls]
    fields = _TEMPLATES[cls]
    for name in data:
        if name not in fields and name not in _OPTIONAL:
            raise InvalidOrder(f"an order request has no field {_shown(name)}")
    given = data.get("order_type", kind)
    if given is not kind and given != kind.value:
        raise InvalidOrder(f"a {cls.__name__} is a {kind.name} order, not {_shown(given)}")
    return check_order_fields(kind, data)


def _shown(value: object) -> str:
    try:
        text = repr(value)
    except Exception:
        return f"<{type(value).__name__} that cannot be printed>"
    return text if len(text) <= 80 else text[:77] + "..."
