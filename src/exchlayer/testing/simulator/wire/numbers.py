"""Number rendering at the wire edge (money stays `Decimal` everywhere else)."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["decimals", "fixed", "json_number"]


def decimals(step: Decimal) -> int:
    """The decimal places of a tick or step (`0.010` -> 2, `10` -> 0).

    Args:
        step: The tick or step.

    Returns:
        Its number of decimals.
    """
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def fixed(value: Decimal, places: int) -> str:
    """`value` with exactly `places` decimals.

    Args:
        value: The number.
        places: The decimals.

    Returns:
        Its text.
    """
    return f"{value:.{places}f}"


def json_number(value: Decimal) -> int | float:
    """A JSON number where a venue sends one: an int when whole, else a float.

    Args:
        value: The number.

    Returns:
        What `json.dumps` renders as that number.
    """
    return int(value) if value == value.to_integral_value() else float(value)
