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
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import datetime, timezone
from decimal import Decimal
from functools import cache, partial
from types import MappingProxyType, TracebackType
from typing import Any, ClassVar, NamedTuple, TypeVar

import aiohttp

from ..base import BaseExchange
from ..config import Credentials
from ..errors import (
    BadSymbol,
    ClockSkew,
    ConfigurationError,
    ExchangeLayerError,
    ExchangeUnavailable,
    InvalidArgument,
    InvalidOrder,
    NetworkError,
    NotSupported,
    OrderNotFound,
    OrderStatusUnknown,
    RateLimitExceeded,
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
from .redaction import RedactingLogger, Redactor
from .validation import OrderRequest, check_market_rules, check_order_request, parse_symbol

__all__ = ["CcxtExchange", "CcxtOrder", "as_sent", "header_seconds", "plain", "recv_window_ms"]

T = TypeVar("T")
log = logging.getLogger("exchlayer")
_wire_log = logging.getLogger("exchlayer.wire")

_CLIENT_ID_CHARS = re.compile(r"^[A-Za-z0-9._-]+$")
_ONE = Decimal(1)


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
        return result

    # ccxt works tickers, orders, trades and balances out in strings (``Precise``), then turns
    # each number into a float, which exchlayer would turn back into a Decimal through its text
    # (and a float holds only ~16 digits). Within these synchronous calls, ccxt's
    # ``parse_number`` keeps the strings instead (``parsing.exact_number``), and the parsers
    # make each one a Decimal: exact, and one conversion per field instead of three.
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

    return type(
        base.__name__,
        (base,),
        {
            "parse_order_book_bid_ask": parsing.decimal_bid_ask,
            "safe_ticker": in_decimals("safe_ticker"),
            "safe_order": in_decimals("safe_order"),
            "safe_trade": in_decimals("safe_trade"),
            "safe_balance": in_decimals("safe_balance"),
            "handle_errors": handle_errors,
            "handle_http_status_code": handle_http_status_code,
            "fetch": fetch,
        },
    )


def _annotate(exc: Exception, status: Any, headers: Any) -> None:
    exc.xl_http_status = status  # type: ignore[attr-defined]
    exc.xl_headers = headers  # type: ignore[attr-defined]  # the response's, not the request's


class _Operation:
    """Translates whatever escapes one connector call into an exchlayer error, in one place."""

    __slots__ = ("connector", "name", "symbol")

    def __init__(self, connector: CcxtExchange, name: str, symbol: str | None) -> None:
        self.connector = connector
        self.name = name
        self.symbol = symbol

    def __enter__(self) -> _Operation:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None or not isinstance(exc, Exception):
            return  # success, or CancelledError/KeyboardInterrupt: let it through untouched
        connector = self.connector
        if isinstance(exc, ExchangeLayerError):
            exc.exchange = exc.exchange or connector.name
            exc.operation = exc.operation or self.name
            exc.symbol = exc.symbol or self.symbol
            return
        raise translate(
            exc,
            exchange=connector.name,
            operation=self.name,
            symbol=self.symbol,
            scrub=connector._redactor,
            refine=connector._refine_error,
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
    order_timestamp_window: ClassVar[float | None] = None
    """Seconds after which the venue refuses a signed request as too old (Binance's
    ``recvWindow``). Once that long has passed since an order was sent, a lookup that does not
    find it is final, and the order may be sent again. ``None``: never re-send."""
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
        self._redactor = Redactor(credentials.secret_values() if credentials else ())

    # --- properties ------------------------------------------------------------------
    @property
    def _environment(self) -> str:
        """``"test"`` or ``"live"``: rate budgets and order windows are kept per environment."""
        return "test" if self._is_testnet else "live"

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

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
        client.xl_json_shape = self._json_shape
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
        key = (symbol, trade_type)
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
        if self._closed:
            raise ConfigurationError(
                "this connector is closed; create a new one",
                exchange=self.name,
                operation=operation,
                symbol=symbol,
            )
        return _Operation(self, operation, symbol)

    # --- calling ccxt: translation, retries, rate-limit pauses, clock resync -------------------
    async def _translated(
        self, exc: Exception, trade_type: TradeType, operation: str = ""
    ) -> ExchangeLayerError:
        """``exc`` as an exchlayer error; a rate-limit refusal also pauses the venue's budget
        for every connector sharing it."""
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
        )
        if isinstance(error, RateLimitExceeded):
            limiter = self._limiters.get(trade_type)
            if limiter is not None:
                await limiter.pause(error.retry_after if error.retry_after is not None else 1.0)
        return error

    async def _once(
        self, trade_type: TradeType, call: Callable[[], Awaitable[T]], kind: str | None = None
    ) -> T:
        try:
            result = await call()
        except ExchangeLayerError:
            raise
        except Exception as exc:
            raise (await self._translated(exc, trade_type)) from exc
        if kind is not None and not self._valid_payload(kind, result):
            raise ExchangeUnavailable(
                f"the venue answered with a malformed {kind.replace('_', ' ')} "
                f"({_preview(result)})"
            )
        return result

    async def _read(
        self,
        trade_type: TradeType,
        call: Callable[[], Awaitable[T]],
        policy: RetryPolicy | None = None,
        kind: str | None = None,
    ) -> T:
        """Run a read (safe to repeat) with retries; a clock-skew refusal resynchronises the
        clock offset with the venue and tries once more. With ``kind``, the answer is checked
        (:meth:`_valid_payload`) and a malformed one is treated like a failed request."""
        policy = policy or self._retry

        def attempt() -> Awaitable[T]:
            return self._once(trade_type, call, kind)

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
            return isinstance(raw, list) and all(
                isinstance(p, Mapping) and p.get("symbol") for p in raw
            )
        if kind in ("order_book", "balance"):
            return isinstance(raw, Mapping)
        return True

    def _rate_limit_key(self, ccxt_id: str) -> str:
        """The budget the requests of ccxt class ``ccxt_id`` draw from: one per venue, ccxt
        class and environment, unless the venue meters several classes together."""
        return f"{self.name}:{ccxt_id}:{self._environment}"

    def _order_window(self, trade_type: TradeType) -> float | None:
        """Seconds after which the venue refuses an order request as too old (see
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
        if not isinstance(client_order_id, str) or not _CLIENT_ID_CHARS.match(client_order_id):
            raise InvalidOrder(
                "client_order_id may hold only letters, digits, '.', '_' and '-', "
                f"got {client_order_id!r}"
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
            raw = await self._read(
                tt, lambda: client.fetch_ticker(unified, params), kind="ticker"
            )
        return self._parse_ticker(raw, unified, tt)

    async def get_order_book(
        self, symbol: str, limit: int = 20, *, trade_type: TradeType | None = None
    ) -> OrderBook:
        with self._op("get_order_book", symbol):
            unified, tt = self._resolve(symbol, trade_type)
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                raise InvalidArgument(f"limit must be a positive int, got {limit!r}")
            market = await self._market(unified, tt)
            depths = self.order_book_depths.get(tt)
            request = limit
            if depths:
                request = next((d for d in depths if d >= limit), depths[-1])
            client, params = self._client(tt), self._params("fetch_order_book", tt, unified)
            raw = await self._read(
                tt, lambda: client.fetch_order_book(unified, request, params), kind="order_book"
            )
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
            book = book.model_copy(update={"bids": book.bids[:limit], "asks": book.asks[:limit]})
        return book

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
                markets.extend(
                    self._to_market(m) for m in raw_markets.values() if _trade_type_of(m) is tt
                )
            client = self._client(self.default_trade_type)
            if client.has.get("fetchTime"):
                server_time = parsing.to_datetime(
                    await self._read(self.default_trade_type, client.fetch_time)
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
            self._require_credentials()
            tt = self._supported(trade_type)
            code = currency.strip().upper() if isinstance(currency, str) else None
            if currency is not None and not code:
                raise InvalidArgument("currency must be a currency code like 'USDT'")
            await self._markets(tt)  # ccxt would load them itself, bypassing the shared cache
            client, params = self._client(tt), self._params("fetch_balance", tt, None)
            raw = await self._read(tt, lambda: client.fetch_balance(params), kind="balance")
        return parsing.parse_balances(raw, tt, code)

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
            raw = await self._place(tt, unified, order.side, args, cid)
            if raw.get("status") is None:
                raw = await self._read_back(tt, unified, raw, side=order.side, args=args, cid=cid)
        return self._order(raw, tt, unified, cid, market)

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
        self, trade_type: TradeType, symbol: str, side: OrderSide, args: CcxtOrder, cid: str
    ) -> Mapping[str, Any]:
        """Send an order exactly once, as far as the venue is concerned.

        An answer that leaves the order's fate open (timeout, dropped connection, a 5xx or a
        garbled body after sending) is never answered by sending again blindly: the order is
        looked up by its client order id. Found: it is returned. Not found, and the venue would
        by now refuse the original request as too old (``order_timestamp_window``): it is sent
        once more, with the same client order id. Otherwise :class:`OrderStatusUnknown`.
        A refused timestamp (clock skew) was not accepted, so it resyncs and sends again.
        """
        client = self._client(trade_type)

        async def send() -> Mapping[str, Any]:
            raw: Mapping[str, Any] = await client.create_order(
                symbol, args.type, side.value, args.amount, args.price, dict(args.params)
            )
            if not self._valid_payload("order", raw):
                # the venue acted but its answer is unusable: the order's fate is open
                raise ExchangeUnavailable(
                    f"the venue's answer to the order is malformed ({_preview(raw)})"
                )
            return raw

        for attempt in (1, 2):
            # waits for room in the account's order windows; a failure here is before sending
            async with self._order_slot(trade_type):
                sent_at = time.monotonic()
                try:
                    return await send()
                except Exception as exc:
                    failure = exc
            error = await self._translated(failure, trade_type, "create_order")
            resynced = (
                isinstance(error, ClockSkew)
                and attempt == 1
                and await self._resync_clock(trade_type)
            )
            if resynced:
                continue  # refused for its timestamp: it was not placed
            if not isinstance(error, NetworkError):
                raise error from failure
            found = await self._reconcile(trade_type, symbol, cid, sent_at)
            if found is not None:
                return found
            window = self._order_window(trade_type)
            if attempt == 2 or window is None:
                raise self._unknown(cid, symbol, error) from failure
            log.warning(
                "%s create_order %s: not placed (confirmed by lookup after the venue's "
                "%.1f s window); sending it again with client_order_id=%s",
                self.name, symbol, window, cid,
            )
        raise AssertionError("unreachable")  # pragma: no cover

    async def _reconcile(
        self, trade_type: TradeType, symbol: str, cid: str, sent_at: float
    ) -> Mapping[str, Any] | None:
        """Look an order of uncertain fate up by its client order id.

        Returns the order when the venue has it; ``None`` when the venue confirmed, after the
        original request's timestamp window closed, that it does not. Raises
        :class:`OrderStatusUnknown` when the venue cannot be asked.
        """
        oid, params = self._order_lookup("fetch_order", None, cid)
        params.update(self._params("fetch_order", trade_type, symbol))
        window = self._order_window(trade_type)
        deadline = sent_at + (window if window is not None else 0.0) + 0.5
        delays = iter((0.1, 0.25, 0.5, 1.0, 1.0, 2.0))
        while True:
            try:
                found: Mapping[str, Any] = await self._fetch_order(trade_type, oid, symbol, params)
                return found
            except OrderNotFound as exc:
                if window is None:
                    raise self._unknown(cid, symbol, exc) from exc
                if time.monotonic() >= deadline:
                    return None
            except ExchangeLayerError as exc:
                raise self._unknown(cid, symbol, exc) from exc
            delay = next(delays, 2.0)
            await asyncio.sleep(max(0.0, min(delay, deadline - time.monotonic())))

    def _unknown(self, cid: str, symbol: str, cause: ExchangeLayerError) -> OrderStatusUnknown:
        return OrderStatusUnknown(
            f"the order was sent but its fate could not be established ({cause.message}); "
            f"look it up with client_order_id={cid!r} before sending it again",
            client_order_id=cid,
            exchange=self.name,
            operation="create_order",
            symbol=symbol,
        )

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
        if order_id is not None and (not isinstance(order_id, str) or not order_id):
            raise InvalidArgument(f"order_id must be a non-empty string, got {order_id!r}")
        if client_order_id is not None:
            self._check_client_order_id(client_order_id)
        return self._order_lookup(call, order_id, client_order_id)

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
        return self._order(raw, tt, unified, client_order_id, market)

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
            await self._market(unified, tt)
            client = self._client(tt)
            params.update(self._params("cancel_order", tt, unified))
            ambiguous = False

            async def cancel(variant: dict[str, Any]) -> None:
                nonlocal ambiguous
                try:
                    await client.cancel_order(oid, unified, variant)
                except Exception as exc:
                    error = await self._translated(exc, tt, "cancel_order")
                    ambiguous = ambiguous or isinstance(error, NetworkError)
                    raise error from exc

            for variant in self._variants(tt, params):
                try:
                    await retry_call(partial(cancel, variant), self._retry)
                except OrderNotFound:
                    continue
                return True
            # Venues answer "unknown order" both for ids they never saw and for orders that
            # already finished. Tell the two apart, so the result means one thing everywhere:
            # this raises OrderNotFound when the venue has no such order at all.
            oid, params = self._lookup("fetch_order", order_id, client_order_id)
            params.update(self._params("fetch_order", tt, unified))
            raw = await self._fetch_order(tt, oid, unified, params)
        # an earlier attempt that timed out may have been the one that cancelled it
        return ambiguous and parsing.parse_order(raw, tt).status is OrderStatus.CANCELED

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
                market = await self._market(str(raw.get("symbol") or unified), tt)
                orders.append(self._order(raw, tt, market.symbol, None, market))
        return orders

    async def get_trades(
        self, symbol: str, limit: int = 100, *, trade_type: TradeType | None = None
    ) -> list[Trade]:
        with self._op("get_trades", symbol):
            unified, tt = self._resolve(symbol, trade_type)
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                raise InvalidArgument(f"limit must be a positive int, got {limit!r}")
            self._require_credentials()
            market = await self._market(unified, tt)
            client, params = self._client(tt), self._params("fetch_my_trades", tt, unified)
            raws = await self._read(
                tt, lambda: client.fetch_my_trades(unified, None, limit, params), kind="trades"
            )
        size = market.contract_size if tt is TradeType.FUTURES else None
        trades = [parsing.parse_trade(raw, tt) for raw in raws]
        if size is not None and size != _ONE:
            trades = [t.model_copy(update={"amount": t.amount * size}) for t in trades]
        return trades

    async def get_positions(self, symbol: str | None = None) -> list[Position]:
        with self._op("get_positions", symbol):
            if not self.capabilities.positions:
                raise NotSupported(f"{self.display_name} has no futures positions here")
            self._require_credentials()
            symbols = None
            if symbol is not None:
                unified, _ = self._resolve(symbol, TradeType.FUTURES)
                await self._market(unified, TradeType.FUTURES)
                symbols = [unified]
            else:
                await self._markets(TradeType.FUTURES)
            client = self._client(TradeType.FUTURES)
            params = self._params("fetch_positions", TradeType.FUTURES, symbol)
            raws = await self._read(
                TradeType.FUTURES, lambda: client.fetch_positions(symbols, params),
                kind="positions",
            )
        return [p for p in map(parsing.parse_position, raws) if p is not None]

    async def set_leverage(self, symbol: str, leverage: int) -> bool:
        with self._op("set_leverage", symbol):
            if not self.capabilities.leverage:
                raise NotSupported(f"{self.display_name} cannot set leverage here")
            unified, _ = self._resolve(symbol, TradeType.FUTURES)
            if isinstance(leverage, bool) or not isinstance(leverage, int) or leverage < 1:
                raise InvalidArgument(f"leverage must be a positive int, got {leverage!r}")
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
        for client in clients:
            await client.close()
        if self._own_session is not None:
            await self._own_session.close()
            self._own_session = None
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
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


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


def _trade_type(value: object) -> TradeType | None:
    """A caller's ``trade_type`` argument as the enum (``"spot"`` works too)."""
    if value is None or isinstance(value, TradeType):
        return value
    try:
        return TradeType(value)
    except ValueError:
        raise InvalidArgument(f"trade_type must be spot or futures, got {value!r}") from None


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
