"""Seed the report types (Decree 09/2019 periods) and the Decision 830 programme's targets from data/seed.json.
Later programmes (2026–2030, once approved) are added as data, on the targets page or by a migration like this."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "data" / "seed.json"


def seed(apps, schema_editor):
    ReportType = apps.get_model("reporting", "ReportType")
    Programme = apps.get_model("reporting", "Programme")
    Target = apps.get_model("reporting", "Target")
    data = json.loads(SEED.read_text(encoding="utf-8"))
    for row in data["report_types"]:
        ReportType.objects.update_or_create(code=row["code"], defaults=row)
    for row in data["programmes"]:
        targets = row.pop("targets")
        programme, _created = Programme.objects.update_or_create(code=row["code"], defaults=row)
        for t in targets:
            Target.objects.update_or_create(programme=programme, indicator=t["indicator"], defaults={
                **t, "target_percent": Decimal(t["target_percent"])})


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
