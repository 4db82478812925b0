"""The guard that keeps core/clock.py the one place the plugin reads the clock: ruff's banned-api
rule (TID251) in pyproject.toml, run here on modules as they would stand in the plugin."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

# Each way a module could ask this computer for the day or the time, as the plugin imports.
CLOCK_READS = {
    "date.today": "import datetime as dt\n\nday = dt.date.today()\n",
    "from datetime": "from datetime import date\n\nday = date.today()\n",
    "datetime.now": "import datetime\n\nmoment = datetime.datetime.now()\n",
    "datetime.utcnow": "from datetime import datetime\n\nmoment = datetime.utcnow()\n",
    "time.time": "import time\n\nseconds = time.time()\n",
    "time.localtime": "import time\n\nhere = time.localtime()\n",
    "QDate.currentDate": "from qgis.PyQt.QtCore import QDate\n\nday = QDate.currentDate()\n",
    "QDateTime.currentDateTime": (
        "from qgis.PyQt.QtCore import QDateTime\n\nmoment = QDateTime.currentDateTime()\n"
    ),
}


def banned_reads(source: str, module: str) -> list[str]:
    """The TID251 findings ruff makes of `source` as if it were the plugin's `module`, under
    the repository's own configuration."""
    checked = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "TID251", "--output-format",
         "concise", "--no-cache", "--stdin-filename", module, "-"],
        input=source,
        cwd=REPO,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert checked.returncode in (0, 1), checked.stderr  # 1: findings; anything else: ruff broke
    return [line for line in checked.stdout.splitlines() if "TID251" in line]


@pytest.mark.parametrize("read", CLOCK_READS)
def test_a_module_reading_the_clock_itself_is_refused_by_ruff(read):
    """A dock module that asks the computer for the day gets the day before until 08:00 Beijing
    time on a laptop set to UTC: each way of asking is refused, naming core/clock.py."""
    [finding] = banned_reads(CLOCK_READS[read], "zc_enforcement_plugin/ui/verdict_panel.py")
    assert "core/clock.py" in finding, finding


@pytest.mark.parametrize("read", CLOCK_READS)
def test_core_clock_itself_may_read_the_clock(read):
    """core/clock.py is where the clock is read: the rule leaves it alone."""
    assert banned_reads(CLOCK_READS[read], "zc_enforcement_plugin/core/clock.py") == []


def test_the_plugin_reads_the_clock_nowhere_but_core_clock():
    """The plugin as it stands: no module but core/clock.py reads the clock."""
    checked = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "TID251", "--no-cache",
         "--output-format", "concise", "zc_enforcement_plugin"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
