"""The generic ccxt-backed connector: `CcxtExchange`, the `VenueProfile` that describes a venue,
and what a venue adapter's hooks use (`CcxtOrder`, `ChildOrder`)."""

from .core import CcxtExchange, CcxtOrder, ChildOrder, OrderInDoubt, VenueProfile

__all__ = ["CcxtExchange", "CcxtOrder", "ChildOrder", "OrderInDoubt", "VenueProfile"]
