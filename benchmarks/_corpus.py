"""Deterministic synthetic glossaries and MT-like English for the benchmarks.

The glossaries look like the ones mtfix is built for: names of institutions,
programmes and bodies from Chinese institutional news, each concept with one
preferred term and one to three deprecated renderings that machine translation
produces. The text looks like that news translated by machine: ordinary
sentences in which the names turn up, correctly or not, together with near
misses, other institutions that merely share words with a glossary name, and
the typographic artefacts of the MT pipeline (``first -class``).

Everything is drawn from ``random.Random(seed)``, so a size and a seed always
give the same glossary and the same text. A glossary of ``n`` concepts is the
first ``n`` concepts of any larger one with the same seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mtfix.core.models import Concept, Glossary, Rule, Term, TermStatus

_SYLLABLES = (
    "an bao bei bin chang chen cheng chong da dao de ding dong du fei feng fu gan gui guang "
    "hai han hang he heng hua huai hui ji jia jiang jin jing kai kang kun lan lang li lian "
    "liao lin ling long lu luo mei ming mu nan ning pan peng ping qi qian qing qiu quan rong "
    "shan shang shao shen sheng shi shu song su tai tang tian tong wei wen wu xia xiang xin "
    "xing xu ya yan yang yi ying yong yu yuan yun zhang zhao zhen zheng zhong zhou zhu zi"
).split()

_REAL_PLACES = (
    "Dalian Harbin Kunming Shenzhen Changsha Nanjing Qingdao Suzhou Hangzhou Fuzhou Guangzhou "
    "Tianjin Shantou Yantai Weihai Lanzhou Wuhan Hefei Guiyang Nanchang Jinan Taiyuan Shenyang "
    "Changchun Chengdu Chongqing Xiamen Ningbo Wuxi Zhengzhou Luoyang Urumqi Lhasa Hohhot "
    "Yinchuan Xining Haikou Sanya Nanning Liuzhou Guilin Zhuhai Dongguan Foshan Huizhou "
    "Nagoya Osaka Kyoto Sendai Sapporo Busan Daegu Surabaya Bandung Minsk Gomel Kharkiv "
    "Lviv Odesa Novosibirsk Tomsk Kazan Almaty Tashkent Bangkok Hanoi Manila "
    "Zürich Malmö Göttingen Tübingen Linköping Aarhus Delft Leuven Ghent Lyon Grenoble "
    "Toulouse Porto Coimbra Bologna Padua Turin Valencia Seville Kraków Brno Graz"
).split() + ["Chiang Mai", "São Paulo", "Hong Kong", "Ho Chi Minh City", "Nizhny Novgorod"]

_APOSTROPHE_PLACES = ("Xi'an", "Lu'an", "Ji'an", "Tai'an", "Yan'an", "Huai'an")

_FIELDS = (
    "Technology",
    "Science and Technology",
    "Medicine",
    "Agriculture",
    "Finance and Economics",
    "Foreign Studies",
    "Foreign Languages",
    "Petroleum",
    "Mining and Technology",
    "Chemical Technology",
    "Aeronautics and Astronautics",
    "Posts and Telecommunications",
    "Traditional Chinese Medicine",
    "Electronic Science and Technology",
    "Political Science and Law",
    "International Business and Economics",
    "Fine Arts",
    "Physical Education",
    "Information Science and Engineering",
    "Marine Sciences",
    "Forestry",
    "Water Resources and Electric Power",
    "Architecture",
    "Civil Engineering",
    "Applied Mathematics",
    "Materials Science",
    "Software Engineering",
    "Environmental Science",
    "Chemistry",
    "Physics",
    "Biology",
    "Geosciences",
    "Mechanical Engineering",
    "Textiles",
    "Communication",
    "Education",
    "Music",
    "Light Industry",
    "Ocean Engineering",
    "Railway Technology",
)

# Pairs of fields that MT confuses, as in "University of Science and Technology"
# for "University of Technology".
_CONFUSED_FIELDS = {
    "Technology": "Science and Technology",
    "Science and Technology": "Technology",
    "Foreign Studies": "Foreign Languages",
    "Foreign Languages": "Foreign Studies",
    "Medicine": "Medical Science",
    "Agriculture": "Agricultural Science",
    "Finance and Economics": "Economics and Finance",
    "Chemical Technology": "Chemical Industry",
    "Posts and Telecommunications": "Post and Telecommunication",
    "Political Science and Law": "Politics and Law",
    "Marine Sciences": "Ocean Sciences",
    "Forestry": "Forest Science",
}

_TOPICS = (
    "Science",
    "Youth",
    "Friendship",
    "Talent",
    "Innovation",
    "Culture",
    "Language",
    "Engineering",
    "Teacher",
    "Summer",
    "Silk Road",
    "Green Campus",
)

# Words in rough order of frequency in MT of institutional news.
_VOCABULARY = (
    "the of and to in a for with international cooperation university universities "
    "students school exchange education has on as by is that this new development "
    "research talent training was are from have been at its an more than teachers "
    "construction world academic high quality platform countries level will help "
    "promote carry out further project projects partners global joint program "
    "cooperative relations established continuously strengthen expand enhance "
    "innovation science technology field areas influence strategic major year years "
    "first national local government ministry work plan forum conference meeting "
    "ceremony opening held hosted attended representatives experts scholars overseas "
    "foreign friendly friendship mutual understanding common issues facing higher "
    "communication platforms resources advantage advantages discipline disciplines "
    "talents composite innovative mechanism system model models series activities "
    "practice practical comprehensive comprehensively substantive substantial "
    "remarkable achievements results new era epidemic situation period online cloud "
    "remote visits visit delegation signed agreement agreements memorandum framework "
    "laboratory laboratories centre centers institute college faculty department "
    "graduate undergraduate doctoral postgraduate programme programs courses course "
    "students' teachers' overall situation coordinating internal external members "
    "growth points main key core tasks goal goals direction path road going also "
    "which who their these those such all each every other some many several most "
    "both between among through during after before since until about into over "
    "under against along across within without around towards upon "
    "not only but well long short based relying focusing closely combined "
    "integration integrated deepen deepened deepening build building built "
    "reputation brand image voice story stories spread media news website "
    "homepage column newspaper brochure account public official timely update"
).split()

_ARTEFACTS = (
    "first -class",
    "double first -class",
    "well -known",
    "long -term",
    "high -level",
    "world -class",
    "inter -school",
    "post -epidemic",
    "world -renowned",
    "Sino -Japanese",
)

# Spaces before a hyphen that are correct and that a rule must leave alone.
_LEGITIMATE_HYPHENS = (
    "a temperature of -5 degrees",
    "the --verbose option",
    "pages 12 - 18",
    "the 2019 - 2020 academic year",
)


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """What a generated text contains, for the benchmark's header.

    Attributes:
        characters: Length of the text in characters.
        mentions: Glossary-like names placed in the text, by kind.
    """

    characters: int
    mentions: dict[str, int]


def _place_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(_REAL_PLACES)
    if roll < 0.40:
        return rng.choice(_APOSTROPHE_PLACES)
    return "".join(rng.choice(_SYLLABLES) for _ in range(2)).capitalize()


def _coined_word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()


def _truncated(name: str) -> str:
    """The name with its last letter dropped, as in "Dalian University of Technolog"."""
    return name[:-1] if len(name.rsplit(" ", 1)[-1]) >= 6 else name


def _university(rng: random.Random) -> tuple[str, list[str]]:
    place, field = _place_name(rng), rng.choice(_FIELDS)
    preferred = f"{place} University of {field}"
    variants = [f"{place} {field} University", f"University of {field} of {place}"]
    if field in _CONFUSED_FIELDS:
        variants.insert(0, f"{place} University of {_CONFUSED_FIELDS[field]}")
    variants.append(_truncated(preferred))
    return preferred, variants


def _institute(rng: random.Random) -> tuple[str, list[str]]:
    place, field = _place_name(rng), rng.choice(_FIELDS)
    preferred = f"{place} Institute of {field}"
    return preferred, [
        f"{place} {field} Institute",
        f"{place} Research Institute of {field}",
        f"Institute of {field} of {place}",
    ]


def _joint_institute(rng: random.Random) -> tuple[str, list[str]]:
    first, second = _place_name(rng), _place_name(rng)
    short_first, short_second = (re.sub(r"[^A-Za-z]", "", p)[:3].upper() for p in (first, second))
    preferred = f"{short_first}-{short_second} Joint Institute"
    return preferred, [
        f"{first} University {second} University Joint Institute",
        f"{first} {second} United College",
        f"{short_first} {short_second} Joint College",
    ]


def _programme(rng: random.Random) -> tuple[str, list[str]]:
    name, topic = _coined_word(rng, 2), rng.choice(_TOPICS)
    preferred = f"{name} {topic} Exchange Program"
    return preferred, [
        f"{name} {topic} Plan",
        f"{name} {topic} and Technology Plan",
        f"{name} {topic} Exchange Plan",
    ]


def _council(rng: random.Random) -> tuple[str, list[str]]:
    place = _place_name(rng)
    preferred = f"{place} Scholarship Council"
    return preferred, [
        f"{place} Study Abroad Fund",
        f"{place} Study Fund Commission",
        f"{place} Overseas Study Fund",
    ]


def _hospital(rng: random.Random) -> tuple[str, list[str]]:
    place = _place_name(rng)
    preferred = f"{place} People's Hospital"
    return preferred, [
        f"{place} Peoples Hospital",
        f"People's Hospital of {place}",
        f"{place} People Hospital",
    ]


def _college(rng: random.Random) -> tuple[str, list[str]]:
    place = _place_name(rng)
    preferred = f"King's College {place}"
    return preferred, [f"{place} King College", f"King College of {place}"]


def _single_word(rng: random.Random) -> tuple[str, list[str]]:
    preferred = _coined_word(rng, 3)
    return preferred, [_coined_word(rng, 3), _coined_word(rng, 4)]


def _online(rng: random.Random) -> tuple[str, list[str]]:
    place = _place_name(rng)
    return f"{place} Online", [f"{place}.com", f"{place} Net", f"{place} Network"]


_KINDS = (
    (_university, 35),
    (_institute, 14),
    (_joint_institute, 5),
    (_programme, 10),
    (_council, 5),
    (_hospital, 8),
    (_college, 3),
    (_single_word, 14),
    (_online, 6),
)


def _key(term: str) -> str:
    return " ".join(term.casefold().split())


def make_glossary(entries: int, seed: int = 1) -> Glossary:
    """A glossary of ``entries`` concepts, the same for the same size and seed.

    Each concept has one preferred term and one to three deprecated terms. No
    term appears twice in the glossary (compared case-insensitively), so every
    deprecated term has exactly one correction.

    Args:
        entries: Number of concepts.
        seed: Seed of the random generator.
    """
    rng = random.Random(seed)
    makers = [maker for maker, _ in _KINDS]
    weights = [weight for _, weight in _KINDS]
    used: set[str] = set()
    concepts: list[Concept] = []
    while len(concepts) < entries:
        maker = rng.choices(makers, weights)[0]
        preferred, candidates = maker(rng)
        if _key(preferred) in used:
            continue
        variants: list[str] = []
        seen = {_key(preferred)}
        for variant in candidates:
            if _key(variant) not in used and _key(variant) not in seen:
                variants.append(variant)
                seen.add(_key(variant))
        variants = variants[: rng.randint(1, 3)]
        if not variants:
            continue
        used |= {_key(preferred), *(_key(v) for v in variants)}
        terms = (Term(preferred, TermStatus.PREFERRED),) + tuple(
            Term(variant, TermStatus.DEPRECATED) for variant in variants
        )
        concepts.append(Concept(f"c{len(concepts) + 1:06d}", terms))
    return Glossary(concepts=tuple(concepts), sources=(f"<generated {entries} seed {seed}>",))


def artefact_rules() -> tuple[Rule, ...]:
    """Pattern rules for the MT artefacts that :func:`make_text` puts in the text."""
    return (
        Rule(
            id="space-before-hyphen",
            pattern=r"(?<=[A-Za-z]) -(?=[A-Za-z])",
            replacement="-",
            description="A space before the hyphen of a compound: first -class.",
            must_match=("first -class",),
            must_not_match=("a temperature of -5", "the --verbose option", "pages 12 - 18"),
        ),
        Rule(
            id="space-after-colon",
            pattern=r"\b(Author|Time|Source):(?=\S)",
            replacement=r"\1: ",
            description="A missing space after the colon of a by-line: Time:2022.07.28.",
            must_match=("Time:2022.07.28",),
            must_not_match=("Time: 2022.07.28", "at 10:30"),
        ),
        Rule(
            id="space-inside-bracket",
            pattern=r"\( (?=\w)",
            replacement="(",
            description="A space after an opening bracket: ( border).",
            must_match=("( border)",),
            must_not_match=("(border)",),
        ),
    )


def _typo(rng: random.Random, name: str) -> str:
    """A near miss of ``name``: a dropped or swapped letter, or two words swapped."""
    words = name.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    roll = rng.random()
    if long_words and roll < 0.45:
        i = rng.choice(long_words)
        j = rng.randrange(1, len(words[i]) - 1)
        words[i] = words[i][:j] + words[i][j + 1 :]
    elif long_words and roll < 0.85:
        i = rng.choice(long_words)
        j = rng.randrange(1, len(words[i]) - 2)
        w = words[i]
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif len(words) >= 2:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def _lookalike(rng: random.Random, known: set[str]) -> str:
    """An institution that shares words with glossary names but is not in the glossary."""
    for _ in range(20):
        place = _place_name(rng)
        name = rng.choice(
            (
                f"{place} Medical University",
                f"{place} University of {rng.choice(_FIELDS)}",
                f"{place} Normal University",
                f"{place} Institute of {rng.choice(_FIELDS)}",
                f"{place} Polytechnic University",
                f"{place} Municipal Hospital",
            )
        )
        if _key(name) not in known:
            return name
    return "Dalian Medical University"


def _number(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        return str(rng.randint(2, 500))
    if roll < 0.8:
        return f"{rng.randint(2010, 2023)}"
    return f"{rng.randint(2015, 2023)}.{rng.randint(1, 12):02d}.{rng.randint(1, 28):02d}"


class _TextMaker:
    """Draws sentences; one instance per generated text."""

    def __init__(self, glossary: Glossary, rng: random.Random) -> None:
        self.rng = rng
        self.concepts = glossary.concepts
        self.known = {_key(t.text) for c in glossary.concepts for t in c.terms}
        self.words = list(_VOCABULARY)
        self.cum_weights = []
        total = 0.0
        for rank in range(len(self.words)):
            total += 1.0 / (rank + 8)
            self.cum_weights.append(total)
        self.mentions = {
            "deprecated": 0,
            "preferred": 0,
            "possessive": 0,
            "near miss": 0,
            "look-alike": 0,
            "artefact": 0,
        }

    def _concept(self) -> Concept:
        n = len(self.concepts)
        # Half the mentions are of a few frequent concepts, as in a real document.
        if self.rng.random() < 0.5:
            return self.concepts[int(n ** self.rng.random()) - 1]
        return self.concepts[self.rng.randrange(n)]

    def _mention(self) -> str:
        rng = self.rng
        concept = self._concept()
        preferred, *deprecated = (t.text for t in concept.terms)
        roll = rng.random()
        if roll < 0.45:
            kind, name = "deprecated", rng.choice(deprecated)
        elif roll < 0.80:
            kind, name = "preferred", preferred
        elif roll < 0.87:
            kind = "possessive"
            apostrophe = "\u2019" if rng.random() < 0.3 else "'"
            name = rng.choice((preferred, *deprecated)) + apostrophe + "s"
        elif roll < 0.93:
            kind, name = "near miss", _typo(rng, rng.choice((preferred, *deprecated)))
        else:
            kind, name = "look-alike", _lookalike(rng, self.known)
        self.mentions[kind] += 1
        detail = rng.random()
        if detail < 0.02:
            name = name.upper()
        elif detail < 0.03:
            name = name.replace("'", "\u2019")
        elif detail < 0.04 and " " in name:
            name = name.replace(" ", rng.choice(("  ", "\n")), 1)
        elif detail < 0.05:
            name = name.lower()
        return name

    def sentence(self) -> str:
        rng = self.rng
        length = rng.randint(10, 34)
        words = rng.choices(self.words, cum_weights=self.cum_weights, k=length)
        roll = rng.random()
        mentions = 0 if roll < 0.45 else 1 if roll < 0.80 else 2 if roll < 0.95 else 3
        for _ in range(mentions):
            words.insert(rng.randrange(len(words) + 1), self._mention())
        if rng.random() < 0.25:
            self.mentions["artefact"] += 1
            words.insert(rng.randrange(len(words) + 1), rng.choice(_ARTEFACTS))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), _number(rng))
        if rng.random() < 0.03:
            words.insert(rng.randrange(len(words) + 1), rng.choice(_LEGITIMATE_HYPHENS))
        if rng.random() < 0.05:
            i = rng.randrange(len(words) - 1)
            words[i] = f'"{words[i]}'
            words[i + 1] = f'{words[i + 1]}"'
        text = " ".join(words)
        return text[0].upper() + text[1:] + ("?" if rng.random() < 0.02 else ".")

    def heading(self) -> str:
        rng = self.rng
        words = rng.choices(self.words, cum_weights=self.cum_weights, k=rng.randint(4, 12))
        if rng.random() < 0.5:
            words.insert(rng.randrange(len(words) + 1), self._mention())
        text = " ".join(words)
        return text[0].upper() + text[1:]

    def byline(self) -> str:
        return f"Author:{self._mention()} Time:{_number(self.rng)}"


def make_text(glossary: Glossary, megabytes: float, seed: int = 1) -> tuple[str, CorpusStats]:
    """MT-like English of at least ``megabytes`` million characters that uses ``glossary``.

    The text is paragraphs separated by blank lines: mostly several sentences
    each, with a heading or a by-line now and then, as in the sample corpus.

    Args:
        glossary: The glossary whose terms (and near misses of them) appear in the text.
        megabytes: Minimum size, in millions of characters (the text is nearly all ASCII).
        seed: Seed of the random generator.

    Returns:
        The text and what it contains.
    """
    rng = random.Random(seed)
    maker = _TextMaker(glossary, rng)
    target = int(megabytes * 1_000_000)
    paragraphs: list[str] = []
    size = 0
    while size < target:
        roll = rng.random()
        if roll < 0.12:
            paragraph = maker.heading()
        elif roll < 0.14:
            paragraph = maker.byline()
        else:
            paragraph = " ".join(maker.sentence() for _ in range(rng.randint(1, 7)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    text = "\n\n".join(paragraphs) + "\n"
    return text, CorpusStats(len(text), dict(maker.mentions))


_SENTENCE_END = re.compile(r"(?<=[.?!])[ \t]+(?=[\"A-Z])")


def split_segments(text: str) -> list[str]:
    """The sentences of ``text``, via mtfix's segmenter when it exists.

    Args:
        text: Plain text, paragraphs separated by blank lines.

    Returns:
        The segment texts, without separators, empty ones left out.
    """
    try:
        from mtfix.core.segment import segment_text
    except ImportError:
        return list(_simple_split(text))
    _, segments = segment_text(text)
    return [segment.text for segment in segments if segment.text]


def _simple_split(text: str) -> Iterator[str]:
    for paragraph in text.split("\n\n"):
        for sentence in _SENTENCE_END.split(paragraph):
            if sentence.strip():
                yield sentence
