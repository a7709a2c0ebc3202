"""One account placing orders as fast as it can: exchlayer's order windows vs raw ccxt.

Venues count each account's new orders (Binance spot: 100 per 10 s; Gate spot: 10 a second),
and the simulator enforces those windows as the venues do: an order over the limit is refused
with a 429 and not placed. ccxt's throttle models request weight, not order counts, so raw ccxt
(``enableRateLimit=True``) sends orders faster than the account may place them. exchlayer
holds each account's orders inside the windows: an order waits for room instead.

Four tasks per client place limit orders (far from the market, so they rest) for the duration.
Printed per venue and client: orders placed; 429s the venue answered; how the client reported
them (as a rate-limit error, or as something else: ccxt reports Binance's spot -1015 "Too many
new orders" as ``InvalidOrder``); and the orders placed as a share of the account's allowance
over the run (the window's limit per window length).

    python3 dev.py bench benchmarks/orders.py        # about 25 s
    .venv/bin/python benchmarks/orders.py --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import ccxt.async_support as ccxt

from exchlayer import ExchangeLayerError, OrderSide, OrderType, RateLimitExceeded
from exchlayer.factory import ExchangeFactory
from exchlayer.models import TradeType
from exchlayer.testing import SIMULATED_VENUES, Simulator, connect

D = Decimal
TASKS = 4
#: exchlayer name -> ccxt class of its spot market
VENUES = {"binance": "binance", "gateio": "gate"}


def allowance(venue: str, seconds: float) -> float:
    """Orders the account may place in ``seconds``, by its tightest window."""
    cls = ExchangeFactory.get_exchange_class(venue)
    windows = cls.profile.order_rate_limits[TradeType.SPOT]  # type: ignore[attr-defined]
    return min(limit * seconds / window for limit, window in windows)


async def place_for(
    seconds: float,
    place: Callable[[], Awaitable[object]],
    rate_limited: type[Exception],
    failure: type[Exception],
) -> dict[str, Any]:
    """``TASKS`` tasks calling ``place`` until ``seconds`` have passed; what became of it."""
    counts = {"placed": 0, "refused": 0, "failed": 0}

    async def task() -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                await place()
                counts["placed"] += 1
            except rate_limited:
                counts["refused"] += 1
            except failure:
                counts["failed"] += 1

    started = time.monotonic()
    await asyncio.gather(*(task() for _ in range(TASKS)))
    return {**counts, "seconds": time.monotonic() - started}


async def run_exchlayer(sim: Simulator, venue: str, seconds: float) -> dict[str, Any]:
    exchange = await connect(sim, venue, api_key=f"xl-{venue}", rate_limit=True,
                             balances={"USDT": D("100000000"), "BTC": D("1000")})
    async with exchange:
        ticker = await exchange.get_ticker("BTC/USDT")
        assert ticker.bid is not None
        price = (ticker.bid * D("0.5")).quantize(D("1"))
        return await place_for(
            seconds,
            lambda: exchange.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.01"), price
            ),
            RateLimitExceeded,
            ExchangeLayerError,
        )


async def run_raw(sim: Simulator, venue: str, seconds: float) -> dict[str, Any]:
    key = f"raw-{venue}"
    sim.add_account(SIMULATED_VENUES[venue].venue, api_key=key, secret="s",
                    balances={"USDT": D("100000000"), "BTC": D("1000")})
    cls = ExchangeFactory.get_exchange_class(venue)
    options = dict(cls.profile.ccxt_options.get(TradeType.SPOT, {}))  # type: ignore[attr-defined]
    client = getattr(ccxt, VENUES[venue])({
        "apiKey": key, "secret": "s", "session": sim.client_session(),
        "enableRateLimit": True, "timeout_on_exit": 0, "options": options,
    })
    try:
        ticker = await client.fetch_ticker("BTC/USDT")
        price = float(int(ticker["bid"] * 0.5))
        return await place_for(
            seconds,
            lambda: client.create_order("BTC/USDT", "limit", "buy", 0.01, price),
            ccxt.RateLimitExceeded,
            ccxt.BaseError,
        )
    finally:
        await client.close()


async def run(seconds: float) -> list[tuple[str, str, dict[str, Any]]]:
    # one simulator per venue and client: each account has the venue's windows to itself
    async def one(venue: str, kind: str) -> tuple[str, str, dict[str, Any]]:
        async with Simulator() as sim:
            runner = run_exchlayer if kind == "exchlayer" else run_raw
            result = await runner(sim, venue, seconds)
            result["429"] = sim.count_requests(lambda r: r.status == 429)
            return venue, kind, result

    return list(await asyncio.gather(
        *(one(venue, kind) for venue in VENUES for kind in ("exchlayer", "raw ccxt"))
    ))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=21.0, help="per client")
    args = parser.parse_args()
    results = asyncio.run(run(args.seconds))
    print(f"ccxt {ccxt.__version__}; one account per client, {TASKS} tasks placing limit "
          f"orders for {args.seconds:.0f} s")
    print(f"  {'venue':9} {'client':10} {'placed':>7} {'429s':>6} {'seen as 429':>12} "
          f"{'as other':>9} {'allowance used':>15}")
    for venue, kind, r in results:
        share = r["placed"] / allowance(venue, r["seconds"])
        print(f"  {venue:9} {kind:10} {r['placed']:>7} {r['429']:>6} {r['refused']:>12} "
              f"{r['failed']:>9} {share:>15.1%}")
    print("targets for exchlayer: no order refused; most of the account's allowance used "
          "(a venue's fixed windows let a client that ignores them place up to twice its "
          "allowance across a window boundary, at the price of the refusals)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
