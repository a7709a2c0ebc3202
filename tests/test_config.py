"""Credentials keep secrets secret; environment loading."""

from __future__ import annotations

import pickle

import pytest

from exchlayer.config import Credentials, load_env_config
from exchlayer.errors import ConfigurationError


def test_credentials_never_show_their_secrets() -> None:
    creds = Credentials.from_values("key-AAAA", "secret-BBBB", "pass-CCCC")
    assert creds is not None
    text = repr(creds) + str(creds) + creds.model_dump_json()
    for secret in ("key-AAAA", "secret-BBBB", "pass-CCCC"):
        assert secret not in text
    assert creds.secret_values() == ("key-AAAA", "secret-BBBB", "pass-CCCC")


def test_credentials_refuse_pickling() -> None:
    creds = Credentials.from_values("k", "s")
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(creds)


def test_no_credentials_is_none_and_half_credentials_are_an_error() -> None:
    assert Credentials.from_values(None, None) is None
    assert Credentials.from_values("", "") is None
    with pytest.raises(ConfigurationError, match="api_secret is missing"):
        Credentials.from_values("key", None)
    with pytest.raises(ConfigurationError, match="api_key is missing"):
        Credentials.from_values(None, "secret")
    with pytest.raises(ConfigurationError, match="passphrase was given"):
        Credentials.from_values(None, None, "pp")


@pytest.mark.parametrize(
    ("key", "secret", "passphrase", "problem"),
    [
        ("K3yQx\x1f", "S3cZw", None, "api_key contains a control character"),
        ("K3yQx", "S3cZw\n", None, "api_secret contains a control character"),
        ("K3yQx", "S3c Zw", None, "api_secret contains whitespace"),
        (" K3yQx", "S3cZw", None, "api_key contains whitespace"),
        ("K3yQx", "S3cZw", "P4ss\r", "passphrase contains a control character"),
    ],
)
def test_credentials_that_cannot_be_sent_are_refused_at_once(
    key: str, secret: str, passphrase: str | None, problem: str
) -> None:
    """A pasted newline or a control character would fail inside the HTTP client, at the
    first request, as if the venue were down: it is a configuration error, named, at once."""
    with pytest.raises(ConfigurationError, match=problem) as info:
        Credentials.from_values(key, secret, passphrase, exchange="binance")
    with pytest.raises(ValueError, match=problem) as invalid:
        Credentials(api_key=key, api_secret=secret, passphrase=passphrase)  # type: ignore[arg-type]
    for text in (str(info.value), str(invalid.value)):
        assert "K3y" not in text and "S3c" not in text and "P4ss" not in text
    # a passphrase is chosen by its owner: spaces are theirs to use
    assert Credentials.from_values("K3yQx", "S3cZw", "my pass phrase") is not None


def test_validation_errors_do_not_echo_secret_input() -> None:
    with pytest.raises(Exception) as info:  # noqa: PT011 - pydantic's ValidationError
        Credentials(api_key="visible-key", api_secret="s", unexpected="leaky-value")  # type: ignore[call-arg]
    assert "leaky-value" not in str(info.value)


def test_env_config_reads_the_spec_variables() -> None:
    env = {
        "KUCOIN_API_KEY": "k",
        "KUCOIN_SECRET_KEY": "s",
        "KUCOIN_PASSPHRASE": "p",
        "KUCOIN_TESTNET": "true",
    }
    assert load_env_config("kucoin", env) == {
        "api_key": "k", "api_secret": "s", "passphrase": "p", "is_testnet": True,
    }
    assert load_env_config("binance", {"BINANCE_API_SECRET": "s2"})["api_secret"] == "s2"
    assert load_env_config("binance", {})["is_testnet"] is False


def test_env_testnet_flag_must_be_a_boolean() -> None:
    with pytest.raises(ConfigurationError, match="BINANCE_TESTNET='maybe'"):
        load_env_config("binance", {"BINANCE_TESTNET": "maybe"})
