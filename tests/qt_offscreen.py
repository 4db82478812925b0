"""Loaded with -p before pytest-qgis starts Qt: tests never need a screen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
