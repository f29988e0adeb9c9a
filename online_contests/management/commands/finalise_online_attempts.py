from django.core.management.base import BaseCommand
from django.utils import timezone

from online_contests.services import attempts_finalise_expired


class Command(BaseCommand):
    help = "Close every online-contest attempt whose time is up, with the answers it saved (run before ranking)."

    def handle(self, *args, **options):
        count = attempts_finalise_expired(now=timezone.now())
        self.stdout.write(f"Đã khép {count} bài thi hết giờ.")
