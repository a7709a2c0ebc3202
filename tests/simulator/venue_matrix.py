"""The five venues side by side: which ccxt class talks to which simulated venue, and a spot and
a futures market on each where a test can rest a small order (shared by the hostile-conditions
tests: faults, lookup lag, client-order-id rules, clock tolerance, order history)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The options that keep Binance's load_markets to exchangeInfo only (no sapi calls).
BINANCE_OPTIONS: dict[str, Any] = {
    "fetchMarkets": {"types": ["spot", "linear"]},
    "fetchMargins": False,
    "fetchCurrencies": False,
}

#: ccxt class -> (simulator venue, client config) for the five venues, spot and futures.
CLIENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "binance": ("binance", {"options": dict(BINANCE_OPTIONS)}),
    "binanceusdm": (
        "binance",
        {"options": {**BINANCE_OPTIONS, "fetchMarkets": {"types": ["linear"]}}},
    ),
    "gate": (
        "gate",
        {
            "options": {
                "fetchMarkets": {"types": ["spot", "swap"]},
                "swap": {"fetchMarkets": {"settlementCurrencies": ["usdt"]}},
            }
        },
    ),
    "kucoin": ("kucoin", {"password": "pass", "options": {"uta": False, "hf": True}}),
    "kucoinfutures": (
        "kucoin",
        {
            "password": "pass",
            "options": {
                "uta": False,
                "hf": True,
                "fetchMarkets": {"types": ["swap"], "fetchTickersFees": False},
            },
        },
    ),
    "bingx": ("bingx", {}),
    "bitget": ("bitget", {"password": "pass", "options": {"uta": False}}),
}


@dataclass(frozen=True)
class Market:
    """Where a test places a small resting order with a ccxt class."""

    client: str
    symbol: str
    amount: float
    price: float = 40000

    @property
    def venue(self) -> str:
        return CLIENTS[self.client][0]

    def client_id_params(self, client_id: str) -> dict[str, str]:
        """ccxt's parameter for a client order id (Gate's ``text`` must start ``t-``)."""
        if self.venue == "gate":
            return {"text": client_id if client_id.startswith("t-") else f"t-{client_id}"}
        return {"clientOrderId": client_id}


#: A spot and a futures market on every venue (amounts in each venue's own units).
MARKETS: dict[str, Market] = {
    "binance-spot": Market("binance", "BTC/USDT", 0.001),
    "binance-usdm": Market("binanceusdm", "BTC/USDT:USDT", 0.01),
    "gate-spot": Market("gate", "BTC/USDT", 0.001),
    "gate-swap": Market("gate", "BTC/USDT:USDT", 1),
    "kucoin-spot": Market("kucoin", "BTC/USDT", 0.001),
    "kucoin-futures": Market("kucoinfutures", "BTC/USDT:USDT", 1),
    "bingx-spot": Market("bingx", "BTC/USDT", 0.001),
    "bingx-swap": Market("bingx", "BTC/USDT:USDT", 0.01),
    "bitget-spot": Market("bitget", "BTC/USDT", 0.001),
    "bitget-swap": Market("bitget", "BTC/USDT:USDT", 0.01),
}
SPOT_MARKETS = [name for name in MARKETS if name.endswith("-spot")]


