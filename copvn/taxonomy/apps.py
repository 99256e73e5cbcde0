from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "copvn.taxonomy"
    label = "taxonomy"
