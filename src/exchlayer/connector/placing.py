"""Placing an order, at most once, and learning its fate whatever happens.

An answer that leaves an order's fate open (a timeout, a dropped connection, a 5xx, an unknown or
busy error code, an answer that cannot be read) is never answered by sending the order again: it
is looked for, by its client order id and among the open orders, for up to `reconcile_timeout`
seconds; found, it is returned, otherwise `OrderStatusUnknown` carries the client order id. A
refusal the venue documents as final (invalid order, insufficient funds, rate limit, a refused
timestamp) is raised as such; after a refused timestamp the clock is resynchronised and the order
sent once more, which the venue's refusal makes safe. A caller that cancels the call while the
request is in flight finds the client order id on the `CancelledError`, in a WARNING and in
`orders_in_doubt`. Which answers mean what is read off the call's `Trace`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import (
    ClockSkew,
    ExchangeLayerError,
    MalformedResponse,
    NotSupported,
    OrderNotFound,
    OrderStatusUnknown,
    PermanentError,
    TransientError,
)
from ..models import Market, Order, OrderSide, TradeType
from ..orders import OrderRequest
from ..validation import PreparedOrder, check_market_rules, prepare_order
from .calls import Trace, preview, tracing, untrace
from .lookups import REFUSALS

if TYPE_CHECKING:
    from .core import CcxtExchange

__all__ = ["CcxtOrder", "OrderInDoubt", "Placing", "as_sent", "plain"]

log = logging.getLogger("exchlayer")


class CcxtOrder(NamedTuple):
    """The arguments of one ccxt `create_order` call (numbers as plain strings)."""

    type: str
    amount: str | int
    """Plain digits; an `int` where the venue counts whole contracts (lots)."""
    price: str | None
    params: dict[str, Any]


@dataclass(frozen=True)
class OrderInDoubt:
    """An order whose `create_order` ended without a definite answer: the caller cancelled it
    while the request was in flight, or its fate could not be established
    (`OrderStatusUnknown`). Look it up by `client_order_id`."""

    client_order_id: str
    symbol: str
    trade_type: TradeType
    side: OrderSide
    amount: Decimal
    price: Decimal | None
    sent_at: datetime
    """When it was sent (UTC, the local clock)."""
    reason: str
    """`"cancelled"` (by the caller, in flight) or `"unknown"` (OrderStatusUnknown)."""

    @classmethod
    def of(cls, order: PreparedOrder, cid: str, sent_at: datetime, reason: str) -> OrderInDoubt:
        return cls(
            client_order_id=cid,
            symbol=order.symbol,
            trade_type=order.trade_type,
            side=order.side,
            amount=order.amount,
            price=order.price,
            sent_at=sent_at,
            reason=reason,
        )


class Placing:
    """The order placement of one connector."""

    def __init__(self, connector: CcxtExchange, reconcile_timeout: float) -> None:
        self._c = connector
        self.reconcile_timeout = reconcile_timeout
        self.in_doubt: deque[OrderInDoubt] = deque(maxlen=100)

    async def place(self, request: OrderRequest) -> Order:
        c = self._c
        with c._op("create_order", request.symbol):
            unified, tt = c._symbols.resolve(request.symbol, request.trade_type)
            order = prepare_order(request, unified, tt)
            self._check_supported(order)
            cid = (
                c.new_client_order_id()
                if request.client_order_id is None
                else c._check_client_order_id(request.client_order_id)
            )
            c._require_credentials()
            market = await c._symbols.market(unified, tt)
            check_market_rules(order, market)
            args = await c._order_arguments(order, cid, market)
            return await self._send(order, market, args, cid)

    def _check_supported(self, order: PreparedOrder) -> None:
        c = self._c
        caps = c.capabilities
        if order.order_type not in caps.order_types:
            raise NotSupported(f"{c.display_name} does not support {order.order_type.name} orders")
        if order.time_in_force is not None and order.time_in_force not in caps.time_in_force:
            raise NotSupported(
                f"{c.display_name} does not support time in force {order.time_in_force.name}"
            )

    async def _send(
        self, order: PreparedOrder, market: Market, args: CcxtOrder, cid: str
    ) -> Order:
        """Send an order once; returns it as the venue has it."""
        c = self._c
        tt, symbol = market.trade_type, market.symbol
        client = c._pool.client(tt)
        for attempt in (1, 2):
            trace = Trace()
            # waits for room in the account's order windows; a failure here is before sending
            async with c._pool.order_slot(tt):
                sent_at = datetime.now(timezone.utc)
                token = tracing(trace)
                try:
                    raw = await client.create_order(
                        symbol, args.type, order.side.value, args.amount, args.price,
                        dict(args.params),
                    )
                    return await self._acknowledged(raw, order, market, args, cid)
                except asyncio.CancelledError as exc:
                    if trace.mutations:
                        self._in_doubt_on_cancel(exc, order, cid, sent_at)
                    raise
                except Exception as exc:
                    failure = exc
                finally:
                    untrace(token)
            error = await c._caller.translated(
                failure, tt, "create_order", answered=trace.answered or trace.accepted > 0
            )
            if trace.accepted or (trace.mutations and not isinstance(error, REFUSALS)):
                break  # the venue may have acted: its fate is open
            if isinstance(error, ClockSkew) and attempt == 1 and await c._caller.resync_clock(tt):
                continue  # refused for its timestamp, so not placed: sent again once
            raise error from failure
        try:
            return await self._reconcile(order, market, cid, sent_at=sent_at, cause=error)
        except asyncio.CancelledError as exc:
            self._in_doubt_on_cancel(exc, order, cid, sent_at)
            raise

    async def _acknowledged(
        self, raw: Any, order: PreparedOrder, market: Market, args: CcxtOrder, cid: str
    ) -> Order:
        """The order the venue answered a placement with, read back if the answer is bare."""
        c = self._c
        if not c._valid_answer("order", raw):
            raise MalformedResponse(
                f"the venue's answer to the order is malformed ({preview(raw)})"
            )
        tt, symbol = market.trade_type, market.symbol
        if raw.get("status") is None:
            raw = c._acknowledgement(raw, order, args, cid) or await self._read_back(
                tt, symbol, raw, order, args, cid
            )
        placed = c._lookups.order(raw, tt, symbol, cid, market)
        if not _is_sent_order(placed, order, cid, earliest=None):
            raise MalformedResponse(
                f"the venue answered the order with another one ({placed.symbol} "
                f"{placed.side.value}, client id {placed.client_order_id!r})"
            )
        return placed

    async def _read_back(  # noqa: PLR0917 - each is needed, none has a default
        self,
        trade_type: TradeType,
        symbol: str,
        raw: Mapping[str, Any],
        order: PreparedOrder,
        args: CcxtOrder,
        cid: str,
    ) -> Mapping[str, Any]:
        """Complete an order the venue acknowledged with its ids only (KuCoin, Bitget, BingX
        swaps, Gate trigger orders): it is read back (one more request), so `create_order`
        returns what the venue did. If that read fails, the order stands: it is returned as
        sent, its status `UNKNOWN`."""
        c = self._c
        order_id = raw.get("id")
        params = c.profile.params("fetch_order", trade_type)
        try:
            return await c._lookups.fetch(trade_type, str(order_id), symbol, params)
        except ExchangeLayerError as exc:
            log.warning(
                "%s create_order %s: placed as %s, but reading it back failed: %s",
                c.name, symbol, order_id, exc,
            )
        return as_sent(raw, symbol, order.side, args, c._encode_client_order_id(cid))

    async def _reconcile(
        self,
        order: PreparedOrder,
        market: Market,
        cid: str,
        *,
        sent_at: datetime,
        cause: ExchangeLayerError,
    ) -> Order:
        """Look for an order whose answer was lost, for up to `reconcile_timeout` seconds: by its
        client order id, then among the symbol's open orders. Never sends it again."""
        c = self._c
        symbol = market.symbol
        # an order with this client id older than this is an earlier one (ids may be reused
        # once an order is done, on Binance for one): the venue's clock may trail ours
        earliest = sent_at - timedelta(seconds=c.profile.clock_tolerance + 1.0)
        deadline = time.monotonic() + self.reconcile_timeout
        delays = iter((0.1, 0.25, 0.5, 1.0))
        last: ExchangeLayerError = cause
        while True:
            try:
                found = await self._find_sent_order(order, market, cid, earliest)
            except (OrderNotFound, TransientError) as exc:
                found, last = None, exc
            except PermanentError as exc:  # the venue cannot be asked (auth, ...)
                raise self._unknown(order, cid, sent_at, exc) from exc
            if found is not None:
                log.info(
                    "%s create_order %s: the answer was lost (%s); found the order by its "
                    "client order id %s", c.name, symbol, cause.message, cid,
                )
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if last is not cause:
                    log.info("%s create_order %s: last lookup: %s", c.name, symbol, last)
                raise self._unknown(order, cid, sent_at, cause)
            await asyncio.sleep(min(next(delays, 2.0), remaining))

    async def _find_sent_order(
        self, order: PreparedOrder, market: Market, cid: str, earliest: datetime
    ) -> Order | None:
        """The order sent with client id `cid`, if the venue shows it (one lookup by the id,
        then the symbol's open orders). Raises what the lookups raise, translated."""
        c = self._c
        tt, symbol = market.trade_type, market.symbol
        lookups = c._lookups
        oid, params = c._order_lookup("fetch_order", None, cid)
        params.update(c.profile.params("fetch_order", tt))
        try:
            raw = await lookups.fetch(tt, oid, symbol, params)
            found = lookups.order(raw, tt, symbol, cid, market)
            if _is_sent_order(found, order, cid, earliest):
                return found
        except OrderNotFound:
            pass
        except Exception as exc:
            raise (await c._caller.translated(exc, tt, "create_order")) from exc
        try:
            for candidate in await lookups.open_in(tt, symbol):
                if _is_sent_order(candidate, order, cid, earliest):
                    return candidate
        except Exception as exc:
            raise (await c._caller.translated(exc, tt, "create_order")) from exc
        return None

    def _unknown(
        self, order: PreparedOrder, cid: str, sent_at: datetime, cause: ExchangeLayerError
    ) -> OrderStatusUnknown:
        c = self._c
        profile = c.profile
        window = c._order_window(order.trade_type, order)
        settles_by = None
        if window is not None:
            settles_by = sent_at + timedelta(
                seconds=window + profile.clock_tolerance + profile.max_lookup_lag
            )
        self.in_doubt.append(OrderInDoubt.of(order, cid, sent_at, "unknown"))
        when = f" after {settles_by.isoformat(timespec='seconds')}" if settles_by else ""
        log.warning(
            "%s create_order %s: sent, but its fate could not be established (%s); look it up "
            "with client_order_id=%s", c.name, order.symbol, cause.message, cid,
        )
        return OrderStatusUnknown(
            f"the order was sent but its fate could not be established within "
            f"{self.reconcile_timeout:g} s ({cause.message}); it was not sent again. Look it up "
            f"with client_order_id={cid!r}: a lookup that does not find it is final{when}",
            client_order_id=cid,
            sent_at=sent_at,
            settles_by=settles_by,
            exchange=c.name,
            operation="create_order",
            symbol=order.symbol,
        )

    def _in_doubt_on_cancel(
        self, exc: BaseException, order: PreparedOrder, cid: str, sent_at: datetime
    ) -> None:
        """The caller cancelled `create_order` while the order was in flight: make its client
        order id learnable (on the exception, in the log, in `orders_in_doubt`)."""
        self.in_doubt.append(OrderInDoubt.of(order, cid, sent_at, "cancelled"))
        exc.client_order_id = cid  # type: ignore[attr-defined]
        note = (
            f"exchlayer: create_order {order.symbol} was cancelled while the order was in "
            f"flight; it may have been placed: look it up with client_order_id={cid!r}"
        )
        if hasattr(exc, "add_note"):  # Python 3.11+
            exc.add_note(note)
        log.warning("%s %s", self._c.name, note.removeprefix("exchlayer: "))


def _is_sent_order(
    order: Order, sent: PreparedOrder, cid: str, earliest: datetime | None
) -> bool:
    """Whether `order` is the one sent for `sent` with client id `cid`, not an earlier order
    that carried the same id."""
    if order.client_order_id != cid or order.side is not sent.side:
        return False
    if order.symbol and order.symbol != sent.symbol:
        return False
    if earliest is not None and order.created_at is not None and order.created_at < earliest:
        return False
    return sent.price is None or order.price is None or order.price == sent.price


def as_sent(
    raw: Mapping[str, Any], symbol: str, side: OrderSide, args: CcxtOrder, wire_cid: str
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
        "clientOrderId": raw.get("clientOrderId") or wire_cid,
    }


def plain(value: Decimal) -> str:
    """A Decimal as the plain digit string ccxt expects for numbers it sends.

    ccxt's `safe_string` family silently ignores `Decimal` values (it accepts str, int and
    float), so a Decimal trigger price in `params` would be dropped and a stop order sent as a
    plain market order. Floats would round amounts with many digits. Strings are exact and are
    what ccxt's own precision helpers produce.
    """
    return format(value, "f")
