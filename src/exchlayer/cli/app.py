"""What every command shares: where it writes (`Output`), what it was given (`Context`), how a
command is declared (`Command`), JSON output, usage errors and exit codes."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TextIO

from pydantic import BaseModel

from .._table import ASCII, BOX, Borders, render_table
from ..redaction import Redactor

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Command",
    "Context",
    "Output",
    "UsageError",
    "jsonable",
    "terminal_width",
]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


class UsageError(Exception):
    """The command line asks for something impossible; found before any request is sent.

    Reported like argparse's own errors (the command's usage, then ``prog: error: message``)
    with exit code 2.
    """


@dataclass
class Output:
    """Where the command writes, and how: the width to fit and the borders it can encode."""

    stream: TextIO
    width: int
    borders: Borders

    @classmethod
    def for_stream(cls, stream: TextIO) -> Output:
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "│─┌┬┐├┼┤└┴┘…".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            borders = ASCII
        else:
            borders = BOX
        return cls(stream, terminal_width(), borders)

    def say(self, text: str = "", *, indent: str = "") -> None:
        """Print ``text`` wrapped to the width; continuation lines take ``indent``."""
        lines = textwrap.wrap(
            text, self.width, subsequent_indent=indent, break_on_hyphens=False
        ) or [""]
        print("\n".join(lines), file=self.stream, flush=True)

    def note(self, text: str) -> None:
        """An indented remark under a table."""
        self.say("   " + text, indent="   ")

    def heading(self, step: int, text: str) -> None:
        self.say()
        self.say(f"{step}. {text}", indent=" " * (len(str(step)) + 2))

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        title: str | None = None,
    ) -> None:
        text = render_table(headers, rows, title=title, width=self.width, borders=self.borders)
        print(text, file=self.stream, flush=True)

    def json(self, data: object) -> None:
        """Print ``data`` as JSON: money as strings of its exact digits, times in ISO 8601."""
        text = json.dumps(
            jsonable(data), indent=2, ensure_ascii=self.borders is ASCII, allow_nan=False
        )
        print(text, file=self.stream, flush=True)


def terminal_width() -> int:
    """``COLUMNS`` if set, else the terminal's width (of stdout, or of stderr when stdout is a
    pipe: ``exchlayer demo | less``), else 100."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), 40)
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            return max(os.get_terminal_size(stream.fileno()).columns, 40)  # type: ignore[union-attr]
        except (AttributeError, OSError, ValueError):
            continue
    return shutil.get_terminal_size((100, 24)).columns


def jsonable(value: object) -> Any:
    """``value`` as plain JSON data: a model as its JSON dump (money as strings of its exact
    digits), a Decimal as such a string, times in ISO 8601, enums as their values."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    elif isinstance(value, Enum):
        value = value.value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    return _scalar(value)


def _scalar(value: object) -> str | int | float | bool | None:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


@dataclass
class Context:
    """What a running command has: its output, and the secrets it has read (masked in any
    message it prints, whatever reports them)."""

    out: Output
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _secrets: set[str] = field(default_factory=set)

    def remember_secrets(self, values: Iterable[str | None]) -> None:
        """Mask these in every error message from now on (an API key, secret, passphrase)."""
        self._secrets.update(v for v in values if v)

    def redact(self, text: str) -> str:
        return Redactor(self._secrets)(text)

    def error(self, message: str) -> None:
        """One line on stderr: ``exchlayer: error: ...``, secrets masked."""
        line = " ".join(self.redact(message).split())
        print(f"exchlayer: error: {line}", file=self.err, flush=True)


Handler = Callable[[argparse.Namespace, Context], Awaitable[int]]


@dataclass(frozen=True)
class ParserOptions:
    """What the command line says beyond what argparse can see before it parses: whether the
    account comes from a stored connection (``--connection NAME``), in which case keyed
    commands take no VENUE."""

    by_connection: bool = False


@dataclass(frozen=True)
class Command:
    """One ``exchlayer`` subcommand.

    ``configure`` adds the command's arguments to its parser (and may add sub-subcommands);
    ``run`` is awaited with the parsed arguments and returns the exit code. Errors it raises
    are reported by `exchlayer.cli.main`: an `ExchangeLayerError` as one line and exit 1, a
    `UsageError` as a usage error and exit 2.
    """

    name: str
    help: str
    description: str
    configure: Callable[[argparse.ArgumentParser, ParserOptions], None]
    run: Handler
    epilog: str | None = None
