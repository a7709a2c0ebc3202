"""Secrets never leak: not into logs (DEBUG included), reprs, exception messages or pickles."""

from __future__ import annotations

import json
import logging
import pickle
import traceback
from decimal import Decimal

import pytest
from pydantic import ValidationError

from exchlayer import (
    BaseExchange,
    ExchangeLayerError,
    OrderSide,
    OrderType,
    TradeType,
)
from exchlayer.connection import ExchangeConnection
from exchlayer.resilience import NO_RETRY
from exchlayer.testing import Operation, Simulator, connect
from exchlayer.testing.simulator import Fault, VenueRequest, VenueResponse

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


VENUES = ["binance", "gateio", "kucoin", "bingx", "bitget"]
# where each venue's request carries its signature (query parameter or header)
SIGNATURE_FIELDS = ("signature", "SIGN", "KC-API-SIGN", "ACCESS-SIGN")


def reachable(error: BaseException) -> list[BaseException]:
    """Every exception reachable from ``error`` through causes and contexts."""
    seen: list[BaseException] = []
    todo = [error]
    while todo:
        exc = todo.pop()
        if any(exc is s for s in seen):
            continue
        seen.append(exc)
        todo.extend(e for e in (exc.__cause__, exc.__context__) if e is not None)
    return seen


def signatures(sim: Simulator) -> list[str]:
    found = []
    for request in sim.requests:
        for field in SIGNATURE_FIELDS:
            value = request.query.get(field) or request.headers.get(field)
            if value:
                found.append(value)
    return found


def assert_nothing_reachable(error: BaseException, forbidden: list[str], logged: str) -> None:
    texts = [logged, "".join(traceback.format_exception(error))]
    for link in reachable(error):
        texts += [str(link), repr(link), *map(repr, link.args)]
        texts += list(getattr(link, "__notes__", []))
    for text in texts:
        for value in forbidden:
            assert value not in text, f"{value[:12]}... reachable from {type(error).__name__}"


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("fault", [Fault.RESET, Fault.SERVER_ERROR, Fault.MALFORMED])
async def test_no_secret_or_signature_in_an_errors_traceback_chain(
    venue: str, fault: Fault, caplog: pytest.LogCaptureFixture
) -> None:
    """ccxt's exception under the translated one names the signed URL; logging the error
    with its traceback (logger.exception) must show neither it nor any credential."""
    async with Simulator() as sim:
        exchange = await connect(sim, venue, api_key=KEY, api_secret=SECRET,
                                 passphrase=PASSPHRASE, retry=NO_RETRY, timeout=0.5)
        async with exchange:
            await exchange.get_symbols()
            sim.faults.add(fault, operation=Operation.BALANCE)
            with pytest.raises(ExchangeLayerError) as info:
                await exchange.get_balance()
            logging.getLogger("a.bot").exception("balance failed")
        forbidden = [*SECRETS, *signatures(sim)]
    assert len(forbidden) > len(SECRETS)  # the private call was signed: there is a signature
    assert_nothing_reachable(info.value, forbidden, caplog.text)


@pytest.mark.parametrize("venue", VENUES)
async def test_no_echoed_credential_in_an_errors_traceback_chain(
    venue: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A hostile front answers every private request with an error body that echoes the
    request's headers and query (API key, passphrase, signature)."""

    async def echo(request: VenueRequest, call_next):  # type: ignore[no-untyped-def]
        response: VenueResponse = await call_next(request)
        if not response.private:
            return response
        echoed = {"code": "400", "msg": "bad request", "headers": dict(request.headers),
                  "query": request.raw_query, "body": request.body}
        return VenueResponse(400, json.dumps(echoed).encode(),
                             {"Content-Type": "application/json"}, operation=response.operation,
                             private=True)

    async with Simulator() as sim:
        exchange = await connect(sim, venue, api_key=KEY, api_secret=SECRET,
                                 passphrase=PASSPHRASE, retry=NO_RETRY)
        async with exchange:
            await exchange.get_symbols()
            sim.interceptors.append(echo)
            errors = []
            for call in (exchange.get_balance(),
                         exchange.create_order("BTC/USDT", OrderType.LIMIT, OrderSide.BUY,
                                               Decimal("0.001"), Decimal("40000"))):
                try:
                    await call
                except ExchangeLayerError as exc:
                    errors.append(exc)
                    logging.getLogger("a.bot").exception("call failed")
        forbidden = [*SECRETS, *signatures(sim)]
    assert len(errors) == 2
    for error in errors:
        assert_nothing_reachable(error, forbidden, caplog.text)


def test_a_credential_never_reaches_a_validation_error() -> None:
    """A secret read from a file keeps its trailing newline: the refusal names the field,
    and holds neither the key nor the secret, in its text, its errors() or its JSON."""
    with pytest.raises(ValidationError) as info:
        ExchangeConnection(user="u", exchange="binance",
                           credentials={"api_key": KEY, "api_secret": SECRET + "\n"})
    error = info.value
    texts = [str(error), repr(error), error.json(), repr(error.errors())]
    assert "api_secret" in str(error)
    for text in texts:
        for value in (KEY, SECRET, SECRET[:12]):
            assert value not in text
