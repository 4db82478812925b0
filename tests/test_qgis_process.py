"""The plugin works headless: qgis_process enables it, lists its algorithms and runs them."""

from __future__ import annotations

import re

import pytest

from scripts.qgisproc import enable_plugin, qgis_process
from zc_enforcement_plugin.core import domain


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    home = tmp_path_factory.mktemp("qgis_profile")
    enable_plugin(home)
    return home


def test_qgis_process_lists_the_provider(profile):
    listing = qgis_process(["list"], profile).stdout
    assert "zcenforcement:createdemodistrict" in listing
    assert "zcenforcement:screenspots" in listing


def test_qgis_process_help_documents_output_fields(profile):
    help_text = qgis_process(["help", "zcenforcement:screenspots"], profile).stdout
    fields = [name for name, _ in domain.screening_output_fields()]
    for word in (*fields, "AREA_METHOD", "OUTPUT_PIECES", "DEDUCT_RIDGES"):
        assert re.search(rf"(?<![\w]){word}(?![\w])", help_text), word


@pytest.mark.parametrize("algorithm", ["screenspots", "importspots"])
def test_qgis_process_help_is_plain_text(profile, algorithm):
    """qgis_process prints a help as it is: these two read <p><h3><ul><li><b> on the terminal."""
    help_text = qgis_process(["help", f"zcenforcement:{algorithm}"], profile).stdout
    assert not re.findall(r"</?[a-z][a-z0-9]*>", help_text)
    assert help_text.count("\n") > 10  # its paragraphs on lines of their own


def test_packaged_zip_installs_and_loads(tmp_path):
    """The zip of `make package` holds only the plugin folder, and QGIS loads it from there."""
    import subprocess
    import sysconfig
    import zipfile

    from scripts.qgisproc import REPO, environment

    archive = tmp_path / "zc_enforcement_plugin.zip"  # not the repository's own zip
    subprocess.run(
        ["make", "-s", "package", f"PACKAGE_ZIP={archive}"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    with zipfile.ZipFile(archive) as package:
        names = package.namelist()
        assert {name.split("/")[0] for name in names} == {"zc_enforcement_plugin"}
        assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".ts"))]
        assert "zc_enforcement_plugin/resources/i18n/zc_enforcement_zh_CN.qm" in names
        # The QGIS plugin repository refuses a package without its licence inside the folder.
        assert package.read("zc_enforcement_plugin/LICENSE") == (REPO / "LICENSE").read_bytes()
        plugins = tmp_path / "plugins"
        package.extractall(plugins)
    env = environment(tmp_path / "profile")
    # The installed copy, not the repository: neither the plugin path nor PYTHONPATH leads there.
    env["QGIS_PLUGINPATH"] = str(plugins)
    env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]
    for args in (["plugins", "enable", "zc_enforcement_plugin"], ["list"]):
        done = subprocess.run(
            ["/usr/bin/qgis_process.bin", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    assert "zcenforcement:screenspots" in done.stdout


def test_qgis_process_runs_an_audit_with_its_optional_ledger_left_empty(profile, demo, tmp_path):
    """LEDGER= (what the Processing dialog's empty box passes too) is no ledger: the audit runs
    on the plugin's deadline rules instead of stopping at 'No ledger given.'"""
    from scripts.qgisproc import run_algorithm
    from zc_enforcement_plugin.core import domain

    run_algorithm(
        "zcenforcement:audittemporaryland",
        {
            "APPROVALS": f"{demo.gpkg}|layername={domain.DEMO_LAYER_TEMPORARY_LAND}",
            "GROUND": f"{demo.gpkg}|layername={domain.DEMO_LAYER_GROUND}",
            "LEDGER": "",
            "OUTPUT": str(tmp_path / "records.gpkg"),
            "OUTPUT_VIOLATIONS": str(tmp_path / "violations.gpkg"),
        },
        profile,
    )
    assert (tmp_path / "records.gpkg").is_file()
