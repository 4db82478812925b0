"""The core's messages carry both languages, "中文 / English": it runs without QGIS, in scripts
and qgis_process logs, where no catalogue says which language the reader wants (README,
Translations). Found by review: screening's and the campaigns' warnings were Chinese alone,
so a qgis_process log in an English locale read `图斑 37030220260222：几何为空，面积记为 0`."""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from tests.core_geometries import EPSG, X0, Y0, arr, box
from zc_enforcement_plugin.core import audit_base, domain
from zc_enforcement_plugin.core import campaigns_schema as cs
from zc_enforcement_plugin.core.screening import PLANAR, LayerInput, screen_spots
from zc_enforcement_plugin.i18n import BILINGUAL_SEPARATOR, _in_chinese

CORE = Path(__file__).resolve().parents[1] / "zc_enforcement_plugin" / "core"
HAN = re.compile("[\u4e00-\u9fff]")


def assert_bilingual(messages: list[str]) -> None:
    """Each message has both halves, and its Chinese half alone (as a Chinese QGIS shows it)
    names every value the line does: else the dock would show the whole line."""
    assert messages
    for message in messages:
        for line in message.split("\n"):
            assert BILINGUAL_SEPARATOR in line, f"Chinese only: {line}"
            chinese = _in_chinese(line)
            assert chinese != line and HAN.search(chinese), f"halves not told apart: {line}"
            assert not re.search(r"\b(spot|layer|feature)\b", chinese), line


def test_every_kind_of_screening_message_has_an_english_half():
    """Spots and layers made to give each message screening has, all in one run."""
    sliver_red = [box(499.96, 0, 600, 0.1), box(300, 50, 400.04, 50.1)]
    long_red = [box(700 + k, 0, 701 + k, 100) for k in range(10)]
    red = LayerInput(
        arr(*sliver_red, *long_red),
        np.array(["HX-1", "HX-2", *[f"红线{k:02d}" + "甲" * 40 for k in range(10)]], dtype=object),
        name="STHX（red.gpkg）",
        feature_ids=np.arange(12),
    )
    land = LayerInput(
        arr(box(0, 0, 60, 100), box(40, 0, 100, 100), box(100, 0, 200, 100), box(200, 0, 300, 100)),
        np.array(["P0", "P1", "P2", "P3"], dtype=object),
        np.array(["0101", "0201", "99XX", "0101"], dtype=object),
        np.array([None, 0.1, 0.1, 2.0], dtype=object),
        name="DLTB（land.gpkg）",
    )
    spots = [
        box(0, 0, 100, 100),  # OVERLAP: two parcels overlap inside it; KCXS empty
        box(100, 0, 200, 100),  # UNKNOWN: a class code no group has
        box(200, 0, 300, 100),  # KCXS: 2.0, outside 0..1
        box(400, 0, 500, 100),  # SLIVERS: two red-line slivers set SFSTHX
        box(690, 0, 720, 100),  # LONG: red lines whose names overflow STHXBH
        shapely.Polygon([(X0 + 900, Y0), (X0 + 910, Y0 + 10), (X0 + 910, Y0), (X0 + 900, Y0 + 10)]),
        None,  # NONE
        shapely.Polygon(),  # EMPTY
        shapely.Polygon([(X0 + 950, Y0), (X0 + 960, Y0), (X0 + 970, Y0), (X0 + 950, Y0)]),
        shapely.Polygon([(X0, Y0), (X0 + 1, np.nan), (X0 + 1, Y0 + 1), (X0, Y0)]),  # NAN
        box(1000, 0, 1010, 10),  # DUP
        box(1020, 0, 1030, 10),  # DUP
    ]
    keys = [
        *["OVERLAP", "UNKNOWN", "KCXS", "SLIVERS", "LONG", "TIE", "NONE", "EMPTY", "LINE"],
        *["NAN", "DUP", "DUP"],
    ]
    result = screen_spots(
        arr(*spots),
        keys,
        {domain.LAYER_LAND_USE: land, domain.LAYER_RED_LINE: red},
        EPSG,
        PLANAR,
        deduct_ridges=True,
    )
    said = "\n".join(result.messages)
    for kind in (
        "编号重复",
        "坐标含非数值",
        "几何无效",
        "无几何",
        "几何为空",
        "几何无面状部分",
        "的压占各自显示为 0.00 m²",
        "超过字段长度",
        "相互重叠",
        "无法归类",
        "不是数字",  # KCXS empty
        "不在 0..1 之间",
    ):
        assert kind in said, f"{kind} not given: {said}"
    assert_bilingual(result.messages)

    # Spellings importspots takes for one number are duplicates here too (full width, lost
    # zeros); a spreadsheet's scientific notation is said as what importspots will refuse.
    spelled = screen_spots(
        arr(box(0, 0, 10, 10), box(20, 0, 30, 10), box(40, 0, 50, 10), box(60, 0, 70, 10)),
        ["３７０３０２１", "3703021", "0003703021", "3.7030220260001E+13"],
        {},
        EPSG,
        PLANAR,
    )
    said = "\n".join(spelled.messages)
    assert "编号重复（３７０３０２１、3703021、0003703021）（3 个）" in said, said
    assert "科学计数法" in said and "scientific notation" in said
    assert_bilingual(spelled.messages)

    # No KCXS field at all, ridges to deduct: said once for the layer.
    land.ridge_coefficients = None
    result = screen_spots(
        arr(box(0, 0, 100, 100)),
        ["S"],
        {domain.LAYER_LAND_USE: land},
        EPSG,
        PLANAR,
        deduct_ridges=True,
    )
    assert any(domain.RIDGE_COEFFICIENT in m for m in result.messages), result.messages
    assert_bilingual(result.messages)


