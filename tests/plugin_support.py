"""Installing the test plugin distribution the way pip would (shared by the plugin tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

PLUGIN_SOURCE = Path(__file__).parent / "plugins" / "exchlayer_binanceus"


def install_distribution(
    site: Path, package: str, version: str, entry_points: dict[str, str], source: Path | None
) -> None:
    """Lay a distribution out in ``site`` the way ``pip install`` does: package + dist-info."""
    if source is not None:
        shutil.copytree(source, site / package)
    dist_info = site / f"{package}-{version}.dist-info"
    dist_info.mkdir()
    name = package.replace("_", "-")
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    )
    lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
    (dist_info / "entry_points.txt").write_text(f"[exchlayer.exchanges]\n{lines}\n")
    (dist_info / "RECORD").write_text("")
