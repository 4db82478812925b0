"""Running a Processing algorithm in a process of its own, for cases that could crash QGIS or
take the machine's memory: then that process dies, not the test session."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from qgis.core import QgsApplication

import zc_enforcement_plugin

# QGIS with Processing and the plugin's provider; the case's own lines follow, with `args` (the
# strings after plugin root and prefix) and `processing`, and print "OUTCOME " + a JSON object.
_PRELUDE = """
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
plugin_root, prefix, args = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path.insert(0, plugin_root)
from qgis.core import QgsApplication
QgsApplication.setPrefixPath(prefix, True)
app = QgsApplication([], False)
app.initQgis()
sys.path.append(os.path.join(app.pkgDataPath(), "python", "plugins"))
from processing.core.Processing import Processing
Processing.initialize()
import processing
from zc_enforcement_plugin.processing.provider import EnforcementProvider
provider = EnforcementProvider()
QgsApplication.processingRegistry().addProvider(provider)
"""


def run_in_child(tmp_path: Path, case: str, *args: str, before: str = "") -> dict:
    """Run `before` (e.g. a memory limit, set before QGIS loads), the prelude, then `case`
    in a fresh Python; returns the OUTCOME object it printed."""
    script = tmp_path / "processing_child.py"
    script.write_text(before + _PRELUDE + case, encoding="utf-8")
    plugin_root = str(Path(zc_enforcement_plugin.__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, str(script), plugin_root, QgsApplication.prefixPath(), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    line = next(x for x in done.stdout.splitlines() if x.startswith("OUTCOME "))
    return json.loads(line.removeprefix("OUTCOME "))
