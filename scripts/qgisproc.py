"""Runs Debian's qgis_process.bin with this repository's plugin enabled, in a private profile."""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QGIS_PROCESS = "/usr/bin/qgis_process.bin"  # Debian's qgis_process wrapper passes an unknown flag
PLUGIN = "zc_enforcement_plugin"


def environment(profile_home: Path) -> dict[str, str]:
    """qgis_process finds the plugin through QGIS_PLUGINPATH; its settings go to profile_home."""
    env = dict(os.environ)
    # qgis_process runs Debian's Python: give it this venv's packages (shapely 2, rasterio, ...).
    site_packages = sysconfig.get_paths()["purelib"]
    env["PYTHONPATH"] = os.pathsep.join(p for p in (site_packages, env.get("PYTHONPATH")) if p)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QGIS_PLUGINPATH=str(REPO),
        # Settings and profiles under profile_home, never the user's own profile (this also wins
        # over a config path that pytest-qgis sets for the test process).
        QGIS_CUSTOM_CONFIG_PATH=str(profile_home),
        QGIS_OPTIONS_PATH=str(profile_home),
        XDG_RUNTIME_DIR=str(profile_home / "runtime"),
    )
    (profile_home / "runtime").mkdir(parents=True, exist_ok=True)
    os.chmod(profile_home / "runtime", 0o700)
    return env


def qgis_process(args: list[str], profile_home: Path, check: bool = True):
    """Run qgis_process.bin ARGS; raise with its output when it fails and check is set."""
    completed = subprocess.run(
        [QGIS_PROCESS, *args],
        env=environment(profile_home),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if check and completed.returncode != 0:
        raise RuntimeError(
            f"qgis_process {' '.join(args)} failed ({completed.returncode}):\n"
            f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )
    return completed


def enable_plugin(profile_home: Path) -> None:
    qgis_process(["plugins", "enable", PLUGIN], profile_home)


def run_algorithm(algorithm: str, parameters: dict[str, object], profile_home: Path) -> dict:
    """Run one algorithm and return its JSON results dict ('results' of qgis_process --json)."""
    args = ["--json", "run", algorithm, "--"]
    for name, value in parameters.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        args += [f"{name}={item}" for item in values]
    completed = qgis_process(args, profile_home)
    # Python warnings may precede the JSON document on stdout.
    text = completed.stdout
    return json.loads(text[text.index("{") :])
