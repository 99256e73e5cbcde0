"""The press editor's pages: the agency's consent records and the pre-publication check. An editor sees their
own agency's records; an auditor sees all."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from copvn.accounts.roles import get_role
from copvn.audit.services import record
from copvn.core.access import requires, user_can

from . import check, services
from .files import read_article
from .forms import CheckForm, ConsentForm, SignerForm, WithdrawForm
from .models import CATEGORIES, MEDIA, ConsentRecord


def _visible(user):
    records = ConsentRecord.objects.select_related("agency").prefetch_related("signers")
    if get_role(user.role).scope == "all":
        return records
    return records.filter(agency_id=user.organisation_id) if user.organisation_id else records.none()


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
        "withdraw_form": WithdrawForm()})


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

    return _act(request, pk, WithdrawForm, act, _("Đã ghi nhận việc rút lại đồng ý."))


VERDICT_WORDS = {
    "covered": gettext_lazy("Đã có đủ đồng ý"), "missing_parent": gettext_lazy("Thiếu đồng ý của cha, mẹ hoặc người chăm sóc"),
    "missing_child": gettext_lazy("Thiếu đồng ý của chính trẻ (từ đủ 7 tuổi)"),
    "out_of_scope": gettext_lazy("Ngoài phạm vi đã đồng ý"), "withdrawn": gettext_lazy("Đồng ý đã bị rút lại"),
    "no_record": gettext_lazy("Chưa có hồ sơ đồng ý"), "not_identifiable": gettext_lazy("Không xác định được (chỉ có chữ viết tắt)"),
}


@requires("consent.check")
def check_page(request):
    form = CheckForm(request.POST or None, request.FILES or None, initial={"publication_date": timezone.localdate()})
    result = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            text = read_article(d["file"].read(), d["file"].name) if d.get("file") else d["text"]
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            _kept, result = check.run_and_record(request.user.organisation, text, publication_date=d["publication_date"],
                                                 title=d["title"], medium=d["medium"], keep=d["keep"], by=request.user,
                                                 request=request)
            for verdict in result["verdicts"]:
                verdict["words"] = str(VERDICT_WORDS[verdict["verdict"]])
    return render(request, "consent/check.html", {"form": form, "result": result})
