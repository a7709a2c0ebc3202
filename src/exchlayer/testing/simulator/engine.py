"""Venue-agnostic matching engine behind the loopback simulator.

The engine knows nothing about HTTP, JSON or any venue's wire format. Venue modules
(``exchlayer.testing.simulator.venues.*``) translate requests into engine calls and
engine results (or :class:`EngineError` subclasses) into their venue's own bodies.

Money is :class:`~decimal.Decimal` everywhere; no float ever touches a price, an amount,
a balance or a fee.

Market model
------------
* Every instrument has a deterministic price feed (seeded random walk, see :meth:`Engine.advance`)
  and a synthetic market-maker book around it: ``bid[0] = last``, ``ask[0] = last + tick``,
  then one level every ``max(tick, 1 bp of the price)``; level sizes are deterministic, finite and
  grow slowly with depth, so a big order walks the book and can fill partially.
* Marketable orders fill immediately against that book (taker). A limit's remainder rests
  (``GTC``) or expires (``IOC``); ``FOK`` expires unless it fills completely; post-only expires
  when it would take. A market order's unfilled remainder expires.
* Resting limits fill (maker, at their limit price) when a later price move makes them
  marketable against the new book; the quantity available is the book liquidity they cross,
  so they may fill partially. Stops trigger when the last price crosses the stop price.
* The synthetic book is stateless: fills do not deplete it, and resting user orders are not
  shown in it.

Account model
-------------
* Spot balances per asset (``free``/``locked``); a resting order locks what it could spend.
* Client order ids: each venue's :class:`ClientIdRule` (per market kind) decides when a new
  order's client id is refused (:meth:`Engine.set_client_id_rule`); every order that ever used
  an id is remembered (``Account.client_ids``).
* :meth:`Engine.lookup_view` is the account as a lagging query side sees it (orders placed too
  recently, and their fills, missing): what ``VenueModule.lookup_lag`` answers queries from.
* A futures wallet per settle asset, cross margin, one-way positions, per-symbol leverage
  (default 20, 1..``Instrument.max_leverage``). Initial margin = notional / leverage;
  the approximate liquidation price uses ``Instrument.maintenance_margin_rate``. Positions are
  never liquidated automatically.

Default instruments (:func:`default_instruments`, values modelled on Binance's real filters):

==================  ========  ===========  =========  ========  ============  ========
symbol              tick      step         min qty    max qty   min notional  start
==================  ========  ===========  =========  ========  ============  ========
BTC/USDT            0.01      0.00001      0.00001    9000      5             50000
ETH/USDT            0.01      0.0001       0.0001     9000      5             3000
SOL/USDT            0.01      0.001        0.001      90000     5             150
BTC/USDT:USDT       0.10      0.001        0.001      1000      100           50000
ETH/USDT:USDT       0.01      0.001        0.001      10000     20            3000
SOL/USDT:USDT       0.010     1            1          1000000   5             150
==================  ========  ===========  =========  ========  ============  ========
"""

from __future__ import annotations

import enum
import itertools
import random
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

__all__ = [
    "Account",
    "AssetBalance",
    "ClientIdRule",
    "Clock",
    "DuplicateClientOrderId",
    "Engine",
    "EngineError",
    "ExpireReason",
    "FeeSchedule",
    "Filter",
    "FilterFailure",
    "Instrument",
    "InsufficientBalance",
    "InsufficientMargin",
    "InvalidLeverage",
    "InvalidOrderRequest",
    "MarginSummary",
    "MarketStats",
    "Order",
    "OrderBookSnapshot",
    "OrderNotOpen",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "PositionView",
    "ReduceOnlyRejected",
    "Side",
    "TimeInForce",
    "Trade",
    "UnknownOrder",
    "UnknownSymbol",
    "WouldTriggerImmediately",
    "default_instruments",
    "synthetic_instruments",
    "system_clock",
]

Clock = Callable[[], int]
"""Returns the current time in milliseconds since the epoch."""

ZERO = Decimal(0)
ONE = Decimal(1)
_BPS = Decimal("0.0001")
_DAY_MS = 86_400_000


