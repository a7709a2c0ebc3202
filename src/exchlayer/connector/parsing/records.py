"""Tickers, balances, positions and markets: one parser each, a check per field."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ...models import Balance, MarginMode, Market, Position, PositionSide, Ticker, TradeType
from .numbers import (
    _NOT_IDS,
    _POSITIVE,
    _PRICE,
    _SIZE,
    _ZERO,
    _bad,
    _identifier,
    _mapping,
    _number,
    _preview,
    _refuse,
    _symbol,
    _text,
    to_datetime,
)

_ONE = Decimal(1)
_HALF = Decimal("0.5")


# --- tickers --------------------------------------------------------------------------------
def parse_ticker(raw: Mapping[str, Any], symbol: str, trade_type: TradeType) -> Ticker:
    """ccxt's ticker -> `Ticker` (for ``symbol``, the one asked for)."""
    raw = _mapping(raw, "ticker")
    got = raw.get("symbol")
    if got is not None and got != symbol:
        _refuse(f"the venue answered with {_preview(got)}'s ticker when asked for {symbol}'s")
    get = raw.get
    last = get("last")
    last = _number(last if last is not None else get("close"), "ticker last price", _PRICE)
    bid = _number(get("bid"), "ticker bid", _PRICE)
    ask = _number(get("ask"), "ticker ask", _PRICE)
    if last is None and bid is None and ask is None:
        _refuse("the venue's ticker holds no price (no last price, bid or ask)")
    if bid is not None and ask is not None and bid > ask:
        _refuse(f"the venue's ticker is crossed: bid {bid} above ask {ask}")
    high = _number(get("high"), "ticker high", _PRICE)
    low = _number(get("low"), "ticker low", _PRICE)
    if high is not None and low is not None and low > high:
        _refuse(f"the venue's ticker has its 24-hour low {low} above its high {high}")
    return Ticker._trusted(
        symbol=symbol,
        trade_type=trade_type,
        last_price=last,
        bid=bid,
        ask=ask,
        bid_size=_number(get("bidVolume"), "ticker bid size", _SIZE),
        ask_size=_number(get("askVolume"), "ticker ask size", _SIZE),
        open=_number(get("open"), "ticker open", _PRICE),
        high=high,
        low=low,
        base_volume=_number(get("baseVolume"), "ticker base volume", _SIZE),
        quote_volume=_number(get("quoteVolume"), "ticker quote volume", _SIZE),
        change_percent=_number(get("percentage"), "ticker change percentage"),
        timestamp=to_datetime(get("timestamp"), "ticker timestamp"),
        raw=get("info", raw),
    )


# --- balances -------------------------------------------------------------------------------
def _rounding(*values: Decimal) -> Decimal:
    """How far apart a sum and its terms can be when each was rounded to its own last place:
    half a unit in the last place of each."""
    return sum((_HALF.scaleb(int(value.as_tuple().exponent)) for value in values), _ZERO)


def parse_balances(  # noqa: PLR0912 - one refusal per malformed balance row; hot path, kept inline
    raw: Mapping[str, Any], trade_type: TradeType, currency: str | None
) -> list[Balance]:
    """ccxt's balance -> non-zero `Balance` rows (or the one for ``currency``)."""
    raw = _mapping(raw, "balance")
    info = raw.get("info")
    if info is None or (isinstance(info, Mapping) and not info):
        raise _bad("balance answer", info, "the venue's balance payload")
    sides = []
    for key in ("free", "used", "total"):
        part = raw.get(key)
        if part is None:
            part = {}
        elif not isinstance(part, Mapping):
            raise _bad(f"balance {key} table", part, "a table of currencies")
        sides.append(part)
    free, used, total = sides
    listed = set(free) | set(used) | set(total)
    for code in listed:
        if type(code) is not str or not code or code in _NOT_IDS:
            raise _bad("balance currency", code, "a currency code")
    spot = trade_type is TradeType.SPOT
    codes = [currency] if currency is not None else sorted(listed)
    balances = []
    for code in codes:
        f_raw, u_raw, t_raw = free.get(code), used.get(code), total.get(code)
        if code in listed and f_raw is None and u_raw is None and t_raw is None:
            _refuse(f"the venue's balance of {code} holds no figure (free, used and total null)")
        if spot:
            f = _number(f_raw, f"{code} balance free", _SIZE)
            u = _number(u_raw, f"{code} balance used", _SIZE)
            t = _number(t_raw, f"{code} balance total", _SIZE)
        else:
            f = _number(f_raw, f"{code} balance free")
            u = _number(u_raw, f"{code} balance used")
            t = _number(t_raw, f"{code} balance total")
        if (
            spot and f is not None and u is not None and t is not None
            and t != f + u and abs(t - f - u) > _rounding(f, u, t)
        ):
            _refuse(
                f"the venue's {code} balance does not add up: free {f} + used {u} is not "
                f"total {t}"
            )
        if t is None:
            t = (f or _ZERO) + (u or _ZERO)
        if f is None:
            f = t - (u or _ZERO)
        if u is None:
            u = t - f
        if currency is None and not t and not f and not u:
            continue
        balances.append(
            Balance._trusted(
                currency=code, trade_type=trade_type, free=f, used=u, total=t, raw=info
            )
        )
    return balances



