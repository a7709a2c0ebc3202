"""The encrypted connection store, and a TradingService that keeps its connections in it.

The store key comes from EXCHLAYER_STORE_KEY (set here for the example); the database is
created in a temporary directory. Runs against the built-in venue simulator.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from exchlayer import Credentials
from exchlayer.connection import ExchangeConnection
from exchlayer.service import TradingService
from exchlayer.store import SQLiteConnectionStore
from exchlayer.testing import Simulator


async def main() -> None:
    os.environ.setdefault("EXCHLAYER_STORE_KEY", "correct horse battery staple")
    path = Path(tempfile.mkdtemp()) / "connections.db"
    async with Simulator() as sim:
        sim.add_account("binance", api_key="alice-key-0001", secret="alice-secret-0001")

        store = SQLiteConnectionStore(path)
        async with store, TradingService(store=store, session=sim.client_session()) as service:
            conn = await service.add_exchange_connection(
                ExchangeConnection(
                    user="alice", exchange="binance", label="main",
                    credentials=Credentials.from_values("alice-key-0001", "alice-secret-0001"),
                )
            )
            print(f"added connection {conn.id}, saved to {path.name}")

        secret_on_disk = b"alice-secret-0001" in path.read_bytes()
        print(f"the secret appears in the database file: {secret_on_disk}")
        assert not secret_on_disk

        # a new process, the same file: the connection is loaded and connected again
        store = SQLiteConnectionStore(path)
        async with store, TradingService(store=store, session=sim.client_session()) as service:
            for cid, status in (await service.get_connection_status()).items():
                print(f"loaded connection {cid}: connected={status.connected}")
                balances = await service.get_balance(cid)
                print("  " + ", ".join(f"{b.currency} {b.total}" for b in balances))


if __name__ == "__main__":
    asyncio.run(main())
