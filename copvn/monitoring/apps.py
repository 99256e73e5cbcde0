from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "copvn.monitoring"
    label = "monitoring"
    verbose_name = "Theo dõi nguồn tin"
