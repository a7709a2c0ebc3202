"""The one place where ccxt's exceptions become exchlayer's.

The table maps ccxt exception classes to exchlayer's; the most specific class in the raised
exception's MRO wins. A venue adapter may refine the result first (``VenueSpec.refine_error``)
where ccxt's own mapping is too coarse, e.g. Binance's ``-1022`` bad signature, which ccxt raises
as ``BadRequest`` on spot URLs. Built lazily, so that importing exchlayer does not import ccxt.
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
        ccxt.OperationFailed: xl.ExchangeError,
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
        ccxt.BadResponse: xl.ExchangeUnavailable,
        ccxt.NullResponse: xl.ExchangeUnavailable,
    }


_NATIVE: dict[type[BaseException], type[xl.ExchangeLayerError]] = {
    asyncio.TimeoutError: xl.RequestTimeout,
    TimeoutError: xl.RequestTimeout,
    ConnectionError: xl.NetworkError,
    json.JSONDecodeError: xl.ExchangeUnavailable,
}


def classify(exc: BaseException) -> type[xl.ExchangeLayerError]:
    """The exchlayer error class for ``exc``."""
    table = _table()
    for klass in type(exc).__mro__:
        mapped = table.get(klass) or _NATIVE.get(klass)
        if mapped is not None:
            if mapped is xl.ExchangeError and _transport_failure(exc):
                # ccxt turns an aiohttp error it does not special-case (a body cut short, a
                # broken chunked encoding) into a plain ExchangeError: the transport failed
                return xl.NetworkError
            return mapped
    # A KeyError, TypeError or ValueError out of ccxt means the venue answered in a shape
    # ccxt could not parse: the venue is misbehaving, not the caller.
    return xl.ExchangeUnavailable


def translate(
    exc: BaseException,
    *,
    exchange: str,
    operation: str,
    symbol: str | None,
    scrub: Callable[[str], str],
    refine: ErrorRefiner | None = None,
    retry_after: float | None = None,
) -> xl.ExchangeLayerError:
    """Build the exchlayer error for ``exc`` (the caller raises it ``from exc``)."""
    if isinstance(exc, xl.ExchangeLayerError):
        return exc
    text = str(exc) or type(exc).__name__
    message = scrub(text)
    # refine on the venue's own words; only the message kept in the error is scrubbed
    cls = (refine(exc, text) if refine is not None else None) or classify(exc)
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


def _transport_failure(exc: BaseException) -> bool:
    import aiohttp

    return isinstance(exc.__cause__, (aiohttp.ClientError, asyncio.TimeoutError))


def _is_ccxt(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("ccxt")
