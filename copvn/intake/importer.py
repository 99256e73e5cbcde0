"""Bulk import of reports from CSV or JSON Lines: row by row, a bad row never stops or spoils the others.

CSV columns (header row; only one of `urls`/`description` is needed per row): urls (several separated by
`|` or line breaks inside the cell; a cell with spaces is one invalid URL, as on the public form), description, categories (taxonomy codes separated by `;`), harm_words, child_in_danger
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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copvn.orgs.models import Organisation

from .models import Channel
from .services import ReportInput, ReportInvalid, content_key, submit

# The columns, in the order of the template file (static copvn/mau-nhap-phan-anh.csv) and the import page.
COLUMN_HELP = [
    ("urls", gettext_lazy("Đường dẫn được phản ánh; nhiều đường dẫn cách nhau bằng dấu |")),
    ("description", gettext_lazy("Mô tả sự việc (cần đường dẫn hoặc mô tả)")),
    ("categories", gettext_lazy("Mã danh mục, cách nhau bằng dấu ; (ví dụ GROOM;PRIV)")),
    ("harm_words", gettext_lazy("Loại nội dung theo lời người phản ánh (mã trong biểu mẫu công khai)")),
    ("child_in_danger", gettext_lazy("Trẻ em đang gặp nguy hiểm: có/không, 1/0")),
    ("channel", gettext_lazy("Kênh tiếp nhận: hotline_111, phone, email, letter, agency, monitoring, import (mặc định)")),
    ("referring_org", gettext_lazy("Mã cơ quan chuyển đến, theo danh bạ cơ quan")),
    ("external_ref", gettext_lazy("Số tham chiếu của nơi chuyển")),
    ("reporter_name", gettext_lazy("Họ tên người phản ánh")),
    ("reporter_phone", gettext_lazy("Điện thoại người phản ánh")),
    ("reporter_email", gettext_lazy("Thư điện tử người phản ánh")),
    ("client_key", gettext_lazy("Mã riêng của dòng: nhập lại cùng mã không tạo bản trùng")),
]
COLUMNS = [name for name, _help in COLUMN_HELP]
KNOWN = {*COLUMNS, "url"}
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
        result.errors.append((content[: exc.start].count(b"\n") + 1, _("Tệp không phải văn bản UTF-8 (hãy lưu lại tệp với mã hóa UTF-8).")))
        return result
    rows = _jsonl(text) if filename.lower().endswith((".jsonl", ".json", ".ndjson")) else _csv(text)
    for line, values, problem in rows:
        if problem:
            result.errors.append((line, problem))
            continue
        try:
            report, created = submit(_input(values), actor=actor, request=request)
        except ReportInvalid as exc:
            result.errors.append((line, " ".join(m for messages in exc.errors.values() for m in messages)))
            continue
        except ValueError as exc:
            result.errors.append((line, str(exc)))
            continue
        (result.created if created else result.repeated).append(report.reference)
    return result


def _csv(text: str):
    reader = csv.DictReader(io.StringIO(text))
    unknown = [name for name in reader.fieldnames or [] if name and name.strip() not in KNOWN]
    if unknown:
        yield 1, {}, _("Cột không được nhận: %(names)s. Các cột dùng được: %(known)s.") % {
            "names": ", ".join(unknown), "known": ", ".join(COLUMNS)}
        return
    for values in reader:
        if None in values:
            yield reader.line_num, {}, _("Dòng có nhiều ô hơn số cột.")
        else:
            yield reader.line_num, {k.strip(): (v or "").strip() for k, v in values.items() if k}, ""


def _jsonl(text: str):
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            values = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield line, {}, _("Dòng không phải JSON hợp lệ (cột %(col)s).") % {"col": exc.colno}
            continue
        if not isinstance(values, dict):
            yield line, {}, _("Mỗi dòng phải là một đối tượng JSON {…}.")
        elif set(values) - KNOWN:
            yield line, {}, _("Khóa không được nhận: %(names)s.") % {"names": ", ".join(sorted(set(values) - KNOWN))}
        else:
            yield line, values, ""


def _listed(value, pattern: str) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v for v in re.split(pattern, str(value or "")) if v.strip()]


def _input(values: dict) -> ReportInput:
    flag = str(values.get("child_in_danger", "")).strip().lower()
    if flag not in YES | NO:
        raise ValueError(_("Cột child_in_danger phải là 1/0, true/false hoặc có/không, không phải “%(v)s”.")
                         % {"v": flag[:20]})
    org_code = str(values.get("referring_org", "") or "").strip()
    org = Organisation.objects.filter(code=org_code).first() if org_code else None
    if org_code and org is None:
        raise ValueError(_("Cơ quan chuyển đến “%(code)s” không có trong danh bạ cơ quan.") % {"code": org_code[:60]})
    data = ReportInput(
        channel=str(values.get("channel") or Channel.IMPORT), urls=_listed(values.get("urls") or values.get("url"), r"[|\r\n]+"),
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
