"""Detection on every case: every detector over everything the case holds, stored as Finding rows.

What is examined:
- texts — each report's description, each finished capture's extracted text and title — by the abuse
  classifier, the category lexicons and the check for children's private information;
- media — each upload's SHA-256, MD5 and PDQ, each media artefact of a finished capture (SHA-256, MD5) —
  against the hash lists, and each URL of the case (its canonical form) against the URL lists.

A finding is a fact about content. Its key covers the detector, its version, what was examined (the source
and a digest of the content), the label and the evidence, so running again adds nothing and a new detector
or list version adds its own rows beside the old. Spans point into the text as written.

A detector that raises on one piece of content leaves a row with status "error" (its key says so, so a
later run that succeeds still stores its result) and the other detectors go on.

Lists: a match in a negative list (known false positives) vetoes every positive match of the same item, of
any kind (copvn.lists.matching already returns the negative matches alone then); a vetoed match and a
negative match are stored without a category code (the list's code stays in the evidence). A PDQ hash is
matched only when its image is kept and its quality is at least copvn.detect.media.QUALITY_THRESHOLD, or
when the bytes are gone (a case of child sexual abuse material) and the quality can no longer be known. A match in a CSAM list that no negative list vetoes makes the case a CSAM case at once, in
the transaction that stores the finding: the category is added, the stored bytes are purged and a police
referral is prepared (audited, once per list entry; a later feature delivers it).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from copvn.audit.models import AuditEvent
from copvn.audit.services import record
from copvn.cases.models import Artefact, Capture, Case
from copvn.cases.services import purge_media
from copvn.core.blobs import QUARANTINE
from copvn.core.writes import lock_names, serialised_transaction
from copvn.detect import media as media_hashes
from copvn.detect import pii
from copvn.detect.text import classify as text_classify
from copvn.detect.text import lexicon
from copvn.intake.models import Report, Upload
from copvn.taxonomy.models import Category

from .models import Finding

logger = logging.getLogger(__name__)

CSAM = "CSAM"
PRIV = "PRIV"
UNKNOWN = "unknown"
MAX_ERROR = 2000


@dataclass
class Draft:
    """A finding before it is stored."""

    detector: str
    version: str
    source: str
    content: str  # digest of the content examined
    category_code: str = ""
    score: float = 0.0
    evidence: dict = field(default_factory=dict)
    error: str = ""

    @cached_property
    def key(self) -> str:
        parts = [self.detector, self.version, self.source, self.content, self.category_code,
                 self.evidence, "error" if self.error else "ok", self.error]
        return hashlib.sha256(canonical_json(parts).encode()).hexdigest()

    def row(self, case: Case) -> Finding:
        return Finding(case=case, detector=self.detector, version=self.version[:40], source=self.source[:60],
                       category_code=self.category_code, score=self.score, evidence=self.evidence,
                       status=Finding.Status.ERROR if self.error else Finding.Status.OK, error=self.error,
                       key=self.key)

    @property
    def csam_match(self) -> bool:
        return self.detector in ("hashlist", "urllist") and not self.error and self.category_code == CSAM


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# ------------------------------------------------------------------------------------------------ versions

def abuse_version() -> str:
    return str(text_classify.default().abuse.meta.get("version", UNKNOWN))


def lexicon_version(base: str | None = None) -> str:
    """The library's version and a digest of the lexicon files: analysts edit those without a code change."""
    return f"{base or lexicon.VERSION}+data.{_files_digest(tuple(sorted(lexicon.LEXICONS.glob('*.tsv'))))}"


def pii_version() -> str:
    """copvn.detect.pii has no version constant: a digest of its code and data files stands for one."""
    code = sorted(Path(pii.__file__).parent.glob("*.py"))  # the package's modules
    files = (*code, pii.DATA / "admin_units.tsv", pii.DATA / "given_names.txt")
    return f"files.{_files_digest(files)}"


