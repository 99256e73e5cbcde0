from __future__ import annotations

import ipaddress

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copvn.audit.services import record

from .channels import new_secret
from .models import EscalationStep, LegalBasis, ProviderContact


class ContactForm(forms.ModelForm):
    new_webhook_secret = forms.BooleanField(label=gettext_lazy("Tạo khóa ký webhook mới (hiện một lần)"), required=False)

    class Meta:
        model = ProviderContact
        fields = ["email", "webhook_url", "language", "networks", "note"]
        widgets = {"networks": forms.Textarea(attrs={"rows": 3}), "note": forms.Textarea(attrs={"rows": 2})}

    def clean_networks(self):
        lines = [line.strip() for line in self.cleaned_data["networks"].split() if line.strip()]
        for line in lines:
            try:
                ipaddress.ip_network(line, strict=False)
            except ValueError:
                raise forms.ValidationError(_("“%(line)s” không phải một dải địa chỉ IP (ví dụ 203.0.113.0/24).")
                                            % {"line": line[:60]}) from None
        return "\n".join(lines)

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"].strip()
        if url and not url.lower().startswith("https://") and not url.lower().startswith("http://"):
            raise forms.ValidationError(_("Webhook phải là địa chỉ http hoặc https."))
        return url

    def save_with_audit(self, request) -> str:
        """Saves; returns the new webhook secret when one was made (shown once)."""
        with transaction.atomic():
            contact = self.save(commit=False)
            secret = ""
            if self.cleaned_data.get("new_webhook_secret") or (contact.webhook_url and not contact.webhook_secret):
                secret = contact.webhook_secret = new_secret()
            contact.save()
            record("notice.contact", request=request, obj=contact.organisation,
                   data={"email": contact.email, "webhook": contact.webhook_url, "new_secret": bool(secret)})
        return secret


BasisForms = forms.modelformset_factory(
    LegalBasis, extra=0, can_delete=False,
    fields=["name", "citation", "hours", "trigger", "cases_from", "cases_until", "precedence", "active"],
    widgets={"citation": forms.Textarea(attrs={"rows": 2}), "cases_from": forms.DateInput(attrs={"type": "date"}),
             "cases_until": forms.DateInput(attrs={"type": "date"})})

StepForms = forms.modelformset_factory(EscalationStep, extra=0, can_delete=False,
                                       fields=["kind", "after_hours", "recipient_code", "active"])


def save_settings(bases, steps, request) -> None:
    """Legal bases and the ladder are data: a change applies to the next notice sent (or step taken)."""
    with transaction.atomic():
        changed = [f.instance.code for f in bases.forms if f.has_changed()]
        bases.save()
        moved = [f.instance.sequence for f in steps.forms if f.has_changed()]
        steps.save()
        record("notice.settings", request=request, data={"legal_bases": changed, "ladder_steps": moved})
