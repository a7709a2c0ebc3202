"""ExchangeFactory and the entry-point registry, with a real third-party plugin distribution."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from exchlayer import (
    BaseExchange,
    ConfigurationError,
    ExchangeFactory,
    NotSupported,
    TradeType,
)
from exchlayer.venues.binance import BinanceExchange
from plugin_support import PLUGIN_SOURCE, install_distribution


@pytest.fixture
def site_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh site directory on sys.path; the registry is re-read before and after."""
    monkeypatch.syspath_prepend(str(tmp_path))
    ExchangeFactory.refresh_plugins()
    yield tmp_path
    monkeypatch.undo()
    for module in [m for m in sys.modules if m.startswith(("exchlayer_binanceus", "broken_"))]:
        del sys.modules[module]
    ExchangeFactory.refresh_plugins()


@pytest.fixture
def binanceus_plugin(site_dir: Path) -> Path:
    install_distribution(
        site_dir, "exchlayer_binanceus", "0.1.0",
        {"binanceus": "exchlayer_binanceus:BinanceUSExchange"}, PLUGIN_SOURCE,
    )
    ExchangeFactory.refresh_plugins()
    return site_dir


def test_builtin_binance_registers_through_the_projects_own_entry_point() -> None:
    from importlib.metadata import entry_points

    eps = {ep.name: ep.value for ep in entry_points(group="exchlayer.exchanges")}
    assert eps["binance"] == "exchlayer.venues.binance:BinanceExchange"
    assert ExchangeFactory.get_exchange_class("binance") is BinanceExchange
    assert "binance" in ExchangeFactory.get_available_exchanges()
    assert ExchangeFactory.is_supported("Binance")


def test_unknown_exchange_lists_the_available_ones() -> None:
    with pytest.raises(ConfigurationError) as info:
        ExchangeFactory.create_exchange("mtgox")
    assert "unknown exchange 'mtgox'" in str(info.value)
    assert "binance" in str(info.value)
    assert not ExchangeFactory.is_supported("mtgox")


def test_create_exchange_passes_credentials_as_secrets() -> None:
    ex = ExchangeFactory.create_exchange("binance", api_key="KEY-1", api_secret="SECRET-1")
    assert isinstance(ex, BinanceExchange)
    assert ex.has_credentials and not ex.is_testnet
    assert "KEY-1" not in repr(ex) and "SECRET-1" not in repr(ex)
    public = ExchangeFactory.create_exchange("binance")
    assert not public.has_credentials  # type: ignore[attr-defined]


def test_half_credentials_fail_at_creation() -> None:
    with pytest.raises(ConfigurationError, match="api_secret is missing"):
        ExchangeFactory.create_exchange("binance", api_key="k")


def test_from_env_reads_the_venue_variables() -> None:
    env = {"BINANCE_API_KEY": "k", "BINANCE_SECRET_KEY": "s", "BINANCE_TESTNET": "1"}
    ex = ExchangeFactory.from_env("binance", environ=env)
    assert ex.is_testnet
    assert ex.has_credentials  # type: ignore[attr-defined]
    futures_default = ExchangeFactory.from_env("binance", environ={}, default_trade_type="futures")
    assert futures_default.default_trade_type is TradeType.FUTURES  # type: ignore[attr-defined]


def test_register_exchange_refuses_to_clobber_unless_asked() -> None:
    class Mine(BinanceExchange):
        name = "mine"

    ExchangeFactory.register_exchange("mine", Mine)
    try:
        assert ExchangeFactory.get_exchange_class("MINE") is Mine
        with pytest.raises(ConfigurationError, match="already registered"):
            ExchangeFactory.register_exchange("binance", Mine)
        ExchangeFactory.register_exchange("mine", Mine)  # same class again: fine
        with pytest.raises(TypeError, match="not a BaseExchange subclass"):
            ExchangeFactory.register_exchange("bad", dict)  # type: ignore[arg-type]
    finally:
        ExchangeFactory.unregister_exchange("mine")
    assert not ExchangeFactory.is_supported("mine")


def test_a_plugin_distribution_is_discovered_and_created(binanceus_plugin: Path) -> None:
    assert "binanceus" in ExchangeFactory.get_available_exchanges()
    cls = ExchangeFactory.get_exchange_class("binanceus")
    assert cls.__module__ == "exchlayer_binanceus"
    assert issubclass(cls, BaseExchange)
    ex = ExchangeFactory.create_exchange("binanceus", api_key="k", api_secret="s")
    assert ex.name == "binanceus"
    assert ex.capabilities.trade_types == frozenset({TradeType.SPOT})


