"""The shared ledger's server encoding: a new ledger only in UTF8; a text another encoding
cannot hold, refused in words.

Only UTF8 holds every name the bureau types: EUC_CN is GB2312 and lacks characters in daily
use (堃, 喆, 橦 of 梓橦山, 𠮷), LATIN1 holds no Chinese at all. psycopg2 converts every text to
the server's encoding before it sends a statement, so a save of such a text stopped with
Python's bare UnicodeEncodeError. install refuses to create a ledger in any encoding but UTF8;
a ledger installed in one by an earlier plugin is kept opening (what it holds stays readable),
warned of once on opening, and a save of a text it cannot hold is refused with a LedgerError
naming the character, the field and the spot (unencodable_error), its transaction rolled back.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping
from typing import Any

from .domain import SPOT_NUMBER
from .ledger_records import LedgerError, SpotRecord

# The server encoding install creates a ledger in.
LEDGER_ENCODING = "UTF8"

# What the administrator does about a database in another encoding, in each half of a message.
_MAKE_UTF8 = (
    "请新建 UTF8 编码的数据库（CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0）",
    "create a database in UTF8 (CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0)",
)


def new_ledger_refusal(database: str, encoding: str) -> LedgerError:
    """install's refusal to create a ledger in a database whose server encoding is not UTF8,
    before anything is changed."""
    return LedgerError(
        f"数据库 {database} 的服务器编码为 {encoding}，不能保存台帐中所有的字"
        f"（{_lacks(encoding)[0]}），未做任何更改；{_MAKE_UTF8[0]}后在其中运行 "
        f"ledger_postgis.install / the database {database!r} has the server encoding "
        f"{encoding}, which cannot hold every character of the ledger's names "
        f"({_lacks(encoding)[1]}): nothing was changed. Create a database in UTF8 "
        "(CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0) and run ledger_postgis.install "
        "in it"
    )


def not_utf8_notice(database: str, encoding: str) -> str:
    """What opening (or upgrading) a ledger an earlier plugin installed in another encoding
    says once: it opens and reads as before, but a text outside its encoding cannot be saved."""
    return (
        f"台帐所在数据库 {database} 的服务器编码为 {encoding}，而非 UTF8：{_lacks(encoding)[0]}。"
        "台帐照常打开，已记录的内容不受影响，但含该编码所没有的字的保存将被拒绝（指明图斑、字段和字）"
        f"；请管理员{_MAKE_UTF8[0]}，用“复制台帐”（copyledger）经 GeoPackage 将台帐迁入其中 / the "
        f"ledger's database {database!r} has the server encoding {encoding}, not UTF8: "
        f"{_lacks(encoding)[1]}. The ledger opens as before and nothing recorded is affected, "
        "but a save holding a character outside that encoding is refused (naming the spot, the "
        f"field and the character). Ask the administrator to {_MAKE_UTF8[1]} and move the "
        "ledger into it with copyledger, through a GeoPackage"
    )


def _lacks(encoding: str) -> tuple[str, str]:
    """What ``encoding`` lacks, in Chinese and in English."""
    if encoding == "EUC_CN":
        return (
            "EUC_CN 即 GB2312，没有堃、喆、橦等常用字",
            "EUC_CN is GB2312, which lacks characters in daily use such as 堃, 喆 and 橦",
        )
    if encoding.startswith(_HOLDING_SOME_CHINESE):
        return f"{encoding} 没有许多汉字", f"{encoding} lacks many Chinese characters"
    return f"{encoding} 没有汉字", f"{encoding} holds no Chinese characters"


# Server encodings (PostgreSQL's names) holding some Chinese characters, not all: EUC_CN, EUC_TW,
# EUC_JP, EUC_KR, EUC_JIS_2004, MULE_INTERNAL. The others (LATIN1, WIN1252, KOI8R, …) hold none.
_HOLDING_SOME_CHINESE = ("EUC_", "MULE_")


@dataclasses.dataclass(frozen=True)
class Place:
    """Where a text the server's encoding cannot hold was given: the field (a spot's field
    as delivered, XZMC; a record's, verifier; an argument's, batch_name), the text and its
    first character outside the encoding, and the spot's number when the text is one of a
    delivered spot's fields."""

    field: str
    text: str
    character: str
    spot: str | None = None


def place_of(codec: str, arguments: Mapping[str, Any]) -> Place | None:
    """The first text among a save's ``arguments`` (name -> value, as the save was called)
    that ``codec`` (Python's name of the server's encoding) cannot encode, or None."""
    for name, value in arguments.items():
        for field, text, spot in _texts(value, name, None):
            character = _first_unencodable(text, codec)
            if character is not None:
                return Place(field, text, character, spot)
    return None


def _texts(value: Any, field: str, spot: str | None) -> Iterator[tuple[str, str, str | None]]:
    """(field, text, spot number) of every text in ``value``: a record's by its field's name,
    a delivered spot's by its own field's name and its number, a mapping's keys and values."""
    if isinstance(value, str):
        yield field, value, spot
    elif isinstance(value, os.PathLike):
        yield field, os.fspath(value), spot
    elif isinstance(value, SpotRecord):
        number = value.attributes.get(SPOT_NUMBER)
        for key, item in value.attributes.items():
            yield from _texts(item, key, None if number is None else str(number))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for each in dataclasses.fields(value):
            yield from _texts(getattr(value, each.name), each.name, spot)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(key, field, spot)
            yield from _texts(item, f"{field}[{key}]", spot)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _texts(item, field, spot)


def _first_unencodable(text: str, codec: str) -> str | None:
    try:
        text.encode(codec)
    except UnicodeEncodeError as error:
        return text[error.start]
    except LookupError:  # an encoding Python has no codec of: psycopg2 could not have sent it
        return None
    return None


def unencodable_error(
    database: str,
    encoding: str,
    character: str | None,
    where: tuple[str, str],
    reading: bool = False,
) -> LedgerError:
    """The refusal of a text the server's ``encoding`` cannot hold: ``character`` (shown with
    its code point, as a font may lack it; None where it must not be shown), ``where`` it was
    given (in Chinese and in English, each naming its text), and that nothing was saved (or
    read)."""
    if character is None:
        said_zh, said_en = "不能保存其中的字", "which cannot hold a character"
    else:
        point = f"U+{ord(character):04X}"
        said_zh = f"不能保存字“{character}”（{point}）"
        said_en = f"which cannot hold the character {character!r} ({point})"
    done_zh, done_en = ("未能读取", "nothing was read")
    if not reading:
        done_zh, done_en = ("已撤销，未保存任何内容", "nothing was saved")
    return LedgerError(
        f"台帐所在数据库 {database} 的服务器编码为 {encoding}，{said_zh}：{where[0]}；{done_zh}。"
        "请改用该编码所有的字，或请管理员将台帐迁入 UTF8 编码的数据库 / the ledger's database "
        f"{database!r} has the server encoding {encoding}, {said_en} of {where[1]}: {done_en}. "
        "Use characters that encoding has, or ask the administrator to move the ledger into a "
        "database in UTF8"
    )


def place_words(place: Place, subject: tuple[str, str] | None) -> tuple[str, str]:
    """Where ``place`` is, in Chinese and in English: its spot's number (``subject``, what the
    save was of, when the place holds none: a spot, case or patrol), its field and its text."""
    if place.spot is not None:
        subject = (f"图斑 {place.spot} ", f" of spot {place.spot}")
    zh, en = subject or ("", "")
    return (
        f"{zh}{'的' if zh else ''}字段 {place.field}（“{place.text}”）",
        f"the field {place.field}{en} ({place.text!r})",
    )
