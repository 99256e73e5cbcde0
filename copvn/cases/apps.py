from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "copvn.cases"
    label = "cases"
