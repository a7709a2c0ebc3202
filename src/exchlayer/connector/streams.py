"""Streams: the venue's WebSocket feeds as typed async iterators, over ccxt.pro.

    async for book in exchange.watch_order_book("BTC/USDT"):
        print(book.bids[0].price)        # a Decimal, exactly the venue's digits

Each `Stream` is one consumer's view of a subscription the connector holds once per market and
kind, whoever reads it: consumers of the same stream share one subscription and one socket
(ccxt.pro resolves every waiting call with each update). ccxt.pro coalesces: a consumer that
reads slower than the venue sends sees the latest state, never a backlog.

What a stream promises:

- **Typed and exact.** The same models the REST calls return, parsed by the same code: book
  levels go from the frame's text to Decimal (ccxt.pro keeps floats; the connector's class
  replaces its `handle_delta`), and a book that is crossed, unsorted or holds garbage never
  reaches the consumer.
- **Correct or loudly not.** A sequence gap or a failed checksum makes ccxt.pro drop the book
  and subscribe again, which takes a fresh snapshot; so does a book that fails the checks. The
  stream counts each in `resyncs` and yields nothing until the book is whole again.
- **Alive.** A connection that closes or breaks is dialled again with backoff and full jitter
  (`reconnects`); one that goes silent for `stale_after` seconds (default 30) is closed and
  dialled again: a dead peer is found in bounded time, not after TCP's minutes.
- **Closed cleanly.** `break` out of the loop (or cancel the task) and the stream is done;
  `await stream.aclose()` and `exchange.close()` end it too. A consumer's error that is not
  the network's (a bad symbol, a closed connector) is raised as the exchlayer error it is.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..errors import ConfigurationError, ExchangeLayerError, MalformedResponse, NotSupported
from ..models import OrderBook, Ticker, TradeType
from . import parsing
from .ccxt_class import ccxt_class
from .market_data import check_count
from .units import book_in_base, ticker_in_base

if TYPE_CHECKING:
    from .core import CcxtExchange

__all__ = ["Stream", "StreamReads", "Streams"]

T = TypeVar("T")

STALE_AFTER = 30.0
"""Seconds without a message after which a stream's connection is taken for dead."""
_BACKOFF_CAP = 30.0
_MAX_RESYNCS = 5
_AGAIN = object()
"""Consecutive garbled answers after which a stream gives up and raises `MalformedResponse`."""


