from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Task


class UpdateForm(forms.Form):
    state = forms.ChoiceField(label=_("Trạng thái"), choices=Task.State.choices)
    comment = forms.CharField(label=_("Nhận xét, kết quả"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=4000)


class AssignForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Cơ quan, đơn vị thực hiện"), queryset=None)
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=300)
    details = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    due = forms.DateField(label=_("Hạn hoàn thành"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        from copvn.orgs.models import Kind, Organisation

        orgs = Organisation.objects.current().exclude(kind__in=("platform", "isp", "ministry", "province")) \
            .exclude(code=settings.NOTICE_ISSUER).exclude(parent__isnull=True, kind="police").order_by("kind", "name")
        self.fields["organisation"].queryset = orgs
        labels, groups = dict(Kind.choices), {}
        for org in orgs:
            groups.setdefault(str(labels.get(org.kind, org.kind)), []).append((org.pk, org.name))
        self.fields["organisation"].choices = [("", "---------"), *groups.items()]


class FileForm(forms.Form):
    file = forms.FileField(label=_("Tệp minh chứng (PDF, ảnh, DOCX, XLSX)"))


ACTIVITY_FIELDS = {
    "awareness": ("people_reached",),
    "training": ("people_reached", "schools"),
    "press": ("articles", "airtime_minutes"),
    "school": ("schools", "people_reached"),
    "victim_support": ("support_requests", "children_supported"),
    "inspection": ("violations_found", "violations_handled"),
}


class ActivityForm(forms.ModelForm):
    """One form per kind of activity: the figures that kind reports, nothing else."""

    class Meta:
        from .models import ActivityRecord

        model = ActivityRecord
        fields = ["day", "title", "details", "people_reached", "schools", "articles", "airtime_minutes",
                  "support_requests", "children_supported", "violations_found", "violations_handled"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"}), "details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"day", "title", "details", *ACTIVITY_FIELDS[kind]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        pairs = (("children_supported", "support_requests"), ("violations_handled", "violations_found"))
        for part, whole in pairs:
            if part in data and whole in data and (data[part] or 0) > (data[whole] or 0):
                self.add_error(part, _("Không thể lớn hơn “%(whole)s”.") % {"whole": self.fields[whole].label})
        return data


class ObstacleForm(forms.Form):
    title = forms.CharField(label=_("Vướng mắc"), max_length=300)
    details = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 3}))