def test_the_campaigns_messages_name_layer_feature_and_field_in_both_languages():
    """cs.say and the repairs and column readers built on it (every campaign algorithm's
    input checks)."""
    messages: list[str] = []
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    line_only = shapely.Polygon([(0, 0), (10, 0), (20, 0), (0, 0)])
    cs.repair(
        arr(bowtie, None, shapely.Polygon(), line_only),
        ["1", "2", "3", "4"],
        "JCTB",
        messages,
        keep_polygonal=True,
        crs=EPSG,
    )
    ids = ["A", "B"]
    audit_base.number_column(["x", -1], 2, "PZ", ids, "PZMJ", messages)
    audit_base.level_column([1.5, 2], 2, "PZ", ids, "PZJB", messages)
    audit_base.date_column(["明天", "2026-01-01"], 2, "PZ", ids, "JZRQ", messages)
    audit_base.flag_column(["也许", "是"], 2, "PZ", ids, "SFJC", messages)
    audit_base.feature_ids(["W1", "", "W1"], "PZ", "PZWH", cs.APPROVAL_NUMBER_WORDS, messages)
    assert len(messages) >= 10, messages
    assert any("layer JCTB, feature 1, field geometry: invalid geometry" in m for m in messages)
    assert_bilingual(messages)


# --- structurally: every message the core writes, in every module -----------------------------
# Lists of messages a run hands to the log (result.messages, warnings, notes of a polygonize).
MESSAGE_LISTS = re.compile(r"^(messages|msgs|warnings|notes)$")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}[ ,:]+[A-Za-z]+")


def _text(node: ast.AST) -> str:
    """The literal text of a string expression, "{}" for each value put into it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(v) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _text(node.left) + _text(node.right)
    return ""


def _target(call: ast.Call) -> tuple[str, str]:
    """(method or function name, the name of what it is called on)."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id, ""
    if isinstance(func, ast.Attribute):
        owner = func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        return func.attr, name
    return "", ""


