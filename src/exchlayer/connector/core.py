"""CcxtExchange: the one generic connector every ccxt-backed venue shares.

A venue adapter is a subclass that fills in a table of differences (class attributes) and
overrides a hook only where data cannot say it. The connector does the rest: symbol and trade-type
mapping, input validation, precision and limit checks, client order ids, parsing into models,
error translation, secret redaction, and lazy ccxt clients (one per trade type, created on first
use, sharing one HTTP connection pool).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
import ssl
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import cache, partial
from types import MappingProxyType, TracebackType
from typing import Any, ClassVar, NamedTuple, TypeVar, overload

import aiohttp

from ..base import BaseExchange
from ..config import Credentials
from ..errors import (
    AuthenticationError,
    BadSymbol,
    ClockSkew,
    ConfigurationError,
    ExchangeLayerError,
    ExchangeUnavailable,
    InsufficientFunds,
    InvalidArgument,
    InvalidOrder,
    MalformedResponse,
    NotSupported,
    OrderNotFound,
    OrderStatusUnknown,
    PermanentError,
    RateLimitExceeded,
    TransientError,
)
from ..models import (
    Balance,
    Capabilities,
    ConnectionCheck,
    ExchangeInfo,
    Market,
    Order,
    OrderBook,
    OrderSide,
    OrderStatus,
    OrderType,
    Position,
    Ticker,
    TimeInForce,
    Trade,
    TradeType,
)
from ..redaction import RedactingLogger
from ..resilience.ratelimit import (
    RateLimitBackend,
    RateLimiter,
    WindowLimiter,
    default_backend,
)
from ..resilience.retry import NO_RETRY, RetryPolicy, retry_call
from . import parsing
from .errormap import translate
from .markets import MarketCache
from .validation import OrderRequest, check_market_rules, check_order_request, parse_symbol

__all__ = [
    "CcxtExchange",
    "CcxtOrder",
    "OrderInDoubt",
    "as_sent",
    "enveloped_records",
    "header_seconds",
    "named_rows",
    "plain",
    "recv_window_ms",
]

T = TypeVar("T")
log = logging.getLogger("exchlayer")
_wire_log = logging.getLogger("exchlayer.wire")

_CLIENT_ID_CHARS = re.compile(r"[A-Za-z0-9._-]+")
_CURRENCY = re.compile(r"[A-Za-z0-9]{1,20}")
_ONE = Decimal(1)
# A venue's refusal of a new order: the venue answered and did not act. Anything else after the
# request left (a timeout, a 5xx, an unknown or busy code, an answer that cannot be read) leaves
# the order's fate open.
_REFUSALS = (
    AuthenticationError,
    InsufficientFunds,
    InvalidArgument,
    BadSymbol,
    NotSupported,
    RateLimitExceeded,
    ClockSkew,
)


class _Trace:
    """What the requests of one call have done so far; kept up to date by the patched ccxt
    ``fetch`` through :data:`_TRACE`, read when the call fails to tell what the failure means."""

    __slots__ = ("accepted", "answered", "mutations")

    def __init__(self) -> None:
        self.answered = False
        """The last request's answer arrived and passed the venue's error check."""
        self.mutations = 0
        """Requests sent that may change state on the venue (anything but GET)."""
        self.accepted = 0
        """Of those, how many the venue answered without an error."""


_TRACE: ContextVar[_Trace | None] = ContextVar("exchlayer_trace", default=None)


@dataclass(frozen=True)
class OrderInDoubt:
    """An order whose ``create_order`` ended without a definite answer: the caller cancelled it
    while the request was in flight, or its fate could not be established
    (:class:`~exchlayer.OrderStatusUnknown`). Look it up by :attr:`client_order_id`."""

    client_order_id: str
    symbol: str
    trade_type: TradeType
    side: OrderSide
    amount: Decimal
    price: Decimal | None
    sent_at: datetime
    """When it was sent (UTC, the local clock)."""
    reason: str
    """``"cancelled"`` (by the caller, in flight) or ``"unknown"`` (OrderStatusUnknown)."""

    @classmethod
    def of(cls, request: OrderRequest, cid: str, sent_at: datetime, reason: str) -> OrderInDoubt:
        return cls(
            client_order_id=cid,
            symbol=request.symbol,
            trade_type=request.trade_type,
            side=request.side,
            amount=request.amount,
            price=request.price,
            sent_at=sent_at,
            reason=reason,
        )


class CcxtOrder(NamedTuple):
    """The arguments of one ccxt ``create_order`` call (numbers as plain strings)."""

    type: str
    amount: str | int
    """Plain digits; an ``int`` where the venue counts whole contracts (lots)."""
    price: str | None
    params: dict[str, Any]


@cache
def _ccxt_class(ccxt_id: str) -> type[Any]:
    """ccxt's async class for ``ccxt_id``, with order-book levels parsed straight to Decimal."""
    import ccxt.async_support as ccxt_async

    base = getattr(ccxt_async, ccxt_id, None)
    if base is None:
        raise ConfigurationError(f"ccxt has no exchange class {ccxt_id!r}")

    # ccxt's exceptions do not say which HTTP status produced them, and some venues wrap a 5xx
    # in a JSON body ccxt reads as a permanent refusal. Annotate every error ccxt raises from
    # a response with its status and Retry-After, so translation can tell.
    def handle_errors(  # noqa: PLR0917 - ccxt's own signature
        self: Any, code: Any, reason: Any, url: Any, method: Any, headers: Any, *rest: Any
    ) -> Any:
        try:
            return base.handle_errors(self, code, reason, url, method, headers, *rest)
        except Exception as exc:
            _annotate(exc, code, headers)
            raise

    def handle_http_status_code(self: Any, code: Any, *rest: Any) -> Any:
        try:
            return base.handle_http_status_code(self, code, *rest)
        except Exception as exc:
            _annotate(exc, code, getattr(self, "last_response_headers", None))
            raise

    # ccxt hands a body that is not JSON (a proxy's garbage, an empty 200) to the venue's
    # parser as a string, and the parsers turn it into records of Nones. Every REST endpoint
    # exchlayer calls answers JSON, so anything else is refused here, as a bad response.
    async def fetch(self: Any, url: Any, method: Any = "GET", headers: Any = None,
                    body: Any = None) -> Any:
        trace = _TRACE.get()
        mutating = method != "GET"
        if trace is not None:
            trace.answered = False
            if mutating:
                trace.mutations += 1
        result = await base.fetch(self, url, method, headers, body)
        path = url.split("?")[0]
        if not isinstance(result, (dict, list)):
            preview = str(result)[:80] if result else "an empty body"
            raise ccxt_async.BadResponse(
                f"{self.id} {method} {path}: the venue answered with something that is not "
                f"JSON: {preview!r}"
            )
        shape = getattr(self, "xl_json_shape", None)
        expected = shape(method, path) if shape is not None else None
        if expected is not None and not isinstance(result, expected):
            raise ccxt_async.BadResponse(
                f"{self.id} {method} {path}: expected a JSON {expected.__name__} from the "
                f"venue, got a {type(result).__name__}"
            )
        holds = getattr(self, "xl_answer_holds", None)
        if holds is not None and not holds(method, path, result):
            raise ccxt_async.BadResponse(
                f"{self.id} {method} {path}: the answer does not hold what this endpoint "
                f"answers ({str(result)[:80]!r})"
            )
        if trace is not None:
            trace.answered = True
            if mutating:
                trace.accepted += 1
        return result

    # ccxt works tickers, orders, trades, balances and positions out in strings (``Precise``),
    # then turns each number into a float, which exchlayer would turn back into a Decimal
    # through its text (and a float holds only ~16 digits). Within these synchronous calls,
    # ccxt's ``parse_number`` keeps the strings instead (``parsing.exact_number``), and the
    # parsers make each one a Decimal: exact, and one conversion per field instead of three.
    def in_decimals(name: str) -> Callable[..., Any]:
        parse = getattr(base, name)

        def parse_in_decimals(self: Any, *args: Any) -> Any:
            number = self.number
            self.number = parsing.exact_number
            try:
                return parse(self, *args)
            finally:
                self.number = number

        parse_in_decimals.__name__ = name
        return parse_in_decimals

    # ccxt drops the records of other markets from an answer about one market (open orders, my
    # trades, ...), so such an answer would read as "none". The venues filter by symbol
    # themselves: another market's record there means the answer is not to be believed.
    def filter_by_symbol_since_limit(  # noqa: PLR0917 - ccxt's own signature
        self: Any, array: Any, symbol: Any = None, since: Any = None, limit: Any = None,
        tail: Any = False,
    ) -> Any:
        if symbol is not None:
            for entry in self.to_array(array):
                got = entry.get("symbol") if isinstance(entry, dict) else None
                if got != symbol:
                    raise ccxt_async.BadResponse(
                        f"{self.id}: the answer about {symbol} holds a record of {got!r}"
                    )
        return base.filter_by_symbol_since_limit(self, array, symbol, since, limit, tail)

    # Positions are built by each venue's parse_position (Binance's by its two variants), which
    # makes each number itself: those run with the string-keeping number too.
    position_parsers = {
        name: in_decimals(name)
        for name in ("parse_position", "parse_position_risk", "parse_account_position")
        if hasattr(base, name)
    }
    return type(
        base.__name__,
        (base,),
        {
            "parse_order_book_bid_ask": parsing.decimal_bid_ask,
            "safe_ticker": in_decimals("safe_ticker"),
            "safe_order": in_decimals("safe_order"),
            "safe_trade": in_decimals("safe_trade"),
            "safe_balance": in_decimals("safe_balance"),
            **position_parsers,
            "filter_by_symbol_since_limit": filter_by_symbol_since_limit,
            "handle_errors": handle_errors,
            "handle_http_status_code": handle_http_status_code,
            "fetch": fetch,
        },
    )


