"""Glossary readers: TBX, CSV/TSV and mtfix TOML, and loading them by extension."""

from __future__ import annotations

import io
import logging
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from mtfix.core.models import Concept, Glossary, Rule, Term, TermStatus
from mtfix.errors import GlossaryError
from mtfix.formats.csv_glossary import read_csv_glossary
from mtfix.formats.glossary_files import load_glossaries, load_glossary
from mtfix.formats.rules_toml import read_rules_toml
from mtfix.formats.tbx import TBX_NAMESPACE, read_tbx, write_tbx

TESTDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata"

P, A, D, S = TermStatus.PREFERRED, TermStatus.ADMITTED, TermStatus.DEPRECATED, TermStatus.SUPERSEDED


def write(directory: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = directory / name
    path.write_bytes(text.encode(encoding))
    return path


def v2(body: str, root_attributes: str = 'type="TBX" xml:lang="en"') -> str:
    """A TBX v2 (martif) file around some termEntry elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<martif {root_attributes}>\n<martifHeader><fileDesc><sourceDesc><p>t</p></sourceDesc>"
        f"</fileDesc></martifHeader>\n<text><body>\n{body}\n</body></text>\n</martif>\n"
    )


def v3(body: str) -> str:
    """A TBX v3 (DCA) file around some conceptEntry elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="{TBX_NAMESPACE}">\n'
        "<tbxHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc></tbxHeader>\n"
        f"<text><body>\n{body}\n</body></text>\n</tbx>\n"
    )


def tig(term: str, *notes: str) -> str:
    return f"<tig><term>{term}</term>{''.join(notes)}</tig>"


def status(value: str, kind: str = "administrativeStatus") -> str:
    return f'<termNote type="{kind}">{value}</termNote>'


# --------------------------------------------------------------------------- TBX


def test_tbx_v2_tig_terms_with_statuses_and_languages(tmp_path):
    """martif/termEntry/langSet/tig: every language kept, each term with its status."""
    path = write(
        tmp_path,
        "g.tbx",
        v2(
            '<termEntry id="dut"><langSet xml:lang="en">'
            + tig("Dalian University of Technology", status("preferredTerm-admn-sts"))
            + tig("Dalian University of Science and Technology", status("deprecatedTerm-admn-sts"))
            + '</langSet><langSet xml:lang="zh-CN">'
            + tig("大连理工大学")
            + "</langSet></termEntry>"
        ),
    )
    glossary = read_tbx(path)
    assert glossary.sources == (str(path),)
    assert glossary.concepts == (
        Concept(
            "dut",
            (
                Term("Dalian University of Technology", P, "en"),
                Term("Dalian University of Science and Technology", D, "en"),
                Term("大连理工大学", A, "zh-CN"),
            ),
        ),
    )
    assert glossary.concepts[0].preferred("en").text == "Dalian University of Technology"


def test_tbx_v2_ntig_term_groups(tmp_path):
    """martif/.../ntig/termGrp/term is read like tig."""
    path = write(
        tmp_path,
        "g.tbx",
        v2(
            '<termEntry id="c9"><langSet xml:lang="en"><ntig><termGrp><term>COVID-19</term>'
            + status("preferredTerm-admn-sts")
            + "</termGrp></ntig><ntig><termGrp><term>new crown pneumonia</term>"
            + status("deprecatedTerm-admn-sts")
            + "</termGrp></ntig></langSet></termEntry>"
        ),
    )
    assert read_tbx(path).concepts[0].terms == (Term("COVID-19", P), Term("new crown pneumonia", D))


def test_tbx_v3_concept_entries(tmp_path):
    """tbx/conceptEntry/langSec/termSec in the ISO 30042 namespace."""
    path = write(
        tmp_path,
        "g.tbx",
        v3(
            '<conceptEntry id="ubc"><langSec xml:lang="en">'
            "<termSec><term>the University of British Columbia</term>"
            + status("preferredTerm-admn-sts")
            + "</termSec><termSec><term>British Columbia University</term>"
            + status("supersededTerm-admn-sts")
            + "</termSec></langSec></conceptEntry>"
        ),
    )
    assert read_tbx(path).concepts == (
        Concept("ubc", (Term("the University of British Columbia", P), Term("British Columbia University", S))),
    )


def test_tbx_hybrid_martif_in_the_v3_namespace(tmp_path):
    """v2 element names under the v3 namespace (as Weblate writes) are read by local name."""
    text = v2(
        '<termEntry id="e1"><langSet xml:lang="en">' + tig("data bus", status("obsolete")) + "</langSet></termEntry>",
        root_attributes=f'xmlns="{TBX_NAMESPACE}" type="TBX" xml:lang="en"',
    )
    assert read_tbx(write(tmp_path, "g.tbx", text)).concepts[0].terms == (Term("data bus", S),)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("preferredTerm-admn-sts", P),
        ("admittedTerm-admn-sts", A),
        ("deprecatedTerm-admn-sts", D),
        ("supersededTerm-admn-sts", S),
        ("preferred", P),
        ("admitted", A),
        ("deprecated", D),
        ("superseded", S),
        ("standardizedTerm-admn-sts", P),
        ("notRecommendedTerm-admn-sts", D),
        ("obsoleteTerm-admn-sts", S),
        ("obsolete", S),
        (" Deprecated ", D),
    ],
)
def test_tbx_administrative_status_values(tmp_path, value, expected):
    """Each administrativeStatus spelling maps to its TermStatus."""
    body = f'<termEntry><langSet xml:lang="en">{tig("t", status(value))}</langSet></termEntry>'
    path = write(tmp_path, "g.tbx", v2(body))
    assert read_tbx(path).concepts[0].terms[0].status is expected


