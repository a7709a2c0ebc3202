"""Instruments: the `Instrument` record of a tradable market, the default set
(`default_instruments`) and the synthetic one for load tests (`synthetic_instruments`), with
the `Decimal` constants, rounding helpers and process-independent hash every engine module
shares.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

ZERO = Decimal(0)
ONE = Decimal(1)
_BPS = Decimal("0.0001")
_DAY_MS = 86_400_000


def _stable_int(*parts: object) -> int:
    """A process-independent hash (``hash()`` of a str is salted per process)."""
    return zlib.crc32(":".join(str(p) for p in parts).encode())


def _floor_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_DOWN) * step


def _ceil_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_CEILING) * step


def _round_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_HALF_UP) * step


def _is_multiple(value: Decimal, step: Decimal) -> bool:
    return (value % step) == ZERO


@dataclass(frozen=True, kw_only=True)
class Instrument:
    """A tradable market. Amounts of a ``swap`` are in contracts of ``contract_size`` base units."""

    symbol: str
    base: str
    quote: str
    settle: str | None = None
    kind: Literal["spot", "swap"] = "spot"
    price_tick: Decimal
    amount_step: Decimal
    min_amount: Decimal
    max_amount: Decimal
    min_notional: Decimal
    contract_size: Decimal = ONE
    min_price: Decimal | None = None
    max_price: Decimal = Decimal(1_000_000)
    start_price: Decimal | None = None
    max_leverage: int = 125
    maintenance_margin_rate: Decimal = Decimal("0.004")

    def __post_init__(self) -> None:
        if self.kind not in ("spot", "swap"):
            raise ValueError(f"unknown instrument kind {self.kind!r}")
        if self.kind == "swap" and self.settle is None:
            raise ValueError(f"{self.symbol}: a swap needs a settle asset")
        for name in ("price_tick", "amount_step", "contract_size"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{self.symbol}: {name} must be positive")

    @property
    def is_swap(self) -> bool:
        return self.kind == "swap"

    @property
    def lowest_price(self) -> Decimal:
        return self.min_price if self.min_price is not None else self.price_tick


def _spot(
    base: str, *, tick: str, step: str, max_qty: str, min_notional: str, start: str
) -> Instrument:
    return Instrument(
        symbol=f"{base}/USDT",
        base=base,
        quote="USDT",
        price_tick=Decimal(tick),
        amount_step=Decimal(step),
        min_amount=Decimal(step),
        max_amount=Decimal(max_qty),
        min_notional=Decimal(min_notional),
        start_price=Decimal(start),
    )


def _perp(
    base: str,
    *,
    tick: str,
    step: str,
    max_qty: str,
    min_notional: str,
    start: str,
    mmr: str = "0.004",
) -> Instrument:
    return Instrument(
        symbol=f"{base}/USDT:USDT",
        base=base,
        quote="USDT",
        settle="USDT",
        kind="swap",
        price_tick=Decimal(tick),
        amount_step=Decimal(step),
        min_amount=Decimal(step),
        max_amount=Decimal(max_qty),
        min_notional=Decimal(min_notional),
        start_price=Decimal(start),
        maintenance_margin_rate=Decimal(mmr),
    )


def default_instruments() -> list[Instrument]:
    """BTC, ETH and SOL against USDT, spot and linear perpetual (see the module docstring)."""
    return [
        _spot("BTC", tick="0.01", step="0.00001", max_qty="9000", min_notional="5", start="50000"),
        _spot("ETH", tick="0.01", step="0.0001", max_qty="9000", min_notional="5", start="3000"),
        _spot("SOL", tick="0.01", step="0.001", max_qty="90000", min_notional="5", start="150"),
        _perp("BTC", tick="0.10", step="0.001", max_qty="1000", min_notional="100", start="50000"),
        _perp(
            "ETH",
            tick="0.01",
            step="0.001",
            max_qty="10000",
            min_notional="20",
            start="3000",
            mmr="0.005",
        ),
        _perp(
            "SOL",
            tick="0.010",
            step="1",
            max_qty="1000000",
            min_notional="5",
            start="150",
            mmr="0.005",
        ),
    ]


def synthetic_instruments(n: int, *, perpetuals: bool = True) -> list[Instrument]:
    """``n`` synthetic coins ``C0001``.. each with a spot market and (by default) a USDT perpetual.

    ``synthetic_instruments(1000)`` gives 2,000 symbols. Prices start between 1 and 1,000.
    """
    out: list[Instrument] = []
    width = max(4, len(str(n)))
    for i in range(1, n + 1):
        coin = f"C{i:0{width}d}"
        start = Decimal(1 + _stable_int("synthetic", coin) % 1000)
        out.append(
            Instrument(
                symbol=f"{coin}/USDT",
                base=coin,
                quote="USDT",
                price_tick=Decimal("0.0001"),
                amount_step=Decimal("0.01"),
                min_amount=Decimal("0.01"),
                max_amount=Decimal(10_000_000),
                min_notional=Decimal(5),
                start_price=start,
            )
        )
        if perpetuals:
            out.append(
                Instrument(
                    symbol=f"{coin}/USDT:USDT",
                    base=coin,
                    quote="USDT",
                    settle="USDT",
                    kind="swap",
                    price_tick=Decimal("0.0001"),
                    amount_step=Decimal("0.1"),
                    min_amount=Decimal("0.1"),
                    max_amount=Decimal(10_000_000),
                    min_notional=Decimal(5),
                    start_price=start,
                    max_leverage=50,
                    maintenance_margin_rate=Decimal("0.01"),
                )
            )
    return out
