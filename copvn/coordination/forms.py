from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Task


class UpdateForm(forms.Form):
    state = forms.ChoiceField(label=_("Trạng thái"), choices=Task.State.choices)
    comment = forms.CharField(label=_("Nhận xét, kết quả"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=4000)
