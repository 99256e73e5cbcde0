from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from copvn.taxonomy.models import Category

from .models import MAX_THRESHOLD, HashList

MAX_IMPORT_BYTES = 100 * 1024 * 1024
RESERVED_SLUGS = {"new"}  # a path of the lists' pages


def category_choices():
    return [("", _("Không gắn danh mục"))] + [
        (code, f"{code} — {name}") for code, name in Category.objects.filter(active=True).values_list("code", "name_vi")
    ]


class _CategoryMixin:
    def _category_field(self):
        if "threshold" in self.fields:
            self.fields["threshold"].widget.attrs["max"] = MAX_THRESHOLD
        self.fields["category_code"] = forms.ChoiceField(
            label=capfirst(HashList._meta.get_field("category_code").verbose_name), required=False,
            choices=category_choices, help_text=HashList._meta.get_field("category_code").help_text)


class ListCreateForm(_CategoryMixin, forms.ModelForm):
    class Meta:
        model = HashList
        fields = ["name", "slug", "kind", "negative", "threshold", "enabled", "category_code", "source", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._category_field()

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("Mã “%(slug)s” dành cho hệ thống; hãy chọn mã khác.") % {"slug": slug})
        return slug


class ListSettingsForm(_CategoryMixin, forms.ModelForm):
    class Meta:
        model = HashList
        fields = ["name", "enabled", "threshold", "category_code", "source", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._category_field()
        if self.instance.kind != "pdq":
            del self.fields["threshold"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách (UTF-8)"),
                           help_text=_("CSV có dòng tiêu đề signal_type,signal_value,metadata (định dạng HMA), "
                                       "CSV không tiêu đề, hoặc mỗi dòng một giá trị."))
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn %(mb)s MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
        return upload


class AddEntryForm(forms.Form):
    value = forms.CharField(label=_("Giá trị"), max_length=4200)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class RemoveEntryForm(forms.Form):
    reason = forms.CharField(label=_("Lý do xóa"), max_length=300, required=False)
