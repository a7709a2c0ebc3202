"""A ccxt client for Examplex, the made-up exchange of examplex_venue.py: what a plugin author
who adds an exchange ccxt does not know writes (docs/simulator-venues.md includes this file)."""

from __future__ import annotations

import hashlib
from typing import Any

import ccxt.async_support as ccxt
from ccxt.base import errors


# --8<-- [start:client]
class examplex(ccxt.Exchange):  # ccxt names an exchange class by its id
    def describe(self) -> Any:
        return self.deep_extend(super().describe(), {
            "id": "examplex",
            "name": "Examplex",
            "urls": {"api": {"public": "https://api.examplex.test/v1",
                             "private": "https://api.examplex.test/v1"}},
            "exceptions": {"exact": {
                "BAD_KEY": errors.AuthenticationError,
                "BAD_SIGNATURE": errors.AuthenticationError,
                "STALE_REQUEST": errors.InvalidNonce,
                "RATE_LIMIT": errors.RateLimitExceeded,
                "MISSING_PARAMETER": errors.ArgumentsRequired,
                "INVALID_PARAMETER": errors.BadRequest,
                "UNKNOWN_MARKET": errors.BadSymbol,
                "UNKNOWN_ORDER": errors.OrderNotFound,
                "INSUFFICIENT_FUNDS": errors.InsufficientFunds,
                "INVALID_ORDER": errors.InvalidOrder,
                "BUSY": errors.ExchangeNotAvailable,
            }},
        })

    def sign(self, path: str, api: Any = "public", method: str = "GET", params: Any = None,
             headers: Any = None, body: Any = None) -> Any:
        params = params or {}
        url = self.urls["api"][api] + "/" + self.implode_params(path, params)
        query = self.omit(params, self.extract_params(path))
        if api == "private":
            text = self.urlencode(self.extend(query, {"timestamp": self.milliseconds()}))
            signature = self.hmac(self.encode(text), self.encode(self.secret), hashlib.sha256)
            text += "&signature=" + signature
            headers = {"X-EX-KEY": self.apiKey}
            if method == "POST":
                body = text
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                url += "?" + text
        elif query:
            url += "?" + self.urlencode(query)
        return {"url": url, "method": method, "body": body, "headers": headers}

    def handle_errors(self, code: Any, reason: Any, url: Any, method: Any, headers: Any,
                      body: Any, response: Any, request_headers: Any, request_body: Any) -> Any:
        if isinstance(response, dict) and response.get("ok") is False:
            feedback = f"{self.id} {body}"
            exact = self.exceptions["exact"]
            self.throw_exactly_matched_exception(exact, response["error"]["code"], feedback)
            raise errors.ExchangeError(feedback)
        return None

    async def fetch_ticker(self, symbol: str, params: Any = None) -> Any:
        answer = await self.request("ticker", "public", "GET", {"market": symbol.replace("/", "-")})
        return answer["result"]

    async def fetch_balance(self, params: Any = None) -> Any:
        return (await self.request("balances", "private", "GET"))["result"]

    async def create_order(self, symbol: str, type: str, side: str, amount: Any,
                           price: Any = None, params: Any = None) -> Any:
        request = {"market": symbol.replace("/", "-"), "type": type, "side": side,
                   "amount": str(amount), **(params or {})}
        if price is not None:
            request["price"] = str(price)
        return (await self.request("orders", "private", "POST", request))["result"]

    async def fetch_order(self, id: str, symbol: Any = None, params: Any = None) -> Any:
        return (await self.request("orders/{id}", "private", "GET", {"id": id}))["result"]

    async def cancel_order(self, id: str, symbol: Any = None, params: Any = None) -> Any:
        return (await self.request("orders/{id}", "private", "DELETE", {"id": id}))["result"]
# --8<-- [end:client]
