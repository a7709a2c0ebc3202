"""Venue-agnostic matching engine behind the loopback simulator.

The engine knows nothing about HTTP, JSON or any venue's wire format. Venue modules
(``exchlayer.testing.simulator.venues.*``) translate requests into engine calls and
engine results (or `EngineError` subclasses) into their venue's own bodies.

Money is `decimal.Decimal` everywhere; no float ever touches a price, an amount,
a balance or a fee.

Market model
------------
* Every instrument has a deterministic price feed (seeded random walk, see `Engine.advance`)
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
* Client order ids: each venue's `ClientIdRule` (per market kind) decides when a new
  order's client id is refused (`Engine.set_client_id_rule`); every order that ever used
  an id is remembered (``Account.client_ids``).
* `Engine.lookup_view` is the account as a lagging query side sees it (orders placed too
  recently, and their fills, missing): what ``VenueModule.lookup_lag`` answers queries from.
* A futures wallet per settle asset, cross margin, one-way positions, per-symbol leverage
  (default 20, 1..``Instrument.max_leverage``). Initial margin = notional / leverage;
  the approximate liquidation price uses ``Instrument.maintenance_margin_rate``. Positions are
  never liquidated automatically.

Default instruments (`default_instruments`, values modelled on Binance's real filters):

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

The package's modules: `instruments` (the `Instrument` records, the default and synthetic
sets, and the decimal helpers), `model` (enums and records), `errors` (`EngineError` and its
subclasses), and the `Engine` class in layers: `market` (price feeds, synthetic books,
statistics), `accounts` (accounts, client id rules, funds, positions and margin), `matching`
(taking the book, fills, triggers and resting orders), `history` (deterministic candles,
public trades and funding for any range) and `core` (the facade: construction,
price moves, order entry, queries and cancels).
"""

from __future__ import annotations

from .core import Engine
from .errors import (
    DuplicateClientOrderId,
    EngineError,
    FilterFailure,
    InsufficientBalance,
    InsufficientMargin,
    InvalidLeverage,
    InvalidOrderRequest,
    OrderNotOpen,
    ReduceOnlyRejected,
    UnknownOrder,
    UnknownSymbol,
    WouldTriggerImmediately,
)
from .history import TIMEFRAMES, FundingEvent, History, HistoryCandle, HistoryTrade
from .instruments import ONE as ONE
from .instruments import ZERO as ZERO
from .instruments import Instrument, default_instruments, synthetic_instruments
from .market import Clock, system_clock
from .model import (
    Account,
    AssetBalance,
    ClientIdRule,
    ExpireReason,
    FeeSchedule,
    Filter,
    MarginSummary,
    MarketStats,
    Order,
    OrderBookSnapshot,
    OrderRequest,
    OrderStatus,
    OrderType,
    PositionView,
    Side,
    TimeInForce,
    Trade,
    VenueState,
)

__all__ = [
    "TIMEFRAMES",
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
    "FundingEvent",
    "History",
    "HistoryCandle",
    "HistoryTrade",
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
    "VenueState",
    "WouldTriggerImmediately",
    "default_instruments",
    "synthetic_instruments",
    "system_clock",
]
