"""Orders under fire: >= 1,000 create_order calls with >= 20% injected faults of every kind.

Every order request on every venue meets, with some probability, one of the simulator's fault
kinds: latency, hangs before and after processing, connection resets, accept-then-drop, 5xx,
HTML error pages, 429s, malformed / truncated / empty / wrongly shaped bodies. Order lookups (the
reconciliation path) are faulted too. The caller records what it was told for each order:
placed (an Order came back), refused (an error before the venue acted), or unknown
(OrderStatusUnknown, resolved afterwards by a lookup with its client order id).

Then the venue's own books are compared with the caller's view:
- duplicates: client order ids the venue holds more than one order for (target 0);
- unresolved: orders whose fate the caller could not learn, even afterwards (target 0);
- mismatches: orders the caller thinks placed that the venue lacks, or the reverse (target 0).

    python3 dev.py bench benchmarks/faults.py
    .venv/bin/python benchmarks/faults.py --orders 2000 --fault-rate 0.3
"""

from __future__ import annotations

import argparse
import asyncio
import collections
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
from exchlayer.testing import SIMULATED_VENUES, Simulator, connect
from exchlayer.testing.simulator import Fault, Operation

D = Decimal
KEY = "faults-bench"


def venues() -> list[str]:
    return [n for n in sorted(SIMULATED_VENUES) if ExchangeFactory.is_supported(n)
            and n != "binanceus"]


def client_id(order: Any) -> str | None:
    """The caller's client order id of a simulator order (Gate's module keeps it apart, in the
    order's ``text``: ``t-`` and the id)."""
    text = order.extra.get("_gate_text")
    if isinstance(text, str):
        return text[2:] if text.startswith("t-") else None
    return order.client_order_id  # type: ignore[no-any-return]


