"""Keeping secrets out of log lines, error messages and traceback chains.

ccxt logs every request at DEBUG with its headers and body, which carry the API key (Binance's
``X-MBX-APIKEY``, KuCoin's ``KC-API-KEY`` and ``KC-API-PASSPHRASE``, ...) and the signature. Each
ccxt client exchlayer creates gets a `RedactingLogger` instead of ccxt's module logger: it
formats the record, replaces every known secret and every signature with ``***``, and only then
hands the line to the ``exchlayer.wire`` logger.

An exchlayer error is raised ``from`` what the layer below raised, and ccxt's exceptions carry
the signed URL (``signature=<hex>``, replayable within the venue's window) and whatever the venue
echoed (an API key, a passphrase). `scrub_chain` runs where an error leaves a connector
(``BaseExchange``'s methods): every exception reachable from it (``__cause__``,
``__context__``, ``args``, notes) is either exchlayer's own, with its message scrubbed, or an
`UpstreamError` standing in for a foreign one: its type's name and its scrubbed text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

__all__ = [
    "MIN_SECRET_LENGTH",
    "REDACTED",
    "RedactingLogger",
    "Redactor",
    "UpstreamError",
    "scrub_chain",
]

REDACTED = "***"

# Header names and query/body keys that carry credentials or signatures on the supported venues.
_SENSITIVE_KEYS = (
    "signature",
    "sign",
    "x-mbx-apikey",
    "key",
    "kc-api-key",
    "kc-api-sign",
    "kc-api-passphrase",
    "x-bx-apikey",
    "access-key",
    "access-sign",
    "access-passphrase",
    "apikey",
    "api_key",
    "secret",
    "passphrase",
)
_KEYS = "|".join(re.escape(k) for k in _SENSITIVE_KEYS)
# 'key': 'value'  /  "key": "value"  (headers printed as a dict, JSON bodies)
_QUOTED = re.compile(rf"""(['"](?:{_KEYS})['"]\s*:\s*)(['"])(.*?)\2""", re.IGNORECASE)
# key=value in query strings and form bodies
_PAIR = re.compile(rf"""(?<![A-Za-z0-9_-])((?:{_KEYS})=)([^&\s'"]+)""", re.IGNORECASE)


MIN_SECRET_LENGTH = 6
"""Shorter strings are not searched for: masking every "s" would garble the text, and real API
keys, secrets and passphrases are longer (venues issue 32-64 characters; KuCoin and Bitget
require passphrases of at least 7 and 8)."""


class Redactor:
    """Replaces a fixed set of secret strings, and signature-like fields, with ``***``."""

    __slots__ = ("_pattern",)

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        unique = sorted(
            {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )
        self._pattern = re.compile("|".join(re.escape(s) for s in unique)) if unique else None

    def __call__(self, text: str) -> str:
        """Return ``text`` with every secret and signature masked."""
        if self._pattern is not None:
            text = self._pattern.sub(REDACTED, text)
        text = _QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}", text)
        return _PAIR.sub(lambda m: f"{m.group(1)}{REDACTED}", text)

    def __repr__(self) -> str:
        return "Redactor(***)"


class RedactingLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A logger for ccxt's ``logger`` option that never lets a secret through."""

    def __init__(self, logger: logging.Logger, redactor: Redactor) -> None:
        super().__init__(logger, {})
        self._redactor = redactor

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if not self.logger.isEnabledFor(level):
            return
        text = str(msg) % args if args else str(msg)
        kwargs.pop("extra", None)
        self.logger.log(level, "%s", self._redactor(text), **kwargs)

    def process(
        self, msg: Any, kwargs: MutableMapping[str, Any]
    ) -> tuple[Any, MutableMapping[str, Any]]:
        return msg, kwargs

    def __repr__(self) -> str:
        return f"RedactingLogger({self.logger.name})"


class UpstreamError(Exception):
    """What the layer below exchlayer raised (ccxt, aiohttp, ...), kept in a traceback chain
    without its secrets: the original type's name and its text with secrets masked. The original
    frames are kept (``__traceback__``); tracebacks print their source lines, not their values."""

    def __init__(self, type_name: str, text: str) -> None:
        super().__init__(f"{type_name}: {text}" if text else type_name)
        self.type_name = type_name
        """The dotted name of the exception this stands in for, e.g. ``ccxt.base.errors.
        InvalidOrder``."""


def scrub_chain(error: BaseException, redact: Callable[[str], str]) -> None:
    """Clean ``error`` and everything reachable from it, in place: exchlayer errors keep their
    type with messages, ``args`` and notes scrubbed; any other exception in the chain is
    replaced by an `UpstreamError`."""
    _clean(error, redact, {})


def _clean(
    exc: BaseException, redact: Callable[[str], str], done: dict[int, BaseException]
) -> BaseException:
    known = done.get(id(exc))
    if known is not None:
        return known
    from .errors import ExchangeLayerError

    if isinstance(exc, (ExchangeLayerError, UpstreamError)):
        clean = exc
        done[id(exc)] = clean
        if isinstance(exc, ExchangeLayerError):
            exc.message = redact(_text(exc.message))
        exc.args = tuple(_scrubbed(arg, redact) for arg in exc.args)
    else:
        name = f"{type(exc).__module__}.{type(exc).__qualname__}"
        clean = UpstreamError(name, redact(_text(exc)))
        clean.__traceback__ = exc.__traceback__
        clean.__suppress_context__ = exc.__suppress_context__
        done[id(exc)] = clean
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list):
        setattr(clean, "__notes__", [redact(_text(note)) for note in notes])  # noqa: B010
    if exc.__cause__ is not None:
        clean.__cause__ = _clean(exc.__cause__, redact, done)
    if exc.__context__ is not None:
        clean.__context__ = _clean(exc.__context__, redact, done)
    return clean


def _scrubbed(value: object, redact: Callable[[str], str]) -> object:
    """An exception argument, scrubbed; kept as it is when it cannot hold a secret."""
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    from decimal import Decimal

    if isinstance(value, Decimal):
        return value
    return redact(_text(value))


def _text(value: object) -> str:
    try:
        return value if isinstance(value, str) else str(value)
    except Exception:
        return f"<{type(value).__name__} that cannot be printed>"
