from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "copvn.coordination"
    label = "coordination"
    verbose_name = "Phối hợp giữa các cơ quan, đơn vị"
