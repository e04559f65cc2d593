"""The contract every document format keeps; each format's tests subclass :class:`FormatContract`.

A subclass names the format and gives sample files (bytes) in ``samples()``; the tests
here check, for each sample, what :class:`mtfix.formats.base.Format` promises.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from lxml import etree

from mtfix.formats.registry import format_for, read_document, write_document


def equivalent_xml(a: bytes, b: bytes) -> bool:
    """Same elements, attributes and text (canonical XML), whatever the serialisation."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.tostring(etree.fromstring(a, parser), method="c14n") == etree.tostring(
        etree.fromstring(b, parser), method="c14n")


def edited(text: str) -> str:
    """A post-edited target: a word put in front, keeping the placeholders and sentences."""
    return ("改 " + text) if text else "nouveau texte"


class FormatContract:
    """Read -> write -> read keeps the segments; untouched files come back as they were."""

    format_name: str = ""
    xml: bool = False
    """Untouched files are compared as canonical XML when the format is not byte-identical."""

    def samples(self) -> dict[str, bytes]:
        """File name -> bytes of the files to hold to the contract."""
        raise NotImplementedError

    def each(self):
        for name, data in self.samples().items():
            document = format_for(name).read(data, name)
            yield name, data, document

    def test_extensions_pick_the_format(self):
        fmt = format_for(None, self.format_name)
        assert fmt.name == self.format_name
        for extension in fmt.extensions:
            assert format_for("some/file" + extension.upper()).name == self.format_name

    def test_read_sets_the_format_name(self):
        for name, _, document in self.each():
            assert document.format == self.format_name, name

    def test_untouched_document_writes_back_unchanged(self):
        for name, data, document in self.each():
            out = write_document(document, [s.text for s in document.segments])
            if format_for(None, self.format_name).byte_identical:
                assert out == data, name
            else:
                assert equivalent_xml(out, data), name

    def test_read_write_read_gives_the_same_segments(self):
        for name, _, document in self.each():
            out = write_document(document, [s.text for s in document.segments])
            again = format_for(name).read(out, name)
            assert again.segments == document.segments, name

    def test_edited_targets_read_back(self):
        for name, _, document in self.each():
            targets = [edited(s.text) for s in document.segments]
            out = write_document(document, targets, ["confirmed"] * len(targets))
            again = format_for(name).read(out, name)
            assert [s.text for s in again.segments] == targets, name
            assert [s.source for s in again.segments] == [s.source for s in document.segments], name
            assert [s.id for s in again.segments] == [s.id for s in document.segments], name

    def test_one_target_per_segment_is_required(self):
        for _, _, document in self.each():
            with pytest.raises(ValueError):
                write_document(document, [s.text for s in document.segments] + ["extra"])

    def test_a_document_rebuilt_without_its_file_structure_is_written_into_the_file(self, tmp_path):
        for name, data, document in self.each():
            path = tmp_path / name
            path.write_bytes(data)
            on_disk = read_document(path)
            bare = replace(on_disk, metadata={})  # what the workspace gives back
            targets = [edited(s.text) for s in on_disk.segments]
            assert write_document(bare, targets) == write_document(on_disk, targets), name
