"""The pre-publication check: the children an article names, their private information as the article
writes it, and for each child a verdict against the agency's consent records.

Verdicts (storage keys): covered; missing_parent (no parent's or caregiver's signature); missing_child (aged 7
or more on the publication date and the child has not signed); out_of_scope (category, medium, article or
period not covered); withdrawn; no_record; not_identifiable (initials only: nothing to match, nothing to ask).
A person is matched to a record by name (with or without diacritics, either tone-mark style: names are
compared folded), confirmed by age or date of birth and school when the article gives them; a given name
alone matches only when the age or the school confirms it and one record fits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.db import transaction

from copvn.audit.services import record
from copvn.detect import pii

from .models import ConsentRecord, PrepublicationCheck
from .services import CHILD_CONSENT_AGE, age_on

# What each kind of finding discloses, in Decree 56 Art. 33's terms (copvn.consent.models.CATEGORIES).
DISCLOSES = {"name": "identity", "age": "identity", "birth_year": "identity", "national_id": "identity",
             "student_id": "identity", "school": "school", "class": "school", "address": "residence",
             "phone": "contact", "email": "contact", "social_handle": "contact", "family": "family",
             "health": "health", "image": "image"}
TITLES = {"em", "be", "chau", "ban", "hoc sinh", "nu sinh", "nam sinh", "con", "co be", "cau be"}
VERDICTS = ("covered", "missing_parent", "missing_child", "out_of_scope", "withdrawn", "no_record",
            "not_identifiable")


def run(agency, text: str, *, publication_date: dt.date, title: str = "", medium: str = "online") -> dict:
    analysis = pii.analyse(text, publication_date)
    records = list(ConsentRecord.objects.filter(agency=agency).prefetch_related("signers"))
    persons, verdicts = [], []
    for index, person in enumerate(analysis["persons"]):
        mine = [f for f in analysis["findings"] if f["person"] == index]
        names = [f["text"] for f in mine if f["type"] == "name"]
        persons.append({"index": index, "name": names[0] if names else "", "child": person["child"],
                        "evidence": person["evidence"], "mentions": person["mentions"]})
        if person["child"]:
            verdicts.append(_verdict(index, names, mine, person, records, publication_date, title, medium))
    return {"title": title, "publication_date": publication_date.isoformat(), "medium": medium, "persons": persons,
            "findings": [{k: f[k] for k in ("type", "start", "end", "text", "person")} for f in analysis["findings"]],
            "verdicts": verdicts, "redacted": analysis["redacted"]}


def _bare(name: str) -> str:
    words = pii.key(name).split()
    for size in (2, 1):
        if len(words) > size and " ".join(words[:size]) in TITLES:
            return " ".join(words[size:])
    return " ".join(words)


def _initials_only(name: str) -> bool:
    return bool(re.fullmatch(r"(?:[A-ZĐ][a-zđ]?\.\s*)+[A-ZĐ]?\.?", name.split(maxsplit=1)[-1].strip()))


def _verdict(index, names, mine, person, records, day, title, medium) -> dict:
    base = {"person": index, "name": names[0] if names else ""}
    if not names or all(_initials_only(n) for n in names):
        return {**base, "verdict": "not_identifiable", "record": None, "reasons": ["initials"]}
    record = _match({_bare(n) for n in names}, mine, person, records, day)
    if record is None:
        return {**base, "verdict": "no_record", "record": None, "reasons": []}
    return {**base, **_against(record, mine, day, title, medium)}


def _ages(person) -> list[int]:
    return [int(e.split(":")[1]) for e in person["evidence"] if e.startswith("age:")]


def _match(keys: set[str], mine, person, records, day) -> ConsentRecord | None:
    ages, schools = _ages(person), {pii.key(f["text"]) for f in mine if f["type"] == "school"}

    def confirms(r: ConsentRecord) -> bool:
        age, _sure = age_on(r, day)
        return (age is not None and age in ages) or bool(r.school and any(pii.key(r.school) in s or s in pii.key(r.school)
                                                                          for s in schools))

    full = [r for r in records if r.name_key in keys]
    if full:
        return _best(full, confirms)
    given = [r for r in records if any(k and r.name_key.split()[-1:] == k.split()[-1:] and len(k.split()) == 1
                                       for k in keys) and confirms(r)]
    return given[0] if len(given) == 1 else None


def _best(candidates, confirms) -> ConsentRecord:
    active = [r for r in candidates if r.state == ConsentRecord.State.ACTIVE]
    for pool in ([r for r in active if confirms(r)], active, candidates):
        if pool:
            return sorted(pool, key=lambda r: r.created_at)[-1]
    return candidates[0]


def _against(record: ConsentRecord, mine, day, title, medium) -> dict:
    out = {"record": record.pk, "reasons": []}
    if record.state == ConsentRecord.State.WITHDRAWN:
        return {**out, "verdict": "withdrawn"}
    signers = list(record.signers.all())
    if not any(s.adult for s in signers):
        return {**out, "verdict": "missing_parent"}
    age, certain = age_on(record, day)
    out["age_on_publication"], out["age_certain"] = age, certain
    reasons = _scope(record, mine, day, title, medium)  # told at once, with any missing signature
    if age is not None and age >= CHILD_CONSENT_AGE and not any(not s.adult for s in signers):
        return {**out, "verdict": "missing_child", "reasons": ([] if certain else ["age_uncertain"]) + reasons}
    return {**out, "verdict": "out_of_scope" if reasons else "covered", "reasons": reasons}


def _scope(record: ConsentRecord, mine, day, title, medium) -> list[str]:
    reasons = []
    disclosed = {DISCLOSES[f["type"]] for f in mine if f["type"] in DISCLOSES}
    missing = sorted(disclosed - set(record.categories))
    if missing:
        reasons.append("category:" + ",".join(missing))
    if medium not in record.media:
        reasons.append(f"medium:{medium}")
    if record.article and pii.key(record.article) not in pii.key(title):
        reasons.append("article")
    if day < record.valid_from or (record.valid_until and day > record.valid_until):
        reasons.append("period")
    return reasons


def run_and_record(agency, text: str, *, publication_date: dt.date, title: str = "", medium: str = "online",
                   keep: bool = False, by=None, api_key=None, request=None):
    """The check, stored and audited (every check is; `keep` marks it as the record that the article was checked)."""
    result = run(agency, text, publication_date=publication_date, title=title, medium=medium)
    with transaction.atomic():
        kept = PrepublicationCheck.objects.create(
            agency=agency, by=by, api_key=api_key, title=title, publication_date=publication_date, medium=medium,
            text_sha256=hashlib.sha256(text.encode()).hexdigest(), result=result, kept=keep)
        record("consent.check", request=request, actor=by, obj=kept,
               data={"agency": agency.code, "kept": keep, "verdicts": [v["verdict"] for v in result["verdicts"]]})
    return kept, result
