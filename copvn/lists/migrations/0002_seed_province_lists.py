from django.db import migrations

from copvn.lists.seed import seed


class Migration(migrations.Migration):
    dependencies = [("lists", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
