"""Enums and data models: what every exchlayer call takes and returns.

Money is ``Decimal`` end to end (prices, amounts, costs, fees, balances); a float is refused.
Timestamps are timezone-aware UTC ``datetime`` objects. Models are frozen pydantic v2 models; each
keeps the venue's payload in ``raw``, which stays out of ``repr``, equality and ``model_dump()``
so it never clutters a log line or an API response.

Enum members are strings and print as their values on every supported Python (3.10 to 3.12):
``str(OrderSide.BUY)``, ``f"{OrderSide.BUY}"`` and ``format(OrderSide.BUY)`` are all ``"buy"``,
as in JSON; ``OrderSide.BUY.name`` is ``"BUY"`` and ``repr()`` shows both.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, DecimalException
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal, SupportsIndex, TypeVar, overload

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

__all__ = [
    "Balance",
    "Capabilities",
    "ConnectionCheck",
    "ExchangeInfo",
    "Fee",
    "MarginMode",
    "Market",
    "Order",
    "OrderBook",
    "OrderBookLevel",
    "OrderSide",
    "OrderStatus",
    "OrderType",
    "Position",
    "PositionSide",
    "Ticker",
    "TimeInForce",
    "Trade",
    "TradeType",
    "check_parsed_models",
]


class _StrEnum(str, Enum):
    """An enum whose members print as their values: ``str()``, ``format()`` and f-strings give
    ``"buy"`` on every supported Python; ``repr()`` keeps the name (``<OrderSide.BUY: 'buy'>``).

    A plain ``(str, Enum)`` prints ``OrderSide.BUY`` from ``str()`` everywhere, and from
    ``format()`` on 3.11+ only (3.10 gives the value); this pins both to the value, as
    ``enum.StrEnum`` (3.11+) does.
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


class OrderType(_StrEnum):
    """The kind of order: plain market or limit, or one that waits for a trigger price."""

    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"
    """A market order that is placed once the price reaches ``stop_price``."""
    STOP_LIMIT = "stop_limit"
    """A limit order at ``price`` that is placed once the price reaches ``stop_price``."""

    @property
    def is_stop(self) -> bool:
        """Whether the order waits for a trigger price."""
        return self in (OrderType.STOP, OrderType.STOP_LIMIT)

    @property
    def has_limit_price(self) -> bool:
        """Whether the order carries a limit ``price``."""
        return self in (OrderType.LIMIT, OrderType.STOP_LIMIT)


class OrderSide(_StrEnum):
    """Buy or sell."""

    BUY = "buy"
    SELL = "sell"


class TradeType(_StrEnum):
    """Spot, or USDT-margined perpetual futures."""

    SPOT = "spot"
    FUTURES = "futures"


class OrderStatus(_StrEnum):
    """Where an order is in its life. ``UNKNOWN`` stands for a status the venue invented."""

    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELED = "canceled"
    EXPIRED = "expired"
    REJECTED = "rejected"
    UNKNOWN = "unknown"

    @property
    def is_open(self) -> bool:
        """Whether the order can still trade."""
        return self in (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)


class TimeInForce(_StrEnum):
    """How long a limit order stays on the book."""

    GTC = "GTC"
    """Good till cancelled."""
    IOC = "IOC"
    """Immediate or cancel: fill what can be filled now, cancel the rest."""
    FOK = "FOK"
    """Fill or kill: fill completely now, or not at all."""
    POST_ONLY = "PO"
    """Rest on the book as a maker order, or be rejected."""


class PositionSide(_StrEnum):
    """The direction of a futures position."""

    LONG = "long"
    SHORT = "short"


class MarginMode(_StrEnum):
    """How a futures position's margin is shared."""

    CROSS = "cross"
    ISOLATED = "isolated"


def _aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (UTC)")
    return value.astimezone(timezone.utc)


def _plain(value: Decimal) -> str:
    """A Decimal as plain digits for JSON (``0.0000001``, never ``1E-7``)."""
    return format(value, "f")


# Strict Decimal: a float (or int, or str) in a money field is refused by pydantic-core, in C.
# In JSON, money is a string of plain digits, so no reader turns it into a float by accident.
Money = Annotated[
    Decimal,
    Field(strict=True),
    PlainSerializer(_plain, return_type=str, when_used="json"),
]
Timestamp = Annotated[datetime, AfterValidator(_aware_utc)]