def core_message_sites() -> list[tuple[str, int, str, list[str]]]:
    """(file, line, kind, texts) of every message the core writes into a message list, says
    with cs.say, or raises with Chinese in it."""
    sites = []
    for path in sorted(CORE.glob("*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            name, owner = _target(call)
            texts = [_text(arg) for arg in call.args]
            if name in ("append", "extend", "insert") and MESSAGE_LISTS.match(owner):
                kind = "message"
            elif name == "say":
                kind = "say"
            elif name.endswith(("Error", "Exception")) and name[:1].isupper():
                kind = "error"
            else:
                continue
            if any(HAN.search(text) for text in texts):
                sites.append((path.name, call.lineno, kind, texts))
    return sites


def test_every_core_message_is_written_in_both_languages():
    sites = core_message_sites()
    # The check sees the messages it is meant to (screening's, the campaigns', the ledger's):
    # a rename of the message lists must not leave it checking nothing.
    kinds = {kind for _, _, kind, _ in sites}
    assert kinds == {"message", "say", "error"} and len(sites) > 60, sites
    files = {name for name, *_ in sites}
    assert {"screening.py", "screening_land.py", "campaigns_schema.py", "three_zones.py"} <= files

    wrong = []
    for name, line, kind, texts in sites:
        if kind == "message":
            ok = any(BILINGUAL_SEPARATOR in text for text in texts)
        elif kind == "say":  # say(messages, layer, fid, field, 中文, English)
            ok = len(texts) == 6 and bool(ENGLISH_WORDS.search(texts[5]))
        else:  # an error's English may be a separate argument (ProcedureError) or in brackets
            ok = bool(ENGLISH_WORDS.search(" ".join(texts)))
        if not ok:
            wrong.append(f"{name}:{line} ({kind}): {' | '.join(t for t in texts if t)}")
    assert not wrong, "core messages without their English half:\n" + "\n".join(wrong)


# --- a "中文 / English" pair put into the Chinese half of another message -----------------------
def test_a_case_refused_on_a_spot_not_judged_illegal_says_why_in_each_language(tmp_path):
    """Found in a day in QGIS: C on a spot not judged illegal said "…不能立案：尚未判定 / it has
    no verdict yet；只有…": the verdict, a pair of its own, sat inside the Chinese half."""
    import pytest

    from tests.test_ledger_cases import _illegal, _spot
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.core.cases import ORIGIN_SPOT
    from zc_enforcement_plugin.core.ledger import CaseError, GeoPackageLedger

    with GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        store.import_batch("b", [_spot("S1", 0), _spot("S2", 1), _spot("S3", 2)])
        s1, s2, s3 = (s.id for s in sorted(store.spots(), key=lambda s: s.number))
        store.record_verdict(
            s2, _illegal(category=ls.VERDICT_LEGAL, kind="农转用", approval_number="鲁政")
        )
        store.record_verdict(s3, _illegal(category=ls.VERDICT_OTHER, kind="伪变化"))
        refusals = []
        for spot_id in (s1, s2, s3):
            with pytest.raises(CaseError) as refused:
                store.open_case(ORIGIN_SPOT, spot_id=spot_id)
            refusals.append(str(refused.value))
    assert_bilingual(refusals)
    for message, said_zh, said_en in zip(
        refusals,
        ("尚未判定", "合法", "其他"),
        ("no verdict", "verdict is legal", "verdict is other"),
        strict=True,
    ):
        chinese = _in_chinese(message)
        assert said_zh in chinese and said_en in message.split(BILINGUAL_SEPARATOR)[-1], message
        assert not re.search("[A-Za-z]{3,}", chinese), chinese


def _returns_pair(function: ast.FunctionDef) -> bool:
    """Whether ``function`` returns a whole "中文 / English" pair (not a tuple of halves, nor
    a list of lines)."""
    return any(
        isinstance(node, ast.Return)
        and not isinstance(node.value, (ast.Tuple, ast.List, ast.ListComp))
        and BILINGUAL_SEPARATOR in _literal_text(node.value)
        for node in ast.walk(function)
    )


def _pair_positions(function: ast.FunctionDef) -> set[int]:
    """The places in the tuples ``function`` returns that hold a whole pair ("return None,
    '几何为空 / empty geometry'")."""
    return {
        position
        for node in ast.walk(function)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple)
        for position, element in enumerate(node.value.elts)
        if BILINGUAL_SEPARATOR in _literal_text(element)
    }


@dataclass
class _Pairs:
    """What in one module holds a whole pair: names (module constants, imported ones, a
    function's own), functions and methods returning one, and functions returning one in a
    tuple (by place); and what holds a list of whole pairs: a function's names, functions
    returning one and the parameters a call passes one to (these two by function name, over
    the whole core: refresh_changes' pairs were joined in say_changes, called elsewhere)."""

    names: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)
    in_tuples: dict[str, set[int]] = field(default_factory=dict)
    lists: set[str] = field(default_factory=set)
    list_functions: set[str] = field(default_factory=set)
    list_parameters: dict[str, set[str]] = field(default_factory=dict)

    def holds(self, node: ast.AST) -> bool:
        """Whether the value of ``node`` is a whole pair, or a text holding one (not a list of
        them, nor what is worked out from one: its length, its lines joined)."""
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str) and BILINGUAL_SEPARATOR in node.value
        if isinstance(node, ast.Name):
            return node.id in self.names
        if isinstance(node, ast.Call):
            return self._pair_call(node)
        if isinstance(node, ast.IfExp):
            return self.holds(node.body) or self.holds(node.orelse)
        if isinstance(node, ast.BoolOp):
            return any(self.holds(value) for value in node.values)
        if isinstance(node, (ast.JoinedStr, ast.FormattedValue, ast.BinOp)):
            return any(self.holds(child) for child in ast.iter_child_nodes(node))
        return False

    def holds_list(self, node: ast.AST) -> bool:
        """Whether the value of ``node`` is a list (or tuple) holding whole pairs."""
        if isinstance(node, ast.Name):
            return node.id in self.lists
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return node.func.id in self.list_functions
        if isinstance(node, (ast.List, ast.Tuple)):
            return any(self.holds(element) for element in node.elts)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
            return self.holds(node.elt)
        return False

    def _pair_call(self, call: ast.Call) -> bool:
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "join"
            and isinstance(func.value, ast.Constant)
            and isinstance(func.value.value, str)
            and "\n" not in func.value.value  # lines of their own
            and len(call.args) == 1
        ):
            # "; ".join(changes): pairs run together in one line, all in one of its halves
            return self.holds_list(call.args[0])
        if isinstance(call.func, ast.Name):
            return call.func.id in self.functions
        # self._default_login_note(): a method of the class the message is built in
        return (
            isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id in ("self", "cls")
            and call.func.attr in self.methods
        )

    def with_names_of(self, function: ast.FunctionDef) -> _Pairs:
        """These, and the names ``function`` assigns a pair to (tuples unpacked by place)."""
        local = _Pairs(
            set(self.names),
            self.functions,
            self.methods,
            self.in_tuples,
            set(self.list_parameters.get(function.name, ())),
            self.list_functions,
            self.list_parameters,
        )
        for _ in range(2):  # a list filled before it is named again further on
            for node in ast.walk(function):
                if isinstance(node, ast.Assign) and local.holds_list(node.value):
                    local.lists |= {t.id for t in node.targets if isinstance(t, ast.Name)}
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.args
                    and (
                        (node.func.attr in ("append", "insert") and local.holds(node.args[-1]))
                        or (node.func.attr == "extend" and local.holds_list(node.args[0]))
                    )
                ):
                    local.lists.add(node.func.value.id)
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and local.holds(node.value):
                local.names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id in self.in_tuples
            ):
                for target in node.targets:
                    if isinstance(target, ast.Tuple):
                        local.names |= {
                            element.id
                            for position, element in enumerate(target.elts)
                            if isinstance(element, ast.Name)
                            and position in self.in_tuples[node.value.func.id]
                        }
        return local


