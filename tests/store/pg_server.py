"""A throwaway PostgreSQL server for the tests, started from the machine's own binaries.

``initdb`` into a temporary folder, ``pg_ctl start`` on a free loopback port (and a unix
socket in the same folder), ``pg_ctl stop`` at the end. As root the binaries are run as the
``postgres`` user (PostgreSQL refuses to run as root). No binaries: :func:`find_bin_dir`
returns None and the PostgreSQL tests skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (newest version first), or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    candidates += [p for p in (shutil.which("initdb"),) if p]
    for initdb in candidates:
        folder = Path(initdb).parent
        if (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One PostgreSQL cluster in a temporary folder.

    Args:
        bin_dir: The folder of ``initdb`` and ``pg_ctl``.
    """

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="mtfix-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres"
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                subprocess.run(["useradd", "--system", "--no-create-home", self.user], check=True)
            shutil.chown(self.folder, self.user)
        self.folder.chmod(0o755)

    @property
    def url(self) -> str:
        """A connection URL for the ``postgres`` database over TCP."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, cwd=self.folder)

    def init(self) -> None:
        """Create the cluster (trust authentication on loopback and the socket)."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync",
                  "-E", "UTF8", "--locale=C")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c max_connections=60")
        # fsync=off only risks data if the machine itself crashes; synchronous_commit stays on,
        # so a killed server keeps every transaction it acknowledged (the offline-queue test)
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options,
                  "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate`` is a crash: no shutdown checkpoint)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop", check=False)

    def destroy(self) -> None:
        """Stop the server and remove its folder."""
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
