"""The API's request and response models, and the path and query parameters it reads.

Request bodies may carry credentials, so their validation errors never hold the submitted
values. Money is a `Decimal` that arrives as a JSON string (never a JSON number). The class
docstrings here are the schemas' descriptions in the OpenAPI document.
"""

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import Path, Query
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    WithJsonSchema,
    model_validator,
)

from ..config import CredentialModel
from ..models import OrderSide, OrderType, TimeInForce, TradeType
from ..orders import OrderRequest, order_request
from ..service import PortfolioBalance

__all__ = [
    "DECIMAL_PATTERN",
    "CancelResult",
    "ConnectionCreate",
    "ConnectionOptions",
    "ConnectionOptionsOut",
    "ConnectionOut",
    "ConnectionStatusOut",
    "ConnectionUpdate",
    "ErrorBody",
    "ExchangeBalances",
    "OrderBookOut",
    "OrderCreate",
    "PriceLevel",
    "SymbolList",
    "ValidationErrorBody",
    "ValidationIssue",
]

_MAX_ID = 2**53 - 1  # exact in a JSON number (and in JavaScript)
DECIMAL_PATTERN = r"^[0-9]{1,30}(\.[0-9]{1,30})?$"
_DECIMAL = re.compile(DECIMAL_PATTERN)
_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
_CLIENT_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"


# --- request models ---------------------------------------------------------------------------
def _money_string(value: object) -> object:
    if isinstance(value, Decimal):  # a Python caller building the model directly
        amount = value
    elif isinstance(value, str):
        if not _DECIMAL.fullmatch(value):
            raise ValueError(
                'must be a decimal written as a JSON string, e.g. "0.001" '
                "(digits and at most one point; no sign, exponent or spaces)"
            )
        amount = Decimal(value)
    else:
        raise ValueError(
            'money must be a JSON string such as "0.1", not a JSON number: a number is read '
            "as a binary float, which cannot carry an exact price or amount"
        )
    if not amount.is_finite() or amount <= 0:
        raise ValueError("must be greater than zero")
    return amount


MoneyString = Annotated[
    Decimal,
    BeforeValidator(_money_string),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DECIMAL_PATTERN,
            "description": "A positive decimal as a JSON string (never a JSON number).",
            "examples": ["0.001"],
        }
    ),
]
"""A positive Decimal that arrives as a JSON string."""

Secret = Annotated[SecretStr, Field(min_length=1, max_length=512)]
Label = Annotated[str, Field(max_length=200)]
ExchangeName = Annotated[str, Field(pattern=_NAME_PATTERN, examples=["binance"])]
Symbol = Annotated[str, Field(min_length=1, max_length=64, examples=["BTC/USDT"])]
ClientOrderId = Annotated[str, Field(pattern=_CLIENT_ID_PATTERN)]


class _Request(CredentialModel):
    """A request body: it may carry credentials, so its validation errors never hold inputs."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class ConnectionOptions(_Request):
    """The connector options a client may choose. Everything else (HTTP session, rate
    limiter, retry policy, ...) is the host application's: ``create_router(connection_options=)``.
    """

    default_trade_type: TradeType | None = None
    """What a symbol without a settle currency means (`BTC/USDT`): spot or futures."""
    timeout: float | None = Field(default=None, gt=0, le=60)
    """Seconds to wait for the venue's answer."""


class ConnectionCreate(_Request):
    """A new connection: the venue and the API key to reach it with."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"exchange": "binance", "label": "main", "api_key": "<key>",
                 "api_secret": "<secret>", "is_testnet": True,
                 "options": {"default_trade_type": "spot"}}
            ]
        }
    )

    exchange: ExchangeName
    label: Label = ""
    api_key: Secret
    api_secret: Secret
    passphrase: Secret | None = None
    is_testnet: bool = False
    options: ConnectionOptions = ConnectionOptions()


class ConnectionUpdate(_Request):
    """Changes to a connection; an omitted field keeps its current value. New credentials
    replace the old ones as a whole (``api_key`` and ``api_secret`` together)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"label": "main"}]})

    label: Label | None = None
    api_key: Secret | None = None
    api_secret: Secret | None = None
    passphrase: Secret | None = None
    is_testnet: bool | None = None
    options: ConnectionOptions | None = None

    @model_validator(mode="after")
    def _credentials_as_a_whole(self) -> "ConnectionUpdate":
        if (self.api_key is None) != (self.api_secret is None):
            raise ValueError(
                "give api_key and api_secret together (or neither, to keep the current ones)"
            )
        if self.passphrase is not None and self.api_key is None:
            raise ValueError("a new passphrase comes with a new api_key and api_secret")
        return self


