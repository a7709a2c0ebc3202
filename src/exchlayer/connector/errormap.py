"""The one place where ccxt's exceptions (and anything else a call raises) become exchlayer's.

The table maps ccxt exception classes to exchlayer's; the most specific class in the raised
exception's MRO wins. A venue adapter may refine the result first (``_refine_error``) where
ccxt's own mapping is too coarse, e.g. Binance's ``-1022`` bad signature, which ccxt raises as
``BadRequest`` on spot URLs. Built lazily, so that importing exchlayer does not import ccxt.

ccxt's ``OperationFailed`` family (unknown, busy, internal and timed-out answers, ``-1000`` on
Binance, ``100500`` on BingX) means the venue failed, not that it refused: it is transient, and
for an order, its fate is open.

An exception that is not ccxt's says what failed by *when* it was raised: after an answer
arrived (``answered``), parsing that answer failed, so the answer is malformed; before, the
failure is local (a value ccxt could not turn into a request, an event loop that is closed) and
retrying will not help.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from functools import cache

from .. import errors as xl

__all__ = ["translate"]

ErrorRefiner = Callable[[BaseException, str], type[xl.ExchangeLayerError] | None]


@cache
def _table() -> dict[type[BaseException], type[xl.ExchangeLayerError]]:
    import ccxt.async_support as ccxt

    return {
        ccxt.BaseError: xl.ExchangeError,
        ccxt.ExchangeError: xl.ExchangeError,
        ccxt.OperationFailed: xl.ExchangeUnavailable,
        ccxt.CancelPending: xl.ExchangeUnavailable,
        ccxt.AuthenticationError: xl.AuthenticationError,
        ccxt.PermissionDenied: xl.PermissionDenied,
        ccxt.AccountNotEnabled: xl.PermissionDenied,
        ccxt.AccountSuspended: xl.PermissionDenied,
        ccxt.InsufficientFunds: xl.InsufficientFunds,
        ccxt.InvalidOrder: xl.InvalidOrder,
        ccxt.OrderNotFound: xl.OrderNotFound,
        ccxt.OrderNotCached: xl.OrderNotFound,
        ccxt.BadSymbol: xl.BadSymbol,
        ccxt.BadRequest: xl.InvalidArgument,
        ccxt.ArgumentsRequired: xl.ExchangeError,
        ccxt.NotSupported: xl.NotSupported,
        ccxt.NetworkError: xl.NetworkError,
        ccxt.RequestTimeout: xl.RequestTimeout,
        ccxt.ExchangeNotAvailable: xl.ExchangeUnavailable,
        ccxt.OnMaintenance: xl.ExchangeUnavailable,
        ccxt.InvalidNonce: xl.ClockSkew,
        ccxt.DDoSProtection: xl.RateLimitExceeded,
        ccxt.RateLimitExceeded: xl.RateLimitExceeded,
        ccxt.BadResponse: xl.MalformedResponse,
        ccxt.NullResponse: xl.MalformedResponse,
    }


_NATIVE: dict[type[BaseException], type[xl.ExchangeLayerError]] = {
    asyncio.TimeoutError: xl.RequestTimeout,
    TimeoutError: xl.RequestTimeout,
    ConnectionError: xl.NetworkError,
    json.JSONDecodeError: xl.MalformedResponse,
}
# Local failures (nothing answered yet): a value that cannot become a request is the caller's
# argument; anything else local (a closed event loop or session, a broken setup) is the setup's.
_LOCAL_ARGUMENT = (ValueError, TypeError, ArithmeticError, LookupError, AttributeError)


def classify(exc: BaseException, *, answered: bool = False) -> type[xl.ExchangeLayerError]:
    """The exchlayer error class for ``exc``; ``answered``: whether an answer had arrived (and
    passed the venue's error check) when it was raised."""
    table = _table()
    for klass in type(exc).__mro__:
        mapped = table.get(klass) or _NATIVE.get(klass)
        if mapped is not None:
            if mapped is xl.ExchangeError:
                cause = _transport_cause(exc)
                if cause is not None:
                    # ccxt turns an aiohttp error it does not special-case (a body cut short,
                    # a broken chunked encoding) into a plain ExchangeError: the transport
                    # failed; unless the request could not even be built (a bad URL)
                    return xl.InvalidArgument if _unbuildable(cause) else xl.NetworkError
            return mapped
    if answered:
        # the venue answered and ccxt (or exchlayer) could not read what it said
        return xl.MalformedResponse
    if _unbuildable(exc) or isinstance(exc, _LOCAL_ARGUMENT):
        return xl.InvalidArgument
    return xl.ConfigurationError


def translate(
    exc: BaseException,
    *,
    exchange: str,
    operation: str,
    symbol: str | None,
    scrub: Callable[[str], str],
    refine: ErrorRefiner | None = None,
    retry_after: float | None = None,
    answered: bool = False,
) -> xl.ExchangeLayerError:
    """Build the exchlayer error for ``exc`` (the caller raises it ``from exc``; the chain is
    cleaned of secrets where the error leaves exchlayer)."""
    if isinstance(exc, xl.ExchangeLayerError):
        return exc
    text = _safe_str(exc) or type(exc).__name__
    message = scrub(text)
    # refine on the venue's own words; only the message kept in the error is scrubbed
    cls = (refine(exc, text) if refine is not None else None) or classify(exc, answered=answered)
    if cls is xl.ConfigurationError and _closed_loop(exc):
        message = (
            "the event loop this connector's HTTP session belongs to is closed (each "
            "asyncio.run() starts a new loop): create the connector inside the coroutine that "
            f"uses it ({message})"
        )
    status = getattr(exc, "xl_http_status", None)
    if isinstance(status, int) and status >= 500 and issubclass(cls, xl.PermanentError):
        # a 5xx is the venue failing, whatever its body says; the request may have been
        # processed (so an order's fate is open) and a later retry may succeed
        cls = xl.ExchangeUnavailable
    elif status in (418, 429) and not issubclass(cls, xl.RateLimitExceeded):
        cls = xl.RateLimitExceeded
    if operation == "create_order" and cls is xl.InvalidArgument:
        # Venues refuse bad order parameters with generic "bad request" codes (Binance's
        # -1111 precision, -4014 tick size, spot NOTIONAL filter): for an order, say so.
        cls = xl.InvalidOrder
    if not _is_ccxt(exc):
        message = f"{type(exc).__name__}: {message}"
    context = {"exchange": exchange, "operation": operation, "symbol": symbol}
    if issubclass(cls, xl.RateLimitExceeded):
        return cls(message, retry_after=retry_after, **context)
    return cls(message, **context)


def _transport_cause(exc: BaseException) -> BaseException | None:
    import aiohttp

    cause = exc.__cause__
    return cause if isinstance(cause, (aiohttp.ClientError, asyncio.TimeoutError)) else None


def _unbuildable(exc: BaseException) -> bool:
    """Whether ``exc`` says the request could not be built (a URL or header no HTTP request
    can carry): the caller's argument, not the network."""
    import aiohttp

    return isinstance(exc, aiohttp.InvalidURL)


def _closed_loop(exc: BaseException) -> bool:
    text = _safe_str(exc)
    return isinstance(exc, RuntimeError) and (
        "Event loop is closed" in text or "attached to a different loop" in text
        or "Session is closed" in text
    )


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:
        return f"<{type(exc).__name__} that cannot be printed>"


def _is_ccxt(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("ccxt")
