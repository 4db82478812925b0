"""`make postgis-*` talks to the server on the port ZC_PG_PORT names, as the tests and the
scripts do: with PG_PORT fixed at 54329, a second checkout's `make postgis-stop` stopped the
server of another."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _exported_port(**env: str) -> str:
    """ZC_PG_PORT as the Makefile exports it to postgis_server.py (make's database, -p)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("ZC_PG_PORT", "PG_PORT")}
    made = subprocess.run(
        ["make", "-n", "-p", "postgis-stop"],
        cwd=REPO,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in made.stdout.splitlines() if line.startswith("ZC_PG_PORT :=")]
    assert len(lines) == 1, made.stdout[-2000:]
    return lines[0].split(":=", 1)[1].strip()


@pytest.mark.parametrize(
    ("env", "port"),
    [({}, "54329"), ({"ZC_PG_PORT": "54417"}, "54417"), ({"PG_PORT": "54500"}, "54500")],
)
def test_make_takes_the_port_from_zc_pg_port_else_pg_port_else_the_default(env, port):
    assert _exported_port(**env) == port
