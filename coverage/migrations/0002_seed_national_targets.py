from datetime import date

from django.db import migrations

NATIONAL_TARGETS = [
    (80, date(2025, 12, 31), "80% học sinh THPT được phổ cập kỹ năng sử dụng DVCTT đến hết năm 2025"),
    (100, date(2030, 12, 31), "100% học sinh THPT được phổ cập kỹ năng sử dụng DVCTT đến năm 2030"),
]


def seed_targets(apps, schema_editor):
    Target = apps.get_model("coverage", "Target")
    for share, deadline, label in NATIONAL_TARGETS:
        Target.objects.get_or_create(province=None, deadline=deadline, defaults={"share_percent": share, "label": label})


class Migration(migrations.Migration):
    dependencies = [("coverage", "0001_targets_sessions_guided_exports")]

    operations = [migrations.RunPython(seed_targets, migrations.RunPython.noop)]