def _annotate(exc: Exception, status: Any, headers: Any) -> None:
    exc.xl_http_status = status  # type: ignore[attr-defined]
    exc.xl_headers = headers  # type: ignore[attr-defined]  # the response's, not the request's


class _Operation:
    """Translates whatever escapes one connector call into an exchlayer error, in one place,
    and traces the call's requests (:class:`_Trace`) so a failure can say what it means."""

    __slots__ = ("connector", "name", "symbol", "token", "trace")

    def __init__(self, connector: CcxtExchange, name: str, symbol: str | None) -> None:
        self.connector = connector
        self.name = name
        self.symbol = symbol

    def __enter__(self) -> _Operation:
        self.trace = _Trace()
        self.token = _TRACE.set(self.trace)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _TRACE.reset(self.token)
        if exc is None or not isinstance(exc, Exception):
            return  # success, or CancelledError/KeyboardInterrupt: let it through untouched
        connector = self.connector
        if isinstance(exc, ExchangeLayerError):
            exc.exchange = exc.exchange or connector.name
            exc.operation = exc.operation or self.name
            exc.symbol = exc.symbol or (self.symbol if type(self.symbol) is str else None)
            return
        raise translate(
            exc,
            exchange=connector.name,
            operation=self.name,
            symbol=self.symbol if type(self.symbol) is str else None,
            scrub=connector._redactor,
            refine=connector._refine_error,
            answered=self.trace.answered,
        ) from exc