class Stream(Generic[T]):
    """An async iterator of typed updates from one of the venue's streams (see the module)."""

    def __init__(
        self,
        name: str,
        watch: Callable[[], Awaitable[Any]],
        parse: Callable[[Any], T],
        *,
        reset: Callable[[], Awaitable[None]],
        resync: Callable[[], None],
        stale_after: float,
        network_errors: tuple[type[BaseException], ...],
        resync_errors: tuple[type[BaseException], ...],
        translate: Callable[[Exception], Awaitable[ExchangeLayerError]],
        is_closed: Callable[[], bool],
        dropped: Callable[[], bool] | None = None,
    ) -> None:
        self.name = name
        self._watch = watch
        self._parse = parse
        self._reset = reset
        self._resync = resync
        self.stale_after = stale_after
        self._network_errors = network_errors
        self._resync_errors = resync_errors
        self._translate = translate
        self._is_closed = is_closed
        self._dropped = dropped
        self._counted = False
        self._closed = False
        self._failures = 0
        self.reconnects = 0
        """Connections dialled again after one closed, broke or went silent."""
        self.resyncs = 0
        """Books dropped and taken again from a fresh snapshot (a gap, a failed check)."""
        self.last_update: float | None = None
        """`time.monotonic()` of the last update yielded."""

    def __aiter__(self) -> Stream[T]:
        return self

    async def __anext__(self) -> T:
        while True:
            if self._done():
                raise StopAsyncIteration
            if self._book_dropped():  # ccxt.pro let the book go (a gap, a garbled level)
                self.resyncs += 1
                self._counted = True
            raw = await self._receive()
            if raw is _AGAIN:
                continue
            try:
                value = self._parse(raw)
            except MalformedResponse:
                await self._garbled()  # a book that fails the checks is never yielded
                self._resync()
                continue
            self._failures = 0
            self._counted = False
            self.last_update = time.monotonic()
            return value

    def _book_dropped(self) -> bool:
        """Whether the book yielded last is gone since (each drop counted once)."""
        probe = self._dropped
        return probe is not None and self.last_update is not None and not self._counted and probe()

    def _done(self) -> bool:
        return self._closed or self._is_closed()

    async def _receive(self) -> Any:
        """ccxt.pro's next update, or `_AGAIN` after what the stream recovers from itself."""
        try:
            return await asyncio.wait_for(self._watch(), self.stale_after)
        except TimeoutError:
            self.reconnects += 1
            await self._reset()  # silent for too long: a dead peer, dial again
        except self._resync_errors:
            pass  # ccxt.pro dropped the book (counted in resyncs); the next call subscribes
        except MalformedResponse:
            await self._garbled()  # a garbled frame: ccxt.pro dropped the book
        except self._network_errors:
            if self._done():
                raise StopAsyncIteration from None
            self.reconnects += 1
            await self._backoff()
        except ExchangeLayerError:
            raise
        except Exception as exc:
            if self._done():
                raise StopAsyncIteration from None
            raise (await self._translate(exc)) from exc
        return _AGAIN

    async def _garbled(self) -> None:
        if self._failures >= _MAX_RESYNCS:
            raise MalformedResponse(
                f"{self.name}: the stream sent {self._failures + 1} garbled updates in a row"
            )
        await self._backoff()

    async def _backoff(self) -> None:
        self._failures += 1
        await asyncio.sleep(random.uniform(0, min(_BACKOFF_CAP, 0.1 * 2**self._failures)))

    async def aclose(self) -> None:
        """End the stream: the next (or a pending) read ends the loop."""
        self._closed = True


class StreamReads:
    """The stream calls of `BaseExchange`, as a connector serves them (a mixin of
    `CcxtExchange`: each is its `Streams` part's)."""

    _streams: Streams

    def watch_ticker(
        self,
        symbol: str,
        *,
        trade_type: TradeType | None = None,
        stale_after: float | None = None,
    ) -> Stream[Ticker]:
        return self._streams.ticker(symbol, trade_type, stale_after)

    def watch_order_book(
        self,
        symbol: str,
        *,
        limit: int | None = None,
        trade_type: TradeType | None = None,
        stale_after: float | None = None,
    ) -> Stream[OrderBook]:
        return self._streams.order_book(symbol, limit, trade_type, stale_after)


