"""A starting list of dial-in entry types and operation output kinds (editable in the admin)."""

from django.db import migrations

ENTRY_TYPES = [
    "Anti-social behaviour", "Noise nuisance", "Street drinking", "Drug dealing or use", "Youth ASB",
    "Moped or off-road bike nuisance", "Criminal damage or graffiti", "Fly-tipping", "Violence",
    "Weapon seen or found", "Begging or rough sleeping", "Vulnerable person", "Hate incident",
    "Deliberate fire", "Encampment", "Other",
]
OUTPUT_KINDS = [
    ("Arrests", ""), ("Stop-searches", ""), ("Weapons seized", ""), ("Vehicles seized", ""),
    ("Fixed penalty notices", ""), ("Waste removed", "tonnes"), ("Door knocks", ""), ("Referrals", ""),
    ("Trade waste visits", ""), ("Visits", ""),
]


def seed(apps, schema_editor):
    EntryType = apps.get_model("dialin", "EntryType")
    OutputKind = apps.get_model("dialin", "OutputKind")
    for name in ENTRY_TYPES:
        EntryType.objects.get_or_create(name=name)
    for name, unit in OUTPUT_KINDS:
        OutputKind.objects.get_or_create(name=name, defaults={"unit": unit})


class Migration(migrations.Migration):
    dependencies = [("dialin", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
