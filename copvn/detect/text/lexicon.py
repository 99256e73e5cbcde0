"""Category detectors from curated lexicons (copvn/detect/text/lexicons/*.tsv; format in its README).

Matching runs on the no-diacritics form of the normalised text with an Aho–Corasick automaton, at word
boundaries; where the text carries diacritics, the diacritics must agree as well. A lexicon line may be a
template — `(a|b)` one of, `[x]` optional — expanded into phrases when the lexicon loads, and a line whose
weight is `except` names a context ("phòng chống ma túy") inside which the code's phrases do not count; a
negative weight is counter-evidence anywhere in the text ("công an triệt phá" lowers DRUG's score).
Every finding names its code, score, detector, version and the spans of the input as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from .normalise import Normalised, Normaliser, strip_diacritics

LEXICONS = Path(__file__).resolve().parent / "lexicons"
DETECTOR = "copvn.lexicon"
VERSION = "1.4"
MAX_EXPANSION = 5000
EXCEPT = "except"


def expand(template: str) -> list[str]:
    """Every phrase a template stands for: `(a|b c)` is one of the alternatives, `[x]` is x or nothing; groups
    nest. Raises ValueError on unbalanced brackets or more than MAX_EXPANSION phrases."""
    phrases, position = _sequence(template, 0, closing="")
    if position != len(template):
        raise ValueError(f"unexpected {template[position]!r} at character {position + 1}")
    return sorted({" ".join(p.split()) for p in phrases if p.strip()})


def _sequence(template: str, position: int, closing: str) -> tuple[list[str], int]:
    """Alternatives separated by | up to the closing bracket (not consumed)."""
    alternatives, current = [], [""]
    while position < len(template) and template[position] not in closing:
        char = template[position]
        if char in "([":
            end = ")" if char == "(" else "]"
            inner, position = _sequence(template, position + 1, closing=end + ")]")
            if position >= len(template) or template[position] != end:
                raise ValueError(f"{char!r} without its {end!r}")
            position += 1
            options = inner + ([""] if char == "[" else [])
            current = [left + right for left in current for right in options]
        elif char == "|":
            if not closing:
                raise ValueError("| outside brackets")
            alternatives += current
            current, position = [""], position + 1
        elif char in ")]":
            raise ValueError(f"{char!r} without its opening bracket")
        else:
            current, position = [left + char for left in current], position + 1
        if len(current) + len(alternatives) > MAX_EXPANSION:
            raise ValueError(f"expands to more than {MAX_EXPANSION} phrases")
    return alternatives + current, position


@dataclass(frozen=True)
class Phrase:
    code: str
    text: str
    plain: str
    weight: float  # 0 for an exception, below 0 for counter-evidence
    cue: str
    line: int  # phrases expanded from one template line count once


@dataclass
class CodeSettings:
    threshold: float = 0.5
    combo: float = 0.3
    supersedes: tuple[str, ...] = ()  # codes not reported when this one is (CSAM over PORN)


@dataclass
class Finding:
    code: str
    score: float
    detector: str
    version: str
    spans: list[list[int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"code": self.code, "score": round(self.score, 4), "detector": self.detector, "version": self.version,
                "spans": self.spans}


class LexiconDetector:
    def __init__(self, folder: Path = LEXICONS, *, normaliser: Normaliser | None = None):
        normalise = normaliser or Normaliser()
        self.settings: dict[str, CodeSettings] = {}
        self.automaton = ahocorasick.Automaton()
        entries: dict[str, dict[tuple, Phrase]] = {}
        for path in sorted(folder.glob("*.tsv")):
            code = path.stem.upper()
            self.settings[code] = CodeSettings()
            for phrase in self._read(path, code, normalise):
                # A phrase spelt by several lines of a code is one signal: the strongest line's.
                same = entries.setdefault(phrase.plain, {})
                key = (code, phrase.text, (phrase.weight > 0) - (phrase.weight < 0))
                if key not in same or abs(phrase.weight) > abs(same[key].weight):
                    same[key] = phrase
        for key, phrases in entries.items():
            self.automaton.add_word(key, (len(key), tuple(phrases.values())))
        self.automaton.make_automaton()
        self.codes = sorted(self.settings)

    def _read(self, path: Path, code: str, normalise: Normaliser):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith("#!"):
                for item in line[2:].split():
                    self._setting(code, item, f"{path.name}:{number}")
                continue
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                raise ValueError(f"{path.name}:{number}: expected phrase<TAB>weight[<TAB>cue]")
            weight = 0.0 if parts[1].strip() == EXCEPT else _weight(parts[1], f"{path.name}:{number}")
            try:
                phrases = expand(parts[0].strip())
            except ValueError as exc:
                raise ValueError(f"{path.name}:{number}: {exc}") from None
            for phrase in phrases:
                text = normalise(phrase).text
                yield Phrase(code, text, strip_diacritics(text), weight, parts[2].strip() if len(parts) > 2 else "", number)

    def _setting(self, code: str, item: str, where: str) -> None:
        key, _, value = item.partition("=")
        if key not in CodeSettings.__dataclass_fields__:
            raise ValueError(f"{where}: unknown setting {key!r} (threshold, combo, supersedes)")
        if key == "supersedes":
            setattr(self.settings[code], key, tuple(value.upper().split(",")))
            return
        try:
            setattr(self.settings[code], key, float(value))
        except ValueError:
            raise ValueError(f"{where}: {key} must be a number, not {value!r}") from None

    def __call__(self, item: Normalised) -> list[Finding]:
        return self.findings_and_scores(item)[0]

    def scores(self, item: Normalised) -> dict[str, float]:
        """Every code's score on the text, under its threshold too (the learned detectors use them as features)."""
        return self.findings_and_scores(item)[1]

    def findings_and_scores(self, item: Normalised) -> tuple[list[Finding], dict[str, float]]:
        hits = self._hits(item)
        scores = {code: self._score(code, found) for code, found in hits.items()}
        findings = [self._finding(code, found, scores[code]) for code, found in hits.items()
                    if scores[code] >= self.settings[code].threshold]
        covered = {other for f in findings for other in self.settings[f.code].supersedes}
        return [f for f in findings if f.code not in covered], scores

    def _hits(self, item: Normalised) -> dict:
        matched: list[tuple[Phrase, int, int]] = []
        contexts: dict[str, list[tuple[int, int]]] = {}
        plain, text = item.plain, item.text
        for end, (length, phrases) in self.automaton.iter(plain):
            start = end - length + 1
            if (start > 0 and plain[start - 1].isalnum()) or (end + 1 < len(plain) and plain[end + 1].isalnum()):
                continue
            written = text[start:end + 1]
            for phrase in phrases:
                if written != phrase.text and not _agrees(written, phrase.text):
                    continue  # the text has diacritics and they differ from the phrase's
                if phrase.weight:
                    matched.append((phrase, start, end + 1))
                else:
                    contexts.setdefault(phrase.code, []).append((start, end + 1))
        hits: dict[str, dict[tuple[int, str], tuple[Phrase, list[tuple[int, int]]]]] = {}
        for phrase, start, end in matched:
            if any(a <= start and end <= b for a, b in contexts.get(phrase.code, ())):
                continue  # inside an exception's context
            found = hits.setdefault(phrase.code, {}).setdefault((phrase.line, phrase.text), (phrase, []))
            found[1].append(item.source_span(start, end))
        return hits

    def _score(self, code: str, found: dict) -> float:
        by_line: dict[int, float] = {}
        for phrase, _spans in found.values():
            by_line[phrase.line] = phrase.weight
        miss, counter = 1.0, 1.0
        for weight in by_line.values():
            if weight > 0:
                miss *= 1.0 - weight
            else:
                counter *= 1.0 + weight
        cues = {phrase.cue for phrase, _spans in found.values() if phrase.cue and phrase.weight > 0}
        if len(cues) >= 2:
            miss *= 1.0 - self.settings[code].combo
        return (1.0 - miss) * counter

    def _finding(self, code: str, found: dict, score: float) -> Finding:
        spans = sorted({span for phrase, places in found.values() if phrase.weight > 0 for span in places})
        return Finding(code, score, DETECTOR, VERSION, [list(s) for s in spans])


def _weight(value: str, where: str) -> float:
    try:
        weight = float(value)
    except ValueError:
        raise ValueError(f"{where}: the weight {value!r} is not a number or {EXCEPT!r}") from None
    if not (0 < weight <= 1 or -1 < weight < 0):
        raise ValueError(f"{where}: weight must be in (0, 1], or in (-1, 0) for counter-evidence")
    return weight


def _agrees(written: str, phrase: str) -> bool:
    """Word by word, the text either has no diacritics or the phrase's: "nhắn tin riêng de nhan link" (teencode
    expanded into a text typed without diacritics) agrees with "nhắn tin riêng để nhận link"."""
    return all(w == p or w == strip_diacritics(w) for w, p in zip(written.split(" "), phrase.split(" "), strict=False))
