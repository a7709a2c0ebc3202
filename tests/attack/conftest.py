"""The attack suite's arena: one private event loop, one simulator, one warmed-up connector per
venue, shared by every hypothesis example of a module (see ``attack_support.Arena``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from attack_support import Arena


@pytest.fixture(scope="module")
def arena() -> Iterator[Arena]:
    ring = Arena()
    try:
        ring.open()
        yield ring
    finally:
        ring.close()
