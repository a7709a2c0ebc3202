"""Answer mutations: a venue's real JSON answer, transformed before it is sent.

``Fault.MUTATE`` (`exchlayer.testing.simulator.faults`) lets the venue act on a request,
then rewrites its answer with one `Mutation`. That is what a buggy or hostile front (a
proxy, a CDN, a half-deployed venue release) that still says "OK" looks like, so by default
only the payload changes and the venue's success envelope stays intact (KuCoin
``{"code": "200000", "data": <payload>}``); ``scope="all"`` rewrites the whole body. An error
answer is never rewritten: a mutation cannot turn a refusal into something else.

The transformation is deterministic: the same answer always becomes the same bytes. JSON
numbers are kept as the text the venue sent, so an untouched number is never re-rendered.

========================  ===============================================================
mutation                  what the client receives
========================  ===============================================================
``NEGATE``                every number and numeric string negated (``"0.5"`` -> ``"-0.5"``,
                          ids and timestamps included)
``NULL``                  every leaf value (number, string, boolean) ``null``
``ZERO``                  every number ``0``, every numeric string ``"0"``
``INFINITE``              numeric strings ``"Infinity"``, numbers the literal ``1e400``
``HUGE``                  numeric strings ``"1E+400"``, numbers the literal ``1E+400``
``OTHER_SYMBOL``          each of the venue's market ids replaced by another listed market of
                          the same family (``BTCUSDT`` -> ``ETHUSDT``, ``BTC_USDT`` ->
                          ``ETH_USDT``)
``DUPLICATE_KEYS``        every object with each key twice: first the real value, last a
                          hostile one (negated number, another symbol, flipped boolean);
                          JSON parsers keep the last
``EMPTY``                 the payload replaced by ``{}`` (or ``[]`` for a list)
``WRAP``                  the payload one level deeper: ``{"data": <payload>}`` for an
                          object, ``[<payload>]`` otherwise
``TRUNCATE``              HTTP 200 with a consistent ``Content-Length`` but the JSON text cut
                          in half (``Fault.TRUNCATED`` instead drops the connection mid-body)
========================  ===============================================================
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Mutation", "mutate_json", "other_symbol_map"]


class Mutation(str, enum.Enum):
    """How ``Fault.MUTATE`` rewrites an answer (see the module table)."""

    NEGATE = "negate"
    NULL = "null"
    ZERO = "zero"
    INFINITE = "infinite"
    HUGE = "huge"
    OTHER_SYMBOL = "other_symbol"
    DUPLICATE_KEYS = "duplicate_keys"
    EMPTY = "empty"
    WRAP = "wrap"
    TRUNCATE = "truncate"


_NUMERIC = re.compile(r"^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


@dataclass(frozen=True)
class _Num:
    """A JSON number, kept as the text the venue sent."""

    text: str


@dataclass(frozen=True)
class _Raw:
    """JSON text written as is (``1e400``, which no Python float renders)."""

    text: str


def _parse(body: bytes) -> Any:
    return json.loads(body, parse_int=_Num, parse_float=_Num, parse_constant=_Num)


def _negate_text(text: str) -> str:
    return text[1:] if text.startswith("-") else "-" + text


def _is_numeric(value: str) -> bool:
    return bool(_NUMERIC.match(value))


def other_symbol_map(families: list[list[str]]) -> dict[str, str]:
    """Each market id -> the next id of its family (the last wraps to the first); a family of
    one id has no other market and is left out."""
    out: dict[str, str] = {}
    for family in families:
        ids = list(dict.fromkeys(family))
        if len(ids) < 2:
            continue
        for i, market_id in enumerate(ids):
            out.setdefault(market_id, ids[(i + 1) % len(ids)])
    return out


def _leaf_map(value: Any, leaf: Callable[[Any], Any]) -> Any:
    if isinstance(value, dict):
        return {k: _leaf_map(v, leaf) for k, v in value.items()}
    if isinstance(value, list):
        return [_leaf_map(v, leaf) for v in value]
    return leaf(value)


def _negate(value: Any) -> Any:
    if isinstance(value, _Num):
        return _Num(_negate_text(value.text))
    if isinstance(value, str) and _is_numeric(value):
        return _negate_text(value)
    return value


def _null(value: Any) -> Any:
    return None


def _zero(value: Any) -> Any:
    if isinstance(value, _Num):
        return _Num("0")
    if isinstance(value, str) and _is_numeric(value):
        return "0"
    return value


def _infinite(value: Any) -> Any:
    if isinstance(value, _Num):
        return _Raw("1e400")
    if isinstance(value, str) and _is_numeric(value):
        return "Infinity"
    return value


def _huge(value: Any) -> Any:
    if isinstance(value, _Num):
        return _Raw("1E+400")
    if isinstance(value, str) and _is_numeric(value):
        return "1E+400"
    return value


def _hostile(value: Any, symbols: Mapping[str, str]) -> Any:
    """The value a hostile duplicate key carries: another symbol, a negated number, a flipped
    boolean (other values stay as they are)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, str) and value in symbols:
        return symbols[value]
    return _negate(value)