def system_clock() -> int:
    """The default clock: wall time in milliseconds."""
    return time.time_ns() // 1_000_000


def _stable_int(*parts: object) -> int:
    """A process-independent hash (``hash()`` of a str is salted per process)."""
    return zlib.crc32(":".join(str(p) for p in parts).encode())


def _floor_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_DOWN) * step


def _ceil_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_CEILING) * step


def _round_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_HALF_UP) * step


def _is_multiple(value: Decimal, step: Decimal) -> bool:
    return (value % step) == ZERO


# --------------------------------------------------------------------------------------------
# Instruments
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Instrument:
    """A tradable market. Amounts of a ``swap`` are in contracts of ``contract_size`` base units."""

    symbol: str
    base: str
    quote: str
    settle: str | None = None
    kind: Literal["spot", "swap"] = "spot"
    price_tick: Decimal
    amount_step: Decimal
    min_amount: Decimal
    max_amount: Decimal
    min_notional: Decimal
    contract_size: Decimal = ONE
    min_price: Decimal | None = None
    max_price: Decimal = Decimal(1_000_000)
    start_price: Decimal | None = None
    max_leverage: int = 125
    maintenance_margin_rate: Decimal = Decimal("0.004")

    def __post_init__(self) -> None:
        if self.kind not in ("spot", "swap"):
            raise ValueError(f"unknown instrument kind {self.kind!r}")
        if self.kind == "swap" and self.settle is None:
            raise ValueError(f"{self.symbol}: a swap needs a settle asset")
        for name in ("price_tick", "amount_step", "contract_size"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{self.symbol}: {name} must be positive")

    @property
    def is_swap(self) -> bool:
        return self.kind == "swap"

    @property
    def lowest_price(self) -> Decimal:
        return self.min_price if self.min_price is not None else self.price_tick


def _spot(
    base: str, *, tick: str, step: str, max_qty: str, min_notional: str, start: str
) -> Instrument:
    return Instrument(
        symbol=f"{base}/USDT",
        base=base,
        quote="USDT",
        price_tick=Decimal(tick),
        amount_step=Decimal(step),
        min_amount=Decimal(step),
        max_amount=Decimal(max_qty),
        min_notional=Decimal(min_notional),
        start_price=Decimal(start),
    )


def _perp(
    base: str,
    *,
    tick: str,
    step: str,
    max_qty: str,
    min_notional: str,
    start: str,
    mmr: str = "0.004",
) -> Instrument:
    return Instrument(
        symbol=f"{base}/USDT:USDT",
        base=base,
        quote="USDT",
        settle="USDT",
        kind="swap",
        price_tick=Decimal(tick),
        amount_step=Decimal(step),
        min_amount=Decimal(step),
        max_amount=Decimal(max_qty),
        min_notional=Decimal(min_notional),
        start_price=Decimal(start),
        maintenance_margin_rate=Decimal(mmr),
    )


def default_instruments() -> list[Instrument]:
    """BTC, ETH and SOL against USDT, spot and linear perpetual (see the module docstring)."""
    return [
        _spot("BTC", tick="0.01", step="0.00001", max_qty="9000", min_notional="5", start="50000"),
        _spot("ETH", tick="0.01", step="0.0001", max_qty="9000", min_notional="5", start="3000"),
        _spot("SOL", tick="0.01", step="0.001", max_qty="90000", min_notional="5", start="150"),
        _perp("BTC", tick="0.10", step="0.001", max_qty="1000", min_notional="100", start="50000"),
        _perp(
            "ETH",
            tick="0.01",
            step="0.001",
            max_qty="10000",
            min_notional="20",
            start="3000",
            mmr="0.005",
        ),
        _perp(
            "SOL",
            tick="0.010",
            step="1",
            max_qty="1000000",
            min_notional="5",
            start="150",
            mmr="0.005",
        ),
    ]


def synthetic_instruments(n: int, *, perpetuals: bool = True) -> list[Instrument]:
    """``n`` synthetic coins ``C0001``.. each with a spot market and (by default) a USDT perpetual.

    ``synthetic_instruments(1000)`` gives 2,000 symbols. Prices start between 1 and 1,000.
    """
    out: list[Instrument] = []
    width = max(4, len(str(n)))
    for i in range(1, n + 1):
        coin = f"C{i:0{width}d}"
        start = Decimal(1 + _stable_int("synthetic", coin) % 1000)
        out.append(
            Instrument(
                symbol=f"{coin}/USDT",
                base=coin,
                quote="USDT",
                price_tick=Decimal("0.0001"),
                amount_step=Decimal("0.01"),
                min_amount=Decimal("0.01"),
                max_amount=Decimal(10_000_000),
                min_notional=Decimal(5),
                start_price=start,
            )
        )
        if perpetuals:
            out.append(
                Instrument(
                    symbol=f"{coin}/USDT:USDT",
                    base=coin,
                    quote="USDT",
                    settle="USDT",
                    kind="swap",
                    price_tick=Decimal("0.0001"),
                    amount_step=Decimal("0.1"),
                    min_amount=Decimal("0.1"),
                    max_amount=Decimal(10_000_000),
                    min_notional=Decimal(5),
                    start_price=start,
                    max_leverage=50,
                    maintenance_margin_rate=Decimal("0.01"),
                )
            )
    return out


# --------------------------------------------------------------------------------------------
# Enums and records
# --------------------------------------------------------------------------------------------


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
    :meth:`Engine.set_client_id_rule`)."""

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
    extra: dict[str, object] = field(default_factory=dict)  # venue-specific metadata

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
        size = self.extra.get("_contract_size")
        return self.filled * size if isinstance(size, Decimal) else self.filled


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


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class EngineError(Exception):
    """Base of every error the engine raises; venue modules translate these into venue bodies."""


class UnknownSymbol(EngineError):
    def __init__(self, symbol: str) -> None:
        super().__init__(f"unknown symbol {symbol!r}")
        self.symbol = symbol


class UnknownOrder(EngineError):
    """No such order on the account."""


class OrderNotOpen(UnknownOrder):
    """The order exists but is no longer open (cannot be cancelled)."""


class InsufficientBalance(EngineError):
    def __init__(self, asset: str, required: Decimal, available: Decimal) -> None:
        super().__init__(f"insufficient {asset}: need {required}, have {available}")
        self.asset, self.required, self.available = asset, required, available


class InsufficientMargin(InsufficientBalance):
    """The futures wallet cannot cover the order's margin."""