# --- positions ------------------------------------------------------------------------------
def parse_position(raw: Mapping[str, Any], *, symbol: str | None = None) -> Position | None:
    """ccxt's position -> `Position`, or ``None`` for a flat (empty) one; ``symbol``,
    when given, is the market asked about, which the answer's own symbol must be."""
    raw = _mapping(raw, "position")
    get = raw.get
    market = _symbol(raw, symbol, "position")
    contracts = _number(get("contracts"), "position contracts")
    if not contracts:
        return None
    contract_size = _number(get("contractSize"), "position contract size", _POSITIVE) or _ONE
    side = get("side")
    if side not in ("long", "short"):
        side = "short" if contracts < 0 else "long"
    mode = get("marginMode")
    contracts = abs(contracts)
    margin = _number(get("initialMargin"), "position initial margin")
    if not margin:
        margin = _number(get("collateral"), "position collateral")
    notional = _number(get("notional"), "position notional")
    return Position._trusted(
        symbol=market,
        side=PositionSide(side),
        size=contracts if contract_size == _ONE else contracts * contract_size,
        contracts=contracts,
        contract_size=contract_size,
        entry_price=_number(get("entryPrice"), "position entry price", _PRICE),
        mark_price=_number(get("markPrice"), "position mark price", _PRICE),
        liquidation_price=_number(get("liquidationPrice"), "position liquidation price", _PRICE),
        notional=None if notional is None else abs(notional),
        unrealized_pnl=_number(get("unrealizedPnl"), "position unrealized pnl"),
        margin=margin,
        leverage=_number(get("leverage"), "position leverage", _SIZE),
        margin_mode=MarginMode(mode) if mode in ("cross", "isolated") else None,
        timestamp=to_datetime(get("timestamp"), "position timestamp"),
        raw=get("info", raw),
    )


# --- markets --------------------------------------------------------------------------------
def _limits(raw: Any, what: str) -> tuple[Decimal | None, Decimal | None]:
    """A ccxt ``{"min", "max"}`` limit: min >= 0, max > 0 (0 is "no maximum"), min <= max."""
    if raw is None:
        return None, None
    if not isinstance(raw, Mapping):
        raise _bad(f"market {what} limits", raw, "a min/max record")
    low = _number(raw.get("min"), f"market minimum {what}", _SIZE)
    high = _number(raw.get("max"), f"market maximum {what}", _PRICE)
    if low is not None and high is not None and low > high:
        _refuse(f"the venue's market has a minimum {what} {low} above its maximum {high}")
    return low, high


def parse_market(raw: Mapping[str, Any]) -> Market:
    """ccxt's market -> `Market` (ccxt runs every supported venue in tick-size mode)."""
    raw = _mapping(raw, "market")
    market = raw.get("symbol")
    if type(market) is not str or not market:
        raise _bad("market symbol", market, "a market symbol")
    precision = raw.get("precision") or {}
    limits = raw.get("limits") or {}
    if not isinstance(precision, Mapping) or not isinstance(limits, Mapping):
        raise _bad(f"{market} market precision and limits", (precision, limits), "records")
    min_amount, max_amount = _limits(limits.get("amount"), "amount")
    min_price, max_price = _limits(limits.get("price"), "price")
    min_notional, _ = _limits(limits.get("cost"), "notional")
    _, max_leverage = _limits(limits.get("leverage"), "leverage")
    return Market(
        symbol=market,
        id=_identifier(raw.get("id"), f"{market} market id"),
        base=_text(raw.get("base"), f"{market} market base") or "",
        quote=_text(raw.get("quote"), f"{market} market quote") or "",
        settle=_text(raw.get("settle"), f"{market} market settle"),
        trade_type=TradeType.SPOT if raw.get("spot") else TradeType.FUTURES,
        active=raw.get("active") is not False,
        contract_size=_number(raw.get("contractSize"), f"{market} contract size", _POSITIVE),
        price_tick=_number(precision.get("price"), f"{market} price tick", _POSITIVE),
        amount_step=_number(precision.get("amount"), f"{market} amount step", _POSITIVE),
        min_amount=min_amount,
        max_amount=max_amount,
        min_price=min_price,
        max_price=max_price,
        min_notional=min_notional,
        max_leverage=max_leverage,
        maker_fee=_number(raw.get("maker"), f"{market} maker fee"),
        taker_fee=_number(raw.get("taker"), f"{market} taker fee"),
        raw=raw.get("info"),
    )
