"""ExchangeFactory and the exchange registry.

Exchanges are found through the ``exchlayer.exchanges`` entry-point group. exchlayer's own
exchanges register there exactly the way a third-party package does:

    [project.entry-points."exchlayer.exchanges"]
    myvenue = "my_package.venue:MyVenueExchange"

Entry points are read once, on the first call that needs them; an exchange class is imported on
its first use and cached. A plugin that fails to import is logged and left out of
``get_available_exchanges()``, never fatal: ``broken_plugins()`` says why, ``exchlayer exchanges``
lists it, and ``create_exchange()`` with its name raises a ``ConfigurationError`` naming the
failure.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points
from types import MappingProxyType
from typing import Any, Protocol

from pydantic import SecretStr

from .base import BaseExchange
from .config import Credentials, load_env_config
from .errors import ConfigurationError

__all__ = ["ENTRY_POINT_GROUP", "CreationHook", "ExchangeFactory"]

ENTRY_POINT_GROUP = "exchlayer.exchanges"

log = logging.getLogger(__name__)


class CreationHook(Protocol):
    """A function ``ExchangeFactory.create_exchange`` calls before it builds a connector.

    It gets the exchange class, the connector's credentials and testnet flag, and the keyword
    options the caller passed, and returns the options to build the connector with. Hooks are
    for harnesses that must see every connector a program creates:
    [``exchlayer.testing.route_to``][exchlayer.testing.helpers.route_to] uses one to send them
    all to a simulator. A hook that raises stops the creation with its error.
    """

    def __call__(
        self,
        exchange_class: type[BaseExchange],
        *,
        credentials: Credentials | None,
        is_testnet: bool,
        options: Mapping[str, Any],
    ) -> Mapping[str, Any]: ...


class _Registry:
    """Names -> exchange classes, loaded lazily from entry points and explicit registrations."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._entry_points: dict[str, EntryPoint] | None = None
        self._classes: dict[str, type[BaseExchange]] = {}
        self._broken: dict[str, str] = {}
        self.hooks: tuple[CreationHook, ...] = ()

    def _discover(self) -> dict[str, EntryPoint]:
        with self._lock:
            if self._entry_points is None:
                found: dict[str, EntryPoint] = {}
                for ep in entry_points(group=ENTRY_POINT_GROUP):
                    name = _normalise(ep.name)
                    if name in found and found[name].value != ep.value:
                        log.warning(
                            "exchange %r is registered twice (%s and %s); using %s",
                            name, found[name].value, ep.value, found[name].value,
                        )
                        continue
                    found[name] = ep
                self._entry_points = found
            return self._entry_points

    def names(self) -> list[str]:
        with self._lock:
            candidates = set(self._discover()) | set(self._classes)
            return sorted(n for n in candidates if self._load(n) is not None)

    def get(self, name: str) -> type[BaseExchange] | None:
        return self._load(_normalise(name))

    def _load(self, name: str) -> type[BaseExchange] | None:
        with self._lock:
            cls = self._classes.get(name)
            if cls is not None:
                return cls
            ep = self._discover().get(name)
            if ep is None or name in self._broken:
                return None
            try:
                loaded = ep.load()
            except Exception as exc:  # a broken plugin must never break the factory
                self._broken[name] = f"{type(exc).__name__}: {exc}"
                log.warning("exchange plugin %r (%s) failed to load: %s", name, ep.value, exc)
                return None
            if not (isinstance(loaded, type) and issubclass(loaded, BaseExchange)):
                self._broken[name] = f"{ep.value} is not a BaseExchange subclass"
                log.warning("exchange plugin %r: %s; skipped", name, self._broken[name])
                return None
            self._classes[name] = loaded
            return loaded

    def register(self, name: str, cls: type[BaseExchange], *, replace: bool) -> None:
        if not (isinstance(cls, type) and issubclass(cls, BaseExchange)):
            raise TypeError(f"{cls!r} is not a BaseExchange subclass")
        key = _normalise(name)
        with self._lock:
            current = self._classes.get(key) or (
                self._load(key) if key in self._discover() else None
            )
            if current is not None and current is not cls and not replace:
                raise ConfigurationError(
                    f"exchange {key!r} is already registered as {current.__qualname__}; "
                    "pass replace=True to override it"
                )
            self._classes[key] = cls
            self._broken.pop(key, None)

    def unregister(self, name: str) -> None:
        with self._lock:
            self._classes.pop(_normalise(name), None)

    def broken(self) -> Mapping[str, str]:
        with self._lock:
            for name in self._discover():
                self._load(name)  # every entry point tried, so the answer is complete
            return MappingProxyType(dict(sorted(self._broken.items())))

    def why_broken(self, name: str) -> str | None:
        """Why the plugin registered as ``name`` failed to load, or ``None``."""
        key = _normalise(name)
        with self._lock:
            if key in self._classes:
                return None
            self._load(key)
            reason = self._broken.get(key)
            if reason is None:
                return None
            ep = self._discover()[key]
            dist = getattr(ep, "dist", None)
            source = f"{ep.value}" + (f", from {dist.name} {dist.version}" if dist else "")
            return f"{reason} (entry point {source})"

    def add_hook(self, hook: CreationHook) -> None:
        with self._lock:
            self.hooks = (*self.hooks, hook)

    def remove_hook(self, hook: CreationHook) -> None:
        with self._lock:
            hooks = list(self.hooks)
            if hook in hooks:
                hooks.reverse()
                hooks.remove(hook)  # the last one added
                hooks.reverse()
            self.hooks = tuple(hooks)

    def refresh(self) -> None:
        """Forget discovered entry points (not explicit registrations) and read them again."""
        with self._lock:
            discovered = self._entry_points or {}
            for name in discovered:
                cls = self._classes.get(name)
                if cls is not None and _is_from(cls, discovered[name]):
                    del self._classes[name]
            self._entry_points = None
            self._broken.clear()