def _pairs_by_module(trees: dict[Path, ast.Module]) -> dict[Path, _Pairs]:
    """Per module, what holds a whole "中文 / English" pair, its own and imported from another
    core module (by module: two modules' ``row`` are not one function)."""
    own = {}
    for path, tree in trees.items():
        top = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        own[path] = _Pairs(
            names={
                target.id
                for node in tree.body
                if isinstance(node, ast.Assign) and BILINGUAL_SEPARATOR in _literal_text(node.value)
                for target in node.targets
                if isinstance(target, ast.Name)
            },
            functions={function.name for function in top if _returns_pair(function)},
            methods={
                method.name
                for node in tree.body
                if isinstance(node, ast.ClassDef)
                for method in node.body
                if isinstance(method, ast.FunctionDef) and _returns_pair(method)
            },
            in_tuples={
                function.name: _pair_positions(function)
                for function in top
                if _pair_positions(function)
            },
        )
    seen = {}
    list_functions: set[str] = set()
    list_parameters: dict[str, set[str]] = {}
    for path, tree in trees.items():
        pairs = own[path]
        seen[path] = _Pairs(
            set(pairs.names),
            set(pairs.functions),
            pairs.methods,
            dict(pairs.in_tuples),
            list_functions=list_functions,
            list_parameters=list_parameters,
        )
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                source = own.get(path.parent / f"{node.module}.py", _Pairs())
                for alias in node.names:
                    name = alias.asname or alias.name
                    if alias.name in source.names:
                        seen[path].names.add(name)
                    if alias.name in source.functions:
                        seen[path].functions.add(name)
                    if alias.name in source.in_tuples:
                        seen[path].in_tuples[name] = source.in_tuples[alias.name]
    _follow_lists_of_pairs(trees, seen)
    return seen


