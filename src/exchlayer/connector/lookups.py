"""Finding orders: by id or client id, among trigger orders too, and through to the order a
triggered order placed; cancelling them; listing the open ones. Every venue answer goes through
the checked, retried call path and is parsed into an `Order` in one place (`Lookups.order`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import (
    AuthenticationError,
    BadSymbol,
    ClockSkew,
    ExchangeLayerError,
    ExchangeUnavailable,
    InsufficientFunds,
    InvalidArgument,
    MalformedResponse,
    NotSupported,
    OrderNotFound,
    RateLimitExceeded,
)
from ..models import Market, Order, OrderStatus, TradeType
from ..resilience.retry import retry_call
from . import parsing
from .calls import current_trace, preview
from .units import order_in_base

if TYPE_CHECKING:
    from .core import CcxtExchange

__all__ = ["REFUSALS", "ChildOrder", "Lookups"]

T = TypeVar("T")

REFUSALS = (
    AuthenticationError,
    InsufficientFunds,
    InvalidArgument,
    BadSymbol,
    NotSupported,
    RateLimitExceeded,
    ClockSkew,
)
"""A venue's refusal: the venue answered and did not act. Anything else after a request left (a
timeout, a 5xx, an unknown or busy code, an answer that cannot be read) leaves its effect open."""


@dataclass(frozen=True)
class ChildOrder:
    """Where the order a triggered (stop) order placed can be found: what the connector passes
    to ccxt's `fetch_order`, and the key its record is kept under in the parent's `info`."""

    order_id: str | None
    info_key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    missing_is_unknown: bool = False
    """If the child cannot be found, the parent's fate is unknown (rather than an error)."""


