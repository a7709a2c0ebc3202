"""The engine's market layer: the per-symbol `_MarketState`, the clock type, and
`EngineMarkets`, the base of `Engine` that holds the instruments and their price feeds and
serves the synthetic order book and 24h statistics (the price-moving entry points,
`Engine.set_price` and `Engine.advance`, live in `core` because they also process orders).
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .errors import UnknownSymbol
from .instruments import _BPS, _DAY_MS, ONE, ZERO, Instrument, _floor_to, _round_to, _stable_int
from .model import MarketStats, OrderBookSnapshot, Side

Clock = Callable[[], int]
"""Returns the current time in milliseconds since the epoch."""


def system_clock() -> int:
    """The default clock: wall time in milliseconds."""
    return time.time_ns() // 1_000_000


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


class EngineMarkets:
    """Instruments, price feeds, synthetic books and statistics (a layer of `Engine`)."""

    #: Levels per side of the synthetic book (``limit=1000`` books are full).
    BOOK_DEPTH = 1000
    #: Approximate quote notional of one book level near the touch.
    LEVEL_NOTIONAL = Decimal(20_000)
    #: Largest random-walk move per `advance` step, in basis points.
    STEP_BPS = 10

    seed: int
    clock: Clock
    _markets: dict[str, _MarketState]
    _update_ids: itertools.count[int]

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
        """The synthetic book, ``depth`` levels a side (at most `BOOK_DEPTH`)."""
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
