"""Pattern rules: compile them safely and prove them against their own examples.

A pattern rule (see :class:`mtfix.core.models.Rule`) repairs an MT artefact
such as ``first -class``. Every rule carries texts it must match and texts it
must leave alone; a rule whose examples fail is a broken rule, and the glossary
that holds it refuses to load.
"""

from __future__ import annotations

import logging
import re
import string

import regex

from mtfix.core.models import Rule
from mtfix.errors import GlossaryError

log = logging.getLogger(__name__)

try:  # The parser is private; the backtracking check is skipped where it is missing.
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - only on interpreters without re._parser
    _sre = _sre_parse = None


def compile_rule(rule: Rule) -> re.Pattern[str]:
    """Compile a rule's pattern after checking that the rule can work at all.

    Rejects, with a :class:`GlossaryError` naming the rule id:

    - a pattern that is not a valid Python regular expression;
    - a pattern that matches the empty text (it would fire at every position);
    - a pattern with a nested variable repetition such as ``(a+)+`` or
      ``(\\w+\\s?)*``, which can take exponential time on a long segment;
    - a replacement with a bad escape or a reference to a group the pattern
      does not have.

    Args:
        rule: The rule to compile.

    Returns:
        The compiled pattern (case-insensitive when ``rule.ignore_case``).

    Raises:
        GlossaryError: The rule is unusable; the message says why.
    """
    flags = re.IGNORECASE if rule.ignore_case else 0
    try:
        pattern = re.compile(rule.pattern, flags)
    except re.error as exc:
        raise GlossaryError(f"rule {rule.id!r}: bad regular expression {rule.pattern!r}: {exc}") from None
    if pattern.search("") is not None:
        raise GlossaryError(
            f"rule {rule.id!r}: pattern {rule.pattern!r} matches the empty text, "
            "so it would fire at every position"
        )
    if _has_nested_repetition(rule.pattern, flags):
        raise GlossaryError(
            f"rule {rule.id!r}: pattern {rule.pattern!r} repeats a group that itself repeats "
            "(like '(a+)+'), which can take exponential time; rewrite it without the nesting"
        )
    _check_replacement(rule, pattern)
    # Validated as a plain Python regex above; run by the regex module, which can stop a
    # match that takes too long (the shapes refused above are not every slow pattern).
    return regex.compile(rule.pattern, regex.VERSION0 | (regex.IGNORECASE if rule.ignore_case else 0))


MATCH_TIMEOUT = 0.5
"""Seconds one rule or QA check may spend on one segment; beyond that it is skipped there."""


def bounded_matches(pattern, text: str, what: str) -> list:
    """Every match of a compiled rule or check in ``text``, or none if it takes too long.

    Args:
        pattern: A pattern from :func:`compile_rule` (or compiled by the regex module).
        text: One segment.
        what: The rule or check, named in the warning.
    """
    try:
        return list(pattern.finditer(text, timeout=MATCH_TIMEOUT))
    except TimeoutError:
        log.warning("%s took longer than %.1f s on a segment of %d characters: skipped there",
                    what, MATCH_TIMEOUT, len(text))
        return []


def rule_example_failures(rule: Rule) -> list[str]:
    """Check a rule against its examples.

    Args:
        rule: The rule to check.

    Returns:
        One message per failing example, in the order the examples are given:
        a ``must_match`` example in which the pattern finds nothing, or a
        ``must_not_match`` example in which it finds something. Empty when
        every example passes.

    Raises:
        GlossaryError: The rule does not compile (see :func:`compile_rule`).
    """
    pattern = compile_rule(rule)
    failures: list[str] = []
    for example in rule.must_match:
        if pattern.search(example) is None:
            failures.append(f"rule {rule.id!r}: must_match example {example!r} is not matched")
    for example in rule.must_not_match:
        found = pattern.search(example)
        if found is not None:
            failures.append(
                f"rule {rule.id!r}: must_not_match example {example!r} is matched "
                f"at offset {found.start()} ({found.group()!r})"
            )
    return failures


