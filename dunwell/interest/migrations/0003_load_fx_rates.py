"""Load the shipped exchange-rate series (fx_*) added after 0002: the same idempotent upsert."""

from django.db import migrations


def load(apps, schema_editor):
    from dunwell.interest.loading import upsert_rates, upsert_series
    from dunwell.interest.ratefiles import shipped_rates, shipped_series

    series_model = apps.get_model("interest", "RateSeries")
    value_model = apps.get_model("interest", "RateValue")
    upsert_series(series_model, shipped_series())
    upsert_rates(series_model, value_model, shipped_rates())


class Migration(migrations.Migration):
    dependencies = [("interest", "0002_load_rates")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