def _dump(value: Any, *, duplicate: Mapping[str, str] | None = None) -> str:  # noqa: PLR0911 - one return per JSON type
    """JSON text for ``value``; with ``duplicate``, every object carries each key twice."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (_Num, _Raw)):
        return value.text
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ",".join(_dump(v, duplicate=duplicate) for v in value) + "]"
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            name = json.dumps(key)
            parts.append(f"{name}:{_dump(item, duplicate=duplicate)}")
            if duplicate is not None:
                hostile = _leaf_map(item, lambda leaf: _hostile(leaf, duplicate))
                parts.append(f"{name}:{_dump(hostile)}")
        return "{" + ",".join(parts) + "}"
    raise TypeError(f"cannot render {type(value).__name__} as JSON")  # pragma: no cover


def _transform(value: Any, mutation: Mutation, symbols: Mapping[str, str]) -> Any:  # noqa: PLR0911 - one return per Mutation: a flat dispatch
    if mutation is Mutation.NEGATE:
        return _leaf_map(value, _negate)
    if mutation is Mutation.NULL:
        return _leaf_map(value, _null)
    if mutation is Mutation.ZERO:
        return _leaf_map(value, _zero)
    if mutation is Mutation.INFINITE:
        return _leaf_map(value, _infinite)
    if mutation is Mutation.HUGE:
        return _leaf_map(value, _huge)
    if mutation is Mutation.OTHER_SYMBOL:
        return _leaf_map(
            value, lambda leaf: symbols.get(leaf, leaf) if isinstance(leaf, str) else leaf
        )
    if mutation is Mutation.EMPTY:
        return [] if isinstance(value, list) else {}
    if mutation is Mutation.WRAP:
        return {"data": value} if isinstance(value, dict) else [value]
    return value  # DUPLICATE_KEYS and TRUNCATE act when the text is written


def mutate_json(
    body: bytes,
    mutation: Mutation,
    *,
    payload_key: str | None,
    whole: bool = False,
    symbols: Mapping[str, str] | None = None,
) -> bytes | None:
    """``body`` (a venue's JSON answer) rewritten by ``mutation``, or ``None`` when it is not
    JSON or has no payload where the venue's envelope keeps it.

    ``payload_key`` names the envelope key of the payload (``None``: no envelope, the whole
    body is the payload); ``whole=True`` rewrites the envelope too.
    """
    try:
        tree = _parse(body)
    except ValueError:
        return None
    table = symbols or {}
    if whole or payload_key is None:
        tree = _transform(tree, mutation, table)
        text = _dump(tree, duplicate=table if mutation is Mutation.DUPLICATE_KEYS else None)
    else:
        if not isinstance(tree, dict) or payload_key not in tree:
            return None
        tree[payload_key] = _transform(tree[payload_key], mutation, table)
        if mutation is Mutation.DUPLICATE_KEYS:
            parts = [
                f"{json.dumps(key)}:"
                + (_dump(item, duplicate=table) if key == payload_key else _dump(item))
                for key, item in tree.items()
            ]
            text = "{" + ",".join(parts) + "}"
        else:
            text = _dump(tree)
    data = text.encode()
    if mutation is Mutation.TRUNCATE:
        data = data[: max(1, len(data) // 2)]
    return data