@pytest.mark.parametrize(("value", "expected"), [("deprecatedTerm", D), ("preferredTerm", P), ("supersededTerm", S)])
def test_tbx_normative_authorization(tmp_path, value, expected):
    """The older normativeAuthorization termNote is read as a status too."""
    note = status(value, "normativeAuthorization")
    path = write(tmp_path, "g.tbx", v2(f'<termEntry><langSet xml:lang="en">{tig("t", note)}</langSet></termEntry>'))
    assert read_tbx(path).concepts[0].terms[0].status is expected


def test_tbx_administrative_status_wins_over_normative_authorization(tmp_path):
    """When both are given, the current data category decides."""
    notes = status("preferredTerm", "normativeAuthorization") + status("deprecatedTerm-admn-sts")
    path = write(tmp_path, "g.tbx", v2(f'<termEntry><langSet xml:lang="en">{tig("t", notes)}</langSet></termEntry>'))
    assert read_tbx(path).concepts[0].terms[0].status is D


def test_tbx_term_without_status_is_admitted(tmp_path):
    """No status means the term is correct as it stands: admitted, never replaced."""
    path = write(tmp_path, "g.tbx", v2(f'<termEntry><langSet xml:lang="en">{tig("t")}</langSet></termEntry>'))
    assert read_tbx(path).concepts[0].terms[0].status is A


def test_tbx_unknown_status_is_admitted_with_a_warning(tmp_path, caplog):
    """An unknown status value protects the term; the log names it once, with its first line."""
    terms = tig("t", status("prefered")) + "\n" + tig("u", status("prefered"))
    text = v2(f'<termEntry><langSet xml:lang="en">\n{terms}</langSet></termEntry>')
    with caplog.at_level(logging.WARNING, logger="mtfix.formats.tbx"):
        glossary = read_tbx(write(tmp_path, "g.tbx", text))
    assert [term.status for term in glossary.concepts[0].terms] == [A, A]
    assert len(caplog.records) == 1
    assert "'prefered' (2 term(s))" in caplog.text and "g.tbx:6" in caplog.text


def test_tbx_concept_ids_from_the_file_else_by_position(tmp_path):
    """Entries without an id get c1, c2... by position; an id already used is not reused."""
    entry = '<termEntry{}><langSet xml:lang="en">' + tig("t") + "</langSet></termEntry>"
    body = entry.format("") + entry.format(' id="c1"') + entry.format("") + entry.format(' id="x"')
    ids = [concept.id for concept in read_tbx(write(tmp_path, "g.tbx", v2(body))).concepts]
    assert ids == ["c1-2", "c1", "c3", "x"]


def test_tbx_notes_of_concepts_and_terms(tmp_path):
    """Definitions and notes at entry level make the concept note; usage notes the term note."""
    body = (
        '<termEntry id="csc"><descrip type="subjectField">education</descrip>'
        '<descrip type="definition">The national scholarship body.</descrip>'
        "<note>Official name since 1996.</note>"
        '<langSet xml:lang="en"><tig><term>China Scholarship Council</term>'
        + status("preferredTerm-admn-sts")
        + '<descrip type="context">The CSC funds study abroad.</descrip></tig>'
        "<tig><term>National Study Abroad Fund</term>"
        + status("deprecatedTerm-admn-sts")
        + '<termNote type="usageNote">MT of 国家留学基金委</termNote><note>seen in\n   2022 news</note></tig>'
        "</langSet></termEntry>"
    )
    concept = read_tbx(write(tmp_path, "g.tbx", v2(body))).concepts[0]
    assert concept.note == "The national scholarship body.\nOfficial name since 1996."
    assert concept.terms[0].note == ""  # context sentences are examples, not notes
    assert concept.terms[1].note == "MT of 国家留学基金委\nseen in 2022 news"


def test_tbx_concept_note_falls_back_to_the_language_section(tmp_path):
    """A definition kept in the langSec (TBX-Basic) is the concept note, file language first."""
    body = (
        '<conceptEntry id="c1"><langSec xml:lang="es"><descripGrp><descrip type="definition">Un grupo.'
        '</descrip></descripGrp><termSec><term>cúmulo</term></termSec></langSec><langSec xml:lang="en">'
        '<descripGrp><descrip type="definition">A group of stars.</descrip></descripGrp>'
        "<termSec><term>open cluster</term></termSec></langSec></conceptEntry>"
    )
    assert read_tbx(write(tmp_path, "g.tbx", v3(body))).concepts[0].note == "A group of stars."


def test_tbx_mtfix_apply_extension(tmp_path):
    """<termNote type="x-mtfix-apply">suggest</termNote> makes the term's fixes wait for review."""
    body = (
        '<termEntry><langSet xml:lang="en">'
        + tig("DUT", status("preferred"))
        + tig("the big work", status("deprecated"), '<termNote type="x-mtfix-apply">suggest</termNote>')
        + tig("DUT Dalian", status("deprecated"), '<termNote type="x-mtfix-apply">auto</termNote>')
        + "</langSet></termEntry>"
    )
    terms = read_tbx(write(tmp_path, "g.tbx", v2(body))).concepts[0].terms
    assert [term.auto_apply for term in terms] == [True, False, True]


