"""Administrative units and places: the gazetteer of units before and after the July 2025 reorganisation
(data/admin_units.tsv in copvn/detect/), and the addresses found with it — unit runs ("thôn …, xã …,
huyện …") and unit names after "ở", "tại", "quê"…"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .folding import key
from .model import Finding, _Spans, _Text
from .patterns import ADMIN_UNITS, CUES_WRITTEN, LOCAL_UNITS, ORGAN_BEFORE, PLACE_CUE, TOKEN, UNIT, U

DATA = Path(__file__).resolve().parent.parent / "data"


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, set[str]]:
    """Folded unit name → levels ("province", "district", "ward") in either era."""
    units: dict[str, set[str]] = {}
    for line in (DATA / "admin_units.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            level, _era, _type, name = line.split("\t")
            units.setdefault(key(name), set()).add(level)
    for alias in ("hcm", "tphcm", "ho chi minh", "sai gon", "hn"):
        units.setdefault(alias, set()).add("province")
    return units


def _unit_name(t: _Text, position: int, admin: bool) -> int:
    """End of the unit's name that starts at `position` in the folded text, or -1. Administrative units need
    a gazetteer name (or a number: "quận 1"); local ones take capitalised words and numbers."""
    tokens = []
    for m in TOKEN.finditer(t.folded, position):
        if m.start() != (tokens[-1].end() + 1 if tokens else position) or len(tokens) == 5:
            break
        tokens.append(m)
    if not tokens:
        special = re.match(r"(?i)hcm\b", t.folded[position:])
        return position + special.end() if special else -1
    if re.fullmatch(r"\d+[a-z]?", tokens[0].group(0), re.I):
        end = tokens[0].end()
        slash = re.match(r"(?:/\d+)+", t.folded[end:])
        end += slash.end() if slash else 0
        if not admin:  # "hẻm 45 Phạm Văn Đồng": a number, then the street's name
            for m in tokens[1:]:
                if m.start() < end or not m.group(0)[0].isupper():
                    break
                end = m.end()
        return end
    if admin:
        units = gazetteer()
        for size in range(len(tokens), 0, -1):
            if key(t.folded[tokens[0].start():tokens[size - 1].end()]) in units:
                return tokens[size - 1].end()
        return -1
    end = -1
    for m in tokens:
        word = m.group(0)
        if word[0].isupper() or word.isdigit():
            end = m.end()
        else:
            break
    return end


def _addresses(t: _Text) -> list[Finding]:
    found: list[Finding] = []
    position, folded = 0, t.folded
    while True:
        m = UNIT.search(folded, position)
        if m is None:
            break
        start, end = _address_run(t, m)
        if start < 0:
            position = m.end()
            continue
        found.append(t.finding("address", start, end))
        position = end
    found += _places_after_cues(t, found)
    return found


def _unit_ok(t: _Text, m: re.Match) -> tuple[bool, bool]:
    """(is a unit here, is administrative)."""
    unit = key(m.group(1))
    if unit in ("tp", "tp.", "p.", "q."):  # abbreviations; "P." and "Q." only with a capital
        ok = unit.startswith("tp") or m.group(1)[0].isupper()
        return ok, ok
    admin = unit in ADMIN_UNITS
    form = ADMIN_UNITS.get(unit) or LOCAL_UNITS.get(unit) or unit
    if not t.written(m.start(1), m.end(1), form):
        if not (t.written(m.start(1), m.end(1), unit) and unit in ("to", "ngo", "ap", "ban", "pho")
                and re.match(r"\d", t.folded[m.end():])):
            return False, False
    # a capitalised unit word mid-sentence is part of a proper name ("chợ Xóm Mới") — unless it is an
    # administrative unit followed by a unit name of the gazetteer ("ở Phường Phước hải")
    before = t.folded[max(0, m.start() - 2):m.start()]
    if m.group(1)[0].isupper() and before.strip() and not re.search(r"[.!?(\"“:]\s*$|^\s*$", before) \
            and m.start() > 1 and not (admin and _unit_name(t, m.end(), True) > 0):
        return False, False
    return True, admin


def _address_run(t: _Text, m: re.Match) -> tuple[int, int]:
    ok, admin = _unit_ok(t, m)
    if not ok or ORGAN_BEFORE.search(t.folded[max(0, m.start() - 30):m.start()]):
        return -1, -1
    end = _unit_name(t, m.end(), admin)
    if end < 0:
        return -1, -1
    return m.start(), _chain_end(t, end)


def _chain_end(t: _Text, end: int) -> int:
    """Where a run of units that reaches `end` stops: it goes on through ", xã …", " phường …" and ", Khánh Hòa"."""
    while True:
        nxt = re.match(r"(?:,\s*|\s+|\s*-\s*)", t.folded[end:])
        if not nxt:
            break
        at = end + nxt.end()
        unit = UNIT.match(t.folded, at)
        if unit:
            ok, admin = _unit_ok(t, unit)
            more = _unit_name(t, unit.end(), admin) if ok else -1
        elif "," in nxt.group(0) or "-" in nxt.group(0):
            more = _unit_name(t, at, True)
            if more > 0 and not t.folded[at].isupper():
                more = -1
        else:
            more = -1
        if more < 0:
            break
        end = more
    return end


def _places_after_cues(t: _Text, found: list[Finding]) -> list[Finding]:
    """A home town or commune named after "ở", "tại", "quê", "ngụ", "trú"… without a unit word."""
    extra = []
    units = gazetteer()
    taken = _Spans((f.start, f.end) for f in found)
    for m in re.finditer(rf"[{U}][\w']*(?:\s[{U}][\w']*){{0,3}}", t.folded):
        origin = max(0, m.start() - 25)
        cue = PLACE_CUE.search(t.folded, origin, m.start())
        if not cue:
            continue
        head = key(cue.group(0)).split(" ")[0]
        if head in CUES_WRITTEN and not t.written(cue.start(), cue.start() + len(head), CUES_WRITTEN[head]):
            continue
        words = m.group(0).split(" ")
        for size in range(len(words), 1, -1):
            name = " ".join(words[:size])
            if key(name) in units:
                a, b = t.span(m.start(), _chain_end(t, m.start() + len(name)))  # "Vĩnh Ngọc, Nha Trang, Khánh Hòa"
                if not taken.overlaps(a, b):
                    extra.append(Finding("address", a, b, t.text[a:b]))
                break
    return extra
