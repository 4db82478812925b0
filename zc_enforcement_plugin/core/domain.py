"""The one place for the domain's facts: field names, class codes, CRSs, units and thresholds.

Everything else imports from here: a field is spelled here and nowhere else (campaigns_schema.py
and ledger_schema.py add the campaigns' fields and the ledger's columns, and take these names
where they share one). Values marked "(verify)" in DOMAIN.md are defaults a bureau may override,
never facts the code relies on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# --- coordinates (DOMAIN.md §4) --------------------------------------------------------------
EPSG_CGCS2000_GEOGRAPHIC = 4490
EPSG_GK3_ZONE39_PREFIXED = 4527  # x carries the zone number: 39,5xx,xxx
# CGCS2000 3-degree Gauss-Krüger zones 25..45: zone-prefixed EPSG codes are 4513 + (zone - 25),
# unprefixed ones 4534 + (zone - 25) (both for central meridians 75°E..135°E).
GK3_PREFIXED_EPSG_BASE = 4513
GK3_PLAIN_EPSG_BASE = 4534
CHINA_LON_LAT_BOUNDS = (73.0, 3.0, 136.0, 54.0)  # west, south, east, north, with a margin
GK3_FIRST_ZONE = 25
GK3_LAST_ZONE = 45

# CGCS2000 ellipsoid: same a and 1/f as GRS80 to the precision that matters for areas.
CGCS2000_A = 6378137.0
CGCS2000_INV_F = 298.257222101

# --- units ---------------------------------------------------------------------------------
MU_PER_HECTARE = 15  # 1 亩 = 10000/15 m² (DOMAIN §4): whole numbers, for exact conversion
SQM_PER_HECTARE = 10000
SQM_PER_MU = SQM_PER_HECTARE / MU_PER_HECTARE  # 666.67 m², for drawing and estimates only
AREA_DECIMALS = 2  # reports show m² and 亩 to 2 decimals
# The units as a field's label names them: 图斑面积（平方米）, 图斑面积（亩）.
UNIT_SQM_ZH = "平方米"
UNIT_MU_ZH = "亩"

# --- the district -----------------------------------------------------------------------------
ZICHUAN_COUNTY_CODE = "370302"

# --- spot batch fields (DOMAIN.md §2) ------------------------------------------------------------
SPOT_NUMBER = "JCBH"  # county code + year + sequence
SPOT_COUNTY_CODE = "XZQDM"
SPOT_TYPE = "TBLX"
SPOT_EARLIER_DATE = "QSX"
SPOT_LATER_DATE = "HSX"
SPOT_MONITORED_AREA = "JCMJ"

# --- land-use parcels, third national survey (DOMAIN.md §3) --------------------------------------
LAND_CLASS_CODE = "DLBM"
LAND_CLASS_NAME = "DLMC"
RIDGE_COEFFICIENT = "KCXS"  # field-ridge deduction coefficient, 0..1
# Above it a KCXS is said, though deducted: ridges take a few hundredths of flat land and well
# under half of the steepest terraces, so 0.8 or 1 is more likely a percentage typed as a number.
RIDGE_COEFFICIENT_USUAL_MAX = 0.5
VILLAGE_CODE = "ZLDWDM"

CULTIVATED_CODES = ("0101", "0102", "0103")  # paddy, irrigated, dry

# Land-class groups of the area split. Order matters: it is the precedence used when parcels of
# different groups overlap inside a spot (bad data), so the split still adds up to the spot area.
LAND_GROUP_CULTIVATED = "cultivated"
LAND_GROUP_AGRICULTURAL = "agricultural"
LAND_GROUP_CONSTRUCTION = "construction"
LAND_GROUP_UNUSED = "unused"
LAND_GROUPS = (
    LAND_GROUP_CULTIVATED,
    LAND_GROUP_AGRICULTURAL,
    LAND_GROUP_CONSTRUCTION,
    LAND_GROUP_UNUSED,
)


# Codes whose group in the survey's three-class table differs from their two-digit head.
GROUP_EXCEPTIONS = {
    "0404": LAND_GROUP_UNUSED,  # other grassland: 未利用地 in the three-class table
    "1006": LAND_GROUP_AGRICULTURAL,  # rural road
    "1104": LAND_GROUP_AGRICULTURAL,  # ponds
    "1107": LAND_GROUP_AGRICULTURAL,  # ditches
    "1202": LAND_GROUP_AGRICULTURAL,  # facility agricultural land
    "1203": LAND_GROUP_AGRICULTURAL,  # field ridges
    "1103": LAND_GROUP_CONSTRUCTION,  # reservoir water surface
    "1109": LAND_GROUP_CONSTRUCTION,  # hydraulic structures
    "1201": LAND_GROUP_CONSTRUCTION,  # vacant land
}

CODE_SUFFIXES = ("A", "K")  # letters the third survey appends to a class code

# The 20x codes of towns, villages and mines (201 city, 202 town, 203 village, 204 mining,
# 205 scenic and special land): construction (DOMAIN.md §3). Three digits of their own, read
# as 0201-0205 (orchard…) only in a field that lost its leading zeros (class_code_texts).
TOWN_VILLAGE_CODES = ("201", "202", "203", "204", "205")

# Group of every other code, by its two-digit head (first-level class of the survey).
LAND_GROUP_BY_HEAD = {
    # 01 holds only the three cultivated codes: any other 01xx is unknown, and reported.
    **{f"{head:02d}": LAND_GROUP_AGRICULTURAL for head in (2, 3, 4)},
    **{f"{head:02d}": LAND_GROUP_CONSTRUCTION for head in (5, 6, 7, 8, 9, 10, 20)},
    **{f"{head:02d}": LAND_GROUP_UNUSED for head in (11, 12)},
}


def class_code_texts(values, field_values=None) -> list[str]:
    """A layer's DLBM values as the survey's code texts, trimmed; None and blanks give ''.

    A field stored as a number, or text that went through a spreadsheet, loses the leading
    zero (0101 becomes 101, 101.0 or "101"). Whether it did is a fact of the whole field, not
    of one value: 203 is the 20x code of villages, or 0203 without its zero. So three-digit
    codes get their zero back when the field holds one that can only be a four-digit code
    without it (any but TOWN_VILLAGE_CODES); otherwise 201-205 stay the 20x codes.
    field_values: the field's distinct values over the whole layer when `values` are only some
    features' (a spot's result must not depend on which other spots were screened with it).
    Anything else is kept as text (an unknown code is reported).
    """
    values = list(values)
    # A district's parcels hold a few dozen distinct codes: each is read once.
    distinct = {value: plain_code(value) for value in set(values)}
    field = (
        {plain_code(v) for v in field_values}
        if field_values is not None
        else set(distinct.values())
    )
    if {t for t in field if len(t) == 3 and t.isdigit()} - set(TOWN_VILLAGE_CODES):
        distinct = {
            v: t.zfill(4) if len(t) == 3 and t.isdigit() else t for v, t in distinct.items()
        }
    return [distinct[value] for value in values]


def plain_code(value) -> str:
    """A DLBM value as it is stored, as text; a whole number as its digits (101.0 and the
    text "101.0" a spreadsheet or CSV leaves as "101"). Full-width characters, which a
    Chinese input method types (０１０１, １１０４Ａ, an ideographic space), are read as the
    code they show (NFKC): the parcel is paddy, not unclassable."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    whole, dot, decimals = text.partition(".")
    if dot and whole.isdigit() and decimals and set(decimals) == {"0"}:
        return whole
    return text


