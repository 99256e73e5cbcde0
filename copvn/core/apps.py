from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "copvn.core"
    label = "core"
