"""Where the command line keeps its connections: an encrypted `SQLiteConnectionStore`.

The file is ``--store PATH``, else ``EXCHLAYER_STORE_PATH``, else ``connections.db`` in the
user's configuration directory (``$XDG_CONFIG_HOME/exchlayer``, ``~/.config/exchlayer``, or
``%APPDATA%\\exchlayer`` on Windows). Its key is ``EXCHLAYER_STORE_KEY``, or typed at a prompt
when that is not set and a terminal is attached. Secrets are never read from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..connection import ExchangeConnection
from ..errors import ConfigurationError, ConnectionNotFound
from .app import Context, UsageError

if TYPE_CHECKING:
    from ..store import SQLiteConnectionStore

__all__ = [
    "CLI_USER",
    "STORE_PATH_ENV",
    "add_store_argument",
    "can_prompt",
    "find_connection",
    "open_store",
    "prompt_secret",
    "store_exists",
    "store_path",
]

STORE_PATH_ENV = "EXCHLAYER_STORE_PATH"
"""The environment variable naming the store file (``--store`` wins)."""

CLI_USER = "cli"
"""The ``user`` of the connections ``exchlayer connections add`` stores."""


def default_store_path() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "exchlayer" / "connections.db"


def store_path(args: argparse.Namespace) -> Path:
    given = getattr(args, "store", None) or os.environ.get(STORE_PATH_ENV)
    return Path(given).expanduser() if given else default_store_path()


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="PATH",
        help=f"the connection store file (default: ${STORE_PATH_ENV}, else "
        f"{_display(default_store_path())})",
    )


def _display(path: Path) -> str:
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)


def can_prompt() -> bool:
    """Whether a person can be asked for a secret (stdin is a terminal)."""
    stdin = sys.stdin
    return stdin is not None and stdin.isatty()


def prompt_secret(prompt: str) -> str:
    """Ask for a secret without echoing it (``getpass``)."""
    try:
        return getpass.getpass(prompt)
    except EOFError:
        return ""


def _store_key(ctx: Context, path: Path, *, new: bool) -> str | None:
    from ..store import KEY_ENV_VAR

    key = os.environ.get(KEY_ENV_VAR)
    if not key and can_prompt():
        key = prompt_secret(f"store key for {path}: ")
        if new and key and prompt_secret("the same store key again: ") != key:
            raise UsageError("the two store keys differ; nothing was stored")
    if key:
        ctx.remember_secrets([key])
    return key or None


def store_exists(path: Path) -> bool:
    return path.exists()


def _store_file(path: Path, *, create: bool) -> bool:
    """Whether the store file exists; raises when it does not and is not to be created."""
    exists = path.exists()
    if not exists and not create:
        raise ConfigurationError(
            f"no connection store at {path}: add a connection first "
            "('exchlayer connections add NAME --exchange VENUE')"
        )
    return exists


def _make_directory(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)


async def open_store(
    ctx: Context, path: Path, *, unlock: bool = True, create: bool = False
) -> SQLiteConnectionStore:
    """The store at ``path``, opened (the caller closes it, ``async with`` works).

    ``unlock=False`` opens it without its key when ``EXCHLAYER_STORE_KEY`` is not set (listing
    without credentials); ``create`` makes the file (and its directory) when missing.

    Raises:
        ConfigurationError: no store there (and not ``create``), or no key, or the wrong one.
    """
    from ..store import KEY_ENV_VAR, SQLiteConnectionStore

    exists = _store_file(path, create=create)
    try:
        if not unlock and not os.environ.get(KEY_ENV_VAR):
            store = SQLiteConnectionStore(path, metadata_only=True)
        else:
            store = SQLiteConnectionStore(path, key=_store_key(ctx, path, new=not exists))
    except ImportError as exc:  # the "store" extra is missing: the message says how to add it
        raise ConfigurationError(str(exc)) from None
    try:
        if not exists:
            _make_directory(path)
        await store.open()
    except BaseException:
        await store.close()
        raise
    return store


async def find_connection(store: SQLiteConnectionStore, name: str) -> ExchangeConnection:
    """The stored connection called ``name`` (its label), or with that id.

    Raises:
        ConnectionNotFound: none is.
        ConfigurationError: several are (the message lists their ids).
    """
    connections = await store.list()
    if name.isdigit():
        by_id = [c for c in connections if c.id == int(name)]
        if by_id:
            return by_id[0]
    found = [c for c in connections if c.label == name]
    if not found:
        names = ", ".join(sorted(repr(c.label) for c in connections if c.label)) or "none"
        raise ConnectionNotFound(
            f"no stored connection is called {name!r} (in {store.path}; stored: {names})"
        )
    if len(found) > 1:
        ids = ", ".join(str(c.id) for c in found)
        raise ConfigurationError(
            f"{len(found)} stored connections are called {name!r} (ids {ids}); give the id"
        )
    return found[0]