def test_tbx_bad_mtfix_apply_value_names_the_line(tmp_path):
    """A misspelt x-mtfix-apply value is an error at its line, not a silent default."""
    body = (
        '<termEntry><langSet xml:lang="en">\n<tig><term>t</term>\n'
        '<termNote type="x-mtfix-apply">sugest</termNote></tig></langSet></termEntry>'
    )
    with pytest.raises(GlossaryError, match="sugest") as caught:
        read_tbx(write(tmp_path, "g.tbx", v2(body)))
    assert caught.value.line == 7 and caught.value.path == str(tmp_path / "g.tbx")


def test_tbx_language_section_without_language_takes_the_file_language(tmp_path):
    """A langSet without xml:lang inherits the martif's xml:lang."""
    body = f"<termEntry><langSet>{tig('t')}</langSet></termEntry>"
    text = v2(body, root_attributes='type="TBX" xml:lang="en-GB"')
    assert read_tbx(write(tmp_path, "g.tbx", text)).concepts[0].terms[0].language == "en-GB"


def test_tbx_whitespace_in_terms_is_collapsed(tmp_path):
    """Pretty-printing that wraps a term does not change the term."""
    body = (
        '<termEntry><langSet xml:lang="en"><tig><term>\n   Provincial Reporting\n'
        "      Establishment </term></tig></langSet></termEntry>"
    )
    term = read_tbx(write(tmp_path, "g.tbx", v2(body))).concepts[0].terms[0]
    assert term.text == "Provincial Reporting Establishment"


def test_tbx_no_break_space_in_a_term_is_kept(tmp_path):
    """Only XML whitespace is collapsed; a no-break space belongs to the term."""
    term = tig("10\u00a0km  run")
    body = f'<termEntry><langSet xml:lang="en">{term}</langSet></termEntry>'
    assert read_tbx(write(tmp_path, "g.tbx", v2(body))).concepts[0].terms[0].text == "10\u00a0km run"


def test_tbx_inline_markup_inside_a_term_keeps_its_text(tmp_path):
    """Inline elements (hi) inside a term contribute their text."""
    body = (
        '<termEntry><langSet xml:lang="en"><tig><term>H<hi type="subscript">2</hi>O</term></tig>'
        "</langSet></termEntry>"
    )
    assert read_tbx(write(tmp_path, "g.tbx", v2(body))).concepts[0].terms[0].text == "H2O"


def test_tbx_empty_terms_and_empty_entries_are_skipped(tmp_path):
    """<term/> (as SDL MultiTerm exports) adds no term; an entry left without terms no concept."""
    body = (
        '<termEntry id="a"><langSet xml:lang="de"><ntig><termGrp><term/></termGrp></ntig></langSet>'
        f'<langSet xml:lang="en">{tig("fold")}</langSet></termEntry>'
        '<termEntry id="b"><langSet xml:lang="de"><tig><term> </term></tig></langSet></termEntry>'
    )
    glossary = read_tbx(write(tmp_path, "g.tbx", v2(body)))
    assert [(c.id, [t.text for t in c.terms]) for c in glossary.concepts] == [("a", ["fold"])]


def test_tbx_declared_legacy_encoding(tmp_path):
    """A file in windows-1254, as its XML declaration says, reads into the right characters."""
    text = v2(f'<termEntry><langSet xml:lang="tr">{tig("İstanbul Teknik Üniversitesi ığş")}</langSet></termEntry>')
    path = write(tmp_path, "g.tbx", text.replace('encoding="UTF-8"', 'encoding="windows-1254"'), "cp1254")
    assert read_tbx(path).concepts[0].terms[0].text == "İstanbul Teknik Üniversitesi ığş"


def test_tbx_utf8_byte_order_mark(tmp_path):
    """A UTF-8 BOM before the XML declaration is accepted."""
    text = "\ufeff" + v2(f'<termEntry><langSet xml:lang="hu">{tig("tényező")}</langSet></termEntry>')
    assert read_tbx(write(tmp_path, "g.tbx", text)).concepts[0].terms[0].text == "tényező"


def test_tbx_malformed_xml_names_file_and_line(tmp_path):
    """A broken tag is a GlossaryError with the path and the line of the error."""
    text = v2('<termEntry>\n<langSet xml:lang="en">\n<tig><term>t</tig>\n</langSet></termEntry>')
    path = write(tmp_path, "broken.tbx", text)
    with pytest.raises(GlossaryError, match="malformed XML") as caught:
        read_tbx(path)
    assert caught.value.path == str(path)
    assert caught.value.line == 7
    assert str(caught.value).startswith(f"{path}:7: ")


def test_tbx_wrong_bytes_for_the_declared_encoding(tmp_path):
    """Latin-1 bytes in a file that declares UTF-8 are reported with their line."""
    text = v2(f'<termEntry><langSet xml:lang="fr">\n{tig("données")}</langSet></termEntry>')
    with pytest.raises(GlossaryError) as caught:
        read_tbx(write(tmp_path, "g.tbx", text, "latin-1"))
    assert caught.value.line == 6


def test_tbx_other_xml_is_refused(tmp_path):
    """An XML file whose root is not martif or tbx is not taken for an empty termbase."""
    with pytest.raises(GlossaryError, match="not a TBX file.*<tmx>"):
        read_tbx(write(tmp_path, "g.xml", "<tmx version='1.4'><body/></tmx>"))


