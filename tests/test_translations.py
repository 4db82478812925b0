"""Every user-visible string has a zh_CN translation; QGIS in Chinese shows the plugin so."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO
from qgis.PyQt.QtCore import QCoreApplication

from zc_enforcement_plugin.i18n import I18N_DIR, install_translator, tr


def test_every_string_is_translated():
    completed = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "update_translations.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout


def test_chinese_catalogue_is_used(qgis_app):
    assert (I18N_DIR / "zc_enforcement_zh_CN.qm").exists(), "run make translations"
    translator = install_translator("zh_CN")
    assert translator is not None
    try:
        assert tr("Screen spots") == "图斑叠加筛查"
        assert tr("ZC Enforcement") == "淄川卫片执法"
    finally:
        QCoreApplication.removeTranslator(translator)
    assert tr("Screen spots") == "Screen spots"
