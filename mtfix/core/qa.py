"""QA checks: what a reviewer must look at before a target is delivered.

Each check has an id, a severity and a message, and points at a span of the
target (or, for what is missing, of the source). Checks compare a target with
its *reference*: the real source in bilingual work, else the raw MT the target
was post-edited from. Checks that need a reference are skipped without one.

Cross-segment checks (the same source translated two ways, one target for two
sources) run over a whole document, and over the memory when one is given.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import regex

from mtfix.core.glossary import FixEngine
from mtfix.core.models import Check, Finding, Glossary, Severity
from mtfix.core.rules import bounded_matches

CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR

CHECKS = (
    "untranslated", "target_equals_source", "number_mismatch", "deprecated_term_left", "term_missing",
    "inconsistent_target", "inconsistent_source", "double_space", "space_before_punct", "repeated_word",
    "unpaired_brackets", "unpaired_quotes", "end_punct", "url_email_mismatch", "length_ratio",
)
"""The built-in checks, by id; user checks are ``regex:<id>``."""


@dataclass(frozen=True, slots=True)
class QaSegment:
    """One segment as the checks see it.

    Attributes:
        index: Position in the document, from 0.
        target: The text to check.
        source: The real source text (bilingual work), else None.
        mt: The raw MT the target was post-edited from (monolingual work), else None.
    """

    index: int
    target: str
    source: str | None = None
    mt: str | None = None

    @property
    def reference(self) -> str | None:
        """What the target is compared with: the source, else the MT."""
        return self.source if self.source is not None else self.mt


class QaChecker:
    """The checks, compiled once for a glossary.

    Args:
        glossary: Terms (for deprecated and missing terms) and the user's checks.
        language: The target language.
        ratio: Allowed (lowest, highest) target/reference length ratio for texts in
            one script; CJK sources allow 1 to 6 target characters per character.
    """

    def __init__(self, glossary: Glossary | None = None, *, language: str = "en",
                 ratio: tuple[float, float] = (0.5, 2.0)):
        glossary = glossary or Glossary()
        self.language = language
        self.ratio = ratio
        self.engine = FixEngine(glossary, language=language)
        self.user_checks = [
            (check, regex.compile(check.pattern, regex.VERSION0 | (regex.IGNORECASE if check.ignore_case else 0)))
            for check in glossary.checks
        ]

    # --- one segment -----------------------------------------------------------------------
    def check_segment(self, segment: QaSegment) -> list[Finding]:
        """Every finding of the single-segment checks, in text order."""
        target, reference = segment.target, segment.reference
        if not target.strip():
            return [Finding("untranslated", CRITICAL, "The target is empty.", 0, len(target))]
        found: list[Finding] = []
        if segment.source is not None and _has_letters(segment.source) and target.strip() == segment.source.strip():
            found.append(Finding("target_equals_source", MAJOR, "The target is the source, untranslated.",
                                 0, len(target)))
        found += self._terms(segment)
        found += _spacing(target)
        found += _repeated_words(target)
        found += _unpaired_brackets(target)
        found += _unpaired_quotes(target)
        if reference is not None:
            found += _numbers(reference, target)
            found += _end_punct(reference, target)
            found += _urls_and_emails(reference, target)
            found += self._length(reference, target)
        for check, pattern in self.user_checks:
            for m in bounded_matches(pattern, target, f"check regex:{check.id}"):
                found.append(Finding(f"regex:{check.id}", check.severity, check.message, *m.span()))
        found.sort(key=lambda f: (f.in_source, f.start, f.end, f.check))
        return found

    def _terms(self, segment: QaSegment) -> list[Finding]:
        found = []
        for entry, start, end in self.engine.term_occurrences(segment.target):
            if entry.replacement is not None:
                severity = MAJOR if entry.term.auto_apply else MINOR
                found.append(Finding("deprecated_term_left", severity,
                                     f"Deprecated term “{segment.target[start:end]}”: use “{entry.replacement}”.",
                                     start, end))
        if segment.source is not None:
            present = {e.concept.id for e, _, _ in self.engine.term_occurrences(segment.target)
                       if e.replacement is None}
            for concept, preferred, start, end in self.engine.source_terms(segment.source):
                if concept not in present:
                    found.append(Finding("term_missing", MAJOR,
                                         f"“{segment.source[start:end]}” should be translated “{preferred}”.",
                                         start, end, in_source=True))
        return found

    def _length(self, reference: str, target: str) -> list[Finding]:
        if not reference.strip():
            return []
        low, high = (1.0, 6.0) if _mostly_cjk(reference) else self.ratio
        ratio = len(target.strip()) / len(reference.strip())
        if low <= ratio <= high:
            return []
        return [Finding("length_ratio", MINOR,
                        f"The target is {ratio:.1f} times as long as the reference (expected {low}-{high}).",
                        0, len(target))]

    # --- a whole document --------------------------------------------------------------------
    def check_document(
        self,
        segments: Sequence[QaSegment],
        memory_targets: Callable[[str], Iterable[str]] | None = None,
        *,
        stop: Callable[[], bool] | None = None,
    ) -> dict[int, list[Finding]]:
        """The findings of every segment, the cross-segment checks included.

        Args:
            segments: The document's segments.
            memory_targets: Targets the memory holds for a reference text, if any.
            stop: Asked now and then; when it says True, the run ends early with {}
                (the review asks when the reviewer quits).

        Returns:
            Findings per segment index, only for segments with findings.
        """
        found: dict[int, list[Finding]] = {}
        seen: dict[tuple, list[Finding]] = {}  # repeated segments are checked once
        for number, segment in enumerate(segments):
            if stop is not None and number % 500 == 0 and stop():
                return {}
            key = (segment.target, segment.source, segment.mt)
            if key not in seen:
                seen[key] = self.check_segment(segment)
            found[segment.index] = list(seen[key])
        for index, finding in _inconsistencies(segments, memory_targets):
            found[index].append(finding)
        return {index: findings for index, findings in found.items() if findings}


# --- the single-segment checks ------------------------------------------------------------

_DOUBLE_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\w)[ \t]+(?=[,.;:!?](?:\s|$|[\"'”’)\]]))(?!\.\.)")
_REPEATED_WORD = re.compile(r"\b([^\W\d_]+)\s+\1\b", re.IGNORECASE)
_PAIRS = {")": "(", "]": "[", "}": "{", "）": "（", "】": "【", "」": "「", "』": "『", "》": "《"}
_LIST_MARKER = re.compile(r"(?:^|\s)(?:\w{1,2}|\d{1,3})\)")


def _spacing(target: str) -> list[Finding]:
    found = [Finding("double_space", MINOR, "Two or more spaces between words.", *m.span())
             for m in _DOUBLE_SPACE.finditer(target)]
    found += [Finding("space_before_punct", MINOR, f"A space before “{target[m.end()]}”.", *m.span())
              for m in _SPACE_BEFORE_PUNCT.finditer(target)]
    return found


def _repeated_words(target: str) -> list[Finding]:
    return [Finding("repeated_word", MINOR, f"“{m.group(1)}” is repeated.", *m.span())
            for m in _REPEATED_WORD.finditer(target)]


def _unpaired_brackets(target: str) -> list[Finding]:
    brackets = [(m.start(), m.group()) for m in _BRACKET.finditer(target)]
    if not brackets:
        return []
    markers = {m.end() - 1 for m in _LIST_MARKER.finditer(target)}
    stack: list[tuple[str, int]] = []
    unpaired: list[int] = []
    for i, c in brackets:
        if c not in _PAIRS:
            stack.append((c, i))
        elif i not in markers:
            if stack and stack[-1][0] == _PAIRS[c]:
                stack.pop()
            else:
                unpaired.append(i)
    unpaired += [i for _, i in stack]
    return [Finding("unpaired_brackets", MINOR, f"“{target[i]}” has no partner.", i, i + 1)
            for i in sorted(unpaired)]


_BRACKET = re.compile(r"[()\[\]{}（）【】「」『』《》]")


def _unpaired_quotes(target: str) -> list[Finding]:
    found = []
    if target.count('"') % 2:
        last = target.rfind('"')
        found.append(Finding("unpaired_quotes", MINOR, "An odd number of \" quotes.", last, last + 1))
    for opening, closing in (("“", "”"), ("「", "」")):
        if target.count(opening) != target.count(closing):
            i = max(target.rfind(opening), target.rfind(closing))
            found.append(Finding("unpaired_quotes", MINOR, f"{opening} and {closing} do not pair up.", i, i + 1))
    return found


_END = re.compile(r"""([.!?。！？…:;：；])["'”’)\]」』）]*\s*$""")
_END_CLASS = {"。": ".", "！": "!", "？": "?", "…": ".", "：": ":", "；": ";", ":": ":", ";": ";"}


