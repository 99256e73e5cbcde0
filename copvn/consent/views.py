"""The press editor's pages: the agency's consent records and the pre-publication check. An editor sees their
own agency's records; an auditor sees all."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from copvn.audit.services import record
from copvn.core.access import own_organisation, requires, user_can

from . import check, downloads, services
from .files import read_article, read_url
from .forms import CheckForm, ConsentForm, EvidenceForm, SignerForm, WithdrawForm
from .models import CATEGORIES, MEDIA, ConsentRecord, PrepublicationCheck


def _visible(user):
    return own_organisation(ConsentRecord.objects.select_related("agency").prefetch_related("signers"), user, "agency")


@requires("consent.view")
def consent_list(request):
    page = Paginator(_visible(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "consent/list.html", {"page": page, "can_manage": user_can(request.user, "consent.manage")})


@requires("consent.manage")
def consent_new(request):
    form = ConsentForm(request.POST or None, initial={"valid_from": timezone.localdate(),
                                                      "signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.register(request.user.organisation, request.user, form.to_input(), request=request)
        except services.ConsentRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Đã đăng ký đồng ý cho %(name)s.") % {"name": consent.child_name})
            return redirect("consent:detail", pk=consent.pk)
    return render(request, "consent/form.html", {"form": form})


@requires("consent.view")
def consent_detail(request, pk):
    consent = get_object_or_404(_visible(request.user), pk=pk)
    with transaction.atomic():
        record("consent.read", request=request, obj=consent)
    age, certain = services.age_on(consent, timezone.localdate())
    return render(request, "consent/detail.html", {
        "consent": consent, "age": age, "age_certain": certain, "chain_intact": services.chain_intact(consent),
        "categories": [CATEGORIES[c] for c in consent.categories], "media": [MEDIA[m] for m in consent.media],
        "can_manage": user_can(request.user, "consent.manage") and consent.state == ConsentRecord.State.ACTIVE,
        "signer_form": SignerForm(initial={"role": "child", "full_name": consent.child_name,
                                           "signed_on": timezone.localdate()}),
        "withdraw_form": WithdrawForm(), "evidence_form": EvidenceForm(), "removal_task": _removal_task(consent),
        "can_open_evidence": user_can(request.user, "consent.evidence")})


@requires("consent.manage")
@require_POST
def add_evidence(request, pk):
    consent = get_object_or_404(_visible(request.user), pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("consent:detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        services.add_evidence(consent, request.user, upload.read(), upload.name, request=request)
    except services.ConsentRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Đã lưu bản quét vào kho cách ly."))
    return redirect("consent:detail", pk=pk)


@requires("consent.evidence")
def open_evidence(request, pk, evidence_pk):
    """The scanned form as a download (never inline), with an audit entry naming who opened it."""
    consent = get_object_or_404(_visible(request.user), pk=pk)
    return downloads.evidence(request, consent, get_object_or_404(consent.evidence, pk=evidence_pk))


@requires("consent.view")
def printable_form(request, fmt, pk=None):
    """The consent form to print: blank for the agency, or filled from a record for signature."""
    consent = get_object_or_404(_visible(request.user), pk=pk) if pk else None
    agency = consent.agency if consent else request.user.organisation
    if agency is None:
        messages.error(request, _("Tài khoản chưa thuộc cơ quan báo chí nào."))
        return redirect("consent:list")
    response = downloads.form(request, agency, consent, fmt)
    if isinstance(response, str):
        messages.error(request, _("Chưa tạo được bản PDF (%(why)s); hãy tải bản DOCX.") % {"why": response})
        return redirect("consent:detail", pk=pk) if pk else redirect("consent:list")
    return response


def _checks(user, *, mine: bool = False):
    """Kept checks the user may read (their agency's; all for an auditor) — with `mine`, also the user's own
    checks that were not kept (to download the redaction of the check just run)."""
    from django.db.models import Q

    checks = PrepublicationCheck.objects.select_related("agency", "by")
    checks = checks.filter(Q(kept=True) | Q(by=user)) if mine else checks.filter(kept=True)
    return own_organisation(checks, user, "agency")


@requires("consent.view")
def redacted_text(request, pk):
    """The suggested redaction of a check's article, as a text file to edit from."""
    kept = get_object_or_404(_checks(request.user, mine=True), pk=pk)
    with transaction.atomic():
        record("consent.check_read", request=request, obj=kept, data={"download": "redacted"})
    response = HttpResponse(kept.result.get("redacted", ""), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="luoc-bo-{kept.pk}.txt"'
    response["Cache-Control"] = "no-store"
    return response


@requires("consent.view")
def check_list(request):
    """The checks editors kept as the record that an article was checked before publication."""
    page = Paginator(_checks(request.user).order_by("-at"), 50).get_page(request.GET.get("page"))
    for kept in page:
        kept.verdict_counts = _verdict_counts(kept.result)
    return render(request, "consent/check_list.html", {"page": page})


def _verdict_counts(result: dict) -> list[tuple[str, int]]:
    from collections import Counter

    counts = Counter(v["verdict"] for v in result.get("verdicts", []))
    return [(str(VERDICT_WORDS[v]), n) for v, n in sorted(counts.items())]


@requires("consent.view")
def check_detail(request, pk):
    kept = get_object_or_404(_checks(request.user), pk=pk)
    with transaction.atomic():
        record("consent.check_read", request=request, obj=kept)
    return render(request, "consent/check_detail.html", {"kept": kept, "result": _words(kept.result),
                                                         "medium": MEDIA.get(kept.medium, kept.medium)})


def _removal_task(consent):
    from copvn.coordination.models import Task

    return Task.objects.filter(origin=Task.Origin.CONSENT_WITHDRAWN, subject=f"consent:{consent.pk}").first()


def _act(request, pk, form_class, act, success):
    consent = get_object_or_404(_visible(request.user), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("consent:detail", pk=pk)
    try:
        act(consent, form)
    except services.ConsentRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, success)
    return redirect("consent:detail", pk=pk)


@requires("consent.manage")
@require_POST
def add_signer(request, pk):
    return _act(request, pk, SignerForm, lambda c, f: services.add_signer(c, request.user, f.to_input(), request=request),
                _("Đã thêm chữ ký."))


@requires("consent.manage")
@require_POST
def withdraw(request, pk):
    def act(consent, form):
        d = form.cleaned_data
        services.withdraw(consent, request.user, d["by"], d["reason"], published_url=d["published_url"],
                          request=request)

    return _act(request, pk, WithdrawForm, act,
                _("Đã ghi nhận việc rút lại đồng ý; cơ quan đã được giao nhiệm vụ gỡ thông tin của trẻ."))


VERDICT_WORDS = {
    "covered": gettext_lazy("Đã có đủ đồng ý"), "missing_parent": gettext_lazy("Thiếu đồng ý của cha, mẹ hoặc người chăm sóc"),
    "missing_child": gettext_lazy("Thiếu đồng ý của chính trẻ (từ đủ 7 tuổi)"),
    "out_of_scope": gettext_lazy("Ngoài phạm vi đã đồng ý"), "withdrawn": gettext_lazy("Đồng ý đã bị rút lại"),
    "no_record": gettext_lazy("Chưa có hồ sơ đồng ý"), "not_identifiable": gettext_lazy("Không xác định được (chỉ có chữ viết tắt)"),
}


def reason_words(reason: str) -> str:
    """A verdict's reason code ("category:residence", "medium:tv", "period"…) in words for the editor."""
    kind, _sep, detail = reason.partition(":")
    if kind == "category":
        return _("Chưa được đồng ý công bố: %(what)s") % {
            "what": "; ".join(str(CATEGORIES.get(c, c)).lower() for c in detail.split(","))}
    if kind == "medium":
        return _("Loại hình chưa được đồng ý: %(what)s") % {"what": str(MEDIA.get(detail, detail)).lower()}
    return str({"article": gettext_lazy("Bài viết khác với bài đã được đồng ý"),
                "period": gettext_lazy("Ngày đăng ngoài thời hạn đồng ý"),
                "age_uncertain": gettext_lazy("Tuổi ước tính (hồ sơ không có ngày sinh)"),
                "initials": gettext_lazy("Bài chỉ nêu chữ cái đầu của tên")}.get(reason, reason))


def _words(result: dict) -> dict:
    for verdict in result.get("verdicts", []):
        verdict["words"] = str(VERDICT_WORDS[verdict["verdict"]])
        verdict["reason_words"] = [reason_words(r) for r in verdict.get("reasons", [])]
    return result


@requires("consent.check")
def check_page(request):
    form = CheckForm(request.POST or None, request.FILES or None, initial={"publication_date": timezone.localdate()})
    result = kept = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d.get("file"):
                text = read_article(d["file"].read(), d["file"].name)
            else:
                text = d["text"] if (d["text"] or "").strip() else read_url(d["url"])
        except ValueError as exc:
            form.add_error("file" if d.get("file") else ("url" if d.get("url") else None), str(exc))
        else:
            kept, result = check.run_and_record(request.user.organisation, text, publication_date=d["publication_date"],
                                                 title=d["title"], medium=d["medium"], keep=d["keep"], by=request.user,
                                                 request=request)
            _words(result)
    return render(request, "consent/check.html", {"form": form, "result": result,
                                                  "kept": kept if result is not None else None})
