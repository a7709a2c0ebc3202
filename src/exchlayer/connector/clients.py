"""The ccxt clients of one connector, the HTTP session they share, and the rate budgets.

One ccxt client per ccxt class (a venue serving spot and futures from one class has one client
for both), created on first use from exchlayer's subclass of the class (`ccxt_class`), pointed
at the venue's testnet when the connector is, and throttled by the venue's shared budget. Each
account's new orders also wait for room in the venue's order-count windows (`order_slot`).
"""

from __future__ import annotations

import hashlib
import logging
import ssl
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from functools import cache
from typing import TYPE_CHECKING, Any

import aiohttp

from ..errors import ConfigurationError, NotSupported
from ..models import TradeType
from ..redaction import RedactingLogger
from ..resilience.ratelimit import RateLimitBackend, RateLimiter, WindowLimiter
from .ccxt_class import ccxt_class

if TYPE_CHECKING:
    from .core import CcxtExchange

__all__ = ["ClientPool", "recv_window_ms"]

_wire_log = logging.getLogger("exchlayer.wire")


class ClientPool:
    """The ccxt clients, session and limiters of one connector."""

    def __init__(
        self,
        connector: CcxtExchange,
        *,
        session: aiohttp.ClientSession | None,
        timeout_ms: int,
        rate_backend: RateLimitBackend | None,
        ccxt_options: Mapping[str, Any],
    ) -> None:
        self._connector = connector
        self._session = session
        self._own_session: aiohttp.ClientSession | None = None
        self._timeout_ms = timeout_ms
        self.rate_backend = rate_backend
        self._extra_options = dict(ccxt_options)
        self._clients: dict[TradeType, Any] = {}
        self._limiters: dict[TradeType, RateLimiter] = {}
        self._order_limiters: dict[TradeType, WindowLimiter | None] = {}

    @property
    def environment(self) -> str:
        """`"test"` or `"live"`: rate budgets and order windows are kept per environment."""
        return "test" if self._connector.is_testnet else "live"

    def existing(self, trade_type: TradeType) -> Any | None:
        """The client of `trade_type` if one was made (never makes one)."""
        return self._clients.get(trade_type)

    def client(self, trade_type: TradeType) -> Any:
        """The ccxt client serving `trade_type`, made on first use."""
        client = self._clients.get(trade_type)
        if client is not None:
            return client
        connector = self._connector
        profile = connector.profile
        if connector.closed:
            raise ConfigurationError("this connector is closed; create a new one")
        ccxt_id = profile.ccxt_ids.get(trade_type)
        if ccxt_id is None:
            raise NotSupported(f"{profile.display_name} does not trade {trade_type.value}")
        if connector.is_testnet and trade_type not in profile.testnet_modes:
            # checked before sharing: one ccxt class may serve both trade types, and in its
            # test mode it would send this one's calls to the venue's live host, or nowhere
            others = [tt.value for tt in profile.testnet_modes]
            hint = f" (create it with default_trade_type='{others[0]}')" if others else ""
            raise NotSupported(
                f"{profile.display_name}'s {profile.testnet_name} has no {trade_type.value}; "
                f"refusing to trade {trade_type.value} from a testnet connector{hint}",
                exchange=connector.name,
            )
        shared = next((c for c in self._clients.values() if c.id == ccxt_id), None)
        if shared is not None:
            self._clients[trade_type] = shared
            for other, limiter in list(self._limiters.items()):
                if self._clients.get(other) is shared:
                    self._limiters[trade_type] = limiter
            return shared
        client = ccxt_class(ccxt_id, profile)(self._config(trade_type))
        if connector.is_testnet:
            self._enable_testnet(client, trade_type)
        holds = connector._answer_holds_hook()
        if holds is not None:
            client.xl_answer_holds = holds
        if self.rate_backend is not None:
            # ccxt awaits self.throttle(cost) before every request; one budget per venue,
            # ccxt class (or the venue's group) and environment, shared by every connector
            rate = 1000.0 / float(client.rateLimit) * profile.rate_limit_share
            group = profile.rate_limit_group or ccxt_id
            limiter = self.rate_backend.limiter(
                f"{profile.name}:{group}:{self.environment}",
                rate=rate,
                burst=max(rate, profile.rate_limit_burst),
            )
            client.throttle = limiter.acquire
            self._limiters[trade_type] = limiter
        self._clients[trade_type] = client
        return client

    async def pause(self, trade_type: TradeType, seconds: float | None) -> None:
        """A rate-limit refusal: pause the venue's budget for every connector sharing it."""
        limiter = self._limiters.get(trade_type)
        if limiter is not None:
            await limiter.pause(seconds if seconds is not None else 1.0)

    def order_slot(self, trade_type: TradeType) -> AbstractAsyncContextManager[Any]:
        """Room for one more new order of this account in the venue's order-count windows."""
        try:
            limiter = self._order_limiters[trade_type]
        except KeyError:
            limiter = self._order_limiters[trade_type] = self._order_limiter(trade_type)
        return limiter.slot() if limiter is not None else nullcontext()

    def _order_limiter(self, trade_type: TradeType) -> WindowLimiter | None:
        connector = self._connector
        windows = connector.profile.order_rate_limits.get(trade_type)
        credentials = connector._credentials
        if not windows or self.rate_backend is None or credentials is None:
            return None
        # the account, named without its key: a short digest of it
        key = credentials.api_key.get_secret_value().encode()
        account = hashlib.sha256(key).hexdigest()[:16]
        return self.rate_backend.window_limiter(
            f"{connector.name}:{trade_type.value}:{self.environment}:orders:{account}", windows
        )

    def _config(self, trade_type: TradeType) -> dict[str, Any]:
        connector = self._connector
        profile = connector.profile
        options: dict[str, Any] = {"warnOnFetchOpenOrdersWithoutSymbol": False}
        options.update(profile.ccxt_options.get(trade_type, {}))
        options.update(self._extra_options)
        config: dict[str, Any] = {
            "enableRateLimit": self.rate_backend is not None,
            "timeout": self._timeout_ms,
            "options": options,
            "session": self._http_session(),
            "logger": RedactingLogger(_wire_log.getChild(connector.name), connector._redactor),
            # ccxt sleeps this long in close() for sessions it owns; it never owns ours.
            "timeout_on_exit": 0,
            **profile.ccxt_config,
        }
        credentials = connector._credentials
        if credentials is not None:
            config["apiKey"] = credentials.api_key.get_secret_value()
            config["secret"] = credentials.api_secret.get_secret_value()
            if credentials.passphrase is not None:
                config["password"] = credentials.passphrase.get_secret_value()
        return config

    def _http_session(self) -> aiohttp.ClientSession:
        if self._session is not None:
            return self._session
        if self._own_session is None:
            connector = aiohttp.TCPConnector(ssl=ssl_context())
            self._own_session = aiohttp.ClientSession(connector=connector, trust_env=False)
        return self._own_session

    def _enable_testnet(self, client: Any, trade_type: TradeType) -> None:
        profile = self._connector.profile
        mode = profile.testnet_modes.get(trade_type)
        if mode == "sandbox":
            client.set_sandbox_mode(True)
        elif mode == "demo":
            client.enable_demo_trading(True)
        else:
            raise ConfigurationError(f"unknown testnet mode {mode!r} for {profile.name}")

    async def close(self, *, owned_by_this_loop: bool) -> None:
        """Close every client and the session the pool made (not a session it was given)."""
        clients = {id(c): c for c in self._clients.values()}.values()
        self._clients.clear()
        session, self._own_session = self._own_session, None
        if not owned_by_this_loop:
            return  # their loop has ended; so have their sockets
        for client in clients:
            await client.close()
        if session is not None:
            await session.close()


def recv_window_ms(client: Any) -> int | None:
    """The `recvWindow` option (ms) of a ccxt client, when the caller set a usable one."""
    window = client.options.get("recvWindow")
    if isinstance(window, int) and not isinstance(window, bool) and window > 0:
        return window
    return None


@cache
def ssl_context() -> ssl.SSLContext:
    """The TLS context for the venues' HTTPS (certifi's roots, which ccxt depends on)."""
    try:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - certifi comes with ccxt
        return ssl.create_default_context()
