'''Read an mtfix glossary file in TOML: pattern rules, and terms if you like.

A pattern rule repairs an MT artefact that no term list can describe. It
carries examples, and the file refuses to load while any example fails, so a
rule cannot quietly drift into touching text it should leave alone::

    [[rule]]
    id = "space-before-hyphen"            # required; names the fixes it makes
    description = "MT puts a space before the hyphen of a compound: 'first -class'."
    pattern = '(?<=\\w) -(?=[a-z])'       # required; a Python regular expression
    replacement = "-"                     # required; may use \\1 or \\g<name>
    ignore_case = false                   # optional, default false
    apply = "auto"                        # optional: "auto" (default) or "suggest"
    must_match = ["first -class", "long -term"]                        # required, at least one
    must_not_match = ["a -5 degree", "run it with -v", "1990 - 2000"]  # optional

Write patterns in single-quoted (literal) TOML strings, so that backslashes
reach the regular expression unchanged.

Terms can live in the same file, one table per concept::

    [[concept]]
    id = "dut"                            # optional; default: the preferred term, slugged
    preferred = "Dalian University of Technology"                       # required
    admitted = ["DUT"]                    # optional: also correct, never replaced
    variants = [                          # optional: deprecated renderings, replaced
        "Dalian University of Science and Technology",
        { text = "the big work", apply = "suggest", note = "Also ordinary English." },
    ]
    superseded = []                       # optional: outdated renderings, replaced
    note = "The official English name."   # optional
    apply = "auto"                        # optional: default for the variants
    language = "en"                       # optional: language of all of the above
    source = { zh = ["大连理工大学", "大工"] }  # optional: source-language terms

Any term may be written as a table ``{ text = "...", note = "...", apply = "suggest" }``
instead of a plain string. Within ``[[rule]]`` and ``[[concept]]`` an unknown key
is an error (it is almost always a typo).

QA checks of the user's own (``mtfix qa`` reports them as ``regex:<id>``)::

    [[check]]
    id = "no-chinese"
    pattern = '[\u4e00-\u9fff]'
    message = "Chinese characters left in the English target."
    severity = "major"                    # critical, major or minor (default)
    ignore_case = false                   # optional

Other top-level tables are ignored.
'''

from __future__ import annotations

import os
import re
import tomllib
from typing import Any

from mtfix.core.models import Check, Concept, Glossary, Rule, Severity, Term, TermStatus
from mtfix.core.rules import compile_rule, rule_example_failures
from mtfix.errors import GlossaryError
from mtfix.formats._glossary_io import line_of_offset, read_glossary_bytes, slug, unused_id

_RULE_KEYS = {
    "id",
    "description",
    "pattern",
    "replacement",
    "ignore_case",
    "apply",
    "must_match",
    "must_not_match",
}
_CONCEPT_KEYS = {
    "id",
    "preferred",
    "admitted",
    "variants",
    "superseded",
    "note",
    "apply",
    "language",
    "source",
}
_TERM_KEYS = {"text", "note", "apply"}
_APPLY_WORDS = {"auto": True, "suggest": False}


