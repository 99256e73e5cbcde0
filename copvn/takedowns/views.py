"""Notice pages for copvn's staff and, under /provider/, the portal of platform and ISP liaisons.
Views parse, authorise, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copvn.audit.services import record
from copvn.core import outbox
from copvn.core.access import requires, user_can
from copvn.core.exports import csv_response
from copvn.core.filters import text_param
from copvn.core.models import OutboxMessage
from copvn.documents import MEDIA_TYPES
from copvn.orgs.models import Organisation

from . import figures, services
from .forms import BasisForms, ContactForm, StepForms, save_settings
from .models import Dispatch, Notice, NoticeURL, ProviderContact, VerificationCheck
from .states import State


def _notices():
    return Notice.objects.select_related("provider", "legal_basis", "issuer")


@requires("notices.view")
def notice_list(request):
    notices = _notices()
    state, provider = text_param(request, "state", 24), text_param(request, "provider", 60)
    overdue = request.GET.get("overdue") == "1"
    if state in State.values:
        notices = notices.filter(state=state)
    if provider:
        notices = notices.filter(provider__code=provider)
    if overdue:
        notices = notices.overdue().order_by("due_at")
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    providers = Organisation.objects.filter(notices__isnull=False).distinct().order_by("name")
    return render(request, "takedowns/notice_list.html", {
        "page": page, "states": State.choices, "state": state, "provider": provider, "providers": providers,
        "overdue": overdue, "overdue_count": Notice.objects.overdue().count(),
        "paused": Notice.objects.filter(paused_at__isnull=False).exclude(state__in=[State.CLOSED, State.CANCELLED])})


def _detail_context(notice: Notice) -> dict:
    urls = notice.urls.select_related("case", "moved_to").prefetch_related(
        Prefetch("checks", queryset=VerificationCheck.objects.order_by("-checked_at")))
    dispatches = notice.dispatches.select_related("recipient").prefetch_related("messages")
    return {"notice": notice, "urls": urls, "dispatches": dispatches, "events": notice.events.select_related(
        "actor", "actor_organisation"), "reuploads": notice.reuploads.select_related("case")}


@requires("notices.view")
def notice_detail(request, reference):
    notice = get_object_or_404(_notices(), reference=reference)
    context = _detail_context(notice)
    context.update(can_approve=user_can(request.user, "notices.approve") and notice.state == State.DRAFT
                   and notice.drafted_by_id != request.user.pk,
                   can_manage=user_can(request.user, "notices.manage"),
                   channels=services.channels_for(notice.provider))
    return render(request, "takedowns/notice_detail.html", context)


def _act(request, reference, act, success: str):
    notice = get_object_or_404(Notice, reference=reference)
    try:
        act(notice)
    except services.NoticeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, success)
    return redirect("takedowns:detail", reference=reference)


@requires("notices.approve")
@require_POST
def approve(request, reference):
    return _act(request, reference, lambda n: services.approve(n, request.user, request=request),
                _("Đã phê duyệt yêu cầu."))


@requires("notices.manage")
@require_POST
def send(request, reference):
    return _act(request, reference, lambda n: services.send(n, request.user, request=request), _("Đã gửi yêu cầu."))


@requires("notices.manage")
@require_POST
def settle_dispute(request, reference):
    upheld = request.POST.get("verdict") == "uphold"
    note = request.POST.get("note", "")[:4000]
    return _act(request, reference, lambda n: services.settle_dispute(n, request.user, upheld, note, request=request),
                _("Đã ghi ý kiến về phản đối."))


@requires("notices.manage")
@require_POST
def close(request, reference):
    note = request.POST.get("note", "")[:4000]
    return _act(request, reference, lambda n: services.close(n, request.user, note, request=request),
                _("Đã đóng yêu cầu."))


@requires("notices.approve")
@require_POST
def cancel(request, reference):
    note = request.POST.get("note", "")[:4000]
    return _act(request, reference, lambda n: services.cancel(n, request.user, note, request=request),
                _("Đã hủy yêu cầu."))


@requires("notices.manage")
@require_POST
def confirm_addressee(request, pk):
    url = get_object_or_404(NoticeURL.objects.select_related("notice"), pk=pk)
    try:
        drafted = services.confirm_addressee(url, request.user, request=request)
    except services.NoticeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Đã xác nhận nơi nhận mới; dự thảo yêu cầu: %(refs)s.")
                         % {"refs": ", ".join(n.reference for n in drafted) or "—"})
    return redirect("takedowns:detail", reference=url.notice.reference)


def _letter(request, notice: Notice, dispatch: Dispatch, fmt: str):
    """The letter as sent: the DOCX kept at sending, or the PDF the outbox made from it."""
    sha256 = dispatch.letter_docx
    if fmt == "pdf":
        made = [a.get("sha256") for m in dispatch.messages.all() for a in m.attachments if a.get("make") == "pdf"]
        sha256 = next((s for s in made if s), "")
        if not sha256:
            raise Http404(_("Bản PDF chưa được tạo (đang chờ gửi, hoặc LibreOffice không chạy được); hãy tải bản DOCX."))
    with transaction.atomic():
        record("notice.letter_read", request=request, obj=notice, data={"dispatch": dispatch.pk, "format": fmt})
    return FileResponse(outbox.DOCUMENTS.path(sha256).open("rb"), as_attachment=True, content_type=MEDIA_TYPES[fmt],
                        filename=f"{notice.reference}-{dispatch.kind}.{fmt}")


@requires("notices.view")
def letter(request, reference, pk, fmt):
    notice = get_object_or_404(Notice, reference=reference)
    return _letter(request, notice, get_object_or_404(notice.dispatches, pk=pk), fmt)


@requires("notices.figures")
def figures_page(request):
    return render(request, "takedowns/figures.html", {"by_provider": figures.table("provider"),
                                                      "by_category": figures.table("category")})


@requires("notices.figures")
def figures_export(request):
    group = "category" if request.GET.get("by") == "category" else "provider"
    with transaction.atomic():
        record("notice.figures_export", request=request, data={"by": group})
    return csv_response(figures.csv_rows(group), f"copvn-yeu-cau-go-bo-theo-{group}.csv")


# — provider contacts and the outbox ————————————————————————————————————————————————————————————————————


@requires("notices.contacts")
def contacts(request):
    providers = Organisation.objects.current().filter(kind__in=["platform", "isp"]).select_related("notice_contact") \
        .order_by("kind", "name")
    return render(request, "takedowns/contacts.html", {"providers": providers})


@requires("notices.contacts")
def contact_edit(request, code):
    organisation = get_object_or_404(Organisation, code=code, kind__in=["platform", "isp", "ministry"])
    contact = ProviderContact.objects.filter(organisation=organisation).first() or ProviderContact(organisation=organisation)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        secret = form.save_with_audit(request)
        if secret:
            return render(request, "takedowns/contact_secret.html", {"organisation": organisation, "secret": secret})
        messages.success(request, _("Đã lưu địa chỉ nhận yêu cầu của %(name)s.") % {"name": organisation.name})
        return redirect("takedowns:contacts")
    return render(request, "takedowns/contact_form.html", {"form": form, "organisation": organisation})


@requires("notices.view")
def settings_page(request):
    """Legal bases with their clocks and the escalation ladder; an administrator edits them."""
    editable = user_can(request.user, "notices.settings") and request.method == "POST"
    bases = BasisForms(request.POST if editable else None, prefix="basis")
    steps = StepForms(request.POST if editable else None, prefix="step")
    if editable:
        if bases.is_valid() and steps.is_valid():
            save_settings(bases, steps, request)
            messages.success(request, _("Đã lưu căn cứ pháp lý và các bước xử lý quá hạn."))
            return redirect("takedowns:settings")
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "takedowns/settings.html", {"bases": bases, "steps": steps,
                                                       "can_edit": user_can(request.user, "notices.settings")})


@requires("outbox.view")
def outbox_page(request):
    status = text_param(request, "status", 10)
    rows = OutboxMessage.objects.prefetch_related("tries").order_by("-created_at")
    if status in OutboxMessage.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    counts = {s: OutboxMessage.objects.filter(status=s).count() for s in OutboxMessage.Status.values}
    return render(request, "takedowns/outbox.html", {"page": page, "status": status, "counts": counts,
                                                     "can_retry": user_can(request.user, "outbox.retry")})


@requires("outbox.retry")
@require_POST
def outbox_retry(request, pk):
    message = get_object_or_404(OutboxMessage, pk=pk)
    with transaction.atomic():
        outbox.retry_now(message)
        record("outbox.retry", request=request, obj=message, data={"kind": message.kind, "status": message.status})
    messages.success(request, _("Đã lên lịch gửi lại."))
    return redirect("takedowns:outbox")


# — the provider's portal ————————————————————————————————————————————————————————————————————————————————


def _mine(request):
    return _notices().for_provider(request.user.organisation_id) if request.user.organisation_id else Notice.objects.none()


@requires("notices.respond")
def portal_list(request):
    notices = _mine(request).order_by("-sent_at")
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(request, "takedowns/portal_list.html", {"page": page, "now": timezone.now()})


@requires("notices.respond")
def portal_detail(request, reference):
    notice = get_object_or_404(_mine(request), reference=reference)
    if request.method == "POST":
        kind = request.POST.get("answer", "")
        try:
            services.answer(notice, request.user.organisation, kind, request.POST.get("note", "")[:4000],
                            actor=request.user, request=request)
        except services.NoticeRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Đã ghi nhận phản hồi của đơn vị."))
        return redirect("takedowns:portal_detail", reference=reference)
    with transaction.atomic():
        record("notice.read", request=request, obj=notice, data={"notice": notice.reference})
    context = _detail_context(notice)
    context["portal"] = True
    if notice.sent_at:  # not copvn's internal steps before sending
        context["events"] = context["events"].filter(at__gte=notice.sent_at)
    return render(request, "takedowns/portal_detail.html", context)


@requires("notices.respond")
def portal_letter(request, reference, pk, fmt):
    notice = get_object_or_404(_mine(request), reference=reference)
    dispatch = get_object_or_404(notice.dispatches, pk=pk, recipient=request.user.organisation)
    return _letter(request, notice, dispatch, fmt)
