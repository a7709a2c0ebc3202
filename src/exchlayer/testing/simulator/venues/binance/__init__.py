"""Binance spot (`/api`, `/sapi`) and USDⓈ-M futures (`/fapi`) wire format.

Served hosts and environments:

=============================  ===========  ====================================================
host                           environment  ccxt mode
=============================  ===========  ====================================================
api.binance.com                live         default (spot, sapi)
fapi.binance.com               live         default (USDⓈ-M)
dapi.binance.com               live         default (COIN-M: exchangeInfo/time/ping only)
demo-api.binance.com           demo         `enable_demo_trading(True)`
demo-fapi.binance.com          demo         `enable_demo_trading(True)`
demo-dapi.binance.com          demo         `enable_demo_trading(True)`
testnet.binance.vision         sandbox      `set_sandbox_mode(True)` (spot)
testnet.binancefuture.com      sandbox      `set_sandbox_mode(True)` (futures)
api.binance.us                 binanceus    ccxt `binanceus` (spot wire format)
=============================  ===========  ====================================================

An API key belongs to one environment: a live key on a demo host gets `-2015`.

Error bodies and the ccxt 4.5.90 exception each one produces (verified end to end by
`tests/simulator`; "spot"/"fapi" is the URL family, which selects ccxt's per-market table).
HTTP status 400 unless noted:

* -2014 "API-key format invalid." (no `X-MBX-APIKEY`), 401 -> AuthenticationError
* -2015 "Invalid API-key, IP, or permissions for action.", 401 -> AuthenticationError [1]
* -1022 "Signature for this request is not valid." -> AuthenticationError
* -1021 "Timestamp for this request is outside of the recvWindow." -> InvalidNonce
* -1102 "Mandatory parameter '<p>' was not sent, ..." -> BadRequest
* -1100 "Illegal characters found in parameter '<p>'; ..." -> BadRequest
* -1121 "Invalid symbol." -> BadSymbol
* -2010 "Account has insufficient balance for requested action." (spot) -> InsufficientFunds
* -2010 "Duplicate order sent." (spot client id in use) -> InvalidOrder
* -2010 "Stop price would trigger immediately." (spot) -> OrderImmediatelyFillable
* -2010 "Order would immediately match and take." (spot LIMIT_MAKER)
  -> OrderImmediatelyFillable
* -1013 "Filter failure: LOT_SIZE" / "Filter failure: PRICE_FILTER" (spot) -> InvalidOrder
* -1013 "Filter failure: NOTIONAL" (spot) -> BadRequest [2]
* -2013 "Order does not exist." (fetch; spot and fapi) -> OrderNotFound
* -2011 "Unknown order sent." (cancel; spot and fapi) -> OrderNotFound
* -2019 "Margin is insufficient." (fapi) -> InsufficientFunds
* -4164 "Order's notional must be no smaller than N (unless you choose reduce only)."
  (fapi) -> InvalidOrder
* -1111 "Precision is over the maximum defined for this asset." (fapi) -> BadRequest
* -4014 "Price not increased by tick size." (fapi) -> BadRequest
* -4004 / -4005 quantity below min / above max, -4013 / -4002 price below min / above max
  (fapi) -> BadRequest
* -4116 "ClientOrderId is duplicated." (fapi) -> InvalidOrder
* -4028 "Leverage N is not valid" (fapi) -> BadRequest
* -2021 "Order would immediately trigger." (fapi algo) -> OrderImmediatelyFillable
* -2022 "ReduceOnly Order is rejected." (fapi) -> InvalidOrder
* -5021 FOK not fillable / -5022 post-only would take (fapi) -> OrderNotFillable
* -4120 conditional type sent to `/fapi/v1/order` -> InvalidOrder
* unknown endpoint: -1 "simulator: no such endpoint ...", 404 -> ExchangeError

[1] After one successful *spot* private call ccxt sets `hasAlreadyAuthenticatedSuccessfully`
    and maps -2015 to DDoSProtection (it reads -2015 as a temporary ban).
[2] ccxt has no InvalidOrder rule for NOTIONAL: it falls through to -1013 -> BadRequest.

Futures trigger orders go to `/fapi/v1/algoOrder` (ccxt 4.5.90 sends `algoType=CONDITIONAL`,
`type=STOP_MARKET|STOP|TAKE_PROFIT_MARKET|TAKE_PROFIT`, `triggerPrice`, `clientAlgoId`); when
one triggers, a regular order with a new `orderId` (`actualOrderId`) and the same client id
does the work, and the algo order reports `TRIGGERED` then `FINISHED`.

Recent orders: `GET /api/v3/allOrders` (spot) and `GET /fapi/v1/allOrders` (USDⓈ-M,
regular orders only) list an account's orders of one symbol in the query shape, oldest first,
honouring `orderId` (from that id on), `startTime` / `endTime` and `limit` (default 500,
at most 1000); without any of them, the most recent orders (futures: of the last 7 days).

Client order ids follow Binance's documented rule for both spot and USDⓈ-M (`newClientOrderId`
"a unique id among open orders"): refused only while an open order uses it (-2010 "Duplicate
order sent." spot, -4116 futures), so a filled order's id can be used again and both orders
exist; a lookup by `origClientOrderId` then finds the most recent of them.

Clock: a signed request is refused with -1021 when `timestamp >= server time + 1000` ("1000ms
ahead") or `server time - timestamp > recvWindow` (default 5000, at most 60000), the check
Binance documents for spot and futures ("Timing security").

Ambiguous errors (`Fault.ERROR_AFTER`; Binance's "10xx - General Server or Network issues",
developers.binance.com spot errors and USDⓈ-M error codes). Binance documents that with HTTP 5XX
"the execution status is UNKNOWN and could have been a success", and -1006/-1007 say so in their
messages. HTTP statuses: -1008 arrives with 503 (seen from `fapi/v1/order` in the wild, e.g.
banbox/banbot#114); the others' are assumed (500; 408 for -1007, the timeout):

* -1000 "An unknown error occurred while processing the request." (500)
* -1007 "Timeout waiting for response from backend server. Send status unknown; execution
  status unknown." (408)
* -1008 "Server is currently overloaded with other requests. Please try again in a few
  minutes." (503)
* -1006 "An unexpected response was received from the message bus. Execution status
  unknown." (500)
* -1001 "Internal error; unable to process your request. Please try again." (500)

JSON types follow Binance: prices and quantities are strings; ids, times and counts are numbers.

Market history (`history.py`, from the engine's deterministic `History`): spot
`GET /api/v3/klines`, `aggTrades`, `trades`, `historicalTrades` and USDⓈ-M `GET /fapi/v1/klines`,
`aggTrades`, `trades`, `fundingRate`, with Binance's page sizes, weights and errors (-1120 bad
interval, -1127 aggTrades window over an hour on USDⓈ-M, -1128 `fromId` with a time, -1104 an
unread spot parameter); see that module's docstring.

The package: `tables.py` (hosts, rate limits, error table, routes), `render.py` (the JSON
shapes), `history.py` (the market-history handlers), `venue.py` (`BinanceVenue`: the hooks and
handlers).
"""

from __future__ import annotations

from exchlayer.testing.simulator.venues.binance.tables import BinanceOrder
from exchlayer.testing.simulator.venues.binance.venue import BinanceVenue

__all__ = ["VENUE", "BinanceOrder", "BinanceVenue"]

VENUE = BinanceVenue
