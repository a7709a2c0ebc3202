"""Calling ccxt: one operation's trace, translation of what escapes, retries, clock resync.

Every public call of a connector runs inside an `Operation`: it fills in the error's exchange,
operation and symbol, translates anything foreign that escapes (in one place), and traces the
call's requests (`Trace`, kept current in a context variable the ccxt class's `fetch` updates).
The trace is what tells a failure's meaning: raised before any answer arrived, the failure is
local; after, the answer was malformed; after an order request left, the venue may have acted.

`Caller.read` runs a read (safe to repeat) with the connector's retry policy, checks and parses
its answer inside the retried attempt, and resynchronises the clock once on a refused timestamp.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..errors import ClockSkew, ExchangeLayerError, MalformedResponse, RateLimitExceeded
from ..models import TradeType
from ..resilience.retry import RetryPolicy, retry_call, retry_failed, retryable
from .errormap import translate

if TYPE_CHECKING:
    from .core import CcxtExchange

__all__ = ["Caller", "Operation", "Trace", "current_trace", "header_seconds", "preview"]

T = TypeVar("T")
log = logging.getLogger("exchlayer")


class Trace:
    """What the requests of one call have done so far; kept up to date by the ccxt class's
    `fetch`, read when the call fails to tell what the failure means."""

    __slots__ = ("accepted", "answered", "mutations")

    def __init__(self) -> None:
        self.answered = False
        """The last request's answer arrived and passed the venue's error check."""
        self.mutations = 0
        """Requests sent that may change state on the venue (anything but GET)."""
        self.accepted = 0
        """Of those, how many the venue answered without an error."""


_TRACE: ContextVar[Trace | None] = ContextVar("exchlayer_trace", default=None)
current_trace = _TRACE.get


def tracing(trace: Trace) -> Any:
    """Make `trace` current; returns the token that `untrace` takes."""
    return _TRACE.set(trace)


def untrace(token: Any) -> None:
    _TRACE.reset(token)


class Operation:
    """One public call of a connector: names it in errors, translates what escapes, traces it."""

    __slots__ = ("connector", "name", "symbol", "token", "trace")

    def __init__(self, connector: CcxtExchange, name: str, symbol: object) -> None:
        self.connector = connector
        self.name = name
        self.symbol = symbol if type(symbol) is str else None

    def __enter__(self) -> Operation:
        self.trace = Trace()
        self.token = _TRACE.set(self.trace)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _TRACE.reset(self.token)
        if exc is None or not isinstance(exc, Exception):
            return  # success, or CancelledError/KeyboardInterrupt: let it through untouched
        connector = self.connector
        if isinstance(exc, ExchangeLayerError):
            exc.exchange = exc.exchange or connector.name
            exc.operation = exc.operation or self.name
            exc.symbol = exc.symbol or self.symbol
            return
        raise translate(
            exc,
            exchange=connector.name,
            operation=self.name,
            symbol=self.symbol,
            scrub=connector._redactor,
            refine=connector._refine,
            answered=self.trace.answered,
        ) from exc


class Caller:
    """How a connector calls ccxt: translated, retried (reads), checked and parsed."""

    def __init__(self, connector: CcxtExchange, retry: RetryPolicy) -> None:
        self._connector = connector
        self.retry = retry

    async def translated(
        self,
        exc: Exception,
        trade_type: TradeType,
        operation: str = "",
        *,
        answered: bool = False,
    ) -> ExchangeLayerError:
        """`exc` as an exchlayer error (`answered`: whether the venue's answer had arrived when
        it was raised); a rate-limit refusal also pauses the venue's budget for every connector
        sharing it."""
        if isinstance(exc, ExchangeLayerError):
            return exc
        connector = self._connector
        pool = connector._pool
        headers = getattr(exc, "xl_headers", None) or getattr(
            pool.existing(trade_type), "last_response_headers", None
        )
        error = translate(
            exc,
            exchange=connector.name,
            operation=operation,
            symbol=None,
            scrub=connector._redactor,
            refine=connector._refine,
            retry_after=retry_after(headers, connector.profile.retry_after_headers),
            answered=answered,
        )
        if isinstance(error, RateLimitExceeded):
            await pool.pause(trade_type, error.retry_after)
        return error

    async def once(
        self,
        trade_type: TradeType,
        call: Callable[[], Awaitable[Any]],
        kind: str | None = None,
        parse: Callable[[Any], T] | None = None,
    ) -> T | Any:
        """One attempt of `call`: its answer checked (`kind`) and parsed (`parse`)."""
        trace = _TRACE.get()
        if trace is not None:
            trace.answered = False
        try:
            result = await call()
            if kind is not None and not self._connector._valid_answer(kind, result):
                raise MalformedResponse(
                    f"the venue answered with a malformed {kind.replace('_', ' ')} "
                    f"({preview(result)})"
                )
            value = parse(result) if parse is not None else result
        except ExchangeLayerError:
            raise
        except Exception as exc:
            answered = trace is not None and trace.answered
            raise (await self.translated(exc, trade_type, answered=answered)) from exc
        if trace is not None:
            trace.answered = False  # what fails from here on is not the answer's fault
        return value

    @overload
    async def read(
        self,
        trade_type: TradeType,
        call: Callable[[], Awaitable[Any]],
        policy: RetryPolicy | None = None,
        kind: str | None = None,
        parse: None = None,
    ) -> Any: ...

    @overload
    async def read(
        self,
        trade_type: TradeType,
        call: Callable[[], Awaitable[Any]],
        policy: RetryPolicy | None = None,
        kind: str | None = None,
        *,
        parse: Callable[[Any], T],
    ) -> T: ...

    async def read(
        self,
        trade_type: TradeType,
        call: Callable[[], Awaitable[Any]],
        policy: RetryPolicy | None = None,
        kind: str | None = None,
        parse: Callable[[Any], T] | None = None,
    ) -> T | Any:
        """Run a read (safe to repeat) with retries; a clock-skew refusal resynchronises the
        clock with the venue and tries once more. With `kind`, the answer is checked (the
        connector's `_valid_answer`); with `parse`, it is turned into what the caller gets. A
        malformed answer either way is treated like a failed request (retried)."""
        policy = policy or self.retry

        def attempt() -> Awaitable[T | Any]:
            return self.once(trade_type, call, kind, parse)

        try:
            started = time.monotonic()
            try:  # the first attempt directly: a call that succeeds pays for no retry frame
                return await self.once(trade_type, call, kind, parse)
            except ExchangeLayerError as first:
                if not retryable(first, policy):
                    raise
                return await retry_failed(attempt, policy, first, started)
        except ClockSkew:
            if not await self.resync_clock(trade_type):
                raise
            return await retry_call(attempt, policy)

    async def resync_clock(self, trade_type: TradeType) -> bool:
        """Measure the offset between our clock and the venue's and sign with it from now on."""
        connector = self._connector
        client = connector._pool.client(trade_type)
        if not client.has.get("fetchTime"):
            return False
        try:
            offset = await client.load_time_difference()
        except Exception as exc:
            log.warning("%s: clock resync failed: %s", connector.name,
                        connector._redactor(str(exc)))
            return False
        client.options["adjustForTimeDifference"] = True
        log.info("%s: clock offset to the venue resynchronised: %s ms", connector.name, offset)
        return True


def retry_after(headers: Any, names: tuple[tuple[str, float], ...]) -> float | None:
    """Seconds the first of the `names` headers present in a refused request's answer asks to
    wait (each with the factor that makes it seconds)."""
    for name, scale in names:
        seconds = header_seconds(headers, name, scale)
        if seconds is not None:
            return seconds
    return None


def header_seconds(headers: Any, header: str, scale: float = 1.0) -> float | None:
    """A response header's number (times `scale`) as non-negative seconds, if present."""
    wanted = header.lower()
    for name, value in (headers or {}).items():
        if name.lower() == wanted:
            try:
                return max(0.0, float(value) * scale)
            except (TypeError, ValueError):
                return None
    return None


def preview(value: Any) -> str:
    """`value` for a message: its repr, shortened, never raising."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} that cannot be printed>"
    return text if len(text) <= 120 else text[:117] + "..."