def unseen_characters(text: str) -> list[str]:
    """The control and format characters (Unicode Cc, Cf) in `text`, as U+XXXX: a tab, a
    right-to-left override, a zero-width space or a soft hyphen a copy from a web page or a
    spreadsheet leaves. None shows, yet each makes a number or a name another one."""
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in ("Cc", "Cf")]


def without_format_characters(text: str) -> str:
    """`text` without its Unicode format characters (Cf: zero-width spaces, direction marks
    and overrides, soft hyphens), which show as nothing."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def spot_number_key(text: str) -> str:
    """A spot number as spots are told apart by it: full-width digits read as the digits they
    show (NFKC, as plain_code reads class codes) and format characters removed, so that
    37030220260020 typed in full width, or with a zero-width space pasted after it, is the
    spot 37030220260020, not a second one."""
    if text.isascii():  # the usual number: NFKC leaves it, and it holds no format character
        return text.strip()
    return without_format_characters(unicodedata.normalize("NFKC", text)).strip()


# Full-width digits and Latin letters (a Chinese input method's ２０２４, ＧＨ) and their ASCII.
_NARROW_ALPHANUMERICS = str.maketrans(
    {
        chr(wide): chr(wide - 0xFEE0)
        for first, last in (("０", "９"), ("Ａ", "Ｚ"), ("ａ", "ｚ"))
        for wide in range(ord(first), ord(last) + 1)
    }
)


def document_number(text: str | None) -> str:
    """A document number as typed (an approval's 批准文号), as it is recorded: full-width
    digits and letters in ASCII, so 〔２０２４〕１２ and 〔2024〕12 are one number in an export,
    format characters (a zero-width space pasted with it) removed, the ends stripped. Its
    brackets and words stay as typed: 〔〕 and （） are both in use."""
    if text is None:
        return ""
    return without_format_characters(str(text).translate(_NARROW_ALPHANUMERICS)).strip()


def spot_number_compared(text: str) -> str:
    """A spot number as two numbers are judged one spot's: as spots are told apart
    (spot_number_key) and leading zeros aside (1 is the spot 0001 whose zeros a spreadsheet
    lost). Within a delivery, in screening and on import, and across batches alike."""
    return spot_number_key(text).lstrip("0")


# A number a spreadsheet showed in scientific notation and saved so (3.7030220260001E+13):
# the digits past its 15th are gone, so which spot it was cannot be known.
_SPREADSHEET_EXPONENT = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")


def spreadsheet_exponent(text: str) -> bool:
    """Whether a spot number is a spreadsheet's scientific notation, not a number."""
    key = spot_number_key(text)
    return ("E" in key or "e" in key) and _SPREADSHEET_EXPONENT.fullmatch(key) is not None


def land_group(class_code: str | None) -> str | None:
    """Group of a DLBM class code (third national survey), or None when the code is unknown.

    0101-0103 cultivated (other 01xx unknown); 02xx-04xx other agricultural (0404 other
    grassland is unused); 05xx-10xx and 20x
    construction; 11xx-12xx unused, except the codes in GROUP_EXCEPTIONS, which follow the survey's
    three-class table (agricultural land, construction land, unused land).
    """
    if not class_code:
        return None
    code = str(class_code).strip().upper()
    if code in CULTIVATED_CODES:
        return LAND_GROUP_CULTIVATED
    # The third survey marks sub-kinds with a letter: 1104A aquaculture ponds, 1107A trunk
    # ditches, 0201K… adjustable land. They belong where their four-digit code does.
    base = code[:4] if len(code) == 5 and code[4] in CODE_SUFFIXES else code
    if base in GROUP_EXCEPTIONS:
        return GROUP_EXCEPTIONS[base]
    return LAND_GROUP_BY_HEAD.get(code[:2])


# --- other protection layers -------------------------------------------------------------------
BASIC_FARMLAND_NUMBER = "JBNTTBBH"
RED_LINE_NAME = "HXMC"
RED_LINE_CODE = "HXBH"
NO_MINING_NAME = "JCQMC"  # field of the no-mining zones layer
THREE_ZONES_NAME = "SQLXMC"  # field of the three-zones layer (the threezonestwolines output)
APPROVAL_NUMBER = "PZWH"  # field of the approvals layer (批准文号)
APPROVAL_KIND = "PZLX"
# The approval kind (PZLX) of temporary land: its term ended, the land still has a year to be
# restored (deadlines rule temporary_land_restoration), and screening treats it so.
APPROVAL_KIND_TEMPORARY = "临时用地"
APPROVAL_DATE = "PZRQ"
APPROVAL_AREA = "PZMJ_PF"
APPROVED_USE = "PZYT"
APPROVAL_START = "QSRQ"
APPROVAL_END = "JZRQ"
OFFICE_NAME = "SMC"
TOWN_NAME = "XZMC"
TOWN_CODE = "XZDM"


def is_temporary_land(kind: object) -> bool:
    """Whether an approval's kind (PZLX) names temporary land (临时用地), spaces aside: a kind
    written 临时用地（重大基础设施） is one too."""
    return kind is not None and APPROVAL_KIND_TEMPORARY in "".join(str(kind).split())


def field_as_named(names: Sequence[str], wanted: str) -> str | None:
    """The name under which a layer with fields `names` holds the domain's field `wanted`:
    spelled so, else the same ignoring case and surrounding spaces (PostGIS exports and many
    tools write pzwh, jzrq, hsx; a name typed into a table may keep a space); None when it has
    none. Every reader of the domain's fields takes it from here: a field read only when
    spelled in capitals would leave an approval's expiry unread, and the approval counted."""
    if wanted in names:
        return wanted
    key = wanted.strip().casefold()
    return next((name for name in names if name.strip().casefold() == key), None)


# --- text fields ---------------------------------------------------------------------------------
TEXT_FIELD_LENGTH = 254  # characters of a text output field (a DBF's limit, kept everywhere)
SHAPEFILE_TEXT_BYTES = 254  # bytes a Shapefile (DBF) text value holds, in the file's encoding
SHAPEFILE_NAME_BYTES = 10  # a DBF field name is at most 10 bytes
# What joins the codes or names of the features a spot hits in one output field (PZWH…), and
# so what the verdict form splits them with. The half-width ';' of the delivered data:
# a Chinese text (a name) holds the full-width '；' and '、' far more often.
HITS_SEPARATOR = ";"


def fit_text(
    parts: list[str],
    separator: str = HITS_SEPARATOR,
    limit: int = TEXT_FIELD_LENGTH,
    measure: Callable[[str], int] = len,
    suffix: str | None = None,
) -> str:
    """parts joined; when that exceeds `limit` (characters, or what `measure` counts: a
    Shapefile counts bytes), as many whole parts as fit, then `suffix`, by default the total
    count ("…等 N 项"), so a spot hit by many features still fits its field. `measure` must
    add up over concatenation, as len and utf8_bytes do."""
    text = separator.join(parts)
    if measure(text) <= limit:
        return text
    if suffix is None:
        suffix = f"{separator}…等 {len(parts)} 项"
    return _cut_list(parts, separator, limit, measure, suffix)


def _cut_list(
    parts: list[str], separator: str, limit: int, measure: Callable[[str], int], suffix: str
) -> str:
    """As many whole parts as fit within limit with suffix after them."""
    text = separator.join(parts)
    room = limit - measure(suffix)
    kept, used = [], 0
    for part in parts:
        size = measure(part) + (measure(separator) if kept else 0)
        if used + size > room:
            break
        kept.append(part)
        used += size
    if kept:
        return separator.join(kept) + suffix
    return clip_text(text, limit - measure("…"), measure) + "…"


# The marks a list text is joined with, the most usual first: the ids' ';' (HITS_SEPARATOR), then
# the '；' between the notes of several violation kinds and the '、' between kinds or results.
LIST_MARKS = (HITS_SEPARATOR, "；", "、")
# Marks a list's items never hold but prose does: a remark is full of 、 and ；, and cut as a
# list of them it would end "…等 2 项" after its first clause, most of what fits thrown away.
_PROSE_MARKS = "，。：！？,:!?"


def _list_mark(text: str) -> str | None:
    """The mark joining text's items when it is a list (of numbers, names, kinds, notes): the
    first of LIST_MARKS it holds, when no item holds a clause's punctuation or another of the
    marks; None for prose."""
    mark = next((m for m in LIST_MARKS if m in text), None)
    if mark is None:
        return None
    foreign = set(_PROSE_MARKS) | set(LIST_MARKS) - {mark}
    return None if foreign & set(text) else mark


# The end of a list cut before: "…等 N 项" (fit_text), "…等 N 个（全部见…）" (a 三区两线
# summary's ids), N the whole list's count, which a second cut keeps.
_CUT_LIST_END = re.compile(r"…等 (\d+) [项个](?:（[^（）]*）)?$")


def fit_value(
    text: str,
    limit: int,
    measure: Callable[[str], int] = len,
    tail: Callable[[int], str] | None = None,
) -> str:
    """text within `limit` as `measure` counts (see fit_text), for a value already written out.
    A list (items joined by one of LIST_MARKS; _list_mark tells it from prose) is cut after its
    last whole item that fits, never inside a number, and ends with its total count:
    tail(total) when given, else "…等 N 项"; a list cut before keeps the end it has and the
    total that end says. Any other text is cut
    at a character's end and marked "…"."""
    if measure(text) <= limit:
        return text
    separator = _list_mark(text)
    if separator is None:
        return clip_text(text, limit - measure("…"), measure) + "…"
    parts = text.split(separator)
    end = _CUT_LIST_END.search(parts[-1])
    if end:
        last = parts[-1][: end.start()]
        parts = parts[:-1] + ([last] if last else [])
        suffix = ("" if last else separator) + end.group(0)
        return _cut_list(parts, separator, limit, measure, suffix)  # ended so even if it fits
    suffix = tail(len(parts)) if tail else f"{separator}…等 {len(parts)} 项"
    return fit_text(parts, separator, limit, measure, suffix)


def first_of(items: Sequence[str], count: int, separator: str = "，") -> str:
    """The first `count` of items joined, "…" after them when there are more: a message
    naming the spots or days concerned stays readable when there are hundreds."""
    return separator.join(items[:count]) + ("…" if len(items) > count else "")


def clip_text(text: str, limit: int, measure: Callable[[str], int] = len) -> str:
    """The longest start of text that `measure` counts within limit, ending on a character."""
    if measure(text) <= limit:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits, by bisection
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low]


