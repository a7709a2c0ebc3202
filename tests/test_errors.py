"""The error tree: branches, context in messages, pickling."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

import exchlayer.errors as errors
from exchlayer.errors import (
    ExchangeError,
    ExchangeLayerError,
    InvalidOrder,
    OrderLimitViolation,
    OrderStatusUnknown,
    PermanentError,
    RateLimitExceeded,
    TransientError,
)


def test_every_public_error_is_in_the_tree_and_documented() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, ExchangeLayerError), name
        assert cls.__doc__, f"{name} has no docstring"
        assert name in (errors.__doc__ or ""), f"{name} is missing from the drawn tree"


@pytest.mark.parametrize(
    ("name", "branch"),
    [
        ("NetworkError", TransientError),
        ("RequestTimeout", TransientError),
        ("ExchangeUnavailable", TransientError),
        ("RateLimitExceeded", TransientError),
        ("ClockSkew", TransientError),
        ("AuthenticationError", PermanentError),
        ("PermissionDenied", PermanentError),
        ("InsufficientFunds", PermanentError),
        ("InvalidOrder", PermanentError),
        ("OrderNotFound", PermanentError),
        ("BadSymbol", PermanentError),
        ("NotSupported", PermanentError),
        ("ConfigurationError", PermanentError),
    ],
)
def test_branches(name: str, branch: type[Exception]) -> None:
    assert issubclass(getattr(errors, name), branch)


def test_order_status_unknown_is_neither_transient_nor_permanent() -> None:
    assert not issubclass(OrderStatusUnknown, (TransientError, PermanentError))


def test_message_names_exchange_operation_and_symbol() -> None:
    exc = InvalidOrder("amount must be positive", exchange="binance", operation="create_order",
                       symbol="BTC/USDT")
    assert str(exc) == "binance create_order BTC/USDT: amount must be positive"
    assert isinstance(exc, ValueError)
    assert str(InvalidOrder("bare")) == "bare"


def test_structured_fields_survive_pickling() -> None:
    exc = OrderLimitViolation("too small", limit="min_notional", value=Decimal("1"),
                              allowed=Decimal("5"), exchange="binance", symbol="BTC/USDT")
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is OrderLimitViolation
    assert (back.limit, back.value, back.allowed) == ("min_notional", Decimal("1"), Decimal("5"))
    assert str(back) == str(exc)
    unknown = pickle.loads(pickle.dumps(OrderStatusUnknown("lost", client_order_id="xl1")))
    assert unknown.client_order_id == "xl1"
    limited = pickle.loads(pickle.dumps(RateLimitExceeded("slow down", retry_after=2.5)))
    assert limited.retry_after == 2.5


class _Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    __str__ = __repr__


@pytest.mark.parametrize("symbol", [123, b"BTC/USDT", ["BTC", "USDT"], _Unprintable(), ""])
def test_str_of_an_error_never_raises_whatever_the_symbol(symbol: object) -> None:
    error = ExchangeError("refused", exchange="binance", operation="get_ticker",
                          symbol=symbol)  # type: ignore[arg-type]
    text = str(error)
    assert text.startswith("binance get_ticker") and text.endswith(": refused")
    assert repr(error)