class FilterFailure(EngineError):
    def __init__(self, filter: Filter, detail: str, instrument: Instrument) -> None:
        super().__init__(f"{filter.value}: {detail}")
        self.filter, self.detail, self.instrument = filter, detail, instrument


class DuplicateClientOrderId(EngineError):
    """The venue's :class:`ClientIdRule` refuses this client order id (an open order uses it,
    or, under ``LIFETIME``, any order ever did)."""


class InvalidLeverage(EngineError):
    def __init__(self, leverage: int, maximum: int) -> None:
        super().__init__(f"leverage {leverage} is not in 1..{maximum}")
        self.leverage, self.maximum = leverage, maximum


class InvalidOrderRequest(EngineError):
    """Missing or inconsistent parameters (e.g. a limit order without a price)."""


class WouldTriggerImmediately(EngineError):
    """A stop order whose trigger price the market has already reached."""


class ReduceOnlyRejected(EngineError):
    """A reduce-only order that would open or grow a position."""


# --------------------------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------------------------


@dataclass
class _MarketState:
    instrument: Instrument
    price: Decimal
    rng: random.Random
    open: Decimal
    high: Decimal
    low: Decimal
    synthetic_volume: Decimal
    synthetic_count: int
    traded_volume: Decimal = ZERO
    traded_quote: Decimal = ZERO
    traded_count: int = 0
    last_qty: Decimal = ZERO
    update_id: int = 0
    factors: tuple[list[int], list[int]] | None = None
    book_cache: OrderBookSnapshot | None = None


