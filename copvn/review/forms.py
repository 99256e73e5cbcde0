from django import forms
from django.utils.translation import gettext_lazy as _

from copvn.taxonomy.models import Category

from .models import Decision, Wellness
from .services import DecisionInput


class DecisionForm(forms.Form):
    harmful = forms.TypedChoiceField(label=_("Kết luận"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                     choices=[("yes", _("Có hại")), ("no", _("Không có hại"))])
    categories = forms.ModelMultipleChoiceField(label=_("Danh mục"), required=False, to_field_name="code",
                                                queryset=Category.objects.filter(active=True),
                                                widget=forms.CheckboxSelectMultiple)
    csam_class = forms.ChoiceField(label=_("Phân loại CSAM (INHOPE/ICCAM)"), required=False,
                                   choices=[("", "—"), *Decision.CsamClass.choices])
    age_band = forms.ChoiceField(label=_("Nhóm tuổi (CSAM)"), required=False, choices=[("", "—"), *Decision.AgeBand.choices])
    severity = forms.TypedChoiceField(label=_("Mức độ"), coerce=int, choices=Decision.Severity.choices,
                                      initial=Decision.Severity.MEDIUM)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), required=False, max_length=300)
    action = forms.ChoiceField(label=_("Hành động"), choices=Decision.Action.choices)
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))
    seen_number = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def to_input(self) -> DecisionInput:
        data = self.cleaned_data
        return DecisionInput(categories=[c.code for c in data["categories"]], harmful=data["harmful"],
                             action=data["action"], reason=data["reason"], severity=data["severity"],
                             legal_basis=data["legal_basis"], csam_class=data["csam_class"],
                             age_band=data["age_band"], seen_number=data["seen_number"])


class WellnessForm(forms.ModelForm):
    for_organisation = forms.BooleanField(label=_("Đặt làm mặc định cho người xem xét của cơ quan tôi"),
                                          required=False)

    class Meta:
        model = Wellness
        fields = ["blur", "greyscale", "autoplay", "daily_limit"]

    def __init__(self, *args, may_set_default: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_set_default:
            del self.fields["for_organisation"]


class RoutingRuleForm(forms.ModelForm):
    categories = forms.ModelMultipleChoiceField(label=_("Danh mục (một trong các danh mục)"), required=False,
                                                to_field_name="code", queryset=Category.objects.filter(active=True),
                                                widget=forms.CheckboxSelectMultiple)
    channels = forms.MultipleChoiceField(label=_("Kênh tiếp nhận (một trong các kênh)"), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        from .models import RoutingRule

        model = RoutingRule
        fields = ["sequence", "name", "categories", "channels", "urgent_only", "queue", "active"]

    def __init__(self, *args, **kwargs):
        from copvn.intake.models import Channel

        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = Channel.choices
        if self.instance.pk:
            self.initial["categories"] = list(Category.objects.filter(code__in=self.instance.categories))

    def clean_categories(self):
        return [c.code for c in self.cleaned_data["categories"]]