class Lookups:
    """The order lookups, cancels and open-order lists of one connector."""

    def __init__(self, connector: CcxtExchange) -> None:
        self._c = connector

    # --- parsing ------------------------------------------------------------------------
    def order(
        self,
        raw: Mapping[str, Any],
        trade_type: TradeType,
        symbol: str,
        client_order_id: str | None,
        market: Market,
    ) -> Order:
        """A venue's order record as an `Order`: the venue's fixes first, the client id as the
        caller knows it, amounts in base currency, its id of the venue's form."""
        c = self._c
        try:
            fixed = c._normalize_order(raw, trade_type, market)
            wire = fixed.get("clientOrderId")
            if isinstance(wire, str):
                mine = c._decode_client_order_id(wire)
                if mine != wire:
                    fixed = {**fixed, "clientOrderId": mine}
            order = parsing.parse_order(
                fixed, trade_type, symbol=symbol, client_order_id=client_order_id
            )
        except ExchangeLayerError:
            raise
        except Exception as exc:
            raise MalformedResponse(
                f"the venue's answer could not be read ({type(exc).__name__}: {exc})"
            ) from exc
        if not c.profile.order_id_pattern.fullmatch(order.id) or not order.id.strip("0"):
            raise MalformedResponse(
                f"the venue answered with an order id no {c.display_name} order has: "
                f"{preview(order.id)}"
            )
        return order_in_base(order, market)

    # --- finding ------------------------------------------------------------------------
    def variants(self, trade_type: TradeType, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The ccxt params to try in turn: plain orders first, then trigger orders."""
        variants = [dict(params)]
        trigger = self._c.profile.trigger_order_params.get(trade_type)
        if trigger:
            variants.append({**params, **trigger})
        return variants

    async def fetch(
        self, trade_type: TradeType, order_id: str | None, symbol: str, params: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """The venue's record of one order (regular or trigger), completed with the order a
        triggered order placed. Raises OrderNotFound when the venue has no such order."""
        c = self._c
        client = c._pool.client(trade_type)
        read = c._caller.read
        variants = self.variants(trade_type, params) if c.profile.trigger_fetch else [dict(params)]
        raw: Mapping[str, Any] | None = None
        missing: OrderNotFound | None = None
        for variant in variants:
            try:
                raw = await read(
                    trade_type, partial(client.fetch_order, order_id, symbol, variant),
                    kind="order",
                )
                break
            except OrderNotFound as exc:
                missing = exc
        if raw is None:
            raw = await c._find_order(trade_type, order_id, symbol, params)
            if raw is None:
                raise missing or OrderNotFound(
                    f"{c.display_name} has no order "
                    f"{repr(order_id) if order_id else 'with that client order id'} on {symbol}"
                )
        return await self.with_child(trade_type, raw, symbol)

    async def with_child(
        self, trade_type: TradeType, raw: Mapping[str, Any], symbol: str
    ) -> Mapping[str, Any]:
        """A triggered order's record merged with the order it placed, which carries its fills
        (prices, amounts, status); the trigger order's own id, client id, type, trigger price
        and time stay."""
        c = self._c
        child_ref = await c._triggered_child(trade_type, raw, symbol)
        if child_ref is None:
            return raw
        client = c._pool.client(trade_type)
        try:
            child: Mapping[str, Any] = await c._caller.read(
                trade_type,
                partial(client.fetch_order, child_ref.order_id, symbol, dict(child_ref.params)),
                kind="order",
            )
        except OrderNotFound:
            if not child_ref.missing_is_unknown:
                raise
            return {**raw, "status": None}  # triggered, but what it placed cannot be found
        info = raw.get("info")
        return {
            **child,
            "id": raw.get("id"),
            "clientOrderId": raw.get("clientOrderId") or child.get("clientOrderId"),
            "type": raw.get("type") or child.get("type"),
            "triggerPrice": raw.get("triggerPrice"),
            "timestamp": raw.get("timestamp") or child.get("timestamp"),
            "info": {**(info if isinstance(info, Mapping) else {}),
                     child_ref.info_key: child.get("info")},
        }

    def lookup(
        self, call: str, order_id: str | None, client_order_id: str | None
    ) -> tuple[str | None, dict[str, Any]]:
        """Check the ids a caller gave, and the venue's form of the lookup."""
        c = self._c
        if (order_id is None) == (client_order_id is None):
            raise InvalidArgument("give exactly one of order_id and client_order_id")
        if order_id is not None:
            c._check_order_id(order_id)
        if client_order_id is not None:
            c._check_client_order_id(client_order_id)
        return c._order_lookup(call, order_id, client_order_id)

    async def get(
        self,
        order_id: str | None,
        symbol: str,
        client_order_id: str | None,
        trade_type: TradeType | None,
    ) -> Order:
        c = self._c
        with c._op("get_order", symbol):
            unified, tt = c._symbols.resolve(symbol, trade_type)
            oid, params = self.lookup("fetch_order", order_id, client_order_id)
            c._require_credentials()
            market = await c._symbols.market(unified, tt)
            params.update(c.profile.params("fetch_order", tt))
            raw = await self.fetch(tt, oid, unified, params)
            _check_market(raw, unified, order_id or client_order_id)
            return self.order(raw, tt, unified, client_order_id, market)

    # --- cancelling ---------------------------------------------------------------------
    async def cancel(
        self,
        order_id: str | None,
        symbol: str,
        client_order_id: str | None,
        trade_type: TradeType | None,
    ) -> bool:
        c = self._c
        with c._op("cancel_order", symbol):
            unified, tt = c._symbols.resolve(symbol, trade_type)
            oid, params = self.lookup("cancel_order", order_id, client_order_id)
            c._require_credentials()
            market = await c._symbols.market(unified, tt)
            client = c._pool.client(tt)
            if order_id is not None and tt in c.profile.cancel_ignores_symbol:
                # the venue would cancel another market's order by its id alone: look first
                found_id, found_params = self.lookup("fetch_order", order_id, None)
                found_params.update(c.profile.params("fetch_order", tt))
                _check_market(await self.fetch(tt, found_id, unified, found_params), unified,
                              order_id)
            params.update(c.profile.params("cancel_order", tt))
            # an answer after which the venue may have cancelled the order (a timeout, a 5xx,
            # an unknown code): the order is then looked up rather than the error believed
            uncertain: ExchangeLayerError | None = None

            async def cancel(variant: dict[str, Any]) -> None:
                nonlocal uncertain
                trace = current_trace()
                if trace is not None:
                    trace.answered = False
                try:
                    await client.cancel_order(oid, unified, variant)
                except Exception as exc:
                    answered = trace is not None and trace.answered
                    error = await c._caller.translated(
                        exc, tt, "cancel_order", answered=answered
                    )
                    if not isinstance(error, (*REFUSALS, OrderNotFound)):
                        uncertain = error
                    raise error from exc

            for variant in self.variants(tt, params):
                try:
                    await _retried(c, partial(cancel, variant))
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
            oid, params = self.lookup("fetch_order", order_id, client_order_id)
            params.update(c.profile.params("fetch_order", tt))
            raw = await self.fetch(tt, oid, unified, params)
            _check_market(raw, unified, order_id or client_order_id)
            status = self.order(raw, tt, unified, client_order_id, market).status
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

    # --- listing ------------------------------------------------------------------------
    async def open_orders(self, symbol: str | None, trade_type: TradeType | None) -> list[Order]:
        c = self._c
        with c._op("get_open_orders", symbol):
            c._require_credentials()
            if symbol is None:
                tt = c._supported(trade_type)
                if tt not in c.capabilities.open_orders_without_symbol:
                    raise NotSupported(
                        f"{c.display_name} lists open {tt.value} orders per symbol only; "
                        "pass a symbol"
                    )
                unified = None
                await c._symbols.markets(tt)
            else:
                unified, tt = c._symbols.resolve(symbol, trade_type)
                await c._symbols.market(unified, tt)
            return await self.open_in(tt, unified)

    async def open_in(self, trade_type: TradeType, symbol: str | None) -> list[Order]:
        """The open orders (regular and trigger) of `symbol`, or of every market."""
        c = self._c
        client = c._pool.client(trade_type)
        raws: list[Any] = []
        extra = c.profile.params("fetch_open_orders", trade_type)
        for variant in self.variants(trade_type, extra):
            raws.extend(
                await c._caller.read(
                    trade_type, partial(client.fetch_open_orders, symbol, None, None, variant),
                    kind="orders",
                )
            )
        orders = []
        for raw in raws:
            market = await c._symbols.answered(raw.get("symbol") or symbol, trade_type, symbol)
            orders.append(self.order(raw, trade_type, market.symbol, None, market))
        return orders


async def _retried(c: CcxtExchange, call: Callable[[], Any]) -> Any:
    return await retry_call(call, c._caller.retry)


def _check_market(raw: Any, symbol: str, key: object) -> None:
    """Some venues find an order by its id alone, whatever the symbol: one of another market is
    not an order of the market asked about."""
    got = raw.get("symbol") if isinstance(raw, Mapping) else None
    if got is not None and got != symbol:
        raise OrderNotFound(f"{symbol} has no order {key!r} (that order is {got}'s)")
