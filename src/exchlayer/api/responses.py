"""Errors to HTTP answers, in one place: the status table, the error body, the 422 that repeats
no input, the 500 that says nothing, and the route class that applies them to every endpoint.

The table is documented in `docs/api.md`.
"""

import logging
import math
import traceback
import uuid
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from ..errors import (
    AuthenticationError,
    ConnectionNotFound,
    ExchangeError,
    ExchangeLayerError,
    OrderLimitViolation,
    OrderNotFound,
    OrderStatusUnknown,
    PermanentError,
    RateLimitExceeded,
    RequestTimeout,
    TransientError,
)
from .schemas import ErrorBody, ValidationErrorBody, ValidationIssue

__all__ = ["ERROR_RESPONSES", "ERROR_STATUSES", "ErrorMappingRoute", "error_response"]

log = logging.getLogger("exchlayer.api")  # the router's one logger, whichever module logs

ERROR_STATUSES: tuple[tuple[type[ExchangeLayerError], int], ...] = (
    (OrderStatusUnknown, status.HTTP_504_GATEWAY_TIMEOUT),
    (RequestTimeout, status.HTTP_504_GATEWAY_TIMEOUT),
    (RateLimitExceeded, status.HTTP_429_TOO_MANY_REQUESTS),
    (TransientError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (AuthenticationError, status.HTTP_424_FAILED_DEPENDENCY),
    (OrderNotFound, status.HTTP_404_NOT_FOUND),
    (ConnectionNotFound, status.HTTP_404_NOT_FOUND),
    (ExchangeError, status.HTTP_502_BAD_GATEWAY),
    (PermanentError, status.HTTP_400_BAD_REQUEST),
)
"""exchlayer error class -> HTTP status, first match wins; anything else is 502."""


def error_response(exc: ExchangeLayerError) -> JSONResponse:
    """The HTTP answer for an exchlayer error (the status from `ERROR_STATUSES`).

    Args:
        exc: the error.

    Returns:
        The JSON answer: an `ErrorBody`, with a `Retry-After` header for a rate limit.
    """
    code = next(
        (code for cls, code in ERROR_STATUSES if isinstance(exc, cls)),
        status.HTTP_502_BAD_GATEWAY,
    )
    body = ErrorBody(
        error=type(exc).__name__,
        message=exc.message,
        exchange=exc.exchange,
        operation=exc.operation,
        symbol=exc.symbol,
    )
    headers: dict[str, str] = {}
    if isinstance(exc, OrderLimitViolation):
        body = body.model_copy(
            update={
                "limit": exc.limit,
                "value": format(exc.value, "f"),  # "0.0000001", never "1E-7"
                "allowed": format(exc.allowed, "f"),
            }
        )
    elif isinstance(exc, OrderStatusUnknown):
        body = body.model_copy(update={"client_order_id": exc.client_order_id})
    elif isinstance(exc, RateLimitExceeded):
        body = body.model_copy(update={"retry_after": exc.retry_after})
        wait = exc.retry_after if exc.retry_after is not None else 1.0
        headers["Retry-After"] = str(max(1, math.ceil(wait)))
    log.debug("exchlayer error %s -> %d: %s", type(exc).__name__, code, exc)
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), code, headers)


def validation_response(errors: Sequence[Any]) -> JSONResponse:
    """422 without the submitted values: FastAPI's default body repeats each bad `input`
    (an api_secret, say) and pydantic's `ctx`; this one keeps only where and why."""
    issues: list[ValidationIssue] = []
    for error in errors:
        msg = str(error.get("msg", "invalid value"))
        msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        loc = [p if isinstance(p, int) else str(p) for p in error.get("loc", ())]
        issues.append(ValidationIssue(loc=loc, msg=msg, type=str(error.get("type", "invalid"))))
    message = "; ".join(
        f"{'.'.join(str(p) for p in issue.loc) or 'request'}: {issue.msg}" for issue in issues
    )
    body = ValidationErrorBody(message=message or "invalid request", detail=issues)
    return JSONResponse(body.model_dump(mode="json"), 422)


def unexpected_response(request: Request, exc: Exception) -> JSONResponse:
    """500, logged with the traceback's frames and exception types but no exception text (a
    library's message may quote a secret); the answer carries only an id to find the log by."""
    error_id = uuid.uuid4().hex[:16]
    chain: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 8:
        frames = "".join(traceback.format_list(traceback.extract_tb(seen.__traceback__)))
        chain.append(f"{type(seen).__module__}.{type(seen).__qualname__}\n{frames}")
        seen = seen.__cause__ or seen.__context__
    log.error(
        "unexpected %s in %s %s (error id %s); message withheld, frames:\n%s",
        type(exc).__qualname__, request.method, request.url.path, error_id,
        "caused by ".join(chain),
    )
    body = ErrorBody(error="InternalError", message="internal error", error_id=error_id)
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), 500)


class ErrorMappingRoute(APIRoute):
    """Maps errors for every route of the router, so mounting the router is all it takes."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return validation_response(exc.errors())
            except ExchangeLayerError as exc:
                return error_response(exc)
            except HTTPException:
                raise  # the host's own (e.g. 401 from current_user)
            except Exception as exc:
                return unexpected_response(request, exc)

        return route


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The request is wrong for the venue or the market"},
    404: {"model": ErrorBody, "description": "No such connection (for this user) or order"},
    422: {"model": ValidationErrorBody, "description": "The request is malformed"},
    424: {"model": ErrorBody, "description": "The venue rejected the connection's credentials"},
    429: {"model": ErrorBody, "description": "The venue's rate limit; see Retry-After"},
    502: {"model": ErrorBody, "description": "The venue refused for an unclassified reason"},
    503: {"model": ErrorBody, "description": "The venue is unreachable or down"},
    504: {"model": ErrorBody, "description": "The venue did not answer in time"},
}
"""The error answers every endpoint documents in the OpenAPI document."""
