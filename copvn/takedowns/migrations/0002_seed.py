"""The legal bases with their clocks and the escalation ladder, from data/*.json (edited later as data)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def seed(apps, schema_editor):
    LegalBasis = apps.get_model("takedowns", "LegalBasis")
    EscalationStep = apps.get_model("takedowns", "EscalationStep")
    for row in json.loads((DATA / "legal_bases.json").read_text(encoding="utf-8")):
        LegalBasis.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    for row in json.loads((DATA / "escalation.json").read_text(encoding="utf-8")):
        EscalationStep.objects.update_or_create(sequence=row["sequence"],
                                                defaults={k: v for k, v in row.items() if k != "sequence"})


class Migration(migrations.Migration):
    dependencies = [("takedowns", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
