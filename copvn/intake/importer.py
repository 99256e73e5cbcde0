"""Bulk import of reports from CSV or JSON Lines: row by row, a bad row never stops or spoils the others.

CSV columns (header row; only one of `urls`/`description` is needed per row): urls (several separated by
spaces or `|`), description, categories (taxonomy codes separated by `;`), harm_words, child_in_danger
(1/0, true/false, có/không), channel (default `import`), referring_org (organisation code), external_ref,
reporter_name, reporter_phone, reporter_email, client_key. JSON Lines: one object per line with the same
keys (`urls` and `categories` may be lists). Re-importing a file creates nothing twice: each row is keyed
by its `client_key`, or by its content.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

from copvn.orgs.models import Organisation

from .models import Channel
from .services import ReportInput, ReportInvalid, content_key, submit

KNOWN = {"urls", "url", "description", "categories", "harm_words", "child_in_danger", "channel", "referring_org",
         "external_ref", "reporter_name", "reporter_phone", "reporter_email", "client_key"}
YES = {"1", "true", "yes", "có", "co", "x"}
NO = {"", "0", "false", "no", "không", "khong"}


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def import_reports(content: bytes, filename: str, *, actor=None, request=None) -> ImportResult:
    result = ImportResult()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.errors.append((content[: exc.start].count(b"\n") + 1, "the file is not UTF-8 text"))
        return result
    rows = _jsonl(text) if filename.lower().endswith((".jsonl", ".json", ".ndjson")) else _csv(text)
    for line, values, problem in rows:
        if problem:
            result.errors.append((line, problem))
            continue
        try:
            report, created = submit(_input(values), actor=actor, request=request)
        except (ReportInvalid, ValueError) as exc:
            result.errors.append((line, str(exc)))
            continue
        (result.created if created else result.repeated).append(report.reference)
    return result


def _csv(text: str):
    reader = csv.DictReader(io.StringIO(text))
    unknown = [name for name in reader.fieldnames or [] if name and name.strip() not in KNOWN]
    if unknown:
        yield 1, {}, f"unknown column(s): {', '.join(unknown)}"
        return
    for values in reader:
        if None in values:
            yield reader.line_num, {}, "more fields than columns"
        else:
            yield reader.line_num, {k.strip(): (v or "").strip() for k, v in values.items() if k}, ""


def _jsonl(text: str):
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            values = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield line, {}, f"invalid JSON: {exc.msg}"
            continue
        if not isinstance(values, dict):
            yield line, {}, "each line must be a JSON object"
        elif set(values) - KNOWN:
            yield line, {}, f"unknown key(s): {', '.join(sorted(set(values) - KNOWN))}"
        else:
            yield line, values, ""


def _listed(value, pattern: str) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v for v in re.split(pattern, str(value or "")) if v.strip()]


def _input(values: dict) -> ReportInput:
    flag = str(values.get("child_in_danger", "")).strip().lower()
    if flag not in YES | NO:
        raise ValueError(f"child_in_danger must be 1/0, true/false or có/không, not {flag!r}")
    org_code = str(values.get("referring_org", "") or "").strip()
    org = Organisation.objects.filter(code=org_code).first() if org_code else None
    if org_code and org is None:
        raise ValueError(f"referring_org {org_code!r} is not in the registry")
    data = ReportInput(
        channel=str(values.get("channel") or Channel.IMPORT), urls=_listed(values.get("urls") or values.get("url"), r"[\s|]+"),
        description=str(values.get("description") or ""), harm_words=str(values.get("harm_words") or ""),
        category_codes=[c.upper() for c in _listed(values.get("categories"), r"[;,\s]+")],
        child_in_danger=flag in YES, referring_org_id=org.pk if org else None,
        external_ref=str(values.get("external_ref") or ""), reporter_name=str(values.get("reporter_name") or ""),
        reporter_phone=str(values.get("reporter_phone") or ""), reporter_email=str(values.get("reporter_email") or ""),
        client_key=str(values.get("client_key") or ""),
    )
    if not data.client_key:
        data.client_key = content_key("import", data)
    return data
