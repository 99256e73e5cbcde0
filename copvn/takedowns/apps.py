from django.apps import AppConfig


class TakedownsConfig(AppConfig):
    name = "copvn.takedowns"
    label = "takedowns"
    verbose_name = "Yêu cầu gỡ bỏ"

    def ready(self):
        from copvn.core.outbox import register_secret_source

        from .channels import webhook_secret

        register_secret_source("takedowns.contact", webhook_secret)
