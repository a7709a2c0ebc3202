"""CcxtExchange: the one generic connector every ccxt-backed venue shares.

A venue adapter is a subclass with a `profile` (a `VenueProfile`: the table of differences) and,
where data cannot say it, a few of the hooks declared in `CcxtExchange.HOOKS`, each optional,
each given what it needs. The connector is a small facade over parts that each do one thing:

- `clients.ClientPool`: ccxt clients (exchlayer's subclass of each venue's ccxt class, built once
  in `ccxt_class`), the shared HTTP session, rate budgets and order windows;
- `calls.Caller` and `calls.Operation`: translation of what escapes, retries, clock resync, and
  the trace that tells what a failure means;
- `symbols.Symbols` and `units`: what a symbol means, each market's rules, contracts and base;
- `market_data.MarketData`, `history.History`, `account.Account`: the reads;
- `lookups.Lookups`, `placing.Placing`: finding, cancelling and placing orders.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Coroutine, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, ClassVar

import aiohttp

from ..base import BaseExchange
from ..config import Credentials
from ..errors import (
    ConfigurationError,
    ExchangeLayerError,
    InvalidArgument,
    InvalidOrder,
    NotSupported,
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
    OrderType,
    Position,
    Ticker,
    TimeInForce,
    Trade,
    TradeType,
)
from ..orders import OrderRequest, order_request
from ..resilience.ratelimit import RateLimitBackend, default_backend
from ..resilience.retry import RetryPolicy
from ..validation import PreparedOrder
from .account import Account
from .answers import named_rows, valid_parsed
from .calls import Caller, Operation, preview
from .clients import ClientPool, recv_window_ms, ssl_context
from .history import History, HistoryReads
from .lookups import ChildOrder, Lookups
from .market_data import MarketData
from .markets import MarketCache
from .placing import CcxtOrder, OrderInDoubt, Placing, as_sent, plain
from .profile import VenueProfile
from .streams import StreamReads, Streams
from .symbols import Symbols, trade_type_arg
from .units import to_contracts

__all__ = [
    "CcxtExchange",
    "CcxtOrder",
    "ChildOrder",
    "OrderInDoubt",
    "VenueProfile",
    "as_sent",
    "named_rows",
    "plain",
    "recv_window_ms",
    "ssl_context",
]

log = logging.getLogger("exchlayer")

_GENERIC = VenueProfile(
    name="ccxt",
    display_name="ccxt",
    capabilities=Capabilities(trade_types=frozenset({TradeType.SPOT})),
    ccxt_ids=MappingProxyType({}),
)


class CcxtExchange(HistoryReads, StreamReads, BaseExchange):
    """A connector backed by ccxt's async classes.

    Args:
        credentials: API key, secret and passphrase; `None` for public data only.
        is_testnet: use the venue's testnet/demo environment.
        session: an `aiohttp.ClientSession` to send requests through (shared connection pool,
            or a session routed to the simulator). The caller keeps ownership and closes it.
        default_trade_type: what a symbol without a settle currency means (spot by default).
        timeout: seconds before a request is abandoned.
        rate_limit: share the venue's request budget with every other connector of the venue,
            and keep each account's new orders inside the venue's order-count windows (`True`:
            within this process; a `RedisBackend`: across processes; `False`: no throttling).
        retry: how reads are retried on transient errors (default `RetryPolicy()`; `NO_RETRY`
            turns retries off). Orders are never sent twice: see `create_order`.
        ccxt_options: extra ccxt `options` for every client (advanced).
        market_cache: share market metadata with every other connector of this venue that uses
            the same cache (a `TradingService` passes its own).
        reconcile_timeout: how long, in seconds, an order whose answer was lost (a timeout, a
            dropped connection, a 5xx, an unknown error code, a garbled answer) is looked for
            before `OrderStatusUnknown` is raised. It is never sent again.
    """

    profile: ClassVar[VenueProfile] = _GENERIC
    """The venue's table of differences (required of every venue adapter)."""
    name: ClassVar[str] = _GENERIC.name
    display_name: ClassVar[str] = _GENERIC.display_name
    capabilities: ClassVar[Capabilities] = _GENERIC.capabilities
    accepts_shared_session: ClassVar[bool] = True
    """Whether the class takes `session=` and `market_cache=` (a `TradingService` hands every
    connector it makes one HTTP pool and one copy of each venue's markets)."""

    HOOKS: ClassVar[Mapping[str, str]] = MappingProxyType(
        {
            "_order_arguments": "optional: ccxt's create_order arguments for an order",
            "_order_lookup": "optional: ccxt's id and params for fetching or cancelling an order",
            "_find_order": "optional: an order ccxt's fetch_order cannot see",
            "_triggered_child": "optional: where the order a triggered order placed is found",
            "_normalize_order": "optional: a venue's order record, fixed before parsing",
            "_acknowledgement": "optional: a bare placement answer completed without a read",
            "_normalize_market": "optional: a market, completed from the venue's own record",
            "_normalize_position": "optional: a position, completed from the venue's record",
            "_encode_client_order_id": "optional: a client order id as it travels",
            "_decode_client_order_id": "optional: a client order id as the caller knows it",
            "_order_window": "optional: how long the venue accepts an order request",
            "_refine_error": "optional: an error class from the venue's words",
            "_valid_answer": "optional: whether ccxt's parsed answer carries what is needed",
            "_answer_holds": "optional: whether a raw JSON answer holds what its endpoint does",
            "_history_params": "optional: ccxt params bounding a history request in time",
        }
    )
    """The hooks a venue adapter may override, each with what it is for. Anything else is the
    connector's own; `tests/connector/test_seams.py` holds the built-in venues to this list."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        profile = cls.__dict__.get("profile")
        if isinstance(profile, VenueProfile):
            cls.name = profile.name
            cls.display_name = profile.display_name
            cls.capabilities = profile.capabilities

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
        profile = self.profile
        if profile.requires_passphrase and credentials is not None and (
            credentials.passphrase is None
        ):
            raise ConfigurationError(
                f"{profile.display_name} API keys come with a passphrase: pass passphrase=... "
                f"(or set {profile.name.upper()}_PASSPHRASE)",
                exchange=profile.name,
            )
        if is_testnet and not profile.capabilities.testnet:
            raise NotSupported(
                f"{profile.display_name} has no testnet or demo environment; refusing to run "
                "is_testnet=True against the live venue",
                exchange=profile.name,
            )
        try:
            default = TradeType(default_trade_type)
        except ValueError:
            raise ConfigurationError(
                f"default_trade_type must be spot or futures, got {default_trade_type!r}"
            ) from None
        if not profile.capabilities.supports(default):
            raise NotSupported(
                f"{profile.display_name} does not trade {default.value}", exchange=profile.name
            )
        if timeout <= 0:
            raise ConfigurationError(f"timeout must be positive, got {timeout}")
        if not reconcile_timeout >= 0:
            raise ConfigurationError(
                f"reconcile_timeout must be zero or positive, got {reconcile_timeout}"
            )
        self.default_trade_type = default
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._pool = ClientPool(
            self,
            session=session,
            timeout_ms=int(timeout * 1000),
            rate_backend=_rate_backend(rate_limit),
            ccxt_options=ccxt_options or {},
        )
        self._caller = Caller(self, retry if retry is not None else RetryPolicy())
        self._symbols = Symbols(self, market_cache)
        self._market_data = MarketData(self)
        self._history = History(self)
        self._streams = Streams(self)
        self._account = Account(self)
        self._lookups = Lookups(self)
        self._placing = Placing(self, float(reconcile_timeout))

    # --- state --------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        """Whether `close` has been called."""
        return self._closed

    @property
    def orders_in_doubt(self) -> tuple[OrderInDoubt, ...]:
        """The last 100 orders whose `create_order` ended without a definite answer (the
        caller cancelled it in flight, or `OrderStatusUnknown`), oldest first. Look each up by
        its client order id."""
        return tuple(self._placing.in_doubt)

    def _op(self, operation: str, symbol: object = None) -> Operation:
        if self._closed or self._loop is not asyncio.get_running_loop():
            self._check_usable(operation, symbol)
        return Operation(self, operation, symbol)

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

    def _supported(self, trade_type: object) -> TradeType:
        """`trade_type` (or the default), refused when the exchange does not trade it."""
        tt = trade_type_arg(trade_type) or self.default_trade_type
        if not self.capabilities.supports(tt):
            raise NotSupported(f"{self.display_name} does not trade {tt.value}")
        return tt

    def _trade_types(self) -> list[TradeType]:
        supported = [tt for tt in TradeType if self.capabilities.supports(tt)]
        if self.is_testnet:
            supported = [tt for tt in supported if tt in self.profile.testnet_modes]
        return supported

    def _require_credentials(self) -> None:
        if self._credentials is None:
            raise ConfigurationError(
                f"this call needs API credentials; create the {self.display_name} connector "
                "with api_key and api_secret"
            )

    def _refine(self, exc: BaseException, message: str) -> type[ExchangeLayerError] | None:
        return self.profile.error_class(message) or self._refine_error(exc, message)

    # --- services for hooks ---------------------------------------------------------------
    def _client(self, trade_type: TradeType) -> Any:
        """The ccxt client serving `trade_type` (for a hook's own requests)."""
        return self._pool.client(trade_type)

    @property
    def _read(self) -> Any:
        """`Caller.read`: a checked, translated, retried request (for a hook's own reads)."""
        return self._caller.read

    async def _leverage(self, symbol: str) -> int | None:
        """The cross leverage of futures `symbol` (set here, else the venue's, else None)."""
        return await self._account.leverage(symbol)

    # --- identifiers ----------------------------------------------------------------------
    def new_client_order_id(self) -> str:
        """A fresh client order id, valid on this venue."""
        profile = self.profile
        prefix = profile.client_order_id_prefix
        return prefix + secrets.token_hex(32)[: profile.client_order_id_max_length - len(prefix)]

    def _check_client_order_id(self, client_order_id: str) -> str:
        profile = self.profile
        if type(client_order_id) is not str or not profile.client_order_id_chars.fullmatch(
            client_order_id
        ):
            allowed = "letters, digits, '.', '_' and '-'"
            if "." not in profile.client_order_id_chars.pattern:
                allowed = "letters, digits, '_' and '-'"
            raise InvalidOrder(
                f"{self.display_name} client order ids may hold only {allowed}, "
                f"got {preview(client_order_id)}"
            )
        longest = profile.client_order_id_max_length
        if len(client_order_id) > longest:
            raise InvalidOrder(
                f"client_order_id is {len(client_order_id)} characters; {self.display_name} "
                f"allows at most {longest}"
            )
        wire_max = profile.client_order_id_wire_max
        if wire_max is not None:
            wire = self._encode_client_order_id(client_order_id)
            if len(wire) > wire_max:
                raise InvalidOrder(
                    f"client_order_id {client_order_id!r} takes {len(wire)} characters on "
                    f"{self.display_name} once encoded for it; at most {wire_max} fit"
                )
        return client_order_id

    def _check_order_id(self, order_id: object) -> str:
        """`order_id` when it has the form of the venue's order ids; else InvalidArgument,
        before anything is sent (an id goes into a signed request's path or query)."""
        # exactly a str: a subclass may print (and so be sent) as something else than it is
        pattern = self.profile.order_id_pattern
        if type(order_id) is not str or not pattern.fullmatch(order_id):
            raise InvalidArgument(
                f"order_id {preview(order_id)} is not a {self.display_name} order id "
                f"(they match {pattern.pattern})"
            )
        return order_id

    # --- hooks (see HOOKS): the defaults ----------------------------------------------------
    def _history_params(
        self, call: str, trade_type: TradeType, since_ms: int, until_ms: int
    ) -> dict[str, Any]:
        """The ccxt params that bound a market-history request (`call` is ccxt's method name:
        ``fetch_ohlcv``, ``fetch_trades``, ``fetch_funding_rate_history``) to
        ``[since_ms, until_ms)``, besides ccxt's own ``since``: ccxt's ``until`` by default."""
        return {"until": until_ms - 1}

    async def _order_arguments(
        self, order: PreparedOrder, client_order_id: str, market: Market
    ) -> CcxtOrder:
        """The arguments of ccxt's `create_order` for `order`.

        Numbers travel as plain strings (see `plain`); the amount is in the market's own unit
        (contracts on contract markets).
        """
        params: dict[str, Any] = {"clientOrderId": self._encode_client_order_id(client_order_id)}
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
            amount=plain(to_contracts(order.amount, market)),
            price=None if order.price is None else plain(order.price),
            params=params,
        )

    def _order_lookup(
        self, call: str, order_id: str | None, client_order_id: str | None
    ) -> tuple[str | None, dict[str, Any]]:
        """The `id` argument and `params` of ccxt's `fetch_order`/`cancel_order` (`call`) for
        an order known by its venue id or by its client order id."""
        if client_order_id is not None:
            return None, {"clientOrderId": self._encode_client_order_id(client_order_id)}
        return order_id, {}

    async def _find_order(
        self, trade_type: TradeType, order_id: str | None, symbol: str, params: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        """An order ccxt's `fetch_order` does not find (the venue keeps it elsewhere), or None."""
        return None

    async def _triggered_child(
        self, trade_type: TradeType, raw: Mapping[str, Any], symbol: str
    ) -> ChildOrder | None:
        """For a trigger order that fired, where the order it placed (which carries the fills)
        is found; None for any other order."""
        return None

    def _normalize_order(
        self, raw: Mapping[str, Any], trade_type: TradeType, market: Market
    ) -> Mapping[str, Any]:
        """ccxt's order with the venue's own fields put back where ccxt guesses."""
        return raw

    def _acknowledgement(
        self, raw: Mapping[str, Any], order: PreparedOrder, args: CcxtOrder, cid: str
    ) -> Mapping[str, Any] | None:
        """A bare answer to a new order (no status) completed from what was sent, when it says
        enough; None to read the order back."""
        return None

    def _normalize_market(self, market: Market, raw: Mapping[str, Any]) -> Market:
        """A market, completed from the venue's own record (`raw["info"]`)."""
        return market

    def _normalize_position(self, position: Position) -> Position:
        """A position, completed from the venue's own record (`position.raw`)."""
        return position

    def _encode_client_order_id(self, client_order_id: str) -> str:
        """A client order id as it travels to the venue."""
        return client_order_id

    def _decode_client_order_id(self, wire: str) -> str | None:
        """A client order id the venue reports, as the caller knows it (None: not one)."""
        return wire

    def _order_window(self, trade_type: TradeType, order: PreparedOrder) -> float | None:
        """Seconds after which the venue refuses `order`'s request as too old."""
        return self.profile.request_window

    def _refine_error(self, exc: BaseException, message: str) -> type[ExchangeLayerError] | None:
        """A more precise error class than ccxt's and the profile's code table give, or None."""
        return None

    def _valid_answer(self, kind: str, raw: Any) -> bool:
        """Whether ccxt's parsed answer of `kind` carries what exchlayer needs.

        ccxt's parsers are lenient: a body of the wrong shape comes back as a record of Nones
        (a ticker without prices, an order without an id) or as an empty list or balance. A
        venue adapter adds checks that need its wire format (that a balance answer holds the
        venue's balance list, say).
        """
        return valid_parsed(kind, raw, self.profile.position_keys)

    def _answer_holds(self, method: str, url: str, answer: Any) -> bool:
        """Whether the venue's raw JSON answer at `url` holds what that endpoint answers, beyond
        the profile's shape tables."""
        return True

    def _answer_holds_hook(self) -> Any:
        """The adapter's `_answer_holds`, when it has one (nothing to call otherwise)."""
        if type(self)._answer_holds is CcxtExchange._answer_holds:
            return None
        return self._answer_holds

    # --- BaseExchange ---------------------------------------------------------------------
    # Each hands the part's coroutine to the caller (no frame of its own to resume on every
    # I/O wakeup); BaseExchange's boundary awaits it.
    def get_ticker(
        self, symbol: str, *, trade_type: TradeType | None = None
    ) -> Coroutine[Any, Any, Ticker]:
        return self._market_data.ticker(symbol, trade_type)

    def get_order_book(
        self, symbol: str, limit: int = 20, *, trade_type: TradeType | None = None
    ) -> Coroutine[Any, Any, OrderBook]:
        return self._market_data.order_book(symbol, limit, trade_type)

    def get_symbols(self, trade_type: TradeType | None = None) -> Coroutine[Any, Any, list[str]]:
        return self._market_data.symbols(trade_type)

    def get_exchange_info(self) -> Coroutine[Any, Any, ExchangeInfo]:
        return self._market_data.exchange_info()

    async def test_connection(self) -> bool:
        return (await self.check_connection()).ok

    def check_connection(self) -> Coroutine[Any, Any, ConnectionCheck]:
        """Ask the venue for its time (or its markets) and, with credentials, the balance."""
        return self._market_data.check()

    def get_balance(
        self, currency: str | None = None, *, trade_type: TradeType | None = None
    ) -> Coroutine[Any, Any, list[Balance]]:
        return self._account.balance(currency, trade_type)

    def get_trades(
        self, symbol: str, limit: int = 100, *, trade_type: TradeType | None = None
    ) -> Coroutine[Any, Any, list[Trade]]:
        return self._account.trades(symbol, limit, trade_type)

    def get_positions(self, symbol: str | None = None) -> Coroutine[Any, Any, list[Position]]:
        return self._account.positions(symbol)

    def set_leverage(self, symbol: str, leverage: int) -> Coroutine[Any, Any, bool]:
        return self._account.set_leverage(symbol, leverage)

    def place_order(self, request: OrderRequest) -> Coroutine[Any, Any, Order]:
        """Place the order `request` describes, at most once.

        An answer that leaves the order's fate open (a timeout, a dropped connection, a 5xx, an
        unknown or busy error code, a garbled answer) is never answered by sending the order
        again: it is looked for (by its client order id, among the open orders) for up to
        `reconcile_timeout` seconds; found, it is returned; otherwise `OrderStatusUnknown`
        carries the client order id. A refusal the venue documents as final (invalid order,
        insufficient funds, rate limit, a refused timestamp) is raised as such.

        If the caller cancels the call (`task.cancel()`, `asyncio.wait_for`) while the request
        is in flight, the order may still be placed: the `CancelledError` carries
        `client_order_id`, a WARNING says so, and `orders_in_doubt` lists it. Passing your own
        `client_order_id` (from `new_client_order_id`) keeps it in your hands.
        """
        if not isinstance(request, OrderRequest):
            raise InvalidOrder(f"place_order takes an OrderRequest, got {preview(request)}")
        return self._placing.place(request)

    def create_order(
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
    ) -> Coroutine[Any, Any, Order]:
        """Place an order given field by field: `place_order(order_request(...))`."""
        with self._op("create_order", symbol):
            request = order_request(
                symbol, order_type, side, amount, price, stop_price=stop_price,
                trade_type=trade_type, time_in_force=time_in_force, reduce_only=reduce_only,
                client_order_id=client_order_id,
            )
        return self._placing.place(request)

    def get_order(
        self,
        order_id: str | None,
        symbol: str,
        *,
        client_order_id: str | None = None,
        trade_type: TradeType | None = None,
    ) -> Coroutine[Any, Any, Order]:
        return self._lookups.get(order_id, symbol, client_order_id, trade_type)

    def cancel_order(
        self,
        order_id: str | None,
        symbol: str,
        *,
        client_order_id: str | None = None,
        trade_type: TradeType | None = None,
    ) -> Coroutine[Any, Any, bool]:
        return self._lookups.cancel(order_id, symbol, client_order_id, trade_type)

    def get_open_orders(
        self, symbol: str | None = None, *, trade_type: TradeType | None = None
    ) -> Coroutine[Any, Any, list[Order]]:
        return self._lookups.open_orders(symbol, trade_type)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        here = self._loop is None or self._loop is asyncio.get_running_loop()
        if not here:
            # first used in another event loop, now gone (a second asyncio.run()): what it
            # owned cannot be closed from here; its sockets went with that loop
            log.info("%s: closing a connector whose event loop has ended", self.name)
        owned = self._pool._own_session is not None
        if here:
            await self._streams.close()
        await self._pool.close(owned_by_this_loop=here)
        if here and owned:
            # let TLS transports finish closing (aiohttp's advice for graceful shutdown)
            await asyncio.sleep(0.25)


def _rate_backend(rate_limit: object) -> RateLimitBackend | None:
    if rate_limit is True:
        return default_backend()
    if rate_limit is False or rate_limit is None:
        return None
    if isinstance(rate_limit, RateLimitBackend):
        return rate_limit
    raise ConfigurationError(f"rate_limit must be a bool or a RateLimitBackend, got {rate_limit!r}")