@lru_cache(maxsize=8)
def _files_digest(paths: tuple[Path, ...]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def categories_version() -> str:
    model = text_classify.default().categories
    return model.version if model is not None else UNKNOWN


VERSIONS = {"abuse": abuse_version, "lexicon": lexicon_version, "pii": pii_version, "categories": categories_version}


def _version_of(detector: str) -> str:
    try:
        return VERSIONS[detector]() if detector in VERSIONS else UNKNOWN
    except Exception:  # noqa: BLE001 — the version of a detector that cannot load is unknown
        return UNKNOWN


def guarded(detector: str, source: str, content: str, run) -> list[Draft]:
    """run() → its drafts; if it raises, one error draft, and the caller goes on with the others."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 — one detector's failure must not stop the others
        logger.exception("detector %s failed on %s", detector, source)
        return [Draft(detector, _version_of(detector), source, content,
                      error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR])]


# ------------------------------------------------------------------------------------------------- texts

@dataclass
class Text:
    source: str
    text: str
    date: object  # the day it was written down: a birth year is read against it
    verdict: dict | None = None  # the abuse classifier's, when classified with the case's other texts

    @cached_property
    def content(self) -> str:
        return digest(self.text)

    @cached_property
    def normalised(self):
        return text_classify.default().normalise(self.text[:text_classify.MAX_CHARS])


def case_texts(case: Case) -> list[Text]:
    texts = []
    for report in Report.objects.filter(case=case).order_by("pk"):
        if report.description.strip():
            texts.append(Text(f"report:{report.pk}:description", report.description,
                              timezone.localdate(report.received_at)))
    done = Capture.objects.filter(case_url__case=case, status=Capture.Status.DONE).order_by("pk")
    for capture in done:
        day = timezone.localdate(capture.finished_at or capture.started_at)
        for name in ("text", "title"):
            value = getattr(capture, name)
            if value.strip():
                texts.append(Text(f"capture:{capture.pk}:{name}", value, day))
    return texts


def prime_abuse(texts: list[Text]) -> None:
    """The abuse verdicts of all the texts in one call (a call costs ~10 ms however few its texts); if the batch
    fails, each text is classified alone and reports its own error."""
    try:
        verdicts = text_classify.default().abuse.predict([t.normalised for t in texts])
    except Exception:  # noqa: BLE001 — retried text by text, under guard
        logger.warning("abuse classifier failed on a batch of %d texts; classifying one by one", len(texts))
        return
    for item, verdict in zip(texts, verdicts, strict=True):
        item.verdict = verdict


def abuse_drafts(item: Text) -> list[Draft]:
    verdict = item.verdict or text_classify.default().abuse.predict([item.normalised])[0]
    scores = verdict["scores"]
    abusive = round(sum(p for label, p in scores.items() if label != "clean"), 4)
    return [Draft("abuse", abuse_version(), item.source, item.content, "", abusive,
                  {"label": verdict["label"], "probabilities": scores})]


def lexicon_drafts(item: Text) -> list[Draft]:
    drafts = []
    for found in text_classify.default().lexicon(item.normalised):
        spans = [_lexicon_span(item.text, start, end, found.code) for start, end in found.spans]
        drafts.append(Draft("lexicon", lexicon_version(found.version), item.source, item.content, found.code,
                            round(found.score, 4), {"spans": spans}))
    return drafts


def category_drafts(item: Text) -> list[Draft]:
    """The learned category models' findings (none when the model is not installed), with the words that
    weighed most as spans."""
    from copvn.detect.text.categories import lexicon_matrix

    classifier = text_classify.default()
    model = classifier.categories
    if model is None:
        return []
    features = model.features([item.normalised], lexicon_matrix([classifier.lexicon.scores(item.normalised)]))
    drafts = []
    for found in model.findings(item.normalised, model.probabilities(features)[0]):
        spans = [{"start": start, "end": end, "text": item.text[start:end], "phrase": "", "cue": "model"}
                 for start, end in found["spans"]]
        drafts.append(Draft("categories", model.version, item.source, item.content, found["code"], found["score"],
                            {"spans": spans}))
    return drafts


def _lexicon_span(text: str, start: int, end: int, code: str) -> dict:
    """A span of the text as written, with the lexicon phrase it matched and the phrase's cue."""
    classifier = text_classify.default()
    written = classifier.normalise(text[start:end])
    automaton = getattr(classifier.lexicon, "automaton", None)
    entry = automaton.get(written.plain, None) if automaton is not None else None
    phrases = [p for p in (entry[1] if entry else ()) if p.code == code and p.weight > 0]
    phrase, cue = (phrases[0].text, phrases[0].cue) if phrases else (written.text, "")
    return {"start": start, "end": end, "text": text[start:end], "phrase": phrase, "cue": cue}


def pii_drafts(item: Text) -> list[Draft]:
    result = pii.analyse(item.text, item.date)
    if not result["findings"]:
        return []
    persons = result["persons"]
    spans = [{"start": f["start"], "end": f["end"], "text": f["text"], "type": f["type"], "person": f["person"],
              "child": f["person"] is not None and bool(persons[f["person"]]["child"])} for f in result["findings"]]
    child = any(s["child"] for s in spans)
    minor = any(s["person"] is not None and persons[s["person"]]["minor"] for s in spans)
    evidence = {"persons": persons, "child": child, "minor": minor, "spans": spans}
    if result["text"] != item.text:
        evidence["offsets_into"] = "article_text"  # the text was HTML; offsets are into its extracted text
    return [Draft("pii", pii_version(), item.source, item.content, PRIV if child else "",
                  1.0 if child else 0.5 if minor else 0.0, evidence)]


TEXT_DETECTORS = {"abuse": abuse_drafts, "lexicon": lexicon_drafts, "categories": category_drafts, "pii": pii_drafts}


def text_drafts(item: Text) -> list[Draft]:
    drafts = []
    for name, detector in TEXT_DETECTORS.items():
        drafts += guarded(name, item.source, item.content, lambda detector=detector: detector(item))
    return drafts


# ------------------------------------------------------------------------------------------------- lists

@dataclass
class Media:
    source: str
    sha256: str
    md5: str
    pdq: str = ""

    @property
    def content(self) -> str:
        return digest(self.sha256, self.md5, self.pdq)


@dataclass
class Address:
    source: str
    url: str

    @property
    def content(self) -> str:
        return digest(self.url)


def case_media(case: Case) -> list[Media]:
    items = [Media(f"upload:{u.pk}", u.sha256, u.md5, matchable_pdq(u))
             for u in Upload.objects.filter(report__case=case).order_by("pk")]
    artefacts = Artefact.objects.filter(capture__case_url__case=case, capture__status=Capture.Status.DONE,
                                        kind=Artefact.Kind.MEDIA).order_by("pk")
    return items + [Media(f"artefact:{a.pk}", a.sha256, a.md5) for a in artefacts]


def matchable_pdq(upload: Upload) -> str:
    """The upload's PDQ, unless its image is kept and hashes with too low a quality to be matched (a screenshot
    of a chat is mostly flat colour: its PDQ would near-match unrelated flat images)."""
    if not upload.pdq or not upload.bytes_kept or not QUARANTINE.exists(upload.sha256):
        return upload.pdq
    return upload.pdq if _pdq_quality(upload.sha256) >= media_hashes.QUALITY_THRESHOLD else ""


@lru_cache(maxsize=4096)
def _pdq_quality(sha256: str) -> int:
    try:
        return media_hashes.hash_image(QUARANTINE.read(sha256)).quality
    except (ValueError, OSError):  # undecodable, or purged meanwhile: not matchable
        return 0


def case_addresses(case: Case) -> list[Address]:
    return [Address(f"url:{u.pk}", u.canonical) for u in case.urls.order_by("pk")]


def _matching():
    from copvn.lists import matching  # the list registry, imported when first needed

    return matching


def media_drafts(item: Media) -> list[Draft]:
    def run():
        return list_drafts("hashlist", item, _matching().match_media(item.sha256, item.md5, item.pdq))

    return guarded("hashlist", item.source, item.content, run)


def url_drafts(item: Address) -> list[Draft]:
    return guarded("urllist", item.source, item.content,
                   lambda: list_drafts("urllist", item, _matching().match_url(item.url)))


def list_drafts(detector: str, item, matches) -> list[Draft]:
    negatives = sorted({m.list_slug for m in matches if m.negative})
    drafts = []
    for m in matches:
        vetoed_by = [] if m.negative else negatives
        counts = not (m.negative or vetoed_by)
        distance = m.distance or 0
        score = 1.0 - distance / 256 if m.kind == "pdq" else 1.0
        evidence = {"list": m.list_slug, "list_name": m.list_name, "entry": m.value, "entry_id": m.entry_id,
                    "kind": m.kind, "distance": distance, "negative": bool(m.negative), "what": item.source,
                    "list_category": m.category_code or "", "vetoed_by": vetoed_by}
        drafts.append(Draft(detector, f"{m.list_slug}@{m.list_version}", item.source, item.content,
                            (m.category_code or "") if counts else "", round(score, 4), evidence))
    return drafts


# -------------------------------------------------------------------------------------------------- case

def examine(case: Case) -> list[Draft]:
    """Every detector over everything the case holds (no writes)."""
    drafts: list[Draft] = []
    texts = case_texts(case)
    prime_abuse(texts)
    for item in texts:
        drafts += text_drafts(item)
    for media in case_media(case):
        drafts += media_drafts(media)
    for address in case_addresses(case):
        drafts += url_drafts(address)
    drafts += guarded("neardup", f"case:{case.pk}", "", lambda: near_duplicate_drafts(case, texts))
    return drafts


def near_duplicate_drafts(case: Case, texts: list[Text]) -> list[Draft]:
    """Texts worded like those of cases already decided (review/neardup.py)."""
    from .neardup import VERSION, near_duplicates

    found = near_duplicates(case, texts)
    references = dict(Case.objects.filter(pk__in={c for _s, _d, c, _j in found}).values_list("pk", "reference"))
    return [Draft("neardup", VERSION, source, content, "", similarity,
                  {"case_id": case_id, "case": references.get(case_id, ""), "jaccard": similarity})
            for source, content, case_id, similarity in found]


def detect_case(case_id: int) -> dict:
    """Run every detector over the case and store what is new; idempotent."""
    case = Case.objects.get(pk=case_id)
    drafts = examine(case)
    new = store(case, drafts)
    return {"case": case.reference, "findings": len({d.key for d in drafts}), "new": len(new),
            "errors": sum(1 for d in new if d.error), "csam": any(d.csam_match for d in new)}


def store(case: Case, drafts: list[Draft]) -> list[Draft]:
    """Insert the drafts not stored yet and act on them, in one transaction; returns the new ones."""
    from . import queue

    unique = {d.key: d for d in drafts}
    with serialised_transaction():
        lock_names(f"detect-case:{case.pk}")
        known = set(Finding.objects.filter(key__in=list(unique)).values_list("key", flat=True))
        new = [d for key, d in unique.items() if key not in known]
        Finding.objects.bulk_create([d.row(case) for d in new], ignore_conflicts=True)
        csam = [d for d in new if d.csam_match]
        if csam:
            flag_csam(case, csam)
        from copvn.takedowns.reuploads import link

        link(case, new)  # notified content seen again: the new case is linked to its notice
        queue.refresh(case)
    return new


def flag_csam(case: Case, matches: list[Draft]) -> None:
    """A listed CSAM item in the case: CSAM category, purge the stored bytes, prepare the police referral."""
    category = Category.objects.get(code=CSAM)
    case.categories.add(category)
    if category.urgent:
        case.make_urgent(settings.URGENT_HOURS, timezone.now())
    entries = sorted({(d.evidence["list"], d.evidence["entry"]) for d in matches})
    purge_media(case, reason="match in a CSAM list: " + ", ".join(f"{slug}:{entry}" for slug, entry in entries))
    prepared = _referred_entries(case)
    for draft in matches:
        ev = draft.evidence
        if (ev["list"], ev["entry"]) in prepared:
            continue
        prepared.add((ev["list"], ev["entry"]))
        record("referral.prepare", obj=case, reason=f"match in CSAM list {ev['list']}",
               data={"case": case.reference, "list": ev["list"], "list_version": draft.version,
                     "entry": ev["entry"], "entry_id": ev["entry_id"], "what": ev["what"],
                     "distance": ev["distance"]})


def _referred_entries(case: Case) -> set[tuple[str, str]]:
    earlier = AuditEvent.objects.filter(action="referral.prepare", object_type="cases.case", object_id=str(case.pk))
    return {(e.data.get("list"), e.data.get("entry")) for e in earlier.only("data")}
