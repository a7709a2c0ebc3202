"""Error translation as tables: what goes wrong, and the venue's own words for it.

A handler refuses a request in one of two ways. Where the venue's answer is particular to the
handler, it raises `VenueError(code, message)`. Where the same thing can go wrong on many
endpoints, something raises a *condition*: the engine (`EngineError`: unknown symbol,
insufficient balance, a filter failure, ...) or the wire layer itself (a parameter missing or
malformed, a bad signature, a stale timestamp, an unknown endpoint, a rate limit); the venue's
`ErrorTable` turns the condition into its error code and message:

    ERRORS = ErrorTable(
        Rule(UnknownSymbol, -1121, "Invalid symbol."),
        Rule(UnknownOrder, -2011, "Unknown order sent.", operation=Operation.CANCEL_ORDER),
        Rule(UnknownOrder, -2013, "Order does not exist."),
        Rule(MissingParameter, -1102, lambda e: f"Mandatory parameter '{e.name}' was not sent."),
        ...
    )

The first rule that matches wins, so a rule for a subclass, or with a condition, goes before the
general one.

The wire conditions:

```
WireCondition
 ├── NoSuchEndpoint                 no route for the method and path
 ├── RateLimited                    over a published limit (`refusal`, `window_ms`)
 ├── MissingParameter               `name` absent
 ├── InvalidParameter               `name` present but malformed (`raw`, `kind`)
 └── AuthFailure
      ├── MissingCredential         a credential header or parameter `name` absent
      │    ├── MissingKey
      │    ├── MissingSignature
      │    ├── MissingTimestamp
      │    └── MissingPassphrase
      ├── UnknownKey                no account has the key in this environment
      │    └── WrongEnvironment     ... but one has it in another environment
      ├── BadPassphrase
      ├── BadSignature
      └── InvalidTimestamp          `name`
           ├── MalformedTimestamp   missing or not a number
           ├── WindowTooLarge       a receive window over the venue's `maximum`
           └── StaleTimestamp       outside the venue's window
                ├── TimestampAhead
                └── TimestampExpired
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exchlayer.testing.simulator.engine import FilterFailure
from exchlayer.testing.simulator.ratelimit import Refusal

if TYPE_CHECKING:
    from exchlayer.testing.simulator.engine import Filter
    from exchlayer.testing.simulator.wire.call import Call

__all__ = [
    "AuthFailure",
    "BadPassphrase",
    "BadSignature",
    "ErrorTable",
    "InvalidParameter",
    "InvalidTimestamp",
    "MalformedTimestamp",
    "MissingCredential",
    "MissingKey",
    "MissingParameter",
    "MissingPassphrase",
    "MissingSignature",
    "MissingTimestamp",
    "NoSuchEndpoint",
    "RateLimited",
    "Rule",
    "StaleTimestamp",
    "TimestampAhead",
    "TimestampExpired",
    "UnknownKey",
    "VenueError",
    "WindowTooLarge",
    "WireCondition",
    "WrongEnvironment",
]


class VenueError(Exception):
    """A refusal in the venue's own words: answered as `error_body(code, message)`."""

    def __init__(self, code: int | str, message: str, status: int | None = None) -> None:
        """Args:
            code: The venue's error code or label.
            message: Its message.
            status: The HTTP status (`None`: the venue's `error_status`).
        """
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class WireCondition(Exception):
    """Something the wire layer found wrong with a request (see the module tree)."""


class NoSuchEndpoint(WireCondition):
    """No route serves the request's method and path."""

    def __init__(self, method: str, path: str, host: str) -> None:
        super().__init__(f"{method} {path} on {host}")
        self.method, self.path, self.host = method, path, host


class RateLimited(WireCondition):
    """The request would take a published limit over its budget (nothing was spent)."""

    def __init__(self, refusal: Refusal, window_ms: int) -> None:
        super().__init__(refusal.limit.name)
        self.refusal = refusal
        self.window_ms = window_ms
        """The limit's window as the simulator runs it (scaled)."""


class MissingParameter(WireCondition):
    """A required parameter is absent (or empty)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class InvalidParameter(WireCondition):
    """A parameter is present but malformed."""

    def __init__(self, name: str, raw: object, kind: str) -> None:
        super().__init__(name)
        self.name, self.raw, self.kind = name, raw, kind
        """`kind`: what was expected, `"number"`, `"integer"` or `"value"`."""


class AuthFailure(WireCondition):
    """A private request the venue does not accept as its account's."""


