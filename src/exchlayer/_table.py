"""A small plain-text table renderer for the command line (no dependencies).

Tables fit a given width: one too wide is split into stacked tables of fewer columns, each
repeating the first (key) column, and text cells are cut short only when a single column cannot
fit. Box-drawing borders, or ASCII ones for a stream that cannot encode them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["ASCII", "BOX", "Borders", "fmt", "render_table"]


@dataclass(frozen=True)
class Borders:
    """The characters a table is drawn with."""

    vertical: str
    horizontal: str
    top: tuple[str, str, str]
    """Left corner, column junction, right corner of the top border."""
    middle: tuple[str, str, str]
    bottom: tuple[str, str, str]
    ellipsis: str
    """Ends a cell that was cut short."""


BOX = Borders("│", "─", ("┌", "┬", "┐"), ("├", "┼", "┤"), ("└", "┴", "┘"), "…")
ASCII = Borders("|", "-", ("+", "+", "+"), ("+", "+", "+"), ("+", "+", "+"), "~")

_MIN_TEXT = 6  # a text column is never cut narrower than this


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
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    title: str | None = None,
    width: int | None = None,
    borders: Borders = BOX,
) -> str:
    """Render rows under headers; numbers are right-aligned, text left-aligned.

    Args:
        headers: the column names.
        rows: the cells, one sequence per row (Decimals and ints count as numbers).
        title: a line above the table.
        width: the most characters a line may take (``None``: no limit).
        borders: ``BOX`` or ``ASCII``.
    """
    cells = [[fmt(c) for c in row] for row in rows]
    numeric = [
        all(isinstance(row[i], (Decimal, int)) or row[i] is None for row in rows) and bool(rows)
        for i in range(len(headers))
    ]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    out = [title] if title else []
    for group in _groups(widths, width):
        group_widths = _fitted([widths[i] for i in group], [numeric[i] for i in group], width)
        out.extend(
            _draw(
                [headers[i] for i in group],
                [[row[i] for i in group] for row in cells],
                [numeric[i] for i in group],
                group_widths,
                borders,
            )
        )
    return "\n".join(out)


def _line_width(widths: Sequence[int]) -> int:
    """The characters of one line of a table with these column widths: ``│ a │ b │``."""
    return sum(widths) + 3 * len(widths) + 1


def _groups(widths: Sequence[int], width: int | None) -> list[list[int]]:
    """Column indices per stacked table; every table after the first repeats column 0."""
    if width is None or _line_width(widths) <= width or len(widths) < 2:
        return [list(range(len(widths)))]
    groups: list[list[int]] = [[0]]
    for i in range(1, len(widths)):
        current = groups[-1]
        if len(current) > 1 and _line_width([widths[j] for j in (*current, i)]) > width:
            groups.append([0, i])
        else:
            current.append(i)
    return groups


def _fitted(widths: list[int], numeric: list[bool], width: int | None) -> list[int]:
    """``widths`` with the widest text columns narrowed until the table fits (numbers never)."""
    widths = list(widths)
    while width is not None and _line_width(widths) > width:
        text = [i for i, w in enumerate(widths) if not numeric[i] and w > _MIN_TEXT]
        if not text:
            break
        widest = max(text, key=lambda i: widths[i])
        widths[widest] = max(_MIN_TEXT, widths[widest] - (_line_width(widths) - width))
    return widths


def _draw(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    widths: Sequence[int],
    b: Borders,
) -> list[str]:
    def cut(value: str, w: int) -> str:
        return value if len(value) <= w else value[: w - len(b.ellipsis)] + b.ellipsis

    def line(values: Sequence[str]) -> str:
        parts = [
            cut(v, w).rjust(w) if numeric[i] else cut(v, w).ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return f"{b.vertical} " + f" {b.vertical} ".join(parts) + f" {b.vertical}"

    def rule(corners: tuple[str, str, str]) -> str:
        left, junction, right = corners
        h = b.horizontal
        return left + h + f"{h}{junction}{h}".join(h * w for w in widths) + h + right

    return [
        rule(b.top),
        line(list(headers)),
        rule(b.middle),
        *(line(row) for row in rows),
        rule(b.bottom),
    ]
