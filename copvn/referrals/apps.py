from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "copvn.referrals"
    label = "referrals"
    verbose_name = "Chuyển cơ quan chức năng"
