"""A throw-away PostgreSQL server for the tests: initdb + pg_ctl on a temporary folder,
listening on a free loopback port, started once per test session (``pg_server`` in
tests/conftest.py) and given a fresh database per test (``pg_url``).

As root the server runs as the ``postgres`` user (initdb refuses root) through runuser.
Without the server binaries the team tests are skipped, saying why; with
``KBAPP_REQUIRE_POSTGRES=1`` (set by .ci/run) they fail instead, so CI cannot pass
without having run them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

REQUIRE_ENV = "KBAPP_REQUIRE_POSTGRES"


def pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: Debian's /usr/lib/postgresql/N/bin, else PATH."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _unavailable(reason: str):
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One running cluster; ``url(db)`` for a database on it, ``stop()``/``start()`` to take it
    away and bring it back (the offline tests)."""

    def __init__(self, bin_dir: Path, top: Path, run_as: list[str]):
        self.bin_dir, self.top, self.run_as = bin_dir, top, run_as
        self.data = top / "pg"
        self.port = free_port()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.run_as, *args], check=check, capture_output=True, text=True, cwd="/")

    def init(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "kbapp", "--auth=trust", "-E", "UTF8",
                  "--no-sync")

    def start(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", "-l", str(self.data / "log"),
                  "-o", f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off "
                        f"-c max_connections=200", "start")

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://kbapp@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=kbapp dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_server() -> PgServer:
    """Start a server or skip (fail under KBAPP_REQUIRE_POSTGRES=1) saying what is missing."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg (the PostgreSQL driver) is not installed")
    bin_dir = pg_bin()
    if bin_dir is None:
        _unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed; "
                     "apt-get install postgresql (.ci/run does)")
    # Not under pytest's tmp_path: its folders are private to root, and the server runs as postgres.
    top = Path(tempfile.mkdtemp(prefix="kbapp-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            _unavailable("running as root and runuser is missing to start PostgreSQL as another user")
        try:
            shutil.chown(top, "postgres")
        except (LookupError, OSError):
            _unavailable("running as root and there is no 'postgres' user to run the server")
        os.chmod(top, 0o755)
        run_as = ["runuser", "-u", "postgres", "--"]
    server = PgServer(bin_dir, top, run_as)
    try:
        server.init()
        server.start()
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(top, ignore_errors=True)
        _unavailable(f"the throw-away PostgreSQL server did not start: {(exc.stderr or exc.stdout).strip()[-300:]}")
    return server


def stop_server(server: PgServer) -> None:
    server.stop()
    shutil.rmtree(server.top, ignore_errors=True)
