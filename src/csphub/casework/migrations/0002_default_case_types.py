"""The case types the seeds describe; partnerships add, rename or retire them in the admin."""

from django.db import migrations

DEFAULT_CASE_TYPES = [
    ("Neighbour dispute", "Disputes and nuisance between neighbours"),
    ("Noise nuisance", "Persistent noise from a home, vehicle or business"),
    ("Greenspace ASB", "ASB in parks, open spaces and play areas"),
    ("Youth ASB / street group", "A group of young people causing ASB in a public place"),
    ("Street drinking", "Drinking in public causing nuisance, often under a PSPO"),
    ("Drug-related ASB", "Drug dealing or use causing nuisance"),
    ("Cuckooing", "A vulnerable person's home taken over for crime"),
    ("Rough sleeping / tents", "Tents or rough sleeping causing concern or nuisance"),
    ("Unauthorised encampment", "A traveller incursion on land without consent"),
    ("Nuisance vehicles", "Vehicles used anti-socially: off-road bikes, car meets, abandoned vehicles"),
    ("Hate-related ASB", "ASB targeted because of a protected characteristic"),
    ("Environmental ASB", "Fly-tipping, graffiti, dog fouling and littering"),
    ("Begging", "Aggressive or persistent begging"),
]


def add_types(apps, schema_editor):
    CaseType = apps.get_model("casework", "CaseType")
    for name, description in DEFAULT_CASE_TYPES:
        CaseType.objects.get_or_create(name=name, defaults={"description": description})


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
