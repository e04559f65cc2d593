"""The TMX reader's two paths (plain <tu>s read from the checked text, the rest by
ElementTree) give the same units; its guards hold whichever path a piece takes."""

from __future__ import annotations

import io
import os
import threading
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix.core.normal import normalise, normalise_many
from mtfix.errors import FormatError
from mtfix.formats import tmx
from mtfix.formats.tmx import read_tmx, read_tmx_fields
from mtfix.store.memory import TranslationMemory

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<tmx version="1.4">\n<header srclang="en"/>\n<body>\n'
PLAIN = '<tu{attrs}><tuv xml:lang="{a}"><seg>{x}</seg></tuv><tuv xml:lang="{b}"><seg>{y}</seg></tuv></tu>\n'
# the same unit in a spelling the plain path does not take (single quotes): ElementTree reads it
OTHER = "<tu{attrs}><tuv xml:lang='{a}'><seg>{x}</seg></tuv><tuv xml:lang='{b}'><seg>{y}</seg></tuv></tu>\n"


def document(body: str, doctype: str = "") -> bytes:
    return (HEAD.format(doctype=doctype) + body + "</body></tmx>\n").encode("utf-8")


def fields(data: bytes, **languages) -> list[tuple]:
    return list(read_tmx_fields(io.BytesIO(data), **languages))


def without_time(found: list[tuple]) -> list[tuple]:
    return [f[:5] + f[7:] for f in found]  # undated units get the time of reading


xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff")
                   .filter(lambda c: c in "\t\n\r" or (ord(c) >= 32 and not 0x7F <= ord(c) <= 0x9F)), max_size=40)


def written(text: str, references: bool) -> str:
    """Text as XML: escaped, with line ends as \\r\\n or \\r, and some characters as references."""
    if not references:
        return escape(text).replace("\r", "")
    spelled = {"a": "&#97;", "é": "&#xe9;", "'": "&apos;", "\r": "&#13;", "\n": "\r\n", '"': "&quot;"}
    return "".join(spelled.get(c) or escape(c) for c in text)


@settings(max_examples=150, deadline=None)
@given(xml_text, xml_text, xml_text, st.booleans(), st.sampled_from(["en", "EN-us", "de", " en ", "en\t"]),
       st.sampled_from(["", ' srclang="en"', ' creationdate="20020523T091200Z" usagecount="3"',
                        ' tuid="7\tb\nc&#9;d"', ' changedate="x&amp;y" srclang="de"']))
def test_the_plain_path_reads_what_elementtree_reads(source, target, attr, references, language, attrs):
    """Texts with markup characters, references, tabs and line ends; attributes with white space."""
    x, y = written(source, references), written(target, references)
    attrs += ' x-note="' + escape(attr, {'"': "&quot;", "'": "&apos;"}) + '"' if attr and attrs else ""
    plain = PLAIN.format(attrs=attrs, a=language, b="de-DE", x=x, y=y)
    other = OTHER.format(attrs=attrs.replace('"', "'"), a=language, b="de-DE", x=x, y=y)
    assert tmx._PLAIN_TU.match(plain)
    assert not tmx._PLAIN_TU.match(other)
    read_plain = fields(document(plain * 2))
    assert without_time(read_plain) == without_time(fields(document(other * 2)))
    if read_plain and not references:
        assert read_plain[0][0] in (source.replace("\r", ""), target.replace("\r", ""))
    assert without_time(fields(document(plain), target_language="de")) == without_time(
        fields(document(other), target_language="de"))


def test_line_ends_are_normalised_and_lines_counted(tmp_path):
    """\\r\\n and \\r end lines as \\n does: in the text, and in the line an error names."""
    body = PLAIN.format(attrs="", a="en", b="de", x="one\ntwo\rthree", y="t") + "<tu>\n<tuv xml:lang='en'>\r</tuv></tu>"
    with pytest.raises(FormatError, match="without <seg>") as error:
        list(read_tmx(io.BytesIO(document(body).replace(b"\n", b"\r\n"))))
    assert error.value.line == 9
    [unit] = list(read_tmx(io.BytesIO(document(PLAIN.format(attrs="", a="en", b="de", x="one\r\ntwo\rthree", y="t")))))
    assert unit.source == "one\ntwo\nthree"


def test_an_entity_declaration_is_refused_before_the_root_at_its_line():
    """Declared, never used, internal or external, general or parameter: refused, naming its line."""
    for declaration in ('<!ENTITY a "x">', '<!ENTITY % p "x">', '<!ENTITY e SYSTEM "file:///etc/passwd">',
                        '<!ENTITY u SYSTEM "u.bin" NDATA gif>'):
        doctype = f"<!DOCTYPE tmx [\n<!NOTATION gif SYSTEM 'gif'>\n{declaration}\n]>\n"
        with pytest.raises(FormatError, match="entity declarations are not allowed") as error:
            fields(document(PLAIN.format(attrs="", a="en", b="de", x="a", y="b"), doctype))
        assert error.value.line == 4, declaration


