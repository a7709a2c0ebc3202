"""Secrets and signatures are masked before a log line is written."""

from __future__ import annotations

import logging

import pytest

from exchlayer.redaction import RedactingLogger, Redactor


def test_redactor_masks_known_secrets_and_signature_fields() -> None:
    redact = Redactor(["APIKEY123", "SECRET456"])
    line = (
        "POST https://api.binance.com/api/v3/order?symbol=BTCUSDT&signature=abcdef0123, "
        "Request: {'X-MBX-APIKEY': 'APIKEY123', 'Content-Type': 'x'} "
        "timestamp=1&quantity=1&signature=ffff secret SECRET456 "
        '{"KC-API-PASSPHRASE": "c2VjcmV0", "ACCESS-SIGN": "sig=="}'
    )
    out = redact(line)
    for leaked in ("APIKEY123", "SECRET456", "abcdef0123", "ffff", "c2VjcmV0", "sig=="):
        assert leaked not in out
    assert "symbol=BTCUSDT" in out and "quantity=1" in out
    assert out.count("***") >= 6


def test_redactor_leaves_ordinary_text_alone() -> None:
    line = "fetch_ticker BTC/USDT keyboard=1"
    assert Redactor(["zzz"])(line) == line


def test_redacting_logger_formats_then_redacts(caplog: pytest.LogCaptureFixture) -> None:
    logger = RedactingLogger(logging.getLogger("exchlayer.test.redact"), Redactor(["TOPSECRET"]))
    with caplog.at_level(logging.DEBUG, logger="exchlayer.test.redact"):
        logger.debug("%s %s, Request: %s", "GET", "url", {"X-MBX-APIKEY": "TOPSECRET"})
    assert caplog.messages == ["GET url, Request: {'X-MBX-APIKEY': '***'}"]


def test_redacting_logger_does_no_work_when_disabled(caplog: pytest.LogCaptureFixture) -> None:
    class Exploding:
        def __str__(self) -> str:
            raise AssertionError("formatted although DEBUG is off")

    logger = RedactingLogger(logging.getLogger("exchlayer.test.quiet"), Redactor())
    with caplog.at_level(logging.INFO, logger="exchlayer.test.quiet"):
        logger.debug("%s", Exploding())
    assert caplog.messages == []


def test_strings_too_short_to_be_real_secrets_are_not_masked() -> None:
    redact = Redactor(["s", "pw", "LONGSECRET"])
    assert redact("order does not exist; LONGSECRET") == "order does not exist; ***"
