"""The `exchlayer` command.

`exchlayer demo` runs a short trading session against the built-in venue simulator: no keys,
no network. `exchlayer exchanges` lists the exchanges that can be created (and installed plugins
that fail to load, with the reason); `exchlayer exchanges NAME` shows what one can do. Public
market data: `markets`, `ticker`, `book`. An account: `balance`, `orders`, `order
place|cancel|get`, `positions`, with keys from the environment or a stored connection
(`connections list|add|remove|test`). Market history into Parquet: `download`.
`--simulator [HOST:PORT]` runs any venue command against
the venue simulator; `exchlayer simulator` serves one until Ctrl-C. See docs/cli.md.

Exit codes: 0 done; 1 an exchlayer error (one line on stderr, no traceback); 2 a usage error;
130 interrupted (Ctrl-C). Output cut short by its reader (`exchlayer demo | head`) ends quietly
with 141 (128 + SIGPIPE), as a Unix tool killed by the broken pipe would. Tables fit the
terminal's width (`COLUMNS`), and are drawn in ASCII where the output cannot encode box lines;
`--json` prints the same data as JSON (money as strings of its exact digits).

Adding a command (``download``, say): write ``cli/download.py`` with a module-level
``COMMAND = Command(name=..., help=..., description=..., configure=..., run=...)`` (see
`exchlayer.cli.app.Command`; `exchlayer.cli.venue.add_venue_arguments` and
`exchlayer.cli.venue.open_exchange` give it ``VENUE``, ``--simulator`` and the rest), and add it
to `COMMANDS` below. Nothing else changes: the parser, error handling and exit codes are shared.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import re
import sys
from collections.abc import Sequence

from .. import __version__
from .._table import ASCII
from ..errors import ExchangeLayerError
from . import account, connections, demo, download, exchanges, market, simulator
from .app import (
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Command,
    Context,
    Output,
    ParserOptions,
    UsageError,
)

__all__ = ["COMMANDS", "main"]

COMMANDS: tuple[Command, ...] = (
    demo.COMMAND,
    exchanges.COMMAND,
    *market.COMMANDS,
    *account.COMMANDS,
    connections.COMMAND,
    download.COMMAND,
    simulator.COMMAND,
)
"""Every subcommand, in the order ``--help`` lists them: the place to register a new one."""

# What `--simulator` may be followed by as its value: anything else is the next argument.
_ADDRESS = re.compile(r"^[^\s:/]+:\d+$")


def _prepare(argv: Sequence[str]) -> tuple[list[str], ParserOptions]:
    """The arguments as the parser should see them, and what decides its shape.

    ``--simulator`` takes a value only when one follows that looks like ``HOST:PORT``, so
    ``exchlayer balance --simulator binance`` means the in-process simulator and VENUE binance.
    ``--connection NAME`` means keyed commands take no VENUE.
    """
    tokens = list(argv)
    prepared: list[str] = []
    by_connection = False
    for i, token in enumerate(tokens):
        if token == "--":
            prepared.extend(tokens[i:])
            break
        if token == "--connection" or token.startswith("--connection="):
            by_connection = True
        bare_simulator = token == "--simulator" and not (
            i + 1 < len(tokens) and _ADDRESS.match(tokens[i + 1])
        )
        prepared.append("--simulator=" if bare_simulator else token)
    return prepared, ParserOptions(by_connection=by_connection)


def _parser(options: ParserOptions) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exchlayer",
        description="One typed async interface for trading on crypto exchanges, on top of "
        "ccxt. Try 'exchlayer demo': a trading session on the built-in venue simulator, no keys "
        "and no network.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name, help=command.help, description=command.description,
            epilog=command.epilog, allow_abbrev=False,
        )
        sub.set_defaults(handler=command.run, parser=sub)
        command.configure(sub, options)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        ccxt = version("ccxt")
    except PackageNotFoundError:  # pragma: no cover - ccxt is a dependency
        ccxt = "missing"
    python = ".".join(str(n) for n in sys.version_info[:3])
    return f"exchlayer {__version__} (ccxt {ccxt}, Python {python})"


def _parse(argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed arguments, or the exit code argparse chose (2 for a usage error, 0 after
    ``--help`` or ``--version``)."""
    prepared, options = _prepare(sys.argv[1:] if argv is None else argv)
    try:
        return _parser(options).parse_args(prepared)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (EXIT_OK if code is None else EXIT_USAGE)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``exchlayer`` command; returns its exit code."""
    args = _parse(argv)
    if isinstance(args, int):
        return args
    out = Output.for_stream(sys.stdout)
    if out.borders is ASCII and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")  # a venue's text may not encode either
    return _run(args, Context(out))


def _run(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command, and report what stops it as the exit code (and one line on stderr)."""
    try:
        return int(asyncio.run(args.handler(args, ctx)))
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except UsageError as exc:
        parser: argparse.ArgumentParser = args.parser
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {ctx.redact(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except ExchangeLayerError as exc:
        ctx.error(str(exc))
        return EXIT_ERROR
    except OSError as exc:  # a file the command needs (the store's directory, say)
        ctx.error(f"{exc.strerror or type(exc).__name__}: {exc.filename or exc}")
        return EXIT_ERROR


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit cannot fail again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # not a real file (captured, replaced)
        pass
