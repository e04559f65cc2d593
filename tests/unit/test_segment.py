"""Plain text segmentation: paragraphs and sentences, and nothing lost on the way."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix.core.models import Segment
from mtfix.core.segment import join_segments, segment_text

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpora" / "dut-international-2022.txt"
TESTDATA = REPO / ".." / "shared" / "testdata"
WMT = TESTDATA / "wmt-zh-en" / "wmt21-news-systems"

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def sentences(text: str) -> list[str]:
    """The texts of the segments of ``text``."""
    return [segment.text for segment in segment_text(text)[1]]


def line_breaks(whitespace: str) -> int:
    return len(LINE_BREAK.findall(whitespace))


def assert_lossless_and_tidy(text: str) -> list[Segment]:
    """Check every invariant of the segmentation contract on ``text``."""
    prefix, segments = segment_text(text)
    assert join_segments(prefix, segments) == text
    assert prefix.strip() == ""
    if not segments:
        assert prefix == text
    paragraph = 0
    for index, segment in enumerate(segments):
        assert segment.index == index
        assert segment.text, "empty segment"
        assert segment.text == segment.text.strip(), "segment text starts or ends with whitespace"
        assert segment.separator.strip() == "", "separator holds more than whitespace"
        assert all(line.strip() for line in LINE_BREAK.split(segment.text)), (
            "segment holds a blank line"
        )
        assert segment.paragraph == paragraph
        if line_breaks(segment.separator) >= 2:
            paragraph += 1
    return segments


# --- sentences ----------------------------------------------------------------------------


def test_sentences_end_at_stops_followed_by_a_capital():
    assert sentences("The school grew. It signed 46 agreements! Why? Nobody knows.") == [
        "The school grew.",
        "It signed 46 agreements!",
        "Why?",
        "Nobody knows.",
    ]


def test_separator_is_the_exact_whitespace_between_sentences():
    prefix, segments = segment_text("One.  \tTwo.")
    assert prefix == ""
    assert [(s.text, s.separator) for s in segments] == [("One.", "  \t"), ("Two.", "")]


def test_no_break_before_a_lowercase_word():
    assert sentences("It rose by 5 p.c. and then fell. The end.") == [
        "It rose by 5 p.c. and then fell.",
        "The end.",
    ]
    assert sentences("Il a dit oui. élan vital.") == ["Il a dit oui. élan vital."]


def test_a_digit_can_start_a_sentence():
    assert sentences("It was founded in 2019. 2020 was harder.") == [
        "It was founded in 2019.",
        "2020 was harder.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Wang met Dr. Li and Prof. Zhang in St. Petersburg.",
        "Building No. 5 and Nos. 6 and 7 are new.",
        "Compare A vs. B and Fig. 3 in Vol. 2 on pp. 12-14.",
        "Partners, e.g. Osaka University and i.e. Japanese ones.",
        "Partners (e.g. Nagoya) joined.",
        "Exchanges with the U.S. State University and the U.K. Open University grew.",
        "It opened at 9 a.m. Beijing time and closed at 5 p.m. Tokyo time.",
        "Dalian Shipbuilding Co. Ltd. signed with Huawei Inc. Shenzhen.",
        "On Jan. 5 and Feb. 6 they met.",
        "See Smith et al. Chapter 2 and cf. Section 4.",
    ],
)
def test_no_break_after_abbreviations(text):
    assert sentences(text) == [text]


def test_etc_ends_a_sentence_only_before_a_capital():
    assert sentences("Japan, Korea, etc. are partners.") == ["Japan, Korea, etc. are partners."]
    assert sentences("Japan, Korea, etc. The list goes on.") == [
        "Japan, Korea, etc.",
        "The list goes on.",
    ]


def test_no_break_after_initials():
    assert sentences("J. K. Rowling visited. She spoke.") == [
        "J. K. Rowling visited.",
        "She spoke.",
    ]
    assert sentences("Prof. Y. Zhang and Ph.D. Li came.") == ["Prof. Y. Zhang and Ph.D. Li came."]


def test_numbers_with_periods_are_never_split():
    assert sentences("Author:Dalian University of Technolog Time:2022.07.28") == [
        "Author:Dalian University of Technolog Time:2022.07.28"
    ]
    assert sentences("It grew 3.5 times, to 76.9%. Then it fell to 22.58 million.") == [
        "It grew 3.5 times, to 76.9%.",
        "Then it fell to 22.58 million.",
    ]
    assert sentences("Version 2.0.1 is out.") == ["Version 2.0.1 is out."]


def test_numbered_line_keeps_its_number():
    assert sentences("1. Introduction of the plan\n2. Results") == [
        "1. Introduction of the plan",
        "2. Results",
    ]


def test_closing_quotes_and_brackets_stay_with_their_sentence():
    assert sentences('He said "Go." Then he left.') == ['He said "Go."', "Then he left."]
    assert sentences("It was “the most important event.” It was held in 2019.") == [
        "It was “the most important event.”",
        "It was held in 2019.",
    ]
    assert sentences("(See the report.) The school agreed.") == [
        "(See the report.)",
        "The school agreed.",
    ]


def test_a_sentence_may_start_with_an_opening_quote_or_bracket():
    assert sentences('It ended. "Next year," he said.') == ["It ended.", '"Next year," he said.']
    assert sentences("It ended. (A new plan followed.)") == ["It ended.", "(A new plan followed.)"]
    assert sentences("It ended. “Next year,” he said.") == ["It ended.", "“Next year,” he said."]


def test_quoted_question_before_lowercase_continues():
    assert sentences("“Why?” she asked. Nobody answered.") == [
        "“Why?” she asked.",
        "Nobody answered.",
    ]


def test_ellipsis_inside_a_sentence_does_not_break():
    assert sentences("He waited... and waited.") == ["He waited... and waited."]
    assert sentences("He waited … and waited.") == ["He waited … and waited."]


def test_ellipsis_before_a_capital_ends_the_sentence():
    assert sentences("He waited... Then he left.") == ["He waited...", "Then he left."]
    assert sentences("new results … Since 2016 it grew.") == [
        "new results …",
        "Since 2016 it grew.",
    ]


def test_ellipsis_at_the_end_of_a_paragraph():
    _, segments = segment_text("has achieved new results ...\n\nSince the 13th Party Congress.")
    assert [(s.text, s.paragraph) for s in segments] == [
        ("has achieved new results ...", 0),
        ("Since the 13th Party Congress.", 1),
    ]


def test_punctuation_that_continues_a_sentence_is_no_start():
    assert sentences("as its work goal. , Official WeChat account.") == [
        "as its work goal. , Official WeChat account."
    ]


# --- CJK ----------------------------------------------------------------------------------


def test_cjk_stops_break_without_whitespace():
    _, segments = segment_text("大连理工大学。国际合作！成果如何？很好。")
    assert [(s.text, s.separator) for s in segments] == [
        ("大连理工大学。", ""),
        ("国际合作！", ""),
        ("成果如何？", ""),
        ("很好。", ""),
    ]


def test_cjk_closing_quotes_stay_with_their_sentence():
    assert sentences("他说：“好。”然后走了。「是的。」她说。") == [
        "他说：“好。”",
        "然后走了。",
        "「是的。」",
        "她说。",
    ]


def test_fullwidth_period_breaks_but_not_as_a_decimal_point():
    assert sentences("增长了３．５倍．然后下降") == ["增长了３．５倍．", "然后下降"]


def test_whitespace_after_a_cjk_stop_is_the_separator():
    _, segments = segment_text("你好。 世界。")
    assert [(s.text, s.separator) for s in segments] == [("你好。", " "), ("世界。", "")]


def test_mixed_english_and_chinese():
    assert sentences("Dalian 大连。University of Technology. 理工大学。") == [
        "Dalian 大连。",
        "University of Technology.",
        "理工大学。",
    ]


# --- lines and paragraphs -----------------------------------------------------------------


def test_blank_lines_separate_paragraphs():
    _, segments = segment_text("Title\n\nFirst. Second.\n\n\nThird.")
    assert [(s.text, s.paragraph) for s in segments] == [
        ("Title", 0),
        ("First.", 1),
        ("Second.", 1),
        ("Third.", 2),
    ]
    assert [s.separator for s in segments] == ["\n\n", " ", "\n\n\n", ""]


def test_a_line_of_spaces_and_tabs_is_blank():
    _, segments = segment_text("One.\n  \t \nTwo.")
    assert [(s.text, s.separator, s.paragraph) for s in segments] == [
        ("One.", "\n  \t \n", 0),
        ("Two.", "", 1),
    ]


def test_every_line_break_ends_a_segment_but_not_the_paragraph():
    _, segments = segment_text("Edit: Qian Han Yunyun\nSchool pair: Li Yixun\nthe end")
    assert [(s.text, s.separator, s.paragraph) for s in segments] == [
        ("Edit: Qian Han Yunyun", "\n", 0),
        ("School pair: Li Yixun", "\n", 0),
        ("the end", "", 0),
    ]


def test_a_line_break_after_an_abbreviation_still_ends_the_segment():
    assert sentences("Visitors included Mr.\nWang") == ["Visitors included Mr.", "Wang"]


def test_crlf_line_ends():
    _, segments = segment_text("One. Two.\r\nThree.\r\n\r\nFour.\r\n")
    assert [(s.text, s.separator, s.paragraph) for s in segments] == [
        ("One.", " ", 0),
        ("Two.", "\r\n", 0),
        ("Three.", "\r\n\r\n", 0),
        ("Four.", "\r\n", 1),
    ]


def test_cr_line_ends():
    _, segments = segment_text("One\rTwo\r\rThree")
    assert [(s.text, s.paragraph) for s in segments] == [("One", 0), ("Two", 0), ("Three", 1)]


def test_leading_and_trailing_whitespace():
    prefix, segments = segment_text("\n\n  Hello there.  \n")
    assert prefix == "\n\n  "
    assert [(s.text, s.separator) for s in segments] == [("Hello there.", "  \n")]


def test_trailing_spaces_of_a_line_go_to_the_separator():
    _, segments = segment_text("Heading   \n  Body text")
    assert [(s.text, s.separator) for s in segments] == [("Heading", "   \n  "), ("Body text", "")]


@pytest.mark.parametrize("text", ["", " ", "\n", "\r\n\r\n", " \t\u3000\xa0\n"])
def test_text_without_words_is_all_prefix(text):
    assert segment_text(text) == (text, [])


def test_join_segments_gives_back_the_text():
    text = "  A. B.\n\nC"
    prefix, segments = segment_text(text)
    assert join_segments(prefix, segments) == text


# --- hard-wrapped text --------------------------------------------------------------------

WRAPPED = """\
Dalian University of Technology has established long-term stable
relations with 276 well-known universities and scientific research
institutions in 41 countries and regions. Dalian University of
Science and Technology has continuously cultivated 80 new
agreements with Japanese universities such as Nagoya and Osaka
University.

