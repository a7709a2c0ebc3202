"""An optional FastAPI router over a :class:`~exchlayer.service.TradingService`.

Needs the ``api`` extra (``pip install "exchlayer[api]"``)::

    from fastapi import FastAPI, Header
    from exchlayer.api import create_router

    async def current_user(x_user: str = Header()) -> str:   # your app's authentication
        return x_user

    app = FastAPI()
    app.include_router(create_router(service, current_user=current_user))

Every connection-scoped call is made with ``user=<current user>``: a connection of another
user answers 404 exactly like a missing one. Money is :class:`~decimal.Decimal` in and out and
travels as JSON strings; a JSON number in a money field is refused (422), because a float cannot
carry an exact price. Secrets are write-only: responses say ``has_credentials``, validation
errors never echo the submitted values, and nothing here logs them. exchlayer errors are mapped
to HTTP statuses in one place (:func:`error_response`; the table is in ``docs/api.md``).
"""

import logging
import math
import re
import traceback
import uuid
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

try:
    from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from fastapi.routing import APIRoute
    from starlette.exceptions import HTTPException
except ImportError as exc:  # pragma: no cover - exercised by the packaging test
    raise ImportError(
        'exchlayer.api needs FastAPI: pip install "exchlayer[api]"'
    ) from exc

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from .config import CredentialModel, Credentials
from .connection import ExchangeConnection
from .errors import (
    AuthenticationError,
    ConnectionNotFound,
    ExchangeError,
    ExchangeLayerError,
    OrderLimitViolation,
    OrderNotFound,
    OrderStatusUnknown,
    PermanentError,
    RateLimitExceeded,
    RequestTimeout,
    TransientError,
)
from .models import (
    ExchangeInfo,
    Order,
    OrderBook,
    OrderSide,
    OrderType,
    Position,
    Ticker,
    TimeInForce,
    Trade,
    TradeType,
)
from .service import ConnectionStatus, PortfolioBalance, TickerSnapshot, TradingService

__all__ = [
    "DECIMAL_PATTERN",
    "ERROR_STATUSES",
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
    "create_router",
    "error_response",
]

log = logging.getLogger(__name__)

ServiceSource = TradingService | Callable[[], TradingService]
"""A service, or a zero-argument callable returning it (e.g. one set up in the app's lifespan)."""

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
    """What a symbol without a settle currency means (``BTC/USDT``): spot or futures."""
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
    """The exchlayer error class, e.g. ``OrderLimitViolation``."""
    message: str
    exchange: str | None = None
    operation: str | None = None
    symbol: str | None = None
    limit: str | None = None
    """OrderLimitViolation: which rule (``min_amount``, ``price_tick``, ...)."""
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


# --- errors: the one mapping --------------------------------------------------------------------
ERROR_STATUSES: tuple[tuple[type[ExchangeLayerError], int], ...] = (
    (OrderStatusUnknown, status.HTTP_504_GATEWAY_TIMEOUT),
    (RequestTimeout, status.HTTP_504_GATEWAY_TIMEOUT),
    (RateLimitExceeded, status.HTTP_429_TOO_MANY_REQUESTS),
    (TransientError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (AuthenticationError, status.HTTP_424_FAILED_DEPENDENCY),
    (OrderNotFound, status.HTTP_404_NOT_FOUND),
    (ConnectionNotFound, status.HTTP_404_NOT_FOUND),
    (ExchangeError, status.HTTP_502_BAD_GATEWAY),
    (PermanentError, status.HTTP_400_BAD_REQUEST),
)
"""exchlayer error class -> HTTP status, first match wins; anything else is 502."""


def error_response(exc: ExchangeLayerError) -> JSONResponse:
    """The HTTP answer for an exchlayer error (see :data:`ERROR_STATUSES`)."""
    code = next(
        (code for cls, code in ERROR_STATUSES if isinstance(exc, cls)),
        status.HTTP_502_BAD_GATEWAY,
    )
    body = ErrorBody(
        error=type(exc).__name__,
        message=exc.message,
        exchange=exc.exchange,
        operation=exc.operation,
        symbol=exc.symbol,
    )
    headers: dict[str, str] = {}
    if isinstance(exc, OrderLimitViolation):
        body = body.model_copy(
            update={
                "limit": exc.limit,
                "value": format(exc.value, "f"),  # "0.0000001", never "1E-7"
                "allowed": format(exc.allowed, "f"),
            }
        )
    elif isinstance(exc, OrderStatusUnknown):
        body = body.model_copy(update={"client_order_id": exc.client_order_id})
    elif isinstance(exc, RateLimitExceeded):
        body = body.model_copy(update={"retry_after": exc.retry_after})
        wait = exc.retry_after if exc.retry_after is not None else 1.0
        headers["Retry-After"] = str(max(1, math.ceil(wait)))
    log.debug("exchlayer error %s -> %d: %s", type(exc).__name__, code, exc)
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), code, headers)


