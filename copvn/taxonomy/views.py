from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from copvn.audit.services import record
from copvn.core.access import requires, user_can

from .forms import CategoryForm
from .models import Category


@requires("taxonomy.view")
def category_list(request):
    context = {"categories": Category.objects.all(), "can_manage": user_can(request.user, "taxonomy.manage")}
    return render(request, "taxonomy/category_list.html", context)


@requires("taxonomy.manage")
@require_http_methods(["GET", "POST"])
def category_create(request):
    return _edit(request, Category())


@requires("taxonomy.manage")
@require_http_methods(["GET", "POST"])
def category_edit(request, code):
    return _edit(request, get_object_or_404(Category, code=code))


def _edit(request, category):
    creating = category.pk is None
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            changed = sorted(form.changed_data)
            category = form.save()
            record("taxonomy.create" if creating else "taxonomy.update", request=request, obj=category,
                   object_id=category.code, data={"changed": changed})
        return redirect("taxonomy:list")
    return render(request, "taxonomy/category_form.html", {"form": form, "category": category})
