"""The engine's vocabulary: the enums (`Side`, `OrderType`, `TimeInForce`, `ClientIdRule`,
`OrderStatus`, `ExpireReason`, `Filter`) and the records it takes and hands out (`FeeSchedule`,
`OrderRequest`, `VenueState`, `Order`, `Trade`, `AssetBalance`, `Account`, `OrderBookSnapshot`,
`MarketStats`, `PositionView`, `MarginSummary`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from .instruments import ONE, ZERO


class Side(str, enum.Enum):
    BUY = "BUY"
    SELL = "SELL"

    @property
    def sign(self) -> int:
        return 1 if self is Side.BUY else -1


class OrderType(str, enum.Enum):
    MARKET = "MARKET"
    LIMIT = "LIMIT"
    STOP = "STOP"  # stop-market
    STOP_LIMIT = "STOP_LIMIT"
    TAKE_PROFIT = "TAKE_PROFIT"  # take-profit market
    TAKE_PROFIT_LIMIT = "TAKE_PROFIT_LIMIT"

    @property
    def is_trigger(self) -> bool:
        return self not in (OrderType.MARKET, OrderType.LIMIT)

    @property
    def has_limit_price(self) -> bool:
        return self in (OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.TAKE_PROFIT_LIMIT)

    @property
    def is_take_profit(self) -> bool:
        return self in (OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT)


class TimeInForce(str, enum.Enum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class ClientIdRule(str, enum.Enum):
    """When a venue refuses a new order's client order id (a per-venue, per-market setting,
    `Engine.set_client_id_rule`)."""

    OPEN_ONLY = "open_only"
    """Refused while another *open* order uses it (Binance's documented rule: a filled or
    cancelled order's id may be used again, and both orders then exist)."""
    LIFETIME = "lifetime"
    """Refused for as long as any order with it exists, open or finished."""
    NONE = "none"
    """Never checked: any number of orders may share it."""


class OrderStatus(str, enum.Enum):
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    REJECTED = "REJECTED"
    TRIGGERED = "TRIGGERED"  # a spawn-on-trigger parent whose child order now works

    @property
    def is_open(self) -> bool:
        return self in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)


class ExpireReason(str, enum.Enum):
    IOC_REMAINDER = "IOC_REMAINDER"
    FOK_UNFILLABLE = "FOK_UNFILLABLE"
    POST_ONLY_WOULD_TAKE = "POST_ONLY_WOULD_TAKE"
    NO_LIQUIDITY = "NO_LIQUIDITY"  # a market order's unfilled remainder
    REDUCE_ONLY = "REDUCE_ONLY"  # the position it could reduce is gone
    INSUFFICIENT_FUNDS_ON_TRIGGER = "INSUFFICIENT_FUNDS_ON_TRIGGER"


class Filter(str, enum.Enum):
    PRICE_TICK = "PRICE_TICK"
    MIN_PRICE = "MIN_PRICE"
    MAX_PRICE = "MAX_PRICE"
    LOT_STEP = "LOT_STEP"
    MIN_AMOUNT = "MIN_AMOUNT"
    MAX_AMOUNT = "MAX_AMOUNT"
    MIN_NOTIONAL = "MIN_NOTIONAL"


@dataclass(frozen=True)
class FeeSchedule:
    """Maker/taker rates per venue; spot fees are taken from the received asset by default."""

    spot_maker: Decimal = Decimal("0.001")
    spot_taker: Decimal = Decimal("0.001")
    swap_maker: Decimal = Decimal("0.0002")
    swap_taker: Decimal = Decimal("0.0005")
    spot_fee_in_received_asset: bool = True

    def rate(self, kind: str, *, maker: bool) -> Decimal:
        if kind == "swap":
            return self.swap_maker if maker else self.swap_taker
        return self.spot_maker if maker else self.spot_taker


@dataclass(frozen=True, kw_only=True)
class OrderRequest:
    """What a venue module asks the engine to place (already parsed from the wire)."""

    symbol: str
    side: Side
    type: OrderType
    amount: Decimal | None = None
    price: Decimal | None = None
    stop_price: Decimal | None = None
    quote_amount: Decimal | None = None  # market order sized in quote currency (spot)
    time_in_force: TimeInForce = TimeInForce.GTC
    post_only: bool = False
    reduce_only: bool = False
    client_order_id: str | None = None
    spawn_on_trigger: bool = False  # on trigger, a new child order (new id) does the work
    check_min_notional: bool = True  # False where a venue has no minimum order value (KuCoin perps)


_State = TypeVar("_State", bound="VenueState")


@dataclass
class VenueState:
    """The base of a venue's own facts about an order: a dataclass of typed fields per venue
    (Gate's `text` and `tif`, Binance's wire order type, ...), attached as `Order.venue_state`.
    The engine keeps it and never reads it."""

    def spawned(self) -> VenueState | None:
        """What an order spawned when this one triggers carries (the default: nothing).

        Returns:
            The child's state, or `None`.
        """
        return None

    @classmethod
    def of(cls: type[_State], order: Order) -> _State:
        """The order's state of this class, or a fresh default one (not attached).

        Args:
            order: The order.

        Returns:
            The state.
        """
        state = order.venue_state
        return state if isinstance(state, cls) else cls()

    def attach(self: _State, order: Order) -> _State:
        """Make this the order's venue state.

        Args:
            order: The order.

        Returns:
            This state.
        """
        order.venue_state = self
        return self