def test_tbx_missing_file(tmp_path):
    """A missing TBX file is a GlossaryError naming it."""
    with pytest.raises(GlossaryError, match="not found") as caught:
        read_tbx(tmp_path / "nope.tbx")
    assert caught.value.path == str(tmp_path / "nope.tbx")


def test_tbx_entities_are_never_expanded(tmp_path):
    """Entity bombs and external entities are refused unexpanded; nothing is read from disk."""
    secret = write(tmp_path, "secret.txt", "TOP-SECRET")
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE martif [\n'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        f'<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<martif type="TBX" xml:lang="en"><text><body><termEntry><langSet xml:lang="en">'
        "<tig><term>x &c; &xxe;</term></tig></langSet></termEntry></body></text></martif>"
    )
    with pytest.raises(GlossaryError, match="entity &c;") as caught:
        read_tbx(write(tmp_path, "bomb.tbx", text))
    assert "aaaa" not in str(caught.value) and "TOP-SECRET" not in str(caught.value)


def test_tbx_undeclared_entity_from_an_unloaded_dtd_is_reported(tmp_path):
    """&nbsp; from an external DTD (never loaded) is an error, not a silently shortened term."""
    text = v2(f'<termEntry><langSet xml:lang="en">{tig("a&nbsp;b")}</langSet></termEntry>').replace(
        "<martif", '<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">\n<martif', 1
    )
    with pytest.raises(GlossaryError, match="&nbsp;"):
        read_tbx(write(tmp_path, "g.tbx", text))


# --------------------------------------------------------------------------- TBX writing

SAMPLE = Glossary(
    concepts=(
        Concept(
            "dut",
            (
                Term("Dalian University of Technology", P, "en", "Official name."),
                Term("DUT", A),
                Term("Dalian University of Science and Technology", D, "en", "MT of 大连理工大学"),
                Term("the big work", D, "en", "Also ordinary English:\n  review each one.", auto_apply=False),
                Term("大连理工大学", P, "zh-CN"),
                Term("Dalian Univ. of Tech.", S, "en"),
            ),
            "Chinese university in Dalian; R&D <since> 1949.",
        ),
        Concept("c2", (Term('"Sakura" Science & Exchange Program', P),)),
    ),
    sources=("somewhere.toml",),
)


def test_write_tbx_round_trips_through_read_tbx(tmp_path):
    """Everything a glossary holds survives write then read, except its sources."""
    path = tmp_path / "out.tbx"
    write_tbx(SAMPLE, path)
    assert read_tbx(path) == Glossary(SAMPLE.concepts, sources=(str(path),))


def test_write_tbx_writes_tbx_basic_v3_dca(tmp_path):
    """The file is TBX-Basic DCA: tbx root, conceptEntry/langSec/termSec, admn-sts values."""
    path = tmp_path / "out.tbx"
    write_tbx(SAMPLE, path)
    root = etree.parse(str(path)).getroot()
    ns = {"t": TBX_NAMESPACE}
    assert root.tag == f"{{{TBX_NAMESPACE}}}tbx"
    assert (root.get("type"), root.get("style")) == ("TBX-Basic", "dca")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.xpath("count(//t:conceptEntry)", namespaces=ns) == 2
    statuses = root.xpath("//t:termSec/t:termNote[@type='administrativeStatus']/text()", namespaces=ns)
    assert statuses[:4] == [
        "preferredTerm-admn-sts",
        "admittedTerm-admn-sts",
        "deprecatedTerm-admn-sts",
        "deprecatedTerm-admn-sts",
    ]
    assert "supersededTerm-admn-sts" in statuses
    # Interleaved languages stay in order: en, zh-CN, en again.
    languages = root.xpath("//t:conceptEntry[@id='dut']/t:langSec/@xml:lang", namespaces=ns)
    assert languages == ["en", "zh-CN", "en"]
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_write_tbx_to_binary_and_text_streams():
    """An open stream receives the same document as a file would."""
    binary, text = io.BytesIO(), io.StringIO()
    write_tbx(SAMPLE, binary)
    write_tbx(SAMPLE, text)
    assert binary.getvalue().decode("utf-8") == text.getvalue()
    assert b"conceptEntry" in binary.getvalue()


def test_write_tbx_replaces_a_file_atomically(tmp_path):
    """An existing file is replaced whole, keeps its permissions, and no temp file is left."""
    path = tmp_path / "out.tbx"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_tbx(SAMPLE, path)
    assert read_tbx(path).concepts == SAMPLE.concepts
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tbx"]


def test_write_tbx_refuses_rules_and_leaves_the_file_alone(tmp_path):
    """TBX cannot hold pattern rules: the writer says so instead of dropping them."""
    path = tmp_path / "out.tbx"
    path.write_text("old")
    with_rules = Glossary(SAMPLE.concepts, (Rule("r", "a", "b"),))
    with pytest.raises(GlossaryError, match="pattern rule"):
        write_tbx(with_rules, path)
    assert path.read_text() == "old"


def test_write_tbx_refuses_text_xml_cannot_hold(tmp_path):
    """A control character is reported with its concept, and nothing is written."""
    path = tmp_path / "out.tbx"
    with pytest.raises(GlossaryError, match="'bad'"):
        write_tbx(Glossary((Concept("bad", (Term("a\x01b"),)),)), path)
    assert not path.exists()


_xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from(" \n\r\t\xa0\u2028&<>\"'"),
    min_size=1,
    max_size=12,
).filter(lambda text: text.strip())
_terms = st.builds(
    Term,
    text=_xml_text,
    status=st.sampled_from(list(TermStatus)),
    language=st.sampled_from(["en", "en-GB", "zh-CN"]),
    note=st.one_of(st.just(""), _xml_text),
    auto_apply=st.booleans(),
)
_concepts = st.builds(
    Concept,
    id=st.from_regex(r"[A-Za-z_][\w.-]{0,10}", fullmatch=True),
    terms=st.lists(_terms, min_size=1, max_size=4).map(tuple),
    note=st.one_of(st.just(""), _xml_text),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(concepts=st.lists(_concepts, max_size=4).map(tuple))
def test_write_tbx_round_trip_property(tmp_path, concepts):
    """Any concepts, with any spacing and markup characters, read back equal."""
    path = tmp_path / "prop.tbx"
    write_tbx(Glossary(concepts), path)
    assert read_tbx(path).concepts == concepts


# --------------------------------------------------------------------------- CSV / TSV


def test_csv_groups_variants_of_one_preferred_term(tmp_path):
    """Rows sharing a preferred term make one concept: preferred first, variants deprecated."""
    path = write(
        tmp_path,
        "g.csv",
        "variant,preferred,note\n"
        "Dalian University of Science and Technology,Dalian University of Technology,seen 8 times\n"
        "new crown pneumonia,COVID-19\n"
        "Dalian University of Technolog,Dalian University of Technology\n",
    )
    glossary = read_csv_glossary(path)
    assert glossary.sources == (str(path),)
    assert glossary.concepts == (
        Concept(
            "dalian-university-of-technology",
            (
                Term("Dalian University of Technology", P),
                Term("Dalian University of Science and Technology", D, note="seen 8 times"),
                Term("Dalian University of Technolog", D),
            ),
        ),
        Concept("covid-19", (Term("COVID-19", P), Term("new crown pneumonia", D))),
    )


def test_csv_without_header_reads_the_first_row_as_data(tmp_path):
    """The header row is optional."""
    path = write(tmp_path, "g.csv", "British Columbia University,the University of British Columbia\n")
    assert [t.text for t in read_csv_glossary(path).concepts[0].terms] == [
        "the University of British Columbia",
        "British Columbia University",
    ]


@pytest.mark.parametrize(
    "header",
    ["variant,preferred", "Deprecated term,Preferred term,Notes", "source,target,comment", "Wrong , Correct"],
)
def test_csv_header_rows_are_recognised(tmp_path, header):
    """Common column names are taken for a header, not for a term."""
    path = write(tmp_path, "g.csv", f"{header}\nbig work,DUT\n")
    assert [c.id for c in read_csv_glossary(path).concepts] == ["dut"]


def test_csv_row_that_merely_resembles_words_is_data(tmp_path):
    """A first row whose third cell is not a note heading is data."""
    path = write(tmp_path, "g.csv", "source code,target term,from the manual\n")
    assert read_csv_glossary(path).concepts[0].terms[1].note == "from the manual"


def test_tsv_uses_tabs_so_commas_are_text(tmp_path):
    """In a .tsv file commas belong to the terms."""
    path = write(tmp_path, "g.tsv", "variant\tpreferred\nInstitut Teknologi, Surabaya\tITS, Surabaya\n")
    assert read_csv_glossary(path).concepts[0].terms == (
        Term("ITS, Surabaya", P),
        Term("Institut Teknologi, Surabaya", D),
    )


def test_txt_delimiter_is_guessed(tmp_path):
    """Files of other extensions get their delimiter sniffed (here semicolons)."""
    path = write(tmp_path, "g.txt", "a;b;n1\nc;b\ne, f;g\n")
    glossary = read_csv_glossary(path)
    assert [(t.text, t.note) for c in glossary.concepts for t in c.terms] == [
        ("b", ""),
        ("a", "n1"),
        ("c", ""),
        ("g", ""),
        ("e, f", ""),
    ]


def test_csv_with_an_unexpected_delimiter_is_sniffed(tmp_path):
    """A .csv saved with tabs (no comma anywhere) still reads."""
    path = write(tmp_path, "g.csv", "big work\tDUT\n")
    assert [t.text for t in read_csv_glossary(path).concepts[0].terms] == ["DUT", "big work"]


def test_csv_quotes_bom_blank_lines_and_comments(tmp_path):
    """Quoted cells keep delimiters and newlines; blank and # lines are skipped; BOM dropped."""
    text = (
        "\ufeff# glossary of partner names\n"
        "\n"
        '"Surabaya University, of Technology", "Institut Teknologi Sepuluh Nopember (ITS), Surabaya"\n'
        "   # indented comment\n"
        'Zhuralongong University,Chulalongkorn University,"two lines:\n# not a comment"\n'
    )
    glossary = read_csv_glossary(write(tmp_path, "g.csv", text))
    assert [[(t.text, t.note) for t in c.terms] for c in glossary.concepts] == [
        [
            ("Institut Teknologi Sepuluh Nopember (ITS), Surabaya", ""),
            ("Surabaya University, of Technology", ""),
        ],
        [("Chulalongkorn University", ""), ("Zhuralongong University", "two lines:\n# not a comment")],
    ]


def test_csv_trailing_empty_cells_are_ignored(tmp_path):
    """Spreadsheets pad rows with empty cells; they do not make an error."""
    path = write(tmp_path, "g.csv", "a,b,,\nc,d,note,,\r\n")
    assert [t.note for c in read_csv_glossary(path).concepts for t in c.terms] == ["", "", "", "note"]


def test_csv_utf16_with_bom(tmp_path):
    """UTF-16 'Unicode text' from a spreadsheet is read."""
    path = write(tmp_path, "g.txt", "\ufeffgroße Mauer\tGreat Wall\n", "utf-16-le")
    assert read_csv_glossary(path).concepts[0].terms[1].text == "große Mauer"


def test_csv_slug_ids_stay_unique(tmp_path):
    """Two preferred terms with the same slug get distinct concept ids."""
    path = write(tmp_path, "g.csv", "a,C++\nb,C#\nc,c\n")
    assert [c.id for c in read_csv_glossary(path).concepts] == ["c", "c-2", "c-3"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a,b\n\n# c\nonly one cell\n", 4, "needs a variant and its preferred term"),
        ("a,b\n,b\n", 2, "empty variant"),
        ("a,b\nc,   \n", 2, "empty preferred term for the variant 'c'"),
        ("a,b\nc,d,e,f\n", 2, "4 cells"),
        ('a,b\n"c\nd",e,"f\ng\n', 2, "broken quoting in the row that starts here"),
        ('a,b\n"c"x,d\n', 2, "broken quoting"),
    ],
)
def test_csv_errors_name_the_line(tmp_path, text, line, message):
    """Bad rows are GlossaryErrors with the file and the row's first line."""
    path = write(tmp_path, "g.csv", text)
    with pytest.raises(GlossaryError, match=message) as caught:
        read_csv_glossary(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)


