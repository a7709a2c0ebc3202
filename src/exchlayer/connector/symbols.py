"""Symbols and markets: what a caller's symbol means, and the rules of each market.

`resolve` turns a caller's symbol and trade type into the unified symbol of one market (a
symbol with a settle currency is futures; otherwise the trade type decides, then the connector's
default). `markets` loads the venue's markets once (shared by every connector of the venue when a
`MarketCache` is given); `market` is one market's rules as exchlayer's `Market`, amounts in base
currency, parsed once per load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import BadSymbol, InvalidArgument, MalformedResponse
from ..models import Market, TradeType
from ..resilience.retry import RetryPolicy
from ..validation import parse_symbol
from . import parsing
from .calls import preview
from .markets import MarketCache
from .units import market_in_base

if TYPE_CHECKING:
    from .core import CcxtExchange

__all__ = ["Symbols", "trade_type_arg", "trade_type_of"]

_MAX_CACHED = 4096


class Symbols:
    """One connector's symbol resolution and market rules."""

    def __init__(self, connector: CcxtExchange, shared: MarketCache | None) -> None:
        self._connector = connector
        self._shared = shared
        self._rules: dict[tuple[TradeType, str], Market] = {}
        self._seen: dict[TradeType, int] = {}
        self._resolved: dict[tuple[str, TradeType | None], tuple[str, TradeType]] = {}

    def resolve(self, symbol: str, trade_type: TradeType | None) -> tuple[str, TradeType]:
        """The unified symbol and trade type `symbol` names (see the module docstring)."""
        cacheable = type(symbol) is str and (trade_type is None or type(trade_type) is TradeType)
        key = (symbol, trade_type)
        if cacheable:
            hit = self._resolved.get(key)
            if hit is not None:
                return hit
        connector = self._connector
        kind = trade_type_arg(trade_type)
        base, quote, settle = parse_symbol(symbol)
        if settle is not None:
            if kind is TradeType.SPOT:
                raise BadSymbol(
                    f"{symbol!r} names a futures market (it has a settle currency) but "
                    "trade_type is spot; drop ':SETTLE' for the spot market"
                )
            resolved = TradeType.FUTURES
        else:
            resolved = kind or connector.default_trade_type
            if resolved is TradeType.FUTURES:
                settle = quote
        connector._supported(resolved)
        unified = f"{base}/{quote}:{settle}" if resolved is TradeType.FUTURES else f"{base}/{quote}"
        result = (unified, resolved)
        if cacheable:
            if len(self._resolved) >= _MAX_CACHED:
                self._resolved.clear()  # a caller cycling through endless spellings
            self._resolved[key] = result
        return result

    async def markets(
        self, trade_type: TradeType, policy: RetryPolicy | None = None
    ) -> Mapping[str, Any]:
        """ccxt's markets for `trade_type`'s client, loaded (or shared) on first use."""
        connector = self._connector
        client = connector._pool.client(trade_type)
        read = connector._caller.read
        if self._shared is not None:
            cache = self._shared
            key = (type(connector).__qualname__, client.id, connector.is_testnet)
            markets: Mapping[str, Any] = await read(
                trade_type, lambda: cache.markets_for(client, key), policy
            )
        else:
            markets = client.markets or await read(trade_type, client.load_markets, policy)
        if self._seen.get(trade_type) != id(markets):
            # markets were (re)loaded: forget the rules parsed from the previous copy
            self._seen[trade_type] = id(markets)
            for cached in [k for k in self._rules if k[0] is trade_type]:
                del self._rules[cached]
        return markets

    async def market(self, symbol: str, trade_type: TradeType) -> Market:
        """The rules of the market `symbol` (unified) of `trade_type`."""
        if self._shared is None:
            cached = self._rules.get((trade_type, symbol))
            if cached is not None:
                return cached
        markets = await self.markets(trade_type)
        cached = self._rules.get((trade_type, symbol))
        if cached is not None:
            return cached
        raw = markets.get(symbol)
        if raw is None or trade_type_of(raw) is not trade_type:
            raise BadSymbol(
                f"{self._connector.display_name} does not list {symbol} ({trade_type.value})"
            )
        market = self.to_market(raw)
        self._rules[(trade_type, symbol)] = market
        return market

    async def answered(self, symbol: Any, trade_type: TradeType, asked: str | None) -> Market:
        """The market a record in the venue's answer belongs to: the one asked for, or (when
        none was) one the venue lists. Another market's record in an answer about one market,
        or a market the venue does not list, is a malformed answer."""
        if asked is not None and symbol != asked:
            raise MalformedResponse(
                f"the venue answered about {preview(symbol)} when asked about {asked}"
            )
        try:
            return await self.market(str(symbol), trade_type)
        except BadSymbol:
            raise MalformedResponse(
                f"the venue's answer names a market it does not list: {preview(symbol)}"
            ) from None

    def to_market(self, raw: Mapping[str, Any]) -> Market:
        """A ccxt market as exchlayer's, with amounts in base currency (not contracts)."""
        return market_in_base(self._connector._normalize_market(parsing.parse_market(raw), raw))

    async def listed(self, trade_type: TradeType) -> list[str]:
        """The active unified symbols of `trade_type`, sorted."""
        markets = await self.markets(trade_type)
        return sorted(
            s for s, m in markets.items()
            if trade_type_of(m) is trade_type and m.get("active") is not False
        )


def trade_type_arg(value: object) -> TradeType | None:
    """A caller's `trade_type` argument as the enum (`"spot"` works too)."""
    if value is None or isinstance(value, TradeType):
        return value
    try:
        return TradeType(value)
    except (ValueError, TypeError):
        raise InvalidArgument(
            f"trade_type must be spot or futures, got {preview(value)}"
        ) from None


def trade_type_of(market: Mapping[str, Any]) -> TradeType | None:
    """The trade type of a ccxt market exchlayer serves (spot, linear swap), or None."""
    if market.get("spot"):
        return TradeType.SPOT
    if market.get("swap") and market.get("linear"):
        return TradeType.FUTURES
    return None
