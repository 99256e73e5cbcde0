from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "copvn.accounts"
    label = "accounts"
