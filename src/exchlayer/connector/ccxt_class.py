"""exchlayer's subclass of a venue's ccxt class: built once per venue, every change declared here.

What every venue's class gets:

- errors carry the HTTP status and headers of the answer they came from (`_annotate`), so a 5xx
  is never read as a refusal and a 429's `Retry-After` is honoured;
- every answer is JSON of the shape its endpoint answers (the profile's `json_lists`,
  `enveloped_lists`), else `BadResponse` before ccxt parses it into empty records;
- every request is traced (`calls._TRACE`), so a failure can tell "nothing was sent" from "the
  venue may have acted";
- numbers stay the venue's text while ccxt builds tickers, orders, trades, balances,
  positions, candles and funding histories (`parsing.exact_number`), and book levels go
  straight to Decimal;
- a ticker's figures are worked out as ccxt works them, without those exchlayer never reads
  (`lean_safe_ticker`);
- an answer about one market that holds another market's records is refused (ccxt would drop
  them and answer "none").

On top of those, the venue's own `VenueProfile.ccxt_patches`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from ..errors import ConfigurationError
from . import parsing
from .answers import answer_check
from .calls import current_trace
from .profile import VenueProfile

__all__ = ["ccxt_class"]

_POSITION_PARSERS = ("parse_position", "parse_position_risk", "parse_account_position")
_FUNDING_PARSERS = ("parse_funding_rate_histories",)


def ccxt_class(
    ccxt_id: str, profile: VenueProfile | None = None, *, pro: bool = False
) -> type[Any]:
    """exchlayer's ccxt class for `ccxt_id`, as `profile` (if any) describes the venue; with
    `pro`, its ccxt.pro class (the streams), whose book levels are Decimals too."""
    return _build(ccxt_id, profile, pro)


@cache
def _build(ccxt_id: str, profile: VenueProfile | None, pro: bool = False) -> type[Any]:  # noqa: PLR0915 - the class built: one declared patch per statement
    import ccxt.async_support as ccxt_async

    if pro:
        import ccxt.pro as ccxt_pro

        base = getattr(ccxt_pro, ccxt_id, None)
    else:
        base = getattr(ccxt_async, ccxt_id, None)
    if base is None:
        raise ConfigurationError(f"ccxt has no exchange class {ccxt_id!r}")
    bad_response = ccxt_async.BadResponse

    # ccxt's exceptions do not say which HTTP status produced them, and some venues wrap a 5xx
    # in a JSON body ccxt reads as a permanent refusal.
    def handle_errors(  # noqa: PLR0917 - ccxt's own signature
        self: Any, code: Any, reason: Any, url: Any, method: Any, headers: Any, *rest: Any
    ) -> Any:
        try:
            return base.handle_errors(self, code, reason, url, method, headers, *rest)
        except Exception as exc:
            _annotate(exc, code, headers)
            raise

    def handle_http_status_code(self: Any, code: Any, *rest: Any) -> Any:
        try:
            return base.handle_http_status_code(self, code, *rest)
        except Exception as exc:
            _annotate(exc, code, getattr(self, "last_response_headers", None))
            raise

    check_answer = answer_check(profile)

    # ccxt hands a body that is not JSON (a proxy's garbage, an empty 200) to the venue's
    # parser as a string, and the parsers turn it into records of Nones.
    async def fetch(self: Any, url: Any, method: Any = "GET", headers: Any = None,
                    body: Any = None) -> Any:
        trace = current_trace()
        mutating = method != "GET"
        if trace is not None:
            trace.answered = False
            if mutating:
                trace.mutations += 1
        result = await base.fetch(self, url, method, headers, body)
        path = url.split("?")[0]
        if not isinstance(result, (dict, list)):
            preview = str(result)[:80] if result else "an empty body"
            raise bad_response(
                f"{self.id} {method} {path}: the venue answered with something that is not "
                f"JSON: {preview!r}"
            )
        problem = check_answer(method, path, result) if check_answer is not None else None
        if problem is None:
            holds = getattr(self, "xl_answer_holds", None)
            if holds is not None and not holds(method, path, result):
                problem = "the answer does not hold what this endpoint answers"
        if problem is not None:
            raise bad_response(f"{self.id} {method} {path}: {problem} ({str(result)[:80]!r})")
        if trace is not None:
            trace.answered = True
            if mutating:
                trace.accepted += 1
        return result

    # ccxt works tickers, orders, trades, balances and positions out in strings, then turns
    # each number into a float (~16 digits), which exchlayer would turn back into a Decimal.
    # Within these calls ccxt's number keeps the strings; the parsers make each a Decimal once.
    def in_decimals(name: str, parse: Callable[..., Any] | None = None) -> Callable[..., Any]:
        parse = parse or getattr(base, name)

        def parse_in_decimals(self: Any, *args: Any) -> Any:
            number = self.number
            self.number = parsing.exact_number
            try:
                return parse(self, *args)
            finally:
                self.number = number

        parse_in_decimals.__name__ = name
        return parse_in_decimals

    # The venues filter by symbol themselves: another market's record in an answer about one
    # market means the answer is not to be believed (ccxt would drop it and answer "none").
    def filter_by_symbol_since_limit(  # noqa: PLR0917 - ccxt's own signature
        self: Any, array: Any, symbol: Any = None, since: Any = None, limit: Any = None,
        tail: Any = False,
    ) -> Any:
        if symbol is not None:
            for entry in self.to_array(array):
                got = entry.get("symbol") if isinstance(entry, dict) else None
                if got != symbol:
                    raise bad_response(
                        f"{self.id}: the answer about {symbol} holds a record of {got!r}"
                    )
        return base.filter_by_symbol_since_limit(self, array, symbol, since, limit, tail)

    methods: dict[str, Any] = {
        "parse_order_book_bid_ask": parsing.decimal_bid_ask,
        "safe_ticker": in_decimals("safe_ticker", lean_safe_ticker(base.safe_ticker)),
        "safe_order": in_decimals("safe_order"),
        "safe_trade": in_decimals("safe_trade"),
        "safe_balance": in_decimals("safe_balance"),
        **{name: in_decimals(name) for name in _POSITION_PARSERS if hasattr(base, name)},
        "parse_ohlcvs": in_decimals("parse_ohlcvs"),
        **{name: in_decimals(name) for name in _FUNDING_PARSERS if hasattr(base, name)},
        "filter_by_symbol_since_limit": filter_by_symbol_since_limit,
        "handle_errors": handle_errors,
        "handle_http_status_code": handle_http_status_code,
        "fetch": fetch,
    }
    patches = dict(profile.ccxt_patches) if profile is not None else {}
    if pro:
        from .streams import decimal_level

        # ccxt.pro updates a book's levels in place: the snapshot's are lists
        methods["parse_order_book_bid_ask"] = decimal_level
        patches.update(profile.ccxt_pro_patches if profile is not None else {})
    for name, patch in patches.items():
        original = methods.get(name) or getattr(base, name, None)
        if original is None:
            raise ConfigurationError(f"ccxt's {ccxt_id} has no method {name!r} to patch")
        methods[name] = patch(original)
    return type(base.__name__, (base,), methods)


def lean_safe_ticker(full: Callable[..., Any]) -> Callable[..., Any]:
    """ccxt's `safe_ticker` (`full`) for the figures a `Ticker` holds, without the ones it
    does not (vwap, average and change, which ccxt derives on every ticker with string
    arithmetic): open and percentage are derived exactly as ccxt derives them; a ticker with
    no close (which ccxt would derive from an average) goes to `full`. The figures it leaves
    out keep what the venue's parser put there."""
    from ccxt.base.precise import Precise

    add, sub = Precise.string_add, Precise.string_sub
    mul, div = Precise.string_mul, Precise.string_div

    def safe_ticker(self: Any, ticker: dict[str, Any], market: Any = None) -> Any:
        string, omit_zero, number = self.safe_string, self.omit_zero, self.parse_number
        close = omit_zero(self.safe_string_2(ticker, "close", "last"))
        if close is None:
            return full(self, ticker, market)
        open_ = omit_zero(string(ticker, "open"))
        change = string(ticker, "change")
        percentage = omit_zero(string(ticker, "percentage"))
        if open_ is None:
            if change is not None:
                open_ = sub(close, change)
            elif percentage is not None:
                open_ = div(close, add("1", div(percentage, "100")))
        if open_ is not None and percentage is None:
            if change is None:
                change = sub(close, open_)
            percentage = mul(div(change, open_), "100")
        parsed = dict(ticker)
        last = number(close)
        parsed.update(
            bid=number(omit_zero(string(ticker, "bid"))),
            bidVolume=self.safe_number(ticker, "bidVolume"),
            ask=number(omit_zero(string(ticker, "ask"))),
            askVolume=self.safe_number(ticker, "askVolume"),
            high=number(omit_zero(string(ticker, "high"))),
            low=number(omit_zero(string(ticker, "low"))),
            open=number(omit_zero(open_)),
            close=last,
            last=last,
            percentage=number(percentage),
            baseVolume=number(string(ticker, "baseVolume")),
            quoteVolume=number(string(ticker, "quoteVolume")),
        )
        return parsed

    return safe_ticker


def _annotate(exc: Exception, status: Any, headers: Any) -> None:
    exc.xl_http_status = status  # type: ignore[attr-defined]
    exc.xl_headers = headers  # type: ignore[attr-defined]  # the response's, not the request's
