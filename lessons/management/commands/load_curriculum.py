from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.content import CurriculumError
from lessons.services import CURRICULUM_ROOT, curriculum_load


class Command(BaseCommand):
    help = "Validate the curriculum files and load them (idempotent; nothing is written when a file is invalid)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=CURRICULUM_ROOT, help="curriculum folder")

    def handle(self, *args, path: Path, **options):
        try:
            report = curriculum_load(root=path)
        except CurriculumError as error:
            raise CommandError(
                "Nội dung khóa học có lỗi, chưa nạp gì cả:\n" + "\n".join(f"  {p}" for p in error.problems)
            ) from error
        self.stdout.write(self.style.SUCCESS(
            f"Đã nạp khóa học “{report.course.title}” (phiên bản {report.course.version}): "
            f"câu hỏi: {report.questions_added} thêm mới, {report.questions_changed} sửa, "
            f"{report.questions_retired} ngừng dùng; tất cả: {report.created} mục mới, {report.updated} mục cập nhật, "
            f"{report.unchanged} mục không đổi; {report.lessons_retired} bài ngừng dùng."
        ))