class Streams:
    """The streams of one connector: its ccxt.pro clients and the iterators over them."""

    def __init__(self, connector: CcxtExchange) -> None:
        self._c = connector
        self._clients: dict[TradeType, Any] = {}

    def _supported(self, kind: str) -> None:
        c = self._c
        streams = c.profile.capabilities.streams
        if kind not in streams:
            offered = ", ".join(sorted(streams)) or "none"
            raise NotSupported(
                f"{c.display_name} has no {kind.replace('_', ' ')} stream here "
                f"(streams: {offered})",
                exchange=c.name,
            )

    async def client(self, trade_type: TradeType) -> Any:
        """The ccxt.pro client of `trade_type`, made on first use with the REST client's
        session, keys, options and markets, its REST calls inside the same rate budget."""
        client = self._clients.get(trade_type)
        if client is not None:
            return client
        c = self._c
        pool = c._pool
        rest = pool.client(trade_type)
        markets = await c._symbols.markets(trade_type)
        shared = next((p for p in self._clients.values() if p.id == rest.id), None)
        if shared is not None:
            self._clients[trade_type] = shared
            return shared
        if c.closed:
            raise ConfigurationError("this connector is closed; create a new one")
        client = ccxt_class(rest.id, c.profile, pro=True)(pool._config(trade_type))
        if c.is_testnet:
            pool._enable_testnet(client, trade_type)
        client.set_markets(dict(markets), getattr(rest, "currencies", None))
        client.throttle = rest.throttle
        self._clients[trade_type] = client
        return client

    def ticker(
        self, symbol: str, trade_type: TradeType | None, stale_after: float | None
    ) -> Stream[Ticker]:
        c = self._c
        with c._op("watch_ticker", symbol):
            self._supported("ticker")
            unified, tt = c._symbols.resolve(symbol, trade_type)

        async def watch() -> Any:
            market = await c._symbols.market(unified, tt)
            client = await self.client(tt)
            raw = await client.watch_ticker(unified, c.profile.params("watch_ticker", tt))
            return raw, market

        def parse(got: tuple[Mapping[str, Any], Any]) -> Ticker:
            raw, market = got
            if not c._valid_answer("ticker", raw):
                raise MalformedResponse(f"the stream sent a malformed ticker ({raw!r:.80})")
            return ticker_in_base(parsing.parse_ticker(raw, unified, tt), market)

        return self._stream(f"ticker {unified}", tt, watch, parse, lambda: None, stale_after)

    def order_book(
        self, symbol: str, limit: int | None, trade_type: TradeType | None,
        stale_after: float | None,
    ) -> Stream[OrderBook]:
        c = self._c
        with c._op("watch_order_book", symbol):
            self._supported("order_book")
            unified, tt = c._symbols.resolve(symbol, trade_type)
            if limit is not None:
                check_count(limit, "limit")

        seen: dict[str, Any] = {"nonce": None}

        async def watch() -> Any:
            market = await c._symbols.market(unified, tt)
            client = await self.client(tt)
            # an update that came while nobody waited is yielded at once, not one update late
            # (checked with no await before ccxt.pro's wait begins: nothing slips between)
            book = client.orderbooks.get(unified)
            nonce = book.get("nonce") if book is not None else None
            if nonce is not None and seen["nonce"] is not None and nonce != seen["nonce"]:
                return book, market
            raw = await client.watch_order_book(unified)
            return raw, market

        def parse(got: tuple[Any, Any]) -> OrderBook:
            raw, market = got
            seen["nonce"] = raw.get("nonce")
            # only the levels asked for are read and checked; each came through
            # decimal_bid_ask (snapshot) or decimal_delta, so they go as checked tuples
            bids, asks = raw["bids"][:limit], raw["asks"][:limit]
            raw = {**raw, "bids": [*map(_pair, bids)], "asks": [*map(_pair, asks)]}
            return book_in_base(parsing.parse_order_book(raw, unified, tt), market)

        def resync() -> None:
            client = self._clients.get(tt)
            if client is not None:  # drop the book: the next call takes a fresh snapshot
                client.orderbooks.pop(unified, None)
                for ws in list((client.clients or {}).values()):
                    for key in [k for k in ws.subscriptions if k.endswith("::" + unified)
                                or k == "orderbook::" + unified]:
                        del ws.subscriptions[key]

        def dropped() -> bool:  # gone, or waiting for a fresh snapshot (its nonce reset)
            client = self._clients.get(tt)
            book = client.orderbooks.get(unified) if client is not None else None
            if client is None:
                return False
            return book is None or (seen["nonce"] is not None and book.get("nonce") is None)

        return self._stream(f"order book {unified}", tt, watch, parse, resync, stale_after,
                            dropped=dropped)

    def _stream(  # noqa: PLR0917 - what one stream is made of
        self,
        name: str,
        trade_type: TradeType,
        watch: Callable[[], Awaitable[Any]],
        parse: Callable[[Any], T],
        resync: Callable[[], None],
        stale_after: float | None,
        *,
        dropped: Callable[[], bool] | None = None,
    ) -> Stream[T]:
        import ccxt.async_support as ccxt_async

        c = self._c

        async def reset() -> None:
            client = self._clients.get(trade_type)
            if client is not None:
                await client.close_ws_clients()

        async def translate(exc: Exception) -> ExchangeLayerError:
            return await c._caller.translated(exc, trade_type, name)

        return Stream(
            name,
            watch,
            parse,
            reset=reset,
            resync=resync,
            stale_after=STALE_AFTER if stale_after is None else float(stale_after),
            network_errors=(ccxt_async.NetworkError,),
            # a gap or failed checksum: ccxt.pro drops the book (and unsubscribes, on Bitget)
            resync_errors=(ccxt_async.ChecksumError, ccxt_async.InvalidNonce,
                           ccxt_async.UnsubscribeError),
            translate=translate,
            is_closed=lambda: c.closed,
            dropped=dropped,
        )

    async def close(self) -> None:
        """End every stream (a consumer waiting on one leaves its loop) and close the clients."""
        import ccxt.async_support as ccxt_async

        clients = {id(p): p for p in self._clients.values()}.values()
        self._clients.clear()
        for client in clients:
            for ws in list((client.clients or {}).values()):
                ws.reject(ccxt_async.ExchangeClosedByUser("the connector was closed"))
            await client.close()