def _validation_response(errors: Sequence[Any]) -> JSONResponse:
    """422 without the submitted values: FastAPI's default body repeats each bad ``input``
    (an api_secret, say) and pydantic's ``ctx``; this one keeps only where and why."""
    issues: list[ValidationIssue] = []
    for error in errors:
        msg = str(error.get("msg", "invalid value"))
        msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        loc = [p if isinstance(p, int) else str(p) for p in error.get("loc", ())]
        issues.append(ValidationIssue(loc=loc, msg=msg, type=str(error.get("type", "invalid"))))
    message = "; ".join(
        f"{'.'.join(str(p) for p in issue.loc) or 'request'}: {issue.msg}" for issue in issues
    )
    body = ValidationErrorBody(message=message or "invalid request", detail=issues)
    return JSONResponse(body.model_dump(mode="json"), 422)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """500, logged with the traceback's frames and exception types but no exception text (a
    library's message may quote a secret); the answer carries only an id to find the log by."""
    error_id = uuid.uuid4().hex[:16]
    chain: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 8:
        frames = "".join(traceback.format_list(traceback.extract_tb(seen.__traceback__)))
        chain.append(f"{type(seen).__module__}.{type(seen).__qualname__}\n{frames}")
        seen = seen.__cause__ or seen.__context__
    log.error(
        "unexpected %s in %s %s (error id %s); message withheld, frames:\n%s",
        type(exc).__qualname__, request.method, request.url.path, error_id,
        "caused by ".join(chain),
    )
    body = ErrorBody(error="InternalError", message="internal error", error_id=error_id)
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), 500)