def test_csv_undecodable_bytes_name_the_line(tmp_path):
    """A file that is not UTF-8 (here Latin-1) is reported at the offending line."""
    path = tmp_path / "g.csv"
    path.write_bytes("a,b\nc,d\nMünchen,Munich\n".encode("latin-1"))
    with pytest.raises(GlossaryError, match="not UTF-8") as caught:
        read_csv_glossary(path)
    assert caught.value.line == 3


# --------------------------------------------------------------------------- TOML

RULES = r"""
# MT artefacts
[[rule]]
id = "space-before-hyphen"
description = "MT puts a space before the hyphen of a compound: 'first -class'."
pattern = '(?<=[a-z]{2}) -(?=[a-z]{2,}\b)'
replacement = "-"
must_match = ["first -class", "long -term"]
must_not_match = ["a -5 degree", "run it with -v", "1990 - 2000"]

[[check]]     # a QA check, read by another feature
id = "regex:double-space"
pattern = "  "
severity = "minor"

[[rule]]
id = "essence"
description = "Stray 'Essence' at a sentence start."
pattern = '(?<=\. )Essence '
replacement = ""
ignore_case = true
apply = "suggest"
must_match = ["forms. Essence In close"]
"""


def test_toml_rules_are_read_with_every_field(tmp_path):
    """Each [[rule]] becomes a Rule; defaults apply where a key is left out."""
    glossary = read_rules_toml(write(tmp_path, "mt.toml", RULES))
    assert glossary.sources == (str(tmp_path / "mt.toml"),)
    assert glossary.rules == (
        Rule(
            id="space-before-hyphen",
            pattern=r"(?<=[a-z]{2}) -(?=[a-z]{2,}\b)",
            replacement="-",
            description="MT puts a space before the hyphen of a compound: 'first -class'.",
            must_match=("first -class", "long -term"),
            must_not_match=("a -5 degree", "run it with -v", "1990 - 2000"),
        ),
        Rule(
            id="essence",
            pattern=r"(?<=\. )Essence ",
            replacement="",
            description="Stray 'Essence' at a sentence start.",
            must_match=("forms. Essence In close",),
            ignore_case=True,
            auto_apply=False,
        ),
    )


def test_toml_failing_example_names_file_line_and_example(tmp_path):
    """A rule whose example fails stops the load at the line of that rule's table."""
    broken = RULES.replace("(?<=\\. )Essence ", "Essence")
    path = write(tmp_path, "mt.toml", broken + 'must_not_match = ["Essence of the matter"]\n')
    with pytest.raises(GlossaryError, match="must_not_match example 'Essence of the matter'") as caught:
        read_rules_toml(path)
    assert (caught.value.path, caught.value.line) == (str(path), 16)


def test_toml_failing_examples_can_be_left_to_the_checker(tmp_path):
    """check_examples=False loads the rule so `glossary check` can list every failure."""
    path = write(tmp_path, "mt.toml", RULES.replace('"first -class", ', '"first - class", '))
    with pytest.raises(GlossaryError, match="'first - class' is not matched"):
        read_rules_toml(path)
    assert len(read_rules_toml(path, check_examples=False).rules) == 2


def test_toml_bad_regex_names_the_rule_line(tmp_path):
    """A pattern that does not compile is an error at its table, even without example checks."""
    path = write(tmp_path, "mt.toml", RULES.replace("(?<=\\. )Essence ", "(Essence"))
    with pytest.raises(GlossaryError, match="rule 'essence': bad regular expression") as caught:
        read_rules_toml(path, check_examples=False)
    assert caught.value.line == 16


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("must_match = [\"forms", "must_matches = [\"forms"), "unknown key.*'must_matches'"),
        (('must_match = ["forms. Essence In close"]', ""), "needs at least one must_match"),
        (('replacement = ""', ""), "has no 'replacement'"),
        (('apply = "suggest"', 'apply = "maybe"'), "'apply' must be"),
        (("ignore_case = true", 'ignore_case = "yes"'), "'ignore_case' must be true or false"),
        (('must_match = ["forms. Essence In close"]', 'must_match = "forms. Essence In close"'), "list of strings"),
    ],
)
def test_toml_rule_mistakes_name_the_rule_line(tmp_path, change, message):
    """Typos, missing and mistyped keys are reported at the rule's [[rule]] line."""
    path = write(tmp_path, "mt.toml", RULES.replace(*change))
    with pytest.raises(GlossaryError, match=message) as caught:
        read_rules_toml(path)
    assert caught.value.line == 16


