"""Trained moments were stored as the time of the record that completed the set, which a back-dated
in-person session made too early; completions kept their first record's time even when a back-dated
session was earlier. Recompute both from the records by ``lessons.training``'s rule."""

from django.db import migrations


def correct(apps, schema_editor):
    from coverage.summaries import training_rebuild

    training_rebuild(correct=True, apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ("coverage", "0003_student_summaries"),
        ("lessons", "0003_question_check_form_and_new_simulations"),
    ]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
