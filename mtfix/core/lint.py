"""Glossary lint: what ``mtfix glossary check`` reports.

A glossary is a program: a duplicate entry, a term that is preferred in one
concept and deprecated in another, or two concepts fixing each other's terms
(A → B and B → A) make the fix engine's output depend on file order or never
settle. These checks find such entries before they touch a document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtfix.core.models import Glossary, TermStatus
from mtfix.core.normalize import fold_term
from mtfix.core.rules import rule_example_failures


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a glossary.

    Attributes:
        severity: "error" (the glossary must be mended) or "warning".
        code: A short stable name of the check ("duplicate", "cycle"...).
        where: The concept or rule id.
        message: What is wrong, in a sentence.
    """

    severity: str
    code: str
    where: str
    message: str


def check_glossary(glossary: Glossary, language: str = "en") -> list[Problem]:
    """Every problem found in ``glossary`` for texts in ``language``."""
    problems: list[Problem] = []
    seen: dict[str, list[tuple[str, TermStatus, str]]] = {}
    fixes_to: dict[str, tuple[str, str]] = {}
    for concept in glossary.concepts:
        terms = concept.terms_in(language)
        preferred = concept.preferred(language)
        if preferred is None and any(not t.status.is_allowed for t in terms):
            problems.append(Problem("warning", "no-preferred", concept.id,
                                    f"concept {concept.id} has deprecated terms but no preferred term "
                                    f"in {language}: they are protected, never fixed"))
        for term in terms:
            key = fold_term(term.text)
            seen.setdefault(key, []).append((concept.id, term.status, term.text))
            if preferred is not None and not term.status.is_allowed:
                fixes_to[key] = (fold_term(preferred.text), concept.id)
    for key, uses in seen.items():
        problems.extend(_duplicates(key, uses))
    problems.extend(_cycles(fixes_to))
    problems.extend(_shadowed(seen))
    for rule in glossary.rules:
        for failure in rule_example_failures(rule):
            problems.append(Problem("error", "rule-example", rule.id, failure))
    return problems


def _duplicates(key: str, uses: list[tuple[str, TermStatus, str]]) -> list[Problem]:
    if len(uses) < 2:
        return []
    concepts = sorted({c for c, _, _ in uses})
    text = uses[0][2]
    allowed = [c for c, status, _ in uses if status.is_allowed]
    banned = [c for c, status, _ in uses if not status.is_allowed]
    if allowed and banned:
        return [Problem("error", "variant-is-preferred", banned[0],
                        f"“{text}” is deprecated in {', '.join(sorted(set(banned)))} but preferred or "
                        f"admitted in {', '.join(sorted(set(allowed)))}: it will never be fixed")]
    if len(concepts) > 1 and banned:
        return [Problem("error", "ambiguous-variant", concepts[0],
                        f"“{text}” is a variant in {', '.join(concepts)}: which fix applies depends on file order")]
    if len(concepts) > 1:
        return [Problem("warning", "duplicate", concepts[0],
                        f"“{text}” is a term of {', '.join(concepts)}")]
    return [Problem("warning", "duplicate", concepts[0], f"“{text}” is listed {len(uses)} times in {concepts[0]}")]


def _cycles(fixes_to: dict[str, tuple[str, str]]) -> list[Problem]:
    """Chains of fixes that lead back to where they started."""
    problems = []
    reported: set[frozenset[str]] = set()
    for start in fixes_to:
        path = [start]
        key = start
        while key in fixes_to:
            key = fixes_to[key][0]
            if key == start:
                members = frozenset(path)
                if members not in reported:
                    reported.add(members)
                    chain = " → ".join([*path, start])
                    problems.append(Problem("error", "cycle", fixes_to[start][1],
                                            f"fixes go round in a circle: {chain}"))
                break
            if key in path:
                break
            path.append(key)
    return problems


def _shadowed(seen: dict[str, list[tuple[str, TermStatus, str]]]) -> list[Problem]:
    """Variants that contain another concept's term as whole words.

    The longest match wins, so the inner term is not fixed inside the variant;
    usually that is what the terminologist meant, but it is worth knowing.
    """
    problems = []
    keys = sorted(seen, key=len)
    for outer in keys:
        outer_concepts = {c for c, _, _ in seen[outer]}
        if all(status.is_allowed for _, status, _ in seen[outer]):
            continue
        for inner in keys:
            if len(inner) >= len(outer):
                break
            inner_concepts = {c for c, _, _ in seen[inner]}
            if inner_concepts & outer_concepts:
                continue
            if re.search(rf"(?<!\w){re.escape(inner)}(?!\w)", outer):
                problems.append(Problem("warning", "contains-term", seen[outer][0][0],
                                        f"variant “{seen[outer][0][2]}” contains “{seen[inner][0][2]}” "
                                        f"of {', '.join(sorted(inner_concepts))}: the longer one wins"))
    return problems
