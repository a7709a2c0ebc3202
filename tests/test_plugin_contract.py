"""A third-party plugin passes the same conformance suite as the built-in exchanges.

The plugin is the tiny separate distribution of tests/test_factory.py (Binance.US, spot only),
installed on a temporary sys.path entry with its own dist-info, found through the
``exchlayer.exchanges`` entry point, and run against the simulator. This is exactly what a plugin
author does in their own test suite: subclass ``ExchangeContract``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from exchlayer import ExchangeFactory, TradeType
from exchlayer.testing.contract import ExchangeContract
from plugin_support import PLUGIN_SOURCE, install_distribution


@pytest.fixture(autouse=True, scope="module")
def binanceus_installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    site = tmp_path_factory.mktemp("site")
    install_distribution(
        site, "exchlayer_binanceus", "0.1.0",
        {"binanceus": "exchlayer_binanceus:BinanceUSExchange"}, PLUGIN_SOURCE,
    )
    sys.path.insert(0, str(site))
    ExchangeFactory.refresh_plugins()
    try:
        yield site
    finally:
        sys.path.remove(str(site))
        sys.modules.pop("exchlayer_binanceus", None)
        ExchangeFactory.refresh_plugins()


class TestBinanceUSPlugin(ExchangeContract):
    exchange_name = "binanceus"
    trade_type = TradeType.SPOT


def test_the_plugin_was_loaded_from_its_own_distribution() -> None:
    cls = ExchangeFactory.get_exchange_class("binanceus")
    assert cls.__module__ == "exchlayer_binanceus"
    assert sys.modules["exchlayer_binanceus"].__file__ is not None
    assert "exchlayer_binanceus" in str(sys.modules["exchlayer_binanceus"].__file__)
