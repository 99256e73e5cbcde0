import ipaddress

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from copvn.core.messages import describe_error
from copvn.detect import sources as readers
from copvn.detect.urls import URLError, reportable

from .models import Source


def check_source(kind: str, url: str, selector: str, interval: int | None) -> dict[str, str]:
    """Every problem at once, by field (the page and the API say the same)."""
    problems = {}
    if kind != Source.Kind.DROP:
        if not url.strip():
            problems["url"] = str(_("Cần địa chỉ của nguồn."))
        else:
            try:
                reportable(url.strip(), [ipaddress.ip_network(n) for n in settings.FETCH_ALLOW_NETWORKS])
            except URLError as exc:
                problems["url"] = (str(_("%(host)s là địa chỉ nội bộ, không phải trang công khai: không theo dõi.")
                                       % exc.params) if exc.code == "url.not_public" else describe_error(exc))
    if kind == Source.Kind.PAGE and selector.strip():
        try:
            readers.selector_xpath(selector)
        except readers.SourceError as exc:
            problems["selector"] = describe_error(exc)
    if interval is not None and interval < settings.MONITOR_MIN_INTERVAL_MINUTES:
        problems["interval_minutes"] = str(_("Chu kỳ ít nhất %(n)s phút.") % {"n": settings.MONITOR_MIN_INTERVAL_MINUTES})
    return problems


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["name", "kind", "url", "selector", "interval_minutes", "enabled"]

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interval_minutes"].min_value = settings.MONITOR_MIN_INTERVAL_MINUTES
        self.fields["interval_minutes"].widget.attrs["min"] = settings.MONITOR_MIN_INTERVAL_MINUTES
        if editing:
            self.fields["kind"].disabled = True
            if self.instance.kind == Source.Kind.DROP:
                del self.fields["url"], self.fields["selector"]
            elif self.instance.kind != Source.Kind.PAGE:
                del self.fields["selector"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or self.instance.kind
        url = data.get("url", self.instance.url or "")
        for name, problem in check_source(kind, url, data.get("selector", ""), data.get("interval_minutes")).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, problem)
        return data


class DropForm(forms.Form):
    file = forms.FileField(label=_("Tệp bài đăng (JSON Lines hoặc CSV)"))
