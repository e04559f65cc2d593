"""Write output files so that a reader never sees half of one.

Every file mtfix writes (cleaned text, reports, XLIFF, TMX) goes through
``write_atomically``: the data goes to a temporary file next to the target,
is flushed to disk, and then replaces the target in one step. If anything
fails on the way, the old file is still there, untouched.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from mtfix.errors import MtfixError

__all__ = ["write_atomically"]

# O_BINARY keeps Windows from turning "\n" into "\r\n"; it is 0 (absent) elsewhere.
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` in one step.

    A file that already exists keeps its permission bits; a new file gets the
    usual permissions for the user's umask. A symbolic link is followed, so
    the file it points to is replaced and the link stays.

    Args:
        path: The file to write.
        data: Its new content.

    Raises:
        MtfixError: The file cannot be written (no such directory, no
            permission, disk full...). The old file, if any, is unchanged and
            no temporary file is left behind.
    """
    target = Path(os.path.realpath(path))
    temporary = None
    try:
        temporary, descriptor = _create_temporary(target)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):  # a new file keeps the umask's mode
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except BaseException as error:
        if temporary is not None:
            _remove_quietly(temporary)
        if isinstance(error, OSError):
            raise MtfixError(
                f"cannot write the file: {error.strerror or error}", str(path)
            ) from error
        raise
    _sync_directory(target.parent)


def _create_temporary(target: Path) -> tuple[Path, int]:
    """Create an empty temporary file beside ``target``; return its path and descriptor."""
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            # Mode 0o666 lets the kernel apply the umask, as for any new file.
            return temporary, os.open(temporary, _CREATE_FLAGS, 0o666)
        except FileExistsError:
            continue


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it (POSIX)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
