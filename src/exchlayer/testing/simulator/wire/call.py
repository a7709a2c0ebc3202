"""One request being served: its route, its parameters read by the venue's rules, its account."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, NoReturn, overload

from exchlayer.testing.simulator.engine import Account
from exchlayer.testing.simulator.wire.errors import InvalidParameter, MissingParameter
from exchlayer.testing.simulator.wire.messages import VenueRequest
from exchlayer.testing.simulator.wire.routes import Route

if TYPE_CHECKING:
    from exchlayer.testing.simulator.wire.venue import WireVenue

__all__ = ["Call", "ParamRules", "json_text"]


def plain_text(value: Any) -> str:
    """A parameter value as text, by `str` (query strings, form bodies).

    Args:
        value: The value.

    Returns:
        Its text.
    """
    return value if isinstance(value, str) else str(value)


def json_text(value: Any) -> str:
    """A JSON body value as the text a query string would carry (`true`, `0.5`).

    Args:
        value: The value.

    Returns:
        Its text.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return value if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class ParamRules:
    """How a venue reads parameter values (its errors for them are in its `ErrorTable`)."""

    number: re.Pattern[str] = re.compile(r"^[0-9]{1,20}(\.[0-9]{1,20})?$")
    """What a decimal parameter must look like."""
    integer: re.Pattern[str] = re.compile(r"^[0-9]+$")
    """What an integer parameter must look like."""
    absent: frozenset[str] = frozenset({""})
    """Texts that count as a parameter not sent."""
    text: Callable[[Any], str] = field(default=plain_text)
    """A value as text; raises `ValueError` (or `TypeError`) for a value of a type the venue
    refuses."""


class Call:
    """One request being served by a `WireVenue`, handed to the route's handler."""

    __slots__ = ("account", "args", "body", "environment", "operation", "params", "request",
                 "route", "venue")

    def __init__(
        self,
        venue: WireVenue,
        request: VenueRequest,
        route: Route,
        args: dict[str, str],
        *,
        operation: str,
        environment: str,
    ) -> None:
        self.venue = venue
        self.request = request
        self.route = route
        self.args = args
        """Path segments the route captured (`{order_id}`)."""
        self.operation = operation
        """The request's `Operation`."""
        self.environment = environment
        """The venue environment the request addresses."""
        self.params: dict[str, Any] = {}
        """Parameters by name, as the venue's `read` found them."""
        self.body: Any = None
        """The parsed JSON body, for venues that read one."""
        self.account: Account | None = None
        """The authenticated account (private routes)."""

    @property
    def surface(self) -> str:
        """The route's surface."""
        return self.route.surface

    @property
    def acct(self) -> Account:
        """The authenticated account (a private route's handler only)."""
        assert self.account is not None
        return self.account

    def fail(self, condition: Exception) -> NoReturn:
        """Refuse the request with the venue's error for a condition.

        Args:
            condition: The condition (see `exchlayer.testing.simulator.wire.errors`).

        Raises:
            VenueError: always.
        """
        raise self.venue.errors.translate(condition, self)

    # ---- parameters ------------------------------------------------------------------------

    def text(self, raw: Any, name: str) -> str | None:
        """A raw value as text by the venue's rules.

        Args:
            raw: The value (from `params`, or from anywhere in a JSON body).
            name: Its name, for the error.

        Returns:
            The text, or `None` when it counts as not sent.
        """
        if raw is None:
            return None
        rules = self.venue.param_rules
        try:
            text = rules.text(raw)
        except (TypeError, ValueError):
            self.fail(InvalidParameter(name, raw, "value"))
        return None if text in rules.absent else text

    def get(self, *names: str) -> str | None:
        """The first of `names` that was sent, as text.

        Args:
            *names: Parameter names, in order of preference.

        Returns:
            The value, or `None`.
        """
        for name in names:
            value = self.text(self.params.get(name), name)
            if value is not None:
                return value
        return None

    def require(self, name: str) -> str:
        """A parameter that must be sent.

        Args:
            name: The parameter name.

        Returns:
            Its value.
        """
        value = self.get(name)
        if value is None:
            self.fail(MissingParameter(name))
        return value

    def number(self, raw: Any, name: str, *, required: bool = False) -> Decimal | None:
        """A raw value as a decimal by the venue's rules.

        Args:
            raw: The value.
            name: Its name, for the error.
            required: Refuse it when absent.

        Returns:
            The decimal, or `None` when absent.
        """
        text = self.text(raw, name)
        if text is None:
            if required:
                self.fail(MissingParameter(name))
            return None
        if not self.venue.param_rules.number.match(text):
            self.fail(InvalidParameter(name, text, "number"))
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern guards this
            self.fail(InvalidParameter(name, text, "number"))

    def decimal(self, name: str, *, required: bool = False) -> Decimal | None:
        """A decimal parameter.

        Args:
            name: The parameter name.
            required: Refuse the request when it is absent.

        Returns:
            The value, or `None` when absent.
        """
        return self.number(self.params.get(name), name, required=required)

    @overload
    def integer(self, name: str, default: int, *, required: bool = False) -> int: ...

    @overload
    def integer(
        self, name: str, default: None = None, *, required: bool = False
    ) -> int | None: ...

    def integer(
        self, name: str, default: int | None = None, *, required: bool = False
    ) -> int | None:
        """An integer parameter.

        Args:
            name: The parameter name.
            default: The value when it is absent.
            required: Refuse the request when it is absent.

        Returns:
            The value, or `default`.
        """
        raw = self.require(name) if required else self.get(name)
        if raw is None:
            return default
        if not self.venue.param_rules.integer.match(raw):
            self.fail(InvalidParameter(name, raw, "integer"))
        return int(raw)

    def flag(self, name: str) -> bool:
        """A boolean parameter (`true`, in any case; absent is false).

        Args:
            name: The parameter name.

        Returns:
            The value.
        """
        return (self.get(name) or "false").lower() == "true"