def utf8_bytes(text: str) -> int:
    """A text's size in a UTF-8 Shapefile, an upper bound for GBK (2 bytes a character)."""
    return len(text.encode("utf-8"))


def shapefile_field_name(name: str) -> str:
    """A field's name in a Shapefile: YJJBNTMJ_MU (11 bytes) loses the MJ ("area") its _MU
    suffix makes redundant, and a name still too long (HCYJJBNTMJ_MU) is cut before the
    suffix, which says the unit (HCYJJBN_MU); names that fit are kept."""
    if len(name.encode("utf-8")) <= SHAPEFILE_NAME_BYTES:
        return name
    if name.endswith("MJ" + MU_SUFFIX):
        stem = name.removesuffix("MJ" + MU_SUFFIX)
        room = SHAPEFILE_NAME_BYTES - len(MU_SUFFIX)
        return clip_text(stem, room, utf8_bytes) + MU_SUFFIX
    return clip_text(name, SHAPEFILE_NAME_BYTES, utf8_bytes)


# What separates the items a user types into one field (documents, staff, spot numbers, words):
# a Chinese input method types the full-width forms.
LIST_SEPARATORS = (";", "；", ",", "，", "、", "\n")  # 、: how a Chinese list is written


def split_list(text: str, enumeration: bool = True) -> list[str]:
    """The items of a typed list, separated by any of LIST_SEPARATORS, blanks dropped.
    enumeration=False keeps 、 inside an item: a document's title may hold one
    (关于张庄、李庄违法占地的调查报告)."""
    separators = LIST_SEPARATORS if enumeration else tuple(s for s in LIST_SEPARATORS if s != "、")
    for separator in separators[1:]:
        text = text.replace(separator, separators[0])
    return [item.strip() for item in text.split(separators[0]) if item.strip()]


