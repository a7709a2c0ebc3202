"""The store's cryptography: the store key, scrypt key derivation and AES-256-GCM sealing.

``cryptography`` (the ``store`` extra) is imported only when a `_Sealer` is made or
`_require_cryptography` is called, so importing this module does not need it.
"""

from __future__ import annotations

import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from ..config import Credentials
from ..errors import InvalidArgument
from .base import StoreIntegrityError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DEFAULT_SCRYPT_N = 2**17
"""scrypt's cost for a new database: 128 MiB and about half a second, once per open."""

_SCRYPT_R = 8
_SCRYPT_P = 1
_MIN_SCRYPT_N = 2**10
_MAX_SCRYPT_N = 2**20  # 1 GiB: refuse a database whose parameters would exhaust memory
_SALT_BYTES = 16
_NONCE_BYTES = 12
_BLOB_VERSION = b"\x01"
_AD_PREFIX = b"exchlayer.store.v1"
_KEY_CHECK_PLAINTEXT = b"exchlayer connection store key check"
_EXTRA_HINT = (
    'SQLiteConnectionStore needs the "cryptography" package: pip install "exchlayer[store]"'
)


def generate_store_key() -> str:
    """A new random store key (256 bits, URL-safe text) to put in ``EXCHLAYER_STORE_KEY``."""
    return secrets.token_urlsafe(32)


def _require_cryptography() -> None:
    try:
        import cryptography.hazmat.primitives.ciphers.aead
        import cryptography.hazmat.primitives.kdf.scrypt  # noqa: F401
    except ImportError as exc:
        raise ImportError(_EXTRA_HINT) from exc


def _key_bytes(key: str | bytes | SecretStr | None) -> bytes | None:
    if isinstance(key, SecretStr):
        key = key.get_secret_value()
    if isinstance(key, str):
        # The same passphrase typed on any system derives the same key.
        key = unicodedata.normalize("NFC", key).encode("utf-8")
    return key or None


@dataclass(frozen=True)
class _KdfParams:
    salt: bytes
    n: int
    r: int = _SCRYPT_R
    p: int = _SCRYPT_P


def _check_scrypt_n(n: int) -> None:
    if not (_MIN_SCRYPT_N <= n <= _MAX_SCRYPT_N) or n & (n - 1):
        raise InvalidArgument(f"scrypt_n must be a power of two from 2**10 to 2**20, not {n}")


class _Sealer:
    """AES-256-GCM under a scrypt-derived key; a blob is ``version | nonce | ciphertext+tag``."""

    def __init__(self, passphrase: bytes, params: _KdfParams) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        kdf = Scrypt(salt=params.salt, length=32, n=params.n, r=params.r, p=params.p)
        self._aead: AESGCM = AESGCM(kdf.derive(passphrase))
        self.params = params

    def __repr__(self) -> str:
        return "_Sealer(AES-256-GCM)"

    def seal(self, plaintext: bytes, associated_data: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _BLOB_VERSION + nonce + self._aead.encrypt(nonce, plaintext, associated_data)

    def open(self, blob: bytes, associated_data: bytes) -> bytes | None:
        """The plaintext, or ``None`` when the blob fails authentication."""
        from cryptography.exceptions import InvalidTag

        if len(blob) < 1 + _NONCE_BYTES + 16 or blob[:1] != _BLOB_VERSION:
            return None
        nonce, ciphertext = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, ciphertext, associated_data)
        except InvalidTag:
            return None

    def key_check(self) -> bytes:
        return self.seal(_KEY_CHECK_PLAINTEXT, _key_check_ad(self.params))

    def matches(self, key_check: bytes) -> bool:
        return self.open(key_check, _key_check_ad(self.params)) == _KEY_CHECK_PLAINTEXT


def _key_check_ad(params: _KdfParams) -> bytes:
    return b"%s.keycheck|%d|%d|%d|%s" % (_AD_PREFIX, params.n, params.r, params.p, params.salt)


def _associated_data(row_id: int, columns: tuple[str, str, str, int, str, str]) -> bytes:
    """The row id and every clear column (user, exchange, label, is_testnet, options,
    created_at): a sealed blob cannot move to another row undetected, and no clear field (e.g.
    an option pointing the connector at another host) can be edited undetected."""
    out = bytearray(_AD_PREFIX)
    for part in (row_id, *columns):
        data = str(part).encode("utf-8")
        out += len(data).to_bytes(4, "big") + data
    return bytes(out)


def _credentials_plaintext(credentials: Credentials | None) -> bytes:
    if credentials is None:
        return b"null"
    passphrase = credentials.passphrase
    return json.dumps(
        {
            "api_key": credentials.api_key.get_secret_value(),
            "api_secret": credentials.api_secret.get_secret_value(),
            "passphrase": None if passphrase is None else passphrase.get_secret_value(),
        }
    ).encode("utf-8")


def _credentials_from(plaintext: bytes, row_id: int) -> Credentials | None:
    try:
        data = json.loads(plaintext)
        return None if data is None else Credentials(**data)
    except (ValueError, TypeError):
        # built here but raised below, outside the handler, so it does not chain the original
        # exception (whose message holds the plaintext)
        error = StoreIntegrityError(f"connection {row_id} holds unreadable credentials")
    raise error


def _kdf_params(meta: dict[str, Any]) -> _KdfParams:
    try:
        params = _KdfParams(
            salt=bytes(meta["kdf_salt"]),
            n=int(meta["kdf_n"]),
            r=int(meta["kdf_r"]),
            p=int(meta["kdf_p"]),
        )
    except (KeyError, TypeError, ValueError):
        raise StoreIntegrityError("the store's key-derivation parameters are missing") from None
    if (
        meta.get("kdf") != "scrypt"
        or not (2 <= params.n <= _MAX_SCRYPT_N)
        or params.n & (params.n - 1)
        or not (1 <= params.r <= 32 and 1 <= params.p <= 16)
        or len(params.salt) < _SALT_BYTES
    ):
        raise StoreIntegrityError("the store's key-derivation parameters are not supported")
    return params


def _meta_rows(sealer: _Sealer) -> list[tuple[str, object]]:
    p = sealer.params
    return [
        ("kdf", "scrypt"),
        ("kdf_salt", p.salt),
        ("kdf_n", p.n),
        ("kdf_r", p.r),
        ("kdf_p", p.p),
        ("cipher", "AES-256-GCM"),
        ("key_check", sealer.key_check()),
    ]
