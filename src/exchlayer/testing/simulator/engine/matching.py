"""The engine's matching layer: `EngineMatching` registers and closes orders, sweeps the
synthetic book for takers, checks a taker's funds, applies fills to spot balances and futures
positions, fires triggered orders and fills resting limits after a price move.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from .accounts import EngineAccounts
from .errors import EngineError, InsufficientBalance, ReduceOnlyRejected
from .instruments import ONE, ZERO, Instrument, _floor_to
from .market import _MarketState
from .model import (
    Account,
    ExpireReason,
    Order,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
    Trade,
    _PositionState,
)


class EngineMatching(EngineAccounts):
    """Order bookkeeping, taking, fills and price-driven processing (a layer of `Engine`)."""

    _order_ids: itertools.count[int]
    _trade_ids: itertools.count[int]
    _open: dict[str, dict[int, Order]]

    # ---- order bookkeeping ---------------------------------------------------------------

    @staticmethod
    def _trigger_crossed(otype: OrderType, side: Side, stop: Decimal, last: Decimal) -> bool:
        rising = (side is Side.BUY) != otype.is_take_profit
        return last >= stop if rising else last <= stop

    def _register(self, account: Account, order: Order) -> None:
        account.orders[order.id] = order
        account.client_ids.setdefault((order.kind, order.client_order_id), []).append(order.id)
        if order.is_open:
            account.open_client_ids[(order.kind, order.client_order_id)] = order.id
            self._open.setdefault(order.symbol, {})[order.id] = order

    def _close(self, account: Account, order: Order, status: OrderStatus) -> None:
        order.status = status
        order.updated_ms = self.now_ms()
        key = (order.kind, order.client_order_id)
        if account.open_client_ids.get(key) == order.id:
            del account.open_client_ids[key]
        self._open.get(order.symbol, {}).pop(order.id, None)
        self._release(account, order)

    # ---- matching ----------------------------------------------------------------------------

    def _sweep(
        self,
        mkt: _MarketState,
        side: Side,
        *,
        amount: Decimal | None,
        quote: Decimal | None = None,
        limit: Decimal | None = None,
    ) -> list[tuple[Decimal, Decimal]]:
        """Fills a taker of ``side`` would get against the synthetic book."""
        inst = mkt.instrument
        fills: list[tuple[Decimal, Decimal]] = []
        book_side = Side.SELL if side is Side.BUY else Side.BUY
        left_amt = amount
        left_quote = quote
        for px, size in self._levels(mkt, book_side):
            if limit is not None and (px > limit if side is Side.BUY else px < limit):
                break
            if left_amt is not None:
                qty = min(size, left_amt)
                left_amt -= qty
            else:
                assert left_quote is not None
                qty = min(size, _floor_to(left_quote / (px * inst.contract_size), inst.amount_step))
                left_quote -= qty * px * inst.contract_size
            if qty > 0:
                fills.append((px, qty))
            if (left_amt is not None and left_amt <= 0) or qty < size:
                break
        return fills

    def _execute_market(
        self,
        account: Account,
        inst: Instrument,
        mkt: _MarketState,
        order: Order,
        *,
        register: bool,
    ) -> None:
        amount = order.remaining if order.amount is not None else None
        if inst.is_swap and order.reduce_only:
            pos = account.positions.get(inst.symbol)
            if pos is None or pos.amount == 0 or (pos.amount > 0) == (order.side is Side.BUY):
                if register:
                    raise ReduceOnlyRejected("reduce-only order would not reduce the position")
                self._expire(account, order, ExpireReason.REDUCE_ONLY)
                return
            assert amount is not None
            amount = min(amount, abs(pos.amount))
        fills = self._sweep(mkt, order.side, amount=amount, quote=order.quote_amount)
        try:
            self._check_taker_funds(account, inst, order, fills)
        except InsufficientBalance:
            if register:
                raise
            self._expire(account, order, ExpireReason.INSUFFICIENT_FUNDS_ON_TRIGGER)
            return
        if order.amount is None:  # quote-sized: the executed quantity becomes the amount
            order.amount = sum((q for _, q in fills), ZERO)
        if register:
            self._register(account, order)
        for px, qty in fills:
            self._fill(account, inst, order, price=px, qty=qty, maker=False)
        if order.is_open:
            reason = ExpireReason.NO_LIQUIDITY
            if order.reduce_only and order.remaining > 0:
                reason = ExpireReason.REDUCE_ONLY
            self._expire(account, order, reason)

    def _check_taker_funds(
        self, account: Account, inst: Instrument, order: Order, fills: list[tuple[Decimal, Decimal]]
    ) -> None:
        if inst.is_swap:
            if order.reduce_only:
                return
            cost = sum((p * q for p, q in fills), ZERO)
            qty = sum((q for _, q in fills), ZERO)
            avg = cost / qty if qty else self.price(inst.symbol)
            margin = self._opening_margin(account, inst, order.side, qty, avg)
            self._require_margin(account, inst, margin)
            return
        if order.side is Side.SELL:
            need = order.amount if order.amount is not None else sum((q for _, q in fills), ZERO)
            bal = account.balance(inst.base)
            available = bal.free + (order.locked_amount if order.locked_asset == inst.base else 0)
            if need > available:
                raise InsufficientBalance(inst.base, need, available)
            return
        cost = sum((p * q for p, q in fills), ZERO)
        if not account.fees.spot_fee_in_received_asset:
            cost += cost * account.fees.spot_taker
        bal = account.balance(inst.quote)
        available = bal.free + (order.locked_amount if order.locked_asset == inst.quote else 0)
        if cost > available:
            raise InsufficientBalance(inst.quote, cost, available)

    def _execute_limit(
        self, account: Account, inst: Instrument, mkt: _MarketState, order: Order
    ) -> None:
        """Place (or activate) a limit order: take what crosses, then rest / expire."""
        assert order.price is not None
        amount = order.remaining
        fills = self._sweep(mkt, order.side, amount=amount, limit=order.price)
        filled = sum((q for _, q in fills), ZERO)
        new = order.id not in account.orders
        if order.post_only and fills:
            if new:
                self._register(account, order)
            self._expire(account, order, ExpireReason.POST_ONLY_WOULD_TAKE)
            return
        if order.time_in_force is TimeInForce.FOK and filled < amount:
            if new:
                self._register(account, order)
            self._expire(account, order, ExpireReason.FOK_UNFILLABLE)
            return
        if inst.is_swap and order.reduce_only:
            pos = account.positions.get(inst.symbol)
            if pos is None or pos.amount == 0 or (pos.amount > 0) == (order.side is Side.BUY):
                if new:
                    raise ReduceOnlyRejected("reduce-only order would not reduce the position")
                self._expire(account, order, ExpireReason.REDUCE_ONLY)
                return
        if new:
            self._reserve(account, inst, order)
            self._register(account, order)
        for px, level_qty in fills:
            qty = level_qty
            if inst.is_swap and order.reduce_only:
                pos = account.positions[inst.symbol]
                qty = min(qty, abs(pos.amount))
                if qty <= 0:
                    break
            self._fill(account, inst, order, price=px, qty=qty, maker=False)
        if order.is_open and order.time_in_force is TimeInForce.IOC:
            self._expire(account, order, ExpireReason.IOC_REMAINDER)

    def _expire(self, account: Account, order: Order, reason: ExpireReason) -> None:
        order.expire_reason = reason
        if order.id not in account.orders:
            self._register(account, order)
        self._close(account, order, OrderStatus.EXPIRED)

    def _fill(
        self,
        account: Account,
        inst: Instrument,
        order: Order,
        *,
        price: Decimal,
        qty: Decimal,
        maker: bool,
    ) -> Trade:
        now = self.now_ms()
        rate = account.fees.rate(inst.kind, maker=maker)
        quote_amount = price * qty * inst.contract_size
        realized = ZERO
        if inst.is_swap:
            assert inst.settle is not None
            fee = quote_amount * rate
            fee_asset = inst.settle
            realized = self._apply_position(
                account, inst, order.side, price=price, qty=qty, now=now
            )
            account.futures_wallet[inst.settle] = account.wallet(inst.settle) + realized - fee
            account.futures_updated_ms = now
        else:
            fee, fee_asset = self._apply_spot(account, inst, order, price=price, qty=qty, rate=rate)
        order.filled += qty
        order.cost += quote_amount
        order.updated_ms = now
        trade = Trade(
            id=next(self._trade_ids),
            order_id=order.id,
            account_id=account.id,
            symbol=inst.symbol,
            side=order.side,
            price=price,
            amount=qty,
            quote_amount=quote_amount,
            fee=fee,
            fee_asset=fee_asset,
            is_maker=maker,
            realized_pnl=realized,
            time_ms=now,
        )
        order.trade_ids.append(trade.id)
        account.trades.append(trade)
        mkt = self._markets[inst.symbol]
        mkt.traded_volume += qty
        mkt.traded_quote += quote_amount
        mkt.traded_count += 1
        mkt.last_qty = qty
        if order.amount is not None and order.filled >= order.amount:
            self._close(account, order, OrderStatus.FILLED)
        else:
            order.status = OrderStatus.PARTIALLY_FILLED
        return trade

    def _apply_spot(
        self,
        account: Account,
        inst: Instrument,
        order: Order,
        *,
        price: Decimal,
        qty: Decimal,
        rate: Decimal,
    ) -> tuple[Decimal, str]:
        cost = price * qty
        in_received = account.fees.spot_fee_in_received_asset
        base, quote = account.balance(inst.base), account.balance(inst.quote)
        if order.side is Side.BUY:
            fee = qty * rate if in_received else cost * rate
            paid = cost if in_received else cost + fee
            if order.locked_asset == inst.quote and order.locked_amount > 0:
                assert order.price is not None or order.stop_price is not None
                limit_px = order.price if order.price is not None else order.stop_price
                assert limit_px is not None
                unlock = min(
                    order.locked_amount,
                    qty * limit_px * (ONE if in_received else ONE + account.fees.spot_taker),
                )
                order.locked_amount -= unlock
                quote.locked -= unlock
                quote.free += unlock - paid
            else:
                quote.free -= paid
            base.free += qty - fee if in_received else qty
            return fee, inst.base if in_received else inst.quote
        fee = cost * rate
        if order.locked_asset == inst.base and order.locked_amount > 0:
            unlock = min(order.locked_amount, qty)
            order.locked_amount -= unlock
            base.locked -= unlock
            base.free -= qty - unlock
        else:
            base.free -= qty
        quote.free += cost - fee
        return fee, inst.quote

    def _apply_position(
        self,
        account: Account,
        inst: Instrument,
        side: Side,
        *,
        price: Decimal,
        qty: Decimal,
        now: int,
    ) -> Decimal:
        pos = account.positions.setdefault(inst.symbol, _PositionState())
        signed = qty * side.sign
        realized = ZERO
        if pos.amount == 0 or (pos.amount > 0) == (signed > 0):
            total = abs(pos.amount) + qty
            pos.entry_price = (abs(pos.amount) * pos.entry_price + qty * price) / total
            pos.amount += signed
        else:
            closing = min(qty, abs(pos.amount))
            direction = 1 if pos.amount > 0 else -1
            realized = closing * inst.contract_size * (price - pos.entry_price) * direction
            pos.amount += closing * side.sign
            rest = qty - closing
            if rest > 0:
                pos.amount = rest * side.sign
                pos.entry_price = price
            elif pos.amount == 0:
                pos.entry_price = ZERO
        pos.realized_pnl += realized
        pos.updated_ms = now
        return realized

    # ---- price-driven processing ----------------------------------------------------------------

    def _process(self, symbol: str) -> None:
        book = self._open.get(symbol)
        if not book:
            return
        mkt = self._markets[symbol]
        inst = mkt.instrument
        for order in sorted(book.values(), key=lambda o: o.id):
            if order.pending_trigger and order.is_open:
                assert order.stop_price is not None
                if self._trigger_crossed(order.type, order.side, order.stop_price, mkt.price):
                    self._trigger(order, inst, mkt)
        self._fill_resting(symbol, mkt, inst)

    def _trigger(self, order: Order, inst: Instrument, mkt: _MarketState) -> None:
        account = self._accounts[order.account_id]
        now = self.now_ms()
        if order.spawn_on_trigger:
            self._close(account, order, OrderStatus.TRIGGERED)
            order.triggered, order.trigger_ms = True, now
            child_type = OrderType.LIMIT if order.type.has_limit_price else OrderType.MARKET
            child = Order(
                id=next(self._order_ids),
                account_id=account.id,
                symbol=order.symbol,
                kind=order.kind,
                side=order.side,
                type=child_type,
                amount=order.amount,
                price=order.price if child_type is OrderType.LIMIT else None,
                stop_price=None,
                quote_amount=order.quote_amount,
                time_in_force=order.time_in_force,
                post_only=False,
                reduce_only=order.reduce_only,
                client_order_id=order.client_order_id,
                created_ms=now,
                updated_ms=now,
                parent_id=order.id,
                contract_size=order.contract_size,
                leverage=order.leverage if order.leverage is not None else 20,
                fee_in_received=order.fee_in_received,
                venue_state=order.venue_state.spawned() if order.venue_state else None,
            )
            order.child_id = child.id
            target = child
        else:
            order.triggered, order.trigger_ms = True, now
            order.updated_ms = now
            target = order
        if target.type.has_limit_price:
            if target.id not in account.orders:
                try:
                    self._execute_limit(account, inst, mkt, target)
                except ReduceOnlyRejected:
                    self._expire(account, target, ExpireReason.REDUCE_ONLY)
                except EngineError:
                    self._expire(account, target, ExpireReason.INSUFFICIENT_FUNDS_ON_TRIGGER)
            else:
                self._work_triggered_limit(account, inst, mkt, target)
        else:
            self._release(account, target)
            if target.id not in account.orders:
                self._register(account, target)
            self._execute_market(account, inst, mkt, target, register=False)

    def _work_triggered_limit(
        self, account: Account, inst: Instrument, mkt: _MarketState, order: Order
    ) -> None:
        assert order.price is not None
        fills = self._sweep(mkt, order.side, amount=order.remaining, limit=order.price)
        for px, qty in fills:
            if not order.is_open:
                break
            self._fill(account, inst, order, price=px, qty=qty, maker=False)
        if order.is_open and order.time_in_force is TimeInForce.IOC:
            self._expire(account, order, ExpireReason.IOC_REMAINDER)

    def _fill_resting(self, symbol: str, mkt: _MarketState, inst: Instrument) -> None:  # noqa: PLR0912 - the matching loop, read best as one piece
        book = self._open.get(symbol)
        if not book:
            return
        resting = [o for o in book.values() if not o.pending_trigger and o.price is not None]
        if not resting:
            return
        # Liquidity each side offers to resting orders after the move, shared between them.
        for side in (Side.BUY, Side.SELL):
            orders = [o for o in resting if o.side is side]
            if not orders:
                continue
            # Best-priced first (highest bid / lowest ask), then time priority.
            orders.sort(key=lambda o: (-(o.price or ZERO) * side.sign, o.id))
            levels = self._levels(mkt, Side.SELL if side is Side.BUY else Side.BUY)
            available: list[tuple[Decimal, Decimal]] = []
            worst = orders[0].price
            assert worst is not None
            for px, size in levels:
                if px > worst if side is Side.BUY else px < worst:
                    break
                available.append((px, size))
            for order in orders:
                assert order.price is not None
                limit = order.price
                liquidity = sum(
                    (s for p, s in available if (p <= limit if side is Side.BUY else p >= limit)),
                    ZERO,
                )
                if liquidity <= 0:
                    continue
                account = self._accounts[order.account_id]
                qty = min(order.remaining, liquidity)
                if inst.is_swap and order.reduce_only:
                    pos = account.positions.get(symbol)
                    if pos is None or pos.amount == 0 or (pos.amount > 0) == (side is Side.BUY):
                        self._expire(account, order, ExpireReason.REDUCE_ONLY)
                        continue
                    qty = min(qty, abs(pos.amount))
                self._fill(account, inst, order, price=limit, qty=qty, maker=True)
                # consume the shared liquidity
                need = qty
                for i, (p, s) in enumerate(available):
                    if need <= 0:
                        break
                    if (side is Side.BUY and p > limit) or (side is Side.SELL and p < limit):
                        continue
                    take = min(s, need)
                    available[i] = (p, s - take)
                    need -= take
