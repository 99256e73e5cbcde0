from django import forms
from django.utils.translation import gettext_lazy as _

from copvn.orgs.models import Organisation

from .models import User
from .roles import role_choices


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Mật khẩu"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực 6 số"), max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class UserForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("Vai trò"), choices=role_choices)
    organisation = forms.ModelChoiceField(
        label=_("Cơ quan, tổ chức"), queryset=Organisation.objects.current(), required=False
    )

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "phone", "role", "organisation", "is_active"]
        labels = {"first_name": _("Tên"), "last_name": _("Họ và tên đệm"), "is_active": _("Đang hoạt động")}

    def clean(self):
        data = super().clean()
        role = data.get("role")
        from .roles import get_role

        if role and get_role(role).scope == "own" and not data.get("organisation"):
            self.add_error("organisation", _("Vai trò này chỉ thấy dữ liệu của cơ quan mình: cần chọn cơ quan."))
        return data