class _Model(BaseModel):
    """Frozen model whose ``raw`` venue payload is kept out of repr, equality, hashing and dumps."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)

    raw: Any = Field(default=None, repr=False, exclude=True)
    """The venue's payload this model was parsed from (as ccxt returned it)."""

    _compared: ClassVar[tuple[str, ...]] = ()
    _template: ClassVar[dict[str, Any]] = {}
    _required: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._compared = tuple(name for name in cls.model_fields if name != "raw")
        # every field in declaration order, holding its default (required ones are overwritten)
        cls._template = {
            name: None if field.is_required() else field.get_default(call_default_factory=True)
            for name, field in cls.model_fields.items()
        }
        cls._required = frozenset(n for n, f in cls.model_fields.items() if f.is_required())

    @classmethod
    def _trusted(cls: type[_M], **values: Any) -> _M:
        """Build a model from values that already have their final types, without validation.

        For exchlayer's parsers only, whose values come out of the parsing already Decimal,
        aware datetimes and enums. It does what pydantic's ``model_construct`` does for these
        frozen models (no extras, no private attributes) in a third of the time. With
        [`check_parsed_models`][exchlayer.models.check_parsed_models] on (as in exchlayer's
        test suite), it validates strictly instead, which proves those types.
        """
        if _checking:
            return cls.model_validate(values, strict=True)
        if not cls._required <= values.keys():
            missing = ", ".join(sorted(cls._required - values.keys()))
            raise TypeError(f"{cls.__name__} needs {missing}")
        fields = cls._template.copy()
        fields.update(values)  # existing keys keep their place: field order is preserved
        model = cls.__new__(cls)
        _setattr(model, "__dict__", fields)
        _setattr(model, "__pydantic_fields_set__", set(values))
        _setattr(model, "__pydantic_extra__", None)
        _setattr(model, "__pydantic_private__", None)
        return model

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._compared)

    def __hash__(self) -> int:
        return hash(tuple(_hashable(getattr(self, f)) for f in self._compared))


_M = TypeVar("_M", bound=_Model)
_setattr = object.__setattr__
_checking = False


def check_parsed_models(enabled: bool = True) -> None:
    """Validate, in strict mode, every model exchlayer parses from a venue's answer.

    Off by default: the parsers hand over values that already have their final types, and
    validation would cost about 10 µs a model. exchlayer's own test suite turns it on, so every
    answer the simulator gives is proven to parse into the declared types (a float where a
    Decimal belongs fails there); a user's test suite can do the same for its venues.
    """
    global _checking  # noqa: PLW0603 - one process-wide switch, read on every parse
    _checking = enabled


def _hashable(value: object) -> object:
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


class Fee(_Model):
    """A fee paid on a fill or an order."""

    cost: Money
    currency: str | None = None


class Ticker(_Model):
    """The latest price and 24-hour statistics of one market."""

    symbol: str
    trade_type: TradeType
    last_price: Money | None = None
    bid: Money | None = None
    ask: Money | None = None
    bid_size: Money | None = None
    ask_size: Money | None = None
    open: Money | None = None
    high: Money | None = None
    low: Money | None = None
    base_volume: Money | None = None
    quote_volume: Money | None = None
    change_percent: Money | None = None
    timestamp: Timestamp | None = None

    @property
    def spread(self) -> Decimal | None:
        """``ask - bid``, when the venue reports both."""
        if self.bid is None or self.ask is None:
            return None
        return _spread(self.bid, self.ask)

    @property
    def mid(self) -> Decimal | None:
        """The midpoint of bid and ask, when the venue reports both."""
        if self.bid is None or self.ask is None:
            return None
        return _mid(self.bid, self.ask)


_tuple_item = tuple.__getitem__


def _spread(bid: Any, ask: Any) -> Decimal | None:
    """``ask - bid``, or ``None`` where it is no number (a NaN, an infinity or a huge exponent
    in a hand-built model): the property never raises."""
    try:
        result = ask - bid
        return result if isinstance(result, Decimal) and result.is_finite() else None
    except (DecimalException, TypeError):
        return None