class _Route(APIRoute):
    """Maps errors for every route of the router, so mounting the router is all it takes."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return _validation_response(exc.errors())
            except ExchangeLayerError as exc:
                return error_response(exc)
            except HTTPException:
                raise  # the host's own (e.g. 401 from current_user)
            except Exception as exc:
                return _unexpected(request, exc)

        return route


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The request is wrong for the venue or the market"},
    404: {"model": ErrorBody, "description": "No such connection (for this user) or order"},
    422: {"model": ValidationErrorBody, "description": "The request is malformed"},
    424: {"model": ErrorBody, "description": "The venue rejected the connection's credentials"},
    429: {"model": ErrorBody, "description": "The venue's rate limit; see Retry-After"},
    502: {"model": ErrorBody, "description": "The venue refused for an unclassified reason"},
    503: {"model": ErrorBody, "description": "The venue is unreachable or down"},
    504: {"model": ErrorBody, "description": "The venue did not answer in time"},
}


# --- helpers ----------------------------------------------------------------------------------
def _status_out(connection_id: int, status_: ConnectionStatus | None) -> ConnectionStatusOut:
    if status_ is None:
        return ConnectionStatusOut(connection_id=connection_id, connected=False)
    return ConnectionStatusOut(
        connection_id=connection_id,
        connected=status_.connected,
        last_check=status_.last_check,
        latency_ms=status_.latency_ms,
        last_error=status_.last_error,
        error_type=status_.error_type,
    )


_CLIENT_OPTIONS = frozenset(ConnectionOptions.model_fields)


def _connection_out(
    connection: ExchangeConnection, status_: ConnectionStatus | None
) -> ConnectionOut:
    assert connection.id is not None
    visible = {k: v for k, v in connection.options.items() if k in _CLIENT_OPTIONS}
    try:
        options = ConnectionOptionsOut.model_validate(visible)
    except ValidationError:  # set by the host to something this model cannot show
        options = ConnectionOptionsOut()
    return ConnectionOut(
        id=connection.id,
        exchange=connection.exchange,
        label=connection.label,
        is_testnet=connection.is_testnet,
        has_credentials=connection.has_credentials,
        options=options,
        created_at=connection.created_at,
        status=_status_out(connection.id, status_),
    )


def _order_book_out(exchange: str, book: OrderBook) -> OrderBookOut:
    return OrderBookOut(
        exchange=exchange,
        symbol=book.symbol,
        trade_type=book.trade_type,
        bids=[PriceLevel(price=level.price, amount=level.amount) for level in book.bids],
        asks=[PriceLevel(price=level.price, amount=level.amount) for level in book.asks],
        timestamp=book.timestamp,
    )


# --- the router -------------------------------------------------------------------------------
def create_router(
    service: ServiceSource,
    *,
    current_user: Callable[..., Any],
    prefix: str = "/api/v1/exchanges",
    connection_options: Mapping[str, Any] | None = None,
) -> APIRouter:
    """The exchange endpoints over ``service``, scoped to ``current_user``.

    Args:
        service: the :class:`TradingService`, or a zero-argument callable returning it (called
            on every request, so the service can be created in the app's lifespan).
        current_user: a FastAPI dependency returning the current user's id (``str``); your
            authentication. Every connection-scoped call is made with ``user=`` that id.
        prefix: where the endpoints live.
        connection_options: connector options set on every connection created or updated
            through the API (e.g. ``{"rate_limit": my_redis_backend}``); clients cannot set
            these, only the whitelisted :class:`ConnectionOptions`. If the service has a store,
            they are saved with the connection, so keep them storable.
    """
    host_options = dict(connection_options or {})

    async def get_service() -> TradingService:
        found = service if isinstance(service, TradingService) else service()
        if not isinstance(found, TradingService):
            raise TypeError(f"the service callable returned {type(found).__name__}")
        return found

    Svc = Annotated[TradingService, Depends(get_service)]
    User = Annotated[str, Depends(current_user)]
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

    router = APIRouter(prefix=prefix, route_class=_Route, responses=_ERRORS)

    def options_of(requested: ConnectionOptions) -> dict[str, Any]:
        return {**host_options, **requested.model_dump(mode="json", exclude_none=True)}

    async def connection_out(svc: TradingService, connection: ExchangeConnection) -> ConnectionOut:
        assert connection.id is not None
        statuses = await svc.get_connection_status(user=connection.user)
        return _connection_out(connection, statuses.get(connection.id))

    # --- connections ---------------------------------------------------------------------------
    @router.get("/connections", tags=["connections"], summary="The user's connections")
    async def list_connections(svc: Svc, user: User) -> list[ConnectionOut]:
        statuses = await svc.get_connection_status(user=user)
        return [
            _connection_out(c, statuses.get(c.id)) for c in svc.connections(user) if c.id
        ]

    @router.post(
        "/connections",
        status_code=status.HTTP_201_CREATED,
        tags=["connections"],
        summary="Add a connection (it is tested first; nothing is kept if the venue refuses it)",
    )
    async def create_connection(body: ConnectionCreate, svc: Svc, user: User) -> ConnectionOut:
        credentials = Credentials.from_values(
            body.api_key, body.api_secret, body.passphrase, exchange=body.exchange
        )
        connection = ExchangeConnection(
            user=user,
            exchange=body.exchange,
            label=body.label,
            credentials=credentials,
            is_testnet=body.is_testnet,
            options=options_of(body.options),
        )
        added = await svc.add_exchange_connection(connection)
        return await connection_out(svc, added)

    @router.put(
        "/connections/{connection_id}",
        tags=["connections"],
        summary="Change a connection's label, credentials, testnet flag or options (re-tested)",
    )
    async def update_connection(
        connection_id: ConnectionId, body: ConnectionUpdate, svc: Svc, user: User
    ) -> ConnectionOut:
        current = svc.get_connection(connection_id, user=user)
        changes: dict[str, Any] = {}
        if body.label is not None:
            changes["label"] = body.label
        if body.is_testnet is not None:
            changes["is_testnet"] = body.is_testnet
        if body.options is not None:
            changes["options"] = options_of(body.options)
        if body.api_key is not None:
            changes["credentials"] = Credentials.from_values(
                body.api_key, body.api_secret, body.passphrase, exchange=current.exchange
            )
        updated = await svc.update_exchange_connection(current.model_copy(update=changes))
        return await connection_out(svc, updated)

    @router.delete(
        "/connections/{connection_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        response_class=Response,
        tags=["connections"],
        summary="Remove a connection",
    )
    async def delete_connection(connection_id: ConnectionId, svc: Svc, user: User) -> Response:
        svc.get_connection(connection_id, user=user)
        if not await svc.remove_exchange_connection(connection_id):
            raise ConnectionNotFound(f"no connection {connection_id}")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.get(
        "/connections/{connection_id}/test",
        tags=["connections"],
        summary="Test a connection now (a failed test is a 200 with connected=false)",
    )
    async def test_connection(
        connection_id: ConnectionId, svc: Svc, user: User
    ) -> ConnectionStatusOut:
        return _status_out(connection_id, await svc.test_connection(connection_id, user=user))

    # --- market data (public, served by the service's credential-less connectors) ----------------
    @router.get(
        "/ticker/{symbol:path}",
        tags=["market data"],
        summary="One venue's ticker, or a snapshot across the user's venues with the best bid/ask",
    )
    async def get_ticker(
        symbol: SymbolPath,
        svc: Svc,
        user: User,
        exchange: Annotated[str | None, Query(pattern=_NAME_PATTERN, examples=["binance"])] = None,
    ) -> Ticker | TickerSnapshot:
        if exchange is not None:
            return await svc.get_ticker(symbol, exchange)
        # the user's venues only: which venues other users connect to is none of theirs
        return await svc.get_ticker(symbol, user=user)

    @router.get("/orderbook/{symbol:path}", tags=["market data"], summary="One venue's book")
    async def get_order_book(
        symbol: SymbolPath,
        exchange: ExchangeQuery,
        svc: Svc,
        user: User,
        limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    ) -> OrderBookOut:
        book = await (await svc.market_data(exchange)).get_order_book(symbol, limit)
        return _order_book_out(exchange.strip().lower(), book)

    @router.get(
        "/symbols/{exchange_name}", tags=["market data"], summary="The active symbols"
    )
    async def get_symbols(
        exchange_name: ExchangePath, svc: Svc, user: User, trade_type: TradeTypeQuery = None
    ) -> SymbolList:
        symbols = await (await svc.market_data(exchange_name)).get_symbols(trade_type)
        return SymbolList(
            exchange=exchange_name.strip().lower(), trade_type=trade_type, symbols=symbols
        )

    @router.get(
        "/info/{exchange_name}",
        tags=["market data"],
        summary="The exchange's capabilities and markets",
    )
    async def get_info(exchange_name: ExchangePath, svc: Svc, user: User) -> ExchangeInfo:
        return await (await svc.market_data(exchange_name)).get_exchange_info()

    # --- account ---------------------------------------------------------------------------------
    @router.get(
        "/balance/{exchange_name}",
        tags=["account"],
        summary="The user's balances on one exchange, summed across their connections to it",
    )
    async def get_balance(
        exchange_name: ExchangePath, svc: Svc, user: User, trade_type: TradeTypeQuery = None
    ) -> ExchangeBalances:
        portfolio = await svc.get_portfolio(user, exchange=exchange_name, trade_type=trade_type)
        return ExchangeBalances(
            exchange=portfolio.exchange or exchange_name.strip().lower(),
            balances=portfolio.balances,
            errors=portfolio.errors,
        )

    # --- trading ---------------------------------------------------------------------------
    @router.post(
        "/orders",
        status_code=status.HTTP_201_CREATED,
        tags=["trading"],
        summary="Place an order through one of the user's connections",
    )
    async def create_order(body: OrderCreate, svc: Svc, user: User) -> Order:
        return await svc.create_order(
            connection_id=body.connection_id,
            symbol=body.symbol,
            order_type=body.order_type,
            side=body.side,
            amount=body.amount,
            price=body.price,
            stop_price=body.stop_price,
            trade_type=body.trade_type,
            time_in_force=body.time_in_force,
            reduce_only=body.reduce_only,
            client_order_id=body.client_order_id,
            user=user,
        )

    @router.get(
        "/orders/{connection_id}/by-client-id/{client_order_id}",
        tags=["trading"],
        summary="Look an order up by its client order id",
    )
    async def get_order_by_client_id(
        *,
        connection_id: ConnectionId,
        client_order_id: ClientIdPath,
        symbol: SymbolQuery,
        svc: Svc,
        user: User,
        trade_type: TradeTypeQuery = None,
    ) -> Order:
        return await svc.get_order(
            connection_id, None, symbol,
            client_order_id=client_order_id, trade_type=trade_type, user=user,
        )

    @router.delete(
        "/orders/{connection_id}/by-client-id/{client_order_id}",
        tags=["trading"],
        summary="Cancel an order by its client order id",
    )
    async def cancel_order_by_client_id(
        *,
        connection_id: ConnectionId,
        client_order_id: ClientIdPath,
        symbol: SymbolQuery,
        svc: Svc,
        user: User,
        trade_type: TradeTypeQuery = None,
    ) -> CancelResult:
        cancelled = await svc.cancel_order(
            connection_id, None, symbol,
            client_order_id=client_order_id, trade_type=trade_type, user=user,
        )
        return CancelResult(cancelled=cancelled)

    @router.get(
        "/orders/{connection_id}/{order_id}", tags=["trading"], summary="Look an order up"
    )
    async def get_order(
        *,
        connection_id: ConnectionId,
        order_id: OrderIdPath,
        symbol: SymbolQuery,
        svc: Svc,
        user: User,
        trade_type: TradeTypeQuery = None,
    ) -> Order:
        return await svc.get_order(
            connection_id, order_id, symbol, trade_type=trade_type, user=user
        )

    @router.delete(
        "/orders/{connection_id}/{order_id}", tags=["trading"], summary="Cancel an order"
    )
    async def cancel_order(
        *,
        connection_id: ConnectionId,
        order_id: OrderIdPath,
        symbol: SymbolQuery,
        svc: Svc,
        user: User,
        trade_type: TradeTypeQuery = None,
    ) -> CancelResult:
        cancelled = await svc.cancel_order(
            connection_id, order_id, symbol, trade_type=trade_type, user=user
        )
        return CancelResult(cancelled=cancelled)

    @router.get("/orders/{connection_id}", tags=["trading"], summary="Open orders")
    async def get_open_orders(
        connection_id: ConnectionId,
        svc: Svc,
        user: User,
        symbol: OptionalSymbol = None,
        trade_type: TradeTypeQuery = None,
    ) -> list[Order]:
        return await svc.get_open_orders(
            connection_id, symbol, trade_type=trade_type, user=user
        )

    @router.get(
        "/trades/{connection_id}/{symbol:path}",
        tags=["trading"],
        summary="The account's recent fills on one symbol, oldest first",
    )
    async def get_trades(
        *,
        connection_id: ConnectionId,
        symbol: SymbolPath,
        svc: Svc,
        user: User,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        trade_type: TradeTypeQuery = None,
    ) -> list[Trade]:
        return await svc.get_trades(
            connection_id, symbol, limit, trade_type=trade_type, user=user
        )

    @router.get(
        "/positions/{connection_id}", tags=["trading"], summary="Open futures positions"
    )
    async def get_positions(
        connection_id: ConnectionId, svc: Svc, user: User, symbol: OptionalSymbol = None
    ) -> list[Position]:
        return await svc.get_positions(connection_id, symbol, user=user)

    return router
