"""Atomic writes: the old file survives any failure, and no temporary file is left."""

from __future__ import annotations

import os
import stat

import pytest

from mtfix.errors import MtfixError
from mtfix.formats import atomic
from mtfix.formats.atomic import write_atomically


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def old_file(tmp_path):
    path = tmp_path / "cleaned.txt"
    path.write_bytes(b"old content\n")
    return path


def test_writes_a_new_file(tmp_path):
    path = tmp_path / "out.txt"
    write_atomically(path, b"new\r\ncontent")
    assert path.read_bytes() == b"new\r\ncontent"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_replaces_an_existing_file(old_file):
    write_atomically(str(old_file), b"new content\n")
    assert old_file.read_bytes() == b"new content\n"
    assert os.listdir(old_file.parent) == [old_file.name]


@pytest.mark.parametrize("mode", [0o640, 0o600, 0o755])
def test_keeps_the_permission_bits_of_the_file_it_replaces(old_file, mode):
    old_file.chmod(mode)
    write_atomically(old_file, b"new")
    assert mode_of(old_file) == mode


def test_a_new_file_gets_the_umask_permissions(tmp_path):
    previous = os.umask(0o027)
    try:
        write_atomically(tmp_path / "out.txt", b"x")
    finally:
        os.umask(previous)
    assert mode_of(tmp_path / "out.txt") == 0o640


def test_failed_replace_leaves_the_old_file_and_no_temporary(old_file, monkeypatch):
    def refuse(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(MtfixError) as caught:
        write_atomically(old_file, b"new content\n")
    assert caught.value.path == str(old_file)
    assert "No space left on device" in caught.value.message
    assert old_file.read_bytes() == b"old content\n"
    assert os.listdir(old_file.parent) == [old_file.name]


def test_failed_flush_to_disk_leaves_the_old_file_and_no_temporary(old_file, monkeypatch):
    def fail(descriptor):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic.os, "fsync", fail)
    with pytest.raises(MtfixError):
        write_atomically(old_file, b"new content\n")
    assert old_file.read_bytes() == b"old content\n"
    assert os.listdir(old_file.parent) == [old_file.name]


def test_interrupted_write_is_cleaned_up_and_reraised(old_file, monkeypatch):
    def interrupt(descriptor):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(old_file, b"new content\n")
    assert old_file.read_bytes() == b"old content\n"
    assert os.listdir(old_file.parent) == [old_file.name]


def test_missing_directory_is_an_mtfix_error_naming_the_file(tmp_path):
    path = tmp_path / "no" / "such" / "dir" / "out.txt"
    with pytest.raises(MtfixError) as caught:
        write_atomically(path, b"x")
    assert caught.value.path == str(path)
    assert not (tmp_path / "no").exists()


def test_a_symbolic_link_is_followed_and_kept(old_file):
    link = old_file.parent / "link.txt"
    link.symlink_to(old_file.name)
    write_atomically(link, b"through the link")
    assert link.is_symlink()
    assert old_file.read_bytes() == b"through the link"
