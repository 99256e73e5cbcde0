from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "copvn.review"
    label = "review"
    verbose_name = "Review"
