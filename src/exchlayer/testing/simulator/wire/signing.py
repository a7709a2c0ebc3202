"""The signing schemes the venues use, verified the way each venue verifies them.

Three schemes cover the five built-in venues; each checks a request in its venue's order and
raises the `AuthFailure` it finds first, which the venue's `ErrorTable` words:

* `QueryHmac` (Binance, BingX): hex HMAC-SHA256 of the query string and form body, sent as a
  `signature` parameter; the key in a header; a `timestamp` parameter (ms) honoured within
  `recvWindow`.
* `HeaderHmac` (KuCoin, Bitget): base64 HMAC-SHA256 of `timestamp + METHOD + path[?query] +
  body`, with key, signature, timestamp (ms) and passphrase in headers.
* `GateHmac` (Gate): hex HMAC-SHA512 of `METHOD\\npath\\nquery\\nhex SHA512(body)\\ntimestamp`,
  with key, signature and timestamp (seconds) in headers.

A scheme never sees a secret outside the account it checks against, and compares digests in
constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl, unquote

from exchlayer.testing.simulator.engine import Account
from exchlayer.testing.simulator.wire.errors import (
    BadPassphrase,
    BadSignature,
    MalformedTimestamp,
    MissingCredential,
    MissingKey,
    MissingPassphrase,
    MissingSignature,
    MissingTimestamp,
    TimestampAhead,
    TimestampExpired,
    WindowTooLarge,
)
from exchlayer.testing.simulator.wire.messages import VenueRequest

if TYPE_CHECKING:
    from exchlayer.testing.simulator.wire.call import Call
    from exchlayer.testing.simulator.wire.venue import WireVenue

__all__ = [
    "GateHmac",
    "HeaderHmac",
    "QueryHmac",
    "Scheme",
    "b64_hmac_sha256",
    "path_and_query",
    "path_and_unquoted_query",
    "signed_prefix",
    "without_signature",
]


class Scheme(Protocol):
    """What `WireVenue` needs of a signing scheme."""

    @property
    def key_header(self) -> str:
        """The header that carries the API key (rate limits counted per key read it)."""
        ...

    def authenticate(self, venue: WireVenue, call: Call) -> Account:
        """The account that signed `call`, or raise an `AuthFailure`."""
        ...


def b64_hmac_sha256(secret: bytes, text: str) -> str:
    """Base64 HMAC-SHA256 of `text` (KuCoin's, Bitget's signatures and KuCoin's passphrase).

    Args:
        secret: The key.
        text: The signed text.

    Returns:
        The base64 digest.
    """
    return base64.b64encode(hmac.new(secret, text.encode(), hashlib.sha256).digest()).decode()


def _stale(offset: Decimal, window: Decimal, name: str) -> None:
    """Raise when a timestamp `offset` from the venue's clock is more than `window` off."""
    if abs(offset) > window:
        raise (TimestampAhead if offset > 0 else TimestampExpired)(name)


# ---- query-string signatures (Binance, BingX) -------------------------------------------------


def signed_prefix(request: VenueRequest) -> tuple[str, str | None]:
    """Binance's signed text: the query string, then the form body, up to the `signature`
    parameter (the body is looked at first), and the signature sent.

    Args:
        request: The request.

    Returns:
        The signed text and the signature (`None` when none was sent).
    """
    marker = "signature="
    query, body = request.raw_query, request.body
    for text, is_body in ((body, True), (query, False)):
        if not text:
            continue
        if text.startswith(marker):
            head, sig = "", text[len(marker) :]
        else:
            idx = text.find("&" + marker)
            if idx < 0:
                continue
            head, sig = text[:idx], text[idx + len(marker) + 1 :]
        sig = sig.split("&", 1)[0]
        payload = (query + head) if is_body else head
        return payload, sig
    return query + body, None


def without_signature(request: VenueRequest) -> tuple[str, str | None]:
    """BingX's signed text: the query string, then any form body, each percent-decoded and
    without the `signature` parameter, and the signature sent.

    Args:
        request: The request.

    Returns:
        The signed text and the signature (`None` when none was sent).
    """
    signature = None
    parts = []
    for text in (request.raw_query, request.body):
        kept = []
        for pair in text.split("&") if text else ():
            key, _, value = pair.partition("=")
            if key == "signature":
                signature = unquote(value)
            else:
                kept.append(pair)
        parts.append(unquote("&".join(kept)))
    return "".join(parts), signature


@dataclass(frozen=True)
class QueryHmac:
    """Hex HMAC-SHA256 of the parameters, in a `signature` parameter (Binance, BingX).

    Checked in this order: the key header; the key's account; the signature sent; the
    signature; `timestamp` (ms) and `recvWindow` (default `default_window_ms`): refused when
    `timestamp >= now + ahead_ms` or `now - timestamp > recvWindow`.
    """

    key_header: str
    payload: Callable[[VenueRequest], tuple[str, str | None]] = signed_prefix
    """How the signed text and the signature are found in the request."""
    default_window_ms: int = 5000
    max_window_ms: int | None = None
    """A larger `recvWindow` is refused (`WindowTooLarge`); `None`: no maximum."""
    ahead_ms: int = 1000

    def authenticate(self, venue: WireVenue, call: Call) -> Account:
        """The account that signed `call`.

        Args:
            venue: The venue.
            call: The call.

        Returns:
            The account.
        """
        api_key = call.request.headers.get(self.key_header)
        if not api_key:
            raise MissingKey(self.key_header)
        account = venue.find_account(call, api_key)
        text, signature = self.payload(call.request)
        if signature is None:
            raise MissingSignature("signature")
        expected = hmac.new(account.secret.encode(), text.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature.lower()):
            raise BadSignature("signature")
        raw_ts = call.params.get("timestamp")
        if not raw_ts or not raw_ts.isdigit():
            raise MalformedTimestamp("timestamp")
        raw_window = call.params.get("recvWindow") or str(self.default_window_ms)
        if not raw_window.isdigit():
            raise MalformedTimestamp("recvWindow")
        window = int(raw_window)
        if self.max_window_ms is not None and window > self.max_window_ms:
            raise WindowTooLarge("recvWindow", self.max_window_ms)
        now = venue.engine.now_ms()
        timestamp = int(raw_ts)
        if timestamp >= now + self.ahead_ms:
            raise TimestampAhead("timestamp")
        if now - timestamp > window:
            raise TimestampExpired("timestamp")
        return account


# ---- header signatures (KuCoin, Bitget) ---------------------------------------------------------


def path_and_query(request: VenueRequest) -> Iterable[str]:
    """KuCoin's signed target: `path?query` as sent, or percent-decoded.

    Args:
        request: The request.

    Returns:
        The forms a valid signature may cover.
    """
    endpoint = request.path + (f"?{request.raw_query}" if request.raw_query else "")
    return {endpoint, unquote(endpoint)}


def path_and_unquoted_query(request: VenueRequest) -> Iterable[str]:
    """Bitget's signed target: the path, then `?` and the percent-decoded query string.

    Args:
        request: The request.

    Returns:
        The one form a valid signature covers.
    """
    return (request.path + ("?" + unquote(request.raw_query) if request.raw_query else ""),)


@dataclass(frozen=True)
class HeaderHmac:
    """Base64 HMAC-SHA256 of `timestamp + METHOD + target + body` in headers (KuCoin, Bitget).

    Checked in this order: the `required` headers; the timestamp (ms, within `window_ms` of
    the venue's clock); the key's account; the passphrase (plain, or with `version_header`
    2 or 3 the base64 HMAC-SHA256 of it, KuCoin's API key versions); the signature.
    """

    key_header: str
    sign_header: str
    timestamp_header: str
    passphrase_header: str
    required: tuple[str, ...]
    """Headers refused as `MissingCredential` when absent, checked in this order."""
    window_ms: int
    targets: Callable[[VenueRequest], Iterable[str]]
    """The forms of `path[?query]` a valid signature may cover."""
    version_header: str | None = None

    def _missing(self, name: str) -> MissingCredential:
        kinds = {
            self.key_header: MissingKey,
            self.sign_header: MissingSignature,
            self.timestamp_header: MissingTimestamp,
            self.passphrase_header: MissingPassphrase,
        }
        return kinds.get(name, MissingCredential)(name)

    def authenticate(self, venue: WireVenue, call: Call) -> Account:
        """The account that signed `call`.

        Args:
            venue: The venue.
            call: The call.

        Returns:
            The account.
        """
        request = call.request
        headers = request.headers
        for name in self.required:
            if not headers.get(name):
                raise self._missing(name)
        timestamp = headers.get(self.timestamp_header) or ""
        if not timestamp.isdigit():
            raise MalformedTimestamp(self.timestamp_header)
        offset = Decimal(int(timestamp) - venue.engine.now_ms())
        _stale(offset, Decimal(self.window_ms), self.timestamp_header)
        account = venue.find_account(call, headers.get(self.key_header) or "")
        secret = account.secret.encode()
        expected = account.passphrase or ""
        if self.version_header and headers.get(self.version_header) in ("2", "3"):
            expected = b64_hmac_sha256(secret, expected)
        sent = headers.get(self.passphrase_header) or ""
        if account.passphrase is None or not hmac.compare_digest(
            expected.encode(), sent.encode()
        ):
            raise BadPassphrase(self.passphrase_header)
        signature = (headers.get(self.sign_header) or "").encode()
        prefix = timestamp + request.method.upper()
        if not any(
            hmac.compare_digest(
                b64_hmac_sha256(secret, prefix + target + request.body).encode(), signature
            )
            for target in self.targets(request)
        ):
            raise BadSignature(self.sign_header)
        return account


# ---- Gate ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateHmac:
    """Gate's APIv4 signature: headers `KEY`, `Timestamp` (unix seconds) and `SIGN`, the hex
    HMAC-SHA512 of `METHOD\\n/api/v4/<path>\\n<query, not URL-encoded>\\n<hex SHA512(body)>\\n
    <Timestamp>`.

    Checked in this order: the three headers; the key's account; the timestamp (within
    `window_s` of the venue's clock); the signature.
    """

    key_header: str = "KEY"
    sign_header: str = "SIGN"
    timestamp_header: str = "Timestamp"
    window_s: int = 60

    def authenticate(self, venue: WireVenue, call: Call) -> Account:
        """The account that signed `call`.

        Args:
            venue: The venue.
            call: The call.

        Returns:
            The account.
        """
        request = call.request
        headers = request.headers
        for name, kind in (
            (self.key_header, MissingKey),
            (self.timestamp_header, MissingTimestamp),
            (self.sign_header, MissingSignature),
        ):
            if not headers.get(name):
                raise kind(name)
        key = headers[self.key_header]
        timestamp, sign = headers[self.timestamp_header], headers[self.sign_header]
        account = venue.find_account(call, key)
        try:
            sent = Decimal(timestamp)
        except InvalidOperation:
            raise MalformedTimestamp(self.timestamp_header) from None
        now = Decimal(venue.engine.now_ms()) / 1000
        _stale(sent - now, Decimal(self.window_s), self.timestamp_header)
        query = "&".join(
            f"{k}={v}" for k, v in parse_qsl(request.raw_query, keep_blank_values=True)
        )
        payload = "\n".join(
            [
                request.method.upper(),
                unquote(request.path),
                query,
                hashlib.sha512(request.body.encode()).hexdigest(),
                timestamp,
            ]
        )
        expected = hmac.new(account.secret.encode(), payload.encode(), hashlib.sha512).hexdigest()
        if not hmac.compare_digest(expected, sign.lower()):
            raise BadSignature(self.sign_header)
        return account