def shapefile_field_names(names: list[str]) -> list[str]:
    """Every field's name in a Shapefile, distinct: a name that does not fit is cut at a
    character's end (GDAL would cut 图斑编号说明 inside a character), and a name already taken
    gets a number in its last places (图斑编号说明, 图斑编号备注: 图斑编, 图斑编1). A DBF does
    not tell upper from lower case."""
    taken: set[str] = set()
    out = []
    for name in names:
        fitted = shapefile_field_name(name)
        number = 0
        while fitted.upper() in taken:  # DBF names are matched without case
            number += 1
            tail = str(number)
            fitted = clip_text(
                shapefile_field_name(name), SHAPEFILE_NAME_BYTES - len(tail), utf8_bytes
            )
            fitted += tail
        taken.add(fitted.upper())
        out.append(fitted)
    return out


# --- screening output fields (m², 2 decimals unless named *_MU) ----------------------------------
SPOT_AREA = "TBMJ"
CULTIVATED_AREA = "GDMJ"
AGRICULTURAL_AREA = "FGNYDMJ"
CONSTRUCTION_AREA = "JSYDMJ"
UNUSED_AREA = "WLYDMJ"
UNSURVEYED_AREA = "WDCMJ"  # part of the spot covered by no land-use parcel
# New construction land (DOMAIN.md §2): the part of the spot the survey does not class as
# construction land, GDMJ + FGNYDMJ + WLYDMJ: what a building there adds.
NEW_CONSTRUCTION_AREA = "XZJSYDMJ"
NEW_CONSTRUCTION_GROUPS = (LAND_GROUP_CULTIVATED, LAND_GROUP_AGRICULTURAL, LAND_GROUP_UNUSED)
BASIC_FARMLAND_AREA = "YJJBNTMJ"
RED_LINE_AREA = "STHXMJ"
NO_MINING_AREA = "JCQMJ"
THREE_ZONES_AREA = "SQLXMJ"
APPROVED_AREA = "PZMJ"
# The criminal-referral test's own figures (DOMAIN §5), which SFXS was judged on: land outside
# the approvals in force, cultivated land gross of ridges (KCXS not deducted). The cultivated
# figure includes the basic farmland, as GDMJ does, so that cases.criminal_scale(cultivated=it,
# basic=REFERRAL_BASIC_FARMLAND_AREA) answers as SFXS did (see screening_verdicts); a case
# opened from the spot without on-site figures takes these, not GDMJ / YJJBNTMJ.
REFERRAL_BASIC_FARMLAND_AREA = "XSJBNTMJ"
REFERRAL_CULTIVATED_AREA = "XSGDMJ"