def read_rules_toml(path: str | os.PathLike[str], *, check_examples: bool = True) -> Glossary:
    """Read the rules and concepts of an mtfix TOML glossary.

    Every rule is compiled (see :func:`mtfix.core.rules.compile_rule`) and, unless
    ``check_examples`` is false, tried on its examples.

    Args:
        path: The ``.toml`` file.
        check_examples: Refuse the file when a rule fails one of its examples.
            ``mtfix glossary check`` turns this off to list every failure itself.

    Returns:
        The concepts and rules in file order; ``sources`` is ``(str(path),)``.

    Raises:
        GlossaryError: The file is missing, is not valid TOML, has a rule or
            concept with a missing, unknown or mistyped key, a rule that does not
            compile, or (when checked) a rule example that fails. The error
            names the file and the line of the offending table.
    """
    data = read_glossary_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError("not UTF-8 text", path, line_of_offset(data, exc.start)) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else max(1, len(text.splitlines()))
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise GlossaryError(f"invalid TOML: {message}", path, line) from None

    rule_tables = _tables(document, "rule", path)
    concept_tables = _tables(document, "concept", path)
    rule_lines = _table_lines(text, "rule", rule_tables)
    concept_lines = _table_lines(text, "concept", concept_tables)

    rules = []
    for table, line in zip(rule_tables, rule_lines):
        rule = _rule(table, path, line)
        try:
            compile_rule(rule)
            failures = rule_example_failures(rule) if check_examples else []
        except GlossaryError as exc:
            raise GlossaryError(exc.message, path, line) from None
        if failures:
            raise GlossaryError("; ".join(failures), path, line)
        rules.append(rule)

    taken_ids: set[str] = set()
    concepts = [_concept(table, path, line, taken_ids) for table, line in zip(concept_tables, concept_lines)]
    check_tables = _tables(document, "check", path)
    checks = [
        _check(table, path, line)
        for table, line in zip(check_tables, _table_lines(text, "check", check_tables), strict=True)
    ]
    return Glossary(concepts=tuple(concepts), rules=tuple(rules), sources=(str(path),), checks=tuple(checks))