In 2019, the school cooperated with 19 universities in Japan to
apply for 20 projects to build a mutual visit and return visit to
Sino-Japanese youths. When the number of teachers and students
visited Japan, the project won the first place in the country.
"""


def test_hard_wrapped_sentences_run_across_line_breaks():
    _, segments = segment_text(WRAPPED)
    assert [(" ".join(s.text.split()), s.paragraph) for s in segments] == [
        (
            "Dalian University of Technology has established long-term stable relations with "
            "276 well-known universities and scientific research institutions in 41 countries "
            "and regions.",
            0,
        ),
        (
            "Dalian University of Science and Technology has continuously cultivated 80 new "
            "agreements with Japanese universities such as Nagoya and Osaka University.",
            0,
        ),
        (
            "In 2019, the school cooperated with 19 universities in Japan to apply for 20 "
            "projects to build a mutual visit and return visit to Sino-Japanese youths.",
            1,
        ),
        (
            "When the number of teachers and students visited Japan, the project won the "
            "first place in the country.",
            1,
        ),
    ]
    assert "Dalian University of\nScience and Technology" in segments[1].text


def test_a_wrapped_two_line_paragraph_is_one_segment():
    text = "Promote substantive cooperation and expand the global circle\nof friends"
    assert sentences(text) == [text]


def test_in_hard_wrapped_text_a_short_line_still_ends_its_segment():
    text = "Heading of the part\n" + WRAPPED
    assert sentences(text)[0] == "Heading of the part"


def test_in_hard_wrapped_text_list_items_start_segments():
    # Every line here is as long as the wrap width allows: only the "- " tells the items apart.
    text = (
        WRAPPED
        + "\nThe partners are these two universities, listed by their country:\n"
        + (
            "- Osaka University, in the region of Kansai, known for its science\n"
            "- Nagoya University, in the region of Chubu, known for engineering\n"
        )
    )
    assert sentences(text)[-3:] == [
        "The partners are these two universities, listed by their country:",
        "- Osaka University, in the region of Kansai, known for its science",
        "- Nagoya University, in the region of Chubu, known for engineering",
    ]


def test_a_few_long_lines_do_not_make_a_text_hard_wrapped():
    notes = [
        "notes from the meeting of the international office on cooperation",
        "partners agreed to exchange students",
        "exchanges continue online",
        "the second meeting on joint research projects in the coming year",
        "visits resume in spring",
        "budget unchanged",
        "reports due in June",
        "next meeting in Osaka",
    ]
    assert sentences("\n".join(notes)) == notes


def test_wrapped_sample_segments_like_the_unwrapped_sample():
    original = SAMPLE.read_text(encoding="utf-8")
    paragraphs = original.split("\n\n")
    for width in (50, 72, 100):
        wrapped = "\n\n".join(
            textwrap.fill(p, width, break_on_hyphens=False, break_long_words=False)
            for p in paragraphs
        )
        assert [" ".join(s.split()) for s in sentences(wrapped)] == sentences(original), width


def test_a_table_of_even_lines_is_not_taken_for_wrapped_prose():
    table = "\n".join(
        f"{70 + i / 7:.12f} {-i / 97:.16f} {1500 + i} System-{i:02d}.{i} {1700 + i}"
        for i in range(20)
    )
    assert sentences(table) == table.splitlines()


def test_one_sentence_per_line_stays_one_segment_per_line():
    lines = [
        "Promote substantive cooperation and expand the global circle of friends",
        "In line with the global situation, explore the new model of foreign cooperation",
        "Focus on the core tasks of talent training and innovate cooperation mechanisms",
        "Gathering advantageous resources, citing and promoting international teachers",
    ]
    assert sentences("\n".join(lines)) == lines


# --- properties ---------------------------------------------------------------------------

WORDS = [
    "the", "The", "Dalian", "university", "Mr", "Dr.", "U.S.", "e.g.", "etc.", "J.", "No.",
    "2022.07.28", "Time:2022.07.28", "3.5", "1.", "iv.", "-", "élan", "École", "大连", "理工",
    "ß", "Ünited", "A",
]  # fmt: skip
PUNCTUATION = [
    ".", "...", "…", "!", "?", "?!", "。", "！", "？", "．", "\"", "'", "“", "”", "‘", "’",
    "(", ")", "[", "]", "「", "」", "『", "』", "《", "》", ",", ";", ":", "%", "—", "３", "5",
]  # fmt: skip
WHITESPACE = [
    " ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n", " \n", "\n \t\n", "\r\r\n",
    "\xa0", "\u3000", "\u2028", "\x0c", "\x85",
]  # fmt: skip

sentence_like = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(PUNCTUATION), st.sampled_from(WHITESPACE)),
    max_size=60,
).map("".join)

sentence_characters = st.text(
    alphabet=st.sampled_from(sorted(set("".join(WORDS + PUNCTUATION + WHITESPACE)))), max_size=80
)


@st.composite
def wrapped_paragraphs(draw):
    """Hard-wrapped prose: paragraphs of words wrapped at one width."""
    width = draw(st.integers(min_value=30, max_value=130))
    paragraphs = draw(
        st.lists(
            st.lists(st.sampled_from(WORDS + PUNCTUATION), min_size=1, max_size=80).map(" ".join),
            min_size=1,
            max_size=5,
        )
    )
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    wrapped = [textwrap.fill(p, width).replace("\n", line_end) for p in paragraphs]
    return (line_end * 2).join(wrapped)


@settings(max_examples=300)
@given(st.text())
def test_lossless_and_tidy_on_any_text(text):
    assert_lossless_and_tidy(text)


@settings(max_examples=300)
@given(sentence_like)
def test_lossless_and_tidy_on_sentence_like_text(text):
    assert_lossless_and_tidy(text)


@settings(max_examples=300)
@given(sentence_characters)
def test_lossless_and_tidy_on_punctuation_heavy_text(text):
    assert_lossless_and_tidy(text)


@settings(max_examples=200)
@given(wrapped_paragraphs())
def test_lossless_and_tidy_on_hard_wrapped_text(text):
    assert_lossless_and_tidy(text)


# --- the sample and real MT output ---------------------------------------------------------


def test_sample_paragraphs_are_its_blank_line_blocks():
    text = SAMPLE.read_text(encoding="utf-8")
    blocks = [block for block in re.split(r"\n[ \t]*\n", text) if block.strip()]
    segments = assert_lossless_and_tidy(text)
    assert segments[-1].paragraph + 1 == len(blocks)
    for number, block in enumerate(blocks):
        in_paragraph = [s for s in segments if s.paragraph == number]
        assert " ".join(s.text for s in in_paragraph) == block.strip()


def test_sample_sentence_boundaries():
    texts = sentences(SAMPLE.read_text(encoding="utf-8"))
    assert "Author:Dalian University of Technolog Time:2022.07.28" in texts
    forms = next(
        i for i, t in enumerate(texts) if t.endswith("through online communication forms.")
    )
    assert texts[forms + 1].startswith(
        "Essence In close combination of major national strategic needs"
    )
    assert "The opening ceremony of the Belarusian Education New Year." in texts
    assert "New path of talent." in texts
    assert "The proportion is 13%, and the employment ratio is 20%." in texts
    assert "Edit: Qian Han Yunyun" in texts
    assert "- END -" in texts
    assert any(t.endswith("has achieved new results ...") for t in texts)


@pytest.mark.skipif(not TESTDATA.exists(), reason="shared test data not available")
@pytest.mark.parametrize(
    "name", ["newstest2021.zh-en.hyp.Online-W.en", "newstest2021.zh-en.src.zh"]
)
def test_one_segment_per_line_files_keep_their_lines(name):
    text = (WMT / name).read_text(encoding="utf-8")
    segments = assert_lossless_and_tidy(text)
    lines = [line for line in text.split("\n") if line.strip()]
    assert not any("\n" in s.text for s in segments)
    assert sum("\n" in s.separator for s in segments) == len(lines)
