"""Write output files so that a reader never sees half of one.

Every file mtfix writes (cleaned text, reports, XLIFF, TMX) goes through
``write_atomically``: the data goes to a temporary file next to the target,
is flushed to disk, and then replaces the target in one step. If anything
fails on the way, the old file is still there, untouched.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import stat
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, no clean-up of leftovers
    fcntl = None

from mtfix.errors import MtfixError

__all__ = ["write_atomically"]

# O_BINARY keeps Windows from turning "\n" into "\r\n"; it is 0 (absent) elsewhere.
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def write_atomically(
    path: str | os.PathLike[str], data: bytes, *, inside: str | os.PathLike[str] | None = None
) -> None:
    """Replace the file at ``path`` with ``data`` in one step.

    A file that already exists keeps its permission bits; a new file gets the
    usual permissions for the user's umask. A symbolic link is followed, so
    the file it points to is replaced and the link stays, unless ``inside``
    says where the file must stay.

    A writer killed mid-write (SIGKILL, power cut) leaves the old file intact
    and, at worst, its temporary file; the next write to the same file removes
    such leftovers (a live writer's temporary file is locked and kept).

    Args:
        path: The file to write.
        data: Its new content.
        inside: If given, the file really written (after following symbolic
            links) must be in this directory: a link leading out of it is refused.

    Raises:
        MtfixError: The file cannot be written (no such directory, no
            permission, disk full, a link out of ``inside``...). The old file,
            if any, is unchanged and no temporary file is left behind.
    """
    target = Path(os.path.realpath(path))
    if inside is not None and target.parent != Path(os.path.realpath(inside)):
        raise MtfixError(
            f"refusing to write through a symbolic link that leads out of {inside} (to {target}); "
            "name the output file explicitly", str(path)
        )
    temporary = None
    try:
        _remove_abandoned(target)
        temporary, descriptor = _create_temporary(target)
        # The descriptor (and its lock) stays open until the rename: a live write is never swept.
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
            descriptor = os.open(temporary, _CREATE_FLAGS, 0o666)
        except FileExistsError:
            continue
        if fcntl is not None:  # held until the descriptor closes, or the process dies
            with contextlib.suppress(OSError):
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return temporary, descriptor


def _remove_abandoned(target: Path) -> None:
    """Remove temporary files beside ``target`` left by writers that were killed.

    A writer holds a lock on its temporary file while it lives; a file whose
    lock can be taken belongs to no one.
    """
    if fcntl is None:
        return
    pattern = f".{glob.escape(target.name)}.{'[0-9a-f]' * 8}.tmp"
    for leftover in target.parent.glob(pattern):
        try:
            descriptor = os.open(leftover, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live writer's
        else:
            _remove_quietly(leftover)
        finally:
            os.close(descriptor)


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
