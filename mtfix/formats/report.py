"""The post-editing report as a file: JSON for tools, a self-contained HTML page for people.

The HTML page stands alone (inline CSS and SVG charts, no script, no external
asset), so it opens offline, can be mailed to a client and prints cleanly.
"""

from __future__ import annotations

import json
from pathlib import Path

from mtfix.core.apply import word_diff
from mtfix.core.report import SOURCES, PostEditReport, SegmentFigures
from mtfix.formats.html import html_page, html_table, text

SOURCE_LABELS = {"fixes": "glossary fixes", "tm": "TM matches", "propagated": "repetitions", "free": "free editing"}
"""How the report names each source of change."""

CHART_RULES = 15
"""Rules drawn in the chart; the table below it lists them all."""

_CSS = """
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.7rem;margin:1.2rem 0}
.card{border:1px solid var(--line);border-radius:.4rem;padding:.6rem .8rem}
.card .label{color:var(--muted);font-size:.85rem}.card .value{font-size:1.3rem;font-weight:600;white-space:nowrap}
.card .sub{color:var(--muted);font-size:.8rem}
svg{max-width:100%;height:auto;display:block}svg.stack{width:100%;height:22px}
.narrow table{width:auto}svg text{fill:currentColor;font-size:13px}
.bar{fill:var(--accent)}.s-fixes{fill:#3b7dd8}.s-tm{fill:#2e9d6a}.s-propagated{fill:#a268c9}.s-free{fill:#d9822b}
.key{display:inline-block;width:.8em;height:.8em;border-radius:.15em;margin-right:.3em;vertical-align:-.05em}
.key.s-fixes{background:#3b7dd8}.key.s-tm{background:#2e9d6a}.key.s-propagated{background:#a268c9}
.key.s-free{background:#d9822b}.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1.2rem}
.legend .key{-webkit-print-color-adjust:exact;print-color-adjust:exact}
"""


# --- JSON -----------------------------------------------------------------------------------


def _sources(sources) -> dict:
    shares = sources.shares()
    return {name: {"characters": getattr(sources, name), "share": round(shares[name], 4)} for name in SOURCES}


def _segment_dict(figures: SegmentFigures) -> dict:
    return {
        "segment": figures.index + 1, "status": figures.status.value, "mt": figures.mt, "target": figures.target,
        "mt_words": figures.mt_words, "target_words": figures.target_words,
        "edit_distance": figures.edit_distance, "ter": round(figures.ter, 2), "ter_edits": figures.ter_edits,
        "sources": _sources(figures.sources), "accepted_fixes": list(figures.accepted_fixes),
        "seconds": figures.seconds,
    }


def report_dict(result: PostEditReport) -> dict:
    """The report as plain data: what the JSON file holds.

    Segments are numbered from 1; TER is in percent; each source of change has its
    characters and its share (0 to 1) of the change.
    """
    totals = result.totals
    return {
        "document": result.document,
        "totals": {
            "segments": totals.segments, "changed_segments": totals.changed_segments,
            "statuses": dict(totals.statuses), "mt_words": totals.mt_words, "target_words": totals.target_words,
            "edit_distance": totals.edit_distance, "mt_characters": totals.mt_characters,
            "ter": round(totals.ter, 2), "ter_edits": totals.ter_edits,
            "sources": _sources(totals.sources), "accepted_fixes": totals.accepted_fixes,
        },
        "time_spent": result.time_spent,
        "time_note": result.time_note,
        "rules": [{"rule": r.rule, "kind": r.kind, "accepted": r.accepted, "rejected": r.rejected}
                  for r in result.rules],
        "segments": [_segment_dict(f) for f in result.segments],
    }


def json_report(result: PostEditReport) -> str:
    """The report as a JSON document."""
    return json.dumps(report_dict(result), ensure_ascii=False, indent=2) + "\n"


# --- terminal -------------------------------------------------------------------------------


def _card(label: str, value: str, sub: str = "") -> str:

    sub_html = f'<div class="sub">{text(sub)}</div>' if sub else ""
    return (f'<div class="card"><div class="label">{text(label)}</div>'
            f'<div class="value">{text(value)}</div>{sub_html}</div>')


