from django import forms

from .models import Organisation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["code", "name", "short_name", "kind", "parent", "valid_from", "valid_until", "successor",
                  "email", "phone", "address", "domains", "note"]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            others = Organisation.objects.exclude(pk=self.instance.pk)
            self.fields["parent"].queryset = others
            self.fields["successor"].queryset = others
