from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "copvn.jobs"
    label = "jobs"
