"""A small plain-text table renderer for the command line (no dependencies)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

__all__ = ["fmt", "render_table"]


def fmt(value: object, places: int | None = None) -> str:
    """A cell's text: Decimals without exponent (optionally quantised), ``-`` for None."""
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        if places is not None:
            value = value.quantize(Decimal(1).scaleb(-places))
        text = format(value, "f")
        if "." in text and places is None:
            text = text.rstrip("0").rstrip(".")
        return text
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return str(value.value)
    return str(value)


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None
) -> str:
    """Render rows under headers; numbers are right-aligned, text left-aligned."""
    cells = [[fmt(c) for c in row] for row in rows]
    numeric = [
        all(isinstance(row[i], (Decimal, int)) or row[i] is None for row in rows) and bool(rows)
        for i in range(len(headers))
    ]
    widths = [
        max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if numeric[i] else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "│ " + " │ ".join(parts) + " │"

    border = "─┼─".join("─" * w for w in widths)
    out = []
    if title:
        out.append(title)
    out.append("┌─" + "─┬─".join("─" * w for w in widths) + "─┐")
    out.append(line(list(headers)))
    out.append("├─" + border + "─┤")
    out.extend(line(row) for row in cells)
    out.append("└─" + "─┴─".join("─" * w for w in widths) + "─┘")
    return "\n".join(out)
