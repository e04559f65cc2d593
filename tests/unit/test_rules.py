"""Pattern rules: compiling them safely and proving them against their examples."""

from __future__ import annotations


import pytest

from mtfix.core.models import Rule
from mtfix.core.rules import compile_rule, rule_example_failures
from mtfix.errors import GlossaryError


def rule(pattern: str, replacement: str = "x", **fields) -> Rule:
    return Rule(id="r1", pattern=pattern, replacement=replacement, **fields)


def test_compile_rule_returns_a_pattern_that_finds_the_artefact():
    """A good rule compiles to a pattern the engine can use with the replacement."""
    compiled = compile_rule(rule(r"(?<=\w) -(?=[a-z])", "-"))
    assert compiled.sub("-", "double first -class") == "double first-class"


def test_ignore_case_makes_the_pattern_case_insensitive():
    """ignore_case = true matches whatever the case of the MT text."""
    assert compile_rule(rule("essence ", "", ignore_case=True)).search("forms. Essence In")
    assert not compile_rule(rule("essence ", "")).search("forms. Essence In")


def test_bad_regular_expression_names_the_rule():
    """A syntax error in the pattern is a GlossaryError that names the rule id."""
    with pytest.raises(GlossaryError, match=r"rule 'r1': bad regular expression"):
        compile_rule(rule("(unclosed"))


@pytest.mark.parametrize(
    ("replacement", "problem"),
    [
        (r"\2", "invalid group reference 2"),
        (r"\g<missing>", "unknown group name 'missing'"),
        (r"\q", r"bad escape \\q"),
    ],
)
def test_bad_replacement_names_the_rule(replacement, problem):
    """A replacement that refers to a group the pattern lacks is refused at load."""
    with pytest.raises(GlossaryError, match=rf"rule 'r1': bad replacement .*{problem}"):
        compile_rule(rule(r"(?P<word>\w+) -", replacement))


@pytest.mark.parametrize("replacement", [r"\1", r"\g<1>", r"\g<word>", r"\g<0>", r"\1-\n", "-", ""])
def test_valid_group_references_are_accepted(replacement):
    """References to existing groups, by number or name, and plain text are fine."""
    compiled = compile_rule(rule(r"(?P<word>\w+) -", replacement))
    assert compiled.search("first -class").expand(replacement) is not None


@pytest.mark.parametrize("pattern", ["a*", "^", r"\s*", "(?:x)?"])
def test_pattern_matching_empty_text_is_refused(pattern):
    """A pattern that matches nothing-at-all would fire at every position."""
    with pytest.raises(GlossaryError, match="matches the empty text"):
        compile_rule(rule(pattern))


def test_zero_width_insertion_pattern_is_allowed():
    """A lookaround-only pattern (insert a space after a colon) does not match empty text."""
    compiled = compile_rule(rule(r"(?<=[A-Za-z]:)(?=\S)", " "))
    assert compiled.sub(" ", "Author:Dalian") == "Author: Dalian"


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+b", r"(\w+\s?)+$", r"(a{1,3})+!", r"(?:x|y+)*z", r"(?:\s+)+-", r"(a*b*)*c", r"(?=(a+)+)b"],
)
def test_nested_repetition_is_refused(pattern):
    """Patterns that backtrack exponentially are refused before they hang a run."""
    with pytest.raises(GlossaryError, match="exponential"):
        compile_rule(rule(pattern))


@pytest.mark.parametrize(
    "pattern",
    [r"(\w+\s)+x", r"(?:ab)+", r"(a|b)+", r"\(a+\)+", r"[(a+)+]", r"(?:a++)+", r"(?<=\w) -(?=[a-z])"],
)
def test_harmless_repetition_is_accepted(pattern):
    """Repetitions with one way to split the text are not mistaken for nested ones."""
    assert compile_rule(rule(pattern))


def test_no_failures_when_every_example_passes():
    """A rule whose examples all behave reports nothing."""
    good = rule(
        r"(?<=[a-z]{2}) -(?=[a-z]{2,}\b)",
        "-",
        must_match=("first -class", "long -term"),
        must_not_match=("a -5 degree", "run it with -v", "1990 - 2000"),
    )
    assert rule_example_failures(good) == []


def test_failures_name_each_failing_example_in_order():
    """A must_match example not found and a must_not_match example found are both reported."""
    naive = rule(
        r"(?<=\w) -(?=[a-z])",
        "-",
        must_match=("first -class", "first - class"),
        must_not_match=("a -5 degree", "run it with -v"),
    )
    failures = rule_example_failures(naive)
    assert len(failures) == 2
    assert "must_match example 'first - class' is not matched" in failures[0]
    assert "must_not_match example 'run it with -v' is matched at offset 11" in failures[1]
    assert all("rule 'r1'" in failure for failure in failures)


def test_examples_respect_ignore_case():
    """Examples are checked with the same flags the engine uses."""
    case_blind = rule("essence ", "", ignore_case=True, must_match=("Essence In close",))
    assert rule_example_failures(case_blind) == []
    assert len(rule_example_failures(rule("essence ", "", must_match=("Essence In close",)))) == 1


def test_example_check_refuses_a_rule_that_does_not_compile():
    """Checking examples of a broken pattern raises rather than reporting nothing."""
    with pytest.raises(GlossaryError, match="r1"):
        rule_example_failures(rule("[", must_match=("x",)))


def test_a_slow_pattern_that_loads_is_stopped_at_run_time(caplog):
    """A rule that backtracks for minutes on a segment is skipped there, with a warning."""
    from mtfix.core.glossary import FixEngine
    from mtfix.core.models import Glossary

    rule = Rule("slow", r"(.*?,){11}P", "x", must_match=(",,,,,,,,,,,P",))
    engine = FixEngine(Glossary(rules=(rule,)))
    assert engine.find_fixes("," * 40) == []  # would take minutes unbounded
    assert "took longer than" in caplog.text
    assert [f.after for f in engine.find_fixes(",,,,,,,,,,,P")] == ["x"]
