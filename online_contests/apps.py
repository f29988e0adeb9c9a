from django.apps import AppConfig


class OnlineContestsConfig(AppConfig):
    name = "online_contests"
