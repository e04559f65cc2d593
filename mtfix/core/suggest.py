"""Variant discovery: renderings the glossary does not list yet.

Three sources of evidence, each turned into a suggestion a terminologist can
accept or ignore:

* **Inconsistent renderings** of one name in the text. MT renders a programme
  name differently every time ("classmate friendship", "friendship of
  classmates", "classmates friendly plan"...). Quoted phrases of two or more
  content words are the seeds (MT keeps the quotes of Chinese names); every run
  of words in the texts that covers the same word stems, in any order, is a
  rendering of it. A seed with two or more renderings becomes a new concept:
  the most frequent rendering preferred, the others deprecated.
* **Near misses** of the glossary's terms (see :mod:`mtfix.core.fuzzy`): a close
  spelling becomes a deprecated variant of that concept.
* **The translator's own edits** in the memory: a replacement made the same way
  at least twice (MT "X" → approved "Y") becomes the variant X of Y.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mtfix.core.apply import word_diff
from mtfix.core.fuzzy import STOPWORDS
from mtfix.core.glossary import FixEngine
from mtfix.core.models import FixKind, Glossary

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_QUOTED = re.compile(r"[\"“]([^\"“”\n]{3,80})[\"”]")
_PROGRAMME_NOUNS = frozenset("plan program programme project scheme".split())
_MAX_EXTRA_WORDS = 3
_CONTEXT = 40
_HYPHEN = re.compile(r"\s*-\s*")  # "Sino -Japanese" is a spacing artefact, not a rendering


@dataclass(frozen=True)
class Suggestion:
    """A proposed glossary entry and the evidence for it.

    Attributes:
        variant: The rendering to list as deprecated.
        preferred: The term to use instead.
        concept: The id of the existing concept it belongs to, or None for a new concept.
        reason: "inconsistent", "near miss" or "edit".
        count: How often the variant was seen.
        contexts: A few places it was seen, with some text around it.
    """

    variant: str
    preferred: str
    concept: str | None
    reason: str
    count: int
    contexts: tuple[str, ...] = field(default=(), compare=False)


def suggest(
    texts: Sequence[str],
    glossary: Glossary | None = None,
    *,
    edits: Iterable[tuple[str, str]] = (),
    language: str = "en",
) -> list[Suggestion]:
    """Every suggestion the texts and edits support, strongest first.

    Args:
        texts: The documents (or segments) to mine.
        glossary: What is known already; its terms are never suggested again.
        edits: (MT, approved) pairs, e.g. from the translation memory.
        language: The language of the texts.
    """
    glossary = glossary or Glossary()
    engine = FixEngine(glossary, language=language, near_misses=True)
    known = {e.key for e in engine.entries}
    found = _inconsistent_renderings(texts, known)
    found += _near_misses(texts, engine)
    found += _consistent_edits(edits, engine, known)
    unique: dict[tuple[str, str], Suggestion] = {}
    for s in found:
        unique.setdefault((s.variant.casefold(), s.preferred.casefold()), s)
    return sorted(unique.values(), key=lambda s: (-s.count, s.reason, s.variant.casefold()))


def stem(word: str) -> str:
    """A crude English stem: enough to see "friendship", "friendly" and "friend" as one."""
    word = word.casefold().replace("’", "'")
    word = word.removesuffix("'s").removesuffix("'")
    if word.endswith("ies") and len(word) > 5:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        word = word[:-1]
    for suffix in ("ship", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _content_stems(phrase: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(phrase) if w.casefold() not in STOPWORDS]


def _inconsistent_renderings(texts: Sequence[str], known: set[str]) -> list[Suggestion]:
    seeds: dict[frozenset[str], None] = {}
    for text in texts:
        for m in _QUOTED.finditer(text):
            stems = _content_stems(m.group(1))
            if 2 <= len(stems) <= 6 and len(set(stems)) == len(stems):
                seeds.setdefault(frozenset(stems), None)
    suggestions = []
    for core in seeds:
        renderings: Counter[str] = Counter()
        contexts: dict[str, list[str]] = defaultdict(list)
        spelling: dict[str, str] = {}
        for text in texts:
            for start, end in _covering_windows(text, core):
                surface = _HYPHEN.sub("-", " ".join(text[start:end].split()))
                renderings[surface.casefold()] += 1
                spelling.setdefault(surface.casefold(), surface)
                if len(contexts[surface.casefold()]) < 3:
                    contexts[surface.casefold()].append(_context(text, start, end))
        forms = {form: n for form, n in renderings.items() if form not in known}
        if len(renderings) < 2 or not forms:
            continue
        preferred = max(renderings, key=lambda form: (renderings[form], -len(form)))
        for form, count in sorted(forms.items(), key=lambda kv: -kv[1]):
            if form != preferred:
                suggestions.append(Suggestion(spelling[form], spelling[preferred], None, "inconsistent",
                                              count, tuple(contexts[form])))
    return suggestions


def _covering_windows(text: str, core: frozenset[str]) -> list[tuple[int, int]]:
    """The shortest runs of words covering every stem of ``core``, with few words besides."""
    words = [(m.start(), m.end(), stem(m.group())) for m in _WORD.finditer(text)]
    windows = []
    limit = len(core) + _MAX_EXTRA_WORDS
    i = 0
    while i < len(words):
        if words[i][2] not in core:
            i += 1
            continue
        seen: set[str] = set()
        for j in range(i, min(len(words), i + limit)):
            if text[words[j - 1][1] : words[j][0]].strip(" -") if j > i else False:
                break  # punctuation between the words: a rendering is one run of words
            seen.add(words[j][2])
            if core <= seen:
                end = words[j][1]
                following = j + 1
                if (following < len(words) and words[following][2] in _PROGRAMME_NOUNS
                        and not text[end : words[following][0]].strip()):
                    end = words[following][1]
                windows.append((words[i][0], end))
                i = j
                break
        i += 1
    return windows


def _near_misses(texts: Sequence[str], engine: FixEngine) -> list[Suggestion]:
    if engine.near_misses is None:
        return []
    found: dict[tuple[str, str], list] = {}
    for text in texts:
        for fix in engine.find_fixes(text):
            if fix.kind is FixKind.FUZZY:
                entry = found.setdefault((fix.before, fix.rule), [fix.after, 0, []])
                entry[1] += 1
                if len(entry[2]) < 3:
                    entry[2].append(_context(text, fix.start, fix.end))
    return [Suggestion(variant, after, concept, "near miss", count, tuple(contexts))
            for (variant, concept), (after, count, contexts) in found.items()]


def _consistent_edits(edits: Iterable[tuple[str, str]], engine: FixEngine, known: set[str]) -> list[Suggestion]:
    replaced: Counter[tuple[str, str]] = Counter()
    contexts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for mt, approved in edits:
        for tag, i1, i2, j1, j2 in word_diff(mt, approved):
            before, after = mt[i1:i2].strip(), approved[j1:j2].strip()
            if tag != "replace" or not _WORD.search(before) or not _WORD.search(after):
                continue
            replaced[(before, after)] += 1
            if len(contexts[(before, after)]) < 3:
                contexts[(before, after)].append(_context(mt, i1, i2))
    concept_of = {e.key: e.concept.id for e in engine.entries if e.replacement is None}
    return [
        Suggestion(before, after, concept_of.get(after.casefold()), "edit", n, tuple(contexts[(before, after)]))
        for (before, after), n in replaced.items()
        if n >= 2 and before.casefold() not in known
    ]


def _context(text: str, start: int, end: int) -> str:
    left, right = max(0, start - _CONTEXT), min(len(text), end + _CONTEXT)
    snippet = text[left:start] + "[" + text[start:end] + "]" + text[end:right]
    return ("…" if left else "") + " ".join(snippet.split()) + ("…" if right < len(text) else "")
