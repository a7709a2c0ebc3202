"""ExchangeConnection: one account on one exchange, as a TradingService and a store keep it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pydantic import ConfigDict, Field, field_validator

from .config import CredentialModel, Credentials

__all__ = ["ExchangeConnection"]


def _now() -> datetime:
    return datetime.now(timezone.utc)


class ExchangeConnection(CredentialModel):
    """One account on one exchange: who owns it, which venue, and the credentials to reach it.

    ``id`` is ``None`` until a `TradingService` or a
    `ConnectionStore` assigns one. The credentials are secrets: they print
    as ``**********``, are left out of ``model_dump()``, and cannot be pickled.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    id: int | None = None
    user: str = Field(min_length=1, max_length=200)
    """Who owns the connection (your application's user id)."""
    exchange: str = Field(min_length=1, max_length=64)
    """The registry name, e.g. ``"binance"``."""
    label: str = Field(default="", max_length=200)
    credentials: Credentials | None = Field(default=None, exclude=True, repr=False)
    is_testnet: bool = False
    options: dict[str, Any] = Field(default_factory=dict)
    """Extra keyword arguments for the exchange class (e.g. ``default_trade_type``)."""
    created_at: datetime = Field(default_factory=_now)

    @field_validator("exchange")
    @classmethod
    def _normalise_exchange(cls, value: str) -> str:
        return value.strip().lower()

    @field_validator("created_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        return value.astimezone(timezone.utc)

    @property
    def has_credentials(self) -> bool:
        """Whether the connection can make account calls."""
        return self.credentials is not None
