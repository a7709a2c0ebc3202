"""Test support: run exchlayer (and your bot) end to end, offline.

- ``Simulator``: a venue simulator on 127.0.0.1 that speaks the venues' real REST wire formats,
  verifies signatures, and matches orders in a deterministic engine.
- ``connect()``: an exchlayer connector wired to a running simulator, with a funded account.
- ``route_to()``: every connector ``ExchangeFactory`` creates, sent to a running simulator, so
  code written for the real venues (a notebook, a bot) runs offline unchanged.
- pytest fixtures (installed as a pytest plugin): ``venue_simulator`` and ``simulated_exchange``.

The library itself never imports this package.
"""

from __future__ import annotations

from .helpers import (
    SIMULATED_VENUES,
    SimulatedVenue,
    SimulatorRoute,
    connect,
    held_client_order_ids,
    route_to,
)
from .simulator import Operation, RecordedRequest, Simulator

__all__ = [
    "SIMULATED_VENUES",
    "Operation",
    "RecordedRequest",
    "SimulatedVenue",
    "Simulator",
    "SimulatorRoute",
    "connect",
    "held_client_order_ids",
    "route_to",
]
