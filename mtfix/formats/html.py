"""Self-contained HTML pages and tables, for the reports mtfix writes.

Every HTML page mtfix writes stands alone: one file, inline CSS, no script and no
external asset, so it opens offline, can be mailed to a client, and prints cleanly.
The colours follow the reader's light or dark preference. Every piece of text from a
document goes through :func:`html.escape` here, so callers pass plain text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

BASE_CSS = """
:root{color-scheme:light dark;--fg:#1d1f21;--bg:#fff;--muted:#5c6370;--line:#d0d4da;--head:#f1f3f5;
--accent:#2f6fb3;--critical:#b00020;--major:#9a5b00;--minor:#2d6a8a;--ins:#d7f5dd;--del:#fbe0e0}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#17191c;--muted:#a0a7b1;--line:#3a3f46;
--head:#23262b;--accent:#7fb2ea;--critical:#ff6b81;--major:#f0b35a;--minor:#7cc4e4;--ins:#1f4a2a;--del:#5a2329}}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);
background:var(--bg);margin:2rem auto;max-width:78rem;padding:0 1.5rem}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .6rem}
.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid var(--line);padding:.3rem .55rem;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr{break-inside:avoid}thead{display:table-header-group}
ins{background:var(--ins);text-decoration:none}del{background:var(--del)}
@media print{body{margin:0;max-width:none;font-size:10pt;color:#000;background:#fff}
th{background:#eee}a{color:inherit}h2{break-after:avoid}svg,.cards,.card{break-inside:avoid}}
"""


def text(value: object) -> str:
    """``value`` as HTML text, escaped (quotes too, so it is safe in attributes)."""
    return html.escape(str(value), quote=True)


def html_page(title: str, body: str, *, css: str = "") -> str:
    """A complete, self-contained HTML page.

    Args:
        title: The page title (plain text).
        body: The body's HTML, already escaped by the caller's helpers.
        css: Extra CSS appended to the shared style sheet.
    """
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{text(title)}</title>\n"
        f"<style>{BASE_CSS}{css}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def html_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Iterable[int] = (),
    row_classes: Iterable[str] | None = None,
    raw: Iterable[int] = (),
) -> str:
    """An HTML table; every cell is escaped except the columns listed in ``raw``.

    Args:
        headers: Column headings (plain text).
        rows: The cells of each row; plain text (or numbers) unless raw.
        numeric: Indices of columns aligned right (figures).
        row_classes: A CSS class per row, e.g. a severity.
        raw: Indices of columns whose cells are HTML built by the caller, already escaped.
    """
    numeric, raw = set(numeric), set(raw)

    def cell(tag: str, i: int, value: object, html_ok: bool) -> str:
        css = ' class="num"' if i in numeric else ""
        return f"<{tag}{css}>{value if html_ok else text(value)}</{tag}>"

    head = "".join(cell("th", i, h, False) for i, h in enumerate(headers))
    classes = iter(row_classes) if row_classes is not None else None
    lines = []
    for row in rows:
        css = f' class="{text(next(classes))}"' if classes is not None else ""
        lines.append(f"<tr{css}>" + "".join(cell("td", i, v, i in raw) for i, v in enumerate(row)) + "</tr>")
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(lines) + "\n</tbody></table>"