class Engine:
    """Deterministic markets, accounts and order matching."""

    #: Levels per side of the synthetic book (``limit=1000`` books are full).
    BOOK_DEPTH = 1000
    #: Approximate quote notional of one book level near the touch.
    LEVEL_NOTIONAL = Decimal(20_000)
    #: Largest random-walk move per :meth:`advance` step, in basis points.
    STEP_BPS = 10

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

    # ---- instruments and market data ---------------------------------------------------

    def _add_market(self, inst: Instrument) -> None:
        if inst.symbol in self._markets:
            raise ValueError(f"duplicate instrument {inst.symbol}")
        pair = f"{inst.base}/{inst.quote}"
        rng = random.Random(_stable_int(self.seed, "walk", pair))
        start = inst.start_price
        if start is None:
            start = Decimal(10 + _stable_int(self.seed, "start", pair) % 990)
        price = max(_round_to(start, inst.price_tick), inst.price_tick)
        vol_seed = _stable_int(self.seed, "volume", inst.symbol)
        quote_volume = Decimal(50_000_000 + vol_seed % 50_000_000)
        self._markets[inst.symbol] = _MarketState(
            instrument=inst,
            price=price,
            rng=rng,
            open=price,
            high=price,
            low=price,
            synthetic_volume=_floor_to(quote_volume / price, inst.amount_step),
            synthetic_count=100_000 + vol_seed % 900_000,
            update_id=next(self._update_ids),
        )

    @property
    def instruments(self) -> Mapping[str, Instrument]:
        return {s: m.instrument for s, m in self._markets.items()}

    def instrument(self, symbol: str) -> Instrument:
        return self._market(symbol).instrument

    def has_symbol(self, symbol: str) -> bool:
        return symbol in self._markets

    def _market(self, symbol: str) -> _MarketState:
        try:
            return self._markets[symbol]
        except KeyError:
            raise UnknownSymbol(symbol) from None

    def now_ms(self) -> int:
        return self.clock()

    def price(self, symbol: str) -> Decimal:
        """The last (and mark) price of ``symbol``."""
        return self._market(symbol).price

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

    def _move(self, mkt: _MarketState, price: Decimal) -> None:
        if price == mkt.price:
            return
        mkt.price = price
        mkt.high = max(mkt.high, price)
        mkt.low = min(mkt.low, price)
        mkt.update_id = next(self._update_ids)
        mkt.book_cache = None

    def _spacing(self, inst: Instrument, price: Decimal) -> Decimal:
        return max(_floor_to(price * _BPS, inst.price_tick), inst.price_tick)

    def _factors(self, mkt: _MarketState) -> tuple[list[int], list[int]]:
        if mkt.factors is None:
            rng = random.Random(_stable_int(self.seed, "book", mkt.instrument.symbol))
            bids = [rng.randrange(500, 1500) for _ in range(self.BOOK_DEPTH)]
            asks = [rng.randrange(500, 1500) for _ in range(self.BOOK_DEPTH)]
            mkt.factors = (bids, asks)
        return mkt.factors

    def _levels(self, mkt: _MarketState, side: Side) -> Iterator[tuple[Decimal, Decimal]]:
        """Book levels of one side, best first: ``side=SELL`` yields asks, ``BUY`` yields bids."""
        inst = mkt.instrument
        price = mkt.price
        spacing = self._spacing(inst, price)
        bid_factors, ask_factors = self._factors(mkt)
        factors = ask_factors if side is Side.SELL else bid_factors
        base_per_level = self.LEVEL_NOTIONAL / price / inst.contract_size
        for i in range(self.BOOK_DEPTH):
            if side is Side.SELL:
                level_price = price + inst.price_tick + spacing * i
            else:
                level_price = price - spacing * i
                if level_price <= 0:
                    return
            raw = base_per_level * factors[i] / 1000 * (ONE + Decimal(i) / 50)
            size = max(_floor_to(raw, inst.amount_step), inst.amount_step)
            yield level_price, size

    def book(self, symbol: str, depth: int = 100) -> OrderBookSnapshot:
        """The synthetic book, ``depth`` levels a side (at most :attr:`BOOK_DEPTH`)."""
        mkt = self._market(symbol)
        depth = max(1, min(depth, self.BOOK_DEPTH))
        cached = mkt.book_cache
        if cached is not None and len(cached.bids) >= depth and len(cached.asks) >= depth:
            if len(cached.bids) == depth:
                return cached
            return OrderBookSnapshot(
                symbol, cached.bids[:depth], cached.asks[:depth], cached.update_id, self.now_ms()
            )
        bids = tuple(itertools.islice(self._levels(mkt, Side.BUY), depth))
        asks = tuple(itertools.islice(self._levels(mkt, Side.SELL), depth))
        snap = OrderBookSnapshot(symbol, bids, asks, mkt.update_id, self.now_ms())
        mkt.book_cache = snap
        return snap

    def best_bid_ask(self, symbol: str) -> tuple[tuple[Decimal, Decimal], tuple[Decimal, Decimal]]:
        snap = self.book(symbol, 1)
        return snap.bids[0], snap.asks[0]

    def stats(self, symbol: str) -> MarketStats:
        mkt = self._market(symbol)
        (bid, bid_qty), (ask, ask_qty) = self.best_bid_ask(symbol)
        now = self.now_ms()
        contract = mkt.instrument.contract_size
        volume = mkt.synthetic_volume + mkt.traded_volume
        quote_volume = mkt.synthetic_volume * contract * (mkt.open + mkt.price) / 2
        count = mkt.synthetic_count + mkt.traded_count
        return MarketStats(
            symbol=symbol,
            last=mkt.price,
            last_qty=mkt.last_qty or mkt.instrument.amount_step,
            open=mkt.open,
            high=mkt.high,
            low=mkt.low,
            volume=volume,
            quote_volume=quote_volume + mkt.traded_quote,
            trade_count=count,
            first_trade_id=_stable_int(self.seed, "first", symbol) % 1_000_000_000,
            open_ms=now - _DAY_MS,
            close_ms=now,
            bid=bid,
            bid_qty=bid_qty,
            ask=ask,
            ask_qty=ask_qty,
        )

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
                    if oid is not None and (
                        symbol is None or account.orders[oid].symbol == symbol
                    ):
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

        Raises an :class:`EngineError` subclass when the venue would reject the request.
        Orders that are accepted but cannot work (FOK not fillable, post-only that would take)
        come back with status ``EXPIRED`` and an :class:`ExpireReason`; the venue module decides
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
            order.extra["_contract_size"] = inst.contract_size
            order.extra["leverage"] = self.get_leverage(account, inst.symbol)

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

    def _validate(self, inst: Instrument, mkt: _MarketState, req: OrderRequest) -> None:
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

    @staticmethod
    def _trigger_crossed(otype: OrderType, side: Side, stop: Decimal, last: Decimal) -> bool:
        rising = (side is Side.BUY) != otype.is_take_profit
        return last >= stop if rising else last <= stop

    def _check_reduce_only(self, account: Account, inst: Instrument, side: Side) -> None:
        pos = account.positions.get(inst.symbol)
        if pos is None or pos.amount == 0 or (pos.amount > 0) == (side is Side.BUY):
            raise ReduceOnlyRejected("reduce-only order would not reduce the position")

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

    # ---- funds -----------------------------------------------------------------------------

    def _spot_lock_needed(self, inst: Instrument, order: Order) -> tuple[str, Decimal]:
        amount = order.remaining
        if order.side is Side.SELL:
            return inst.base, amount
        px = order.price if order.price is not None else order.stop_price
        assert px is not None
        need = amount * px
        if not order.extra.get("_fee_in_received", True):
            need += need * self._account_fees(order).spot_taker
        return inst.quote, need

    def _account_fees(self, order: Order) -> FeeSchedule:
        return self._accounts[order.account_id].fees

    def _reserve(self, account: Account, inst: Instrument, order: Order) -> None:
        """Lock spot funds / check futures margin for a resting or pending order."""
        order.extra["_fee_in_received"] = account.fees.spot_fee_in_received_asset
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
                extra={k: v for k, v in order.extra.items() if k.startswith("_")},
            )
            child.extra["leverage"] = order.extra.get("leverage", 20)
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

    def _fill_resting(self, symbol: str, mkt: _MarketState, inst: Instrument) -> None:
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
