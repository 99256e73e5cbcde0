from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from copvn.orgs.models import Organisation
from copvn.taxonomy.models import Category

from . import harm_words
from .models import Channel
from .services import ReportInput

PLATFORMS = [("", _("Tự nhận biết từ đường dẫn")), ("facebook", "Facebook"), ("tiktok", "TikTok"),
             ("youtube", "YouTube"), ("zalo", "Zalo"), ("instagram", "Instagram"), ("x", "X (Twitter)"),
             ("telegram", "Telegram"), ("game", _("Trò chơi trực tuyến")), ("web", _("Trang web khác"))]
STAFF_CHANNELS = [c for c in Channel.choices if c[0] not in {Channel.WEB, Channel.API, Channel.IMPORT}]


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class HoneypotInput(forms.TextInput):
    """A text input inside an element with the `hidden` attribute: not displayed even without the stylesheet,
    out of the tab order and of the accessibility tree, yet present in the HTML for bots to fill."""

    def __init__(self):
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_hidden(self) -> bool:
        return True

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        return format_html('<div class="hp" hidden aria-hidden="true">{}</div>', field)


class PublicReportForm(forms.Form):
    urls = forms.CharField(label=_("Đường dẫn (mỗi dòng một đường dẫn)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url", "autocomplete": "off"}))
    description = forms.CharField(label=_("Mô tả sự việc"), required=False, max_length=20_000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    harm_words = forms.ChoiceField(label=_("Nội dung thuộc loại nào?"), choices=harm_words.choices,
                                   widget=forms.RadioSelect, initial="other")
    platform_hint = forms.ChoiceField(label=_("Nền tảng"), choices=PLATFORMS, required=False)
    child_in_danger = forms.BooleanField(label=_("Có trẻ em đang gặp nguy hiểm ngay lúc này"), required=False)
    screenshots = MultipleImageField(label=_("Ảnh chụp màn hình (không bắt buộc)"), required=False)
    reporter_name = forms.CharField(label=_("Họ tên"), required=False, max_length=200)
    reporter_phone = forms.CharField(label=_("Điện thoại"), required=False, max_length=40)
    reporter_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    # A field people never see, reach by keyboard or hear from a screen reader: bots that fill every input do.
    website = forms.CharField(required=False, label="website", widget=HoneypotInput)

    channel = Channel.WEB

    def to_input(self, **extra) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            channel=self.channel, urls=data["urls"].splitlines(), description=data["description"],
            harm_words=data["harm_words"], child_in_danger=data["child_in_danger"],
            platform_hint=data["platform_hint"], reporter_name=data["reporter_name"].strip(),
            reporter_phone=data["reporter_phone"].strip(), reporter_email=data["reporter_email"].strip(),
            uploads=[(f.read(), f.name) for f in data["screenshots"]], **extra,
        )


class StaffReportForm(PublicReportForm):
    channel_choice = forms.ChoiceField(label=_("Kênh tiếp nhận"), choices=STAFF_CHANNELS)
    referring_org = forms.ModelChoiceField(label=_("Cơ quan chuyển đến"), required=False,
                                           queryset=Organisation.objects.current())
    external_ref = forms.CharField(label=_("Số tham chiếu của nơi chuyển"), required=False, max_length=100)
    categories = forms.ModelMultipleChoiceField(label=_("Danh mục (nếu đã rõ)"), required=False,
                                                queryset=Category.objects.filter(active=True), to_field_name="code",
                                                widget=forms.CheckboxSelectMultiple)
    field_order = ["channel_choice", "referring_org", "external_ref"]

    def to_input(self, **extra) -> ReportInput:
        data = self.cleaned_data
        report = super().to_input(referring_org_id=data["referring_org"].pk if data["referring_org"] else None,
                                  external_ref=data["external_ref"], **extra)
        report.channel = data["channel_choice"]
        report.category_codes = [c.code for c in data["categories"]]
        return report


class StatusForm(forms.Form):
    reference = forms.CharField(label=_("Mã tra cứu"), max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "PA-XXXXX-XXXXX"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV hoặc JSON Lines (UTF-8)"))
