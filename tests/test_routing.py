"""exchlayer.testing.route_to: code written for the real venues runs against the simulator."""

from __future__ import annotations

import asyncio
import threading
from decimal import Decimal
from typing import Any

import pytest

from exchlayer import (
    AuthenticationError,
    ConfigurationError,
    ExchangeConnection,
    ExchangeFactory,
    OrderSide,
    OrderType,
    TradeType,
    TradingService,
)
from exchlayer.config import Credentials
from exchlayer.testing import Simulator, connect, route_to
from exchlayer.testing.simulator import Operation
from exchlayer.venues.binance import BinanceExchange

D = Decimal


def accounts(sim: Simulator) -> list[tuple[str, str, str]]:
    return sorted((a.venue, a.environment, a.api_key) for a in sim.accounts)


async def test_a_connector_made_for_the_real_venue_trades_on_the_simulator(
    venue_simulator: Simulator,
) -> None:
    with route_to(venue_simulator, balances={"USDT": D("777")}) as route:
        assert route.active and route.sim is venue_simulator
        binance = ExchangeFactory.create_exchange(
            "binance", api_key="my-key", api_secret="my-secret", is_testnet=True
        )
        async with binance:
            balances = {b.currency: b.total for b in await binance.get_balance()}
            order = await binance.create_order(
                "BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")
            )
    assert balances == {"USDT": D("777")}
    assert accounts(venue_simulator) == [("binance", "demo", "my-key")]
    placed = [r for r in venue_simulator.requests if r.operation == Operation.CREATE_ORDER]
    assert [r.host for r in placed] == ["demo-api.binance.com"]
    assert order.client_order_id in placed[0].query.get("newClientOrderId", placed[0].body)
    assert not route.active


async def test_a_known_key_keeps_its_account_and_a_wrong_secret_fails(
    venue_simulator: Simulator,
) -> None:
    venue_simulator.add_account("gate", api_key="known", secret="right")
    with route_to(venue_simulator):
        wrong = ExchangeFactory.create_exchange("gateio", api_key="known", api_secret="wrong")
        async with wrong:
            with pytest.raises(AuthenticationError):
                await wrong.get_balance()
        public = ExchangeFactory.create_exchange("kucoin")  # no key: no account, public data
        async with public:
            assert (await public.get_ticker("BTC/USDT")).last_price == D("50000")
    assert accounts(venue_simulator) == [("gate", "live", "known")]


async def test_every_venue_is_routed_with_its_futures_wallet(venue_simulator: Simulator) -> None:
    with route_to(venue_simulator, futures_balance={"USDT": D("1234")}):
        for name in ("binance", "bingx", "bitget", "gateio", "kucoin"):
            exchange = ExchangeFactory.create_exchange(
                name, api_key=f"k-{name}", api_secret="s", passphrase="p",
                default_trade_type="futures",
            )
            async with exchange:
                wallet = await exchange.get_balance(trade_type=TradeType.FUTURES)
            assert {b.currency: b.total for b in wallet} == {"USDT": D("1234")}, name


async def test_a_trading_service_s_connectors_are_routed(venue_simulator: Simulator) -> None:
    with route_to(venue_simulator):
        async with TradingService(health_check_interval=None) as service:
            conn = await service.add_exchange_connection(
                ExchangeConnection(
                    user="alice", exchange="bitget",
                    credentials=Credentials(api_key="alice-key", api_secret="s", passphrase="p"),
                )
            )
            assert conn.id is not None
            snapshot = await service.get_ticker("BTC/USDT")
    assert set(snapshot.tickers) == {"bitget"}
    assert accounts(venue_simulator) == [("bitget", "live", "alice-key")]


async def test_a_session_routed_to_another_simulator_is_kept(venue_simulator: Simulator) -> None:
    async with Simulator() as other:
        with route_to(venue_simulator):
            exchange = await connect(other, "binance")  # its own session, to `other`
            async with exchange:
                await exchange.get_ticker("BTC/USDT")
    assert other.count_requests() > 0
    assert venue_simulator.count_requests() == 0
    assert accounts(venue_simulator) == []


async def test_routes_nest_and_the_innermost_wins(venue_simulator: Simulator) -> None:
    async with Simulator() as inner:
        with route_to(venue_simulator):
            with route_to(inner):
                a = ExchangeFactory.create_exchange("binance", api_key="a", api_secret="s")
            b = ExchangeFactory.create_exchange("binance", api_key="b", api_secret="s")
            async with a, b:
                await a.get_balance()
                await b.get_balance()
        assert accounts(inner) == [("binance", "live", "a")]
        assert accounts(venue_simulator) == [("binance", "live", "b")]
        # no route open: a new connector is not provisioned (and would reach the real venue)
        ExchangeFactory.create_exchange("binance", api_key="c", api_secret="s")
        assert len(accounts(venue_simulator)) == len(accounts(inner)) == 1


async def test_what_cannot_be_routed_is_refused_not_created(venue_simulator: Simulator) -> None:
    class Elsewhere(BinanceExchange):
        name = "elsewhere"

    class NoSession(BinanceExchange):
        name = "binance"

        def __init__(self, *, credentials: Any = None, is_testnet: bool = False) -> None:
            super().__init__(credentials=credentials, is_testnet=is_testnet)

    ExchangeFactory.register_exchange("elsewhere", Elsewhere)
    ExchangeFactory.register_exchange("nosession", NoSession)
    try:
        with route_to(venue_simulator):
            with pytest.raises(ConfigurationError, match="the simulator does not serve"):
                ExchangeFactory.create_exchange("elsewhere")
            with pytest.raises(ConfigurationError, match="takes no session"):
                ExchangeFactory.create_exchange("nosession")
    finally:
        ExchangeFactory.unregister_exchange("elsewhere")
        ExchangeFactory.unregister_exchange("nosession")


async def test_a_connector_made_outside_an_event_loop_is_refused(
    venue_simulator: Simulator,
) -> None:
    errors: list[BaseException] = []

    def create() -> None:
        try:
            ExchangeFactory.create_exchange("binance")
        except BaseException as exc:
            errors.append(exc)

    with route_to(venue_simulator):
        thread = threading.Thread(target=create)
        thread.start()
        await asyncio.to_thread(thread.join)
    assert len(errors) == 1 and isinstance(errors[0], ConfigurationError)
    assert "create connectors in a running event loop" in str(errors[0])


async def test_a_script_s_own_event_loop_in_another_thread_is_routed(
    venue_simulator: Simulator,
) -> None:
    async def script() -> Decimal:
        exchange = ExchangeFactory.create_exchange("binance", api_key="t", api_secret="s")
        async with exchange:
            return sum((b.total for b in await exchange.get_balance()), D(0))

    with route_to(venue_simulator):
        total = await asyncio.to_thread(asyncio.run, script())
        again = await asyncio.to_thread(asyncio.run, script())  # a second loop, a new session
    assert total == again == D("10001")  # the simulator's default account: 10,000 USDT + 1 BTC
    assert accounts(venue_simulator) == [("binance", "live", "t")]
