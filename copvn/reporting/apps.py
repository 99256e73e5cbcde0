from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "copvn.reporting"
    label = "reporting"
    verbose_name = "Báo cáo định kỳ, chỉ tiêu và số liệu"
