"""Category detectors from curated lexicons (copvn/detect/text/lexicons/*.tsv; format in its README).

Matching runs on the no-diacritics form of the normalised text with an Aho–Corasick automaton, at word
boundaries; where the text carries diacritics, the diacritics must agree as well. Every finding names its
code, score, detector, version and the spans of the input as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from .normalise import Normalised, Normaliser, strip_diacritics

LEXICONS = Path(__file__).resolve().parent / "lexicons"
DETECTOR = "copvn.lexicon"
VERSION = "1.0"


@dataclass(frozen=True)
class Phrase:
    code: str
    text: str
    plain: str
    weight: float
    cue: str


@dataclass
class CodeSettings:
    threshold: float = 0.5
    combo: float = 0.3


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
        entries: dict[str, list[Phrase]] = {}
        for path in sorted(folder.glob("*.tsv")):
            code = path.stem.upper()
            self.settings[code] = CodeSettings()
            for phrase in self._read(path, code, normalise):
                entries.setdefault(phrase.plain, []).append(phrase)
        for key, phrases in entries.items():
            self.automaton.add_word(key, (len(key), tuple(phrases)))
        self.automaton.make_automaton()
        self.codes = sorted(self.settings)

    def _read(self, path: Path, code: str, normalise: Normaliser):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith("#!"):
                for item in line[2:].split():
                    key, _, value = item.partition("=")
                    setattr(self.settings[code], key, float(value))
                continue
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                raise ValueError(f"{path.name}:{number}: expected phrase<TAB>weight[<TAB>cue]")
            text = normalise(parts[0].strip()).text
            try:
                weight = float(parts[1])
            except ValueError:
                raise ValueError(f"{path.name}:{number}: the weight {parts[1]!r} is not a number") from None
            if not 0 < weight <= 1:
                raise ValueError(f"{path.name}:{number}: weight must be in (0, 1]")
            yield Phrase(code, text, strip_diacritics(text), weight, parts[2].strip() if len(parts) > 2 else "")

    def __call__(self, item: Normalised) -> list[Finding]:
        hits: dict[str, dict[str, tuple[Phrase, list[tuple[int, int]]]]] = {}
        plain, text = item.plain, item.text
        for end, (length, phrases) in self.automaton.iter(plain):
            start = end - length + 1
            if (start > 0 and plain[start - 1].isalnum()) or (end + 1 < len(plain) and plain[end + 1].isalnum()):
                continue
            written = text[start:end + 1]
            for phrase in phrases:
                if written != plain[start:end + 1] and written != phrase.text:
                    continue  # the text has diacritics and they differ from the phrase's
                found = hits.setdefault(phrase.code, {}).setdefault(phrase.text, (phrase, []))
                found[1].append(item.source_span(start, end + 1))
        return [self._finding(code, found) for code, found in hits.items() if self._score(code, found) >= self.settings[code].threshold]

    def _score(self, code: str, found: dict) -> float:
        miss = 1.0
        for phrase, _spans in found.values():
            miss *= 1.0 - phrase.weight
        cues = {phrase.cue for phrase, _spans in found.values() if phrase.cue}
        if len(cues) >= 2:
            miss *= 1.0 - self.settings[code].combo
        return 1.0 - miss

    def _finding(self, code: str, found: dict) -> Finding:
        spans = sorted({span for _phrase, places in found.values() for span in places})
        return Finding(code, self._score(code, found), DETECTOR, VERSION, [list(s) for s in spans])
