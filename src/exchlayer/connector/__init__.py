"""The generic ccxt-backed connector: ``CcxtExchange`` and the helpers it is built from."""

from .core import CcxtExchange

__all__ = ["CcxtExchange"]
