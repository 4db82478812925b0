"""The styles and the sheet's layout in resources/ are written by scripts/make_styles.py and
scripts/make_layouts.py: what is committed must be what the scripts write today, or a change
made in a script (a land class moved to another group, a heading reworded) never reaches the
user, and a hand edit of the file is lost at the next run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zc_enforcement_plugin.processing.export_verification import LAYOUT_TEMPLATE
from zc_enforcement_plugin.resources_paths import STYLES

REPO = Path(__file__).resolve().parents[1]


def _run(script: str, target: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_HASH_SEED"}  # the script fixes it
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / script), str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def written_styles(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("styles")
    _run("make_styles.py", folder)
    return folder


def test_every_committed_style_is_what_make_styles_writes(written_styles):
    committed = sorted(p.name for p in STYLES.glob("*.qml"))
    written = sorted(p.name for p in written_styles.glob("*.qml"))
    assert written == committed
    stale = [
        name
        for name in committed
        if (written_styles / name).read_bytes() != (STYLES / name).read_bytes()
    ]
    assert stale == [], f"run scripts/make_styles.py: {stale} differ from what it writes"


def test_the_committed_sheet_layout_is_what_make_layouts_writes(tmp_path):
    target = tmp_path / "verification_sheet.qpt"
    _run("make_layouts.py", target)
    assert target.read_bytes() == LAYOUT_TEMPLATE.read_bytes(), "run scripts/make_layouts.py"