def _follow_lists_of_pairs(trees: dict[Path, ast.Module], seen: dict[Path, _Pairs]) -> None:
    """Fill the shared list_functions and list_parameters: the functions returning a list of
    whole pairs, and the parameters a call by name passes one to, followed through calls until
    nothing more is found."""
    functions = [
        (path, node)
        for path, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    ]
    parameters = {function.name: function.args for _, function in functions}
    pairs = next(iter(seen.values()), _Pairs())
    while True:
        before = (len(pairs.list_functions), sum(map(len, pairs.list_parameters.values())))
        for path, function in functions:
            local = seen[path].with_names_of(function)
            for node in ast.walk(function):
                if isinstance(node, ast.Return) and node.value and local.holds_list(node.value):
                    pairs.list_functions.add(function.name)
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                callee = parameters.get(node.func.id)
                if callee is None:
                    continue
                names = [a.arg for a in callee.posonlyargs + callee.args]
                passed = [*zip(names, node.args), *((k.arg, k.value) for k in node.keywords)]
                for name, value in passed:
                    if name and local.holds_list(value):
                        pairs.list_parameters.setdefault(node.func.id, set()).add(name)
        if before == (len(pairs.list_functions), sum(map(len, pairs.list_parameters.values()))):
            return


def _literal_text(node: ast.AST | None) -> str:
    """Every string literal in ``node``, run together."""
    if node is None:
        return ""
    return "".join(
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


def _pieces(node: ast.AST, pairs: _Pairs) -> list[str | ast.AST]:
    """A message built by f-string or ``+``, as the text it writes and the values it puts in,
    in order: a value holding a whole pair as its node, any other value as "" (it says no
    language of its own)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [piece for part in node.values for piece in _pieces(part, pairs)]
    if isinstance(node, ast.FormattedValue):
        return _pieces(node.value, pairs)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _pieces(node.left, pairs) + _pieces(node.right, pairs)
    return [node] if pairs.holds(node) else [""]


def _is_text(node: ast.AST, pairs: _Pairs) -> bool:
    """Whether ``node`` builds a text by f-string or ``+`` (not lists added, nor numbers)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_text(node.left, pairs) or _is_text(node.right, pairs)
    return (
        isinstance(node, ast.JoinedStr)
        or (isinstance(node, ast.Constant) and isinstance(node.value, str))
        or pairs.holds(node)
    )


def _misplaced_pairs(pieces: list[str | ast.AST]) -> list[ast.AST]:
    """The pairs put into a line that says anything besides: a line is "中文 / English", so a
    whole pair in it, before its separator (at its very start too), after it, or glued on after
    a complete pair, puts one language into the other's half. A pair that is all a line says
    (with values and punctuation round it) is a line of its own, as a "\\n" starts one."""
    found: list[ast.AST] = []
    line: list[str | ast.AST] = []
    for piece in [*pieces, "\n"]:
        texts = piece.split("\n") if isinstance(piece, str) else [piece]
        for number, text in enumerate(texts):
            if number:  # a new line
                in_line = [p for p in line if not isinstance(p, str)]
                says = any(
                    isinstance(p, str) and (HAN.search(p) or BILINGUAL_SEPARATOR in p) for p in line
                )
                if len(in_line) > 1 or (in_line and says):
                    found += in_line
                line = []
            line.append(text)
    return found


def pairs_inside_a_chinese_half() -> list[str]:
    """Where a value holding a whole pair (a name assigned one, a module's constant, the call of
    a function or of a method on self returning one, a tuple's place holding one) is put into
    a message, by f-string or ``+``, beside Chinese words or another separator: one half then
    holds the other's language, and a Chinese QGIS (i18n._chinese_half) shows English."""
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(CORE.glob("*.py"))
    }
    pairs_of = _pairs_by_module(trees)
    found: dict[str, None] = {}  # in order, each once
    for path, tree in trees.items():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            pairs = pairs_of[path].with_names_of(function)
            inner = {
                id(child)
                for node in ast.walk(function)
                if isinstance(node, (ast.BinOp, ast.JoinedStr, ast.FormattedValue))
                for child in ast.iter_child_nodes(node)
            }
            for message in ast.walk(function):
                if id(message) in inner or not (
                    isinstance(message, (ast.JoinedStr, ast.BinOp)) and _is_text(message, pairs)
                ):
                    continue  # a part of a message, seen with it whole
                for pair in _misplaced_pairs(_pieces(message, pairs)):
                    found[f"{path.name}:{message.lineno}: {ast.unparse(pair)}"] = None
    return list(found)


