"""Pattern rules: compile them safely and prove them against their own examples.

A pattern rule (see :class:`mtfix.core.models.Rule`) repairs an MT artefact
such as ``first -class``. Every rule carries texts it must match and texts it
must leave alone; a rule whose examples fail is a broken rule, and the glossary
that holds it refuses to load.
"""

from __future__ import annotations

import re

from mtfix.core.models import Rule
from mtfix.errors import GlossaryError

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
    return pattern


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
    for op, av in items:
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            _low, high, body = av
            if high == _sre.MAXREPEAT and _iteration_can_be_lone_repeat(body):
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
