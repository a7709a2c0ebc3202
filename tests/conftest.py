"""Test-suite wide settings. exchlayer's own pytest plugin provides the simulator fixtures."""

from __future__ import annotations

import os

import pytest

from exchlayer.models import check_parsed_models

# every model parsed from a simulated venue's answer is validated strictly: a value of the
# wrong type (a float for money, a naive datetime, a bare string for an enum) fails the test
check_parsed_models()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``live`` talk to real exchanges: skipped unless EXCHLAYER_LIVE=1."""
    if os.environ.get("EXCHLAYER_LIVE") == "1":
        return
    skip = pytest.mark.skip(reason="talks to a real exchange; set EXCHLAYER_LIVE=1 to run")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)