def test_no_message_puts_a_pair_inside_its_chinese_half():
    assert not pairs_inside_a_chinese_half()


def test_the_check_for_pairs_inside_a_chinese_half_finds_one(tmp_path, monkeypatch):
    """The check above sees the way the case refusal was written (a pair assigned to a name,
    and a function returning one), not only code that passes it."""
    (tmp_path / "sample.py").write_text(
        "def said(verdict):\n"
        "    now = '尚未判定 / no verdict yet'\n"
        "    return f'图斑不能立案：{now}；只有违法的图斑 / no case: {now}'\n"
        "def name(i):\n"
        "    return f'要素 / feature {i}'\n"
        "def misfit(i):\n"
        "    return f'图斑 {name(i)} 不符 / spot {name(i)} does not fit'\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "CORE", tmp_path)
    assert {line.split(": ")[0] for line in pairs_inside_a_chinese_half()} == {
        "sample.py:3",
        "sample.py:7",
    }


def test_the_check_sees_a_pair_at_a_lines_start_after_a_value_from_self_or_glued_on(
    tmp_path, monkeypatch
):
    """The ways the check above once missed (found by review): a pair that starts the line or
    follows only a value and punctuation, one a method on self returns, one in a tuple's
    place, and a whole pair glued on with ``+`` after a complete one; not a pair that is a
    line of its own."""
    (tmp_path / "shapes.py").write_text(
        "def shape(g):\n    return None, '图斑须为面 / a spot must be a polygon'\n",
        encoding="utf-8",
    )
    (tmp_path / "sample.py").write_text(
        "from .shapes import shape\n"
        "NOT_IMPORTED = '；未导入 / not imported'\n"
        "def why(text):\n"
        "    return '含替换字符 / contains U+FFFD'\n"
        "def field(label, text):\n"
        "    what = '字段名 / field name' if label else '字段值 / value'\n"
        "    return f'{what} {text!r}: 无法读取 / unreadable'\n"
        "def value(text):\n"
        "    return f'{text!r}：{why(text)}；未导入 / not imported'\n"
        "class Session:\n"
        "    def note(self):\n"
        "        return '；以 bob 登录 / logs in as bob'\n"
        "    def refusal(self):\n"
        "        return f'无权 / no rights {1}' + self.note()\n"
        "def geometry(g):\n"
        "    _, problem = shape(g)\n"
        "    return problem + NOT_IMPORTED\n"
        "def alone(g, lines):\n"
        "    _, problem = shape(g)\n"
        "    return f'{g}: {problem}' + '\\n' + f'{why(g)}' + '\\n'.join(lines)\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "CORE", tmp_path)
    assert set(pairs_inside_a_chinese_half()) == {
        "sample.py:7: what",
        "sample.py:9: why(text)",
        "sample.py:14: self.note()",
        "sample.py:17: problem",
        "sample.py:17: NOT_IMPORTED",
    }


def test_the_check_sees_a_list_of_pairs_joined_into_a_line(tmp_path, monkeypatch):
    """The way the refresh's warning was written (found by review): a list filled with whole
    pairs (appended, extended from a function returning such a list), handed to a function in
    another module that joins it into one line; not a list of pairs joined into lines."""
    (tmp_path / "changes.py").write_text(
        "def outline(g):\n"
        "    said = []\n"
        "    said.append(f'图形移动 {g} m / outline moved {g} m')\n"
        "    return said\n"
        "def changes(g):\n"
        "    found = []\n"
        "    found.extend(outline(g))\n"
        "    found.append('压占已删除 / pieces removed')\n"
        "    return found\n"
        "def say(key, changed):\n"
        "    return f'{key} 改变了 / changes: {\"; \".join(changed)}'\n"
        "def lines(changed):\n"
        "    return '\\n'.join(changed)\n",
        encoding="utf-8",
    )
    (tmp_path / "store.py").write_text(
        "from .changes import changes, lines, say\n"
        "class Store:\n"
        "    def refresh(self, key, g):\n"
        "        found = changes(g)\n"
        "        return say(key, found), lines(changed=found)\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "CORE", tmp_path)
    assert pairs_inside_a_chinese_half() == ["changes.py:11: '; '.join(changed)"]
