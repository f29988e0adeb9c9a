import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from schools import demo

# Each app may add its own demo data in `<app>/demo.py: seed(world)`.
APPS_WITH_DEMO = ["lessons", "contests", "online_contests", "coverage", "certificates"]


class Command(BaseCommand):
    help = "Load the demo province, schools, classes, staff and students (idempotent) and print the logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            world = demo.seed()
            for app in APPS_WITH_DEMO:
                if importlib.util.find_spec(f"{app}.demo"):
                    importlib.import_module(f"{app}.demo").seed(world)
        self.stdout.write(self.style.SUCCESS("Dữ liệu mẫu đã sẵn sàng. Tài khoản demo:"))
        for role, username, password in world.logins:
            self.stdout.write(f"  {role:<16} {username:<12} mật khẩu: {password}")