async def order_size(exchange: BaseExchange, symbol: str, price: Decimal) -> Decimal:
    info = await exchange.get_exchange_info()
    market = next(m for m in info.markets if m.symbol == symbol)
    step = market.amount_step or D("0.00000001")
    target = max(market.min_amount or D(0), D(2) * (market.min_notional or D(1)) / price)
    return (target // step + 1) * step


async def hammer(sim: Simulator, venue: str, orders: int, fault_rate: float) -> dict[str, Any]:
    exchange = await connect(
        sim, venue, api_key=f"{KEY}-{venue}", api_secret="s", passphrase="p",
        balances={"USDT": D("100000000"), "BTC": D("1000")},
        timeout=0.4,
        retry=RetryPolicy(attempts=3, base_delay=0.02, max_delay=0.1, max_elapsed=3.0),
        ccxt_options={"recvWindow": 400},
        rate_limit=True,  # the venues enforce their limits (BingX restricts for 5 minutes)
    )
    symbol = "BTC/USDT"
    async with exchange:
        ticker = await exchange.get_ticker(symbol)
        assert ticker.last_price is not None
        info = await exchange.get_exchange_info()
        tick = next(m for m in info.markets if m.symbol == symbol).price_tick or D("0.01")
        price = (ticker.last_price * D("0.5") // tick) * tick
        amount = await order_size(exchange, symbol, price)

        per_kind = 1 - (1 - fault_rate) ** (1 / len(Fault))
        where = SIMULATED_VENUES[venue].venue
        for fault in Fault:
            sim.faults.add(fault, venue=where, operation=Operation.CREATE_ORDER,
                           probability=per_kind, delay=0.6, retry_after=0.05)
        for fault in (Fault.RESET, Fault.SERVER_ERROR, Fault.HANG):
            sim.faults.add(fault, venue=where, operation=Operation.FETCH_ORDER,
                           probability=0.05, delay=0.6)

        told: dict[str, str] = {}
        for _ in range(orders):
            cid = exchange.new_client_order_id()  # type: ignore[attr-defined]
            try:
                await exchange.create_order(
                    symbol, OrderType.LIMIT, OrderSide.BUY, amount, price, client_order_id=cid
                )
                told[cid] = "placed"
            except OrderStatusUnknown:
                told[cid] = "unknown"
            except ExchangeLayerError:
                told[cid] = "refused"
        return {"told": told, "symbol": symbol}


async def resolve(exchange: BaseExchange, symbol: str, told: dict[str, str]) -> int:
    """Settle every 'unknown' with a lookup by client order id; returns how many stayed unknown."""
    unresolved = 0
    for cid, view in told.items():
        if view != "unknown":
            continue
        try:
            await exchange.get_order(None, symbol, client_order_id=cid)
            told[cid] = "placed (resolved)"
        except OrderNotFound:
            told[cid] = "not placed (resolved)"
        except ExchangeLayerError as exc:
            print(f"  could not resolve {cid}: {exc}", file=sys.stderr)
            unresolved += 1
    return unresolved


async def run(orders: int, fault_rate: float, only: list[str] | None) -> list[dict[str, Any]]:
    names = [n for n in venues() if not only or n in only]
    per_venue = -(-orders // len(names))
    async with Simulator() as sim:
        started = time.monotonic()
        runs = await asyncio.gather(*(hammer(sim, n, per_venue, fault_rate) for n in names))
        elapsed = time.monotonic() - started
        sim.faults.clear()
        rows = []
        for name, result in zip(names, runs, strict=True):
            told, symbol = result["told"], result["symbol"]
            async with await connect(sim, name, api_key=f"{KEY}-{name}", api_secret="s",
                                     passphrase="p", open_account=False,
                                     rate_limit=True) as checker:
                unknown_before = sum(1 for v in told.values() if v == "unknown")
                unresolved = await resolve(checker, symbol, told)
            account = next(a for a in sim.accounts if a.api_key == f"{KEY}-{name}")
            venue_ids = collections.Counter(
                cid for cid in map(client_id, account.orders.values()) if cid
            )
            placed = {cid for cid, v in told.items() if v.startswith("placed")}
            rows.append(
                {
                    "venue": name,
                    "orders": len(told),
                    "faults": sum(1 for e in sim.faults.events
                                  if e.operation == Operation.CREATE_ORDER
                                  and e.venue == SIMULATED_VENUES[name].venue),
                    "returned": sum(1 for v in told.values() if v == "placed"),
                    "refused": sum(1 for v in told.values() if v == "refused"),
                    "unknown": unknown_before,
                    "unresolved": unresolved,
                    "duplicates": sum(1 for c in venue_ids.values() if c > 1),
                    "mismatches": len(placed ^ set(venue_ids)),
                    "seconds": elapsed,
                }
            )
        kinds = collections.Counter(e.fault.value for e in sim.faults.events)
        rows.append({"venue": "fault kinds injected", "kinds": dict(sorted(kinds.items()))})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000, help="total, spread over venues")
    parser.add_argument("--fault-rate", type=float, default=0.25)
    parser.add_argument("--venues", nargs="*", help="exchange names (default: every venue)")
    args = parser.parse_args()
    rows = asyncio.run(run(args.orders, args.fault_rate, args.venues))
    kinds = rows.pop()
    print(f"{sum(r['orders'] for r in rows)} create_order calls, fault rate "
          f"{args.fault_rate:.0%} per order request, over {len(rows)} venue(s)")
    head = ("venue", "orders", "faults", "returned", "refused", "unknown", "unresolved",
            "duplicates", "mismatches")
    print("  " + " ".join(f"{h:>10}" for h in head))
    for r in rows:
        print("  " + " ".join(f"{r[h]!s:>10}" for h in head))
    total = {h: sum(r[h] for r in rows) for h in head[1:]}
    print("  " + " ".join(f"{v!s:>10}" for v in ("total", *total.values())))
    print(f"  fault share of order requests: {total['faults'] / total['orders']:.1%}; "
          f"kinds: {kinds['kinds']}")
    print(f"  wall time {rows[0]['seconds']:.1f} s; targets: duplicates 0, unresolved 0, "
          "mismatches 0")
    ok = total["duplicates"] == total["unresolved"] == total["mismatches"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