class CcxtExchange(BaseExchange):
    """A connector backed by ccxt's async classes.

    Args:
        credentials: API key, secret and passphrase; ``None`` for public data only.
        is_testnet: use the venue's testnet/demo environment.
        session: an ``aiohttp.ClientSession`` to send requests through (shared connection pool,
            or a session routed to the simulator). The caller keeps ownership and closes it.
        default_trade_type: what a symbol without a settle currency means (spot by default).
        timeout: seconds before a request is abandoned.
        rate_limit: share the venue's request budget with every other connector of the venue,
            and keep each account's new orders inside the venue's order-count windows
            (:attr:`order_rate_limits`) (``True``: within this process; a
            :class:`~exchlayer.resilience.RedisBackend`: across processes; ``False``: no
            throttling at all).
        retry: how reads are retried on transient errors (default :class:`RetryPolicy()`;
            ``exchlayer.resilience.NO_RETRY`` turns retries off). Orders are never retried
            blindly: see :meth:`create_order`.
        ccxt_options: extra ccxt ``options`` for every client (advanced).
        market_cache: share market metadata with every other connector of this venue that uses
            the same cache (a :class:`~exchlayer.service.TradingService` passes its own).
        reconcile_timeout: how long, in seconds, an order whose answer was lost (a timeout, a
            dropped connection, a 5xx, an unknown error code, a garbled answer) is looked for
            before :class:`~exchlayer.OrderStatusUnknown` is raised. It is never sent again.
    """

    # --- the table of differences a venue adapter fills in -------------------------------
    name: ClassVar[str] = "ccxt"
    display_name: ClassVar[str] = "ccxt"
    capabilities: ClassVar[Capabilities] = Capabilities(trade_types=frozenset({TradeType.SPOT}))
    ccxt_ids: ClassVar[Mapping[TradeType, str]] = MappingProxyType({})
    """The ccxt class serving each trade type (one class may serve both)."""
    ccxt_options: ClassVar[Mapping[TradeType, Mapping[str, Any]]] = MappingProxyType({})
    """ccxt ``options`` per trade type (e.g. which market types to load)."""
    testnet_modes: ClassVar[Mapping[TradeType, str]] = MappingProxyType({})
    """How ccxt reaches the test environment per trade type: ``"sandbox"`` or ``"demo"``."""
    requires_passphrase: ClassVar[bool] = False
    client_order_id_prefix: ClassVar[str] = "xl"
    client_order_id_max_length: ClassVar[int] = 32
    order_book_depths: ClassVar[Mapping[TradeType, tuple[int, ...]]] = MappingProxyType({})
    """The book depths a venue accepts, per trade type; others are rounded up and trimmed."""
    order_id_pattern: ClassVar[re.Pattern[str]] = re.compile(r"[A-Za-z0-9._-]{1,64}")
    """What the venue's order ids look like (matched whole). An ``order_id`` that does not match
    is refused before any request: no value can alter the path or query of a signed request."""
    order_timestamp_window: ClassVar[float | None] = None
    """Seconds after which the venue refuses a signed request as too old (Binance's
    ``recvWindow``). ``None``: the venue documents no such window."""
    position_keys: ClassVar[tuple[str, str] | None] = None
    """The keys of the venue's own position record that name its market and hold its size: a
    position without them (nulled, wrapped) is a malformed answer, not a flat position."""
    cancel_ignores_symbol: ClassVar[frozenset[TradeType]] = frozenset()
    """Trade types where one of the venue's cancel-by-id endpoints takes no symbol, so it would
    cancel another market's order given its id: a cancel by order id there looks the order up
    first (one more request) and refuses one of another market with ``OrderNotFound``."""
    clock_tolerance: ClassVar[float] = 1.0
    """Seconds a request's timestamp may run ahead of the venue's clock and still be accepted:
    the longest a request stays valid is its timestamp window plus this."""
    max_lookup_lag: ClassVar[float] = 5.0
    """exchlayer's assumption of how long, at most, a placed order may be missing from the
    venue's lookups (venues do not document it). With the timestamp window it says when a lookup
    that does not find an order is final (:attr:`~exchlayer.OrderStatusUnknown.settles_by`)."""
    rate_limit_share: ClassVar[float] = 0.95
    """The share of ccxt's model of the venue's budget connectors may spend (headroom for
    clock drift between us and the venue's window)."""
    rate_limit_burst: ClassVar[float] = 50.0
    """Cost units that may be spent at once (must cover the dearest single call)."""
    order_rate_limits: ClassVar[Mapping[TradeType, tuple[tuple[int, float], ...]]] = (
        MappingProxyType({})
    )
    """The venue's limits on one account's new orders, per trade type: ``(orders, seconds)``
    windows (Binance spot: ``((100, 10.0),)``). ccxt does not model them; exchlayer makes an
    order wait for room in every window rather than have the venue refuse it."""
    trigger_order_params: ClassVar[Mapping[TradeType, Mapping[str, Any]]] = MappingProxyType({})
    """Where a venue keeps trigger (stop) orders apart from the others, the ccxt ``params`` that
    reach them (Binance futures: ``{"trigger": True}``). Lookups, cancels and open-order lists
    then cover both kinds, so the caller never needs to know which kind an order is."""

    def __init__(
        self,
        *,
        credentials: Credentials | None = None,
        is_testnet: bool = False,
        session: aiohttp.ClientSession | None = None,
        default_trade_type: TradeType | str = TradeType.SPOT,
        timeout: float = 10.0,
        rate_limit: bool | RateLimitBackend = True,
        retry: RetryPolicy | None = None,
        ccxt_options: Mapping[str, Any] | None = None,
        market_cache: MarketCache | None = None,
        reconcile_timeout: float = 5.0,
    ) -> None:
        super().__init__(credentials=credentials, is_testnet=is_testnet)
        if self.requires_passphrase and credentials is not None and credentials.passphrase is None:
            raise ConfigurationError(
                f"{self.display_name} API keys come with a passphrase: pass passphrase=... "
                f"(or set {self.name.upper()}_PASSPHRASE)",
                exchange=self.name,
            )
        if is_testnet and not self.capabilities.testnet:
            raise NotSupported(
                f"{self.display_name} has no testnet or demo environment; refusing to run "
                "is_testnet=True against the live venue",
                exchange=self.name,
            )
        try:
            default = TradeType(default_trade_type)
        except ValueError:
            raise ConfigurationError(
                f"default_trade_type must be spot or futures, got {default_trade_type!r}"
            ) from None
        if not self.capabilities.supports(default):
            raise NotSupported(
                f"{self.display_name} does not trade {default.value}", exchange=self.name
            )
        if timeout <= 0:
            raise ConfigurationError(f"timeout must be positive, got {timeout}")
        if not reconcile_timeout >= 0:
            raise ConfigurationError(
                f"reconcile_timeout must be zero or positive, got {reconcile_timeout}"
            )
        self._reconcile_timeout = float(reconcile_timeout)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._in_doubt: deque[OrderInDoubt] = deque(maxlen=100)
        self._session = session
        self._own_session: aiohttp.ClientSession | None = None
        self.default_trade_type = default
        self._timeout_ms = int(timeout * 1000)
        if rate_limit is True:
            self._rate_backend: RateLimitBackend | None = default_backend()
        elif rate_limit is False or rate_limit is None:
            self._rate_backend = None
        elif isinstance(rate_limit, RateLimitBackend):
            self._rate_backend = rate_limit
        else:
            raise ConfigurationError(
                f"rate_limit must be a bool or a RateLimitBackend, got {rate_limit!r}"
            )
        self._limiters: dict[TradeType, RateLimiter] = {}
        self._order_limiters: dict[TradeType, WindowLimiter | None] = {}
        self._retry = retry if retry is not None else RetryPolicy()
        self._extra_options = dict(ccxt_options or {})
        self._clients: dict[TradeType, Any] = {}
        self._shared_markets = market_cache
        self._market_cache: dict[tuple[TradeType, str], Market] = {}
        self._markets_seen: dict[TradeType, int] = {}
        self._symbol_cache: dict[tuple[str, TradeType | None], tuple[str, TradeType]] = {}
        self._closed = False

    # --- properties ------------------------------------------------------------------
    @property
    def _environment(self) -> str:
        """``"test"`` or ``"live"``: rate budgets and order windows are kept per environment."""
        return "test" if self._is_testnet else "live"

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    @property
    def orders_in_doubt(self) -> tuple[OrderInDoubt, ...]:
        """The last 100 orders whose ``create_order`` ended without a definite answer (the
        caller cancelled it in flight, or ``OrderStatusUnknown``), oldest first. Look each up
        by its client order id."""
        return tuple(self._in_doubt)

    # --- ccxt clients ------------------------------------------------------------------
    def _client(self, trade_type: TradeType) -> Any:
        client = self._clients.get(trade_type)
        if client is not None:
            return client
        if self._closed:
            raise ConfigurationError("this connector is closed; create a new one")
        ccxt_id = self.ccxt_ids.get(trade_type)
        if ccxt_id is None:
            raise NotSupported(f"{self.display_name} does not trade {trade_type.value}")
        shared = next((c for c in self._clients.values() if c.id == ccxt_id), None)
        if shared is not None:
            self._clients[trade_type] = shared
            for other, limiter in list(self._limiters.items()):
                if self._clients.get(other) is shared:
                    self._limiters[trade_type] = limiter
            return shared
        client = _ccxt_class(ccxt_id)(self._client_config(trade_type))
        if self._is_testnet:
            self._enable_testnet(client, trade_type)
        # the answer checks a venue adds (none: nothing to call on every request)
        if type(self)._json_shape is not CcxtExchange._json_shape:
            client.xl_json_shape = self._json_shape
        if type(self)._answer_holds is not CcxtExchange._answer_holds:
            client.xl_answer_holds = self._answer_holds
        if self._rate_backend is not None:
            # ccxt awaits self.throttle(cost) before every request; one budget per venue,
            # ccxt class and environment, shared by every connector that uses the backend
            rate = 1000.0 / float(client.rateLimit) * self.rate_limit_share
            limiter = self._rate_backend.limiter(
                self._rate_limit_key(ccxt_id),
                rate=rate,
                burst=max(rate, self.rate_limit_burst),
            )
            client.throttle = limiter.acquire
            self._limiters[trade_type] = limiter
            for other, c in self._clients.items():
                if c is client:
                    self._limiters[other] = limiter
        self._clients[trade_type] = client
        return client

    def _order_slot(self, trade_type: TradeType) -> AbstractAsyncContextManager[Any]:
        """Room for one more new order of this account in the venue's order-count windows."""
        try:
            limiter = self._order_limiters[trade_type]
        except KeyError:
            limiter = self._order_limiters[trade_type] = self._order_limiter(trade_type)
        return limiter.slot() if limiter is not None else nullcontext()

    def _order_limiter(self, trade_type: TradeType) -> WindowLimiter | None:
        windows = self.order_rate_limits.get(trade_type)
        if not windows or self._rate_backend is None or self._credentials is None:
            return None
        # the account, named without its key: a short digest of it
        key = self._credentials.api_key.get_secret_value().encode()
        account = hashlib.sha256(key).hexdigest()[:16]
        return self._rate_backend.window_limiter(
            f"{self.name}:{trade_type.value}:{self._environment}:orders:{account}", windows
        )

    def _client_config(self, trade_type: TradeType) -> dict[str, Any]:
        options: dict[str, Any] = {"warnOnFetchOpenOrdersWithoutSymbol": False}
        options.update(self.ccxt_options.get(trade_type, {}))
        options.update(self._extra_options)
        config: dict[str, Any] = {
            "enableRateLimit": self._rate_backend is not None,
            "timeout": self._timeout_ms,
            "options": options,
            "session": self._http_session(),
            "logger": RedactingLogger(_wire_log.getChild(self.name), self._redactor),
            # ccxt sleeps this long in close() for sessions it owns; it never owns ours.
            "timeout_on_exit": 0,
        }
        if self._credentials is not None:
            config["apiKey"] = self._credentials.api_key.get_secret_value()
            config["secret"] = self._credentials.api_secret.get_secret_value()
            if self._credentials.passphrase is not None:
                config["password"] = self._credentials.passphrase.get_secret_value()
        return config

    def _http_session(self) -> aiohttp.ClientSession:
        if self._session is not None:
            return self._session
        if self._own_session is None:
            connector = aiohttp.TCPConnector(ssl=_ssl_context())
            self._own_session = aiohttp.ClientSession(connector=connector, trust_env=False)
        return self._own_session

    def _enable_testnet(self, client: Any, trade_type: TradeType) -> None:
        mode = self.testnet_modes.get(trade_type)
        if mode is None or trade_type not in self.capabilities.testnet:
            raise NotSupported(
                f"{self.display_name} has no testnet for {trade_type.value}; refusing to trade "
                "it live from a testnet connector",
                exchange=self.name,
            )
        if mode == "sandbox":
            client.set_sandbox_mode(True)
        elif mode == "demo":
            client.enable_demo_trading(True)
        else:
            raise ConfigurationError(f"unknown testnet mode {mode!r} for {self.name}")

    # --- symbols and markets ---------------------------------------------------------
    def _resolve(self, symbol: str, trade_type: TradeType | None) -> tuple[str, TradeType]:
        cacheable = type(symbol) is str and (trade_type is None or type(trade_type) is TradeType)
        key = (symbol, trade_type)
        if cacheable:
            hit = self._symbol_cache.get(key)
            if hit is not None:
                return hit
        trade_type = _trade_type(trade_type)
        base, quote, settle = parse_symbol(symbol)
        if settle is not None:
            if trade_type is TradeType.SPOT:
                raise BadSymbol(
                    f"{symbol!r} names a futures market (it has a settle currency) but "
                    "trade_type is spot; drop ':SETTLE' for the spot market"
                )
            resolved = TradeType.FUTURES
        else:
            resolved = trade_type or self.default_trade_type
            if resolved is TradeType.FUTURES:
                settle = quote
        if not self.capabilities.supports(resolved):
            raise NotSupported(f"{self.display_name} does not trade {resolved.value}")
        unified = f"{base}/{quote}:{settle}" if resolved is TradeType.FUTURES else f"{base}/{quote}"
        result = (unified, resolved)
        if cacheable:
            if len(self._symbol_cache) >= 4096:
                self._symbol_cache.clear()  # a caller cycling through endless spellings
            self._symbol_cache[key] = result
        return result

    async def _markets(
        self, trade_type: TradeType, policy: RetryPolicy | None = None
    ) -> Mapping[str, Any]:
        client = self._client(trade_type)
        if self._shared_markets is not None:
            cache = self._shared_markets
            key = (type(self).__qualname__, client.id, self._is_testnet)
            markets: Mapping[str, Any] = await self._read(
                trade_type, lambda: cache.markets_for(client, key), policy
            )
        else:
            markets = client.markets or await self._read(trade_type, client.load_markets, policy)
        if self._markets_seen.get(trade_type) != id(markets):
            # markets were (re)loaded: forget the rules parsed from the previous copy
            self._markets_seen[trade_type] = id(markets)
            for cached in [k for k in self._market_cache if k[0] is trade_type]:
                del self._market_cache[cached]
        return markets

    async def _market(self, symbol: str, trade_type: TradeType) -> Market:
        if self._shared_markets is None:
            cached = self._market_cache.get((trade_type, symbol))
            if cached is not None:
                return cached
        markets = await self._markets(trade_type)
        cached = self._market_cache.get((trade_type, symbol))
        if cached is not None:
            return cached
        raw = markets.get(symbol)
        if raw is None or _trade_type_of(raw) is not trade_type:
            raise BadSymbol(f"{self.display_name} does not list {symbol} ({trade_type.value})")
        market = self._to_market(raw)
        self._market_cache[(trade_type, symbol)] = market
        return market

    @staticmethod
    def _to_market(raw: Mapping[str, Any]) -> Market:
        """A ccxt market as exchlayer's, with amounts in base currency (not contracts)."""
        market = parsing.parse_market(raw)
        size = market.contract_size
        if market.trade_type is TradeType.FUTURES and size is not None and size != _ONE:
            market = market.model_copy(
                update={
                    "amount_step": _scaled(market.amount_step, size),
                    "min_amount": _scaled(market.min_amount, size),
                    "max_amount": _scaled(market.max_amount, size),
                }
            )
        return market

    def _op(self, operation: str, symbol: str | None = None) -> _Operation:
        if self._closed or self._loop is not asyncio.get_running_loop():
            self._check_usable(operation, symbol)
        return _Operation(self, operation, symbol)

    def _check_usable(self, operation: str, symbol: object) -> None:
        """Refuse a call on a closed connector, or from another event loop than its own; the
        first call names the loop."""
        context = {
            "exchange": self.name,
            "operation": operation,
            "symbol": symbol if type(symbol) is str else None,
        }
        if self._closed:
            raise ConfigurationError("this connector is closed; create a new one", **context)
        if self._loop is not None:
            raise ConfigurationError(
                "this connector was first used in another event loop, which its HTTP "
                "session and ccxt clients belong to (each asyncio.run() starts a new loop): "
                "create the connector inside the coroutine that uses it, or run the whole "
                "script in one asyncio.run()",
                **context,
            )
        self._loop = asyncio.get_running_loop()

    # --- calling ccxt: translation, retries, rate-limit pauses, clock resync -------------------
    async def _translated(
        self,
        exc: Exception,
        trade_type: TradeType,
        operation: str = "",
        *,
        answered: bool = False,
    ) -> ExchangeLayerError:
        """``exc`` as an exchlayer error (``answered``: whether the venue's answer had arrived
        when it was raised); a rate-limit refusal also pauses the venue's budget for every
        connector sharing it."""
        if isinstance(exc, ExchangeLayerError):
            return exc
        client = self._clients.get(trade_type)
        error = translate(
            exc,
            exchange=self.name,
            operation=operation,
            symbol=None,
            scrub=self._redactor,
            refine=self._refine_error,
            retry_after=self._retry_after(
                getattr(exc, "xl_headers", None)
                or getattr(client, "last_response_headers", None)
            ),
            answered=answered,
        )
        if isinstance(error, RateLimitExceeded):
            limiter = self._limiters.get(trade_type)
            if limiter is not None:
                await limiter.pause(error.retry_after if error.retry_after is not None else 1.0)
        return error

    async def _once(
        self,
        trade_type: TradeType,
        call: Callable[[], Awaitable[Any]],
        kind: str | None = None,
        parse: Callable[[Any], T] | None = None,
    ) -> T | Any:
        trace = _TRACE.get()
        if trace is not None:
            trace.answered = False
        try:
            result = await call()
            if kind is not None and not self._valid_payload(kind, result):
                raise MalformedResponse(
                    f"the venue answered with a malformed {kind.replace('_', ' ')} "
                    f"({_preview(result)})"
                )
            value = parse(result) if parse is not None else result
        except ExchangeLayerError:
            raise
        except Exception as exc:
            answered = trace is not None and trace.answered
            raise (await self._translated(exc, trade_type, answered=answered)) from exc
        if trace is not None:
            trace.answered = False  # what fails from here on is not the answer's fault
        return value

    @overload
    async def _read(
        self,
        trade_type: TradeType,
        call: Callable[[], Awaitable[Any]],
        policy: RetryPolicy | None = None,
        kind: str | None = None,
        parse: None = None,
    ) -> Any: ...

    @overload
    async def _read(
        self,
        trade_type: TradeType,
        call: Callable[[], Awaitable[Any]],
        policy: RetryPolicy | None = None,
        kind: str | None = None,
        *,
        parse: Callable[[Any], T],
    ) -> T: ...

    async def _read(
        self,
        trade_type: TradeType,
        call: Callable[[], Awaitable[Any]],
        policy: RetryPolicy | None = None,
        kind: str | None = None,
        parse: Callable[[Any], T] | None = None,
    ) -> T | Any:
        """Run a read (safe to repeat) with retries; a clock-skew refusal resynchronises the
        clock offset with the venue and tries once more. With ``kind``, the answer is checked
        (:meth:`_valid_payload`); with ``parse``, it is turned into what the caller gets. A
        malformed answer either way is treated like a failed request (retried)."""
        policy = policy or self._retry

        def attempt() -> Awaitable[T | Any]:
            return self._once(trade_type, call, kind, parse)

        try:
            return await retry_call(attempt, policy)
        except ClockSkew:
            if not await self._resync_clock(trade_type):
                raise
            return await retry_call(attempt, policy)

    async def _resync_clock(self, trade_type: TradeType) -> bool:
        """Measure the offset between our clock and the venue's and sign with it from now on."""
        client = self._client(trade_type)
        if not client.has.get("fetchTime"):
            return False
        try:
            offset = await client.load_time_difference()
        except Exception as exc:
            log.warning("%s: clock resync failed: %s", self.name, self._redactor(str(exc)))
            return False
        client.options["adjustForTimeDifference"] = True
        log.info("%s: clock offset to the venue resynchronised: %s ms", self.name, offset)
        return True

    # --- hooks a venue adapter may override ------------------------------------------------
    def _parse_ticker(self, raw: Mapping[str, Any], symbol: str, trade_type: TradeType) -> Ticker:
        """ccxt's ticker as a :class:`Ticker` (a venue adds what its tickers leave out)."""
        return parsing.parse_ticker(raw, symbol, trade_type)

    def _retry_after(self, headers: Any) -> float | None:
        """Seconds a refused request's answer (its response ``headers``) asks us to wait:
        the standard ``Retry-After``, unless the venue says it another way."""
        return header_seconds(headers, "Retry-After")

    def _json_shape(self, method: str, url: str) -> type | None:
        """The top-level JSON type (``dict`` or ``list``) the venue answers at ``url``, or
        ``None`` to accept either. A wrongly shaped body is refused before ccxt parses it into
        an empty list that would read as "no orders" or "no positions"."""
        return None

    def _answer_holds(self, method: str, url: str, answer: Any) -> bool:
        """Whether the venue's JSON answer at ``url`` holds what that endpoint answers, below
        the top level (e.g. that the records of an enveloped list are where they belong). ccxt
        reads a list it cannot find as empty: "no open orders", "no fills"."""
        return True

    def _valid_payload(self, kind: str, raw: Any) -> bool:
        """Whether ccxt's parsed answer of ``kind`` carries what exchlayer needs.

        ccxt's parsers are lenient: a body of the wrong shape comes back as a record of Nones
        (a ticker without prices, an order without an id) or as an empty list or balance. Those
        are refused here, so garbage never reaches the caller. A venue adapter adds checks that
        need its wire format (e.g. that a balance answer holds the venue's balance list).
        """
        if kind == "ticker":
            return isinstance(raw, Mapping) and any(
                raw.get(k) is not None for k in ("last", "bid", "ask", "close")
            )
        if kind == "order":
            return _valid_order(raw)
        if kind == "orders":
            return isinstance(raw, list) and all(_valid_order(o) for o in raw)
        if kind == "trades":
            return isinstance(raw, list) and all(
                isinstance(t, Mapping)
                and t.get("id") is not None
                and t.get("price") is not None
                and t.get("amount") is not None
                for t in raw
            )
        if kind == "positions":
            keys = self.position_keys
            return isinstance(raw, list) and all(
                isinstance(p, Mapping)
                and p.get("symbol")
                and (keys is None or _names_position(p.get("info"), *keys))
                for p in raw
            )
        if kind in ("order_book", "balance"):
            return isinstance(raw, Mapping)
        return True

    def _rate_limit_key(self, ccxt_id: str) -> str:
        """The budget the requests of ccxt class ``ccxt_id`` draw from: one per venue, ccxt
        class and environment, unless the venue meters several classes together."""
        return f"{self.name}:{ccxt_id}:{self._environment}"

    def _order_window(self, trade_type: TradeType, order: OrderRequest) -> float | None:
        """Seconds after which the venue refuses ``order``'s request as too old (see
        :attr:`order_timestamp_window`); a venue whose window is a request parameter reads it
        from its client's options."""
        return self.order_timestamp_window

    def _refine_error(
        self, exc: BaseException, message: str
    ) -> type[ExchangeLayerError] | None:
        """A more precise error class than ccxt's for this venue's error, or ``None``."""
        return None

    def new_client_order_id(self) -> str:
        """A fresh client order id, valid on this venue."""
        prefix = self.client_order_id_prefix
        return prefix + secrets.token_hex(16)[: self.client_order_id_max_length - len(prefix)]

    def _check_client_order_id(self, client_order_id: str) -> str:
        if type(client_order_id) is not str or not _CLIENT_ID_CHARS.fullmatch(client_order_id):
            raise InvalidOrder(
                "client_order_id may hold only letters, digits, '.', '_' and '-', "
                f"got {_preview(client_order_id)}"
            )
        if len(client_order_id) > self.client_order_id_max_length:
            raise InvalidOrder(
                f"client_order_id is {len(client_order_id)} characters; {self.display_name} "
                f"allows at most {self.client_order_id_max_length}"
            )
        return client_order_id

    async def _order_arguments(
        self, order: OrderRequest, client_order_id: str, market: Market
    ) -> CcxtOrder:
        """The arguments of ccxt's ``create_order`` for ``order``.

        Numbers travel as plain strings (see :func:`plain`); the amount is in the market's own
        unit (contracts on contract markets). A venue that, say, buys at market by quote cost
        overrides this.
        """
        params: dict[str, Any] = {"clientOrderId": client_order_id}
        if order.stop_price is not None:
            params["triggerPrice"] = plain(order.stop_price)
        tif = order.time_in_force
        if tif is TimeInForce.POST_ONLY:
            params["postOnly"] = True
        elif tif is not None:
            params["timeInForce"] = tif.value
        if order.reduce_only:
            params["reduceOnly"] = True
        return CcxtOrder(
            type="limit" if order.order_type.has_limit_price else "market",
            amount=plain(_contracts(order.amount, market)),
            price=None if order.price is None else plain(order.price),
            params=params,
        )

    def _order_lookup(
        self, call: str, order_id: str | None, client_order_id: str | None
    ) -> tuple[str | None, dict[str, Any]]:
        """The ``id`` argument and ``params`` of ccxt's ``fetch_order``/``cancel_order``
        (``call``) for an order known by its venue id or by its client order id."""
        if client_order_id is not None:
            return None, {"clientOrderId": client_order_id}
        return order_id, {}

    def _params(self, call: str, trade_type: TradeType, symbol: str | None) -> dict[str, Any]:
        """Extra ccxt ``params`` for the ccxt method ``call`` (``"fetch_balance"``,
        ``"fetch_positions"``, ``"set_leverage"``, ...); a venue quirk hook."""
        return {}

    # --- BaseExchange: market data -------------------------------------------------
    async def get_ticker(self, symbol: str, *, trade_type: TradeType | None = None) -> Ticker:
        with self._op("get_ticker", symbol):
            unified, tt = self._resolve(symbol, trade_type)
            await self._market(unified, tt)
            client, params = self._client(tt), self._params("fetch_ticker", tt, unified)
            return await self._read(
                tt,
                lambda: client.fetch_ticker(unified, params),
                kind="ticker",
                parse=lambda raw: self._parse_ticker(raw, unified, tt),
            )

    async def get_order_book(
        self, symbol: str, limit: int = 20, *, trade_type: TradeType | None = None
    ) -> OrderBook:
        with self._op("get_order_book", symbol):
            unified, tt = self._resolve(symbol, trade_type)
            _check_count(limit, "limit")
            market = await self._market(unified, tt)
            depths = self.order_book_depths.get(tt)
            request = limit
            if depths:
                request = next((d for d in depths if d >= limit), depths[-1])
            client, params = self._client(tt), self._params("fetch_order_book", tt, unified)

            def parse(raw: Mapping[str, Any]) -> OrderBook:
                book = parsing.parse_order_book(raw, unified, tt)
                size = market.contract_size
                if tt is TradeType.FUTURES and size is not None and size != _ONE:
                    # the venue counts contracts; exchlayer's amounts are in base currency
                    book = book.model_copy(
                        update={
                            "bids": parsing.scale_levels(book.bids, size),
                            "asks": parsing.scale_levels(book.asks, size),
                        }
                    )
                if len(book.bids) > limit or len(book.asks) > limit:
                    book = book.model_copy(
                        update={"bids": book.bids[:limit], "asks": book.asks[:limit]}
                    )
                return book

            return await self._read(
                tt,
                lambda: client.fetch_order_book(unified, request, params),
                kind="order_book",
                parse=parse,
            )

    async def get_symbols(self, trade_type: TradeType | None = None) -> list[str]:
        with self._op("get_symbols"):
            chosen = _trade_type(trade_type)
            kinds = [chosen] if chosen is not None else self._trade_types()
            symbols: list[str] = []
            for tt in kinds:
                if not self.capabilities.supports(tt):
                    raise NotSupported(f"{self.display_name} does not trade {tt.value}")
                markets = await self._markets(tt)
                symbols.extend(
                    s for s, m in markets.items()
                    if _trade_type_of(m) is tt and m.get("active") is not False
                )
        return sorted(symbols)

    async def get_exchange_info(self) -> ExchangeInfo:
        with self._op("get_exchange_info"):
            markets: list[Market] = []
            server_time = None
            for tt in self._trade_types():
                raw_markets = await self._markets(tt)
                for raw in raw_markets.values():
                    if _trade_type_of(raw) is not tt:
                        continue
                    try:
                        markets.append(self._to_market(raw))
                    except MalformedResponse as exc:
                        # one market the venue lists with impossible rules: leave it out
                        log.warning("%s: market left out: %s", self.name, exc)
            client = self._client(self.default_trade_type)
            if client.has.get("fetchTime"):
                server_time = await self._read(
                    self.default_trade_type, client.fetch_time, parse=parsing.to_datetime
                )
        return ExchangeInfo(
            exchange=self.name,
            name=self.display_name,
            is_testnet=self._is_testnet,
            trade_types=tuple(self._trade_types()),
            capabilities=self.capabilities,
            markets=tuple(markets),
            server_time=server_time,
        )

    async def test_connection(self) -> bool:
        return (await self.check_connection()).ok

    async def check_connection(self) -> ConnectionCheck:
        """Ask the venue for its time (or its markets) and, with credentials, the balance."""
        started = time.perf_counter()
        error: ExchangeLayerError | None = None
        try:
            with self._op("test_connection"):
                tt = self.default_trade_type
                client = self._client(tt)
                # a health check reports the state of now: no retries
                if client.has.get("fetchTime"):
                    await self._read(tt, client.fetch_time, NO_RETRY)
                else:
                    await self._markets(tt, NO_RETRY)
                if self._credentials is not None:
                    await self._markets(tt, NO_RETRY)  # ccxt would load them itself, unshared
                    params = self._params("fetch_balance", tt, None)
                    await self._read(tt, lambda: client.fetch_balance(params), NO_RETRY)
        except ExchangeLayerError as exc:
            log.warning("%s: connection test failed: %s", self.name, exc)
            error = exc
        return ConnectionCheck(
            exchange=self.name,
            ok=error is None,
            latency_ms=(time.perf_counter() - started) * 1000,
            checked_at=datetime.now(timezone.utc),
            error=None if error is None else str(error),
            error_type=None if error is None else type(error).__name__,
        )

    # --- BaseExchange: account ------------------------------------------------------
    def _require_credentials(self) -> None:
        if self._credentials is None:
            raise ConfigurationError(
                f"this call needs API credentials; create the {self.display_name} connector "
                "with api_key and api_secret"
            )

    async def get_balance(
        self, currency: str | None = None, *, trade_type: TradeType | None = None
    ) -> list[Balance]:
        with self._op("get_balance"):
            tt = self._supported(trade_type)
            code = None
            if currency is not None:
                if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency.strip()):
                    raise InvalidArgument(
                        f"currency must be a currency code like 'USDT', got {_preview(currency)}"
                    )
                code = currency.strip().upper()
            self._require_credentials()
            await self._markets(tt)  # ccxt would load them itself, bypassing the shared cache
            client, params = self._client(tt), self._params("fetch_balance", tt, None)
            return await self._read(
                tt,
                lambda: client.fetch_balance(params),
                kind="balance",
                parse=lambda raw: parsing.parse_balances(raw, tt, code),
            )

    async def create_order(
        self,
        symbol: str,
        order_type: OrderType,
        side: OrderSide,
        amount: Decimal,
        price: Decimal | None = None,
        *,
        stop_price: Decimal | None = None,
        trade_type: TradeType | None = None,
        time_in_force: TimeInForce | None = None,
        reduce_only: bool = False,
        client_order_id: str | None = None,
    ) -> Order:
        """Place an order, at most once.

        An answer that leaves the order's fate open (a timeout, a dropped connection, a 5xx, an
        unknown or busy error code, a garbled answer) is never answered by sending the order
        again: it is looked for (by its client order id, among the open orders and the recent
        ones) for up to ``reconcile_timeout`` seconds; found, it is returned; otherwise
        :class:`~exchlayer.OrderStatusUnknown` carries the client order id. A refusal the venue
        documents as final (invalid order, insufficient funds, rate limit, a refused timestamp)
        is raised as such; after a refused timestamp the clock is resynchronised and the order
        sent once more, which the venue's refusal makes safe.

        If the caller cancels the call (``task.cancel()``, ``asyncio.wait_for``) while the
        request is in flight, the order may still be placed: the ``CancelledError`` carries
        ``client_order_id``, a WARNING says so, and :attr:`orders_in_doubt` lists it. Passing
        your own ``client_order_id`` (from :meth:`new_client_order_id`) keeps it in your hands.
        """
        with self._op("create_order", symbol):
            unified, tt = self._resolve(symbol, trade_type)
            order = check_order_request(
                symbol=unified,
                trade_type=tt,
                order_type=order_type,
                side=side,
                amount=amount,
                price=price,
                stop_price=stop_price,
                time_in_force=time_in_force,
                reduce_only=reduce_only,
            )
            self._check_supported(order)
            cid = (
                self.new_client_order_id()
                if client_order_id is None
                else self._check_client_order_id(client_order_id)
            )
            self._require_credentials()
            market = await self._market(unified, tt)
            check_market_rules(order, market)
            args = await self._order_arguments(order, cid, market)
            return await self._place(order, market, args, cid)

    async def _read_back(
        self,
        trade_type: TradeType,
        symbol: str,
        raw: Mapping[str, Any],
        *,
        side: OrderSide,
        args: CcxtOrder,
        cid: str,
    ) -> Mapping[str, Any]:
        """Complete an order the venue acknowledged with its ids only.

        KuCoin, Bitget, BingX swaps and Gate trigger orders answer a new order with its id and
        nothing else; ccxt then returns an order without status, fills or price. It is read
        back (one more request) so ``create_order`` returns what the venue did. If that read
        fails, the order stands: it is returned as sent, its status ``UNKNOWN``.
        """
        order_id = raw.get("id")
        params = self._params("fetch_order", trade_type, symbol)
        try:
            found: Mapping[str, Any] = await self._fetch_order(
                trade_type, str(order_id), symbol, params
            )
            return found
        except ExchangeLayerError as exc:
            log.warning(
                "%s create_order %s: placed as %s, but reading it back failed: %s",
                self.name, symbol, order_id, exc,
            )
        return as_sent(raw, symbol, side, args, cid)

    async def _place(
        self, request: OrderRequest, market: Market, args: CcxtOrder, cid: str
    ) -> Order:
        """Send an order once (see :meth:`create_order`); returns it as the venue has it."""
        tt, symbol = market.trade_type, market.symbol
        client = self._client(tt)
        for attempt in (1, 2):
            trace = _Trace()
            # waits for room in the account's order windows; a failure here is before sending
            async with self._order_slot(tt):
                sent_at = datetime.now(timezone.utc)
                token = _TRACE.set(trace)
                try:
                    raw = await client.create_order(
                        symbol, args.type, request.side.value, args.amount, args.price,
                        dict(args.params),
                    )
                    return await self._acknowledged(raw, request, market, args, cid)
                except asyncio.CancelledError as exc:
                    if trace.mutations:
                        self._in_doubt_on_cancel(exc, request, cid, sent_at)
                    raise
                except Exception as exc:
                    failure = exc
                finally:
                    _TRACE.reset(token)
            error = await self._translated(
                failure, tt, "create_order", answered=trace.answered or trace.accepted > 0
            )
            if trace.accepted or (trace.mutations and not isinstance(error, _REFUSALS)):
                break  # the venue may have acted: its fate is open
            if (
                isinstance(error, ClockSkew)
                and attempt == 1
                and await self._resync_clock(tt)
            ):
                continue  # refused for its timestamp, so not placed: sent again once
            raise error from failure
        try:
            return await self._reconcile(request, market, cid, sent_at=sent_at, cause=error)
        except asyncio.CancelledError as exc:
            self._in_doubt_on_cancel(exc, request, cid, sent_at)
            raise

    async def _acknowledged(
        self, raw: Any, request: OrderRequest, market: Market, args: CcxtOrder, cid: str
    ) -> Order:
        """The order the venue answered a placement with, read back if the answer is bare."""
        if not self._valid_payload("order", raw):
            raise MalformedResponse(
                f"the venue's answer to the order is malformed ({_preview(raw)})"
            )
        tt, symbol = market.trade_type, market.symbol
        if raw.get("status") is None:
            raw = await self._read_back(tt, symbol, raw, side=request.side, args=args, cid=cid)
        order = self._parsed(self._order, raw, tt, symbol, cid, market)
        if not self._is_sent_order(order, request, cid, earliest=None):
            raise MalformedResponse(
                f"the venue answered the order with another one ({order.symbol} "
                f"{order.side.value}, client id {order.client_order_id!r})"
            )
        return order

    async def _reconcile(
        self,
        request: OrderRequest,
        market: Market,
        cid: str,
        *,
        sent_at: datetime,
        cause: ExchangeLayerError,
    ) -> Order:
        """Look for an order whose answer was lost, for up to ``reconcile_timeout`` seconds:
        by its client order id, then among the symbol's open orders. Never sends it again."""
        symbol = market.symbol
        # an order with this client id older than this is an earlier one (ids may be reused
        # once an order is done, on Binance for one): the venue's clock may trail ours
        earliest = sent_at - timedelta(seconds=self.clock_tolerance + 1.0)
        deadline = time.monotonic() + self._reconcile_timeout
        delays = iter((0.1, 0.25, 0.5, 1.0))
        last: ExchangeLayerError = cause
        while True:
            try:
                found = await self._find_sent_order(request, market, cid, earliest)
            except (OrderNotFound, TransientError) as exc:
                found, last = None, exc
            except PermanentError as exc:  # the venue cannot be asked (auth, ...)
                raise self._unknown(request, cid, sent_at, exc) from exc
            if found is not None:
                log.info(
                    "%s create_order %s: the answer was lost (%s); found the order by its "
                    "client order id %s", self.name, symbol, cause.message, cid,
                )
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if last is not cause:
                    log.info("%s create_order %s: last lookup: %s", self.name, symbol, last)
                raise self._unknown(request, cid, sent_at, cause)
            await asyncio.sleep(min(next(delays, 2.0), remaining))

    async def _find_sent_order(
        self, request: OrderRequest, market: Market, cid: str, earliest: datetime
    ) -> Order | None:
        """The order sent with client id ``cid``, if the venue shows it (one lookup by the id,
        then the symbol's open orders). Raises what the lookups raise, translated."""
        tt, symbol = market.trade_type, market.symbol
        oid, params = self._order_lookup("fetch_order", None, cid)
        params.update(self._params("fetch_order", tt, symbol))
        try:
            raw = await self._fetch_order(tt, oid, symbol, params)
            order = self._parsed(self._order, raw, tt, symbol, cid, market)
            if self._is_sent_order(order, request, cid, earliest):
                return order
        except OrderNotFound:
            pass
        except Exception as exc:
            raise (await self._translated(exc, tt, "create_order")) from exc
        client = self._client(tt)
        extra = self._params("fetch_open_orders", tt, symbol)
        try:
            for variant in self._variants(tt, extra):
                raws = await self._read(
                    tt, partial(client.fetch_open_orders, symbol, None, None, variant),
                    kind="orders",
                )
                for raw in raws:
                    order = self._parsed(self._order, raw, tt, symbol, None, market)
                    if self._is_sent_order(order, request, cid, earliest):
                        return order
        except Exception as exc:
            raise (await self._translated(exc, tt, "create_order")) from exc
        return None

    @staticmethod
    def _is_sent_order(
        order: Order, request: OrderRequest, cid: str, earliest: datetime | None
    ) -> bool:
        """Whether ``order`` is the one sent for ``request`` with client id ``cid``, not an
        earlier order that carried the same id."""
        if order.client_order_id != cid or order.side is not request.side:
            return False
        if order.symbol and order.symbol != request.symbol:
            return False
        if earliest is not None and order.created_at is not None and order.created_at < earliest:
            return False
        return request.price is None or order.price is None or order.price == request.price

    def _unknown(
        self, request: OrderRequest, cid: str, sent_at: datetime, cause: ExchangeLayerError
    ) -> OrderStatusUnknown:
        window = self._order_window(request.trade_type, request)
        settles_by = None
        if window is not None:
            settles_by = sent_at + timedelta(
                seconds=window + self.clock_tolerance + self.max_lookup_lag
            )
        self._in_doubt.append(OrderInDoubt.of(request, cid, sent_at, "unknown"))
        when = f" after {settles_by.isoformat(timespec='seconds')}" if settles_by else ""
        log.warning(
            "%s create_order %s: sent, but its fate could not be established (%s); look it up "
            "with client_order_id=%s", self.name, request.symbol, cause.message, cid,
        )
        return OrderStatusUnknown(
            f"the order was sent but its fate could not be established within "
            f"{self._reconcile_timeout:g} s ({cause.message}); it was not sent again. Look it up "
            f"with client_order_id={cid!r}: a lookup that does not find it is final{when}",
            client_order_id=cid,
            sent_at=sent_at,
            settles_by=settles_by,
            exchange=self.name,
            operation="create_order",
            symbol=request.symbol,
        )

    def _in_doubt_on_cancel(
        self, exc: BaseException, request: OrderRequest, cid: str, sent_at: datetime
    ) -> None:
        """The caller cancelled ``create_order`` while the order was in flight: make its client
        order id learnable (on the exception, in the log, in :attr:`orders_in_doubt`)."""
        self._in_doubt.append(OrderInDoubt.of(request, cid, sent_at, "cancelled"))
        exc.client_order_id = cid  # type: ignore[attr-defined]
        note = (
            f"exchlayer: create_order {request.symbol} was cancelled while the order was in "
            f"flight; it may have been placed: look it up with client_order_id={cid!r}"
        )
        if hasattr(exc, "add_note"):  # Python 3.11+
            exc.add_note(note)
        log.warning("%s %s", self.name, note.removeprefix("exchlayer: "))

    def _check_supported(self, order: OrderRequest) -> None:
        caps = self.capabilities
        if order.order_type not in caps.order_types:
            raise NotSupported(
                f"{self.display_name} does not support {order.order_type.name} orders"
            )
        if order.time_in_force is not None and order.time_in_force not in caps.time_in_force:
            raise NotSupported(
                f"{self.display_name} does not support time in force {order.time_in_force.name}"
            )

    def _order(
        self,
        raw: Mapping[str, Any],
        trade_type: TradeType,
        symbol: str,
        client_order_id: str | None,
        market: Market,
    ) -> Order:
        order = parsing.parse_order(
            raw, trade_type, symbol=symbol, client_order_id=client_order_id
        )
        if not self.order_id_pattern.fullmatch(order.id) or not order.id.strip("0"):
            raise MalformedResponse(
                f"the venue answered with an order id no {self.display_name} order has: "
                f"{_preview(order.id)}"
            )
        size = market.contract_size
        if trade_type is TradeType.FUTURES and size is not None and size != _ONE:
            order = order.model_copy(
                update={
                    "amount": _scaled(order.amount, size),
                    "filled": order.filled * size,
                    "remaining": _scaled(order.remaining, size),
                }
            )
        return order

    def _lookup(
        self, call: str, order_id: str | None, client_order_id: str | None
    ) -> tuple[str | None, dict[str, Any]]:
        if (order_id is None) == (client_order_id is None):
            raise InvalidArgument("give exactly one of order_id and client_order_id")
        if order_id is not None:
            self._check_order_id(order_id)
        if client_order_id is not None:
            self._check_client_order_id(client_order_id)
        return self._order_lookup(call, order_id, client_order_id)

    def _check_order_id(self, order_id: object) -> str:
        """``order_id`` when it has the form of the venue's order ids; else InvalidArgument,
        before anything is sent (an id goes into a signed request's path or query)."""
        # exactly a str: a subclass may print (and so be sent) as something else than it is
        if type(order_id) is not str or not self.order_id_pattern.fullmatch(order_id):
            raise InvalidArgument(
                f"order_id {_preview(order_id)} is not a {self.display_name} order id "
                f"(they match {self.order_id_pattern.pattern})"
            )
        return order_id

    async def get_order(
        self,
        order_id: str | None,
        symbol: str,
        *,
        client_order_id: str | None = None,
        trade_type: TradeType | None = None,
    ) -> Order:
        with self._op("get_order", symbol):
            unified, tt = self._resolve(symbol, trade_type)
            oid, params = self._lookup("fetch_order", order_id, client_order_id)
            self._require_credentials()
            market = await self._market(unified, tt)
            params.update(self._params("fetch_order", tt, unified))
            raw = await self._fetch_order(tt, oid, unified, params)
            self._check_order_market(raw, unified, order_id or client_order_id)
            return self._parsed(self._order, raw, tt, unified, client_order_id, market)

    @staticmethod
    def _check_order_market(raw: Any, symbol: str, key: object) -> None:
        """Some venues find an order by its id alone, whatever the symbol: one of another
        market is not an order of the market asked about."""
        got = raw.get("symbol") if isinstance(raw, Mapping) else None
        if got is not None and got != symbol:
            raise OrderNotFound(f"{symbol} has no order {key!r} (that order is {got}'s)")

    def _parsed(self, parse: Callable[..., T], *args: Any) -> T:
        """``parse(*args)`` on a venue's answer: whatever goes wrong reading it is the answer's
        fault (:class:`MalformedResponse`), never an untyped error."""
        try:
            return parse(*args)
        except ExchangeLayerError:
            raise
        except Exception as exc:
            raise MalformedResponse(
                f"the venue's answer could not be read ({type(exc).__name__}: {exc})"
            ) from exc

    def _variants(self, trade_type: TradeType, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The ccxt params to try in turn: plain orders first, then trigger orders."""
        variants = [dict(params)]
        trigger = self.trigger_order_params.get(trade_type)
        if trigger:
            variants.append({**params, **trigger})
        return variants

    async def _fetch_order(
        self, trade_type: TradeType, order_id: str | None, symbol: str, params: Mapping[str, Any]
    ) -> Any:
        client = self._client(trade_type)
        *earlier, last = self._variants(trade_type, params)
        for variant in earlier:
            try:
                raw = await self._read(
                    trade_type, partial(client.fetch_order, order_id, symbol, variant),
                    kind="order",
                )
            except OrderNotFound:
                continue
            return await self._complete_order(trade_type, raw, symbol)
        raw = await self._read(
            trade_type, lambda: client.fetch_order(order_id, symbol, last), kind="order"
        )
        return await self._complete_order(trade_type, raw, symbol)

    async def _complete_order(
        self, trade_type: TradeType, raw: Mapping[str, Any], symbol: str
    ) -> Mapping[str, Any]:
        """Hook: finish a fetched order where the venue splits it (e.g. a triggered stop order
        whose fills live on a child order)."""
        return raw

    def _is_not_found(self, exc: Exception) -> bool:
        error = translate(exc, exchange=self.name, operation="", symbol=None,
                          scrub=self._redactor, refine=self._refine_error)
        return isinstance(error, OrderNotFound)

    async def cancel_order(
        self,
        order_id: str | None,
        symbol: str,
        *,
        client_order_id: str | None = None,
        trade_type: TradeType | None = None,
    ) -> bool:
        with self._op("cancel_order", symbol):
            unified, tt = self._resolve(symbol, trade_type)
            oid, params = self._lookup("cancel_order", order_id, client_order_id)
            self._require_credentials()
            market = await self._market(unified, tt)
            client = self._client(tt)
            if order_id is not None and tt in self.cancel_ignores_symbol:
                # the venue would cancel another market's order by its id alone: look first
                found_id, found_params = self._lookup("fetch_order", order_id, None)
                found_params.update(self._params("fetch_order", tt, unified))
                found = await self._fetch_order(tt, found_id, unified, found_params)
                self._check_order_market(found, unified, order_id)
            params.update(self._params("cancel_order", tt, unified))
            # an answer after which the venue may have cancelled the order (a timeout, a 5xx,
            # an unknown code): the order is then looked up rather than the error believed
            uncertain: ExchangeLayerError | None = None

            async def cancel(variant: dict[str, Any]) -> None:
                nonlocal uncertain
                trace = _TRACE.get()
                if trace is not None:
                    trace.answered = False
                try:
                    await client.cancel_order(oid, unified, variant)
                except Exception as exc:
                    answered = trace is not None and trace.answered
                    error = await self._translated(exc, tt, "cancel_order", answered=answered)
                    if not isinstance(error, (*_REFUSALS, OrderNotFound)):
                        uncertain = error
                    raise error from exc

            for variant in self._variants(tt, params):
                try:
                    await retry_call(partial(cancel, variant), self._retry)
                except OrderNotFound:
                    continue
                except ExchangeLayerError:
                    if uncertain is None:
                        raise  # refused: nothing was cancelled
                    break  # the venue may have acted: look
                return True
            # Venues answer "unknown order" both for ids they never saw and for orders that
            # already finished. Tell the two apart, so the result means one thing everywhere:
            # this raises OrderNotFound when the venue has no such order at all.
            oid, params = self._lookup("fetch_order", order_id, client_order_id)
            params.update(self._params("fetch_order", tt, unified))
            raw = await self._fetch_order(tt, oid, unified, params)
            self._check_order_market(raw, unified, order_id or client_order_id)
            status = self._parsed(self._order, raw, tt, unified, client_order_id, market).status
            if status is OrderStatus.CANCELED:
                # an earlier attempt whose answer was lost may have been the one that did it
                return uncertain is not None
            if status in (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED):
                if uncertain is not None:
                    raise uncertain  # the cancel did not happen; the order still works
                raise ExchangeUnavailable(
                    "the venue refused to cancel the order as unknown, yet lists it as "
                    f"{status.value}; its views disagree for now, try again"
                )
            return False

    async def get_open_orders(
        self, symbol: str | None = None, *, trade_type: TradeType | None = None
    ) -> list[Order]:
        with self._op("get_open_orders", symbol):
            self._require_credentials()
            if symbol is None:
                tt = self._supported(trade_type)
                if tt not in self.capabilities.open_orders_without_symbol:
                    raise NotSupported(
                        f"{self.display_name} lists open {tt.value} orders per symbol only; "
                        "pass a symbol"
                    )
                unified = None
                await self._markets(tt)
            else:
                unified, tt = self._resolve(symbol, trade_type)
                await self._market(unified, tt)
            client = self._client(tt)
            raws: list[Any] = []
            extra = self._params("fetch_open_orders", tt, unified)
            for variant in self._variants(tt, extra):
                raws.extend(
                    await self._read(
                        tt, partial(client.fetch_open_orders, unified, None, None, variant),
                        kind="orders",
                    )
                )
            orders = []
            for raw in raws:
                market = await self._answer_market(raw.get("symbol") or unified, tt, unified)
                orders.append(self._parsed(self._order, raw, tt, market.symbol, None, market))
            return orders

    async def _answer_market(self, symbol: Any, trade_type: TradeType, asked: str | None) -> Market:
        """The market a record in the venue's answer belongs to: the one asked for, or (when
        none was) one the venue lists. Another market's record in an answer about one market,
        or a market the venue does not list, is a malformed answer."""
        if asked is not None and symbol != asked:
            raise MalformedResponse(
                f"the venue answered about {_preview(symbol)} when asked about {asked}"
            )
        try:
            return await self._market(str(symbol), trade_type)
        except BadSymbol:
            raise MalformedResponse(
                f"the venue's answer names a market it does not list: {_preview(symbol)}"
            ) from None

    async def get_trades(
        self, symbol: str, limit: int = 100, *, trade_type: TradeType | None = None
    ) -> list[Trade]:
        with self._op("get_trades", symbol):
            unified, tt = self._resolve(symbol, trade_type)
            _check_count(limit, "limit", maximum=1000)
            self._require_credentials()
            market = await self._market(unified, tt)
            client, params = self._client(tt), self._params("fetch_my_trades", tt, unified)
            size = market.contract_size if tt is TradeType.FUTURES else None

            def parse(raws: list[Any]) -> list[Trade]:
                trades = [parsing.parse_trade(raw, tt, symbol=unified) for raw in raws]
                if size is not None and size != _ONE:
                    trades = [t.model_copy(update={"amount": t.amount * size}) for t in trades]
                return trades

            return await self._read(
                tt,
                lambda: client.fetch_my_trades(unified, None, limit, params),
                kind="trades",
                parse=parse,
            )

    async def get_positions(self, symbol: str | None = None) -> list[Position]:
        with self._op("get_positions", symbol):
            if not self.capabilities.positions:
                raise NotSupported(f"{self.display_name} has no futures positions here")
            self._require_credentials()
            unified = None
            if symbol is not None:
                unified, _ = self._resolve(symbol, TradeType.FUTURES)
                await self._market(unified, TradeType.FUTURES)
            else:
                await self._markets(TradeType.FUTURES)
            client = self._client(TradeType.FUTURES)
            params = self._params("fetch_positions", TradeType.FUTURES, unified)

            # Every position is read, and one market's picked here rather than by ccxt: ccxt
            # drops the records it cannot place in the market asked for without a word, so a
            # garbled answer would read as "no position". The five venues answer every market's
            # positions at the same cost as one's.
            def parse(raws: list[Any]) -> list[Position]:
                parsed = (parsing.parse_position(raw) for raw in raws)
                return [p for p in parsed if p is not None and unified in (None, p.symbol)]

            return await self._read(
                TradeType.FUTURES,
                lambda: client.fetch_positions(None, params),
                kind="positions",
                parse=parse,
            )

    async def set_leverage(self, symbol: str, leverage: int) -> bool:
        with self._op("set_leverage", symbol):
            if not self.capabilities.leverage:
                raise NotSupported(f"{self.display_name} cannot set leverage here")
            unified, _ = self._resolve(symbol, TradeType.FUTURES)
            _check_count(leverage, "leverage", maximum=1000)
            self._require_credentials()
            market = await self._market(unified, TradeType.FUTURES)
            if market.max_leverage is not None and leverage > market.max_leverage:
                raise InvalidArgument(
                    f"leverage {leverage} is above {unified}'s maximum of {market.max_leverage}"
                )
            client = self._client(TradeType.FUTURES)
            params = self._params("set_leverage", TradeType.FUTURES, unified)
            # setting the same leverage twice is harmless, so this is retried like a read
            await self._read(
                TradeType.FUTURES, lambda: client.set_leverage(leverage, unified, params)
            )
        return True

    # --- lifecycle --------------------------------------------------------------------
    def _supported(self, trade_type: TradeType | None) -> TradeType:
        """``trade_type`` (or the default), refused when the exchange does not trade it."""
        tt = _trade_type(trade_type) or self.default_trade_type
        if not self.capabilities.supports(tt):
            raise NotSupported(f"{self.display_name} does not trade {tt.value}")
        return tt

    def _trade_types(self) -> list[TradeType]:
        return [tt for tt in TradeType if self.capabilities.supports(tt)]

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        clients = {id(c): c for c in self._clients.values()}.values()
        self._clients.clear()
        session, self._own_session = self._own_session, None
        if self._loop is not None and self._loop is not asyncio.get_running_loop():
            # first used in another event loop, now gone (a second asyncio.run()): what it
            # owned cannot be closed from here; its sockets went with that loop
            log.info("%s: closing a connector whose event loop has ended", self.name)
            return
        for client in clients:
            await client.close()
        if session is not None:
            await session.close()
            # let TLS transports finish closing (aiohttp's advice for graceful shutdown)
            await asyncio.sleep(0.25)


def _valid_order(raw: Any) -> bool:
    return (
        isinstance(raw, Mapping)
        and raw.get("id") is not None
        and raw.get("side") in ("buy", "sell")
        and isinstance(raw.get("symbol"), str)
    )


def _preview(value: Any) -> str:
    """``value`` for a message: its repr, shortened, never raising."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} that cannot be printed>"
    return text if len(text) <= 120 else text[:117] + "..."