def _end_punct(reference: str, target: str) -> list[Finding]:
    ref, tgt = _END.search(reference), _END.search(target)
    ref_mark = _END_CLASS.get(ref.group(1), ref.group(1)) if ref else None
    tgt_mark = _END_CLASS.get(tgt.group(1), tgt.group(1)) if tgt else None
    if ref_mark == tgt_mark:
        return []
    end = len(target.rstrip())
    if tgt_mark is None:
        message = f"The reference ends with “{ref.group(1)}”, the target with no punctuation."
    elif ref_mark is None:
        message = f"The target ends with “{tgt.group(1)}”, the reference with no punctuation."
    else:
        message = f"The reference ends with “{ref.group(1)}”, the target with “{tgt.group(1)}”."
    return [Finding("end_punct", MINOR, message, max(0, end - 1), end)]


_URL_EMAIL = re.compile(r"(?:https?://|www\.)[^\s<>\"'“”]+[^\s<>\"'“”.,;:!?)]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _urls_and_emails(reference: str, target: str) -> list[Finding]:
    if "@" not in reference and "://" not in reference and "www." not in reference:
        return []
    return [
        Finding("url_email_mismatch", MAJOR, f"“{m.group()}” is missing from the target.", *m.span(),
                in_source=True)
        for m in _URL_EMAIL.finditer(reference)
        if m.group() not in target
    ]


# --- numbers -------------------------------------------------------------------------------

_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_SCALES = {"万": 10_000, "亿": 100_000_000}
_WORD_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_ARABIC = re.compile(
    r"(?<![0-9A-Za-z_.])(?:(\d+(?:\.\d+)?)\s*(thousand|million|billion|trillion)\b"
    r"|(\d+(?:[,，]\d{3})*(?:\.\d+)?)(?:\s*([万亿]))?)",
    re.IGNORECASE,
)
_FULL_WIDTH_DIGITS = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
_CJK_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿]{2,}")


