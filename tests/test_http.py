"""The HTTP helpers: one TLS context per process, sessions that verify with it."""

from __future__ import annotations

import ssl

from exchlayer.http import client_session, ssl_context


def test_one_verifying_tls_context_is_shared() -> None:
    context = ssl_context()
    assert context is ssl_context()
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname


async def test_a_session_verifies_with_it_and_ignores_proxy_settings() -> None:
    async with client_session(limit=7) as session:
        assert session.trust_env is False
        assert session.connector is not None and session.connector.limit == 7