def test_plugin_classes_load_on_first_use(site_dir: Path) -> None:
    install_distribution(
        site_dir, "exchlayer_binanceus", "0.1.0",
        {"binanceus": "exchlayer_binanceus:BinanceUSExchange"}, PLUGIN_SOURCE,
    )
    ExchangeFactory.refresh_plugins()
    assert "exchlayer_binanceus" not in sys.modules
    assert ExchangeFactory.is_supported("binanceus")
    assert "exchlayer_binanceus" in sys.modules


def test_plugin_testnet_that_does_not_exist_is_refused(binanceus_plugin: Path) -> None:
    with pytest.raises(NotSupported, match="no testnet"):
        ExchangeFactory.create_exchange("binanceus", is_testnet=True)


def test_a_broken_plugin_is_logged_and_skipped(
    site_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = site_dir / "broken_venue"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('needs libfoo 9')\n")
    install_distribution(site_dir, "broken_venue", "1.0", {"brokenvenue": "broken_venue:X"}, None)
    install_distribution(site_dir, "broken_other", "1.0", {"notaclass": "json:dumps"}, None)
    ExchangeFactory.refresh_plugins()
    with caplog.at_level(logging.WARNING, logger="exchlayer.factory"):
        available = ExchangeFactory.get_available_exchanges()
    assert "binance" in available
    assert "brokenvenue" not in available and "notaclass" not in available
    assert "needs libfoo 9" in caplog.text
    assert "needs libfoo 9" in ExchangeFactory.broken_plugins()["brokenvenue"]
    assert "not a BaseExchange subclass" in ExchangeFactory.broken_plugins()["notaclass"]
    with pytest.raises(ConfigurationError) as info:
        ExchangeFactory.create_exchange("brokenvenue")
    assert str(info.value) == (
        "exchange 'brokenvenue' is installed but its plugin failed to load: ImportError: needs "
        "libfoo 9 (entry point broken_venue:X, from broken-venue 1.0); fix or reinstall the "
        "package that provides it"
    )
    with pytest.raises(ConfigurationError, match="'notaclass' is installed but its plugin"):
        ExchangeFactory.get_exchange_class("NotAClass")
    with pytest.raises(ConfigurationError, match="unknown exchange 'nosuch'"):
        ExchangeFactory.create_exchange("nosuch")


def test_broken_plugins_are_all_reported_before_any_is_used(site_dir: Path) -> None:
    install_distribution(site_dir, "broken_other", "1.0", {"notaclass": "json:dumps"}, None)
    ExchangeFactory.refresh_plugins()
    assert list(ExchangeFactory.broken_plugins()) == ["notaclass"]  # no listing needed first


def test_creation_hooks_see_every_connector_and_may_change_its_options() -> None:
    seen: list[tuple[str, bool, bool, dict[str, object]]] = []

    def inner(exchange_class, *, credentials, is_testnet, options):  # type: ignore[no-untyped-def]
        seen.append(("inner", credentials is not None, is_testnet, dict(options)))
        return {**options, "default_trade_type": "futures"}

    def outer(exchange_class, *, credentials, is_testnet, options):  # type: ignore[no-untyped-def]
        assert exchange_class is BinanceExchange
        seen.append(("outer", credentials is not None, is_testnet, dict(options)))
        return options

    ExchangeFactory.add_creation_hook(outer)
    ExchangeFactory.add_creation_hook(inner)  # the most recent runs first
    try:
        ex = ExchangeFactory.create_exchange(
            "binance", api_key="k", api_secret="s", is_testnet=True, timeout=5.0
        )
        assert ex.default_trade_type is TradeType.FUTURES  # type: ignore[attr-defined]
        assert seen == [
            ("inner", True, True, {"timeout": 5.0}),
            ("outer", True, True, {"timeout": 5.0, "default_trade_type": "futures"}),
        ]
    finally:
        ExchangeFactory.remove_creation_hook(inner)
        ExchangeFactory.remove_creation_hook(outer)
    ExchangeFactory.remove_creation_hook(outer)  # unknown by now: ignored
    seen.clear()
    plain = ExchangeFactory.create_exchange("binance")
    assert seen == [] and plain.default_trade_type is TradeType.SPOT  # type: ignore[attr-defined]


def test_a_hook_that_raises_stops_the_creation() -> None:
    def refuse(exchange_class, *, credentials, is_testnet, options):  # type: ignore[no-untyped-def]
        raise ConfigurationError("not here")

    ExchangeFactory.add_creation_hook(refuse)
    try:
        with pytest.raises(ConfigurationError, match="not here"):
            ExchangeFactory.create_exchange("binance")
    finally:
        ExchangeFactory.remove_creation_hook(refuse)
