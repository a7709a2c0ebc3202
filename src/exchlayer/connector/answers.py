"""What a venue's answer must look like before exchlayer believes it.

Two levels: the raw JSON (`answer_check`, from the venue's profile: the top-level type of each
endpoint's answer, and where an enveloped list keeps its records), and ccxt's parse of it
(`valid_parsed`: a ticker with a price, an order with an id, a side and a symbol, ...). ccxt's
parsers are lenient, and a body of the wrong shape would come back as records of Nones or as an
empty list that reads as "none"; both levels refuse that.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .profile import VenueProfile

__all__ = ["answer_check", "enveloped_records", "named_rows", "valid_parsed"]


def answer_check(
    profile: VenueProfile | None,
) -> Callable[[str, str, Any], str | None] | None:
    """The profile's checks of a JSON answer's shape, as one function (None: none declared)."""
    if profile is None or not (profile.json_checked or profile.enveloped_lists):
        return None
    lists: re.Pattern[str] | None = profile.json_lists
    checked, enveloped = profile.json_checked, profile.enveloped_lists

    def check(method: str, path: str, answer: Any) -> str | None:
        if checked:
            listed = method == "GET" and lists is not None and lists.search(path) is not None
            expected = list if listed else dict
            if not isinstance(answer, expected):
                return (
                    f"expected a JSON {expected.__name__} from the venue, "
                    f"got a {type(answer).__name__}"
                )
        if enveloped and not enveloped_records(method, path, answer, enveloped):
            return "the answer does not hold its records where this endpoint keeps them"
        return None

    return check


def enveloped_records(
    method: str, url: str, answer: Any, lists: Mapping[str, str | None]
) -> bool:
    """Whether an enveloped answer (`{"code": ..., "data": ...}`) of a GET to an endpoint in
    `lists` (path suffix -> the key under `data` that holds its records, or `None` when `data`
    is the list itself) holds a list of records there (or, under a key that is there, null).
    Endpoints not in `lists` pass."""
    if method != "GET":
        return True
    for suffix, key in lists.items():
        if url.endswith(suffix):
            data = answer.get("data") if isinstance(answer, Mapping) else None
            if key is not None:
                if not isinstance(data, Mapping) or key not in data:
                    return False
                data = data[key]
                if data is None:
                    return True  # nothing to list (Bitget writes null)
            # records are objects, or (candles) rows of values: one kind or the other throughout
            return isinstance(data, list) and (
                all(isinstance(r, Mapping) for r in data) or all(isinstance(r, list) for r in data)
            )
    return True


def valid_parsed(kind: str, raw: Any, position_keys: tuple[str, str] | None) -> bool:  # noqa: PLR0911 - one check per answer kind: a flat dispatch
    """Whether ccxt's parsed answer of `kind` carries what the models need."""
    if kind == "ticker":
        return isinstance(raw, Mapping) and any(
            raw.get(k) is not None for k in ("last", "bid", "ask", "close")
        )
    if kind == "order":
        return _valid_order(raw)
    if kind == "orders":
        return isinstance(raw, list) and all(_valid_order(o) for o in raw)
    if kind == "trades":
        return isinstance(raw, list) and all(
            isinstance(t, Mapping)
            and t.get("id") is not None
            and t.get("price") is not None
            and t.get("amount") is not None
            for t in raw
        )
    if kind == "positions":
        return isinstance(raw, list) and all(
            isinstance(p, Mapping)
            and p.get("symbol")
            and (position_keys is None or _names_position(p.get("info"), *position_keys))
            for p in raw
        )
    if kind in ("order_book", "balance"):
        return isinstance(raw, Mapping)
    return True


def _valid_order(raw: Any) -> bool:
    return (
        isinstance(raw, Mapping)
        and raw.get("id") is not None
        and raw.get("side") in ("buy", "sell")
        and isinstance(raw.get("symbol"), str)
    )


def _names_position(info: Any, market_key: str, size_key: str) -> bool:
    return (
        isinstance(info, Mapping)
        and isinstance(info.get(market_key), str)
        and bool(info.get(market_key))
        and info.get(size_key) is not None
    )


def named_rows(rows: Any, *keys: str) -> bool:
    """Whether `rows` is a list of records each naming itself (a currency, a market) under
    one of `keys` with a non-empty string: a venue's balance or position list, not garbage."""
    return isinstance(rows, list) and all(
        isinstance(row, Mapping)
        and any(isinstance(row.get(key), str) and row.get(key) for key in keys)
        for row in rows
    )