class OrderCreate(_Request):
    """An order to place through one of the user's connections."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"connection_id": 1, "symbol": "BTC/USDT", "order_type": "limit",
                 "side": "buy", "amount": "0.001", "price": "30000"},
                {"connection_id": 1, "symbol": "BTC/USDT:USDT", "order_type": "market",
                 "side": "sell", "amount": "0.002"},
            ]
        }
    )

    connection_id: int = Field(ge=1, le=_MAX_ID)
    symbol: Symbol
    order_type: OrderType
    side: OrderSide
    amount: MoneyString
    price: MoneyString | None = None
    stop_price: MoneyString | None = None
    trade_type: TradeType | None = None
    time_in_force: TimeInForce | None = None
    reduce_only: bool = False
    client_order_id: ClientOrderId | None = None

    def request(self) -> OrderRequest:
        """The order-request model for this body (`InvalidOrder`, an HTTP 400, where a field
        does not apply to the order type)."""
        return order_request(
            self.symbol, self.order_type, self.side, self.amount, self.price,
            stop_price=self.stop_price, trade_type=self.trade_type,
            time_in_force=self.time_in_force, reduce_only=self.reduce_only,
            client_order_id=self.client_order_id,
        )


# --- response models --------------------------------------------------------------------------
_OUT = ConfigDict(frozen=True)


class ConnectionStatusOut(BaseModel):
    """The health of one connection, from the service's cache or a test just made."""

    model_config = _OUT

    connection_id: int
    connected: bool
    last_check: datetime | None = None
    latency_ms: float | None = None
    last_error: str | None = None
    error_type: str | None = None


class ConnectionOptionsOut(BaseModel):
    """The client-visible options of a connection (the host's own options are not shown)."""

    model_config = _OUT

    default_trade_type: TradeType | None = None
    timeout: float | None = None


class ConnectionOut(BaseModel):
    """A connection as its owner sees it; never a credential, only whether there is one."""

    model_config = _OUT

    id: int
    exchange: str
    label: str
    is_testnet: bool
    has_credentials: bool
    options: ConnectionOptionsOut
    created_at: datetime
    status: ConnectionStatusOut


class PriceLevel(BaseModel):
    """One level of an order book."""

    model_config = _OUT

    price: Decimal
    amount: Decimal


class OrderBookOut(BaseModel):
    """Bids (best first, descending) and asks (best first, ascending) of one market."""

    model_config = _OUT

    exchange: str
    symbol: str
    trade_type: TradeType
    bids: list[PriceLevel]
    asks: list[PriceLevel]
    timestamp: datetime | None = None


class ExchangeBalances(BaseModel):
    """The user's balances on one exchange, summed across their connections to it."""

    model_config = _OUT

    exchange: str
    balances: dict[str, PortfolioBalance]
    """Currency -> the sums and the per-connection breakdown."""
    errors: dict[int, str]
    """Connection id -> why its balance could not be read (left out of the sums)."""


class CancelResult(BaseModel):
    """``cancelled`` is false when the order exists but was no longer open."""

    model_config = _OUT

    cancelled: bool


class SymbolList(BaseModel):
    """The active unified symbols of one exchange."""

    model_config = _OUT

    exchange: str
    trade_type: TradeType | None
    symbols: list[str]


class ErrorBody(BaseModel):
    """Every error answer (except validation) has this shape."""

    error: str
    """The exchlayer error class, e.g. `OrderLimitViolation`."""
    message: str
    exchange: str | None = None
    operation: str | None = None
    symbol: str | None = None
    limit: str | None = None
    """OrderLimitViolation: which rule (`min_amount`, `price_tick`, ...)."""
    value: str | None = None
    allowed: str | None = None
    client_order_id: str | None = None
    """OrderStatusUnknown: look the order up by this id before sending it again."""
    retry_after: float | None = None
    error_id: str | None = None
    """An unexpected error: the id under which it was logged."""


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """A 422 answer. It never repeats the submitted values."""

    error: str = "ValidationError"
    message: str
    detail: list[ValidationIssue]


# --- path and query parameters ------------------------------------------------------------------
ConnectionId = Annotated[int, Path(ge=1, le=_MAX_ID, examples=[1])]
ExchangePath = Annotated[str, Path(pattern=_NAME_PATTERN, examples=["binance"])]
SymbolPath = Annotated[str, Path(min_length=1, max_length=64, examples=["BTC/USDT"])]
SymbolQuery = Annotated[str, Query(min_length=1, max_length=64, examples=["BTC/USDT"])]
OptionalSymbol = Annotated[str | None, Query(min_length=1, max_length=64)]
TradeTypeQuery = Annotated[TradeType | None, Query()]
# what any venue's order id can look like: no value can reach a signed request's path or
# query with '/', '?', '&', '#', '%' or whitespace in it (each venue checks its own form)
OrderIdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9._-]{1,64}$", examples=["1"])]
ClientIdPath = Annotated[str, Path(pattern=_CLIENT_ID_PATTERN, examples=["my-order-1"])]
ExchangeQuery = Annotated[str, Query(pattern=_NAME_PATTERN, examples=["binance"])]
OptionalExchangeQuery = Annotated[str | None, Query(pattern=_NAME_PATTERN, examples=["binance"])]
