"""The connector's seams are declared: a venue adapter is a profile plus declared hooks, and the
connector's parts stay small."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import exchlayer.connector as connector_package
from exchlayer.connector import CcxtExchange, VenueProfile
from exchlayer.factory import ExchangeFactory

BUILTIN = ["binance", "gateio", "kucoin", "bingx", "bitget"]
# what Python itself puts in a class body
_CLASS_BOOKKEEPING = {
    "__module__", "__qualname__", "__doc__", "__annotations__", "__abstractmethods__",
    "_abc_impl", "__firstlineno__", "__static_attributes__", "__parameters__", "__orig_bases__",
}


@pytest.mark.parametrize("name", BUILTIN)
def test_a_venue_adapter_is_a_profile_and_declared_hooks(name: str) -> None:
    cls = ExchangeFactory.get_exchange_class(name)
    assert issubclass(cls, CcxtExchange)
    assert isinstance(cls.__dict__.get("profile"), VenueProfile)
    # name, display_name and capabilities are set from the profile (__init_subclass__)
    derived = {"profile", "name", "display_name", "capabilities"}
    own = set(cls.__dict__) - _CLASS_BOOKKEEPING - derived
    connector_names = {n for c in CcxtExchange.__mro__ for n in vars(c)}
    overridden = own & connector_names
    undeclared = overridden - set(CcxtExchange.HOOKS)
    assert not undeclared, f"{name} overrides the connector's own {sorted(undeclared)}"
    assert cls.name == cls.profile.name and cls.capabilities is cls.profile.capabilities


def test_every_declared_hook_exists_and_says_what_it_is_for() -> None:
    for hook, what in CcxtExchange.HOOKS.items():
        method = getattr(CcxtExchange, hook)
        assert callable(method) and inspect.getdoc(method), hook
        assert what.startswith(("optional:", "required:")), hook


def test_no_part_of_the_connector_or_an_adapter_outgrows_a_module() -> None:
    from exchlayer import venues

    roots = [Path(connector_package.__file__).parent, Path(venues.__file__).parent]
    # every module, those of the connector's own packages (parsing/) included; one limit for all
    sizes = {
        path.relative_to(root.parent).as_posix(): len(path.read_text().splitlines())
        for root in roots for path in root.rglob("*.py")
    }
    assert "connector/parsing/__init__.py" in sizes  # subpackages are measured too
    too_big = {n: s for n, s in sizes.items() if s > 600}
    assert not too_big, too_big