LAND_GROUP_FIELDS = {
    LAND_GROUP_CULTIVATED: CULTIVATED_AREA,
    LAND_GROUP_AGRICULTURAL: AGRICULTURAL_AREA,
    LAND_GROUP_CONSTRUCTION: CONSTRUCTION_AREA,
    LAND_GROUP_UNUSED: UNUSED_AREA,
}

# What screenspots writes of the features a spot hits: their codes or names. Equal to the
# input layers' field names (RED_LINE_CODE aside) by choice, not by necessity: an output field
# is named here, whatever the bureau's layers call theirs.
RED_LINE_HITS = "STHXBH"
NO_MINING_HITS = "JCQMC"
THREE_ZONES_HITS = "SQLXMC"
APPROVAL_HITS = "PZWH"

# Protection layers other than land use: key -> (area field, flag field, hit-names field).
# The key names the layer inside the engine and in the screened pieces' PIECE_LAYER field (their
# style colours by it). Screen spots' parameters that take these layers are named and mapped to
# the keys in processing/screen_spots.OVERLAY_PARAMETERS.
LAYER_BASIC_FARMLAND = "basic_farmland"
LAYER_RED_LINE = "red_line"
LAYER_NO_MINING = "no_mining"
LAYER_THREE_ZONES = "three_zones"
LAYER_APPROVALS = "approvals"
LAYER_LAND_USE = "land_use"


@dataclass(frozen=True)
class OverlayLayer:
    key: str
    area_field: str
    flag_field: str
    hits_field: str | None  # codes or names of the features hit, HITS_SEPARATOR-joined
    label_zh: str
    label_en: str
    hits_zh: str = ""  # what hits_field lists, in words: 批准文号


OVERLAY_LAYERS = (
    OverlayLayer(
        LAYER_BASIC_FARMLAND,
        BASIC_FARMLAND_AREA,
        "SFYJJBNT",
        None,
        "永久基本农田",
        "permanent basic farmland",
    ),
    OverlayLayer(
        LAYER_RED_LINE,
        RED_LINE_AREA,
        "SFSTHX",
        RED_LINE_HITS,
        "生态保护红线",
        "ecological red line",
        "生态保护红线编号",
    ),
    OverlayLayer(
        LAYER_NO_MINING,
        NO_MINING_AREA,
        "SFJCQ",
        NO_MINING_HITS,
        "禁采区",
        "no-mining zone",
        "禁采区名称",
    ),
    OverlayLayer(
        LAYER_THREE_ZONES,
        THREE_ZONES_AREA,
        "SFSQLX",
        THREE_ZONES_HITS,
        "三区两线",
        "three zones two lines",
        "三区两线名称",
    ),
    OverlayLayer(
        LAYER_APPROVALS, APPROVED_AREA, "SFPZ", APPROVAL_HITS, "批准用地", "approvals", "批准文号"
    ),
)
OVERLAYS_BY_KEY = {layer.key: layer for layer in OVERLAY_LAYERS}

# Screening pieces (OUTPUT_PIECES): one feature per piece of a spot inside a protection feature.
# Which layer the piece lies in, in the bureau's words (LAYER_LABELS_ZH: 三区两线, 永久基本农田):
# a planner reads the file in any tool, where a key (three_zones) says nothing. The engine and
# the ledger's pieces keep the LAYER_* key (piece_layer_key reads either back).
PIECE_LAYER = "TCMC"
PIECE_FEATURE = "YSBH"  # that feature's code, name or land class
PIECE_AREA = "MJ"  # the piece's area in m²
PIECE_SPOT_FID = "TBFID"  # the spot's feature id (tells apart spots sharing a number)
PIECE_FEATURE_FID = "YSFID"  # the protection feature's id in its layer (a parcel's code is not)
# Where the ledger keeps a spot's pieces among its attributes (a list of dicts with the piece
# fields and "wkt"), so the dock can show and highlight what the spot hits.
SPOT_PIECES = "_pieces"
# Where the ledger keeps what each refresh changed in a spot (a list of {"on": date, "changes":
# [text, …]}): the import's log is gone by the time the spot is looked at again.
SPOT_REFRESHES = "_refreshes"
# The layers in the bureau's words: the third survey calls its land-use layer 地类图斑 (DLTB).
LAYER_LABELS_ZH = {
    LAYER_LAND_USE: "地类图斑",
    **{layer.key: layer.label_zh for layer in OVERLAY_LAYERS},
}


