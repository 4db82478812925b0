"""`make run` starts QGIS on the deployed plugin with QGIS_PLUGINPATH unset: set empty, QGIS took
the working folder for a plugin folder and Install from ZIP failed with AttributeError:
'NoneType' object has no attribute 'copy' (installer_data.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_make_run_starts_qgis_without_qgis_pluginpath(tmp_path):
    seen = tmp_path / "environment"
    qgis = tmp_path / "qgis"  # stands in for QGIS: writes down what it was started with
    qgis.write_text(f'#!/bin/sh\nenv > "{seen}"\necho "$@" >> "{seen}"\n', encoding="utf-8")
    qgis.chmod(0o755)
    environment = {**os.environ, "DISPLAY": ":0", "QGIS_PLUGINPATH": "/somewhere/else"}
    made = subprocess.run(
        # -o: deploy and demo taken as made, so only run's own recipe runs
        ["make", "-o", "deploy", "-o", "demo", "run", f"QGIS_DESKTOP={qgis}"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    lines = seen.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "--noversioncheck demo_output/demo_district.qgz"
    variables = dict(line.split("=", 1) for line in lines[:-1] if "=" in line)
    assert "QGIS_PLUGINPATH" not in variables, variables.get("QGIS_PLUGINPATH")
    assert variables["QGIS_CUSTOM_CONFIG_PATH"].endswith("QGIS3")
    assert variables["QT_QPA_PLATFORM"] == ""  # a real screen, not the tests' offscreen one
