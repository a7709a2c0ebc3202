"""Credentials and environment loading.

Secrets are `pydantic.SecretStr` from the moment they enter exchlayer: they print as
``**********``, and `Credentials` refuses to be pickled, so a secret cannot leave the
process by accident.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, NoReturn

from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails
from typing_extensions import Self

from .errors import ConfigurationError

__all__ = ["CredentialModel", "Credentials", "env_flag", "load_env_config"]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


_HIDDEN = "**********"


class CredentialModel(BaseModel):
    """A model that accepts a credential: its validation errors never hold what was passed.

    pydantic's ``hide_input_in_errors`` keeps inputs out of the error's text only; the error's
    ``errors()`` and ``json()`` still carry them (a key, and a secret read from a file with its
    trailing newline). Here every input in a validation error is replaced by ``**********``.
    """

    model_config = ConfigDict(hide_input_in_errors=True)

    @model_validator(mode="wrap")
    @classmethod
    def _hide_inputs(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        try:
            return handler(data)
        except ValidationError as exc:
            details = [
                InitErrorDetails(
                    type=error["type"], loc=error["loc"], input=_HIDDEN, ctx=error.get("ctx", {})
                )
                for error in exc.errors()
            ]
            raise ValidationError.from_exception_data(
                exc.title, details, hide_input=True
            ) from None


class Credentials(CredentialModel):
    """An API key, its secret, and (on KuCoin and Bitget) a passphrase."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    api_key: SecretStr
    api_secret: SecretStr
    passphrase: SecretStr | None = None

    @model_validator(mode="after")
    def _sendable(self) -> Credentials:
        problem = _unsendable(self.api_key, self.api_secret, self.passphrase)
        if problem is not None:
            raise ValueError(problem)
        return self

    @classmethod
    def from_values(
        cls,
        api_key: str | SecretStr | None,
        api_secret: str | SecretStr | None,
        passphrase: str | SecretStr | None = None,
        *,
        exchange: str | None = None,
    ) -> Credentials | None:
        """Build credentials, or return ``None`` when neither key nor secret is given.

        Raises:
            ConfigurationError: one of key and secret is given without the other.
        """
        key, secret = _secret(api_key), _secret(api_secret)
        if key is None and secret is None:
            if _secret(passphrase) is not None:
                raise ConfigurationError(
                    "a passphrase was given without an API key and secret", exchange=exchange
                )
            return None
        if key is None or secret is None:
            missing = "api_key" if key is None else "api_secret"
            raise ConfigurationError(
                f"{missing} is missing: give both the API key and its secret", exchange=exchange
            )
        phrase = _secret(passphrase)
        problem = _unsendable(key, secret, phrase)
        if problem is not None:
            raise ConfigurationError(problem, exchange=exchange)
        return cls(api_key=key, api_secret=secret, passphrase=phrase)

    def secret_values(self) -> tuple[str, ...]:
        """Every secret string, for redaction; never log what this returns."""
        values = [self.api_key.get_secret_value(), self.api_secret.get_secret_value()]
        if self.passphrase is not None:
            values.append(self.passphrase.get_secret_value())
        return tuple(v for v in values if v)

    def __reduce__(self) -> NoReturn:
        raise TypeError("Credentials cannot be pickled: secrets never leave the process")


def _unsendable(key: SecretStr, secret: SecretStr, passphrase: SecretStr | None) -> str | None:
    """Why these credentials cannot travel in a request's headers, or ``None``. Names the field,
    never its value."""
    fields = [("api_key", key, False), ("api_secret", secret, False)]
    if passphrase is not None:
        fields.append(("passphrase", passphrase, True))
    for name, value, spaces_allowed in fields:
        text = value.get_secret_value()
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
            return f"{name} contains a control character (a stray newline or tab?)"
        if not spaces_allowed and any(c.isspace() for c in text):
            return f"{name} contains whitespace, which API keys and secrets never do"
    return None


def _secret(value: str | SecretStr | None) -> SecretStr | None:
    if value is None:
        return None
    if isinstance(value, SecretStr):
        return value if value.get_secret_value() else None
    return SecretStr(value) if value else None


def env_flag(value: str | None, *, name: str) -> bool:
    """Read a boolean environment value (``1/true/yes/on``, ``0/false/no/off``)."""
    if value is None:
        return False
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean (use true or false)")


def load_env_config(name: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read ``<NAME>_API_KEY``, ``<NAME>_SECRET_KEY``, ``<NAME>_PASSPHRASE`` and ``<NAME>_TESTNET``.

    ``<NAME>_API_SECRET`` is accepted as an alias of ``<NAME>_SECRET_KEY``. The name is upper-cased
    and every character that is not a letter or digit becomes ``_``: ``gate.io`` reads
    ``GATE_IO_*``.
    """
    env = os.environ if environ is None else environ
    prefix = "".join(c if c.isalnum() else "_" for c in name.upper())
    secret = env.get(f"{prefix}_SECRET_KEY") or env.get(f"{prefix}_API_SECRET")
    testnet_var = f"{prefix}_TESTNET"
    return {
        "api_key": env.get(f"{prefix}_API_KEY") or None,
        "api_secret": secret or None,
        "passphrase": env.get(f"{prefix}_PASSPHRASE") or None,
        "is_testnet": env_flag(env.get(testnet_var), name=testnet_var),
    }
