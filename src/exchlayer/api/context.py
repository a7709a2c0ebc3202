"""What the endpoints are bound to: the service, the current user, the host's connector options.

The endpoints are module-level functions shared by every router `create_router` makes. Each
router carries one dependency, made by `bind`, that resolves its service and the current user
(the host's own authentication dependency) once per request and leaves them on the request; the
endpoints read them through a `RequestContext`. So two routers over two services can be mounted
in one app, and the host's authentication is an ordinary FastAPI dependency: its parameters (a
header, say) appear in the OpenAPI document and its `HTTPException`s pass through.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any

from fastapi import Depends, Request, params

from ..service import TradingService
from .schemas import ConnectionOptions

__all__ = ["Context", "RequestContext", "ServiceSource", "bind"]

ServiceSource = TradingService | Callable[[], TradingService]
"""A service, or a zero-argument callable returning it (e.g. one set up in the app's lifespan)."""

_STATE = "exchlayer_api"
"""Where on `request.state` a router's dependency leaves what the request is served for."""


@dataclass(frozen=True)
class _Bound:
    service: TradingService
    user: str
    connection_options: Mapping[str, Any]


def bind(
    service: ServiceSource,
    current_user: Callable[..., Any],
    connection_options: Mapping[str, Any] | None,
) -> params.Depends:
    """The dependency that binds one router's endpoints to its service and user.

    Args:
        service: the service, or a zero-argument callable returning it (called per request).
        current_user: the host's dependency returning the current user's id.
        connection_options: the host's connector options for connections made through the API.

    Returns:
        A dependency for the router's `dependencies`.
    """
    host_options = MappingProxyType(dict(connection_options or {}))

    async def get_service() -> TradingService:
        found = service if isinstance(service, TradingService) else service()
        if not isinstance(found, TradingService):
            raise TypeError(f"the service callable returned {type(found).__name__}")
        return found

    async def bound(
        request: Request,
        svc: Annotated[TradingService, Depends(get_service)],
        user: Annotated[str, Depends(current_user)],
    ) -> None:
        setattr(request.state, _STATE, _Bound(svc, user, host_options))

    dependency: params.Depends = Depends(bound)
    return dependency


class RequestContext:
    """The service and the user a request is served for, as the router's dependency left them.

    Read lazily: FastAPI still builds this when the router's dependency could not run (a
    header the host's authentication needs is missing, say), and then answers 422 without
    calling the endpoint.
    """

    def __init__(self, request: Request) -> None:
        self._request = request

    def _bound(self) -> _Bound:
        found = getattr(self._request.state, _STATE, None)
        if not isinstance(found, _Bound):
            raise RuntimeError("exchlayer.api endpoints are served through create_router()")
        return found

    @property
    def service(self) -> TradingService:
        """The service the request is served by."""
        return self._bound().service

    @property
    def user(self) -> str:
        """The current user's id, from the host's authentication."""
        return self._bound().user

    def options_of(self, requested: ConnectionOptions) -> dict[str, Any]:
        """The connector options of a connection made through the API: the host's, then the
        client's whitelisted ones on top."""
        return {
            **self._bound().connection_options,
            **requested.model_dump(mode="json", exclude_none=True),
        }


Context = Annotated[RequestContext, Depends(RequestContext)]
"""An endpoint parameter: the request's `RequestContext`."""
