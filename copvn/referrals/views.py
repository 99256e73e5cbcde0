"""Referral pages: the staff list and the liaison's inbox (only what was referred to their organisation)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copvn.audit.services import record
from copvn.cases.models import Case
from copvn.core.access import requires
from copvn.core.outbox import DOCUMENTS
from copvn.documents import MEDIA_TYPES
from copvn.orgs.models import Organisation

from . import services
from .models import Referral


@requires("referrals.view")
def referral_list(request):
    page = Paginator(services.visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "referrals/referral_list.html", {"page": page, "inbox": False})


@requires("referrals.respond")
def inbox(request):
    page = Paginator(services.visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "referrals/referral_list.html", {"page": page, "inbox": True})


def _show(request, referral, inbox: bool):
    with transaction.atomic():
        record("referral.read", request=request, obj=referral.case, data={"referral": referral.reference})
    return render(request, "referrals/referral_detail.html", {"referral": referral, "inbox": inbox,
                                                              "outcomes": Referral.Outcome.choices[1:]})


@requires("referrals.view")
def detail(request, reference):
    return _show(request, get_object_or_404(services.visible_to(request.user), reference=reference), False)


@requires("referrals.respond")
def inbox_detail(request, reference):
    referral = get_object_or_404(services.visible_to(request.user), reference=reference)
    if request.method == "POST":
        try:
            if request.POST.get("act") == "acknowledge":
                services.acknowledge(referral, request.user, request=request)
            else:
                services.record_outcome(referral, request.user, request.POST.get("outcome", "")[:16],
                                        request.POST.get("note", "")[:4000], request=request)
        except services.ReferralRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Đã ghi nhận."))
        return redirect("referrals:inbox_detail", reference=reference)
    return _show(request, referral, True)


def _package(request, referral):
    with transaction.atomic():
        record("referral.package_read", request=request, obj=referral.case, data={"referral": referral.reference})
    return FileResponse(DOCUMENTS.path(referral.package_docx).open("rb"), as_attachment=True,
                        filename=f"{referral.reference}.docx",
                        content_type=MEDIA_TYPES["docx"])


@requires("referrals.view")
def package(request, reference):
    return _package(request, get_object_or_404(services.visible_to(request.user), reference=reference))


@requires("referrals.respond")
def inbox_package(request, reference):
    return _package(request, get_object_or_404(services.visible_to(request.user), reference=reference))


@requires("referrals.create")
@require_POST
def refer_case(request, reference):
    case = get_object_or_404(Case, reference=reference)
    destination = request.POST.get("destination", "")
    organisation = Organisation.objects.current().filter(code=request.POST.get("organisation", "")[:60]).first()
    if organisation is None:
        messages.error(request, _("Hãy chọn cơ quan nhận."))
        return redirect("cases:detail", reference=reference)
    try:
        referral = services.refer(case, organisation, destination, request.user,
                                  note=request.POST.get("note", "")[:4000], request=request)
    except services.ReferralRefused as refused:
        messages.error(request, str(refused))
        return redirect("cases:detail", reference=reference)
    messages.success(request, _("Đã chuyển hồ sơ: %(ref)s.") % {"ref": referral.reference})
    return redirect("referrals:detail", reference=referral.reference)


def destinations():
    """Who a case can be referred to: police units, hotline 111, commune committees, schools."""
    current = Organisation.objects.current()
    return (current.filter(kind__in=["police", "commune_committee", "school"])
            | current.filter(code=settings.REFERRAL_HOTLINE_ORG)).order_by("kind", "name")
