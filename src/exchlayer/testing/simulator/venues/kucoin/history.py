"""KuCoin's public market history, served from `engine.history` (mixed into `KucoinVenue`).

=================================  ========================================================
endpoint                           what it serves
=================================  ========================================================
spot ``GET /api/v1/market/candles``  ``symbol``, ``type`` (``1min`` ... ``1month``),
                                   ``startAt`` / ``endAt`` in **seconds** (0 or absent: no
                                   bound / now); candles opening in ``[startAt, endAt)``, at
                                   most 1,500 (the newest of the range), **newest first**;
                                   rows ``[time (s), open, close, high, low, volume,
                                   turnover]``, all strings; public weight 3
spot ``GET /api/v1/market/histories``  ``symbol`` only: the latest 100 trades, oldest first;
                                   ``{sequence, tradeId, price, size, side, time (ns)}``,
                                   numbers as strings; public weight 3
futures ``GET /api/v1/kline/query``  ``symbol``, ``granularity`` in minutes (1, 5, 15, 30,
                                   60, 120, 240, 480, 720, 1440, 10080), ``from`` / ``to`` in
                                   **ms** (inclusive); at most 500: from ``from`` forwards, or
                                   the 500 closest to ``to`` (default now) without ``from``;
                                   oldest first; rows ``[time (ms), open, high, low, close,
                                   volume (lots), turnover]``, JSON numbers; public weight 3
futures ``GET /api/v1/trade/history``  ``symbol`` only: the latest 100 trades, newest first;
                                   ``{sequence, contractId, tradeId, makerOrderId,
                                   takerOrderId, ts (ns), size (lots), price, side}``; public
                                   weight 5
futures ``GET /api/v1/contract/funding-rates``  ``symbol``, ``from``, ``to`` (ms, all
                                   required): every settlement in ``[from, to]``, newest
                                   first; ``{symbol, fundingRate, timepoint (ms)}``, JSON
                                   numbers; public weight 5
=================================  ========================================================

Neither trades endpoint takes a time range, a page size or a cursor: KuCoin publishes only the
latest 100 trades, and the simulator ignores every parameter but ``symbol`` as KuCoin does (ccxt
no longer sends ``startAt``/``pageSize``). A candle type KuCoin does not offer (spot ``3d``,
futures ``3m``, ``6h``, ``3d``, ``1M``) is refused with 400100 (ccxt: BadRequest); an unknown
symbol with 400100 "Unsupported trading pair." (BadSymbol). The futures wording for a bad
granularity is the simulator's own (KuCoin documents only that such requests are rejected).

Spot trades carry a ``tradeId`` (equal to ``sequence``) beside the fields docs-new shows: live
answers carry one (a third-party client checked against the live API lists it), and without it
ccxt's trade id is ``None``. Trade times are the middle of their millisecond in ns (see `_ns`).

Futures volumes and trade sizes are whole lots of ``multiplier`` base units (0.001 BTC for
``XBTUSDTM``); ccxt passes them on as contracts. Spot figures are base units.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from exchlayer.testing.simulator.engine import (
    FundingEvent,
    HistoryCandle,
    HistoryTrade,
    Instrument,
)
from exchlayer.testing.simulator.venues.kucoin.render import (
    KucoinRender,
    futures_market_id,
    multiplier,
    param_error,
    plain,
)
from exchlayer.testing.simulator.venues.kucoin.tables import EIGHT_HOURS_MS, NS
from exchlayer.testing.simulator.wire import Call
from exchlayer.testing.simulator.wire.numbers import json_number

__all__ = [
    "FUTURES_GRANULARITY",
    "FUTURES_KLINES_MAX",
    "RECENT_TRADES",
    "SPOT_CANDLES_MAX",
    "SPOT_TYPES",
    "KucoinHistory",
]

SPOT_TYPES: dict[str, str] = {
    "1min": "1m",
    "3min": "3m",
    "5min": "5m",
    "15min": "15m",
    "30min": "30m",
    "1hour": "1h",
    "2hour": "2h",
    "4hour": "4h",
    "6hour": "6h",
    "8hour": "8h",
    "12hour": "12h",
    "1day": "1d",
    "1week": "1w",
    "1month": "1M",
}
"""Spot candle ``type`` -> the engine's timeframe."""

FUTURES_GRANULARITY: dict[int, str] = {
    1: "1m",
    5: "5m",
    15: "15m",
    30: "30m",
    60: "1h",
    120: "2h",
    240: "4h",
    480: "8h",
    720: "12h",
    1440: "1d",
    10080: "1w",
}
"""Futures ``granularity`` (minutes) -> the engine's timeframe."""

SPOT_CANDLES_MAX = 1500
FUTURES_KLINES_MAX = 500
RECENT_TRADES = 100

BAD_SPOT_TYPE = "This type of Candlestick is currently not provided."
BAD_GRANULARITY = (
    "simulator: granularity is invalid (KuCoin serves 1, 5, 15, 30, 60, 120, 240, 480, 720, "
    "1440 and 10080 minutes)"
)


