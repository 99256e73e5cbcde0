from django import forms

from .models import Category


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name_vi", "name_en", "dimension", "legal_basis", "default_handling", "urgent",
                  "never_display", "active", "sort_order"]
        widgets = {"legal_basis": forms.Textarea(attrs={"rows": 2}), "default_handling": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
