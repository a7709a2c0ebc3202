"""Every Python code block in README.md and docs/ runs, against the venue simulator.

A page's blocks run in page order and share one namespace, so a page can build on its earlier
blocks, the way a reader pastes them one after another into ``python -m asyncio`` or a Jupyter
notebook: each block runs inside the page's event loop, and top-level ``await`` works. A block
that calls ``asyncio.run()`` is a script: it runs as ``python script.py`` would, in a thread with
no running loop. ``async def test_*`` functions a block defines are then called (pytest style;
the ``venue_simulator`` and ``simulated_exchange`` fixtures are given).

Nothing is mocked: every connector the factory creates is routed to a simulator started for the
page by ``exchlayer.testing.route_to``, which opens a funded account for each API key it has not
seen (``api_key="..."`` included), so the blocks run exactly as printed. Any attempt to reach a
host other than 127.0.0.1 fails the page.

A block that cannot run (a signature listing, a fragment) is marked in the Markdown with a
comment on the line before it, saying why::

    <!-- no-run: lists signatures, not code -->

Markers are meant to be rare; ``MAX_NO_RUN`` keeps them so.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import socket
import sys
import textwrap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from exchlayer import BaseExchange
from exchlayer.testing import Simulator, connect, route_to

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(
    [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")],
    key=lambda p: p.relative_to(ROOT).as_posix(),
)

# Pages whose code is being rewritten alongside the modules they document; their blocks are not
# run yet. Whoever finishes a page deletes its entry here (and the test then runs the page).
NOT_YET_CHECKED: dict[str, str] = {}  # page -> why its blocks are not run yet

# Environment a page's own shell blocks set before its Python runs.
PAGE_ENVIRONMENT = {
    # its bash block exports a key made with generate_store_key()
    "docs/store.md": {"EXCHLAYER_STORE_KEY": "docs-test-store-key-0123456789abcdef"},
    "docs/service.md": {"EXCHLAYER_STORE_KEY": "docs-test-store-key-0123456789abcdef"},
}

MAX_NO_RUN = 4
BLOCK_TIMEOUT = 60.0

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)[ \t]*(?P<info>[^`\s]*)[^`]*$")
_NO_RUN = re.compile(r"^\s*<!--\s*no-run:(?P<reason>.*?)-->\s*$")
_PYTHON = {"python", "py", "python3"}
_INCLUDE = re.compile(r'^--8<--\s+"(?P<target>[^"]+)"$')


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown page."""

    page: Path
    line: int
    """The line of the opening fence (1-based)."""
    language: str
    source: str
    no_run: str | None
    """The reason given by a ``<!-- no-run: ... -->`` marker on the line before, if any."""

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT).as_posix()}:{self.line}"

    @property
    def is_python(self) -> bool:
        return self.language.lower() in _PYTHON

    @property
    def includes(self) -> list[str]:
        """The files (``path`` or ``path:section``) the block includes with pymdownx.snippets'
        ``--8<--``; a block made only of includes shows a file the suite runs on its own."""
        lines = [line.strip() for line in self.source.splitlines() if line.strip()]
        found = [m["target"] for m in map(_INCLUDE.match, lines) if m]
        return found if len(found) == len(lines) else []


def code_blocks(page: Path) -> list[Block]:
    """The fenced code blocks of ``page``, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence, indent = opening["fence"], opening["indent"]
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not (
            lines[j].strip().startswith(fence) and lines[j].strip().strip(fence[0]) == ""
        ):
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j])
            j += 1
        previous = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        marker = _NO_RUN.match(previous)
        blocks.append(
            Block(
                page=page,
                line=i + 1,
                language=opening["info"],
                source=textwrap.dedent("\n".join(body)) + "\n",
                no_run=marker["reason"].strip() if marker else None,
            )
        )
        i = j + 1
    return blocks


def no_run_markers(page: Path) -> list[int]:
    """The lines of every no-run marker on ``page``."""
    text = page.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(text, 1) if _NO_RUN.match(line)]


def page_id(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def uses_runner(tree: ast.Module) -> bool:
    """Whether a block uses ``asyncio.Runner``, which Python 3.11 added (the page says so)."""
    return any(
        isinstance(node, ast.Attribute) and node.attr == "Runner" for node in ast.walk(tree)
    )


def is_script(tree: ast.Module) -> bool:
    """Whether a block starts its own event loop (``asyncio.run(...)``, ``asyncio.Runner()``),
    so it must run as a script does: with no loop running."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            if func.attr == "run_until_complete" or (
                isinstance(func.value, ast.Name)
                and func.value.id == "asyncio"
                and func.attr in ("run", "Runner")
            ):
                return True
    return False


# ---- a guard: nothing leaves the machine ---------------------------------------------------

