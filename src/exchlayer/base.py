"""The interface every exchange connector implements.

A connector is used as an async context manager (or closed with
[`close`][exchlayer.base.BaseExchange.close]). How each method picks spot or futures: a symbol
with a settle currency (``BTC/USDT:USDT``) is futures; otherwise the ``trade_type`` argument
decides, and without one the connector's ``default_trade_type`` (spot unless configured).
Positions and leverage are always futures.
"""

from __future__ import annotations

import functools
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timezone
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from .config import Credentials
from .errors import (
    ConfigurationError,
    ExchangeLayerError,
    InvalidArgument,
    NetworkError,
    NotSupported,
    RequestTimeout,
)
from .models import (
    Balance,
    Capabilities,
    ConnectionCheck,
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
from .redaction import Redactor, scrub_chain

if TYPE_CHECKING:
    from .history.models import Candle, FundingRate, PublicTrade
    from .orders import OrderRequest

__all__ = ["BaseExchange", "Capabilities"]

_Self = TypeVar("_Self", bound="BaseExchange")
_R = TypeVar("_R")

# The interface's methods: whatever escapes one of them leaves through _guarded.
_GUARDED = frozenset(
    {
        "get_ticker", "get_order_book", "get_balance", "create_order", "place_order", "get_order",
        "cancel_order", "get_open_orders", "get_trades", "get_positions", "set_leverage",
        "get_symbols", "get_exchange_info", "test_connection", "check_connection", "close",
        "get_ohlcv", "get_public_trades", "get_funding_rate_history",
    }
)


def _guarded(method: Callable[..., Awaitable[_R]]) -> Callable[..., Awaitable[_R]]:
    """``method`` such that every error leaving it is an exchlayer error whose whole chain is
    free of secrets (see `exchlayer.redaction.scrub_chain`)."""

    @functools.wraps(method)
    async def guarded(self: BaseExchange, *args: Any, **kwargs: Any) -> _R:
        try:
            return await method(self, *args, **kwargs)
        except ExchangeLayerError as exc:
            scrub_chain(exc, self._redact)
            raise  # the same object: its (cleaned) context stays as it is
        except Exception as exc:
            # a connector (a plugin's, or a bug) let a foreign exception out
            foreign = exc
        error = _foreign_class(foreign)(
            f"{type(foreign).__name__}: {self._redact(_text(foreign))}",
            exchange=getattr(self, "name", None),
            operation=method.__name__,
        )
        error.__cause__ = foreign
        scrub_chain(error, self._redact)
        raise error

    guarded.__xl_guarded__ = True  # type: ignore[attr-defined]
    return guarded


def _foreign_class(exc: Exception) -> type[ExchangeLayerError]:
    """What a foreign exception that escaped a connector most likely means."""
    if isinstance(exc, TimeoutError):
        return RequestTimeout
    if isinstance(exc, OSError):
        return NetworkError
    if isinstance(exc, (ValueError, TypeError, ArithmeticError, LookupError, AttributeError)):
        return InvalidArgument  # a value the connector could not work with
    return ExchangeLayerError  # nothing more is known


def _text(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return f"<{type(value).__name__} that cannot be printed>"


class BaseExchange(ABC):
    """One typed, async interface to one exchange account.

    Subclasses set `name` and `capabilities` and implement every abstract method. Register them
    with [`ExchangeFactory.register_exchange`][exchlayer.factory.ExchangeFactory.register_exchange]
    or through the ``exchlayer.exchanges`` entry-point group.
    """

    name: ClassVar[str]
    """The registry name, e.g. ``"binance"``."""
    capabilities: ClassVar[Capabilities]
    """What this exchange can do; anything else raises ``NotSupported``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every interface method a subclass defines leaves through _guarded, so no connector (a
        # plugin's included) can let a secret out in an error's chain, or a foreign error out.
        super().__init_subclass__(**kwargs)
        for name in _GUARDED:
            method = cls.__dict__.get(name)
            if callable(method) and not getattr(method, "__xl_guarded__", False):
                setattr(cls, name, _guarded(method))

    def __init__(self, *, credentials: Credentials | None = None, is_testnet: bool = False) -> None:
        """Every exchange class accepts these keywords (the factory passes them), plus its own
        options. Subclasses call ``super().__init__(credentials=..., is_testnet=...)``."""
        if credentials is not None and not isinstance(credentials, Credentials):
            raise ConfigurationError("credentials must be an exchlayer.Credentials")
        self._credentials = credentials
        self._is_testnet = bool(is_testnet)
        self._redactor = Redactor(credentials.secret_values() if credentials else ())

    def _redact(self, text: str) -> str:
        """``text`` with this connector's secrets and any signature masked."""
        redactor = getattr(self, "_redactor", None)  # a subclass may skip __init__
        if redactor is None:
            credentials: Credentials | None = getattr(self, "_credentials", None)
            redactor = self._redactor = Redactor(
                credentials.secret_values() if credentials is not None else ()
            )
        return redactor(text)

    @property
    def is_testnet(self) -> bool:
        """Whether the connector talks to the venue's testnet or demo environment."""
        return self._is_testnet

    @property
    def has_credentials(self) -> bool:
        """Whether the connector can make private (account) calls."""
        return self._credentials is not None

    @abstractmethod
    async def get_ticker(self, symbol: str, *, trade_type: TradeType | None = None) -> Ticker:
        """The latest price and 24-hour statistics of ``symbol``."""

    @abstractmethod
    async def get_order_book(
        self, symbol: str, limit: int = 20, *, trade_type: TradeType | None = None
    ) -> OrderBook:
        """The top ``limit`` levels of each side of ``symbol``'s book."""

    @abstractmethod
    async def get_balance(
        self, currency: str | None = None, *, trade_type: TradeType | None = None
    ) -> list[Balance]:
        """The account's non-zero balances, or the one of ``currency`` (even when zero)."""

    @abstractmethod
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
        """Place an order.

        Args:
            symbol: unified symbol, e.g. ``BTC/USDT``.
            order_type: market, limit, stop (market once triggered) or stop-limit.
            side: buy or sell.
            amount: in base currency, a positive `Decimal`.
            price: the limit price; required for LIMIT and STOP_LIMIT, refused otherwise.
            stop_price: the trigger price; required for STOP and STOP_LIMIT, refused otherwise.
            trade_type: spot or futures, when the symbol does not say.
            time_in_force: for limit orders; GTC when omitted.
            reduce_only: futures only: the order may only shrink a position.
            client_order_id: your id for the order; one is generated when omitted.

        Returns:
            The order as the venue acknowledged it, with its ``client_order_id``.

        Raises:
            InvalidOrder: the order is malformed or breaks a market rule; nothing was sent.
            OrderStatusUnknown: the order was sent but its fate could not be learned.
        """

    async def place_order(self, request: OrderRequest) -> Order:
        """Place the order `request` describes (one of the order-request models of
        `exchlayer.orders`): what `create_order` does with its arguments as one value.

        The default hands the request's fields to `create_order`; connectors that build on
        requests (every ccxt-backed one) override it.
        """
        return await self.create_order(**request.fields())

    @abstractmethod
    async def get_order(
        self,
        order_id: str | None,
        symbol: str,
        *,
        client_order_id: str | None = None,
        trade_type: TradeType | None = None,
    ) -> Order:
        """Look an order up by the venue's id or by its client order id (give exactly one)."""

    @abstractmethod
    async def cancel_order(
        self,
        order_id: str | None,
        symbol: str,
        *,
        client_order_id: str | None = None,
        trade_type: TradeType | None = None,
    ) -> bool:
        """Cancel an open order.

        Returns:
            ``True`` when this call cancelled the order; ``False`` when the order exists but was
            no longer open (already filled, cancelled or expired).

        Raises:
            OrderNotFound: the venue has no such order.
        """

    @abstractmethod
    async def get_open_orders(
        self, symbol: str | None = None, *, trade_type: TradeType | None = None
    ) -> list[Order]:
        """The account's open orders, on ``symbol`` or on every market of the trade type."""

    @abstractmethod
    async def get_trades(
        self, symbol: str, limit: int = 100, *, trade_type: TradeType | None = None
    ) -> list[Trade]:
        """The account's most recent fills on ``symbol``, oldest first."""

    @abstractmethod
    async def get_positions(self, symbol: str | None = None) -> list[Position]:
        """Open futures positions, on ``symbol`` or on every market."""

    @abstractmethod
    async def set_leverage(self, symbol: str, leverage: int) -> bool:
        """Set the leverage of ``symbol``'s futures market; ``True`` once the venue confirms."""

    # --- streams (optional: the defaults say NotSupported) -------------------------------
    def watch_ticker(
        self,
        symbol: str,
        *,
        trade_type: TradeType | None = None,
        stale_after: float | None = None,
    ) -> AsyncIterator[Ticker]:
        """``symbol``'s ticker as the venue streams it: ``async for ticker in ...``, a new
        `Ticker` each time it changes (the latest, when the consumer reads slower).

        ``stale_after`` (seconds, default 30): silence after which the connection is taken
        for dead and dialled again. See `exchlayer.connector.streams` for what a stream
        promises.

        Raises:
            NotSupported: the exchange has no ticker stream (`Capabilities.streams`).
        """
        raise NotSupported(f"{self._display()} has no ticker stream")

    def watch_order_book(
        self,
        symbol: str,
        *,
        limit: int | None = None,
        trade_type: TradeType | None = None,
        stale_after: float | None = None,
    ) -> AsyncIterator[OrderBook]:
        """``symbol``'s order book, kept from the venue's snapshot and deltas: ``async for
        book in ...``, a whole, checked `OrderBook` (``limit`` levels a side) after each
        change. A gap in the venue's sequence or a failed check takes a fresh snapshot first:
        a wrong book is never yielded.

        Raises:
            NotSupported: the exchange has no order-book stream (`Capabilities.streams`).
        """
        raise NotSupported(f"{self._display()} has no order-book stream")

    # --- market history (optional: the defaults say NotSupported) -----------------------
    async def get_ohlcv(
        self,
        symbol: str,
        timeframe: str = "1m",
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        trade_type: TradeType | None = None,
    ) -> list[Candle]:
        """``symbol``'s candles of ``timeframe`` (``"1m"``, ``"1h"``, ``"1d"``, ...), oldest
        first, opening in ``[since, until)``, at most ``limit`` of them (the first ``limit``
        from ``since``; without ``since``, the latest ``limit``, 100 by default).

        A range longer than the venue's page is read page by page. A period the venue has no
        candle for (before the listing, an outage) is simply absent: nothing is invented. The
        last candle may still be forming (``closed=False``).

        Raises:
            InvalidArgument: an unknown timeframe, a naive datetime, a bad limit.
            NotSupported: the exchange serves no candles.
        """
        raise NotSupported(f"{self._display()} serves no candles")

    async def get_public_trades(
        self,
        symbol: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        trade_type: TradeType | None = None,
    ) -> list[PublicTrade]:
        """The market's trades (anybody's), oldest first: the latest ones, or those in
        ``[since, until)``, at most ``limit``.

        Raises:
            NotSupported: the exchange publishes no trades, or (``since``/``until`` given) only
                its most recent ones (KuCoin, BingX).
        """
        raise NotSupported(f"{self._display()} publishes no trades here")

    async def get_funding_rate_history(
        self,
        symbol: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[FundingRate]:
        """The funding settlements of the perpetual ``symbol`` in ``[since, until)``, oldest
        first (without ``since``, the latest ``limit``, 100 by default).

        Raises:
            NotSupported: the exchange has no funding history here.
        """
        raise NotSupported(f"{self._display()} has no funding-rate history here")

    def _display(self) -> str:
        name = getattr(self, "display_name", None) or getattr(self, "name", None)
        return str(name or type(self).__name__)

    @abstractmethod
    async def get_symbols(self, trade_type: TradeType | None = None) -> list[str]:
        """The active unified symbols, of one trade type or of every one supported."""

    @abstractmethod
    async def get_exchange_info(self) -> ExchangeInfo:
        """The exchange's identity, capabilities and markets."""

    @abstractmethod
    async def test_connection(self) -> bool:
        """Whether the venue answers (and, with credentials, accepts them). Never raises."""

    async def check_connection(self) -> ConnectionCheck:
        """Test the connection and say how it went (latency, and the error if it failed).

        The default times `test_connection`; connectors that can report the reason of a
        failure override it.
        """
        started = time.perf_counter()
        ok = await self.test_connection()
        return ConnectionCheck(
            exchange=getattr(self, "name", type(self).__name__),
            ok=ok,
            latency_ms=(time.perf_counter() - started) * 1000,
            checked_at=datetime.now(timezone.utc),
            error=None if ok else "the connection test failed",
        )

    @abstractmethod
    async def close(self) -> None:
        """Release connections. A closed connector refuses further calls."""

    async def __aenter__(self: _Self) -> _Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        mode = " testnet" if self.is_testnet else ""
        return f"<{type(self).__name__} {getattr(self, 'name', '?')}{mode}>"