def decimal_bid_asks(original: Callable[..., Any]) -> Callable[..., Any]:
    """ccxt.pro's Gate `handle_bid_asks`, whose futures levels (``{"p": "50000", "s": 12}``)
    it reads as floats: as Decimals from the frame's text, like the spot levels."""

    def handle_bid_asks(self: Any, book_side: Any, bid_asks: Any) -> None:
        for raw in bid_asks:
            level = raw
            if isinstance(raw, dict):
                size = raw.get("s")
                level = [raw.get("p"), str(size) if type(size) is int else size]
            book_side.storeArray(decimal_level(self, level))

    return handle_bid_asks


def resync_on_garbage(original: Callable[..., Any]) -> Callable[..., Any]:
    """A ccxt.pro book handler that, where a frame holds a level that is not one (the
    handler has no guard of its own: the frame would be dropped with the book half applied),
    drops the connection's books and their subscriptions and tells the waiting consumers:
    each stream takes a fresh snapshot."""

    def handle_order_book(self: Any, client: Any, message: Any) -> Any:
        try:
            return original(self, client, message)
        except MalformedResponse as exc:
            self.orderbooks.clear()
            for key in [k for k in client.subscriptions if k.startswith("orderbook")]:
                del client.subscriptions[key]  # subscribing again takes a fresh snapshot
            for key in [k for k in client.futures if "orderbook" in k]:
                client.reject(exc, key)  # the consumers waiting learn it now
            return None

    return handle_order_book


def decimal_level(
    self: Any, bidask: Any, price_key: Any = 0, amount_key: Any = 1, *_: Any
) -> list[Decimal]:
    """`parsing.decimal_bid_ask` as a list (ccxt.pro's books update a level's size in place),
    where a size of 0 is a removal (a delta's), which ccxt.pro's book then applies."""
    try:
        text = bidask[amount_key]
    except (LookupError, TypeError):
        text = None
    if type(text) is str and text[:1] == "0" and _is_zero(text):
        return [parsing.decimal_bid_ask(self, [bidask[price_key], "1"])[0], _ZERO]
    return list(parsing.decimal_bid_ask(self, bidask, price_key, amount_key))


def decimal_delta(self: Any, bookside: Any, delta: Any) -> None:
    """ccxt.pro's `handle_delta` for a ``[price, amount]`` level: the frame's text straight to
    Decimal (ccxt.pro's floats would round at ~16 digits), as `parsing.decimal_bid_ask` reads a
    snapshot's; size 0 removes the level; a level that is not a positive price and a size >= 0
    is `MalformedResponse` (the book resyncs)."""
    bookside.store(*decimal_level(self, delta))


_ZERO = Decimal(0)
_pair = itemgetter(0, 1)  # a level's price and size (Bitget's also hold their text)


def _is_zero(text: str) -> bool:
    """``"0"``, ``"0.0"``, ``"0.00000000"``: a removal. Told from the text alone (most sizes
    start with ``0.`` too, and this runs for each of them)."""
    return text.strip("0") in ("", ".")