def _is_from(cls: type, ep: EntryPoint) -> bool:
    module, _, attr = ep.value.partition(":")
    return cls.__module__ == module and cls.__qualname__ == attr


def _normalise(name: str) -> str:
    return name.strip().lower()


_registry = _Registry()


class ExchangeFactory:
    """Creates exchange connectors by name and keeps the registry of available exchanges."""

    @classmethod
    def create_exchange(
        cls,
        exchange_name: str,
        api_key: str | SecretStr | None = None,
        api_secret: str | SecretStr | None = None,
        passphrase: str | SecretStr | None = None,
        is_testnet: bool = False,
        **options: Any,
    ) -> BaseExchange:
        """Create a connector for ``exchange_name``.

        Args:
            exchange_name: a registered name, e.g. ``"binance"`` (case-insensitive).
            api_key: the API key; omit it (and the secret) for public market data only.
            api_secret: the API key's secret.
            passphrase: the API passphrase, on venues that have one (KuCoin, Bitget).
            is_testnet: use the venue's testnet or demo environment. Raises ``NotSupported``
                where the venue has none, rather than trading live.
            **options: passed to the exchange class (e.g. ``session``, ``default_trade_type``).

        Raises:
            ConfigurationError: unknown name (the message lists the available ones), a plugin
                that is installed but fails to import (the message says why), or incomplete
                credentials.
        """
        exchange_cls = cls._resolve(exchange_name)
        credentials = Credentials.from_values(
            api_key, api_secret, passphrase, exchange=exchange_cls.name
        )
        for hook in reversed(_registry.hooks):  # the most recent first
            options = dict(
                hook(exchange_cls, credentials=credentials, is_testnet=is_testnet, options=options)
            )
        return exchange_cls(credentials=credentials, is_testnet=is_testnet, **options)

    @classmethod
    def from_env(
        cls, exchange_name: str, environ: Mapping[str, str] | None = None, **options: Any
    ) -> BaseExchange:
        """Create a connector from ``<NAME>_API_KEY``, ``<NAME>_SECRET_KEY``, ``<NAME>_PASSPHRASE``
        and ``<NAME>_TESTNET`` (e.g. ``BINANCE_API_KEY``). Explicit ``options`` win."""
        values = load_env_config(exchange_name, environ)
        values.update(options)
        return cls.create_exchange(exchange_name, **values)

    @classmethod
    def get_available_exchanges(cls) -> list[str]:
        """The names of every exchange that can be created, sorted."""
        return _registry.names()

    @classmethod
    def is_supported(cls, exchange_name: str) -> bool:
        """Whether ``exchange_name`` can be created."""
        return _registry.get(exchange_name) is not None

    @classmethod
    def get_exchange_class(cls, exchange_name: str) -> type[BaseExchange]:
        """The class registered under ``exchange_name``."""
        return cls._resolve(exchange_name)

    @classmethod
    def register_exchange(
        cls, name: str, exchange_class: type[BaseExchange], *, replace: bool = False
    ) -> None:
        """Register ``exchange_class`` under ``name`` for this process.

        Raises:
            ConfigurationError: the name is taken by another class and ``replace`` is false.
        """
        _registry.register(name, exchange_class, replace=replace)

    @classmethod
    def unregister_exchange(cls, name: str) -> None:
        """Remove an explicit registration (entry-point exchanges come back on refresh)."""
        _registry.unregister(name)

    @classmethod
    def refresh_plugins(cls) -> None:
        """Read the ``exchlayer.exchanges`` entry points again (after installing a plugin)."""
        _registry.refresh()

    @classmethod
    def broken_plugins(cls) -> Mapping[str, str]:
        """Installed plugins that fail to load, name -> the reason (the error, or what the entry
        point holds instead of a ``BaseExchange`` subclass), sorted by name."""
        return _registry.broken()

    @classmethod
    def add_creation_hook(cls, hook: CreationHook) -> None:
        """Call ``hook`` before every connector this process creates; see ``CreationHook``.

        The most recently added hook runs first, and each gets the options the one before
        returned, so an outer hook sees what an inner one decided. Remove it with
        ``remove_creation_hook``.
        """
        _registry.add_hook(hook)

    @classmethod
    def remove_creation_hook(cls, hook: CreationHook) -> None:
        """Stop calling ``hook`` (the last time it was added); unknown hooks are ignored."""
        _registry.remove_hook(hook)

    @classmethod
    def _resolve(cls, exchange_name: str) -> type[BaseExchange]:
        exchange_cls = _registry.get(exchange_name)
        if exchange_cls is None:
            reason = _registry.why_broken(exchange_name)
            if reason is not None:
                raise ConfigurationError(
                    f"exchange {_normalise(exchange_name)!r} is installed but its plugin failed "
                    f"to load: {reason}; fix or reinstall the package that provides it"
                )
            available = ", ".join(_registry.names()) or "none"
            raise ConfigurationError(
                f"unknown exchange {exchange_name!r}; available: {available}"
            )
        return exchange_cls