def _check_replacement(rule: Rule, pattern: re.Pattern[str]) -> None:
    """Expand the replacement against a stand-in pattern with the same groups.

    The stand-in has one empty group per group of the real pattern (same
    numbers, same names), so every valid reference expands to "" and every
    invalid one fails exactly as it would during a real substitution.
    """
    names = {number: name for name, number in pattern.groupindex.items()}
    stand_in = "".join(
        f"(?P<{names[number]}>)" if number in names else "()" for number in range(1, pattern.groups + 1)
    )
    try:
        re.sub(stand_in, rule.replacement, "", count=1)
    except (re.error, IndexError) as exc:  # an unknown group name raises IndexError
        raise GlossaryError(f"rule {rule.id!r}: bad replacement {rule.replacement!r}: {exc}") from None


def _has_nested_repetition(pattern: str, flags: int) -> bool:
    """Whether an unbounded repetition can iterate over a variable repetition alone.

    ``(a+)+``, ``(\\w+\\s?)*`` and ``(a{1,3})+`` qualify: a run of ``a`` can be
    split between the iterations in exponentially many ways, and the regex
    engine tries them all before it gives up. ``(\\w+\\s)+`` does not: every
    iteration must end in a space, so there is only one way to split.
    """
    if _sre_parse is None:  # pragma: no cover
        return False
    try:
        return _walk_for_nesting(_sre_parse.parse(pattern, flags))
    except (AttributeError, TypeError, ValueError, IndexError, KeyError):  # pragma: no cover
        return False  # an interpreter whose private parser differs: skip the check


def _walk_for_nesting(items) -> bool:
    if _adjacent_repeats_overlap(items, unbounded_only=True):  # \s*\s*x: polynomial on a long line
        return True
    for op, av in items:
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            _low, high, body = av
            # (a{1,9}){1,9} is bounded but still splits a run of "a" in too many ways.
            if (high == _sre.MAXREPEAT or high >= 4) and _iteration_can_be_lone_repeat(body):
                return True
            if high == _sre.MAXREPEAT and _iteration_is_ambiguous(body):
                return True
            if _walk_for_nesting(body):
                return True
        elif any(_walk_for_nesting(sub) for sub in _children(op, av)):
            return True
    return False


def _iteration_can_be_lone_repeat(items) -> bool:
    """Whether ``items`` can match as one variable repetition, everything else empty."""
    entries = list(items)
    for index, (op, av) in enumerate(entries):
        others = entries[:index] + entries[index + 1 :]
        if any(_min_width(items, other) > 0 for other in others):
            continue
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            low, high, body = av
            if high > low and high >= 2:
                return True
            if _iteration_can_be_lone_repeat(body):
                return True
        elif op == _sre.SUBPATTERN and _iteration_can_be_lone_repeat(av[-1]):
            return True
        elif op == _sre.BRANCH and any(_iteration_can_be_lone_repeat(b) for b in av[1]):
            return True
    return False


def _children(op, av) -> list:
    """The sub-patterns inside one parsed item, for the walk."""
    if op == _sre.SUBPATTERN:
        return [av[-1]]
    if op == _sre.BRANCH:
        return list(av[1])
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        return [av[1]]
    if op in (_sre.POSSESSIVE_REPEAT,):
        return [av[2]]
    if op == _sre.ATOMIC_GROUP:
        return [av]
    if op == _sre.GROUPREF_EXISTS:
        return [sub for sub in av[1:] if sub is not None]
    return []


def _min_width(parent, item) -> int:
    return _sre_parse.SubPattern(parent.state, [item]).getwidth()[0]


# Characters standing in for "any text" when comparing where two parts of a pattern can start.
_PROBE = frozenset(string.ascii_letters + string.digits + string.punctuation + " \t\n\u00a0éßÉ中٣")


