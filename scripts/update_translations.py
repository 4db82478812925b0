"""Collects every user-visible string of the plugin into the zh_CN .ts catalogue.

Strings are those passed to tr(), the DISPLAY_NAME / GROUP / HELP of algorithms and the values
of *_TITLES dicts (translated where they are shown). Existing translations are kept; new strings
are added as unfinished, for a translator to fill in with Qt Linguist or a text editor.
Usage: python scripts/update_translations.py [--check]   (--check: exit 1 if anything is missing)
"""

from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "zc_enforcement_plugin"
TS_FILE = PLUGIN / "resources" / "i18n" / "zc_enforcement_zh_CN.ts"
CONTEXT = "ZcEnforcement"
TRANSLATED_ATTRIBUTES = {"DISPLAY_NAME", "GROUP", "HELP"}


def _literal(node) -> str | None:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def source_strings() -> dict[str, str]:
    """Every translatable string -> the file it was first found in."""
    found: dict[str, str] = {}
    for path in sorted(PLUGIN.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            texts: list[str | None] = []
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args:
                texts.append(_literal(node.args[0]))
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                name = getattr(node.targets[0], "id", "")
                if name in TRANSLATED_ATTRIBUTES:
                    texts.append(_literal(node.value))
                elif name.endswith("_TITLES") and isinstance(node.value, ast.Dict):
                    texts += [_literal(value) for value in node.value.values]
            for text in texts:
                if text:
                    found.setdefault(text, str(path.relative_to(REPO)))
    return found


def read_catalogue(path: Path = TS_FILE) -> dict[str, str]:
    """source -> translation ('' when unfinished)."""
    if not path.exists():
        return {}
    root = ET.parse(path).getroot()
    catalogue = {}
    for message in root.iter("message"):
        translation = message.find("translation")
        unfinished = translation is not None and translation.get("type") == "unfinished"
        text = "" if translation is None or unfinished else (translation.text or "")
        catalogue[message.findtext("source")] = text
    return catalogue


def write_catalogue(
    strings: dict[str, str], catalogue: dict[str, str], path: Path = TS_FILE
) -> None:
    root = ET.Element("TS", version="2.1", language="zh_CN")
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for text, where in strings.items():
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "location", filename=where)
        ET.SubElement(message, "source").text = text
        translation = ET.SubElement(message, "translation")
        if catalogue.get(text):
            translation.text = catalogue[text]
        else:
            translation.set("type", "unfinished")
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", "utf-8"
    )


def main() -> int:
    strings = source_strings()
    catalogue = read_catalogue()
    missing = [text for text in strings if not catalogue.get(text)]
    if "--check" in sys.argv:
        for text in missing:
            print(f"untranslated: {text!r} ({strings[text]})")
        return 1 if missing else 0
    write_catalogue(strings, catalogue)
    print(f"{TS_FILE.relative_to(REPO)}: {len(strings)} strings, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
