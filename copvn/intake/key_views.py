from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from copvn.core.access import requires
from copvn.orgs.models import Organisation

from . import keys
from .models import ApiKey


class KeyForm(forms.Form):
    organisation = forms.ModelChoiceField(label=gettext_lazy("Cơ quan, tổ chức"), queryset=Organisation.objects.current())
    name = forms.CharField(label=gettext_lazy("Tên khóa (để nhận biết)"), max_length=100)
    trust = forms.ChoiceField(label=gettext_lazy("Mức tin cậy"), choices=ApiKey.Trust.choices, initial="normal")


@requires("apikeys.manage")
@require_http_methods(["GET", "POST"])
def key_list(request):
    form = KeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key, secret = keys.issue(form.cleaned_data["organisation"], form.cleaned_data["name"],
                                 form.cleaned_data["trust"], request=request)
        return render(request, "intake/key_secret.html", {"key": key, "secret": secret})
    api_keys = ApiKey.objects.select_related("organisation").order_by("-created_at")
    return render(request, "intake/key_list.html", {"form": form, "keys": api_keys})


@requires("apikeys.manage")
@require_POST
def key_revoke(request, pk):
    key = get_object_or_404(ApiKey, pk=pk)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Cần ghi lý do."))
    else:
        keys.revoke(key, reason, request=request)
        messages.success(request, _("Đã thu hồi khóa."))
    return redirect("apikeys:list")