def test_billion_laughs_is_refused_without_expanding():
    """Nested entities: refused at the first declaration, nothing expanded."""
    laughs = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    with pytest.raises(FormatError, match="entity"):
        fields(document(PLAIN.format(attrs="", a="en", b="de", x="&j;", y="b"), f"<!DOCTYPE tmx [{laughs}]>\n"))


@pytest.mark.parametrize("where", ["text", "attribute", "plain attribute", "other piece"])
def test_an_undeclared_entity_is_refused_even_with_an_external_dtd(where):
    """With an external DTD (never read) expat would skip an unknown entity: it is refused instead."""
    body = {
        "text": PLAIN.format(attrs="", a="en", b="de", x="a &secret; b", y="b"),
        "attribute": '<tu x-a="&secret;"><note>n</note><tuv xml:lang="en"><seg>a</seg></tuv>'
                     '<tuv xml:lang="de"><seg>b</seg></tuv></tu>',
        "plain attribute": PLAIN.format(attrs=' x-a="&secret;"', a="en", b="de", x="a", y="b"),
        "other piece": OTHER.format(attrs=" x-a='&secret;'", a="en", b="de", x="a", y="b"),
    }[where]
    data = document("\n" + body, '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
    with pytest.raises(FormatError, match="entity") as error:
        fields(data)
    assert error.value.line == 7


def test_an_undeclared_entity_without_a_dtd_is_not_well_formed():
    with pytest.raises(FormatError, match="not well-formed XML: undefined entity") as error:
        fields(document(PLAIN.format(attrs="", a="en", b="de", x="&nope;", y="b")))
    assert error.value.line == 5


@pytest.mark.parametrize(("piece", "message", "line"), [
    ('<tu><note>n</note>\n<tuv xml:lang="en">\n<seg>a</seg><seg>b</seg></tuv></tu>', "more than one <seg>", 8),
    ('<tu>\n<tuv>\n<seg>a</seg></tuv></tu>', "without xml:lang", 7),
    ('<tu><tuv xml:lang="en"><seg>a</seg></tuv>\n<tuv xml:lang=""><seg>b</seg></tuv></tu>', "without xml:lang", 7),
    ('<tu><tuv xml:lang="en"><seg>a\n<b>bold</b></seg></tuv></tu>', "<b> is not allowed", 7),
])
def test_structural_errors_name_their_line_whichever_path_reads_the_piece(piece, message, line):
    body = PLAIN.format(attrs="", a="en", b="de", x="fine", y="b") + piece
    with pytest.raises(FormatError, match=message) as error:
        fields(document(body))
    assert error.value.line == line


def test_deeply_nested_highlights_are_refused_not_a_crash():
    """<hi> inside <hi> 5,000 deep: a FormatError, not a RecursionError."""
    x = "<hi>" * 5000 + "deep" + "</hi>" * 5000
    with pytest.raises(FormatError, match="nested"):
        fields(document(PLAIN.format(attrs="", a="en", b="de", x=x, y="b")))


def test_a_piece_larger_than_the_limit_is_refused(monkeypatch):
    """One <tu> too large to hold is refused (memory stays bounded), as is a start that never ends."""
    monkeypatch.setattr(tmx, "MAX_PIECE", 50_000)
    monkeypatch.setattr(tmx, "CHUNK", 4096)
    small = PLAIN.format(attrs="", a="en", b="de", x="s", y="t")
    assert len(fields(document(small * 2000))) == 2000  # many small pieces are fine
    with pytest.raises(FormatError, match="more than 50,000 characters") as error:
        fields(document(small * 3 + PLAIN.format(attrs="", a="en", b="de", x="x" * 60_000, y="t")))
    assert error.value.line == 8
    with pytest.raises(FormatError, match="before the root element"):
        fields(b'<?xml version="1.0"?>\n<tmx version="1.4" x="' + b"a" * 60_000 + b'"><body/></tmx>')


def test_encodings_cdata_comments_and_namespaces():
    """A Latin-1 file; CDATA and comments in a <seg>; a prefix declared on <tmx> used in a code."""
    latin = ('<?xml version="1.0" encoding="iso-8859-1"?>\n<tmx version="1.4" xmlns:m="urn:m"><header srclang="en"/>'
             '<body><!-- <tu><tuv xml:lang="en"><seg>commented out</seg></tuv></tu> -->\n'
             '<tu><tuv xml:lang="en"><seg>caf\xe9 <![CDATA[<b> & ]]>x<!-- c -->y</seg></tuv>'
             '<tuv xml:lang="fr"><seg>ok <ph m:k="1">&lt;m:br/&gt;</ph></seg></tuv></tu></body></tmx>')
    [unit] = list(read_tmx(io.BytesIO(latin.encode("latin-1"))))
    assert unit.source == "café <b> & xy"
    assert unit.target == "ok <x1/>"
    assert unit.extra["target_codes"][0]["attrs"] == {"{urn:m}k": "1"}
    with pytest.raises(FormatError, match="unknown encoding"):
        fields(b'<?xml version="1.0" encoding="no-such-code"?><tmx/>')
    with pytest.raises(FormatError, match="not well-formed XML: not UTF-8 text") as error:
        fields(document(PLAIN.format(attrs="", a="en", b="de", x="a", y="b")).replace(b">a<", b">\xff<"))
    assert error.value.line == 5


def test_units_outside_the_body_and_in_other_elements_are_read():
    """Like any TMX reader: a <tu> is a unit wherever it is; only the root must be <tmx>."""
    unit = PLAIN.format(attrs="", a="en", b="de", x="{}", y="t")
    data = ('<tmx version="1.4"><header srclang="en"/>' + unit.format("first") + "<body><group>"
            + unit.format("second") + "</group>" + unit.format("third") + "</body></tmx>")
    assert [f[0] for f in fields(data.encode())] == ["first", "second", "third"]
    with pytest.raises(FormatError, match="not a TMX file"):
        fields(b"<xliff>" + unit.encode() + b"</xliff>")


def test_a_pipe_is_read_as_it_comes(tmp_path):
    """A stream that cannot seek (standard input, a pipe) is read piece by piece: the first
    units come before the writer has finished, and an import from it stores them all."""
    read_end, write_end = os.pipe()
    data = document(PLAIN.format(attrs="", a="en", b="de", x="unit {}", y="t") * 1)
    units = "".join(PLAIN.format(attrs="", a="en", b="de", x=f"unit {n}", y="t") for n in range(40_000))
    head, tail = document(units).split(b"<body>\n")
    released = threading.Event()

    def write():
        with os.fdopen(write_end, "wb") as out:
            out.write(head + b"<body>\n" + tail[: len(tail) // 2])
            out.flush()
            released.wait(30)  # the rest only once the reader has shown a unit
            out.write(tail[len(tail) // 2 :])

    writer = threading.Thread(target=write)
    writer.start()
    with os.fdopen(read_end, "rb") as stream:
        found = read_tmx_fields(stream)
        assert next(found)[0] == "unit 0"
        released.set()
        assert sum(1 for _ in found) == 39_999
    writer.join()
    assert data
    read_end, write_end = os.pipe()
    writer = threading.Thread(target=lambda: os.fdopen(write_end, "wb").write(document(units)))
    writer.start()
    with os.fdopen(read_end, "rb") as stream, TranslationMemory(tmp_path / "tm.mtfix") as tm:
        assert tm.import_tmx(stream, in_child=False).added == 40_000
    writer.join()


@given(st.lists(st.text(st.sampled_from("ab \t\n\r\x0b\x1c\x01éΣ\u00a0\u2003e\u0301"), max_size=12), max_size=8))
def test_normalising_a_batch_is_normalising_each_text(texts):
    assert normalise_many(texts) == [normalise(t) for t in texts]


def test_memory_does_not_grow_with_the_file():
    """Reading ten times as many units (plain ones, and ones with notes, properties and codes,
    which ElementTree reads) takes about the same peak memory: nothing read is kept."""
    import tracemalloc

    rich = ('<tu tuid="{n}"><prop type="file">a.odt</prop><tuv xml:lang="en"><note>n</note>'
            '<seg>rich {n} <bpt i="1">&lt;b&gt;</bpt>bold<ept i="1">&lt;/b&gt;</ept></seg></tuv>'
            '<tuv xml:lang="de" changedate="20240101T000000Z"><seg>reich {n}</seg></tuv></tu>\n')

    def peak(count: int) -> int:
        body = "".join(PLAIN.format(attrs="", a="en", b="de", x=f"plain {n}", y="t") + rich.format(n=n)
                       for n in range(count // 2))
        data = document(body)
        tracemalloc.start()
        found = 0
        for _ in read_tmx_fields(io.BytesIO(data)):
            found += 1
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert found == count // 2 * 2
        return size

    small, large = peak(4_000), peak(40_000)
    assert large < 1.5 * small, (small, large)
