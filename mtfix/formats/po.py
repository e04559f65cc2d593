"""gettext PO catalogues: every translation a segment, written back line for line.

What a segment is: each ``msgstr`` of a live entry (the header and obsolete ``#~`` entries
are kept but not reviewed). An entry with ``msgid_plural`` gives one segment per
``msgstr[n]``, because each plural form is a separate text to post-edit: the source of
form 0 is ``msgid``, that of the other forms ``msgid_plural``; the id is ``msgid`` (after
``msgctxt`` and a ``|`` when there is a context), followed by ``[n]`` for plural forms.
Translator and extracted comments of the entry are kept in ``document.metadata["notes"]``.

Statuses: an empty ``msgstr`` is new, a ``fuzzy`` entry draft, any other confirmed.
Written back only for entries whose status changed: confirmed removes the ``fuzzy`` flag,
every other status sets it. An entry is confirmed only when all its plural forms are.

Encoding: the ``charset`` of the header (UTF-8 if there is no header and the bytes are
UTF-8). A wrongly declared charset is refused rather than read as mojibake: UTF-8 bytes
under a legacy charset, bytes the charset cannot decode, or a Cyrillic/Greek charset that
turns Latin words into mixed-script words (a Latin-1 file declared KOI8-R). A file with no
charset whose bytes are not UTF-8 is refused too.

Writing keeps every line of entries that did not change, so an untouched catalogue writes
back byte for byte; a changed ``msgstr`` is rewritten in gettext's style (long texts with
line breaks split after each ``\\n``).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mtfix.core.models import Document, Segment
from mtfix.errors import FormatError
from mtfix.formats.base import ExportUnit, Format, check_lengths
from mtfix.formats.text import encode_text

__all__ = ["PoFormat"]

_CHARSET = re.compile(rb"charset=[ \t]*([A-Za-z0-9_.:-]+)")
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*)$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_LATIN = re.compile(r"[A-Za-z]")
_OTHER_SCRIPT = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(slots=True)
class _Entry:
    lines: list[int] = field(default_factory=list)  # indices into the file's lines
    fields: dict[str, str] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # keyword -> first, last line index
    flags_line: int | None = None
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    obsolete: bool = False
    first_line: int = 0

    @property
    def has_msgstr(self) -> bool:
        return any(k.startswith("msgstr") for k in self.fields)


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), value)


def _escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def _decode(data: bytes, name: str) -> tuple[str, str, bool]:
    for mark, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                           (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(mark):
            try:
                return data[len(mark):].decode(encoding), encoding, True
            except UnicodeDecodeError as error:
                offset = len(mark) + error.start
                raise FormatError(
                    f"the bytes at offset {offset} are not valid {encoding.upper()} ({error.reason}) although "
                    "the file starts with its byte-order mark; the file is damaged",
                    name, data[:offset].count(b"\n") + 1) from None
    match = _CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii").lower() if match else None
    if declared in (None, "charset"):
        try:
            return data.decode("utf-8"), "utf-8", False
        except UnicodeDecodeError as error:
            raise FormatError(
                f"the file declares no charset and byte 0x{data[error.start]:02X} at offset {error.start} is "
                "not UTF-8: add the charset of the file to the header's Content-Type",
                name, data[: error.start].count(b"\n") + 1) from None
    try:
        encoding = codecs.lookup(declared).name
    except LookupError:
        raise FormatError(f"unknown charset {declared!r} in the header", name,
                          data[: match.start()].count(b"\n") + 1) from None
    if encoding != "utf-8" and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise FormatError(
                f"the header declares charset {declared} but the file is UTF-8: correct the header "
                "(Content-Type: text/plain; charset=UTF-8)", name, data[: match.start()].count(b"\n") + 1)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise FormatError(
            f"byte 0x{data[error.start]:02X} at offset {error.start} is not {declared} as the header "
            "declares: the file is in another charset; correct the header or convert the file",
            name, data[: error.start].count(b"\n") + 1) from None
    _check_scripts(text, declared, name)
    return text, encoding, False


def _check_scripts(text: str, declared: str, name: str) -> None:
    """Refuse text whose words mix Latin with Cyrillic/Greek letters: the charset is wrong."""
    words = [w for w in _WORD.findall(text) if _OTHER_SCRIPT.search(w)]
    mixed = [w for w in words if _LATIN.search(w)]
    if words and len(mixed) >= 3 and len(mixed) > 0.2 * len(words):
        line = text[: text.find(mixed[0])].count("\n") + 1
        raise FormatError(
            f"decoded as {declared} (the charset the header declares) the text mixes scripts inside words "
            f"({', '.join(repr(w) for w in mixed[:3])}): the file is in another charset; correct the header "
            "or convert the file", name, line)


def _parse(lines: list[str], name: str) -> list[_Entry]:
    entries: list[_Entry] = []
    current = _Entry()
    last_key: str | None = None

    def finish() -> None:
        nonlocal current, last_key
        if current.lines:
            entries.append(current)
        current, last_key = _Entry(), None

    for index, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if not stripped:
            finish()
            continue
        obsolete = stripped.startswith("#~")
        body = stripped[2:].strip() if obsolete else stripped
        if obsolete and body.startswith("|"):
            body = "#|" + body[1:]
        keyword = _KEYWORD.match(body) if not body.startswith("#") else None
        starts_entry = keyword and keyword.group(1) in ("msgctxt", "msgid") and (
            current.has_msgstr or keyword.group(1) in current.fields)
        if (body.startswith("#") and current.has_msgstr) or starts_entry:
            finish()
        if not current.lines:
            current.first_line = index + 1
        current.lines.append(index)
        current.obsolete = current.obsolete or obsolete
        if body.startswith("#"):
            last_key = None
            if body.startswith("#,"):
                current.flags_line = index
                current.flags = [f.strip() for f in body[2:].split(",") if f.strip()]
            elif body.startswith(("# ", "#.")) or body == "#":
                note = body[2:].strip()
                if note:
                    current.notes.append(note)
            continue
        if keyword:
            last_key = keyword.group(1)
            strings = _STRING.findall(keyword.group(3))
            if not strings:
                raise FormatError(f"{last_key} needs a quoted string", name, index + 1)
            current.fields[last_key] = _unescape("".join(strings))
            current.spans[last_key] = (index, index)
            continue
        if body.startswith('"') and last_key is not None:
            strings = _STRING.findall(body)
            if not strings:
                raise FormatError("a string is not closed", name, index + 1)
            current.fields[last_key] += _unescape("".join(strings))
            current.spans[last_key] = (current.spans[last_key][0], index)
            continue
        raise FormatError(f"cannot read this line: {line[:60]!r}", name, index + 1)
    finish()
    for entry in entries:
        if "msgid" not in entry.fields and not (entry.obsolete or not entry.fields):
            raise FormatError("an entry without msgid", name, entry.first_line)
    return entries


def _forms(entry: _Entry) -> list[str]:
    """The msgstr keywords of an entry, in order."""
    keys = [k for k in entry.fields if k.startswith("msgstr")]
    return sorted(keys, key=lambda k: int(k[7:-1]) if "[" in k else 0)


def _status(entry: _Entry) -> str:
    if "fuzzy" in entry.flags:
        return "draft"
    return "confirmed" if any(entry.fields[k] for k in _forms(entry)) else "new"


def _string_lines(keyword: str, value: str, end: str, prefix: str) -> list[str]:
    chunks = re.findall(r"[^\n]*\n|[^\n]+$", value) if value else [""]
    if len(chunks) == 1:
        return [f'{prefix}{keyword} "{_escape(value)}"{end}']
    return [f'{prefix}{keyword} ""{end}'] + [f'{prefix}"{_escape(c)}"{end}' for c in chunks]


class PoFormat(Format):
    """gettext PO: msgctxt, plurals, fuzzy, obsolete entries, the header's charset."""

    name = "po"
    extensions = (".po", ".pot")
    description = "gettext PO catalogue"
    needs_original = True

    def read(self, data: bytes, name: str) -> Document:
        text, encoding, bom = _decode(data, name)
        lines = text.splitlines(keepends=True)
        entries = _parse(lines, name)
        segments, slots, statuses, notes = [], [], [], []
        for number, entry in enumerate(entries):
            if entry.obsolete or "msgid" not in entry.fields:
                continue
            if entry.fields["msgid"] == "" and "msgctxt" not in entry.fields:
                continue  # the header (an empty msgid is reserved for it)
            key = entry.fields["msgid"]
            if "msgctxt" in entry.fields:
                key = entry.fields["msgctxt"] + "|" + key
            forms = _forms(entry)
            for form in forms:
                plural = "[" in form
                n = int(form[7:-1]) if plural else 0
                source = entry.fields.get("msgid_plural", entry.fields["msgid"]) if n else entry.fields["msgid"]
                ident = f"{key}[{n}]" if plural else key
                segments.append(Segment(len(segments), entry.fields[form], "\n", number, source, ident))
                slots.append((number, form))
                statuses.append(_status(entry))
                notes.append(entry.notes)
        return Document(
            segments=tuple(segments), encoding=encoding, bom=bom,
            path=None if name in ("-", "<stdin>") else name, format=self.name,
            source_language="en", target_language=_language(entries) or "und",
            metadata={"original": lines, "entries": entries, "slots": slots, "statuses": statuses,
                      "notes": notes},
        )

    def write(self, document: Document, targets: Sequence[str], statuses: Sequence[str] | None = None) -> bytes:
        check_lengths(document, targets, statuses)
        meta = document.metadata
        lines: list[str] = list(meta["original"])
        entries: list[_Entry] = meta["entries"]
        changes: dict[int, dict] = {}
        for position, (segment, target, (number, form)) in enumerate(zip(document.segments, targets, meta["slots"],
                                                                          strict=True)):
            change = changes.setdefault(number, {"texts": {}, "statuses": []})
            if target != segment.text:
                change["texts"][form] = target
            if statuses is not None:
                read_status = meta["statuses"][position]
                change["statuses"].append(statuses[position] or read_status)
                change["changed"] = change.get("changed", False) or statuses[position] not in (None, read_status)
        replacements: dict[int, list[str]] = {}  # first line index -> new lines (covering a span)
        spans: dict[int, int] = {}
        for number, change in changes.items():
            entry = entries[number]
            end = _line_end(lines[entry.lines[0]])
            prefix = "#~ " if entry.obsolete else ""
            for form, value in change["texts"].items():
                first, last = entry.spans[form]
                replacements[first] = _string_lines(form, value, end, prefix)
                spans[first] = last
            wanted = change["statuses"]
            if change.get("changed"):
                fuzzy = not all(s == "confirmed" for s in wanted)
                if fuzzy != ("fuzzy" in entry.flags):
                    flags = [f for f in entry.flags if f != "fuzzy"]
                    if fuzzy:
                        flags.insert(0, "fuzzy")
                    new = [f"#, {', '.join(flags)}{end}"] if flags else []
                    if entry.flags_line is not None:
                        replacements[entry.flags_line] = new
                        spans[entry.flags_line] = entry.flags_line
                    else:
                        first_keyword = min(i for i, _ in entry.spans.values())
                        anchor = next((i for i in entry.lines if lines[i].lstrip().startswith("#|")), first_keyword)
                        replacements[anchor] = new + replacements.get(anchor, [lines[anchor]])
                        spans.setdefault(anchor, anchor)
        for first in sorted(replacements, reverse=True):
            lines[first : spans[first] + 1] = replacements[first]
        return encode_text("".join(lines), document.encoding, document.bom, document.path)


    def create(self, units: Sequence[ExportUnit], source_language: str, target_language: str) -> bytes:
        """A new UTF-8 catalogue: a header, then one entry per unit (msgid = source, msgstr = target).

        A unit with a target that is not confirmed is ``fuzzy`` (it reads back as draft: PO
        tells new from draft only by an empty msgstr). An empty source, or one already used,
        gets the unit's id (else its number) as ``msgctxt``, as gettext wants each msgid
        unique and an empty one is the header's.
        """
        from mtfix.formats._fresh import check_units, fresh_ids

        check_units(units)
        header = ("Project-Id-Version: \n"
                  "MIME-Version: 1.0\n"
                  "Content-Type: text/plain; charset=UTF-8\n"
                  "Content-Transfer-Encoding: 8bit\n"
                  f"Language: {target_language.replace('-', '_')}\n"
                  f"X-Source-Language: {source_language.replace('-', '_')}\n"
                  "X-Generator: mtfix\n")
        lines = ['msgid ""\n', *_string_lines("msgstr", header, "\n", "")]
        seen: set[str] = set()
        for unit, ident in zip(units, fresh_ids(u.id for u in units), strict=True):
            lines.append("\n")
            if unit.target and unit.status != "confirmed":
                lines.append("#, fuzzy\n")
            if not unit.source or unit.source in seen:
                lines.extend(_string_lines("msgctxt", ident, "\n", ""))
            seen.add(unit.source)
            lines.extend(_string_lines("msgid", unit.source, "\n", ""))
            lines.extend(_string_lines("msgstr", unit.target, "\n", ""))
        return "".join(lines).encode("utf-8")


def _line_end(line: str) -> str:
    return line[len(line.rstrip("\r\n")):] or "\n"


def _language(entries: list[_Entry]) -> str | None:
    for entry in entries:
        if entry.fields.get("msgid") == "" and "msgctxt" not in entry.fields:
            match = re.search(r"^Language:\s*([A-Za-z_@-]+)", entry.fields.get("msgstr", ""), re.MULTILINE)
            return match.group(1).replace("_", "-") if match else None
    return None