def enveloped_records(
    method: str, url: str, answer: Any, lists: Mapping[str, str | None]
) -> bool:
    """Whether an enveloped answer (``{"code": ..., "data": ...}``) of a GET to an endpoint in
    ``lists`` (path suffix -> the key under ``data`` that holds its records, or ``None`` when
    ``data`` is the list itself) holds a list of records there (or, under a key, nothing).
    Endpoints not in ``lists`` pass."""
    if method != "GET":
        return True
    for suffix, key in lists.items():
        if url.endswith(suffix):
            data = answer.get("data") if isinstance(answer, Mapping) else None
            if key is not None:
                if not isinstance(data, Mapping) or key not in data:
                    return False
                data = data[key]
                if data is None:
                    return True  # nothing to list (Bitget writes null)
            return isinstance(data, list) and all(isinstance(r, Mapping) for r in data)
    return True


def _names_position(info: Any, market_key: str, size_key: str) -> bool:
    return (
        isinstance(info, Mapping)
        and isinstance(info.get(market_key), str)
        and bool(info.get(market_key))
        and info.get(size_key) is not None
    )


def named_rows(rows: Any, *keys: str) -> bool:
    """Whether ``rows`` is a list of records each naming itself (a currency, a market) under
    one of ``keys`` with a non-empty string: a venue's balance or position list, not garbage."""
    return isinstance(rows, list) and all(
        isinstance(row, Mapping)
        and any(isinstance(row.get(key), str) and row.get(key) for key in keys)
        for row in rows
    )


