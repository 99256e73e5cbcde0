"""Taking in a report from any channel: validate, persist, join or open a case, start the captures.

Every channel (public form, staff entry, partner API, bulk import) goes through `submit()`, so the rules
are the same everywhere: the report is committed before the caller acknowledges it; a report about
content already in an open case joins that case; urgency starts the 12-hour clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from copvn.audit.services import record
from copvn.cases.models import OPEN_STATES, Case, CaseURL
from copvn.core import ratelimit
from copvn.core.blobs import QUARANTINE
from copvn.core.messages import describe_error
from copvn.core.writes import lock_names, serialised_transaction
from copvn.detect.urls import URLError, display, reportable
from copvn.taxonomy.models import Category

from . import harm_words, quarantine
from .models import Channel, Report, ReportURL, Upload

MAX_URLS = 20
MAX_DESCRIPTION = 20_000
MAX_UPLOADS = 5


class ReportInvalid(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass
class ReportInput:
    channel: str
    urls: list[str] = field(default_factory=list)
    description: str = ""
    harm_words: str = ""
    category_codes: list[str] = field(default_factory=list)
    child_in_danger: bool = False
    platform_hint: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    referring_org_id: int | None = None
    external_ref: str = ""
    client_key: str = ""
    uploads: list[tuple[bytes, str]] = field(default_factory=list)
    # Join this case if it is still open (monitoring: an item worded like one already in the queue).
    join_case_id: int | None = None


@dataclass
class Checked:
    canonical: list[tuple[str, object]]
    images: list[tuple[bytes, str, quarantine.ImageInfo]]
    categories: list[Category]


def clean_text(value: str) -> str:
    """Text any database stores: no NUL characters, no lone surrogates (PostgreSQL refuses both)."""
    return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def _clean(data: ReportInput) -> None:
    for name, value in vars(data).items():
        if isinstance(value, str):
            setattr(data, name, clean_text(value))
    data.urls = [clean_text(u) for u in data.urls]
    data.category_codes = [clean_text(c) for c in data.category_codes]


def check(data: ReportInput) -> Checked:
    """Every problem at once, per field, in words a reporter understands (the active language)."""
    _clean(data)
    errors: dict[str, list[str]] = {}

    def problem(name: str, message) -> None:
        errors.setdefault(name, []).append(str(message))

    canonical = _checked_urls(data, problem)
    if len(data.description) > MAX_DESCRIPTION:
        problem("description", _("Mô tả dài hơn %(n)s ký tự.") % {"n": MAX_DESCRIPTION})
    images = []
    for content, name in data.uploads[:MAX_UPLOADS]:
        try:
            images.append((content, name, quarantine.inspect(content)))
        except quarantine.UploadRejected as exc:
            problem("uploads", f"{name[:100]}: {exc}")
    if len(data.uploads) > MAX_UPLOADS:
        problem("uploads", _("Tối đa %(n)s ảnh mỗi phản ánh.") % {"n": MAX_UPLOADS})
    if data.channel not in Channel.values:
        problem("channel", _("Kênh không hợp lệ: “%(v)s”.") % {"v": data.channel[:40]})
    if data.harm_words and data.harm_words not in harm_words.HARM_WORDS:
        problem("harm_words", _("Loại nội dung không hợp lệ: “%(v)s”.") % {"v": data.harm_words[:40]})
    codes = set(data.category_codes) | set(harm_words.codes_for(data.harm_words))
    categories = list(Category.objects.filter(code__in=codes, active=True)) if codes else []
    unknown = codes - {c.code for c in categories}
    if unknown:
        problem("categories", _("Mã danh mục không tồn tại: %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
    if not (canonical or data.description.strip() or images) and "urls" not in errors and "uploads" not in errors:
        problem("urls", _("Cần ít nhất một đường dẫn, một mô tả hoặc một ảnh."))
    if errors:
        raise ReportInvalid(errors)
    return Checked(canonical, images, categories)


def _checked_urls(data: ReportInput, problem) -> list:
    """The one URL rule of every channel: each line one reportable URL (copvn.detect.urls.reportable)."""
    urls = [u.strip() for u in data.urls if u and u.strip()]
    if len(urls) > MAX_URLS:
        problem("urls", _("Tối đa %(n)s đường dẫn mỗi phản ánh.") % {"n": MAX_URLS})
    canonical, allowed = [], [ipaddress.ip_network(n) for n in settings.FETCH_ALLOW_NETWORKS]
    for raw in urls[:MAX_URLS]:
        try:
            canonical.append((raw, reportable(raw, allowed)))
        except URLError as exc:
            problem("urls", f"{display(raw[:200])}: {describe_error(exc)}")
    return canonical


def source_digest(address: str) -> str:
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


class RateLimited(Exception):
    """The sender has reached its limit of reports in the window; nothing was stored."""


@dataclass(frozen=True)
class Limit:
    key: str
    count: int
    window_seconds: int


def submit(data: ReportInput, *, request=None, actor=None, api_key=None, address: str = "",
           limit: Limit | None = None) -> tuple[Report, bool]:
    """Persist a report (and its case) and return (report, created). A repeated client key returns the first.

    The repeat check and the sender's `limit` are decided inside the transaction that stores the report,
    under a lock on the client key and the limit's key, so simultaneous submissions cannot slip past either.
    """
    _clean(data)
    existing = _earlier_copy(data, api_key)
    if existing is not None:
        return existing, False
    checked = check(data)
    try:
        with serialised_transaction():
            lock_names(f"client-key:{getattr(api_key, 'pk', '')}:{data.client_key}" if data.client_key else "")
            existing = _earlier_copy(data, api_key)
            if existing is not None:
                return existing, False
            if limit is not None and not ratelimit.take(limit.key, limit.count, limit.window_seconds):
                raise RateLimited(limit.key)
            report = _store(data, checked, request, actor, api_key, address)
    except IntegrityError:
        if api_key is not None and data.client_key:
            return Report.objects.get(api_key=api_key, client_key=data.client_key), False
        raise
    return report, True


def _store(data, checked, request, actor, api_key, address) -> Report:
    from copvn.cases.tasks import capture_case_url
    from copvn.review.tasks import detect_case_task

    report, new_urls = _persist(data, checked, actor, api_key, address)
    record("report.submit", request=request, actor=actor, obj=report,
           data={"channel": data.channel, "case": report.case.reference, "api_key": getattr(api_key, "prefix", "")})
    # In the same transaction: the report and its capture tasks are committed together or not at all.
    for pk in new_urls:
        capture_case_url.enqueue(pk)
    detect_case_task.enqueue(report.case_id)  # after the captures: each capture that finishes enqueues it again
    from copvn.review import queue

    queue.refresh(report.case)  # in the review queue at once; detection raises its priority later
    return report


REPEAT_WINDOW_SECONDS = 600


def content_key(prefix: str, data: ReportInput, address: str = "") -> str:
    """A key for "the same report again" (a double click, a re-imported file): same sender, same content."""
    parts = [address, data.channel, *sorted(u.strip() for u in data.urls if u.strip()), data.description.strip(),
             data.harm_words, *sorted(hashlib.sha256(c).hexdigest() for c, _n in data.uploads)]
    return f"{prefix}:{hashlib.sha256(chr(31).join(parts).encode()).hexdigest()[:40]}"


def _earlier_copy(data: ReportInput, api_key) -> Report | None:
    if not data.client_key:
        return None
    earlier = Report.objects.filter(api_key=api_key, client_key=data.client_key)
    if data.client_key.startswith("web:"):
        earlier = earlier.filter(received_at__gte=timezone.now() - dt.timedelta(seconds=REPEAT_WINDOW_SECONDS))
    return earlier.order_by("received_at").first()


def _persist(data, checked: Checked, actor, api_key, address) -> tuple[Report, list[int]]:
    now = timezone.now()
    digests = [_digest(c.url) for _raw, c in checked.canonical]
    case = _open_case_for(digests, [info.sha256 for *_rest, info in checked.images])
    if case is None and data.join_case_id:
        case = Case.objects.filter(pk=data.join_case_id, state__in=OPEN_STATES).first()
    joined = case is not None
    case = case or _new_case(data, checked, now)
    report = Report.objects.create(
        case=case, channel=data.channel, received_at=now, description=data.description.strip(),
        harm_words=data.harm_words, child_in_danger=data.child_in_danger, platform_hint=data.platform_hint[:40],
        reporter_name=data.reporter_name[:200], reporter_phone=data.reporter_phone[:40],
        reporter_email=data.reporter_email[:254], referring_org_id=data.referring_org_id,
        external_ref=data.external_ref[:100], entered_by=actor, api_key=api_key, client_key=data.client_key[:100],
        source_digest=source_digest(address),
    )
    new_urls, links = [], []
    known = {u.canonical_digest: u for u in case.urls.filter(canonical_digest__in=digests)} if joined else {}
    for (raw, canonical), digest in zip(checked.canonical, digests, strict=True):
        if digest not in known:
            known[digest] = CaseURL.objects.create(case=case, canonical_digest=digest, canonical=canonical.url,
                                                   first_url=raw, platform=canonical.platform, host=canonical.host)
            new_urls.append(known[digest].pk)
        links.append(ReportURL(report=report, raw=raw, case_url=known[digest]))
    ReportURL.objects.bulk_create(links)
    if checked.categories:
        report.categories.set(checked.categories)
        case.categories.add(*checked.categories)
    _keep_uploads(report, case, checked.images)
    if data.child_in_danger or any(c.urgent for c in checked.categories):
        case.make_urgent(settings.URGENT_HOURS, now)
    return report, new_urls


def _keep_uploads(report: Report, case: Case, images) -> None:
    """Hashes always (SHA-256, MD5, PDQ, computed in memory); the bytes only outside a case of child sexual
    abuse material. A case that is one after this report has any earlier bytes purged."""
    from copvn.cases.services import never_displayed, purge_media

    csam = never_displayed(case)
    for content, name, info in images:
        if not csam:
            QUARANTINE.store(content)
        Upload.objects.create(report=report, sha256=info.sha256, md5=info.md5, pdq=info.pdq, size=info.size,
                              content_type=info.content_type, width=info.width, height=info.height,
                              original_name=name[:255], bytes_kept=not csam)
    if csam:
        purge_media(case, reason="case in a never-displayed category (CSAM)")


def _digest(canonical_url: str) -> str:
    return hashlib.sha256(canonical_url.encode()).hexdigest()


def _open_case_for(url_digests: list[str], image_digests: list[str]) -> Case | None:
    _lock_keys(url_digests + image_digests)
    by_url = CaseURL.objects.filter(canonical_digest__in=url_digests, case__state__in=OPEN_STATES)
    match = by_url.select_related("case").order_by("case__received_at").first()
    if match is not None:
        return match.case
    if image_digests:
        upload = Upload.objects.filter(sha256__in=image_digests, report__case__state__in=OPEN_STATES) \
            .select_related("report__case").order_by("report__case__received_at").first()
        if upload is not None:
            return upload.report.case
    return None


def _lock_keys(digests: list[str]) -> None:
    """Two reports about the same content must not both open a case: serialise on it."""
    lock_names(*(f"content:{digest}" for digest in digests))


def _new_case(data: ReportInput, checked: Checked, now) -> Case:
    platform = checked.canonical[0][1].platform if checked.canonical else ""
    summary = (data.description.strip().splitlines() or [""])[0][:300]
    case = Case.objects.create(received_at=now, platform=platform, summary=summary)
    case.reference = f"VV-{timezone.localtime(now).year}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    return case
