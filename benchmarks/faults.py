"""Orders under attack: >= 1,000 create_order calls per venue under the venues' real rules.

Every order request meets, with some probability, one of the simulator's faults: latency, a
request held in transit (DELAY), hangs before and after processing, connection resets,
accept-then-drop, 5xx, HTML error pages, 429s, malformed / truncated / empty / wrongly shaped
bodies, the venue's own "unknown error, execution status unknown" codes after it acted
(ERROR_AFTER), and hostile rewrites of its answer (MUTATE: negated, nulled, zeroed, infinite,
huge, another market's, duplicated keys, emptied, wrapped, truncated). On top of that, all the
time: order lookups lag (a placed order shows in no query for a while), the venue's clock trails
ours inside its tolerance, client ids are unique only among open orders where the venue says so
(Binance), a third of the orders are market orders (they fill at once, freeing their client id),
the lookups of the reconciliation path are faulted too, and one call in twenty is cancelled by the
caller mid-flight (``asyncio.wait_for``).

The caller records what it was told for each order: placed (an Order came back), refused (an
error before the venue acted), unknown (OrderStatusUnknown) or cancelled (its own timeout). After
the run, with the faults gone and the lookups caught up, every unknown and cancelled order is
settled by a lookup with its client order id. Then the venue's books are compared with the
caller's view:

- duplicates: client ids the venue holds more than one order for (target 0);
- unresolved: orders whose fate the caller could not learn, even afterwards (target 0);
- refused-placed: orders the caller was told were refused that the venue holds (target 0);
- mismatches: orders the caller thinks placed that the venue lacks, or the reverse (target 0).

    python3 dev.py bench benchmarks/faults.py
    .venv/bin/python benchmarks/faults.py --orders 1000 --fault-rate 0.25
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import sys
import time
from decimal import Decimal
from typing import Any

from exchlayer import (
    BaseExchange,
    ExchangeLayerError,
    OrderNotFound,
    OrderSide,
    OrderStatusUnknown,
    OrderType,
)
from exchlayer.factory import ExchangeFactory
from exchlayer.resilience import RetryPolicy
from exchlayer.testing import SIMULATED_VENUES, Simulator, connect, held_client_order_ids
from exchlayer.testing.simulator import Fault, Mutation, Operation

D = Decimal
KEY = "faults-bench"
SYMBOL = "BTC/USDT"
LOOKUP_LAG = 0.3  # seconds a placed order is missing from every query
VENUE_CLOCK_BEHIND_MS = 300  # our timestamps run ahead of the venue's, inside its tolerance


def venues() -> list[str]:
    return [n for n in sorted(SIMULATED_VENUES) if ExchangeFactory.is_supported(n)
            and n != "binanceus"]


async def order_size(exchange: BaseExchange, price: Decimal) -> Decimal:
    info = await exchange.get_exchange_info()
    market = next(m for m in info.markets if m.symbol == SYMBOL)
    step = market.amount_step or D("0.00000001")
    target = max(market.min_amount or D(0), D(2) * (market.min_notional or D(1)) / price)
    return (target // step + 1) * step


def add_faults(sim: Simulator, venue: str, fault_rate: float) -> None:
    where = SIMULATED_VENUES[venue].venue
    kinds: list[dict[str, Any]] = [{"fault": f} for f in Fault if f is not Fault.MUTATE]
    kinds += [{"fault": Fault.MUTATE, "mutation": m} for m in Mutation]
    per_kind = 1 - (1 - fault_rate) ** (1 / len(kinds))
    for kind in kinds:
        sim.faults.add(venue=where, operation=Operation.CREATE_ORDER, probability=per_kind,
                       delay=0.6, retry_after=0.05, **kind)
    for operation in (Operation.FETCH_ORDER, Operation.OPEN_ORDERS):
        for fault in (Fault.RESET, Fault.SERVER_ERROR, Fault.HANG, Fault.MUTATE):
            sim.faults.add(fault, venue=where, operation=operation, probability=0.03,
                           delay=0.6, mutation=Mutation.NULL)


async def hammer(sim: Simulator, venue: str, orders: int, fault_rate: float) -> dict[str, Any]:
    exchange = await connect(
        sim, venue, api_key=f"{KEY}-{venue}", api_secret="s", passphrase="p",
        balances={"USDT": D("100000000"), "BTC": D("1000")},
        timeout=0.4,
        retry=RetryPolicy(attempts=3, base_delay=0.02, max_delay=0.1, max_elapsed=3.0),
        ccxt_options={"recvWindow": 400},
        reconcile_timeout=1.5,
        rate_limit=True,  # the venues enforce their limits (BingX restricts for 5 minutes)
    )
    rng = random.Random(venue)
    async with exchange:
        ticker = await exchange.get_ticker(SYMBOL)
        assert ticker.last_price is not None
        info = await exchange.get_exchange_info()
        tick = next(m for m in info.markets if m.symbol == SYMBOL).price_tick or D("0.01")
        price = (ticker.last_price * D("0.5") // tick) * tick
        amount = await order_size(exchange, ticker.last_price)
        add_faults(sim, venue, fault_rate)

        told: dict[str, str] = {}
        lost: list[str] = []  # cancelled in flight without the client id being reported
        for i in range(orders):
            cid = exchange.new_client_order_id()  # type: ignore[attr-defined]
            if i % 3 == 0:  # a market order: fills at once, alternately buying and selling
                side = OrderSide.BUY if i % 2 == 0 else OrderSide.SELL
                call = exchange.create_order(SYMBOL, OrderType.MARKET, side, amount,
                                             client_order_id=cid)
            else:
                call = exchange.create_order(SYMBOL, OrderType.LIMIT, OrderSide.BUY, amount,
                                             price, client_order_id=cid)
            try:
                if i % 20 == 7:  # the caller's own deadline, somewhere mid-flight
                    await asyncio.wait_for(call, rng.uniform(0.02, 0.8))
                else:
                    await call
                told[cid] = "placed"
            except asyncio.TimeoutError as exc:
                told[cid] = "cancelled"
                cancelled = exc.__cause__ or exc.__context__
                in_doubt = {o.client_order_id for o in exchange.orders_in_doubt}  # type: ignore[attr-defined]
                if getattr(cancelled, "client_order_id", None) != cid and cid not in in_doubt:
                    lost.append(cid)  # fine only if it never left (checked below)
            except OrderStatusUnknown:
                told[cid] = "unknown"
            except ExchangeLayerError:
                told[cid] = "refused"
        return {"told": told, "lost": lost}


async def resolve(exchange: BaseExchange, told: dict[str, str]) -> int:
    """Settle every unknown and cancelled order with a lookup by client order id; returns how
    many stayed unresolved."""
    unresolved = 0
    for cid, view in told.items():
        if view not in ("unknown", "cancelled"):
            continue
        try:
            await exchange.get_order(None, SYMBOL, client_order_id=cid)
            told[cid] = "placed (resolved)"
        except OrderNotFound:
            told[cid] = "not placed (resolved)"
        except ExchangeLayerError as exc:
            print(f"  could not resolve {cid}: {exc}", file=sys.stderr)
            unresolved += 1
    return unresolved


HEAD = ("venue", "orders", "faults", "returned", "refused", "unknown", "cancelled",
        "unresolved", "duplicates", "refused-placed", "mismatches")


async def run(orders: int, fault_rate: float, only: list[str] | None) -> list[dict[str, Any]]:
    names = [n for n in venues() if not only or n in only]
    async with Simulator() as sim:
        sim.lag_lookups(LOOKUP_LAG)
        sim.skew_clock(-VENUE_CLOCK_BEHIND_MS)
        started = time.monotonic()
        runs = await asyncio.gather(*(hammer(sim, n, orders, fault_rate) for n in names))
        elapsed = time.monotonic() - started
        sim.faults.clear()
        sim.lag_lookups(0)
        await asyncio.sleep(1.0)  # requests still held in transit land
        rows = []
        for name, result in zip(names, runs, strict=True):
            told: dict[str, str] = result["told"]
            counts = collections.Counter(told.values())
            async with await connect(sim, name, api_key=f"{KEY}-{name}", api_secret="s",
                                     passphrase="p", open_account=False,
                                     rate_limit=True) as checker:
                unresolved = await resolve(checker, told)
            held = collections.Counter(held_client_order_ids(sim, name))
            placed = {cid for cid, v in told.items() if v.startswith("placed")}
            refused = {cid for cid, v in told.items() if v == "refused"}
            lost = [cid for cid in result["lost"] if cid in held]
            rows.append(
                {
                    "venue": name,
                    "orders": len(told),
                    "faults": sum(1 for e in sim.faults.events
                                  if e.operation == Operation.CREATE_ORDER
                                  and e.venue == SIMULATED_VENUES[name].venue),
                    "returned": counts["placed"],
                    "refused": counts["refused"],
                    "unknown": counts["unknown"],
                    "cancelled": counts["cancelled"],
                    "unresolved": unresolved + len(lost),
                    "duplicates": sum(1 for c in held.values() if c > 1),
                    "refused-placed": len(refused & set(held)),
                    "mismatches": len(placed ^ set(held)),
                    "seconds": elapsed,
                }
            )
        kinds = collections.Counter(e.fault.value for e in sim.faults.events)
        rows.append({"venue": "fault kinds injected", "kinds": dict(sorted(kinds.items()))})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000, help="per venue")
    parser.add_argument("--fault-rate", type=float, default=0.25)
    parser.add_argument("--venues", nargs="*", help="exchange names (default: every venue)")
    args = parser.parse_args()
    rows = asyncio.run(run(args.orders, args.fault_rate, args.venues))
    kinds = rows.pop()
    print(f"{sum(r['orders'] for r in rows)} create_order calls, fault rate "
          f"{args.fault_rate:.0%} per order request, over {len(rows)} venue(s); lookups lag "
          f"{LOOKUP_LAG} s, the venues' clock {VENUE_CLOCK_BEHIND_MS} ms behind ours")
    print("  " + " ".join(f"{h:>10}" for h in HEAD))
    for r in rows:
        print("  " + " ".join(f"{r[h]!s:>10}" for h in HEAD))
    total = {h: sum(r[h] for r in rows) for h in HEAD[1:]}
    print("  " + " ".join(f"{v!s:>10}" for v in ("total", *total.values())))
    print(f"  fault share of order requests: {total['faults'] / total['orders']:.1%}; "
          f"kinds: {kinds['kinds']}")
    print(f"  wall time {rows[0]['seconds']:.1f} s; targets: duplicates 0, unresolved 0, "
          "refused-placed 0, mismatches 0")
    ok = (total["duplicates"] == total["unresolved"] == total["refused-placed"]
          == total["mismatches"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