_LOCAL = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse (and record) every lookup of, or connection to, a host that is not local."""
    refused: list[str] = []
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and str(host) not in _LOCAL:
            refused.append(str(host))
            raise OSError(f"the docs test refuses to reach {host!r}: only 127.0.0.1")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and str(address[0]) not in _LOCAL:
            refused.append(str(address[0]))
            raise OSError(f"the docs test refuses to connect to {address!r}: only 127.0.0.1")
        real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return refused


# ---- running a page ----------------------------------------------------------------------


class BlockFailed(AssertionError):
    """A block raised: its place in the docs and the error."""


async def run_block(block: Block, namespace: dict[str, Any]) -> None:
    tree = ast.parse(block.source, filename=block.where)
    if sys.version_info < (3, 11) and uses_runner(tree):
        return
    code = compile(tree, block.where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    if is_script(tree):
        await asyncio.wait_for(asyncio.to_thread(exec, code, namespace), BLOCK_TIMEOUT)
        return
    result = eval(code, namespace)  # what python -m asyncio does with a pasted block
    if inspect.iscoroutine(result):
        await asyncio.wait_for(result, BLOCK_TIMEOUT)


async def run_tests_defined(
    block: Block, before: dict[str, Any], namespace: dict[str, Any], sim: Simulator
) -> None:
    """Call each ``async def test_*`` the block defined, with the exchlayer fixtures it asks for."""
    for name, value in list(namespace.items()):
        if not name.startswith("test_") or before.get(name) is value:
            continue
        if not inspect.iscoroutinefunction(value):
            continue
        made: list[BaseExchange] = []

        async def simulated_exchange(
            venue: str, made: list[BaseExchange] = made, **kwargs: Any
        ) -> BaseExchange:
            exchange = await connect(sim, venue, **kwargs)
            made.append(exchange)
            return exchange

        fixtures: dict[str, Any] = {
            "venue_simulator": sim,
            "simulated_exchange": simulated_exchange,
        }
        wanted = list(inspect.signature(value).parameters)
        unknown = [p for p in wanted if p not in fixtures]
        if unknown:
            raise BlockFailed(f"{block.where}: {name} wants unknown fixtures {unknown}")
        try:
            await asyncio.wait_for(value(**{p: fixtures[p] for p in wanted}), BLOCK_TIMEOUT)
        finally:
            for exchange in made:
                await exchange.close()


async def close_leftovers(namespace: dict[str, Any]) -> None:
    """Close what the page left open, as the end of a notebook session would."""
    for value in namespace.values():
        if isinstance(value, BaseExchange) and not getattr(value, "closed", True):
            await value.close()
        closer: Callable[[], Awaitable[None]] | None = getattr(
            value, "close_all_connections", None
        )
        if closer is not None and not isinstance(value, type):
            await closer()


async def run_page(page: Path) -> None:
    blocks = [b for b in code_blocks(page) if runs(b)]
    async with Simulator() as sim:
        namespace: dict[str, Any] = {"__name__": "__main__"}
        with route_to(sim):
            try:
                for block in blocks:
                    before = dict(namespace)
                    try:
                        await run_block(block, namespace)
                        await run_tests_defined(block, before, namespace, sim)
                    except BlockFailed:
                        raise
                    except BaseException as exc:
                        raise BlockFailed(
                            f"{block.where}: the block raised {type(exc).__name__}: {exc}\n\n"
                            f"{block.source}"
                        ) from exc
            finally:
                await close_leftovers(namespace)


def runs(block: Block) -> bool:
    """Whether the page test runs ``block``: Python, not marked no-run, not an include."""
    return block.is_python and block.no_run is None and not block.includes


RUN_PAGES = [p for p in PAGES if any(runs(b) for b in code_blocks(p))]


@pytest.mark.parametrize("page", RUN_PAGES, ids=page_id)
def test_page_runs(
    page: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    loopback_only: list[str],
) -> None:
    reason = NOT_YET_CHECKED.get(page_id(page))
    if reason is not None:
        pytest.skip(f"not yet checked: {reason}")
    monkeypatch.chdir(tmp_path)  # files a page writes (a SQLite store) land here
    for name, value in PAGE_ENVIRONMENT.get(page_id(page), {}).items():
        monkeypatch.setenv(name, value)
    asyncio.run(run_page(page))
    assert loopback_only == [], f"{page_id(page)} tried to reach {loopback_only}"


# ---- the harness's own rules -----------------------------------------------------------------


def test_the_readme_and_the_quickstart_are_checked() -> None:
    ids = {page_id(p) for p in RUN_PAGES}
    assert {"README.md", "docs/quickstart.md", "docs/notebooks-and-scripts.md"} <= ids
    assert not ({"README.md", "docs/quickstart.md"} & set(NOT_YET_CHECKED))


def test_no_run_markers_are_rare_explained_and_in_place() -> None:
    markers = 0
    for page in PAGES:
        blocks = code_blocks(page)
        marked = {b.line for b in blocks if b.no_run is not None}
        for block in blocks:
            if block.no_run is not None:
                assert block.is_python, f"{block.where}: only Python blocks need a no-run marker"
                assert block.no_run, f"{block.where}: a no-run marker must say why"
        # a marker that is not right before a block marks nothing
        assert len(no_run_markers(page)) == len(marked), f"{page_id(page)}: a stray marker"
        markers += len(marked)
    assert markers <= MAX_NO_RUN, f"{markers} no-run markers; make blocks runnable instead"


def test_included_files_exist_and_are_run_by_the_suite() -> None:
    """A block that includes a file is not run by the page test: the file is a test module, or
    a module a test imports, so pytest runs it. Its section markers must exist, or mkdocs would
    show an empty block."""
    included = [(b, t) for page in PAGES for b in code_blocks(page) for t in b.includes]
    assert len(included) >= 6  # the plugin example and the simulator venue example
    for block, target in included:
        path, _, section = target.partition(":")
        source = ROOT / path
        assert source.is_file(), f"{block.where}: {path} does not exist"
        if path == "CHANGELOG.md":
            continue
        assert path.startswith("tests/"), f"{block.where}: include a file the suite runs"
        text = source.read_text(encoding="utf-8")
        if section:
            assert f"# --8<-- [start:{section}]" in text, f"{block.where}: no {section!r}"
            assert f"# --8<-- [end:{section}]" in text, f"{block.where}: {section!r} not ended"
        stem = source.stem
        users = [t for t in (ROOT / "tests").rglob("test_*.py") if stem in t.read_text("utf-8")]
        assert stem.startswith("test_") or path.endswith("__init__.py") or users, (
            f"{block.where}: no test imports {path}"
        )


def test_the_fence_parser_reads_markers_indents_and_languages(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# T\n\n```python\nx = 1\n```\n\n<!-- no-run: a fragment -->\n```python\n...(\n```\n\n"
        "- item\n\n    ```py\n    if x:\n        y = 2\n    ```\n\n```bash\nls\n```\n",
        encoding="utf-8",
    )
    got = [(b.line, b.language, b.source, b.no_run) for b in code_blocks(page)]
    assert got == [
        (3, "python", "x = 1\n", None),
        (8, "python", "...(\n", "a fragment"),
        (14, "py", "if x:\n    y = 2\n", None),
        (19, "bash", "ls\n", None),
    ]


def test_blocks_that_start_their_own_loop_are_scripts() -> None:
    assert is_script(ast.parse("import asyncio\nasyncio.run(main())"))
    assert is_script(ast.parse("with asyncio.Runner() as r:\n    r.run(f())"))
    assert not is_script(ast.parse("await exchange.get_ticker('BTC/USDT')"))


# ---- docstrings are Markdown (mkdocstrings renders them with docstring_style: google) ----------

SRC = ROOT / "src" / "exchlayer"

# Paths (prefixes under src/exchlayer) whose docstrings still hold reST roles: their owners are
# converting them along with their refactors. Delete an entry once its roles are gone (this test
# then says so: a stale entry fails).
NOT_CONVERTED: tuple[str, ...] = ()

_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|attr|mod|data|exc|obj|const|ref):`[^`]*`")


def docstring_roles(path: Path) -> list[tuple[int, str]]:
    """Every reST role in the docstrings of ``path`` (module, class, function and attribute
    docstrings: every string statement), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            for match in _ROLE.finditer(node.value.value):
                line = node.lineno + node.value.value[: match.start()].count("\n")
                found.append((line, match.group()))
    return found


def test_docstrings_use_markdown_not_rest_roles() -> None:
    offenders = []
    unconverted_hits = dict.fromkeys(NOT_CONVERTED, 0)
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        roles = docstring_roles(path)
        skipped = next((p for p in NOT_CONVERTED if relative.startswith(p)), None)
        if skipped is not None:
            unconverted_hits[skipped] += len(roles)
            continue
        offenders += [f"src/exchlayer/{relative}:{line}: {role}" for line, role in roles]
    assert offenders == [], (
        "reST roles do not render in the API reference; write `Name`, or a cross-reference "
        "[`Name`][exchlayer.module.Name]:\n" + "\n".join(offenders)
    )
    stale = [p for p, hits in unconverted_hits.items() if hits == 0]
    assert stale == [], f"no reST roles left under {stale}: delete them from NOT_CONVERTED"


def test_the_role_finder_reads_attribute_docstrings_and_lines(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        '"""See :class:`X`."""\n\nclass C:\n    a = 1\n    """Set by\n    :meth:`C.go`."""\n',
        encoding="utf-8",
    )
    assert docstring_roles(module) == [(1, ":class:`X`"), (6, ":meth:`C.go`")]
