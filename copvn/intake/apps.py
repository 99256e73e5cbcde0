from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "copvn.intake"
    label = "intake"