def base_lots(amount: Decimal, inst: Instrument) -> int:
    """Base units -> whole KuCoin lots (``multiplier`` base units each)."""
    return int(amount / multiplier(inst))


class KucoinHistory(KucoinRender):
    """KuCoin's market-history handlers (mixed into `KucoinVenue`)."""

    # ---- spot -------------------------------------------------------------------------------

    def spot_candles(self, call: Call) -> list[list[str]]:
        """Candles opening in ``[startAt, endAt)`` (seconds), the newest 1,500, newest first."""
        inst = self._spot_inst(call)
        timeframe = SPOT_TYPES.get(call.require("type"))
        if timeframe is None:
            raise param_error(BAD_SPOT_TYPE)
        start_s = call.integer("startAt", 0)
        end_s = call.integer("endAt", 0)
        candles = self.engine.history.candles(
            inst.symbol,
            timeframe,
            end_ms=end_s * 1000 - 1 if end_s else None,
            limit=SPOT_CANDLES_MAX,
        )
        if start_s:
            candles = [c for c in candles if c.open_ms >= start_s * 1000]
        return [_spot_row(c) for c in reversed(candles)]

    def spot_trades(self, call: Call) -> list[dict[str, Any]]:
        """The latest 100 trades, oldest first (no time range, no page size)."""
        inst = self._spot_inst(call)
        trades = self.engine.history.trades(inst.symbol, limit=RECENT_TRADES)
        return [_spot_trade(t) for t in trades]

    # ---- futures ----------------------------------------------------------------------------

    def futures_klines(self, call: Call) -> list[list[int | float]]:
        """At most 500 candles, oldest first: from ``from`` forwards (to ``to``), else the
        500 closest to ``to`` (default now)."""
        inst = self._fut(call)
        raw = call.require("granularity")
        timeframe = FUTURES_GRANULARITY.get(int(raw)) if raw.isdigit() else None
        if timeframe is None:
            raise param_error(BAD_GRANULARITY)
        start, end = call.integer("from"), call.integer("to")
        candles = self.engine.history.candles(
            inst.symbol, timeframe, start_ms=start, end_ms=end, limit=FUTURES_KLINES_MAX
        )
        return [_futures_row(c, inst) for c in candles]

    def futures_trades(self, call: Call) -> list[dict[str, Any]]:
        """The latest 100 trades, newest first (no time range, no page size)."""
        inst = self._fut(call)
        contract_id = list(self._futures).index(futures_market_id(inst)) + 1
        trades = self.engine.history.trades(inst.symbol, limit=RECENT_TRADES)
        return [_futures_trade(t, inst, contract_id) for t in reversed(trades)]

    def funding_rates(self, call: Call) -> list[dict[str, Any]]:
        """Every settled funding rate in ``[from, to]``, newest first."""
        inst = self._fut(call)
        start = call.integer("from", 0, required=True)
        end = call.integer("to", 0, required=True)
        if end < start:
            return []
        events = self.engine.history.funding(
            inst.symbol,
            start_ms=start,
            end_ms=end,
            limit=(end - start) // EIGHT_HOURS_MS + 2,
        )
        market_id = futures_market_id(inst)
        return [_funding_row(e, market_id) for e in reversed(events)]


def _ns(ms: int) -> int:
    """A trade time in nanoseconds: the middle of its millisecond. ccxt reads the integer
    through a float (``int(float(ts)) / 1e6``), whose error (up to 128 ns near 2025) would
    turn a whole-millisecond ``ms * 10**6`` into ``ms - 1``; from the middle it cannot."""
    return ms * NS + NS // 2


def _spot_row(c: HistoryCandle) -> list[str]:
    return [
        str(c.open_ms // 1000),
        plain(c.open),
        plain(c.close),
        plain(c.high),
        plain(c.low),
        plain(c.volume),
        plain(c.quote_volume),
    ]


def _futures_row(c: HistoryCandle, inst: Instrument) -> list[int | float]:
    return [
        c.open_ms,
        json_number(c.open),
        json_number(c.high),
        json_number(c.low),
        json_number(c.close),
        base_lots(c.volume, inst),
        json_number(c.quote_volume),
    ]


def _spot_trade(t: HistoryTrade) -> dict[str, Any]:
    return {
        "sequence": str(t.id),
        "tradeId": str(t.id),
        "price": plain(t.price),
        "size": plain(t.amount),
        "side": t.side.value.lower(),
        "time": _ns(t.ms),
    }


def _futures_trade(t: HistoryTrade, inst: Instrument, contract_id: int) -> dict[str, Any]:
    return {
        "sequence": t.id,
        "contractId": contract_id,
        "tradeId": str(t.id),
        "makerOrderId": str(2 * t.id),
        "takerOrderId": str(2 * t.id + 1),
        "ts": _ns(t.ms),
        "size": base_lots(t.amount, inst),
        "price": plain(t.price),
        "side": t.side.value.lower(),
    }


def _funding_row(e: FundingEvent, market_id: str) -> dict[str, Any]:
    return {"symbol": market_id, "fundingRate": json_number(e.rate), "timepoint": e.ms}