def as_sent(
    raw: Mapping[str, Any], symbol: str, side: OrderSide, args: CcxtOrder, cid: str
) -> dict[str, Any]:
    """A venue's bare acknowledgement of a new order, completed with what was sent."""
    return {
        **raw,
        "symbol": symbol,
        "type": args.type,
        "side": side.value,
        "amount": args.amount,
        "price": args.price,
        "triggerPrice": args.params.get("triggerPrice"),
        "clientOrderId": raw.get("clientOrderId") or cid,
    }


def recv_window_ms(client: Any) -> int | None:
    """The ``recvWindow`` option (ms) of a ccxt client, when the caller set a usable one."""
    window = client.options.get("recvWindow")
    if isinstance(window, int) and not isinstance(window, bool) and window > 0:
        return window
    return None


def header_seconds(headers: Any, header: str, scale: float = 1.0) -> float | None:
    """A response header's number (times ``scale``) as non-negative seconds, if present."""
    wanted = header.lower()
    for name, value in (headers or {}).items():
        if name.lower() == wanted:
            try:
                return max(0.0, float(value) * scale)
            except (TypeError, ValueError):
                return None
    return None


def _check_count(value: object, name: str, *, maximum: int = 5000) -> int:
    """``value`` as a count (a positive int up to ``maximum``), or InvalidArgument."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise InvalidArgument(
            f"{name} must be an int from 1 to {maximum}, got {_preview(value)}"
        )
    return value


def _trade_type(value: object) -> TradeType | None:
    """A caller's ``trade_type`` argument as the enum (``"spot"`` works too)."""
    if value is None or isinstance(value, TradeType):
        return value
    try:
        return TradeType(value)
    except (ValueError, TypeError):
        raise InvalidArgument(
            f"trade_type must be spot or futures, got {_preview(value)}"
        ) from None


def _trade_type_of(market: Mapping[str, Any]) -> TradeType | None:
    if market.get("spot"):
        return TradeType.SPOT
    if market.get("swap") and market.get("linear"):
        return TradeType.FUTURES
    return None


def _scaled(value: Decimal | None, size: Decimal) -> Decimal | None:
    return None if value is None else value * size


def plain(value: Decimal) -> str:
    """A Decimal as the plain digit string ccxt expects for numbers it sends.

    ccxt's ``safe_string`` family silently ignores ``Decimal`` values (it accepts str, int and
    float), so a Decimal trigger price in ``params`` would be dropped and a stop order sent as a
    plain market order. Floats would round amounts with many digits. Strings are exact and are
    what ccxt's own precision helpers produce.
    """
    return format(value, "f")


def _contracts(amount: Decimal, market: Market) -> Decimal:
    size = market.contract_size
    if market.trade_type is TradeType.FUTURES and size is not None and size != _ONE:
        return amount / size
    return amount


@cache
def _ssl_context() -> ssl.SSLContext:
    try:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - certifi comes with ccxt
        return ssl.create_default_context()