def _time(result: PostEditReport) -> str:
    if result.time_spent is None:
        return "not measured"
    minutes, seconds = divmod(round(result.time_spent), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"


def _count(n: int, noun: str) -> str:
    return f"from {n} {noun if n == 1 else noun + 's'}"


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0%"


def _sources_chart(result: PostEditReport) -> str:

    sources = result.totals.sources
    total = sources.total
    width, x, bars = 600, 0.0, []
    for name in SOURCES:
        value = getattr(sources, name)
        if total and value:
            w = width * value / total
            bars.append(f'<rect class="s-{name}" x="{x:.1f}" y="0" width="{w:.1f}" height="22">'
                        f"<title>{text(SOURCE_LABELS[name])}: {value}</title></rect>")
            x += w
    if not bars:
        bars.append(f'<rect x="0" y="0" width="{width}" height="22" fill="none" stroke="currentColor" '
                    'stroke-opacity=".3"/>')
    shares = sources.shares()
    legend = "".join(
        f'<li><span class="key s-{n}"></span>{text(SOURCE_LABELS[n])}: {getattr(sources, n)} characters '
        f"({shares[n]:.0%})</li>" for n in SOURCES
    )
    return (f'<svg class="stack" role="img" aria-label="Where the change came from" viewBox="0 0 {width} 22" '
            f'preserveAspectRatio="none">{"".join(bars)}</svg>\n<ul class="legend">{legend}</ul>')


def _rules_chart(result: PostEditReport) -> str:
    """A horizontal bar chart of the accepted fixes of the busiest rules, as inline SVG."""

    rules = [r for r in result.rules if r.accepted][:CHART_RULES]
    if not rules:
        return '<p class="muted">No fix was accepted.</p>'
    label_width, bar_width, row = 260, 380, 24
    most = max(r.accepted for r in rules)
    height = row * len(rules)
    parts = []
    for i, r in enumerate(rules):
        y = i * row
        w = max(2.0, bar_width * r.accepted / most)
        label = r.rule if len(r.rule) <= 34 else r.rule[:33] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{text(label)}<title>{text(r.rule)}'
            f"</title></text>"
            f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row - 8}"/>'
            f'<text x="{label_width + w + 6:.1f}" y="{y + 16}">{r.accepted}</text>'
        )
    more = len([r for r in result.rules if r.accepted]) - len(rules)
    note = f'<p class="muted">And {more} more {"rule" if more == 1 else "rules"}, listed below.</p>' if more > 0 else ""
    total_width = label_width + bar_width + 50
    return (f'<svg role="img" aria-label="Accepted fixes per rule" viewBox="0 0 {total_width} {height}" '
            f'width="{total_width}" height="{height}">{"".join(parts)}</svg>{note}')


def _diff_html(mt: str, target: str) -> str:
    if mt == target:
        return text(target)
    out = []
    for tag, i1, i2, j1, j2 in word_diff(mt, target):
        if tag == "equal":
            out.append(text(target[j1:j2]))
            continue
        if i2 > i1:
            out.append(f"<del>{text(mt[i1:i2])}</del>")
        if j2 > j1:
            out.append(f"<ins>{text(target[j1:j2])}</ins>")
    return "".join(out)


def html_report(result: PostEditReport) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no script)."""

    totals = result.totals
    name = Path(result.document).name
    statuses = ", ".join(f"{v} {k}" for k, v in totals.statuses.items() if v) or "none"
    cards = "".join((
        _card("Segments", str(totals.segments), f"{totals.changed_segments} changed; {statuses}"),
        _card("Words", f"{totals.mt_words} → {totals.target_words}", "MT → final target"),
        _card("Edit distance", str(totals.edit_distance),
              f"characters ({_percent(totals.edit_distance, totals.mt_characters)} "
              f"of the MT's {totals.mt_characters})"),
        _card("TER", f"{totals.ter:.1f}%", f"{totals.ter_edits:g} word edits"),
        _card("Accepted fixes", str(totals.accepted_fixes), _count(sum(1 for r in result.rules if r.accepted), "rule")),
        _card("Time spent", _time(result), result.time_note.removeprefix("not measured: ")),
    ))
    rules_table = html_table(
        ("rule or concept", "kind", "accepted", "rejected"),
        ((r.rule, r.kind, r.accepted, r.rejected) for r in result.rules), numeric=(2, 3),
    ) if result.rules else ""
    segments_table = html_table(
        ("#", "status", "words", "distance", "TER", "fixes", "TM", "repet.", "free", "MT → final target"),
        ((f.index + 1, f.status.value, f"{f.mt_words} → {f.target_words}", f.edit_distance, f"{f.ter:.1f}%",
          f.sources.fixes, f.sources.tm, f.sources.propagated, f.sources.free, _diff_html(f.mt, f.target))
         for f in result.segments),
        numeric=(0, 2, 3, 4, 5, 6, 7, 8), raw=(9,),
        row_classes=("changed" if f.changed else "same" for f in result.segments),
    )
    body = f"""<header><h1>Post-editing report: {text(name)}</h1>
<p class="muted">{text(result.document)}</p></header>
<section class="cards">{cards}</section>
<section><h2>Where the change came from</h2>
<p class="muted">Characters changed at each step: glossary fixes (MT → MT with the accepted fixes), TM matches
and repetitions (→ the text inserted), free editing (→ the final target).</p>
{_sources_chart(result)}</section>
<section id="rules"><h2>Accepted fixes per rule</h2>
{_rules_chart(result)}
<div class="narrow">{rules_table}</div></section>
<section id="segments"><h2>Segments</h2>
<p class="muted">Distance in characters; TER in word edits per word of the final target;
fixes, TM, repet(itions) and free: characters changed by each.</p>
{segments_table}</section>"""
    css = _CSS + "#segments td:last-child{min-width:22rem}"
    return html_page(f"Post-editing report: {name}", body, css=css)