class MissingCredential(AuthFailure):
    """A credential (header or parameter `name`) the venue's scheme needs is absent."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class MissingKey(MissingCredential):
    """No API key."""


class MissingSignature(MissingCredential):
    """No signature."""


class MissingTimestamp(MissingCredential):
    """No timestamp."""


class MissingPassphrase(MissingCredential):
    """No passphrase."""


class UnknownKey(AuthFailure):
    """No account of this venue environment has the key."""


class WrongEnvironment(UnknownKey):
    """The key belongs to another environment of the venue (a live key on a demo host)."""


class BadPassphrase(AuthFailure):
    """The passphrase does not match the account's."""


class BadSignature(AuthFailure):
    """The signature does not match the request."""


class InvalidTimestamp(AuthFailure):
    """The request's timestamp (header or parameter `name`) is not acceptable."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class MalformedTimestamp(InvalidTimestamp):
    """The timestamp (or its receive window) is missing or not a number."""


class WindowTooLarge(InvalidTimestamp):
    """The receive window the request asks for is over the venue's `maximum`."""

    def __init__(self, name: str, maximum: int) -> None:
        super().__init__(name)
        self.maximum = maximum


class StaleTimestamp(InvalidTimestamp):
    """The timestamp is outside the window the venue accepts around its clock."""


class TimestampAhead(StaleTimestamp):
    """The timestamp is too far ahead of the venue's clock."""


class TimestampExpired(StaleTimestamp):
    """The timestamp is too far behind the venue's clock."""


Message = str | Callable[[Any], str]
"""A rule's message: the text, or a function of the condition that returns it."""


def _names(value: str | Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset((value,)) if isinstance(value, str) else frozenset(value)


@dataclass(frozen=True, init=False)
class Rule:
    """One row of an `ErrorTable`: a condition, and the venue's answer to it."""

    condition: type[BaseException] | tuple[type[BaseException], ...]
    code: int | str
    message: Message
    status: int | None
    surfaces: frozenset[str] | None
    operations: frozenset[str] | None
    filters: frozenset[Filter] | None
    when: Callable[[Any], bool] | None

    def __init__(
        self,
        condition: type[BaseException] | tuple[type[BaseException], ...],
        code: int | str,
        message: Message,
        status: int | None = None,
        *,
        surface: str | Iterable[str] | None = None,
        operation: str | Iterable[str] | None = None,
        filters: Iterable[Filter] | None = None,
        when: Callable[[Any], bool] | None = None,
    ) -> None:
        """Args:
            condition: The condition class (or classes) the rule answers.
            code: The venue's error code or label.
            message: The message, or a function of the condition that returns it.
            status: The HTTP status (`None`: the venue's `error_status`).
            surface: Only on routes of this surface (or these surfaces).
            operation: Only for requests of this `Operation` (or these).
            filters: Only for a `FilterFailure` of one of these filters.
            when: Only where this predicate of the condition holds.
        """
        set_ = object.__setattr__
        set_(self, "condition", condition)
        set_(self, "code", code)
        set_(self, "message", message)
        set_(self, "status", status)
        set_(self, "surfaces", _names(surface))
        set_(self, "operations", _names(operation))
        set_(self, "filters", None if filters is None else frozenset(filters))
        set_(self, "when", when)

    def matches(self, exc: BaseException, call: Call | None) -> bool:
        """Whether the rule answers `exc` raised while serving `call`.

        Args:
            exc: The condition.
            call: The request being served (`None` before a route is known).

        Returns:
            `True` when every condition of the rule holds.
        """
        if not isinstance(exc, self.condition):
            return False
        if self.surfaces is not None and (call is None or call.surface not in self.surfaces):
            return False
        if self.operations is not None and (
            call is None or call.operation not in self.operations
        ):
            return False
        if self.filters is not None and not (
            isinstance(exc, FilterFailure) and exc.filter in self.filters
        ):
            return False
        return self.when is None or self.when(exc)

    def error(self, exc: BaseException) -> VenueError:
        """The venue's error for `exc`.

        Args:
            exc: A condition the rule matches.

        Returns:
            The error.
        """
        message = self.message if isinstance(self.message, str) else self.message(exc)
        return VenueError(self.code, message, self.status)


class ErrorTable:
    """A venue's rules, first match wins."""

    def __init__(self, *rules: Rule) -> None:
        """Args:
            *rules: The rules, most specific first.
        """
        self.rules = rules

    def translate(self, exc: BaseException, call: Call | None) -> VenueError:
        """The venue's error for a condition.

        Args:
            exc: The condition (an `EngineError` or a `WireCondition`).
            call: The request being served (`None` before a route is known).

        Returns:
            The error of the first matching rule.

        Raises:
            LookupError: no rule matches (the table lacks a row: a bug in the venue).
        """
        for rule in self.rules:
            if rule.matches(exc, call):
                return rule.error(exc)
        raise LookupError(f"no error rule for {type(exc).__name__}: {exc}") from exc
