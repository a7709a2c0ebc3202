"""`WireVenue`: one request pipeline for every venue, configured by tables and a few hooks.

Every request goes the same way:

1. `route_key` (the surface and path the request addresses) and the `Router` find the route;
   none: the venue's error for `NoSuchEndpoint`, HTTP 404.
2. `read` parses the parameters (and a JSON body); a body the venue cannot read is refused in
   step 4, once the request has been charged.
3. `charges` says what the request spends of the venue's published limits; over a budget:
   the venue's error for `RateLimited`, with the status the `Refusal` says (429, 418).
4. a private route: the venue's signing scheme (`auth`) finds the account, or raises the
   `AuthFailure` it found first; `query_account` applies the lookup lag.
5. `check`, then the route's handler.
6. success: `envelope(data)`, HTTP 200. A `VenueError` is answered as is; an `EngineError` or
   a `WireCondition` through the venue's `ErrorTable`; every error in `error_body`, with the
   rule's status or the venue's `error_status`. Every answer after step 3 carries
   `usage_headers`.

A venue overrides a hook only where its wire format differs from the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from exchlayer.testing.simulator.engine import Account, EngineError
from exchlayer.testing.simulator.ratelimit import Charge, Refusal, Usage
from exchlayer.testing.simulator.wire.call import Call, ParamRules
from exchlayer.testing.simulator.wire.errors import (
    ErrorTable,
    NoSuchEndpoint,
    RateLimited,
    UnknownKey,
    VenueError,
    WireCondition,
    WrongEnvironment,
)
from exchlayer.testing.simulator.wire.messages import Operation, VenueRequest, VenueResponse
from exchlayer.testing.simulator.wire.module import VenueModule
from exchlayer.testing.simulator.wire.routes import Route, Router
from exchlayer.testing.simulator.wire.signing import Scheme

__all__ = ["WireVenue"]


class WireVenue(VenueModule):
    """A venue declared as data: its routes, its error table, its signing scheme.

    Subclasses set `routes`, `errors` and (for private routes) `auth`, write the handlers the
    routes name, and override the hooks below where their wire format differs.
    """

    #: The venue's endpoints.
    routes: ClassVar[Sequence[Route]] = ()
    #: The venue's words for every condition its handlers, the engine or the wire layer raise.
    errors: ClassVar[ErrorTable] = ErrorTable()
    #: How private requests are signed (`QueryHmac`, `HeaderHmac`, `GateHmac`, ...).
    auth: Scheme | None = None
    #: How parameter values are read.
    param_rules: ClassVar[ParamRules] = ParamRules()
    #: The HTTP status of an error whose rule does not say.
    error_status: ClassVar[int] = 400

    _router: ClassVar[Router]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._router = Router(cls, cls.routes)

    # ---- hooks -------------------------------------------------------------------------------

    def route_key(self, request: VenueRequest) -> tuple[str, str] | None:
        """The surface and the path the router looks a request up by.

        Args:
            request: The request.

        Returns:
            `(surface, path)`, or `None` for a request no route can serve (a path outside the
            host's API). The default: no surfaces, the raw path.
        """
        return "", request.path

    def operation(self, route: Route, request: VenueRequest) -> str:
        """The `Operation` of a request (override where one endpoint serves several).

        Args:
            route: The route.
            request: The request.

        Returns:
            The operation; the default is the route's.
        """
        return route.operation

    def environment(self, request: VenueRequest) -> str:
        """The environment a request addresses (the default: its host's).

        Args:
            request: The request.

        Returns:
            The environment name.
        """
        return request.environment

    def read(self, call: Call) -> None:
        """Fill `call.params` (and `call.body`) from the request.

        The default reads the query string and a form body. Raise `VenueError` for a body the
        venue cannot read.

        Args:
            call: The call.
        """
        call.params = call.request.params()

    def charges(self, call: Call) -> list[Charge]:
        """What a request spends of the venue's published limits.

        The default: the route's weight from its first limit, one unit from every other one;
        a limit counted `per_endpoint` is kept per route.

        Args:
            call: The call.

        Returns:
            The charges.
        """
        route = call.route
        return [
            Charge(limit, route.weight_of(call) if index == 0 else 1,
                   route.endpoint if limit.per_endpoint else "")
            for index, limit in enumerate(route.limits)
        ]

    def usage_headers(
        self, usages: list[Usage], call: Call, refusal: Refusal | None
    ) -> dict[str, str]:
        """The headers that report rate-limit usage (the default: none).

        Args:
            usages: The limits' state after the request was charged; when it was refused, one
                usage of the refused limit, whose window ends when the client may retry.
            call: The call.
            refusal: Why the request was refused, or `None`.

        Returns:
            The headers.
        """
        return {}

    def check(self, call: Call) -> None:
        """Checks before the handler runs, after authentication (the default: none).

        Args:
            call: The call.
        """

    def envelope(self, data: Any, call: Call) -> Any:
        """A handler's result in the venue's success envelope (the default: none).

        Args:
            data: What the handler returned.
            call: The call.

        Returns:
            The body (JSON data, or a `RawJson`).
        """
        return data

    def authenticate(self, call: Call) -> Account:
        """The account that signed a private request (the default: the `auth` scheme's).

        Args:
            call: The call.

        Returns:
            The account.
        """
        if self.auth is None:
            raise TypeError(f"{self.name} has private routes but no signing scheme")
        return self.auth.authenticate(self, call)

    def find_account(self, call: Call, api_key: str) -> Account:
        """The account of an API key in the call's environment.

        Args:
            call: The call.
            api_key: The key the request carries.

        Returns:
            The account.

        Raises:
            WrongEnvironment: the key belongs to another environment of the venue.
            UnknownKey: no account has it.
        """
        account = self.accounts.find(self.name, call.environment, api_key)
        if account is not None:
            return account
        for environment in self.environments():
            if environment != call.environment and self.accounts.find(
                self.name, environment, api_key
            ):
                raise WrongEnvironment(environment)
        raise UnknownKey(call.environment)

    # ---- the pipeline ------------------------------------------------------------------------

    def _match(self, request: VenueRequest) -> tuple[Route, Any, dict[str, str]] | None:
        key = self.route_key(request)
        return None if key is None else self._router.match(key[0], request.method, key[1])

    def classify(self, request: VenueRequest) -> str:
        found = self._match(request)
        return Operation.UNKNOWN if found is None else self.operation(found[0], request)

    async def handle(self, request: VenueRequest) -> VenueResponse:
        return self.serve(request)

    def serve(self, request: VenueRequest) -> VenueResponse:
        """Answer one request (the steps of the module docstring).

        Args:
            request: The request.

        Returns:
            The answer.
        """
        found = self._match(request)
        if found is None:
            missing = NoSuchEndpoint(request.method, request.path, request.host)
            return self._error(self.errors.translate(missing, None), Operation.UNKNOWN, False, {})
        route, handler, args = found
        call = Call(
            self, request, route, args,
            operation=self.operation(route, request), environment=self.environment(request),
        )
        unreadable: VenueError | None = None
        try:
            self.read(call)
        except VenueError as exc:
            unreadable = exc
        api_key = request.headers.get(self.auth.key_header) if self.auth is not None else None
        usages, refusal = self.rate_limits.charge(
            call.environment, api_key, request.received_ms, self.charges(call)
        )
        if refusal is not None:
            return self._refused(call, refusal)
        headers = self.usage_headers(usages, call, None)
        try:
            if unreadable is not None:
                raise unreadable
            if route.private:
                call.account = self.query_account(self.authenticate(call), call.operation)
            self.check(call)
            data = handler(self, call)
        except VenueError as exc:
            return self._error(exc, call.operation, route.private, headers)
        except (EngineError, WireCondition) as exc:
            error = self.errors.translate(exc, call)
            return self._error(error, call.operation, route.private, headers)
        return VenueResponse.json(
            self.envelope(data, call), operation=call.operation, private=route.private,
            headers=headers,
        )

    def _refused(self, call: Call, refusal: Refusal) -> VenueResponse:
        now = call.request.received_ms
        retry = Usage(refusal.limit, refusal.budget, refusal.used, now + refusal.retry_after_ms)
        condition = RateLimited(refusal, self.rate_limits.window_ms(refusal.limit))
        error = self.errors.translate(condition, call)
        return VenueResponse.json(
            self.error_body(error.code, error.message),
            refusal.status,
            operation=call.operation,
            private=call.route.private,
            headers=self.usage_headers([retry], call, refusal),
        )

    def _error(
        self, error: VenueError, operation: str, private: bool, headers: dict[str, str]
    ) -> VenueResponse:
        return VenueResponse.json(
            self.error_body(error.code, error.message),
            error.status if error.status is not None else self.error_status,
            operation=operation,
            private=private,
            headers=headers,
        )


WireVenue._router = Router(WireVenue, ())