def _first(level: Any) -> Any:
    """A level's price; a level that is not a tuple (a hand-built model) gives ``None``."""
    try:
        return level[0]
    except Exception:
        return None


def _mid(bid: Any, ask: Any) -> Decimal | None:
    """``(bid + ask) / 2``, or ``None`` where it is no number (see `_spread`)."""
    try:
        result = (bid + ask) / 2
        return result if isinstance(result, Decimal) and result.is_finite() else None
    except (DecimalException, TypeError):
        return None


class OrderBookLevel(tuple[Decimal, Decimal]):
    """One price level of an order book: ``(price, amount)``.

    It reads as a tuple (``price, amount = level``), by attribute (``level.price``) and by key
    (``level["price"]``), so code written for dict-shaped levels keeps working.
    """

    __slots__ = ()

    def __new__(cls, price: Decimal, amount: Decimal) -> OrderBookLevel:
        """Build a level from a price and an amount."""
        return tuple.__new__(cls, (price, amount))

    @property
    def price(self) -> Decimal:
        """The level's price."""
        return tuple.__getitem__(self, 0)

    @property
    def amount(self) -> Decimal:
        """The amount resting at this price."""
        return tuple.__getitem__(self, 1)

    @overload
    def __getitem__(self, key: SupportsIndex) -> Decimal: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[Decimal, ...]: ...
    @overload
    def __getitem__(self, key: Literal["price", "amount"]) -> Decimal: ...
    def __getitem__(
        self, key: SupportsIndex | slice | str
    ) -> Decimal | tuple[Decimal, ...]:
        if type(key) is int:  # first: ccxt sorts each side of a book by ``level[0]``
            return _tuple_item(self, key)
        if key == "price":
            return _tuple_item(self, 0)
        if key == "amount":
            return _tuple_item(self, 1)
        if isinstance(key, str):
            raise KeyError(key)
        return _tuple_item(self, key)

    def __repr__(self) -> str:
        return f"OrderBookLevel(price={self.price!s}, amount={self.amount!s})"

    def keys(self) -> tuple[str, str]:
        """The field names, so ``dict(level)`` works."""
        return ("price", "amount")

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def build(value: Any) -> OrderBookLevel:
            if isinstance(value, OrderBookLevel):
                return value
            if isinstance(value, dict):
                price, amount = value["price"], value["amount"]
            else:
                price, amount = value
            if not isinstance(price, Decimal) or not isinstance(amount, Decimal):
                raise ValueError("order book levels hold Decimal price and amount")
            return cls(price, amount)

        return core_schema.no_info_plain_validator_function(
            build,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda level, info: (
                    {"price": _plain(level.price), "amount": _plain(level.amount)}
                    if info.mode_is_json()
                    else {"price": level.price, "amount": level.amount}
                ),
                info_arg=True,
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        decimal = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
        return {
            "type": "object",
            "title": "OrderBookLevel",
            "properties": {"price": decimal, "amount": decimal},
            "required": ["price", "amount"],
        }


class OrderBook(_Model):
    """Bids (best first, descending) and asks (best first, ascending) of one market."""

    symbol: str
    trade_type: TradeType
    bids: tuple[OrderBookLevel, ...]
    asks: tuple[OrderBookLevel, ...]
    timestamp: Timestamp | None = None

    @property
    def best_bid(self) -> OrderBookLevel | None:
        """The highest bid, or ``None`` on an empty side."""
        return self.bids[0] if self.bids else None

    @property
    def best_ask(self) -> OrderBookLevel | None:
        """The lowest ask, or ``None`` on an empty side."""
        return self.asks[0] if self.asks else None

    @property
    def spread(self) -> Decimal | None:
        """Best ask minus best bid (``None`` on an empty side, or where it is no number)."""
        if not self.bids or not self.asks:
            return None
        return _spread(_first(self.bids[0]), _first(self.asks[0]))

    @property
    def mid(self) -> Decimal | None:
        """The midpoint of the best bid and the best ask (``None`` as for `spread`)."""
        if not self.bids or not self.asks:
            return None
        return _mid(_first(self.bids[0]), _first(self.asks[0]))


class Balance(_Model):
    """How much of one currency an account holds: ``free + used == total``."""

    currency: str
    trade_type: TradeType
    free: Money
    used: Money
    total: Money


class Order(_Model):
    """An order as the venue reports it."""

    id: str
    client_order_id: str | None = None
    symbol: str
    trade_type: TradeType
    type: OrderType | None = None
    """``None`` when the venue reports an order type exchlayer does not model (see ``raw_type``)."""
    raw_type: str | None = None
    side: OrderSide
    status: OrderStatus
    raw_status: str | None = None
    """The status string before mapping, kept when ``status`` is ``UNKNOWN``."""
    amount: Money | None = None
    filled: Money = Decimal(0)
    remaining: Money | None = None
    price: Money | None = None
    average_price: Money | None = None
    stop_price: Money | None = None
    cost: Money | None = None
    fee: Fee | None = None
    time_in_force: TimeInForce | None = None
    reduce_only: bool = False
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None

    @property
    def is_open(self) -> bool:
        """Whether the order can still trade."""
        return self.status.is_open


class Trade(_Model):
    """One fill of one of the account's orders."""

    id: str
    order_id: str | None = None
    symbol: str
    trade_type: TradeType
    side: OrderSide
    price: Money
    amount: Money
    cost: Money
    fee: Fee | None = None
    is_maker: bool | None = None
    timestamp: Timestamp | None = None


class Position(_Model):
    """An open futures position."""

    symbol: str
    trade_type: TradeType = TradeType.FUTURES
    side: PositionSide
    size: Money
    """The position's size in base currency (contracts × contract size)."""
    contracts: Money | None = None
    contract_size: Money | None = None
    entry_price: Money | None = None
    mark_price: Money | None = None
    liquidation_price: Money | None = None
    notional: Money | None = None
    unrealized_pnl: Money | None = None
    margin: Money | None = None
    leverage: Money | None = None
    margin_mode: MarginMode | None = None
    timestamp: Timestamp | None = None


class Market(_Model):
    """One tradable market and the rules an order must follow on it."""

    symbol: str
    id: str
    base: str
    quote: str
    settle: str | None = None
    trade_type: TradeType
    active: bool = True
    contract_size: Money | None = None
    price_tick: Money | None = None
    amount_step: Money | None = None
    min_amount: Money | None = None
    max_amount: Money | None = None
    min_price: Money | None = None
    max_price: Money | None = None
    min_notional: Money | None = None
    max_leverage: Money | None = None
    maker_fee: Money | None = None
    taker_fee: Money | None = None


class Capabilities(_Model):
    """What one exchange connector can do. Calling anything else raises ``NotSupported``."""

    trade_types: frozenset[TradeType]
    order_types: frozenset[OrderType] = frozenset(OrderType)
    time_in_force: frozenset[TimeInForce] = frozenset(TimeInForce)
    testnet: frozenset[TradeType] = frozenset()
    """The trade types that have a testnet or demo environment."""
    positions: bool = False
    leverage: bool = False
    client_order_ids: bool = True
    open_orders_without_symbol: frozenset[TradeType] = frozenset()
    trades_without_symbol: frozenset[TradeType] = frozenset()
    streams: frozenset[str] = frozenset()
    """The WebSocket streams it serves (``"ticker"``, ``"order_book"``); any other
    ``watch_*`` call is `NotSupported`."""

    def supports(self, trade_type: TradeType) -> bool:
        """Whether the exchange trades ``trade_type`` at all."""
        return trade_type in self.trade_types


class ExchangeInfo(_Model):
    """What a connector is connected to, and what it can do there."""

    exchange: str
    name: str
    is_testnet: bool
    trade_types: tuple[TradeType, ...]
    capabilities: Capabilities
    markets: tuple[Market, ...]
    server_time: Timestamp | None = None

    @property
    def symbols(self) -> list[str]:
        """The unified symbols of every listed market."""
        return [m.symbol for m in self.markets]


class ConnectionCheck(_Model):
    """The result of one connection test: did the venue answer, how fast, and if not, why."""

    exchange: str
    ok: bool
    latency_ms: float
    checked_at: Timestamp
    error: str | None = None
    """The error's message (never a secret), when the check failed."""
    error_type: str | None = None
    """The exchlayer error class name, e.g. ``"AuthenticationError"``."""
