"""The explanation a memory match carries: similarities and the words that differ."""

from __future__ import annotations

from mtfix.core.matching import explain, explain_matches, normalise


def test_a_word_both_segments_share_is_not_reported_as_differing():
    found = explain("campus news", "news today")
    assert found.missing == ("campus",)
    assert found.extra == ("today",)
    assert found.word_similarity == 50.0


def test_the_missing_and_extra_words_are_in_text_order():
    found = explain("The new  students visited the campus yesterday.", "The students visited the old campus.")
    assert found.missing == ("new", "yesterday")
    assert found.extra == ("old",)


def test_explaining_several_sources_at_once_gives_what_explain_gives_each():
    query = "Dalian University of Technology opened a new campus."
    sources = ["Dalian University of Technology opened its new campus.",
               "The University of Technology in Harbin opened a campus.",
               "Dalian   University of Technology opened a new campus."]
    together = explain_matches(normalise(query), [normalise(s) for s in sources])
    assert together == [explain(query, source) for source in sources]
    assert together[2].missing == together[2].extra == ()
    assert together[2].char_similarity == 100.0