@dataclass
class Order:
    id: int
    account_id: int
    symbol: str
    kind: str
    side: Side
    type: OrderType
    amount: Decimal | None
    price: Decimal | None
    stop_price: Decimal | None
    quote_amount: Decimal | None
    time_in_force: TimeInForce
    post_only: bool
    reduce_only: bool
    client_order_id: str
    created_ms: int
    updated_ms: int
    status: OrderStatus = OrderStatus.NEW
    filled: Decimal = ZERO
    cost: Decimal = ZERO  # cumulative quote (contracts x contract size x price for swaps)
    triggered: bool = False
    trigger_ms: int = 0
    spawn_on_trigger: bool = False
    parent_id: int | None = None
    child_id: int | None = None
    expire_reason: ExpireReason | None = None
    trade_ids: list[int] = field(default_factory=list)
    locked_asset: str | None = None
    locked_amount: Decimal = ZERO
    contract_size: Decimal = ONE
    """Base units per unit of `amount` (the instrument's contract size for a swap)."""
    leverage: int | None = None
    """A swap order's leverage when it was placed."""
    fee_in_received: bool = True
    """Whether a spot fill's fee is taken from the asset received (else from the quote)."""
    venue_state: VenueState | None = None
    """What the order's venue keeps about it that the engine does not model (its wire type,
    its client id as sent, ...): a `VenueState` of the venue's own."""

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def pending_trigger(self) -> bool:
        return self.type.is_trigger and not self.triggered and self.status.is_open

    @property
    def remaining(self) -> Decimal:
        if self.amount is None:
            return ZERO
        return self.amount - self.filled

    @property
    def average_price(self) -> Decimal | None:
        """Volume-weighted fill price (per base unit), or ``None`` before any fill."""
        if self.filled == ZERO:
            return None
        base_filled = self.cost_basis_amount
        return self.cost / base_filled if base_filled else None

    @property
    def cost_basis_amount(self) -> Decimal:
        return self.filled * self.contract_size


@dataclass(frozen=True)
class Trade:
    id: int
    order_id: int
    account_id: int
    symbol: str
    side: Side
    price: Decimal
    amount: Decimal
    quote_amount: Decimal
    fee: Decimal
    fee_asset: str
    is_maker: bool
    realized_pnl: Decimal
    time_ms: int


@dataclass
class AssetBalance:
    free: Decimal = ZERO
    locked: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass
class _PositionState:
    amount: Decimal = ZERO  # signed contracts
    entry_price: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    updated_ms: int = 0


@dataclass
class Account:
    """One account on one venue environment. Credentials are kept for venue modules."""

    id: int
    venue: str
    environment: str
    api_key: str
    secret: str
    passphrase: str | None
    fees: FeeSchedule
    created_ms: int
    balances: dict[str, AssetBalance] = field(default_factory=dict)
    futures_wallet: dict[str, Decimal] = field(default_factory=dict)
    leverage: dict[str, int] = field(default_factory=dict)
    positions: dict[str, _PositionState] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    trades: list[Trade] = field(default_factory=list)
    #: (market kind, client order id) -> id of the open order using it
    open_client_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (market kind, client order id) -> ids of every order that used it, oldest first
    client_ids: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    futures_updated_ms: int = 0

    def balance(self, asset: str) -> AssetBalance:
        """The spot balance of ``asset`` (created at zero on first access)."""
        bal = self.balances.get(asset)
        if bal is None:
            bal = self.balances[asset] = AssetBalance()
        return bal

    def deposit(self, asset: str, amount: Decimal) -> None:
        self.balance(asset).free += amount

    def wallet(self, asset: str) -> Decimal:
        return self.futures_wallet.get(asset, ZERO)

    def __repr__(self) -> str:  # never show the secret
        return f"Account(id={self.id}, venue={self.venue!r}, environment={self.environment!r})"


@dataclass(frozen=True)
class OrderBookSnapshot:
    symbol: str
    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]
    update_id: int
    time_ms: int


@dataclass(frozen=True)
class MarketStats:
    """Rolling 24h statistics (deterministic: synthetic volume plus simulated trades)."""

    symbol: str
    last: Decimal
    last_qty: Decimal
    open: Decimal
    high: Decimal
    low: Decimal
    volume: Decimal
    quote_volume: Decimal
    trade_count: int
    first_trade_id: int
    open_ms: int
    close_ms: int
    bid: Decimal
    bid_qty: Decimal
    ask: Decimal
    ask_qty: Decimal

    @property
    def change(self) -> Decimal:
        return self.last - self.open

    @property
    def weighted_average(self) -> Decimal:
        return self.quote_volume / self.volume if self.volume else self.last


@dataclass(frozen=True)
class PositionView:
    symbol: str
    amount: Decimal  # signed contracts; > 0 long, < 0 short
    entry_price: Decimal
    mark_price: Decimal
    leverage: int
    notional: Decimal  # signed, at mark
    unrealized_pnl: Decimal
    initial_margin: Decimal
    maintenance_margin: Decimal
    liquidation_price: Decimal
    realized_pnl: Decimal
    margin_asset: str
    updated_ms: int
    open_order_initial_margin: Decimal


@dataclass(frozen=True)
class MarginSummary:
    asset: str
    wallet_balance: Decimal
    unrealized_pnl: Decimal
    margin_balance: Decimal
    position_initial_margin: Decimal
    open_order_initial_margin: Decimal
    maintenance_margin: Decimal
    available_balance: Decimal
    updated_ms: int

    @property
    def initial_margin(self) -> Decimal:
        return self.position_initial_margin + self.open_order_initial_margin