def numbers_in(text: str) -> list[tuple[float, int, int]]:
    """The numbers of a text with their spans: digits, ``1600万``, ``16 million``, ``二十``."""
    ascii_only = text.isascii()
    if not ascii_only:
        text = text.translate(_FULL_WIDTH_DIGITS)
    found = []
    for m in _ARABIC.finditer(text):
        if m.group(1) is not None:
            value = float(m.group(1)) * _WORD_SCALES[m.group(2).lower()]
        else:
            value = float(m.group(3).replace(",", "").replace("，", ""))
            if m.group(4):
                value *= _CJK_SCALES[m.group(4)]
        found.append((value, *m.span()))
    for m in () if ascii_only else _CJK_NUMBER.finditer(text):
        value = _cjk_value(m.group())
        if value is not None and any(c in m.group() for c in "十百千万亿"):
            found.append((float(value), *m.span()))
    return found


def _cjk_value(numeral: str) -> int | None:
    """The value of a Chinese numeral such as 二十三, 三千五百, 一万二千; None if it is not one."""
    total, section, digit = 0, 0, None
    for c in numeral:
        if c in _CJK_DIGITS:
            if digit is not None:
                return None  # two digits in a row: a list, not a number
            digit = _CJK_DIGITS[c]
        elif c in _CJK_UNITS:
            section += (1 if digit is None else digit) * _CJK_UNITS[c]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * _CJK_SCALES[c]
            section, digit = 0, None
    return total + section + (digit or 0)


def _numbers(reference: str, target: str) -> list[Finding]:
    wanted = numbers_in(reference)
    available = [value for value, _, _ in numbers_in(target)]
    found = []
    for value, start, end in wanted:
        match = next((i for i, v in enumerate(available) if abs(v - value) <= 1e-9 * max(1.0, abs(value))), None)
        if match is None:
            found.append(Finding("number_mismatch", MAJOR,
                                 f"The number “{reference[start:end]}” ({value:,.10g}) is not in the target.",
                                 start, end, in_source=True))
        else:
            del available[match]
    return found


# --- across segments ---------------------------------------------------------------------

def _inconsistencies(segments: Sequence[QaSegment], memory_targets) -> list[tuple[int, Finding]]:
    by_reference: dict[str, list[QaSegment]] = defaultdict(list)
    by_target: dict[str, list[QaSegment]] = defaultdict(list)
    for segment in segments:
        if segment.reference is not None and segment.target.strip():
            by_reference[_key(segment.reference)].append(segment)
            if segment.source is not None:
                by_target[_key(segment.target)].append(segment)
    found = []
    for group in by_reference.values():
        targets = {_key(s.target) for s in group}
        remembered = set()
        if memory_targets is not None:
            remembered = {_key(t) for t in memory_targets(group[0].reference)}
        if len(targets) > 1 or (remembered and not targets <= remembered):
            numbers = ", ".join(str(s.index + 1) for s in group)
            ways = len(targets | remembered)
            for segment in group:
                found.append((segment.index, Finding(
                    "inconsistent_target", MAJOR,
                    f"The same source is translated {ways} ways (segments {numbers}"
                    + (", and the memory)." if remembered - targets else ")."),
                    0, len(segment.target))))
    for group in by_target.values():
        references = {_key(s.reference) for s in group}
        if len(references) > 1:
            numbers = ", ".join(str(s.index + 1) for s in group)
            for segment in group:
                found.append((segment.index, Finding(
                    "inconsistent_source", MINOR,
                    f"The same target translates {len(references)} different sources (segments {numbers}).",
                    0, len(segment.target))))
    return found


def _key(text: str) -> str:
    return " ".join(text.split())


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _mostly_cjk(text: str) -> bool:
    if text.isascii():
        return False
    letters = len(_LETTER.findall(text))
    return bool(letters) and len(_CJK.findall(text)) * 2 > letters


_LETTER = re.compile(r"[^\W\d_]")
_CJK = re.compile(r"[\u2e80-\u9fff]")


def at_or_above(findings: Iterable[Finding], severity: Severity) -> list[Finding]:
    """The findings of ``severity`` or worse."""
    return [f for f in findings if f.severity.rank >= severity.rank]


__all__ = ["CHECKS", "Check", "QaChecker", "QaSegment", "at_or_above", "numbers_in"]
