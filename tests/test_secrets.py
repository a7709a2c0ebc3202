"""Secrets never leak: not into logs (DEBUG included), reprs, exception messages or pickles."""

from __future__ import annotations

import logging
import pickle
from decimal import Decimal

import pytest

from exchlayer import (
    BaseExchange,
    ExchangeLayerError,
    OrderSide,
    OrderType,
    TradeType,
)
from exchlayer.testing import Simulator, connect

KEY = "LEAKCHECK-API-KEY-7f3a9c"
SECRET = "LEAKCHECK-SECRET-0b1e5d2c"
PASSPHRASE = "LEAKCHECK-PASSPHRASE-91aa"
SECRETS = (KEY, SECRET, PASSPHRASE)


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a secret leaked into {where}"


def chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


async def full_run(exchange: BaseExchange, sim: Simulator) -> list[BaseException]:
    """Every method, success and failure; returns the errors raised."""
    errors: list[BaseException] = []
    D = Decimal
    calls = [
        exchange.test_connection(),
        exchange.get_ticker("BTC/USDT"),
        exchange.get_order_book("BTC/USDT:USDT", 7),
        exchange.get_balance(),
        exchange.get_balance("USDT", trade_type=TradeType.FUTURES),
        exchange.create_order("BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("0.001"), D("40000")),
        exchange.create_order("BTC/USDT", OrderType.MARKET, OrderSide.BUY, D("0.001")),
        exchange.create_order("BTC/USDT", OrderType.LIMIT, OrderSide.BUY, 0.1, D("1")),  # type: ignore[arg-type]
        exchange.create_order("BTC/USDT", OrderType.LIMIT, OrderSide.BUY, D("500"), D("40000")),
        exchange.get_open_orders("BTC/USDT"),
        exchange.get_order("424242", "BTC/USDT"),
        exchange.cancel_order("424242", "BTC/USDT"),
        exchange.get_trades("BTC/USDT"),
        exchange.set_leverage("BTC/USDT:USDT", 3),
        exchange.create_order("BTC/USDT:USDT", OrderType.MARKET, OrderSide.BUY, D("0.01")),
        exchange.get_positions(),
        exchange.get_symbols(),
        exchange.get_exchange_info(),
        exchange.get_ticker("NOPE/USDT"),
    ]
    for call in calls:
        try:
            await call
        except ExchangeLayerError as exc:
            errors.append(exc)
    return errors


async def test_no_secret_in_logs_reprs_or_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # everything, every logger, ccxt's request logs included
    async with Simulator() as sim:
        good = await connect(sim, "binance", api_key=KEY, api_secret=SECRET,
                             passphrase=PASSPHRASE)
        wrong = await connect(sim, "binance", api_key=KEY, api_secret="wrong-" + SECRET,
                              passphrase=PASSPHRASE, open_account=False)
        async with good, wrong:
            errors = await full_run(good, sim)
            errors += await full_run(wrong, sim)
            reprs = [repr(good), str(good), repr(good._credentials)]

    assert len(errors) >= 10  # the failures really happened, and were examined
    assert any("AuthenticationError" in type(e).__name__ for e in errors)
    wire_lines = [r for r in caplog.records if r.name.startswith("exchlayer.wire")]
    assert wire_lines, "ccxt's DEBUG request log did not run: the test would prove nothing"
    assert any("***" in r.getMessage() for r in wire_lines)
    for record in caplog.records:
        assert_clean(record.getMessage(), f"log record {record.name}")
    for text in reprs:
        assert_clean(text, "a repr")
    for error in errors:
        for link in chain(error):
            assert_clean(str(link), f"exception {type(link).__name__}")
            assert_clean(repr(link), f"exception repr {type(link).__name__}")


async def test_credentials_cannot_be_pickled_even_inside_a_connector() -> None:
    async with Simulator() as sim:
        exchange = await connect(sim, "binance", api_key=KEY, api_secret=SECRET)
        async with exchange:
            with pytest.raises(TypeError, match="secrets never leave the process"):
                pickle.dumps(exchange)
