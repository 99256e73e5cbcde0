from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "copvn.audit"
    label = "audit"
