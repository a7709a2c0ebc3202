"""exchlayer-binanceus: a third-party exchlayer plugin adding Binance.US (spot only).

It is what a plugin author writes: a table of differences on top of exchlayer's generic ccxt
connector, registered through the ``exchlayer.exchanges`` entry point in its own distribution.
"""

from __future__ import annotations

from types import MappingProxyType

from exchlayer import Capabilities, OrderType, TimeInForce, TradeType
from exchlayer.connector import CcxtExchange, VenueProfile

__all__ = ["BinanceUSExchange"]

_SPOT = frozenset({TradeType.SPOT})


class BinanceUSExchange(CcxtExchange):
    """Binance.US: Binance's spot wire format on api.binance.us; no futures, no testnet."""

    profile = VenueProfile(
        name="binanceus",
        display_name="Binance.US",
        capabilities=Capabilities(
            trade_types=_SPOT,
            order_types=frozenset(OrderType),
            time_in_force=frozenset(TimeInForce),
            open_orders_without_symbol=_SPOT,
        ),
        ccxt_ids=MappingProxyType({TradeType.SPOT: "binanceus"}),
        ccxt_options=MappingProxyType(
            {
                TradeType.SPOT: {
                    "fetchMarkets": {"types": ["spot"]},
                    "fetchMargins": False,
                    "fetchCurrencies": False,
                }
            }
        ),
        client_order_id_prefix="us",
        client_order_id_max_length=36,
    )