def _iteration_is_ambiguous(items, start: frozenset[str] | None = None) -> bool:
    """Whether one iteration can match the same text in two ways: ``(a|a)+``, ``(x+x+)+``.

    Two alternatives that can start with the same character, or two variable
    repetitions in a row that can take the same character, let the engine split
    a run between them in exponentially many ways.
    """
    if start is None:
        start = _first_chars(items)
    entries = list(items)
    for index, (op, av) in enumerate(entries):
        if op == _sre.BRANCH:
            firsts = [_first_chars(branch) for branch in av[1]]
            if any(a & b for i, a in enumerate(firsts) for b in firsts[i + 1 :]):
                return True
            # The parser factors (a|aa) into a(|a): an empty alternative lets the next
            # iteration take what a longer alternative would have taken.
            empty = [not _sre_parse.SubPattern(items.state, list(branch)).getwidth()[0] for branch in av[1]]
            if sum(empty) >= 2 or any(empty) and any(
                first & start for first, is_empty in zip(firsts, empty) if not is_empty
            ):
                return True
            if any(_iteration_is_ambiguous(branch, start) for branch in av[1]):
                return True
        elif op == _sre.SUBPATTERN and _iteration_is_ambiguous(av[-1], start):
            return True
    return _adjacent_repeats_overlap(items)


def _adjacent_repeats_overlap(items, *, unbounded_only: bool = False) -> bool:
    """Whether two variable repetitions with nothing required between them can take the same character."""
    entries = list(items)

    def variable(op, av) -> bool:
        return op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[1] > av[0] and (
            not unbounded_only or av[1] == _sre.MAXREPEAT)

    for index, (op, av) in enumerate(entries):
        if not variable(op, av):
            continue
        mine = _first_chars(av[2])
        for later_op, later_av in entries[index + 1 :]:
            if variable(later_op, later_av) and mine & _first_chars(later_av[2]):
                return True
            if _min_width(items, (later_op, later_av)) > 0:
                break
    return False


def _first_chars(items) -> frozenset[str]:
    """The probe characters a match of ``items`` can start with (generously)."""
    found: set[str] = set()
    for item in items:
        found |= _first_of(*item)
        if _min_width(items, item) > 0:
            break
    return frozenset(found)


def _first_of(op, av) -> frozenset[str]:
    if op == _sre.LITERAL:
        char = chr(av)
        return frozenset({char, char.lower(), char.upper()})
    if op == _sre.NOT_LITERAL:
        return _PROBE - {chr(av)}
    if op == _sre.IN:
        return frozenset(c for c in _PROBE if _in_class(av, c))
    if op == _sre.SUBPATTERN:
        return _first_chars(av[-1])
    if op == _sre.BRANCH:
        return frozenset().union(*(_first_chars(branch) for branch in av[1]))
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        return _first_chars(av[2])
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return frozenset()
    return _PROBE  # anything else: assume it can start anywhere


_CATEGORIES = {
    "CATEGORY_DIGIT": str.isdigit, "CATEGORY_NOT_DIGIT": lambda c: not c.isdigit(),
    "CATEGORY_SPACE": str.isspace, "CATEGORY_NOT_SPACE": lambda c: not c.isspace(),
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_", "CATEGORY_NOT_WORD": lambda c: not (c.isalnum() or c == "_"),
}


def _in_class(members, char: str) -> bool:
    negate, hit = False, False
    for op, av in members:
        if op == _sre.NEGATE:
            negate = True
        elif op == _sre.LITERAL:
            hit = hit or char.lower() == chr(av).lower()
        elif op == _sre.RANGE:
            hit = hit or av[0] <= ord(char) <= av[1] or av[0] <= ord(char.lower()) <= av[1] \
                or av[0] <= ord(char.upper()) <= av[1]
        elif op == _sre.CATEGORY:
            test = _CATEGORIES.get(str(av))
            hit = hit or (test(char) if test else True)
        else:
            hit = True
    return hit != negate
