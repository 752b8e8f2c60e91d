from django.db import migrations


class Migration(migrations.Migration):
    """Joins the two 0005 migrations (letters and postcode placement), made in parallel."""

    dependencies = [
        ("casework", "0005_generated_letters"),
        ("casework", "0005_location_postcode_place"),
    ]

    operations = []
