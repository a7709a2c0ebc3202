"""`VenueProfile`: the table of differences that describes one ccxt-backed venue.

A venue adapter is a profile plus, where data cannot say it, a few of the connector's declared
hooks (`CcxtExchange.HOOKS`). Everything the generic connector does differently per venue reads
one of these fields; each field says what it is for and what it defaults to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..errors import ExchangeLayerError
from ..models import Capabilities, TradeType

__all__ = ["CcxtPatch", "VenueProfile"]

CcxtPatch = Callable[[Callable[..., Any]], Callable[..., Any]]
"""A change to one method of a venue's ccxt class: given the class's own method, the one to use
instead (a plain function taking the ccxt client as ``self``)."""

_NONE: Mapping[Any, Any] = MappingProxyType({})
_ANY_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]+")


def _frozen() -> Mapping[Any, Any]:
    return _NONE


@dataclass(frozen=True, kw_only=True, eq=False)  # one per venue: compared, hashed by identity
class VenueProfile:
    """What sets one ccxt-backed venue apart: identity, ccxt classes, identifier rules, request
    windows, rate limits, error codes and answer shapes. Frozen; build one per venue adapter
    and set it as the adapter's `profile`.

    Warning:
        `rate_limit_share` and `rate_limit_burst` decide how fast every connector of the venue
        may call it together: set above what the venue allows, the venue answers 429s and may
        ban the key or IP for minutes (BingX: five).
    """

    # --- identity -----------------------------------------------------------------------
    name: str
    """The registry name (`"binance"`)."""
    display_name: str
    """The name used in messages (`"Binance"`)."""
    capabilities: Capabilities
    """What the venue can do here; anything else is `NotSupported` before any request."""

    # --- ccxt ---------------------------------------------------------------------------
    ccxt_ids: Mapping[TradeType, str]
    """The ccxt class serving each trade type (one class may serve both)."""
    ccxt_options: Mapping[TradeType, Mapping[str, Any]] = field(default_factory=_frozen)
    """ccxt `options` per trade type (which market types to load, `recvWindow`, ...)."""
    ccxt_config: Mapping[str, Any] = field(default_factory=_frozen)
    """Extra ccxt config for every client (e.g. `{"has": {"fetchCurrencies": False}}`)."""
    ccxt_patches: Mapping[str, CcxtPatch] = field(default_factory=_frozen)
    """Changes to the venue's ccxt class, by method name, applied once when exchlayer builds
    its subclass of it (never per call)."""
    ccxt_pro_patches: Mapping[str, CcxtPatch] = field(default_factory=_frozen)
    """Changes to the venue's ccxt.pro class (its streams) besides `ccxt_patches`, e.g. a
    `handle_delta` that keeps a book level's text as Decimal where ccxt.pro makes a float."""
    testnet_modes: Mapping[TradeType, str] = field(default_factory=_frozen)
    """How ccxt reaches the test environment, per trade type: `"sandbox"` or `"demo"`. A trade
    type without one is refused on a testnet connector."""
    testnet_name: str = "testnet"
    """What the venue calls its test environment, for messages."""
    requires_passphrase: bool = False
    """API keys come with a passphrase (KuCoin, Bitget): credentials without one are refused."""

    # --- identifiers --------------------------------------------------------------------
    client_order_id_prefix: str = "xl"
    """The start of every client order id exchlayer generates."""
    client_order_id_max_length: int = 32
    """The longest client order id the venue takes, as the caller writes it."""
    client_order_id_wire_max: int | None = None
    """The longest client order id the venue takes as it travels (after the adapter's
    `_encode_client_order_id`), where that differs from `client_order_id_max_length`."""
    client_order_id_chars: re.Pattern[str] = _CLIENT_ID
    """The characters a client order id may hold (matched whole)."""
    order_id_pattern: re.Pattern[str] = _ANY_ID
    """What the venue's order ids look like (matched whole). An `order_id` that does not match
    is refused before any request, and an answer with one is malformed: no value can alter the
    path or query of a signed request."""

    # --- requests -----------------------------------------------------------------------
    order_book_depths: Mapping[TradeType, tuple[int, ...]] = field(default_factory=_frozen)
    """The book depths the venue accepts, per trade type; other limits are rounded up and the
    answer trimmed."""
    request_window: float | None = None
    """Seconds after which the venue refuses a signed order request as too old (KuCoin 5 s,
    Bitget 30 s, Gate 60 s); `None`: no documented window. A venue whose window is a request
    parameter says so in its `_order_window` hook."""
    clock_tolerance: float = 1.0
    """Seconds a request's timestamp may run ahead of the venue's clock and still be accepted:
    the longest a request stays valid is its window plus this."""
    max_lookup_lag: float = 5.0
    """exchlayer's assumption of how long, at most, a placed order may be missing from the
    venue's lookups (no venue documents it). With the request window it says when a lookup that
    does not find an order is final (`OrderStatusUnknown.settles_by`)."""
    call_params: Mapping[tuple[str, TradeType | None], Mapping[str, Any]] = field(
        default_factory=_frozen
    )
    """Extra ccxt `params` per ccxt method and trade type (`None`: any), e.g.
    `{("fetch_balance", TradeType.FUTURES): {"type": "swap"}}`."""
    trigger_order_params: Mapping[TradeType, Mapping[str, Any]] = field(default_factory=_frozen)
    """Where the venue keeps trigger (stop) orders apart, the ccxt `params` that reach them
    (`{"trigger": True}`). Lookups, cancels and open-order lists then cover both kinds."""
    trigger_fetch: bool = True
    """Whether ccxt's `fetch_order` reaches trigger orders with `trigger_order_params` (Bitget's
    does not: its `_find_order` hook looks in the plan-order lists)."""
    cancel_ignores_symbol: frozenset[TradeType] = frozenset()
    """Trade types where one of the venue's cancel-by-id endpoints takes no symbol: a cancel by
    order id there looks the order up first, so another market's order is never cancelled."""

    # --- market history -------------------------------------------------------------------
    ohlcv_page: Mapping[TradeType, int] = field(default_factory=_frozen)
    """The most candles one request returns, per trade type, where it is more than ccxt's
    ``features`` say (Binance USD-M: 1,000 for the weight of 500)."""
    ohlcv_reach: Mapping[TradeType, int] = field(default_factory=_frozen)
    """How many candles back from now the venue serves, per trade type, where it limits it
    (Gate.io: 10,000 of each timeframe): an older candle is refused, not absent."""
    ohlcv_window_ms: Mapping[TradeType, int] = field(default_factory=_frozen)
    """The widest time span one candle request may cover, per trade type, where the venue
    limits it (Bitget futures: 90 days): a page of a long timeframe holds fewer candles."""
    trade_page: Mapping[TradeType, int] = field(default_factory=_frozen)
    """The most public trades one request returns, per trade type (default 500)."""
    trade_window_ms: Mapping[TradeType, int] = field(default_factory=_frozen)
    """The widest time window one public-trades request may span, per trade type (default one
    hour, Binance's rule)."""
    recent_trades_only: frozenset[TradeType] = frozenset()
    """Trade types whose venue publishes only its latest trades, never a time range (KuCoin,
    BingX): a range of public trades is `NotSupported` there."""
    funding_page: Mapping[TradeType, int] = field(default_factory=_frozen)
    """The most funding rates one request returns (default 100)."""
    funding_by_page: bool = False
    """Whether the venue lists funding history newest first by page number, not by time
    (Bitget)."""

    # --- rate limits ----------------------------------------------------------------------
    rate_limit_share: float = 0.95
    """The share of ccxt's model of the venue's budget that connectors may spend together."""
    rate_limit_burst: float = 50.0
    """Cost units that may be spent at once (it must cover the dearest single call)."""
    rate_limit_group: str | None = None
    """One budget for every ccxt class of the venue, under this name, where the venue meters
    them together (KuCoin's public pool); `None`: one budget per ccxt class."""
    order_rate_limits: Mapping[TradeType, tuple[tuple[int, float], ...]] = field(
        default_factory=_frozen
    )
    """The venue's limits on one account's new orders, per trade type, as `(orders, seconds)`
    windows; an order waits for room in every window instead of being refused."""
    retry_after_headers: tuple[tuple[str, float], ...] = (("Retry-After", 1.0),)
    """Response headers that say how long to wait after a 429, each with the factor that makes
    it seconds, tried in order."""

    # --- errors -------------------------------------------------------------------------
    error_code: re.Pattern[str] | None = None
    """How to find the venue's error code in ccxt's message (group 1)."""
    error_classes: Mapping[str, type[ExchangeLayerError]] = field(default_factory=_frozen)
    """Error codes ccxt maps too coarsely, with the exchlayer error each one is."""

    # --- answers ------------------------------------------------------------------------
    json_checked: bool = False
    """Whether every answer's top-level JSON type is known: a GET to a `json_lists` path
    answers a list, anything else an object. A body of the other type is malformed."""
    json_lists: re.Pattern[str] | None = None
    """The URL paths (searched) whose GET answers a JSON list."""
    enveloped_lists: Mapping[str, str | None] = field(default_factory=_frozen)
    """For venues that wrap answers in an envelope (`{"code": ..., "data": ...}`): where each list
    endpoint's records sit under `data` (path suffix -> key, `None` when `data` is the list).
    ccxt reads a list it cannot find as empty ("no open orders"); exchlayer refuses it."""
    position_keys: tuple[str, str] | None = None
    """The keys of the venue's own position record that name its market and hold its size: a
    position without them (nulled, wrapped) is malformed, not flat."""
    ticker_has_time: bool = True
    """Whether the venue's tickers carry a time; if not, the answer's arrival stands in."""

    def params(self, call: str, trade_type: TradeType) -> dict[str, Any]:
        """The extra ccxt `params` of ccxt method `call` for `trade_type`."""
        out = dict(self.call_params.get((call, None), _NONE))
        out.update(self.call_params.get((call, trade_type), _NONE))
        return out

    def error_class(self, message: str) -> type[ExchangeLayerError] | None:
        """The error `error_classes` names for the code in ccxt's `message`, if any."""
        if self.error_code is None:
            return None
        match = self.error_code.search(message)
        return self.error_classes.get(match.group(1)) if match else None
