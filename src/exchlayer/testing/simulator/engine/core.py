"""The `Engine` facade: deterministic markets, accounts and order matching in one object,
built from the layers in `market`, `accounts` and `matching`; this module adds construction,
the price-moving entry points, order queries, order placement with its validation, and cancels.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

from .errors import (
    FilterFailure,
    InvalidOrderRequest,
    OrderNotOpen,
    ReduceOnlyRejected,
    UnknownOrder,
    WouldTriggerImmediately,
)
from .history import History
from .instruments import _BPS, ONE, Instrument, _is_multiple, _round_to, default_instruments
from .market import Clock, _MarketState, system_clock
from .matching import EngineMatching
from .model import (
    Account,
    ClientIdRule,
    Filter,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    Trade,
)


class Engine(EngineMatching):
    """Deterministic markets, accounts and order matching."""

    def __init__(
        self,
        *,
        seed: int = 0,
        instruments: Iterable[Instrument] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.seed = seed
        self.clock: Clock = clock or system_clock
        self._markets: dict[str, _MarketState] = {}
        self._accounts: dict[int, Account] = {}
        self._order_ids = itertools.count(1_000_001)
        self._trade_ids = itertools.count(5_000_001)
        self._account_ids = itertools.count(1)
        self._open: dict[str, dict[int, Order]] = {}
        self._update_ids = itertools.count(1_000_000_001)
        self._client_id_rules: dict[tuple[str, str], ClientIdRule] = {}
        for inst in instruments if instruments is not None else default_instruments():
            self._add_market(inst)
        self.history = History(lambda: self.instruments, seed, self.now_ms)
        """The markets' deterministic past: candles, public trades, funding (`History`)."""

    # ---- price moves -------------------------------------------------------------------

    def set_price(self, symbol: str, price: Decimal) -> None:
        """Move ``symbol`` to ``price`` (rounded to the tick); fire crossed stops and limits."""
        mkt = self._market(symbol)
        tick = mkt.instrument.price_tick
        new = _round_to(Decimal(price), tick)
        if new <= 0:
            raise ValueError("price must be positive")
        self._move(mkt, new)
        self._process(symbol)

    def advance(self, steps: int = 1) -> None:
        """Advance every price feed ``steps`` random-walk steps, processing orders after each."""
        for _ in range(steps):
            moves: dict[str, int] = {}
            for symbol, mkt in self._markets.items():
                inst = mkt.instrument
                pair = f"{inst.base}/{inst.quote}"
                if pair not in moves:
                    moves[pair] = mkt.rng.randint(-self.STEP_BPS, self.STEP_BPS)
                bps = moves[pair]
                if bps:
                    target = mkt.price * (ONE + Decimal(bps) * _BPS)
                    self._move(mkt, max(_round_to(target, inst.price_tick), inst.price_tick))
                self._process(symbol)

    # ---- orders: queries ---------------------------------------------------------------

    def get_order(
        self,
        account: Account,
        *,
        order_id: int | None = None,
        client_order_id: str | None = None,
        symbol: str | None = None,
        pick: Literal["open_first", "newest"] = "open_first",
    ) -> Order:
        """Find an order by id, or by client id. Several orders may share a client id (a
        filled order's id used again, or a venue that never checks): ``pick="open_first"``
        takes the open one, else the newest; ``"newest"`` the most recently placed one."""
        order: Order | None = None
        if order_id is not None:
            order = account.orders.get(order_id)
        elif client_order_id is not None:
            kinds = (self.instrument(symbol).kind,) if symbol is not None else ("spot", "swap")
            if pick == "open_first":
                for kind in kinds:
                    oid = account.open_client_ids.get((kind, client_order_id))
                    if oid is not None and (symbol is None or account.orders[oid].symbol == symbol):
                        order = account.orders[oid]
                        break
            if order is None:
                for candidate in reversed(account.orders.values()):
                    if candidate.client_order_id == client_order_id and (
                        symbol is None or candidate.symbol == symbol
                    ):
                        order = candidate
                        break
        if order is None or (symbol is not None and order.symbol != symbol):
            raise UnknownOrder("order does not exist")
        return order

    def open_orders(self, account: Account, symbol: str | None = None) -> list[Order]:
        return [
            o
            for o in account.orders.values()
            if o.is_open and (symbol is None or o.symbol == symbol)
        ]

    def trades(self, account: Account, symbol: str | None = None) -> list[Trade]:
        return [t for t in account.trades if symbol is None or t.symbol == symbol]

    def order_trades(self, account: Account, order: Order) -> list[Trade]:
        """The fills of ``order``, oldest first."""
        wanted = set(order.trade_ids)
        found = [t for t in reversed(account.trades) if t.id in wanted]
        found.reverse()
        return found

    # ---- orders: placement ---------------------------------------------------------------

    def place_order(self, account: Account, req: OrderRequest) -> Order:
        """Validate, reserve funds, create and (when marketable) match an order.

        Raises an `EngineError` subclass when the venue would reject the request.
        Orders that are accepted but cannot work (FOK not fillable, post-only that would take)
        come back with status ``EXPIRED`` and an `ExpireReason`; the venue module decides
        whether its venue reports that as an error.
        """
        mkt = self._market(req.symbol)
        inst = mkt.instrument
        self._validate(inst, mkt, req)
        if req.client_order_id is not None:
            self._check_client_id(account, inst.kind, req.client_order_id)
        if req.type.is_trigger:
            assert req.stop_price is not None
            if self._trigger_crossed(req.type, req.side, req.stop_price, mkt.price):
                raise WouldTriggerImmediately("order would immediately trigger")
        if inst.is_swap and req.reduce_only:
            self._check_reduce_only(account, inst, req.side)

        now = self.now_ms()
        oid = next(self._order_ids)
        order = Order(
            id=oid,
            account_id=account.id,
            symbol=inst.symbol,
            kind=inst.kind,
            side=req.side,
            type=req.type,
            amount=req.amount,
            price=req.price,
            stop_price=req.stop_price,
            quote_amount=req.quote_amount,
            time_in_force=req.time_in_force,
            post_only=req.post_only,
            reduce_only=req.reduce_only,
            client_order_id=req.client_order_id or f"sim-{oid}",
            created_ms=now,
            updated_ms=now,
            spawn_on_trigger=req.spawn_on_trigger,
        )
        if inst.is_swap:
            order.contract_size = inst.contract_size
            order.leverage = self.get_leverage(account, inst.symbol)

        if req.type.is_trigger:
            self._reserve(account, inst, order)
            self._register(account, order)
            return order
        if req.type is OrderType.MARKET:
            self._execute_market(account, inst, mkt, order, register=True)
            return order
        # LIMIT
        self._execute_limit(account, inst, mkt, order)
        return order

    def _validate(self, inst: Instrument, mkt: _MarketState, req: OrderRequest) -> None:  # noqa: PLR0912 - one branch per order rule, in the order venues check them
        if req.type.has_limit_price and req.price is None:
            raise InvalidOrderRequest("price is required")
        if req.type.is_trigger and req.stop_price is None:
            raise InvalidOrderRequest("stop price is required")
        if req.amount is None and req.quote_amount is None:
            raise InvalidOrderRequest("amount is required")
        if req.quote_amount is not None and (req.type.has_limit_price or inst.is_swap):
            # spot market orders, and market-type triggers (a buy's cost, e.g. Gate price orders)
            raise InvalidOrderRequest("a quote amount is only valid for spot market orders")
        for label, px in (("price", req.price), ("stop price", req.stop_price)):
            if px is None:
                continue
            if px <= 0 or px < inst.lowest_price:
                raise FilterFailure(Filter.MIN_PRICE, f"{label} {px} below minimum", inst)
            if px > inst.max_price:
                raise FilterFailure(Filter.MAX_PRICE, f"{label} {px} above maximum", inst)
            if not _is_multiple(px, inst.price_tick):
                raise FilterFailure(Filter.PRICE_TICK, f"{label} {px} not a multiple", inst)
        if req.amount is not None:
            amt = req.amount
            if amt <= 0 or amt < inst.min_amount:
                raise FilterFailure(Filter.MIN_AMOUNT, f"amount {amt} below minimum", inst)
            if amt > inst.max_amount:
                raise FilterFailure(Filter.MAX_AMOUNT, f"amount {amt} above maximum", inst)
            if not _is_multiple(amt, inst.amount_step):
                raise FilterFailure(Filter.LOT_STEP, f"amount {amt} not a multiple", inst)
            ref = req.price or req.stop_price or mkt.price
            notional = amt * inst.contract_size * ref
        else:
            assert req.quote_amount is not None
            if req.quote_amount <= 0:
                raise FilterFailure(Filter.MIN_NOTIONAL, "quote amount must be positive", inst)
            notional = req.quote_amount
        if (
            req.check_min_notional
            and notional < inst.min_notional
            and not (inst.is_swap and req.reduce_only)
        ):
            raise FilterFailure(Filter.MIN_NOTIONAL, f"notional {notional} too small", inst)

    def _check_reduce_only(self, account: Account, inst: Instrument, side: Side) -> None:
        pos = account.positions.get(inst.symbol)
        if pos is None or pos.amount == 0 or (pos.amount > 0) == (side is Side.BUY):
            raise ReduceOnlyRejected("reduce-only order would not reduce the position")

    # ---- cancel ------------------------------------------------------------------------------

    def cancel_order(
        self,
        account: Account,
        *,
        order_id: int | None = None,
        client_order_id: str | None = None,
        symbol: str | None = None,
    ) -> Order:
        order = self.get_order(
            account, order_id=order_id, client_order_id=client_order_id, symbol=symbol
        )
        if not order.is_open:
            raise OrderNotOpen("order is not open")
        self._close(account, order, OrderStatus.CANCELED)
        return order
