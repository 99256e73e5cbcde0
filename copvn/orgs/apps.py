from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "copvn.orgs"
    label = "orgs"
