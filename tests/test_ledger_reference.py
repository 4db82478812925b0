"""The shared ledger's reference is plain text read in core/, and what opens it lives outside
processing/: the review session opens a ledger without loading any algorithm."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    """`code` in a fresh interpreter (sys.modules as a plugin user's would start), its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_ledger_reference_is_written_and_read_without_qgis():
    out = _run(
        """
        import sys
        from zc_enforcement_plugin.core import ledger_reference as lr
        print(lr.reference("区局台帐 server"))
        print(lr.parse_reference("postgis://区局台帐 server/zc_ledger"))
        print(lr.parse_reference("postgis://a%2Fb"))
        print(lr.is_postgis_reference("/data/ledger.gpkg"), lr.is_postgis_reference(None))
        print(sorted(m for m in sys.modules if m.split(".")[0] == "qgis"))
        """
    )
    assert out.splitlines() == [
        "postgis://区局台帐 server/zc_ledger",
        "('区局台帐 server', 'zc_ledger')",
        "('a/b', 'zc_ledger')",  # no schema given: the default one
        "False False",
        "[]",
    ]


def test_the_review_session_opens_a_ledger_without_loading_processing(tmp_path):
    ledger = tmp_path / "台帐.gpkg"
    out = _run(
        f"""
        import sys
        from zc_enforcement_plugin.ui.review_session import ReviewSession
        session = ReviewSession()
        session.open({str(ledger)!r})
        print(session.path)
        print(sorted(m for m in sys.modules if m.startswith("zc_enforcement_plugin.processing")))
        session.close()
        """
    )
    assert out.splitlines() == [str(ledger), "[]"]
    assert ledger.is_file()
