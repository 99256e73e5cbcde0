import pytest
from django.core.exceptions import ValidationError

from copvn.audit.models import AuditEvent
from copvn.taxonomy.models import Category

BRIEF_CODES = {"CSAM", "GROOM", "BULLY", "PRIV", "VIOL", "PORN", "SELFH", "DRUG", "GAMB", "SUPERST", "HATE",
               "FRAUD", "FAKE", "ADDICT", "UNSUIT", "COMM"}


def test_the_migration_seeds_every_category_of_the_brief(db):
    assert set(Category.objects.values_list("code", flat=True)) == BRIEF_CODES
    csam = Category.objects.get(code="CSAM")
    assert csam.never_display and csam.urgent and "147" in csam.legal_basis
    assert set(Category.objects.filter(urgent=True).values_list("code", flat=True)) == {"CSAM", "GROOM", "SELFH"}
    assert all(c.name_vi and c.name_en and c.dimension for c in Category.objects.all())


def test_a_code_never_changes_and_a_category_is_never_deleted(db):
    category = Category.objects.get(code="BULLY")
    category.code = "BULLYING"
    with pytest.raises(ValidationError):
        category.save()
    with pytest.raises(ValidationError):
        Category.objects.get(code="BULLY").delete()


def test_an_administrator_edits_a_category_and_the_edit_is_audited(client, make_user, signed_in):
    signed_in(make_user("admin"))
    url = "/taxonomy/GAMB/"
    form = client.get(url).context["form"]
    data = {**{k: v for k, v in form.initial.items() if v not in (None, False)}, "name_vi": "Cờ bạc trực tuyến",
            "code": "HACKED"}
    data.pop("id", None)
    response = client.post(url, data)
    assert response.status_code == 302
    category = Category.objects.get(pk=form.instance.pk)
    assert category.code == "GAMB" and category.name_vi == "Cờ bạc trực tuyến"
    event = AuditEvent.objects.get(action="taxonomy.update")
    assert event.object_id == "GAMB" and "name_vi" in event.data["changed"]


def test_an_administrator_adds_a_category(client, make_user, signed_in):
    signed_in(make_user("admin"))
    response = client.post("/taxonomy/new/", {"code": "AIGEN", "name_vi": "Nội dung do AI tạo giả mạo trẻ em",
                                              "name_en": "AI-generated depictions of children",
                                              "dimension": "content", "sort_order": 200, "active": "on"})
    assert response.status_code == 302 and Category.objects.filter(code="AIGEN").exists()
    bad = client.post("/taxonomy/new/", {"code": "bad code", "name_vi": "x", "name_en": "x", "dimension": "content",
                                         "sort_order": 1})
    assert bad.status_code == 200 and not Category.objects.filter(name_vi="x").exists()
