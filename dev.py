#!/usr/bin/env python3
"""Developer entry point: needs only Python >= 3.10 and git.

    python3 dev.py demo      # run the demo against the built-in venue simulator (no keys)
    python3 dev.py test      # run the whole test suite
    python3 dev.py check     # ruff, mypy --strict and the docs build
    python3 dev.py bench     # the benchmarks (exchlayer vs raw ccxt)
    python3 dev.py examples  # run every script in examples/ against the simulator

Each command creates (or reuses) a virtual environment in .venv and installs the project into it,
reinstalling only when pyproject.toml or constraints.txt changed. Extra arguments go to the tool
(``python3 dev.py test -k binance -x``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("EXCHLAYER_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _stamp(extras: str) -> str:
    digest = hashlib.sha256(extras.encode())
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_env(extras: str) -> None:
    """Create .venv and install the project with ``extras`` unless already current."""
    if sys.version_info < (3, 10):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit(f"exchlayer needs Python >= 3.10; this is {sys.version.split()[0]}")
    stamp_file = VENV / f".exchlayer-{extras or 'base'}.stamp"
    wanted = _stamp(extras)
    if stamp_file.exists() and stamp_file.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    print(f"installing exchlayer{f'[{extras}]' if extras else ''} into {VENV}", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run(
        [*pip, "install", "-c", "constraints.txt", "-e", target], check=True, cwd=ROOT
    )
    stamp_file.write_text(wanted)


def run(*cmd: str) -> int:
    """Run ``cmd`` with the venv's tools first on PATH; return its exit code."""
    env = dict(
        os.environ,
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        NO_MKDOCS_2_WARNING="1",
    )
    return subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode


def _demo(py: str, args: list[str]) -> int:
    ensure_env("")
    return run(py, "-m", "exchlayer", "demo", *args)


def _test(py: str, args: list[str]) -> int:
    ensure_env("dev")
    return run(py, "-m", "pytest", *args)


def _steps(steps: list[tuple[str, ...]]) -> int:
    """Run each step in turn, echoing it; stop at the first that fails."""
    for step in steps:
        print("$", " ".join(step[1:]), flush=True)
        code = run(*step)
        if code:
            return code
    return 0


def _check(py: str, args: list[str]) -> int:
    ensure_env("dev")
    return _steps(
        [
            (py, "-m", "ruff", "check", "src", "tests", "benchmarks", "examples", "dev.py"),
            (py, "-m", "mypy", "--strict", "src"),
            # not --quiet: it hides the warnings that --strict turns into failures
            (py, "-m", "mkdocs", "build", "--strict", "--site-dir", ".site"),
        ]
    )


def _bench(py: str, args: list[str]) -> int:
    ensure_env("dev")
    scripts = args or sorted(str(p) for p in (ROOT / "benchmarks").glob("*.py"))
    return max((run(py, script) for script in scripts), default=0)


def _examples(py: str, args: list[str]) -> int:
    ensure_env("dev")  # the store and HTTP examples need the store and api extras
    scripts = sorted((ROOT / "examples").glob("[!_]*.py"))
    return _steps([(py, str(script)) for script in scripts])


COMMANDS = {"demo": _demo, "test": _test, "check": _check, "bench": _bench, "examples": _examples}


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("help", [])
    handler = COMMANDS.get(command)
    if handler is not None:
        return handler(str(PYTHON), args)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
