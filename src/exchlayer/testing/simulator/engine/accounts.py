"""The engine's account layer: `EngineAccounts` creates and finds accounts, applies each
venue's client order id rules, builds the lagging lookup view, sets leverage, reserves and
releases an order's funds or margin, and computes the futures views (positions and the margin
summary).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from .errors import (
    DuplicateClientOrderId,
    InsufficientBalance,
    InsufficientMargin,
    InvalidLeverage,
    InvalidOrderRequest,
)
from .instruments import ONE, ZERO, Instrument
from .market import EngineMarkets
from .model import (
    Account,
    ClientIdRule,
    FeeSchedule,
    MarginSummary,
    Order,
    PositionView,
    Side,
    _PositionState,
)


class EngineAccounts(EngineMarkets):
    """Accounts, client id rules, leverage, funds, positions and margin (a layer of `Engine`)."""

    _accounts: dict[int, Account]
    _account_ids: itertools.count[int]
    _client_id_rules: dict[tuple[str, str], ClientIdRule]

    # ---- accounts ----------------------------------------------------------------------

    def create_account(
        self,
        *,
        venue: str,
        environment: str,
        api_key: str,
        secret: str,
        passphrase: str | None = None,
        fees: FeeSchedule | None = None,
        balances: Mapping[str, Decimal] | None = None,
        futures_balance: Mapping[str, Decimal] | None = None,
    ) -> Account:
        now = self.now_ms()
        acct = Account(
            id=next(self._account_ids),
            venue=venue,
            environment=environment,
            api_key=api_key,
            secret=secret,
            passphrase=passphrase,
            fees=fees or FeeSchedule(),
            created_ms=now,
            futures_updated_ms=now,
        )
        for asset, amount in (balances or {}).items():
            acct.balance(asset).free = Decimal(amount)
        for asset, amount in (futures_balance or {}).items():
            acct.futures_wallet[asset] = Decimal(amount)
        self._accounts[acct.id] = acct
        return acct

    def account(self, account_id: int) -> Account:
        return self._accounts[account_id]

    # ---- client order id rules -----------------------------------------------------------

    def set_client_id_rule(
        self, venue: str, rule: ClientIdRule | str, kind: str | None = None
    ) -> None:
        """Set when ``venue`` refuses a duplicate client order id, for its ``"spot"`` or
        ``"swap"`` markets (``None``: both)."""
        value = ClientIdRule(rule)
        for market_kind in (kind,) if kind is not None else ("spot", "swap"):
            if market_kind not in ("spot", "swap"):
                raise ValueError(f"unknown market kind {market_kind!r}")
            self._client_id_rules[(venue, market_kind)] = value

    def client_id_rule(self, venue: str, kind: str) -> ClientIdRule:
        """The rule ``venue`` applies to client order ids on ``kind`` markets (default
        ``OPEN_ONLY``)."""
        return self._client_id_rules.get((venue, kind), ClientIdRule.OPEN_ONLY)

    def _check_client_id(self, account: Account, kind: str, client_id: str) -> None:
        rule = self.client_id_rule(account.venue, kind)
        key = (kind, client_id)
        if rule is ClientIdRule.OPEN_ONLY and key in account.open_client_ids:
            raise DuplicateClientOrderId(f"client order id {client_id!r} is in use")
        if rule is ClientIdRule.LIFETIME and account.client_ids.get(key):
            raise DuplicateClientOrderId(f"client order id {client_id!r} was already used")

    # ---- lookup lag --------------------------------------------------------------------

    def lookup_view(self, account: Account, lag_ms: int) -> Account:
        """``account`` as a venue's query side sees it when new orders take ``lag_ms`` to
        become visible: the orders placed less than ``lag_ms`` ago, and their fills, are
        missing. A read-only copy for answering queries: never match, cancel or pay with it
        (balances and positions are the real account's)."""
        if lag_ms <= 0:
            return account
        cutoff = self.now_ms() - lag_ms
        visible = {oid: o for oid, o in account.orders.items() if o.created_ms <= cutoff}
        if len(visible) == len(account.orders):
            return account
        return replace(
            account,
            orders=visible,
            trades=[t for t in account.trades if t.order_id in visible],
            open_client_ids={k: v for k, v in account.open_client_ids.items() if v in visible},
            client_ids={
                k: kept
                for k, ids in account.client_ids.items()
                if (kept := [i for i in ids if i in visible])
            },
        )

    def get_leverage(self, account: Account, symbol: str) -> int:
        self._market(symbol)
        return account.leverage.get(symbol, 20)

    def set_leverage(self, account: Account, symbol: str, leverage: int) -> int:
        inst = self.instrument(symbol)
        if not inst.is_swap:
            raise InvalidOrderRequest(f"{symbol} has no leverage")
        if not 1 <= leverage <= inst.max_leverage:
            raise InvalidLeverage(leverage, inst.max_leverage)
        account.leverage[symbol] = leverage
        return leverage

    # ---- funds -----------------------------------------------------------------------------

    def _spot_lock_needed(self, inst: Instrument, order: Order) -> tuple[str, Decimal]:
        amount = order.remaining
        if order.side is Side.SELL:
            return inst.base, amount
        px = order.price if order.price is not None else order.stop_price
        assert px is not None
        need = amount * px
        if not order.fee_in_received:
            need += need * self._account_fees(order).spot_taker
        return inst.quote, need

    def _account_fees(self, order: Order) -> FeeSchedule:
        return self._accounts[order.account_id].fees

    def _reserve(self, account: Account, inst: Instrument, order: Order) -> None:
        """Lock spot funds / check futures margin for a resting or pending order."""
        order.fee_in_received = account.fees.spot_fee_in_received_asset
        if inst.is_swap:
            if order.reduce_only or order.pending_trigger:
                return
            price = order.price or self.price(inst.symbol)
            required = self._opening_margin(account, inst, order.side, order.remaining, price)
            self._require_margin(account, inst, required)
            return
        asset, need = self._spot_lock_needed(inst, order)
        bal = account.balance(asset)
        if bal.free < need:
            raise InsufficientBalance(asset, need, bal.free)
        bal.free -= need
        bal.locked += need
        order.locked_asset, order.locked_amount = asset, need

    def _release(self, account: Account, order: Order) -> None:
        if order.locked_asset is not None and order.locked_amount:
            bal = account.balance(order.locked_asset)
            bal.locked -= order.locked_amount
            bal.free += order.locked_amount
            order.locked_amount = ZERO

    def _opening_margin(
        self, account: Account, inst: Instrument, side: Side, qty: Decimal, price: Decimal
    ) -> Decimal:
        """Initial margin for the part of ``qty`` that would grow the position."""
        pos = account.positions.get(inst.symbol)
        if pos is not None and pos.amount != 0 and (pos.amount > 0) != (side is Side.BUY):
            qty = max(ZERO, qty - abs(pos.amount))
        lev = self.get_leverage(account, inst.symbol)
        return qty * inst.contract_size * price / lev

    def _require_margin(self, account: Account, inst: Instrument, required: Decimal) -> None:
        if required <= 0:
            return
        assert inst.settle is not None
        available = self.margin_summary(account, inst.settle).available_balance
        if required > available:
            raise InsufficientMargin(inst.settle, required, available)

    # ---- futures views -----------------------------------------------------------------------

    def positions(self, account: Account) -> list[PositionView]:
        """Every position with a non-zero size, plus symbols with open orders (size 0)."""
        symbols = {s for s, p in account.positions.items() if p.amount != 0}
        symbols |= {o.symbol for o in account.orders.values() if o.is_open and o.kind == "swap"}
        return [self.position(account, s) for s in sorted(symbols)]

    def position(self, account: Account, symbol: str) -> PositionView:
        inst = self.instrument(symbol)
        if not inst.is_swap:
            raise InvalidOrderRequest(f"{symbol} is not a contract market")
        assert inst.settle is not None
        pos = account.positions.get(symbol) or _PositionState()
        mark = self.price(symbol)
        lev = self.get_leverage(account, symbol)
        notional = pos.amount * inst.contract_size * mark
        upnl = pos.amount * inst.contract_size * (mark - pos.entry_price) if pos.amount else ZERO
        im = abs(notional) / lev
        mm = abs(notional) * inst.maintenance_margin_rate
        oo_im = sum(
            (
                o.remaining * inst.contract_size * (o.price or mark) / lev
                for o in account.orders.values()
                if o.symbol == symbol and o.is_open and not o.reduce_only and not o.pending_trigger
            ),
            ZERO,
        )
        liq = ZERO
        if pos.amount:
            others = sum(
                (
                    self._unrealized(account, s)
                    for s, p in account.positions.items()
                    if s != symbol and p.amount and self.instrument(s).settle == inst.settle
                ),
                ZERO,
            )
            wallet = account.wallet(inst.settle) + others
            qty = abs(pos.amount) * inst.contract_size
            mmr = inst.maintenance_margin_rate
            if pos.amount > 0:
                liq = (pos.entry_price * qty - wallet) / (qty * (ONE - mmr))
            else:
                liq = (wallet + pos.entry_price * qty) / (qty * (ONE + mmr))
            liq = max(liq, ZERO)
        return PositionView(
            symbol=symbol,
            amount=pos.amount,
            entry_price=pos.entry_price,
            mark_price=mark,
            leverage=lev,
            notional=notional,
            unrealized_pnl=upnl,
            initial_margin=im,
            maintenance_margin=mm,
            liquidation_price=liq,
            realized_pnl=pos.realized_pnl,
            margin_asset=inst.settle,
            updated_ms=pos.updated_ms,
            open_order_initial_margin=oo_im,
        )

    def _unrealized(self, account: Account, symbol: str) -> Decimal:
        pos = account.positions.get(symbol)
        if pos is None or not pos.amount:
            return ZERO
        inst = self.instrument(symbol)
        return pos.amount * inst.contract_size * (self.price(symbol) - pos.entry_price)

    def margin_summary(self, account: Account, asset: str) -> MarginSummary:
        wallet = account.wallet(asset)
        upnl = pim = oim = mm = ZERO
        symbols = {s for s, p in account.positions.items() if p.amount != 0}
        symbols |= {o.symbol for o in account.orders.values() if o.is_open and o.kind == "swap"}
        for symbol in symbols:
            if self.instrument(symbol).settle != asset:
                continue
            view = self.position(account, symbol)
            upnl += view.unrealized_pnl
            pim += view.initial_margin
            oim += view.open_order_initial_margin
            mm += view.maintenance_margin
        balance = wallet + upnl
        return MarginSummary(
            asset=asset,
            wallet_balance=wallet,
            unrealized_pnl=upnl,
            margin_balance=balance,
            position_initial_margin=pim,
            open_order_initial_margin=oim,
            maintenance_margin=mm,
            available_balance=max(balance - pim - oim, ZERO),
            updated_ms=account.futures_updated_ms,
        )
