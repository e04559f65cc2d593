"""Terminal tables for the report-writing commands: rich, never reading text as markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def print_table(columns: Sequence[str], rows: Iterable[Sequence[object]], *, title: str | None = None,
                numeric: Iterable[int] = ()) -> None:
    """Print a table on the terminal; cells are never read as rich markup.

    Args:
        columns: Column headings.
        rows: The cells of each row: plain values, or :class:`rich.text.Text` for style.
        title: A title above the table.
        numeric: Indices of columns aligned right.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    numeric = set(numeric)
    table = Table(title=title, show_lines=False)
    for i, column in enumerate(columns):
        table.add_column(column, overflow="fold", justify="right" if i in numeric else "left")
    for row in rows:
        # Text(...) keeps document text from being read as markup ("[bold]" stays as typed).
        table.add_row(*(visible_text(v if isinstance(v, Text) else Text(str(v))) for v in row))
    Console().print(table)


def visible_text(text):
    """A :class:`rich.text.Text` with its control characters visible (ESC as ␛), styles kept.

    Document text never reaches the terminal raw: an escape sequence in a segment
    would act on the terminal, a U+202E would reorder the row.
    """
    from mtfix.core.visible import visible

    text.plain = visible(text.plain)  # one character for one: the spans still fit
    return text
