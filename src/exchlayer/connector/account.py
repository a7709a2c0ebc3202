"""The account: balances, fills, positions and leverage."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgument, NotSupported
from ..models import Balance, Position, Trade, TradeType
from . import parsing
from .calls import preview
from .market_data import check_count
from .units import trades_in_base

if TYPE_CHECKING:
    from .core import CcxtExchange

__all__ = ["Account"]

_CURRENCY = re.compile(r"[A-Za-z0-9]{1,20}")


class Account:
    """The account calls of one connector, and the leverage it set per futures market."""

    def __init__(self, connector: CcxtExchange) -> None:
        self._c = connector
        self.leverages: dict[str, int] = {}
        """The leverage this connector set per futures symbol (or learnt from the venue)."""

    async def balance(self, currency: str | None, trade_type: TradeType | None) -> list[Balance]:
        c = self._c
        with c._op("get_balance"):
            tt = c._supported(trade_type)
            code = None
            if currency is not None:
                if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency.strip()):
                    raise InvalidArgument(
                        f"currency must be a currency code like 'USDT', got {preview(currency)}"
                    )
                code = currency.strip().upper()
            c._require_credentials()
            await c._symbols.markets(tt)  # ccxt would load them itself, bypassing the cache
            client, params = c._pool.client(tt), c.profile.params("fetch_balance", tt)
            return await c._caller.read(
                tt,
                lambda: client.fetch_balance(params),
                kind="balance",
                parse=lambda raw: parsing.parse_balances(raw, tt, code),
            )

    async def trades(self, symbol: str, limit: int, trade_type: TradeType | None) -> list[Trade]:
        c = self._c
        with c._op("get_trades", symbol):
            unified, tt = c._symbols.resolve(symbol, trade_type)
            check_count(limit, "limit", maximum=1000)
            c._require_credentials()
            market = await c._symbols.market(unified, tt)
            client, params = c._pool.client(tt), c.profile.params("fetch_my_trades", tt)

            def parse(raws: list[Any]) -> list[Trade]:
                trades = [parsing.parse_trade(raw, tt, symbol=unified) for raw in raws]
                return trades_in_base(trades, market)

            return await c._caller.read(
                tt,
                lambda: client.fetch_my_trades(unified, None, limit, params),
                kind="trades",
                parse=parse,
            )

    async def positions(self, symbol: str | None) -> list[Position]:
        c = self._c
        futures = TradeType.FUTURES
        with c._op("get_positions", symbol):
            if not c.capabilities.positions:
                raise NotSupported(f"{c.display_name} has no futures positions here")
            c._require_credentials()
            unified = None
            if symbol is not None:
                unified, _ = c._symbols.resolve(symbol, futures)
                await c._symbols.market(unified, futures)
            else:
                await c._symbols.markets(futures)
            client, params = c._pool.client(futures), c.profile.params("fetch_positions", futures)

            # Every position is read, and one market's picked here rather than by ccxt: ccxt
            # drops the records it cannot place in the market asked for without a word, so a
            # garbled answer would read as "no position". The five venues answer every market's
            # positions at the same cost as one's.
            def parse(raws: list[Any]) -> list[Position]:
                positions = []
                for raw in raws:
                    position = parsing.parse_position(raw)
                    if position is not None and unified in (None, position.symbol):
                        positions.append(self._completed(c._normalize_position(position)))
                return positions

            return await c._caller.read(
                futures, lambda: client.fetch_positions(None, params), kind="positions",
                parse=parse,
            )

    def _completed(self, position: Position) -> Position:
        """A position whose venue leaves its leverage out (Binance's positionRisk) gets the
        leverage this connector set for the market, so every venue reports one."""
        if position.leverage is None:
            known = self.leverages.get(position.symbol)
            if known is not None:
                return position.model_copy(update={"leverage": Decimal(known)})
        return position

    async def set_leverage(self, symbol: str, leverage: int) -> bool:
        c = self._c
        futures = TradeType.FUTURES
        with c._op("set_leverage", symbol):
            if not c.capabilities.leverage:
                raise NotSupported(f"{c.display_name} cannot set leverage here")
            unified, _ = c._symbols.resolve(symbol, futures)
            check_count(leverage, "leverage", maximum=1000)
            c._require_credentials()
            market = await c._symbols.market(unified, futures)
            if market.max_leverage is not None and leverage > market.max_leverage:
                raise InvalidArgument(
                    f"leverage {leverage} is above {unified}'s maximum of {market.max_leverage}"
                )
            client, params = c._pool.client(futures), c.profile.params("set_leverage", futures)
            # setting the same leverage twice is harmless, so this is retried like a read
            await c._caller.read(futures, lambda: client.set_leverage(leverage, unified, params))
        self.leverages[unified] = leverage
        return True

    async def leverage(self, symbol: str) -> int | None:
        """The cross leverage of futures `symbol`: the one set here, else the venue's current
        setting (read once, and remembered), else None."""
        known = self.leverages.get(symbol)
        if known is not None:
            return known
        c = self._c
        client = c._pool.client(TradeType.FUTURES)
        if not client.has.get("fetchLeverage"):
            return None
        raw: Mapping[str, Any] = await c._caller.read(
            TradeType.FUTURES, lambda: client.fetch_leverage(symbol)
        )
        value = raw.get("longLeverage") if isinstance(raw, Mapping) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 1:
            self.leverages[symbol] = int(value)
            return int(value)
        return None
