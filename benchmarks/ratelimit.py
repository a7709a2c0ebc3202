"""Ten connectors hammering one venue: shared budgets vs ten raw ccxt instances.

The simulator enforces Binance's published spot limit (6,000 request weight per minute per IP,
fixed clock-aligned windows, 429 with Retry-After once spent; 418 bans for clients that keep
going). Ten clients on one machine (one IP) hammer ``get_ticker`` (weight 2) for the duration:

1. ten exchlayer connectors in one process (they share one in-process budget);
2. ten raw ccxt instances in one process, each with ccxt's own throttle (its own budget);
3. ten exchlayer connectors spread over three processes, sharing one budget through Redis
   (a real redis-server started on 127.0.0.1 for the run).

Printed: the 429/418 answers each setup received (target 0 for exchlayer) and the accepted
request weight as a share of the venue's budget over the run (target >= 90%).

    python3 dev.py bench benchmarks/ratelimit.py          # about 3.5 minutes
    .venv/bin/python benchmarks/ratelimit.py --seconds 130
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import ccxt.async_support as ccxt

from exchlayer import ExchangeLayerError
from exchlayer.testing import Operation, Simulator, connect

CLIENTS = 10
BUDGET_PER_SECOND = 6000 / 60  # Binance spot REQUEST_WEIGHT per IP
WEIGHTS = {Operation.TICKER: 2, Operation.MARKETS: 20, Operation.TIME: 1}
SPOT_OPTIONS = {"fetchMarkets": {"types": ["spot"]}, "fetchMargins": False,
                "fetchCurrencies": False}


def tally(sim: Simulator, since_ms: int) -> dict[str, Any]:
    accepted = refused = banned = 0
    for r in sim.requests:
        if r.timestamp_ms < since_ms:
            continue
        if r.status == 429:
            refused += 1
        elif r.status == 418:
            banned += 1
        elif r.status == 200:
            accepted += WEIGHTS.get(r.operation, 1)
    return {"weight": accepted, "429": refused, "418": banned}


async def hammer(
    sim: Simulator,
    seconds: float,
    clients: list[Any],
    call: Callable[[Any], Awaitable[object]],
    failure: type[Exception],
) -> dict[str, Any]:
    """Every client calling ``call`` as fast as it is let for ``seconds``; then closed."""
    errors = 0

    async def run(client: Any) -> None:
        nonlocal errors
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                await call(client)
            except failure:
                errors += 1

    start_ms = sim.engine.now_ms()
    started = time.monotonic()
    await asyncio.gather(*(run(c) for c in clients))
    elapsed = time.monotonic() - started
    for c in clients:
        await c.close()
    return {**tally(sim, start_ms), "seconds": elapsed, "errors": errors}


async def hammer_exchlayer(sim: Simulator, seconds: float) -> dict[str, Any]:
    clients = [await connect(sim, "binance", rate_limit=True) for _ in range(CLIENTS)]
    return await hammer(
        sim, seconds, clients, lambda c: c.get_ticker("BTC/USDT"), ExchangeLayerError
    )


async def hammer_raw(sim: Simulator, seconds: float) -> dict[str, Any]:
    clients = []
    for i in range(CLIENTS):
        sim.add_account("binance", api_key=f"raw-{i}", secret="s")
        clients.append(ccxt.binance({
            "apiKey": f"raw-{i}", "secret": "s", "session": sim.client_session(),
            "enableRateLimit": True, "timeout_on_exit": 0, "options": dict(SPOT_OPTIONS),
        }))
    return await hammer(
        sim, seconds, clients, lambda c: c.fetch_ticker("BTC/USDT"), ccxt.BaseError
    )


_CHILD = """
import asyncio, json, sys, time
import aiohttp
from exchlayer import ExchangeFactory, ExchangeLayerError
from exchlayer.resilience import RedisBackend
from exchlayer.testing.simulator import reroute_middleware

async def main(port, url, seconds, n, prefix):
    backend = RedisBackend(url, prefix=prefix)
    session = aiohttp.ClientSession(middlewares=(reroute_middleware(port),))
    clients = [ExchangeFactory.create_exchange("binance", session=session, rate_limit=backend)
               for _ in range(n)]
    ok = errors = 0
    async def run(c):
        nonlocal ok, errors
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                await c.get_ticker("BTC/USDT"); ok += 1
            except ExchangeLayerError:
                errors += 1
    await asyncio.gather(*(run(c) for c in clients))
    for c in clients:
        await c.close()
    await session.close()
    await backend.close()
    print(json.dumps({"ok": ok, "errors": errors}))

asyncio.run(main(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]))
"""


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    workdir = tempfile.mkdtemp()
    proc = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def hammer_redis(sim: Simulator, seconds: float, url: str) -> dict[str, Any]:
    split = [4, 3, 3]
    prefix = f"bench:{time.monotonic_ns()}"
    start_ms = sim.engine.now_ms()
    started = time.monotonic()
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", _CHILD, str(sim.port), url, str(seconds), str(n), prefix,
            stdout=asyncio.subprocess.PIPE,
        )
        for n in split
    ]
    errors = 0
    for proc in procs:
        out, _ = await proc.communicate()
        errors += json.loads(out.decode().strip().splitlines()[-1])["errors"]
    elapsed = time.monotonic() - started
    return {**tally(sim, start_ms), "seconds": elapsed, "errors": errors}


async def run(seconds: float) -> list[tuple[str, dict[str, Any]]]:
    results = []
    async with Simulator() as sim:
        ours = await hammer_exchlayer(sim, seconds)
        results.append(("exchlayer, 10 connectors, 1 process", ours))
    async with Simulator() as sim:
        results.append(("raw ccxt, 10 instances, 1 process", await hammer_raw(sim, seconds)))
    with redis_server() as url:
        async with Simulator() as sim:
            results.append(("exchlayer + Redis, 10 connectors, 3 processes",
                            await hammer_redis(sim, seconds, url)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=65.0, help="per setup")
    args = parser.parse_args()
    results = asyncio.run(run(args.seconds))
    print(f"ccxt {ccxt.__version__}; Binance spot budget {BUDGET_PER_SECOND * 60:.0f} weight/min "
          f"per IP, {CLIENTS} clients calling get_ticker (weight 2) for {args.seconds:.0f} s")
    print(f"  {'setup':46} {'429s':>6} {'418s':>6} {'errors':>7} {'weight':>8} {'budget':>7}")
    for name, r in results:
        share = r["weight"] / (BUDGET_PER_SECOND * r["seconds"])
        print(f"  {name:46} {r['429']:>6} {r['418']:>6} {r['errors']:>7} {r['weight']:>8} "
              f"{share:>7.1%}")
    print("targets for exchlayer: 0 refusals (429/418), >= 90% of the budget used")
    return 0


if __name__ == "__main__":
    sys.exit(main())
