"""BingX spot (`/openApi/spot`) and USDT-M perpetual swap (`/openApi/swap`) wire format.

Served hosts and environments:

=============================  ===========  ===============================================
host                           environment  ccxt mode
=============================  ===========  ===============================================
open-api.bingx.com             live         default (spot, swap, cswap, wallets)
open-api-vst.bingx.com         vst          `set_sandbox_mode(True)` (swap only: VST)
=============================  ===========  ===============================================

An API key belongs to one environment: a live key on the VST host gets `100413`. The VST host
serves the perpetual-swap endpoints only (and the server time); anything else answers HTTP 404.

Signing (every private request): all parameters plus `timestamp`, key-sorted `k=v&...`
*without* percent-encoding, hex HMAC-SHA256 with the secret; the URL carries the percent-encoded
form plus `&signature=`; the key travels in `X-BX-APIKEY`. POST and DELETE carry everything
in the query string. The server unquotes the query before `signature` and recomputes; a request
is refused when `timestamp >= server time + 1000` or `server time - timestamp > recvWindow`
(default 5000 ms): the shape of Binance's rule, which BingX's "timing security" section
describes (its own limits: 1 s ahead, `recvWindow` behind).

BingX answers errors with HTTP 200 and `{"code": <int>, "msg": "...", "data": {}}`; success is
`code` 0. The bodies below (codes and messages from BingX's API documentation) and the ccxt
4.5.90 exception each one produces, verified end to end by `tests/simulator/test_bingx_*`:

* 100413 "Incorrect apiKey, please check your valid api key" (unknown or missing key)
  -> AuthenticationError
* 100412 "Null signature, please check your signature" -> AuthenticationError
* 100001 "Signature verification failed due to signature mismatch, ..." -> AuthenticationError
* 100421 "Null timestamp or timestamp mismatch, ..." -> BadSymbol [1]
* 100421 "The symbol you request is not available to place order currently, ..." (spot
  unknown symbol) -> BadSymbol
* 109425 "NOPE-USDT not exist, please verify it ..." (swap unknown symbol) -> BadSymbol
* 100202 "Insufficient assets, please verify the assets status" (spot) -> InsufficientFunds
* 101204 "Insufficient margin" (swap) -> InsufficientFunds
* 100400 " order not exist" (spot query of an unknown order) -> BadRequest [1]
* 100400 "the order you want to cancel is FILLED or CANCELLED already, or is not a valid order
  id ,please verify" (spot cancel) -> BadRequest [1]
* 80016 "order does not exist" (swap query) -> OrderNotFound
* 109414 "order not exist" (swap cancel of an unknown order) -> ExchangeError [1]
* 80018 "order is already filled, The order doesn't exist" (swap cancel of a finished order)
  -> ExchangeError [1]
* 100400 "Invalid parameters, ..." (spot: missing or malformed parameter, price/quantity
  precision, quantity bounds, bad client order id, trigger price already reached)
  -> BadRequest (exchlayer: InvalidOrder for an order)
* 100400 " check limit entrust value fail, entrust volume too low, ..." (spot minimum notional)
  -> BadRequest
* 100440 " check price diverge fail, ..." (spot price out of bounds) -> ExchangeError [1]
* 80014 "Invalid parameters,positionSide: This field is required." / "parameter quantity is
  must" (swap) -> BadRequest
* 109400 "Invalid parameters, ..." (swap precision, client id, leverage range, trigger price
  already reached) / "In the One-way mode, the 'PositionSide' field can only be set to BOTH."
  -> BadRequest
* 101400 "The minimum order amount is N BTC." / "Please ensure that the minimum nominal value
  of the order placed must be greater than Nu" (swap) -> InvalidOrder
* 101211 "Order price should be higher than N" (swap) -> ExchangeError [1]
* 101419 "Your order size has reached the upper limit" (swap) -> ExchangeError [1]
* 101290 "The Reduce Only order can only decrease the position ..." (swap) -> ExchangeError [1]
* 101215 "The Maker (Post Only) order ensures ... it will be canceled." (swap) -> ExchangeError [1]
* 101481 "clientOrderID cannot be repeated" (open order with that client id) -> InvalidOrder
  (DuplicateOrderId)
* unknown endpoint: HTTP 404 `{"code": 100404, ...}` -> ExchangeError

[1] ccxt's class is too coarse or wrong here; `exchlayer.venues.bingx` refines it from the
    message (ClockSkew, OrderNotFound, InvalidOrder).

Orders: spot types MARKET, LIMIT, TRIGGER_MARKET and TRIGGER_LIMIT (`stopPrice`); swap types
MARKET, LIMIT, TRIGGER_MARKET and TRIGGER_LIMIT, one-way mode (`positionSide=BOTH`). A trigger
order keeps its id when it fires. Spot `newClientOrderId` takes letters, digits and `_` (1-40);
the swap `clientOrderID` takes 1-40 characters and is stored lower-cased, as BingX does. Order
lookups accept `clientOrderID` or `clientOrderId` and treat `orderId=None` (what ccxt sends
with a client id) as absent.

Recent orders: spot `GET spot/v1/trade/historyOrders` (finished orders; `startTime`,
`endTime`, `orderId`, `pageIndex`, `pageSize` at most 100; `data.orders`), swap
`GET swap/v2/trade/allOrders` (finished orders, what ccxt 4.5.90's `fetch_closed_orders` and
`fetch_canceled_and_closed_orders` call) and `GET swap/v1/trade/fullOrder` (orders of every
status, `fetch_orders`), both with `startTime`, `endTime`, `orderId` and `limit`
(default 500, at most 1000). Newest first; `Operation.ORDER_HISTORY`.

Client order ids: BingX's order-placement parameters say "different orders cannot use the same
clientOrderID" (spot `newClientOrderId` and swap `clientOrderID`), so both markets default to
`ClientIdRule.LIFETIME`: an id is refused (101481) while any order with it is remembered, open
or finished. (BingX promises lookups by client id for 2 hours only; how long it refuses a used id
is not documented, and the simulator never forgets.) Under another rule, a lookup by client id
finds the open order with it, else the newest.

Ambiguous errors (`Fault.ERROR_AFTER`), HTTP 200 with the code in the body like every BingX
error: 100500 "Internal system error", 109500 and 100410 "The current system is busy, please try
again later" (codes and messages from ccxt 4.5.90's BingX table, which maps all three to
OperationFailed).

JSON types follow BingX: order ids and times are numbers; spot market data (symbols, 24h ticker)
carries JSON numbers; everything else (balances, orders, fills, swap market data) strings.

The package: `tables.py` (rate limits, error codes, routes, `BingXOrder`), `render.py` (the
JSON shapes), `venue.py` (`BingXVenue`: the hooks and handlers).
"""

from __future__ import annotations

from exchlayer.testing.simulator.venues.bingx.tables import BingXOrder
from exchlayer.testing.simulator.venues.bingx.venue import BingXVenue

__all__ = ["VENUE", "BingXOrder", "BingXVenue"]

VENUE = BingXVenue