def piece_layer_key(value: object) -> object:
    """The LAYER_* key of a pieces layer's TCMC: written as its Chinese name (地类图斑), or as
    the key itself by screening before it wrote the names; any other value is kept as it is
    (the dock names it as it reads)."""
    text = str(value).strip() if value is not None else ""
    if text in LAYER_LABELS_ZH:
        return text
    return next((key for key, label in LAYER_LABELS_ZH.items() if label == text), value)


CULTIVATED_FLAG = "SFGD"
MU_SUFFIX = "_MU"
# Key figures also given in 亩: the spot, its cultivated land and each protection layer's.
MU_FIELDS = (
    SPOT_AREA,
    CULTIVATED_AREA,
    BASIC_FARMLAND_AREA,
    RED_LINE_AREA,
    NO_MINING_AREA,
    THREE_ZONES_AREA,
    APPROVED_AREA,
)

SUGGESTED_VERDICT = "JYPD"  # suggested verdict
VERDICT_REASON = "PDYY"  # its reason in words
REVIEW_PRIORITY = "YXJ"  # 1 = review first
CRIMINAL_FLAG = "SFXS"  # reaches the criminal-referral threshold
GEOMETRY_NOTE = "JHWT"  # what was repaired or wrong with the geometry

# Layers a spot must have been screened against before it can be "of no concern".
PROTECTION_LAYERS = (
    LAYER_BASIC_FARMLAND,
    LAYER_RED_LINE,
    LAYER_NO_MINING,
    LAYER_THREE_ZONES,
)

SUGGEST_ILLEGAL = "疑似违法"
SUGGEST_APPROVED = "已批准覆盖"
SUGGEST_FIELD_CHECK = "需实地核查"
SUGGEST_NO_CONCERN = "未涉及保护图层"

# --- thresholds and legal figures (DOMAIN.md §5) -------------------------------------------------
CRIMINAL_BASIC_FARMLAND_MU = 5.0  # ≥ 5 亩 permanent basic farmland
CRIMINAL_CULTIVATED_MU = 10.0  # ≥ 10 亩 other cultivated land
ACCOUNTABILITY_RATIO = 0.15
# Share of a spot an approval must cover before the spot is "covered by approval" (verify).
APPROVAL_COVER_SHARE = 0.95
# Area below which an overlap is treated as boundary noise when flagging a layer as touched (m²).
TOUCH_TOLERANCE_SQM = 0.01


# --- screening engine
# How spot areas are measured: the official ellipsoidal figure (default) or planar GK.
AREA_METHOD_ELLIPSOIDAL = "ellipsoidal"
AREA_METHOD_PLANAR = "planar"
# Chinese words for the land groups, used in verdict reasons and field labels.
LAND_GROUP_LABELS_ZH = {
    LAND_GROUP_CULTIVATED: "耕地",
    LAND_GROUP_AGRICULTURAL: "其他农用地",
    LAND_GROUP_CONSTRUCTION: "建设用地",
    LAND_GROUP_UNUSED: "未利用地",
}
# The part of a spot in no land group (UNSURVEYED_AREA): covered by no parcel, or by one whose
# class code is unknown; 调查 is the land survey's, not the verification's.
UNSURVEYED_LABEL_ZH = "未调查或无法归类"

# --- demo district layer names
DEMO_LAYER_DISTRICT = "XZQ"
DEMO_LAYER_TOWNS = "TOWNS"
DEMO_LAYER_LAND_USE = "DLTB"
DEMO_LAYER_BASIC_FARMLAND = "YJJBNT"
DEMO_LAYER_RED_LINE = "STHX"
DEMO_LAYER_NO_MINING = "JCQ"
DEMO_LAYER_THREE_ZONES_LINES = "SQLX_LINES"
DEMO_LAYER_THREE_ZONES_ZONES = "SQLX_ZONES"
DEMO_LAYER_THREE_ZONES = "SQLX"
DEMO_LAYER_APPROVALS = "PZYD"
DEMO_LAYER_SPOTS = "JCTB"
# The demo district's layers as the overlay inputs of zcenforcement:screenspots (its parameter
# names, a public interface -> layer), for the demo, the benchmark and the tests.
DEMO_SCREENING_OVERLAYS = {
    "LAND_USE": DEMO_LAYER_LAND_USE,
    "BASIC_FARMLAND": DEMO_LAYER_BASIC_FARMLAND,
    "RED_LINE": DEMO_LAYER_RED_LINE,
    "NO_MINING": DEMO_LAYER_NO_MINING,
    "THREE_ZONES": DEMO_LAYER_THREE_ZONES,
    "APPROVALS": DEMO_LAYER_APPROVALS,
}
# The codes a bureau's layers go by, for each input of zcenforcement:screenspots (its parameter
# names): the Screen spots dialog opens with the layer of the project whose name or source table
# carries one (DLTB, DLTB_2023), never one that is a screening output itself. The demo layers
# are named by the first code; permanent basic farmland is also delivered as YJJBNTTB.
SCREENING_INPUT_CODES = {
    "SPOTS": (DEMO_LAYER_SPOTS,),
    **{parameter: (code,) for parameter, code in DEMO_SCREENING_OVERLAYS.items()},
    "BASIC_FARMLAND": (DEMO_LAYER_BASIC_FARMLAND, "YJJBNTTB"),
}
# Fields only screening writes (the suggested verdict on a spot, the spot's id on a piece): a
# layer carrying one is a screening output, and screening it again would only rename its fields.
SCREENING_OUTPUT_MARKS = (SUGGESTED_VERDICT, PIECE_SPOT_FID)
# Fields of those layers not named above.
PARCEL_ID = "BSM"  # DLTB feature id
DISTRICT_NAME = "XZQMC"  # XZQ outline: XZQDM (SPOT_COUNTY_CODE) and this name
THREE_ZONES_KIND = "LX"  # kind of a 三区两线 line or zone (values below)
THREE_ZONES_SOURCE_NAME = "MC"  # name of a 三区两线 line or zone
THREE_ZONES_KIND_RAILWAY = "铁路"
THREE_ZONES_KIND_HIGHWAY = "高速公路"
THREE_ZONES_KIND_RIVER = "河流"
THREE_ZONES_KIND_NATURE_RESERVE = "自然保护区"
THREE_ZONES_KIND_SCENIC_AREA = "风景名胜区"
THREE_ZONES_KIND_TOWN = "城镇"
THREE_ZONES_KINDS = (  # the two lines, then the three zones
    THREE_ZONES_KIND_RAILWAY,
    THREE_ZONES_KIND_HIGHWAY,
    THREE_ZONES_KIND_RIVER,
    THREE_ZONES_KIND_NATURE_RESERVE,
    THREE_ZONES_KIND_SCENIC_AREA,
    THREE_ZONES_KIND_TOWN,
)