def test_toml_syntax_error_gives_the_line(tmp_path):
    """An invalid TOML file is reported at the line tomllib names."""
    path = write(tmp_path, "mt.toml", '[[rule]]\nid = "a"\npattern = \'unclosed\n')
    with pytest.raises(GlossaryError, match="invalid TOML") as caught:
        read_rules_toml(path)
    assert (caught.value.path, caught.value.line) == (str(path), 3)


def test_toml_rules_written_inline_are_located_by_id(tmp_path):
    """Rules written as an inline array are found by their id line."""
    text = 'rule = [\n  { id = "ok", pattern = "x", replacement = "y", must_match = ["x"] },\n' \
           '  { id = "bad", pattern = "x", replacement = "y", must_match = ["z"] },\n]\n'
    with pytest.raises(GlossaryError, match="'z' is not matched") as caught:
        read_rules_toml(write(tmp_path, "mt.toml", text))
    assert caught.value.line == 3


CONCEPTS = """
[[concept]]
id = "dut"
preferred = "Dalian University of Technology"
admitted = ["DUT"]
variants = [
    "Dalian University of Science and Technology",
    { text = "the big work", apply = "suggest", note = "Also ordinary English." },
]
superseded = ["Dalian Institute of Technology"]
note = "The official English name."
source = { zh = ["大连理工大学", "大工"] }

[[concept]]
preferred = { text = "COVID-19", note = "WHO name" }
variants = ["new crown pneumonia"]
apply = "suggest"
language = "en-GB"
"""


def test_toml_concepts(tmp_path):
    """[[concept]] tables give preferred, admitted, deprecated, superseded and source terms."""
    glossary = read_rules_toml(write(tmp_path, "terms.toml", CONCEPTS))
    assert glossary.rules == ()
    assert glossary.concepts == (
        Concept(
            "dut",
            (
                Term("Dalian University of Technology", P),
                Term("DUT", A),
                Term("Dalian University of Science and Technology", D),
                Term("the big work", D, note="Also ordinary English.", auto_apply=False),
                Term("Dalian Institute of Technology", S),
                Term("大连理工大学", P, "zh"),
                Term("大工", A, "zh"),
            ),
            "The official English name.",
        ),
        Concept(
            "covid-19",
            (Term("COVID-19", P, "en-GB", "WHO name"), Term("new crown pneumonia", D, "en-GB", auto_apply=False)),
        ),
    )


def test_toml_concept_mistakes_name_the_line(tmp_path):
    """A concept without a preferred term is reported at its [[concept]] line."""
    path = write(tmp_path, "terms.toml", CONCEPTS.replace('preferred = { text = "COVID-19", note = "WHO name" }\n', ""))
    with pytest.raises(GlossaryError, match="no 'preferred' term") as caught:
        read_rules_toml(path)
    assert caught.value.line == 14


def test_toml_not_utf8(tmp_path):
    """A TOML file in another encoding is refused with its line."""
    path = tmp_path / "x.toml"
    path.write_bytes(b'[[concept]]\npreferred = "M\xfcnchen"\n')
    with pytest.raises(GlossaryError, match="not UTF-8") as caught:
        read_rules_toml(path)
    assert caught.value.line == 2


# --------------------------------------------------------------------------- loading by extension


def test_load_glossary_dispatches_by_extension(tmp_path):
    """.tbx/.xml, .csv/.tsv/.txt and .toml go to their readers, with sources set."""
    tbx = v2(f'<termEntry id="t"><langSet xml:lang="en">{tig("x")}</langSet></termEntry>')
    for name, text in [("a.tbx", tbx), ("b.XML", tbx), ("c.csv", "v,p\n"), ("d.tsv", "v\tp\n"), ("e.txt", "v,p\n")]:
        path = write(tmp_path, name, text)
        glossary = load_glossary(path)
        assert len(glossary.concepts) == 1 and glossary.sources == (str(path),), name
    toml = load_glossary(write(tmp_path, "f.toml", RULES))
    assert len(toml.rules) == 2 and toml.sources == (str(tmp_path / "f.toml"),)


def test_load_glossary_unknown_extension(tmp_path):
    """A file of an unknown type is refused by name, listing what is known."""
    with pytest.raises(GlossaryError, match=r"unknown glossary format '\.docx'.*\.tbx"):
        load_glossary(write(tmp_path, "g.docx", "x"))


def test_load_glossary_missing_file(tmp_path):
    """A missing file is a GlossaryError naming the path."""
    with pytest.raises(GlossaryError, match="not found") as caught:
        load_glossary(tmp_path / "gone.tbx")
    assert caught.value.path == str(tmp_path / "gone.tbx")


def test_load_glossary_passes_check_examples_to_toml(tmp_path):
    """The checker can load failing rules through the same entry point."""
    path = write(tmp_path, "mt.toml", RULES.replace('"long -term"', '"long - term"'))
    with pytest.raises(GlossaryError):
        load_glossary(path)
    assert len(load_glossary(path, check_examples=False).rules) == 2


