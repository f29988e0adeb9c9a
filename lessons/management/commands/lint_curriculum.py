from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.content import CurriculumError, read_curriculum
from lessons.lint import lint_curriculum
from lessons.services import CURRICULUM_ROOT, default_image_dir


class Command(BaseCommand):
    help = "Check the curriculum files for outdated law taught as current and for guessable items (file:line)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=CURRICULUM_ROOT, help="curriculum folder")

    def handle(self, *args, path: Path, **options):
        try:
            spec = read_curriculum(path, image_dir=default_image_dir())
        except CurriculumError as error:
            problems = error.problems
        else:
            problems = lint_curriculum(path, spec.questions)
        if problems:
            raise CommandError(
                f"Nội dung khóa học có {len(problems)} vấn đề:\n" + "\n".join(f"  {p}" for p in problems)
            )
        self.stdout.write(self.style.SUCCESS("Nội dung khóa học không có vấn đề nào."))