# --- the screening output schema: field order and kind, for every writer of screened spots ----
KIND_AREA = "area"  # m² or 亩, double with AREA_DECIMALS
KIND_FLAG = "flag"
KIND_TEXT = "text"
KIND_INT = "int"


def screening_output_fields() -> list[tuple[str, str]]:
    """(field, kind) of every field screenspots adds to a spot, in output order."""
    fields = [(SPOT_AREA, KIND_AREA)]
    fields += [(LAND_GROUP_FIELDS[group], KIND_AREA) for group in LAND_GROUPS]
    fields += [(UNSURVEYED_AREA, KIND_AREA), (NEW_CONSTRUCTION_AREA, KIND_AREA)]
    fields += [(CULTIVATED_FLAG, KIND_FLAG)]
    for layer in OVERLAY_LAYERS:
        fields += [(layer.area_field, KIND_AREA), (layer.flag_field, KIND_FLAG)]
        if layer.hits_field:
            fields.append((layer.hits_field, KIND_TEXT))
    fields += [(name + MU_SUFFIX, KIND_AREA) for name in MU_FIELDS]
    fields += [
        (SUGGESTED_VERDICT, KIND_TEXT),
        (VERDICT_REASON, KIND_TEXT),
        (REVIEW_PRIORITY, KIND_INT),
        (CRIMINAL_FLAG, KIND_FLAG),
        (REFERRAL_BASIC_FARMLAND_AREA, KIND_AREA),
        (REFERRAL_CULTIVATED_AREA, KIND_AREA),
        (GEOMETRY_NOTE, KIND_TEXT),
    ]
    return fields


# What each area field measures, in words: its label is these, 面积 and its unit (area_label_zh).
# A printed sheet whose cells carry the unit (平方米, 亩) names its figures by these alone.
AREA_SUBJECTS_ZH = {
    SPOT_MONITORED_AREA: "监测",
    SPOT_AREA: "图斑",
    **{field: LAND_GROUP_LABELS_ZH[group] for group, field in LAND_GROUP_FIELDS.items()},
    UNSURVEYED_AREA: UNSURVEYED_LABEL_ZH,
    NEW_CONSTRUCTION_AREA: "新增建设用地",
    **{layer.area_field: layer.label_zh for layer in OVERLAY_LAYERS},
    REFERRAL_BASIC_FARMLAND_AREA: "刑事移送测算未批永久基本农田",
    REFERRAL_CULTIVATED_AREA: "刑事移送测算未批耕地（含田坎）",
    PIECE_AREA: "压占",
}


def area_name_zh(name: str) -> str:
    """An area field's name in words without its unit (图斑面积), for a place that gives the
    figure in both units beside it: the dock's rows, the verifier's boxes."""
    return f"{AREA_SUBJECTS_ZH[name]}面积"


def with_unit_zh(words: str, unit: str) -> str:
    """A figure's name with its unit, as a label says it: 图斑面积（平方米）, 核实耕地面积（亩）."""
    return f"{words}（{unit}）"


def area_label_zh(name: str, unit: str = UNIT_SQM_ZH) -> str:
    """The label of the area field `name` in `unit`: 图斑面积（平方米）, 图斑面积（亩）."""
    return with_unit_zh(area_name_zh(name), unit)


