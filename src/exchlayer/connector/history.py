"""Market history: candles, the public tape and funding rates, paged through any range.

Each call asks the venue one page at a time, bounded on both sides (`since` and ccxt's
``until``), so a venue that truncates a long window from either end never drops records in the
middle: a window holds at most one page of candles by construction, and a window of trades or
funding rates that comes back full is narrowed and asked again. What a venue answers outside the
window asked for is left out; a window it answers empty is a gap, never invented data.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import InvalidArgument, MalformedResponse, NotSupported
from ..history.models import (
    CLOSE_MARGIN_MS,
    FLOOR_MS,
    Candle,
    FundingRate,
    PublicTrade,
    at_ms,
    ms_of,
    next_open,
    timeframe_ms,
)
from ..models import TradeType
from .calls import preview
from .parsing.history import parse_candles, parse_funding_rate, parse_public_trade
from .units import candles_in_base, public_trades_in_base

if TYPE_CHECKING:
    from .core import CcxtExchange

__all__ = ["History", "HistoryReads", "to_ms"]

_R = TypeVar("_R")
_FEATURE_KEY = {TradeType.SPOT: ("spot",), TradeType.FUTURES: ("swap", "linear")}
_DEFAULT_PAGE = 500
MAX_LIMIT = 1_000_000
_FUNDING_STEP_MS = 8 * 3_600_000  # the usual funding interval: a window holds a page of them
_TRADE_WINDOW_MS = 3_600_000  # Binance's aggTrades window; the others take any
_DEFAULT_LATEST = 100


def to_ms(moment: object, name: str) -> int | None:
    """An aware datetime (or None) as milliseconds since the epoch (exactly, floored), no
    earlier than `FLOOR_MS`; anything else refused."""
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        raise InvalidArgument(f"{name} must be a timezone-aware datetime, got {preview(moment)}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidArgument(f"{name} must be timezone-aware (UTC), got a naive datetime")
    return max(ms_of(moment), FLOOR_MS)


def _limit(limit: object) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidArgument(
            f"limit must be a positive int up to {MAX_LIMIT:,} or None, got {preview(limit)} "
            "(for more, give since and until, or use exchlayer.history's downloader)"
        )
    return limit


def _iso(ms: int) -> str:
    return f"{at_ms(ms):%Y-%m-%d %H:%M} UTC"


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class HistoryReads:
    """The market-history calls of `BaseExchange`, as a connector serves them (a mixin of
    `CcxtExchange`: each is its `History` part's)."""

    _history: History

    def get_ohlcv(
        self,
        symbol: str,
        timeframe: str = "1m",
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        trade_type: TradeType | None = None,
    ) -> Coroutine[Any, Any, list[Candle]]:
        return self._history.ohlcv(symbol, timeframe, since, until, limit, trade_type)

    def get_public_trades(
        self,
        symbol: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        trade_type: TradeType | None = None,
    ) -> Coroutine[Any, Any, list[PublicTrade]]:
        return self._history.public_trades(symbol, since, until, limit, trade_type)

    def get_funding_rate_history(
        self,
        symbol: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> Coroutine[Any, Any, list[FundingRate]]:
        return self._history.funding_rates(symbol, since, until, limit)

    def ohlcv_earliest(
        self, timeframe: str, trade_type: TradeType | None = None
    ) -> datetime | None:
        """The oldest candle of `timeframe` the venue still serves (None: it serves all its
        history): Gate.io keeps only the latest 10,000 of each timeframe."""
        c = self._history._c
        tt = c._supported(trade_type or c.default_trade_type)
        earliest = self._history.earliest(tt, timeframe)
        return None if earliest is None else at_ms(earliest)

    def ohlcv_page_size(self, trade_type: TradeType | None = None) -> int:
        """The most candles one request to the venue returns (for `trade_type`, default the
        connector's): `get_ohlcv` reads longer ranges in pages of this size."""
        c = self._history._c
        return self._history.page_size(c._supported(trade_type or c.default_trade_type))


class History:
    """The market-history calls of one connector."""

    def __init__(self, connector: CcxtExchange) -> None:
        self._c = connector

    def page_size(self, trade_type: TradeType, call: str = "fetchOHLCV") -> int:
        """The most records one request of `call` returns on this venue (the profile's, else
        ccxt's `features`)."""
        declared = self._c.profile.ohlcv_page.get(trade_type) if call == "fetchOHLCV" else None
        if declared is not None:
            return declared
        features: Any = self._c._pool.client(trade_type).features or {}
        for key in _FEATURE_KEY[trade_type]:
            features = features.get(key) if isinstance(features, Mapping) else None
        entry = features.get(call) if isinstance(features, Mapping) else None
        limit = entry.get("limit") if isinstance(entry, Mapping) else None
        return limit if isinstance(limit, int) and limit > 0 else _DEFAULT_PAGE

    def _client_with(self, trade_type: TradeType, has: str, what: str) -> Any:
        client = self._c._pool.client(trade_type)
        if not client.has.get(has):
            raise NotSupported(f"{self._c.display_name} serves no {what} here")
        return client

    def earliest(self, trade_type: TradeType, timeframe: str, now: int | None = None) -> int | None:
        """The oldest candle time (ms) the venue still serves of `timeframe`, on the grid and
        two candles inside its reach (time passes while a range is read); None: no limit."""
        reach = self._c.profile.ohlcv_reach.get(trade_type)
        if reach is None:
            return None
        duration = timeframe_ms(timeframe)
        return ((_now_ms() if now is None else now) // duration - reach + 2) * duration

    def _within_reach(
        self, trade_type: TradeType, timeframe: str, start: int, now: int, *, refuse: bool
    ) -> int:
        """`start`, or the earliest candle the venue serves when `start` is older: for the
        latest candles; for a range asked (`refuse`), `NotSupported` saying from when. A
        range asked from an `earliest` told a moment ago is in reach: the refusal is for
        what the venue itself would refuse, two candles beyond."""
        earliest = self.earliest(trade_type, timeframe, now)
        if earliest is None or start >= earliest:
            return start
        if not refuse:
            return earliest
        if start >= earliest - 2 * timeframe_ms(timeframe):
            return start  # still served: the venue's own limit is two candles further
        raise NotSupported(
            f"{self._c.display_name} serves only its latest "
            f"{self._c.profile.ohlcv_reach[trade_type]:,} {timeframe} candles: since must be "
            f"{_iso(earliest)} or later"
        )

    # --- candles -----------------------------------------------------------------------------
    async def ohlcv(  # noqa: PLR0917 - the public call's arguments
        self,
        symbol: str,
        timeframe: str,
        since: datetime | None,
        until: datetime | None,
        limit: int | None,
        trade_type: TradeType | None,
    ) -> list[Candle]:
        c = self._c
        with c._op("get_ohlcv", symbol):
            start, end, cap = to_ms(since, "since"), to_ms(until, "until"), _limit(limit)
            duration = timeframe_ms(timeframe)
            unified, tt = c._symbols.resolve(symbol, trade_type)
            client = self._client_with(tt, "fetchOHLCV", "candles")
            if timeframe not in (client.timeframes or {}):
                offered = ", ".join(client.timeframes or {})
                raise InvalidArgument(
                    f"{c.display_name} has no {timeframe!r} candles; it has {offered}"
                )
            market = await c._symbols.market(unified, tt)
            params = c.profile.params("fetch_ohlcv", tt)
            page = self.page_size(tt)
            now = _now_ms()
            latest = start is None
            forming_end = now // duration * duration + duration
            if end is None or end > forming_end:
                end = forming_end  # the forming candle is the last there is
            if start is None:
                cap = cap or _DEFAULT_LATEST
                # one spare: weeks and months are uneven
                start = max(end - (cap + 1) * duration, FLOOR_MS)
            if start < end:  # an empty range is empty wherever the venue's reach ends
                start = self._within_reach(tt, timeframe, start, now, refuse=not latest)
            if start >= end:
                return []
            span = page if timeframe[-1] != "M" else page // 2
            widest = c.profile.ohlcv_window_ms.get(tt)
            if widest is not None:
                # a month is up to 31 days: whole months stay inside the venue's span
                longest = 31 * 86_400_000 if timeframe[-1] == "M" else duration
                span = max(1, min(span, widest // longest))

            async def fetch(cursor: int) -> tuple[list[Candle], int]:
                window_end = min(cursor + span * duration, end)
                wanted = {
                    **params,
                    **c._history_params("fetch_ohlcv", tt, cursor, window_end),
                }
                closed_by = _now_ms() - CLOSE_MARGIN_MS

                def parse(rows: Any) -> list[Candle]:
                    candles = parse_candles(rows, unified, tt, timeframe, duration, closed_by)
                    return candles_in_base(candles, market)

                got = await c._caller.read(
                    tt,
                    lambda: client.fetch_ohlcv(unified, timeframe, cursor, page, wanted),
                    parse=parse,
                )
                return got, window_end

            candles: dict[int, Candle] = {}
            cursor = start
            while cursor < end:
                got, window_end = await fetch(cursor)
                inside = [k for k in got if cursor <= ms_of(k.open_time) < window_end]
                for candle in inside:
                    candles[ms_of(candle.open_time)] = candle
                if len(inside) >= page:
                    cursor = next_open(ms_of(inside[-1].open_time), timeframe)
                else:
                    cursor = window_end  # the window is complete (a gap, where it is short)
            out = [candles[k] for k in sorted(candles)]
            if cap is not None and len(out) > cap:
                out = out[-cap:] if latest else out[:cap]
            return out

    # --- the public tape ---------------------------------------------------------------------
    async def public_trades(
        self,
        symbol: str,
        since: datetime | None,
        until: datetime | None,
        limit: int | None,
        trade_type: TradeType | None,
    ) -> list[PublicTrade]:
        c = self._c
        with c._op("get_public_trades", symbol):
            start, end, cap = to_ms(since, "since"), to_ms(until, "until"), _limit(limit)
            unified, tt = c._symbols.resolve(symbol, trade_type)
            client = self._client_with(tt, "fetchTrades", "public trades")
            market = await c._symbols.market(unified, tt)
            params = c.profile.params("fetch_trades", tt)
            page = c.profile.trade_page.get(tt, _DEFAULT_PAGE)

            def parse(raws: Any) -> list[PublicTrade]:
                trades = [parse_public_trade(raw, unified, tt) for raw in raws]
                return public_trades_in_base(trades, market)

            if start is None and end is None:
                latest: list[PublicTrade] = await c._caller.read(
                    tt,
                    lambda: client.fetch_trades(unified, None, min(cap or page, page), params),
                    kind="public_trades",
                    parse=parse,
                )
                return latest[-cap:] if cap is not None else latest
            if tt in c.profile.recent_trades_only:
                raise NotSupported(
                    f"{c.display_name} publishes only its most recent trades, not a time range"
                )
            now = _now_ms()
            end = now + 1 if end is None or end > now else end
            if start is None:
                raise InvalidArgument("until needs a since: the range of trades to read")

            async def fetch(lo: int, hi: int) -> list[PublicTrade]:
                wanted = {**params, **c._history_params("fetch_trades", tt, lo, hi)}
                return await c._caller.read(
                    tt,
                    lambda: client.fetch_trades(unified, lo, page, wanted),
                    kind="public_trades",
                    parse=parse,
                )

            window = c.profile.trade_window_ms.get(tt, _TRADE_WINDOW_MS)
            found = await _windows(fetch, start, end, window, page, _trade_ms, cap)
            return sorted(found.values(), key=lambda t: (t.timestamp, t.id or ""))[:cap]

    # --- funding -----------------------------------------------------------------------------
    async def funding_rates(
        self,
        symbol: str,
        since: datetime | None,
        until: datetime | None,
        limit: int | None,
    ) -> list[FundingRate]:
        c = self._c
        with c._op("get_funding_rate_history", symbol):
            start, end, cap = to_ms(since, "since"), to_ms(until, "until"), _limit(limit)
            unified, tt = c._symbols.resolve(symbol, TradeType.FUTURES)
            if tt is not TradeType.FUTURES:
                raise InvalidArgument(f"funding rates are paid on perpetual futures, not {symbol}")
            c._supported(tt)
            client = self._client_with(tt, "fetchFundingRateHistory", "funding-rate history")
            await c._symbols.market(unified, tt)
            params = c.profile.params("fetch_funding_rate_history", tt)
            page = c.profile.funding_page.get(tt, 100)
            now = _now_ms()
            end = now + 1 if end is None or end > now else end
            if start is None:
                start = max(end - (cap or _DEFAULT_LATEST) * _FUNDING_STEP_MS, FLOOR_MS)

            def parse(raws: Any) -> list[FundingRate]:
                if not isinstance(raws, list):
                    raise MalformedResponse(f"the venue's funding history is {preview(raws)}")
                return [parse_funding_rate(raw, unified) for raw in raws]

            if c.profile.funding_by_page:
                found = await self._funding_pages(client, unified, tt, start, params, page, parse)
            else:

                async def fetch(lo: int, hi: int) -> list[FundingRate]:
                    bounds = c._history_params("fetch_funding_rate_history", tt, lo, hi)
                    wanted = {**params, **bounds}
                    return await c._caller.read(
                        tt,
                        lambda: client.fetch_funding_rate_history(unified, lo, page, wanted),
                        parse=parse,
                    )

                found = await _windows(
                    fetch, start, end, page * _FUNDING_STEP_MS, page, _funding_ms, None
                )
            rates = [r for r in found.values() if start <= ms_of(r.timestamp) < end]
            rates.sort(key=lambda r: r.timestamp)
            return rates[-cap:] if cap is not None and since is None else rates[:cap]

    async def _funding_pages(  # noqa: PLR0917 - one paged read: where, what and how
        self,
        client: Any,
        unified: str,
        tt: TradeType,
        start: int,
        params: Mapping[str, Any],
        page: int,
        parse: Callable[[Any], list[FundingRate]],
    ) -> dict[object, FundingRate]:
        """A venue that lists funding newest first by page number (Bitget): pages until one
        reaches back to `start`, or comes back short (the venue's history ends there)."""
        found: dict[object, FundingRate] = {}
        number = 1
        while True:
            call = functools.partial(
                client.fetch_funding_rate_history, unified, None, page, {**params, "pageNo": number}
            )
            got = await self._c._caller.read(tt, call, parse=parse)
            for rate in got:
                found[_funding_ms(rate)] = rate
            if len(got) < page or min(ms_of(r.timestamp) for r in got) < start:
                return found
            number += 1


def _trade_ms(trade: PublicTrade) -> int:
    return ms_of(trade.timestamp)


def _funding_ms(rate: FundingRate) -> int:
    return ms_of(rate.timestamp)


def _key(record: Any) -> object:
    if isinstance(record, PublicTrade):  # a trade without an id is its figures
        return record.id or (record.timestamp, record.price, record.amount, record.side)
    return ms_of(record.timestamp)


async def _windows(  # noqa: PLR0917 - one windowed read: what, where, how wide
    fetch: Callable[[int, int], Awaitable[list[_R]]],
    start: int,
    end: int,
    window: int,
    page: int,
    stamp: Callable[[_R], int],
    cap: int | None,
) -> dict[object, _R]:
    """Every record in ``[start, end)``, asked window by window. A window answered in full may
    have been cut at either end by the venue: it is halved and asked again, down to one
    millisecond (where a full page is all the venue can say of that instant); the width found
    carries on, and doubles again (up to `window`) where the records thin out."""
    found: dict[object, _R] = {}
    lo = start
    width = window
    while lo < end and (cap is None or len(found) < cap):
        hi = min(lo + width, end)
        got = [r for r in await fetch(lo, hi) if lo <= stamp(r) < hi]
        if len(got) >= page and hi - lo > 1:
            width = max(1, (hi - lo) // 2)
            continue
        for record in got:
            found[_key(record)] = record
        lo = hi
        if len(got) < page // 2:
            width = min(window, width * 2)  # sparse here: widen again, up to the venue's window
    return found