def _tables(document: dict[str, Any], name: str, path) -> list[dict[str, Any]]:
    tables = document.get(name, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise GlossaryError(f"'{name}' must be a list of tables, written [[{name}]]", path)
    return tables


def _table_lines(text: str, name: str, tables: list[dict[str, Any]]) -> list[int | None]:
    """The line of each ``[[name]]`` table, found by scanning the text.

    tomllib does not report positions. Array-of-tables headers appear in the
    same order as the tables, so the n-th header is the n-th table; where the
    tables were written another way, the line of the table's ``id`` is used.
    """
    lines = text.splitlines()
    header = re.compile(rf"^\s*\[\[\s*{name}\s*\]\]")
    headers = [number for number, line in enumerate(lines, start=1) if header.match(line)]
    if len(headers) == len(tables):
        return headers
    found: list[int | None] = []
    for table in tables:
        table_id = table.get("id")
        line = None
        if isinstance(table_id, str):
            id_line = re.compile(rf"""\bid\s*=\s*(["']){re.escape(table_id)}\1""")
            line = next((n for n, text_line in enumerate(lines, start=1) if id_line.search(text_line)), None)
        found.append(line)
    return found


class _Table:
    """One ``[[rule]]`` or ``[[concept]]`` table, with typed access that reports its line."""

    def __init__(self, values: dict[str, Any], what: str, path, line: int | None):
        self.values, self.what, self.path, self.line = values, what, path, line

    def fail(self, message: str) -> GlossaryError:
        return GlossaryError(f"{self.what}: {message}", self.path, self.line)

    def only(self, known: set[str]) -> None:
        unknown = sorted(set(self.values) - known)
        if unknown:
            raise self.fail(
                f"unknown key(s) {', '.join(map(repr, unknown))}; known keys: {', '.join(sorted(known))}"
            )

    def string(self, key: str, *, required: bool = False, allow_empty: bool = False) -> str:
        if key not in self.values:
            if required:
                raise self.fail(f"has no {key!r}")
            return ""
        value = self.values[key]
        if not isinstance(value, str):
            raise self.fail(f"{key!r} must be a string, not {value!r}")
        if required and not allow_empty and not value.strip():
            raise self.fail(f"{key!r} is empty")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        values = self.values.get(key, [])
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise self.fail(f"{key!r} must be a list of strings")
        return tuple(values)

    def items(self, key: str) -> list[Any]:
        values = self.values.get(key, [])
        return values if isinstance(values, list) else [values]

    def boolean(self, key: str) -> bool:
        value = self.values.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{key!r} must be true or false, not {value!r}")
        return value

    def apply(self, *, default: bool) -> bool:
        if "apply" not in self.values:
            return default
        value = self.values["apply"]
        if not isinstance(value, str) or value not in _APPLY_WORDS:
            raise self.fail(f"'apply' must be \"auto\" or \"suggest\", not {value!r}")
        return _APPLY_WORDS[value]


def _rule(values: dict[str, Any], path, line: int | None) -> Rule:
    rule_id = _Table(values, "a rule", path, line).string("id", required=True)
    table = _Table(values, f"rule {rule_id!r}", path, line)
    table.only(_RULE_KEYS)
    must_match = table.strings("must_match")
    if not must_match:
        raise table.fail("needs at least one must_match example: a text it must find something in")
    return Rule(
        id=rule_id,
        pattern=table.string("pattern", required=True),
        replacement=table.string("replacement", required=True, allow_empty=True),
        description=table.string("description"),
        must_match=must_match,
        must_not_match=table.strings("must_not_match"),
        ignore_case=table.boolean("ignore_case"),
        auto_apply=table.apply(default=True),
    )


def _check(values: dict[str, Any], path, line: int | None) -> Check:
    check_id = _Table(values, "a check", path, line).string("id", required=True)
    table = _Table(values, f"check {check_id!r}", path, line)
    table.only({"id", "pattern", "message", "severity", "ignore_case"})
    severity = table.string("severity") or "minor"
    if severity not in {s.value for s in Severity}:
        raise table.fail(f"'severity' must be critical, major or minor, not {severity!r}")
    pattern = table.string("pattern", required=True, allow_empty=True)
    if not pattern:
        raise table.fail("'pattern' is empty")
    check = Check(
        id=check_id.removeprefix("regex:"),
        pattern=pattern,
        message=table.string("message") or f"matches the pattern of check {check_id}",
        severity=Severity(severity),
        ignore_case=table.boolean("ignore_case"),
    )
    try:
        re.compile(check.pattern, re.IGNORECASE if check.ignore_case else 0)
    except re.error as exc:
        raise table.fail(f"bad regular expression {check.pattern!r}: {exc}") from None
    return check


def _concept(values: dict[str, Any], path, line: int | None, taken_ids: set[str]) -> Concept:
    preferred = values.get("preferred")
    label = values.get("id") or (preferred.get("text") if isinstance(preferred, dict) else preferred)
    table = _Table(values, f"concept {label!r}" if isinstance(label, str) and label else "a concept", path, line)
    table.only(_CONCEPT_KEYS)
    if preferred is None:
        raise table.fail("has no 'preferred' term")
    language = table.string("language") or "en"
    variants_apply = table.apply(default=True)
    terms = [_term(preferred, TermStatus.PREFERRED, language, True, table)]
    for key, status, apply in (
        ("admitted", TermStatus.ADMITTED, True),
        ("variants", TermStatus.DEPRECATED, variants_apply),
        ("superseded", TermStatus.SUPERSEDED, variants_apply),
    ):
        terms.extend(_term(value, status, language, apply, table) for value in table.items(key))
    source = values.get("source", {})
    if not isinstance(source, dict):
        raise table.fail("'source' must be a table of language = [terms], like { zh = [\"...\"] }")
    for source_language, source_terms in source.items():
        source_terms = source_terms if isinstance(source_terms, list) else [source_terms]
        for position, value in enumerate(source_terms):
            status = TermStatus.PREFERRED if position == 0 else TermStatus.ADMITTED
            terms.append(_term(value, status, source_language, True, table))
    concept_id = table.string("id")
    if concept_id:
        taken_ids.add(concept_id)
    else:
        concept_id = unused_id(slug(terms[0].text), taken_ids)
    return Concept(id=concept_id, terms=tuple(terms), note=table.string("note"))


def _term(value: Any, status: TermStatus, language: str, default_apply: bool, table: _Table) -> Term:
    if isinstance(value, str):
        text, note, auto_apply = value, "", default_apply
    elif isinstance(value, dict):
        term = _Table(value, table.what, table.path, table.line)
        term.only(_TERM_KEYS)
        text, note = term.string("text", required=True), term.string("note")
        auto_apply = term.apply(default=default_apply)
    else:
        raise table.fail(f"a term must be a string or a table with 'text', not {value!r}")
    if not text.strip():
        raise table.fail(f"empty {status.value} term")
    return Term(text=text.strip(), status=status, language=language, note=note, auto_apply=auto_apply)
