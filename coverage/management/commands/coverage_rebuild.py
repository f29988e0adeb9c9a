from django.core.management.base import BaseCommand

from coverage.summaries import summaries_rebuild, training_rebuild


class Command(BaseCommand):
    help = "Tính lại số liệu tổng hợp của từng học sinh (dùng cho bảng theo dõi phổ cập) từ dữ liệu học tập."

    def handle(self, *args, **options):
        corrected = training_rebuild()
        count = summaries_rebuild()
        if corrected:
            self.stdout.write(f"Đã sửa thời điểm hoàn thành của {corrected} học sinh.")
        self.stdout.write(self.style.SUCCESS(f"Đã tính lại số liệu của {count} học sinh."))
