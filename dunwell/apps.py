from django.apps import AppConfig


class DunwellConfig(AppConfig):
    name = "dunwell"
    label = "dunwell"
    verbose_name = "Dunwell"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from dunwell import idarray, lookups, pgtypes

        lookups.register()
        idarray.register()
        connection_created.connect(pgtypes.use_fast_tz_loader, dispatch_uid="fast_tz_loader")
