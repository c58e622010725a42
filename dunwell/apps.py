from django.apps import AppConfig


class DunwellConfig(AppConfig):
    name = "dunwell"
    label = "dunwell"
    verbose_name = "Dunwell"

    def ready(self) -> None:
        from dunwell import lookups

        lookups.register()