def test_load_glossary_directory_reads_glossary_files_in_name_order(tmp_path):
    """A directory stands for its .tbx/.csv/.tsv/.toml files, sorted; notes are skipped."""
    write(tmp_path, "b.csv", "v,p\n")
    write(tmp_path, "a.toml", RULES)
    write(tmp_path, "README.txt", "not a glossary")
    write(tmp_path, ".hidden.csv", "x")
    glossary = load_glossary(tmp_path)
    assert glossary.sources == (str(tmp_path / "a.toml"), str(tmp_path / "b.csv"))
    assert len(glossary.rules) == 2 and [c.id for c in glossary.concepts] == ["p"]


def test_load_glossary_empty_directory(tmp_path):
    """A directory without glossary files is an error, not an empty glossary."""
    with pytest.raises(GlossaryError, match="no glossary files"):
        load_glossary(tmp_path)


def test_load_glossaries_merges_in_order(tmp_path):
    """Concepts, rules and sources follow the order of the paths."""
    first = write(tmp_path, "1.csv", "a,A\n")
    second = write(tmp_path, "2.toml", RULES + CONCEPTS)
    third = write(tmp_path, "3.tsv", "b\tB\n")
    glossary = load_glossaries([first, second, third])
    assert [c.id for c in glossary.concepts] == ["a", "dut", "covid-19", "b"]
    assert [r.id for r in glossary.rules] == ["space-before-hyphen", "essence"]
    assert glossary.sources == (str(first), str(second), str(third))
    assert load_glossaries([]) == Glossary()


# --------------------------------------------------------------------------- third-party TBX files

# What each shared test file must read into: (concepts, a term in it, its language, its status).
# None in place of the tuple would mean the file is expected to be refused with a GlossaryError.
EXPECTED_TBX = {
    "okapi/ibm_tbx.tbx": (5, "navigation trail", "en", A),
    "okapi/maryland.tbx": (1, "copyist", "en", A),
    "okapi/medtronic_TBX.tbx": (3, "audible notification", "en", D),
    "okapi/oracle_TBX.tbx": (2, "Entidade de Supervisão de Província", "pt", P),
    "okapi/sdl_tbx.tbx": (223, "accordion fold", "en", A),
    "okapi/test01.tbx": (1, "Alfa simítási tényező", "hu", A),
    "okapi/test02_win1254.tbx": (1, "tr term with: éá and İı", "tr", A),
    "omegat/sampleTBXfile.tbx": (1, "alpha smoothing factor", "en", A),
    "termate/Example_Astronomy_DCA_VALID.tbx": (45, "galactic cluster", "en", S),
    "weblate/cs.tbx": (4, "adresní řádek", "cs", A),
    "weblate/fr-extended-metadata.tbx": (2, "bus de données", "fr", S),
}
TBX_FILES = sorted(p for p in (TESTDATA / "tbx").rglob("*") if p.is_file()) if TESTDATA.exists() else []


@pytest.mark.skipif(not TESTDATA.exists(), reason="shared test data not present")
@pytest.mark.parametrize("path", TBX_FILES, ids=lambda p: p.relative_to(TESTDATA / "tbx").as_posix())
def test_shared_tbx_file(path):
    """Every shared TBX file reads into concepts with terms, or is refused as expected."""
    name = path.relative_to(TESTDATA / "tbx").as_posix()
    assert name in EXPECTED_TBX, f"new test file {name}: add its expectation to EXPECTED_TBX"
    expected = EXPECTED_TBX[name]
    if expected is None:
        with pytest.raises(GlossaryError):
            load_glossary(path)
        return
    count, text, language, term_status = expected
    glossary = load_glossary(path)
    assert len(glossary.concepts) == count
    assert all(concept.terms for concept in glossary.concepts)
    matching = [t for c in glossary.concepts for t in c.terms if t.text == text and t.language == language]
    assert matching and matching[0].status is term_status


@pytest.mark.skipif(not TESTDATA.exists(), reason="shared test data not present")
def test_shared_tbx_summary():
    """All shared TBX files read; print what each holds."""
    lines, read = [], 0
    for path in TBX_FILES:
        try:
            glossary = load_glossary(path)
        except GlossaryError as exc:
            lines.append(f"  REFUSED {path.relative_to(TESTDATA / 'tbx')}: {exc.message}")
            continue
        read += 1
        terms = [t for c in glossary.concepts for t in c.terms]
        languages = sorted({t.language for t in terms})
        lines.append(
            f"  {path.relative_to(TESTDATA / 'tbx')}: {len(glossary.concepts)} concepts, "
            f"{len(terms)} terms, languages {', '.join(languages)}"
        )
    print("\nshared TBX files:\n" + "\n".join(lines))
    assert read == sum(expected is not None for expected in EXPECTED_TBX.values())


@pytest.mark.skipif(not TESTDATA.exists(), reason="shared test data not present")
def test_shared_dca_file_round_trips(tmp_path):
    """The LTAC DCA sample survives read, write, read."""
    glossary = read_tbx(TESTDATA / "tbx" / "termate" / "Example_Astronomy_DCA_VALID.tbx")
    write_tbx(glossary, tmp_path / "astro.tbx")
    assert read_tbx(tmp_path / "astro.tbx").concepts == glossary.concepts