def output_field_labels_zh() -> dict[str, str]:
    """The one table of the Chinese names of the spots' fields: those delivered and those
    screenspots writes (spots and pieces). The attribute table's aliases, the export's headers
    and the dock's figures (which give both units, so name an area without one: area_name_zh)
    all read it: the codes alone (YJJBNTMJ) say little at a glance, and one field must not read
    as two things in two places."""
    labels = {
        SPOT_NUMBER: "图斑编号",
        SPOT_COUNTY_CODE: "行政区代码",
        SPOT_TYPE: "图斑类型",
        SPOT_EARLIER_DATE: "前时相",
        SPOT_LATER_DATE: "后时相",
        TOWN_NAME: "乡镇",
        OFFICE_NAME: "自然资源所",
        CULTIVATED_FLAG: "涉及耕地",
        # Each area with its unit: 图斑面积 beside 图斑面积（亩） could be either.
        **{field: area_label_zh(field) for field in AREA_SUBJECTS_ZH},
    }
    for layer in OVERLAY_LAYERS:
        labels[layer.flag_field] = f"涉及{layer.label_zh}"
        if layer.hits_field:
            labels[layer.hits_field] = f"涉及{layer.hits_zh}"
    labels.update({name + MU_SUFFIX: area_label_zh(name, UNIT_MU_ZH) for name in MU_FIELDS})
    labels.update(
        {
            SUGGESTED_VERDICT: "建议判定",
            # 建议: the suggestion's reason, not that of the verifier's verdict (核查判定)
            VERDICT_REASON: "建议判定理由",
            REVIEW_PRIORITY: "核查优先级",
            CRIMINAL_FLAG: "达到刑事移送标准",  # 刑事: to public security, not another office
            GEOMETRY_NOTE: "几何问题说明",
            PIECE_LAYER: "所在图层",
            PIECE_FEATURE: "要素编号或地类",
            PIECE_SPOT_FID: "图斑要素号",
            PIECE_FEATURE_FID: "要素号",
        }
    )
    return labels


# The columns a reviewer reads first in the screened spots' attribute table.
REVIEW_COLUMNS = (
    SPOT_NUMBER,
    SUGGESTED_VERDICT,
    REVIEW_PRIORITY,
    CRIMINAL_FLAG,
    SPOT_AREA + MU_SUFFIX,
    CULTIVATED_AREA + MU_SUFFIX,
    BASIC_FARMLAND_AREA + MU_SUFFIX,
    VERDICT_REASON,
)


# --- campaign demo layers
DEMO_LAYER_MINING_LICENCES = "CKQ"  # 采矿权: XKZH, KSMC, YXQQ, YXQZ (campaigns_schema names)
DEMO_LAYER_TEMPORARY_LAND = "LSYD"  # 临时用地批准: the PZYD fields plus PZJB approval level
DEMO_LAYER_FACILITY_LAND = "SSNYD"  # 设施农用地备案: the PZYD fields plus PZJB
DEMO_LAYER_GROUND = "SDXZ"  # 实地现状: what field checks found on and around those approvals
MINE_NAME = "KSMC"  # 矿山名称
GROUND_FEATURE_ID = "XZBH"  # 现状编号 of a ground feature
GROUND_USE = "XZYT"  # 现状用途: the use seen on the ground, in words


# GEOS's reasons for invalid geometry, in the words of the reviewers who read the notes.
_INVALID_REASONS_ZH = {
    "Ring Self-intersection": "环自相交",
    "Self-intersection": "自相交",
    "Hole lies outside shell": "内环位于外环之外",
    "Interior is disconnected": "内部不连通",
    "Nested holes": "内环嵌套",
    "Nested shells": "外环嵌套",
    "Duplicate Rings": "重复的环",
    "Too few points in geometry component": "组成部分点数过少",
    "Invalid Coordinate": "坐标无效",
    "Ring is not closed": "环未闭合",
}


# What the repair (geometry_repair: land any part covers stays covered) makes of an invalidity
# whose outcome the layer's author may not have meant, said with it. A part wholly inside
# another is most often a hole drawn as a part: a licence's or an approval's hole then counts
# as licensed, a spot's as the spot's, so the author is told to draw it as a hole.
_REPAIR_OUTCOMES = {
    "Nested shells": (
        "内部的部件按该要素的土地计入；若它本是洞，请在图层中改画为内环",
        "the inner part is counted as land of the feature; if it is a hole, draw it as one "
        "in the layer",
    ),
}


def invalid_reason_en(reason: str, crs: str = "") -> str:
    """'Self-intersection[39580005 4050005]' as 'Self-intersection at 39580005 4050005', or
    '… at 39580005 4050005, EPSG:4527': GEOS's words, with the same values as
    invalid_reason_zh gives, so a message's Chinese half alone still names them all; with
    what the repair made of it where that may not be what was meant (_REPAIR_OUTCOMES)."""
    kind, _, where = str(reason).partition("[")
    kind = kind.strip()
    outcome = f": {_REPAIR_OUTCOMES[kind][1]}" if kind in _REPAIR_OUTCOMES else ""
    if not where:
        return kind + outcome
    return f"{kind} at {_point(where)}{', ' + crs if crs else ''}{outcome}"


def _point(where: str) -> str:
    """GEOS's "x y]" of where a geometry is invalid, each to ten significant digits: a layer
    read into the working CRS gave 39589509.1710011 4043089.75193056, the transformation's
    float noise; ten digits keep a centimetre in zone-prefixed metres and a millimetre in
    unprefixed ones. Text that is not numbers is kept as GEOS wrote it."""
    values = where.rstrip("]").split()
    try:
        return " ".join(f"{float(value):.10g}" for value in values)
    except ValueError:
        return where.rstrip("]")


def invalid_reason_zh(reason: str, crs: str = "") -> str:
    """'Self-intersection[39580005 4050005]' as '自相交（39580005 4050005）', or with the CRS
    the coordinates are in, '自相交（39580005 4050005，EPSG:4527）': a layer read into the
    working CRS is repaired there, and its own coordinates would look nothing like these."""
    kind, _, where = str(reason).partition("[")
    outcome = _REPAIR_OUTCOMES.get(kind.strip())
    said = _INVALID_REASONS_ZH.get(kind.strip(), kind.strip())
    if where:
        said += f"（{_point(where)}{'，' + crs if crs else ''}）"
    return said + (f"：{outcome[0]}" if outcome else "")
