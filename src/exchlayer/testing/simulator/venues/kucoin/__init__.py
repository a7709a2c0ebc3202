"""KuCoin spot (high-frequency "HF" account) and USDT-margined futures wire format.

Served hosts (both are the live environment; KuCoin has no sandbox):

==========================  =========  ======================================================
host                        surface    endpoints
==========================  =========  ======================================================
api.kucoin.com              spot       `/api/v1`, `/api/v2`, `/api/v3`, `/api/ua/v1`
api-futures.kucoin.com      futures    `/api/v1`, `/api/v2`
==========================  =========  ======================================================

Spot and futures share paths such as `/api/v1/orders` and `/api/v1/timestamp`, so every
request is routed on its original host first. Every answer is KuCoin's envelope,
`{"code": "200000", "data": ...}`; an error is `{"code": "<code>", "msg": "<text>"}`.

Authentication (private endpoints), checked in this order:

* `KC-API-KEY`, `KC-API-SIGN`, `KC-API-TIMESTAMP` and `KC-API-PASSPHRASE` present, else
  400001 (HTTP 401);
* `KC-API-TIMESTAMP` (ms) within 5 s of the server clock, else 400002;
* the key exists in this environment, else 400003;
* `KC-API-PASSPHRASE` equals base64 HMAC-SHA256(secret, passphrase) with
  `KC-API-KEY-VERSION: 2` (or 3; version 1 sends the passphrase itself), else 400004;
* `KC-API-SIGN` equals base64 HMAC-SHA256(secret, timestamp + METHOD + path + `?query` (as
  sent) + body), else 400005.

Partner headers (`KC-API-PARTNER*`) are accepted and ignored.

Error bodies and the ccxt 4.5.90 exception each one produces (`kucoin` and `kucoinfutures`
share one `handle_errors`: the message is matched exactly first, then the code). HTTP 200 unless
noted:

* 400001 "Please check the header of your request for KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP,
  KC-API-PASSPHRASE" (401) -> AuthenticationError
* 400002 "KC-API-TIMESTAMP Invalid -- Time differs from server time by more than 5 seconds"
  (401) -> InvalidNonce
* 400003 "KC-API-KEY not exists" (401) -> AuthenticationError
* 400004 "Invalid KC-API-PASSPHRASE" (401) -> AuthenticationError
* 400005 "Invalid KC-API-SIGN" (401) -> AuthenticationError
* 400100 "Unsupported trading pair." (unknown symbol, both hosts) -> BadSymbol
* 200004 "Balance insufficient!" (spot) -> InsufficientFunds
* 300003 "Balance not enough, please first deposit at least 2 USDT before you start the battle"
  (futures margin) -> InsufficientFunds
* 400100 "The order does not exist." (spot HF and stop order lookups) -> OrderNotFound
* 400100 "order_not_exist_or_not_allow_to_cancel" (spot cancels of unknown or finished orders)
  -> OrderNotFound
* 100001 "error.getOrder.orderNotExist" (futures lookups and cancels of unknown ids)
  -> OrderNotFound
* 100004 "Order is in not cancelable state" (futures cancel of a finished order) -> BadRequest
  [the exchlayer adapter reads it as "not open any more"]
* 400100 "Order size increment invalid." / "Order size below the minimum requirement." /
  "The quantity is below the minimum requirement." -> InvalidOrder
* 600101 "The order funds should more then <min> USDT." (spot minimum value) -> InvalidOrder
* 300000 "Price increment invalid." / "Order price out of range." / "Order size above the maximum
  requirement." / "Duplicate clientOid." (futures) -> InvalidOrder
* 126044 "clientOid duplicate" (spot client id of an open order) -> InvalidOrder
* 300009 "No open positions to close." (futures reduce-only or closeOrder) -> InvalidOrder
* 330005 "The order's margin mode does not match the selected one. ..." (`marginMode:
  ISOLATED`; the simulator's symbols are in cross mode) -> InvalidOrder
* 400100 any other parameter error (missing or malformed field, bad leverage) -> BadRequest
* 404000 "simulator: no such endpoint ..." (404) -> NotSupported

Order model:

* Spot orders are HF orders (`/api/v1/hf/orders`); ids are 24 hex digits. A finished HF order
  reports `active: false`; a cancelled one, or the cancelled remainder of an IOC, FOK, post-only
  or market order, `cancelExist: true` (KuCoin cancels such orders, it does not reject them).
* Spot stop orders live apart (`/api/v1/stop-order`) with `vs…` ids and no fills. `stop`
  is `loss` (trigger at or below `stopPrice`, the default) or `entry` (at or above). When
  one triggers it reports `TRIGGERED` and a new HF order with a new id and the same
  `clientOid` does the work; a cancelled stop order reports `CANCEL`.
* Futures sizes are whole lots of `multiplier` base units (the instrument's amount step: BTC
  lots are 0.001 BTC) and BTC is named `XBT` (`XBTUSDTM`). Stop orders go to
  `/api/v1/orders` with `stop` (`up`/`down`), `stopPrice` and `stopPriceType`, keep
  their id when they trigger, and are listed by `/api/v1/stopOrders` until then. The
  simulator's perpetuals are in cross margin mode; an opening order's `leverage` becomes the
  symbol's leverage (as `changeCrossUserLeverage` would). KuCoin's perpetuals have no minimum
  order value: the engine's minimum notional is not applied to them.
* Spot fees are charged in the quote currency.
* Not simulated: a stop order whose price is already reached is refused with 400100 (KuCoin
  would trigger it at once); `valueQty` futures orders; `GTT` time in force; margin trading.

Recent orders: spot `GET /api/v1/hf/orders/done` (`symbol` required; `side`, `type`,
`startAt`, `endAt`, `lastId`, `limit` 20 by default and at most 100; `{"lastId",
"items"}`, newest first) and futures `GET /api/v1/orders?status=done` (paginated `items`,
`startAt`/`endAt`) list finished orders (`Operation.ORDER_HISTORY`); `status=active`
lists are `OPEN_ORDERS`.

Client order ids: KuCoin asks for a unique `clientOid` ("please do not initiate requests using
the same clientOid") but enforces it only among active orders: a finished order's clientOid can
be used again (observed and reported in Kucoin/kucoin-api-docs#468), so both markets default to
`ClientIdRule.OPEN_ONLY`. A lookup by clientOid finds the active order, else the newest.

Market history (public pool; `history.py` has the details): spot `GET /api/v1/market/candles`
(`type` 1min..1month, `startAt`/`endAt` in seconds, at most 1,500 rows, newest first, strings;
weight 3) and `GET /api/v1/market/histories` (the latest 100 trades, oldest first; weight 3);
futures `GET /api/v1/kline/query` (`granularity` in minutes, `from`/`to` in ms, at most 500
rows, oldest first, volume in lots; weight 3), `GET /api/v1/trade/history` (the latest 100
trades, newest first, sizes in lots; weight 5) and `GET /api/v1/contract/funding-rates`
(`symbol`, `from`, `to` required; newest first; weight 5). Neither trades endpoint takes a
time range: KuCoin publishes only its latest 100 trades. A candle type KuCoin lacks is 400100
(BadRequest).

Clock: `KC-API-TIMESTAMP` may be at most 5 s from the server clock either way (400002).

Ambiguous errors (`Fault.ERROR_AFTER`): 500000 "Internal Server Error" (HTTP 500; KuCoin's
HTTP error table: "We had a problem with our server. Try again later."), 408000 "Network timeout,
please try again later" and 126038 "Third-party service call failed (internal exception)" (HTTP
200, assumed). Codes and messages as ccxt 4.5.90's KuCoin exception table quotes them; ccxt maps
500000 to ExchangeNotAvailable but 408000 to BadRequest and 126038 to ExchangeError.

JSON types follow KuCoin: spot numbers are strings; futures sizes are integers and contract,
position and account figures JSON numbers, while order prices and values are strings.

The package: `tables.py` (resource pools, error codes, routes, `KucoinOrder`), `render.py` (the
JSON shapes), `spot.py` / `futures.py` (the order handlers), `history.py` (candles, public
trades, funding) and `venue.py` (`KucoinVenue`: the hooks).
"""

from __future__ import annotations

from exchlayer.testing.simulator.venues.kucoin.tables import KucoinOrder
from exchlayer.testing.simulator.venues.kucoin.venue import KucoinVenue

__all__ = ["VENUE", "KucoinOrder", "KucoinVenue"]

VENUE = KucoinVenue
