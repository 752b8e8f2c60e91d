# Agencies require two-factor sign-in by default; API tokens get a name, a scope and an expiry.
# Tokens made before this could write, so they keep scope "write"; new ones default to "read".
# They expire 90 days after this migration runs (the default is worked out once for them).

import csphub.accounts.models
from django.db import migrations, models

SCOPES = [('read', 'Read only (GET)'), ('write', 'Read and change')]


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='apitoken',
            options={'ordering': ['-created_on']},
        ),
        migrations.AddField(
            model_name='agency',
            name='mfa_required',
            field=models.BooleanField(default=True, help_text='Users of this agency must enter a code from an authenticator app at sign-in.', verbose_name='two-factor sign-in required'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='expires_on',
            field=models.DateTimeField(default=csphub.accounts.models._default_expiry),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='name',
            field=models.CharField(blank=True, help_text="What the token is for, e.g. 'Power BI export'.", max_length=100),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='scope',
            field=models.CharField(choices=SCOPES, default='write', max_length=5),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='scope',
            field=models.CharField(choices=SCOPES, default='read', max_length=5),
        ),
    ]
