"""Bitget classic v2 wire format: spot (`/api/v2/spot`) and USDT-M futures (`/api/v2/mix`).

Served host and environments:

==================  ===========  ==========================================================
host                environment  how ccxt 4.5.90 gets there
==================  ===========  ==========================================================
api.bitget.com      live         default
api.bitget.com      demo         `set_sandbox_mode(True)` / `enable_demo_trading(True)`:
                                 the same host, every request but `v2/public/time` carries
                                 the header `PAPTRADING: 1`
==================  ===========  ==========================================================

The host alone cannot tell the environments apart, so the environment of a request is taken from
the `PAPTRADING` header (`RecordedRequest.environment` names the host's, `live`: look at the
recorded headers to tell demo requests apart). An API key belongs to one environment: a live key
with the header, or a demo key without it, gets `40099` "exchange environment is incorrect".
Demo trading uses the ordinary symbols and product types (`BTCUSDT`, `USDT-FUTURES`). The
simulated-coin product types of the live environment (`SUSDT-FUTURES`, `SCOIN-FUTURES`,
`SUSDC-FUTURES`) and `COIN-FUTURES` / `USDC-FUTURES` list no contracts here: the engine's
perpetuals are all USDT-margined.

Every private request is verified as Bitget does: `ACCESS-SIGN` must be the base64
HMAC-SHA256 (secret) of `ACCESS-TIMESTAMP + METHOD + path + ('?' + query) + body`, where the
query is the (percent-decoded) query string as sent and the body the raw JSON body;
`ACCESS-PASSPHRASE` is compared in plain text and `ACCESS-TIMESTAMP` must be within 30 s of
the server clock. The unified-account probe `GET /api/v3/account/settings` answers `40084`,
as it does for a classic account (ccxt then stays on the classic v2 API).

Error bodies are `{"code": "<code>", "msg": ..., "requestTime": <ms>, "data": null}` and produce,
in ccxt 4.5.90 (exact-code table of `bitget.describe()`):

* 40001 "ACCESS_KEY cannot be empty", 401 -> AuthenticationError
* 40003 "Signature cannot be empty", 401 -> AuthenticationError
* 40011 "ACCESS_PASSPHRASE cannot be empty", 401 -> AuthenticationError
* 40005 "Invalid ACCESS_TIMESTAMP" -> InvalidNonce
* 40008 "Request timestamp expired" (more than 30 s off) -> InvalidNonce
* 40006 "Invalid ACCESS_KEY", 401 -> AuthenticationError
* 40012 "apikey/password is incorrect" (wrong passphrase), 401 -> AuthenticationError
* 40009 "sign signature error", 401 -> AuthenticationError
* 40099 "exchange environment is incorrect" (key of the other environment) -> ExchangeError [1]
* 40084 "You are in Classic Account mode, ..." (`/api/v3/account/settings`) -> ExchangeError
* 40019 "Parameter <p> cannot be empty" -> BadRequest
* 40017 "Parameter verification failed" (malformed or unsupported value) -> BadRequest
* 400172 "Parameter verification failed" (the same on the market-history routes: a bad
  granularity, a limit out of range, a time range over the venue's) -> BadRequest
* 40034 "Parameter <symbol> does not exist" (unknown symbol on the market-history routes)
  -> ExchangeError (not in ccxt's table)
* 40305 "Client_oid length is not greater than 50, and cannot be Martian characters"
  -> BadRequest
* 40309 "The symbol has been removed" (unknown symbol) -> BadSymbol
* 43012 "Insufficient balance" (spot) -> InsufficientFunds
* 40762 "The order amount exceeds the balance" (futures margin) -> InsufficientFunds
* 43001 "The order does not exist" (spot cancel) -> OrderNotFound
* 40109 "The data of the order cannot be found, please confirm the order number" (futures
  order detail) -> OrderNotFound
* 40768 "Order does not exist" (futures cancel) -> OrderNotFound
* 43025 "Plan order does not exist" (spot plan cancel / sub-orders) -> InvalidOrder [1]
* 45110 "less than the minimum amount <n> USDT" (min notional) -> InvalidOrder
* 40808 "Parameter verification exception size checkBDScale error ..." (amount step)
  -> InvalidOrder
* 41103 "param price scale error error" (price tick) -> InvalidOrder
* 40706 "Wrong order price" (price below min / above max) -> InvalidOrder
* 45111 "less than the minimum order quantity", 45112 "more than the maximum order quantity"
  -> ExchangeError [1]
* 40786 "Duplicate clientOid" (client id of an open order) -> ExchangeError [1]
* 43011 "The parameter does not meet the specification triggerPrice ..." (a trigger price
  equal to the last price) -> InvalidOrder
* 22002 "No position to close" (reduce-only without a position) -> ExchangeError [1]
* 40797 "Exceeded the maximum settable leverage" -> ExchangeError [1]
* 40774 "The order type for unilateral position must also be the unilateral position type."
  (`tradeSide` sent to this one-way account) -> InvalidOrder
* "429" "Too Many Requests", HTTP 429 (`error_response`, for fault injection)
  -> DDoSProtection
* unknown endpoint: 40404 "Request URL NOT FOUND", 404 -> BadRequest

[1] exchlayer's Bitget adapter refines these (see `exchlayer.venues.bitget`).

Quirks reproduced: an unknown order on `spot/trade/orderInfo` is an empty `data` list, not an
error; a futures plan-order cancel always answers `00000` and lists the orders it could not
cancel in `failureList`; spot market *buy* `size` is the quote amount to spend (and a spot plan
order with `planType=total`); a spot `unfilled-orders` row carries the limit price in
`priceAvg` and the average fill price in `basePrice`; futures `merge-depth` levels are JSON
numbers, spot book levels strings; order ids are strings. Plan (trigger) orders have their own ids
and endpoints: once one triggers, a regular order with a new id does the work and
`plan-sub-order` names it. Like Bitget, a plan order triggers when the price reaches the trigger
price from the side it was on when the order was placed (so a buy below the market waits for a dip).
Recent orders: `GET spot/trade/history-orders` and `GET mix/order/orders-history` list
finished orders, newest first, honouring `startTime`, `endTime` (ms), `idLessThan` and
`limit` (at most 100) (`Operation.ORDER_HISTORY`).

Client order ids: Bitget's place-order documents `clientOid` as idempotent for 6 hours "only
valid when orders are unfilled", so both markets default to `ClientIdRule.OPEN_ONLY` (40786
while an open order uses it; the 6-hour bound is not modelled). A lookup by clientOid finds the
newest order with it.

Clock: `ACCESS-TIMESTAMP` may be at most 30 s from the server clock either way (40008; tests may
narrow `timestamp_window_ms`).

Ambiguous errors (`Fault.ERROR_AFTER`), from Bitget's common error-code table: 40015 "System is
abnormal, please try again later" and 40010 "Request timed out" (HTTP 400 like Bitget's other
error bodies: assumed). ccxt 4.5.90 maps 40015 to ExchangeError and 40010 to
AuthenticationError (its table's comment calls it "sign signature error").

Simulator limits: futures are cross margin and one-way position mode only (`marginMode=isolated`
and `tradeSide` are refused); a spot plan market buy by `planType=total` is converted to a base
amount at its trigger price when placed.

Market history (`history.py`, from `engine.history`; operation `"market_history"`): spot and
futures `market/candles` (the last `limit` <= 1000 candles before `endTime`, reaching back
`RECENT_DAYS` by timeframe) and `market/history-candles` (the whole past, `limit` <= 200),
`market/fills` (the latest trades only) and `market/fills-history` (a window of at most 7 days,
`idLessThan`; 30 days back on spot, 7 on futures), and `mix/market/history-fund-rate` (pages by
`pageNo`); see that module's docstring for the shapes and rules.

The package: `tables.py` (rate limits, error codes, routes, `BitgetOrder`, the history
limits), `render.py` (the JSON shapes), `spot.py` / `futures.py` / `history.py` (handlers),
`venue.py` (`BitgetVenue`: the hooks).
"""

from __future__ import annotations

from exchlayer.testing.simulator.venues.bitget.tables import (
    DEMO,
    HOST,
    LIVE,
    PRODUCT_TYPES,
    USDT_FUTURES,
    BitgetOrder,
)
from exchlayer.testing.simulator.venues.bitget.venue import BitgetVenue, error_response

__all__ = [
    "DEMO",
    "HOST",
    "LIVE",
    "PRODUCT_TYPES",
    "USDT_FUTURES",
    "VENUE",
    "BitgetOrder",
    "BitgetVenue",
    "error_response",
]

VENUE = BitgetVenue
