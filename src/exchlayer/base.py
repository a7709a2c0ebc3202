"""The interface every exchange connector implements.

A connector is used as an async context manager (or closed with :meth:`BaseExchange.close`). How
each method picks spot or futures: a symbol with a settle currency (``BTC/USDT:USDT``) is futures;
otherwise the ``trade_type`` argument decides, and without one the connector's
``default_trade_type`` (spot unless configured). Positions and leverage are always futures.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from datetime import datetime, timezone
from decimal import Decimal
from types import TracebackType
from typing import ClassVar, TypeVar

from .config import Credentials
from .errors import ConfigurationError
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

__all__ = ["BaseExchange", "Capabilities"]

_Self = TypeVar("_Self", bound="BaseExchange")


class BaseExchange(ABC):
    """One typed, async interface to one exchange account.

    Subclasses set :attr:`name` and :attr:`capabilities` and implement every abstract method.
    Register them with :meth:`exchlayer.ExchangeFactory.register_exchange` or through the
    ``exchlayer.exchanges`` entry-point group.
    """

    name: ClassVar[str]
    """The registry name, e.g. ``"binance"``."""
    capabilities: ClassVar[Capabilities]
    """What this exchange can do; anything else raises ``NotSupported``."""

    def __init__(self, *, credentials: Credentials | None = None, is_testnet: bool = False) -> None:
        """Every exchange class accepts these keywords (the factory passes them), plus its own
        options. Subclasses call ``super().__init__(credentials=..., is_testnet=...)``."""
        if credentials is not None and not isinstance(credentials, Credentials):
            raise ConfigurationError("credentials must be an exchlayer.Credentials")
        self._credentials = credentials
        self._is_testnet = bool(is_testnet)

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
            amount: in base currency, a positive :class:`~decimal.Decimal`.
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

        The default times :meth:`test_connection`; connectors that can report the reason of a
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
