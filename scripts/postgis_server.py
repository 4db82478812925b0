"""A local PostgreSQL 15 + PostGIS server for the shared ledger: install, start, stop, demo.

`make postgis-demo`, `.ci/run` and the PostGIS tests all go through this one script, so the
server the tests use is the server a developer tries by hand. Everything lives in .pgdata/ of
the repository (as root: under /var/lib/postgresql/zc-enforcement/, see _default_home): the
cluster (data/), its log, its socket, and a libpq password file (pgpass,
mode 0600) with the generated passwords of the superuser and the demo roles. No password is
printed or written anywhere else; connections name the password file (libpq's `passfile`).

Usage: postgis_server.py start | stop | status | demo [--ledger demo_output/ledger.gpkg]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PG_VERSION = "15"
PG_BIN = Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")
APT_PACKAGES = (
    f"postgresql-{PG_VERSION}",
    f"postgresql-{PG_VERSION}-postgis-3",
    "python3-psycopg2",
)


def _default_home() -> Path:
    """Where the cluster lives: .pgdata/ in the repository, except as root. Root runs the server
    as the postgres user, which may not even reach into the repository (a clone in a private
    temporary folder, as CI makes), so then it lives under postgres's own home, one cluster per
    repository."""
    if os.geteuid() != 0:
        return REPO / ".pgdata"
    digest = hashlib.sha1(str(REPO).encode("utf-8")).hexdigest()[:12]
    return Path("/var/lib/postgresql/zc-enforcement") / digest


HOME = Path(os.environ.get("ZC_PGDATA") or _default_home())
DATA = HOME / "data"
SOCKET_DIR = HOME / "socket"
LOG = HOME / "server.log"
PASSFILE = HOME / "pgpass"
PORT = int(os.environ.get("ZC_PG_PORT", "54329"))
HOST = "127.0.0.1"
SUPERUSER = "postgres"
DEMO_DATABASE = "zc_ledger"


class ServerError(RuntimeError):
    """The local server cannot be installed or started; the message says what to do."""


def _as_postgres() -> list[str]:
    # PostgreSQL refuses to run as root: as root, run the server binaries as the postgres user.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    # From "/": the postgres user may not be allowed into the current folder.
    kwargs.setdefault("cwd", "/")
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def installed() -> bool:
    return (PG_BIN / "postgres").exists() and any(
        Path(f"/usr/share/postgresql/{PG_VERSION}/extension").glob("postgis.control")
    )


def install() -> None:
    """apt-get install PostgreSQL 15 and PostGIS 3 from Debian when they are missing."""
    if installed():
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"== installing {' '.join(APT_PACKAGES)}", flush=True)
    try:
        _run([*sudo, "apt-get", "update", "-qq"], env=env)
        _run([*sudo, "apt-get", "install", "-y", "-qq", *APT_PACKAGES], env=env)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise ServerError(f"cannot install PostgreSQL/PostGIS from Debian: {detail}") from None
    # Debian's package creates and starts a cluster of its own on 5432; ours is separate.


def _passwords() -> dict[str, str]:
    """user -> password from the password file (host:port:db:user:password lines)."""
    found: dict[str, str] = {}
    if PASSFILE.exists():
        for line in PASSFILE.read_text().splitlines():
            parts = line.split(":")
            if len(parts) == 5:
                found[parts[3]] = parts[4]
    return found


def password_for(user: str) -> str:
    """The password of `user` in the password file, generated and stored on first use."""
    known = _passwords()
    if user not in known:
        known[user] = secrets.token_urlsafe(24)  # URL-safe: no ':' or '\\' to escape
        HOME.mkdir(parents=True, exist_ok=True)
        text = "".join(f"*:*:*:{name}:{secret}\n" for name, secret in sorted(known.items()))
        descriptor = os.open(PASSFILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
    return known[user]


def params(user: str = SUPERUSER, dbname: str = DEMO_DATABASE) -> dict[str, str]:
    """psycopg2.connect keyword arguments for `user`; the password stays in the password file."""
    return {
        "host": HOST,
        "port": str(PORT),
        "dbname": dbname,
        "user": user,
        "passfile": str(PASSFILE),
        "connect_timeout": "10",
        "application_name": "zc_enforcement",
    }


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def _init_cluster() -> None:
    HOME.mkdir(parents=True, exist_ok=True)
    (HOME / ".gitignore").write_text("*\n")
    SOCKET_DIR.mkdir(exist_ok=True)
    secret = password_for(SUPERUSER)
    pwfile = HOME / ".initpw"
    descriptor = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret + "\n")
    if os.geteuid() == 0:
        shutil.chown(HOME, "postgres", "postgres")
        shutil.chown(SOCKET_DIR, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
    try:
        _run(
            [
                *_as_postgres(),
                str(PG_BIN / "initdb"),
                "-D",
                str(DATA),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
    except subprocess.CalledProcessError as exc:
        raise ServerError(f"initdb failed: {exc.stderr}") from None
    finally:
        pwfile.unlink(missing_ok=True)
    if os.geteuid() == 0:
        # The password file belongs to whoever runs the tests and the plugin, not to postgres.
        shutil.chown(HOME, "root", "root")
        shutil.chown(DATA, "postgres", "postgres")


def running() -> bool:
    if not (DATA / "postmaster.pid").exists():
        return False
    result = subprocess.run(
        [*_as_postgres(), str(PG_BIN / "pg_ctl"), "-D", str(DATA), "status"],
        capture_output=True,
        text=True,
        cwd="/",
    )
    return result.returncode == 0


def start() -> bool:
    """Start the server (initialising the cluster first if needed); False if it was running."""
    install()
    if not (DATA / "PG_VERSION").exists():
        _init_cluster()
    if running():
        return False
    if not _port_free(PORT):
        raise ServerError(
            f"port {PORT} on {HOST} is taken by another program: stop it or set ZC_PG_PORT"
        )
    LOG.touch()
    if os.geteuid() == 0:
        shutil.chown(LOG, "postgres", "postgres")
        shutil.chown(SOCKET_DIR, "postgres", "postgres")
    options = (
        f"-p {PORT} -c listen_addresses={HOST} -k {SOCKET_DIR} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"  # a test server
    )
    try:
        _run(
            [
                *_as_postgres(),
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(DATA),
                "-l",
                str(LOG),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
    except subprocess.CalledProcessError as exc:
        tail = LOG.read_text(errors="replace")[-2000:] if LOG.exists() else ""
        raise ServerError(f"the PostgreSQL server did not start: {exc.stderr}\n{tail}") from None
    return True


def stop() -> None:
    if running():
        _run([*_as_postgres(), str(PG_BIN / "pg_ctl"), "-D", str(DATA), "-m", "fast", "stop"])


def connect(user: str = SUPERUSER, dbname: str = DEMO_DATABASE, **extra):
    import psycopg2

    return psycopg2.connect(**{**params(user, dbname), **extra})


def ensure_database(dbname: str) -> None:
    """Create `dbname` with PostGIS unless it exists."""
    admin = connect(dbname="postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{dbname}" TEMPLATE template0 ENCODING UTF8')
    finally:
        admin.close()
    conn = connect(dbname=dbname)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    finally:
        conn.close()


def drop_database(dbname: str) -> None:
    admin = connect(dbname="postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    finally:
        admin.close()


def demo_offices() -> dict[str, tuple[str, list[str]]]:
    """Login role -> (office, towns) of the demo district: one role per office."""
    from zc_enforcement_plugin.core.demo_district import TOWNS

    offices: dict[str, tuple[str, list[str]]] = {}
    by_office: dict[str, list[tuple[str, str]]] = {}
    for town, code, office in TOWNS:
        by_office.setdefault(office, []).append((town, code))
    for office, towns in by_office.items():
        # The role is named after the office's first town code: ASCII, stable, unique.
        offices[f"zc_office_{towns[0][1]}"] = (office, [town for town, _ in towns])
    return offices


def setup_database(
    dbname: str, brigade_user: str = "zc_brigade_user", evidence_dir: Path | None = None
) -> dict[str, str]:
    """Database, PostGIS, ledger schema, roles and row-level security, and the shared evidence
    folder when given; returns user -> role."""
    from zc_enforcement_plugin.core import ledger_postgis as lp

    ensure_database(dbname)
    conn = connect(dbname=dbname)
    try:
        offices = demo_offices()
        logins = {brigade_user: password_for(brigade_user)}
        logins.update({role: password_for(role) for role in offices})
        problems = lp.install(
            conn,
            offices=offices,
            brigade_logins=[brigade_user],
            passwords=logins,
            evidence_dir=evidence_dir,
        )
        for problem in problems:  # rows install found but could not mend: never silent
            print(f"install: {problem}", file=sys.stderr)
    finally:
        conn.close()
    return {brigade_user: lp.ROLE_BRIGADE, **{role: lp.ROLE_OFFICE for role in offices}}


def load_demo(ledger_path: Path, dbname: str = DEMO_DATABASE) -> str:
    """Copy the demo ledger GeoPackage into the (empty) demo database."""
    from zc_enforcement_plugin.core import ledger, ledger_migrate, ledger_postgis

    # Stored on the server, as a real one's share is: the dock opened on the demo finds it.
    # Made here first, as the administrator makes the share: the plugin never makes it.
    (HOME / "evidence").mkdir(parents=True, exist_ok=True)
    setup_database(dbname, evidence_dir=HOME / "evidence")
    with ledger_postgis.PostGISLedger(params("zc_brigade_user", dbname)) as target:
        if target.counts()[1]:
            return f"{dbname} already holds a ledger ({target.counts()[1]} spots): left as it is"
        with ledger.GeoPackageLedger(ledger_path, create=False) as source:
            report = ledger_migrate.copy_ledger(source, target)
            differences = ledger_migrate.compare_ledgers(source, target)
    if differences:
        raise ServerError("the copy differs from the GeoPackage:\n" + "\n".join(differences[:20]))
    return report.summary()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "stop", "status", "demo"))
    parser.add_argument("--ledger", default=str(REPO / "demo_output" / "ledger.gpkg"))
    args = parser.parse_args(argv)
    try:
        if args.action == "stop":
            stop()
            print("stopped")
            return 0
        if args.action == "status":
            print(f"running on {HOST}:{PORT}" if running() else "not running")
            return 0
        began = time.monotonic()
        started = start()
        print(
            f"PostgreSQL {PG_VERSION} + PostGIS on {HOST}:{PORT} "
            f"({'started' if started else 'already running'}, {time.monotonic() - began:.1f} s); "
            f"data in {DATA}, passwords in {PASSFILE}"
        )
        if args.action == "demo":
            ledger_path = Path(args.ledger)
            if not ledger_path.exists():
                raise ServerError(f"{ledger_path} does not exist: run `make demo` first")
            print(load_demo(ledger_path))
            print(
                f"database {DEMO_DATABASE}: brigade login zc_brigade_user, office logins "
                + ", ".join(f"{role} ({office})" for role, (office, _) in demo_offices().items())
            )
            print(
                f"connect e.g.: psql 'host={HOST} port={PORT} dbname={DEMO_DATABASE} "
                f"user=zc_brigade_user passfile={PASSFILE}'"
            )
    except ServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
