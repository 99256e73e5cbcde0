from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Programme, Target


class SubmissionForm(forms.Form):
    results = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    obstacles = forms.CharField(label=_("Khó khăn, vướng mắc"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_tasks = forms.CharField(label=_("Nhiệm vụ kỳ tới"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    proposals = forms.CharField(label=_("Đề xuất, kiến nghị"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Ý kiến"), choices=[("accept", _("Tiếp nhận")), ("return", _("Trả lại để bổ sung"))],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Ý kiến của sở chủ trì"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["code", "name", "decision", "start", "end"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}), "end": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["programme", "indicator", "name", "target_percent", "denominator", "period_start", "period_end"]
        widgets = {"period_start": forms.DateInput(attrs={"type": "date"}),
                   "period_end": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"] = forms.ChoiceField(label=_("Cách tính"), choices=[
            ("schools_education", _("Tỷ lệ trường học tổ chức giáo dục an toàn trên mạng")),
            ("victims_supported", _("Tỷ lệ trẻ em được hỗ trợ khi có yêu cầu")),
            ("violations_handled", _("Tỷ lệ vi phạm được xử lý"))])

    def clean(self):
        data = super().clean()
        start, end, programme = data.get("period_start"), data.get("period_end"), data.get("programme")
        if start and end and end < start:
            self.add_error("period_end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        if programme and start and end and (start < programme.start or end > programme.end):
            self.add_error("period_start", _("Kỳ của chỉ tiêu phải nằm trong thời gian của chương trình."))
        value = data.get("target_percent")
        if value is not None and not 0 <= value <= 100:
            self.add_error("target_percent", _("Mục tiêu là tỷ lệ từ 0 đến 100 %."))
        return data


class AdhocForm(forms.Form):
    start = forms.DateField(label=_("Số liệu từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=_("Hạn nộp"), widget=forms.DateInput(attrs={"type": "date"}))
    organisations = forms.ModelMultipleChoiceField(label=_("Cơ quan, đơn vị báo cáo"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from copvn.orgs.models import Organisation

        self.fields["organisations"].queryset = Organisation.objects.current().exclude(
            kind__in=("platform", "isp", "ministry", "school")).order_by("kind", "name")
