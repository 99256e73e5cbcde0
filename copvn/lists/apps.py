from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "copvn.lists"
    label = "lists"
    verbose_name = "Lists"
