"""Keeping secrets out of log lines and error messages.

ccxt logs every request at DEBUG with its headers and body, which carry the API key (Binance's
``X-MBX-APIKEY``, KuCoin's ``KC-API-KEY`` and ``KC-API-PASSPHRASE``, ...) and the signature. Each
ccxt client exchlayer creates gets a :class:`RedactingLogger` instead of ccxt's module logger: it
formats the record, replaces every known secret and every signature with ``***``, and only then
hands the line to the ``exchlayer.wire`` logger.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, MutableMapping
from typing import Any

__all__ = ["MIN_SECRET_LENGTH", "REDACTED", "RedactingLogger", "Redactor"]

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
