from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "copvn.consent"
    label = "consent"
    verbose_name = "Đồng ý công bố thông tin trẻ em"
