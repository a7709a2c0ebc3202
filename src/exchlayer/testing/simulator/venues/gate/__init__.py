"""Gate (API v4) spot and USDT-settled perpetual futures wire format.

Served hosts and environments (everything lives under `/api/v4`):

=========================  ===========  ==========================================
host                       environment  ccxt mode
=========================  ===========  ==========================================
api.gateio.ws              live         default
api-testnet.gateapi.io     testnet      `set_sandbox_mode(True)` (spot and futures)
=========================  ===========  ==========================================

An API key belongs to one environment: a live key on the testnet host gets `INVALID_KEY`.

Private requests are verified as Gate does: headers `KEY`, `Timestamp` (unix seconds, at most
60 s from the server clock) and `SIGN` = hex HMAC-SHA512 of
`METHOD\\n/api/v4/<path>\\n<query string, not URL-encoded>\\n<hex SHA512(body)>\\n<Timestamp>`.

Market model. Spot pairs are the engine's spot instruments (`BTC_USDT`; `precision` and
`amount_precision` are the decimals of the tick and the step). USDT-settled contracts are the
engine's linear perpetuals. Gate sizes contracts in whole numbers: one contract
(`quanto_multiplier`) is one engine amount step, so `size` on the wire is an integer and the
engine amount is `size x step`; `order_size_min` is the engine's minimum amount in contracts.
Gate contracts have no minimum order value: futures orders skip the engine's notional minimum.

Market buys on spot are sized in quote currency (`amount` is the cost), exactly as on Gate; so
are market-type spot price orders that buy. Spot orders without a `text` report `"apiv4"`,
futures orders `"api"`. A `t-...` text finds a spot order only while it is open and a futures
order while it is open or for 60 seconds after it finished (Gate's documented rules). Price
(trigger) orders have their own ids and endpoints (`spot/price_orders`,
`futures/usdt/price_orders`); when one fires, a new order (`fired_order_id` / `trade_id`)
carrying the same text does the work. A spot price order echoes its text in `trigger.text`, which
is where ccxt 4.5.90 sends and reads it. The shared engine reserves the funds of a spot price order
when it is placed, except those of a market buy sized in quote (Gate reserves nothing and checks
when the order fires); a price order that cannot be paid when it fires reports `failed`.

Error bodies are `{"label": ..., "message": ...}`; the ccxt 4.5.90 exception each produces
(verified by `tests/simulator/test_gate_*.py`):

* MISSING_REQUIRED_HEADER (401), INVALID_KEY (401), INVALID_SIGNATURE (401) -> AuthenticationError
* REQUEST_EXPIRED (401), Timestamp more than 60 s off -> AuthenticationError [1]
* INVALID_CURRENCY_PAIR, CONTRACT_NOT_FOUND -> BadSymbol
* ORDER_NOT_FOUND (404) -> OrderNotFound
* ORDER_CLOSED, ORDER_CANCELLED (spot cancel of a finished order) -> InvalidOrder [1]
* ORDER_FINISHED (futures cancel of a finished order) -> ExchangeError [1]
* BALANCE_NOT_ENOUGH (spot), INSUFFICIENT_AVAILABLE (futures margin) -> InsufficientFunds
* INVALID_PRECISION (price or amount off the tick/step) -> InvalidOrder
* SIZE_TOO_SMALL, SIZE_TOO_LARGE (contracts outside order_size_min..max) -> InvalidOrder
* PRICE_TOO_DEVIATED (futures price beyond order_price_deviate of the mark) -> InvalidOrder
* POC_FILL_IMMEDIATELY (spot), ORDER_POC_IMMEDIATE (futures) -> OrderImmediatelyFillable
* AUTO_TRIGGER_PRICE_GREATE_LAST / AUTO_TRIGGER_PRICE_LESS_LAST (trigger already crossed)
  -> InvalidOrder
* INCREASE_POSITION (reduce-only order that would not reduce) -> InvalidOrder
* POSITION_EMPTY (a close order without a position) -> InvalidOrder
* LEVERAGE_TOO_HIGH / LEVERAGE_TOO_LOW -> InvalidOrder
* INVALID_PARAM_VALUE ("Your order size ... is too small", a bad value) -> BadRequest
* MISSING_REQUIRED_PARAM -> ArgumentsRequired
* INVALID_REQUEST_BODY (body is not JSON) -> BadRequest
* NOT_FOUND (404, unknown endpoint) -> ExchangeError
* SERVER_ERROR (500, an engine refusal Gate has no label for) -> ExchangeNotAvailable

[1] exchlayer's Gate adapter refines these: REQUEST_EXPIRED is `ClockSkew`; the "already
    finished" labels are `OrderNotFound` (there is no open order to cancel).

Clock: `Timestamp` may be at most 60 s (Gate: "the gap ... cannot exceed 60 seconds") from
the server clock either way; a new spot or futures order also honours `X-Gate-Exptime` (ms):
received after it, it is refused.

Recent orders: `GET spot/orders?status=finished` (`from`/`to` in seconds, `page`,
`limit`) and `GET futures/usdt/orders_timerange` (`contract`, `from`, `to`, `limit`,
`offset`; what ccxt 4.5.90's `fetch_closed_orders` calls for swaps with `since`) list
finished orders, newest first; `futures/usdt/orders?status=finished` lists them without a time
range. These are `Operation.ORDER_HISTORY`; `status=open` lists are `OPEN_ORDERS`.

Client order ids (`text`): Gate documents the format (`t-` then at most 28 characters) but
no uniqueness rule, so the default is `ClientIdRule.NONE` (an assumption: nothing in Gate's
documentation says a second order with the same text is refused). Under another rule a refused
text answers INVALID_PARAM_VALUE "invalid argument: text ... is in use" (the simulator's choice:
Gate documents no label for it).

Ambiguous errors (`Fault.ERROR_AFTER`): the "Server errors" of Gate's APIv4 label list,
INTERNAL and SERVER_ERROR "Internal server error" and TOO_BUSY "Server is too busy at the
moment" (HTTP 500, 500 and 503: the statuses are assumed); ccxt 4.5.90 maps all three to
ExchangeNotAvailable.

JSON types follow Gate: spot ids are strings, futures and price-order ids numbers; prices and spot
amounts are strings; contract sizes are integers; futures times are float seconds.

Market history: `spot/candlesticks`, `spot/trades`, `futures/usdt/candlesticks`,
`futures/usdt/trades` and `futures/usdt/funding_rate` serve the engine's deterministic history
(operation `market_history`, public limit, weight 1); `history.py` describes Gate's windows,
intervals, page sizes and refusals there. Candle and trade sizes on futures are contracts.

The package: `tables.py` (rate limits, error labels, routes, `GateOrder`), `render.py` (the
JSON shapes), `spot.py` / `futures.py` / `history.py` (the handlers), `venue.py` (`GateVenue`:
the hooks).
"""

from __future__ import annotations

from exchlayer.testing.simulator.venues.gate.tables import GateOrder
from exchlayer.testing.simulator.venues.gate.venue import GateVenue

__all__ = ["VENUE", "GateOrder", "GateVenue"]

VENUE = GateVenue
