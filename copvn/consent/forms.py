from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CATEGORIES, MEDIA, ConsentRecord, Signer
from .services import ConsentInput, SignerInput

DATE = {"type": "date"}


class ConsentForm(forms.Form):
    child_name = forms.CharField(label=_("Họ tên trẻ em"), max_length=200)
    date_of_birth = forms.DateField(label=_("Ngày sinh"), required=False, widget=forms.DateInput(attrs=DATE))
    age_years = forms.IntegerField(label=_("Tuổi (khi không biết ngày sinh)"), required=False, min_value=0, max_value=18)
    school = forms.CharField(label=_("Trường (không bắt buộc)"), max_length=200, required=False)
    categories = forms.MultipleChoiceField(label=_("Loại thông tin được công bố (Điều 33 Nghị định 56/2017)"),
                                           choices=list(CATEGORIES.items()), widget=forms.CheckboxSelectMultiple)
    media = forms.MultipleChoiceField(label=_("Loại hình báo chí"), choices=list(MEDIA.items()),
                                      widget=forms.CheckboxSelectMultiple)
    article = forms.CharField(label=_("Bài viết hoặc loạt bài (để trống: mọi bài)"), max_length=300, required=False)
    valid_from = forms.DateField(label=_("Hiệu lực từ"), widget=forms.DateInput(attrs=DATE))
    valid_until = forms.DateField(label=_("Hiệu lực đến (không bắt buộc)"), required=False,
                                  widget=forms.DateInput(attrs=DATE))
    signer_role = forms.ChoiceField(label=_("Người ký"), choices=[c for c in Signer.Role.choices if c[0] != "child"])
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=200)
    signer_relation = forms.CharField(label=_("Quan hệ với trẻ"), max_length=100, required=False)
    signer_document = forms.ChoiceField(label=_("Giấy tờ tùy thân"), choices=[("", "—"), *Signer.Document.choices],
                                        required=False)
    signed_on = forms.DateField(label=_("Ngày ký"), widget=forms.DateInput(attrs=DATE))
    child_signed_on = forms.DateField(label=_("Ngày trẻ ký (trẻ từ đủ 7 tuổi; để trống nếu chưa ký)"), required=False,
                                      widget=forms.DateInput(attrs=DATE))

    def to_input(self) -> ConsentInput:
        d = self.cleaned_data
        signers = [SignerInput(role=d["signer_role"], full_name=d["signer_name"], signed_on=d["signed_on"],
                               relation=d["signer_relation"], document=d["signer_document"])]
        if d.get("child_signed_on"):
            signers.append(SignerInput(role="child", full_name=d["child_name"], signed_on=d["child_signed_on"]))
        return ConsentInput(child_name=d["child_name"], valid_from=d["valid_from"], valid_until=d["valid_until"],
                            categories=d["categories"], media=d["media"], signers=signers,
                            date_of_birth=d["date_of_birth"], age_years=d["age_years"], school=d["school"],
                            article=d["article"])


class SignerForm(forms.Form):
    role = forms.ChoiceField(label=_("Người ký"), choices=Signer.Role.choices)
    full_name = forms.CharField(label=_("Họ tên người ký"), max_length=200)
    relation = forms.CharField(label=_("Quan hệ với trẻ"), max_length=100, required=False)
    signed_on = forms.DateField(label=_("Ngày ký"), widget=forms.DateInput(attrs=DATE))

    def to_input(self) -> SignerInput:
        d = self.cleaned_data
        return SignerInput(role=d["role"], full_name=d["full_name"], signed_on=d["signed_on"], relation=d["relation"])


class WithdrawForm(forms.Form):
    by = forms.ChoiceField(label=_("Người rút lại"), choices=ConsentRecord.WithdrawnBy.choices)
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    published_url = forms.URLField(label=_("Địa chỉ bài đã đăng (nếu bài đang trên mạng)"), required=False,
                                   assume_scheme="https")


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Bản quét giấy đồng ý đã ký (PDF, JPEG hoặc PNG)"))


class CheckForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề bài viết"), max_length=500, required=False)
    text = forms.CharField(label=_("Nội dung bài viết"), widget=forms.Textarea(attrs={"rows": 10}), required=False,
                           max_length=1_000_000)
    file = forms.FileField(label=_("Hoặc tải lên tệp DOCX, HTML hoặc văn bản"), required=False)
    url = forms.URLField(label=_("Hoặc địa chỉ bản nháp (đường dẫn xem trước)"), required=False, max_length=2000,
                         assume_scheme="https")
    publication_date = forms.DateField(label=_("Ngày dự kiến đăng"), widget=forms.DateInput(attrs=DATE))
    medium = forms.ChoiceField(label=_("Loại hình báo chí"), choices=list(MEDIA.items()), initial="online")
    keep = forms.BooleanField(label=_("Lưu kết quả làm hồ sơ đã kiểm tra bài viết"), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file") and not data.get("url"):
            raise forms.ValidationError(_("Hãy dán nội dung bài viết, tải lên một tệp hoặc ghi địa chỉ bản nháp."))
        return data
