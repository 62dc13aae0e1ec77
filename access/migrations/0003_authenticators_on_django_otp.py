"""Authenticator apps and recovery codes move onto django-otp's devices; nobody enrolls again.

Each authenticator app becomes a TOTP device with the same secret, now sealed with MFA_KEYS and
bound to its owner, and the last code used (so a code seen before stays refused). Each unused
recovery code becomes a static token holding the first 64 bits of the SHA-256 already stored
(access.mfa.recovery_token), so the codes people wrote down keep working.

Going back restores the authenticator apps; recovery codes cannot be restored from their
shortened hashes, so people who go back are shown new ones the next time they set up.
"""

from django.db import migrations

from access import mfa


def to_django_otp(apps, schema_editor):
    LegacyApp = apps.get_model("access", "LegacyAuthenticatorApp")
    LegacyCode = apps.get_model("access", "LegacyRecoveryCode")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for app in LegacyApp.objects.all():
        secret = mfa.secret_from_base32(app.secret)
        TOTPDevice.objects.create(
            user_id=app.staff_id,
            name="Authenticator app",
            confirmed=app.confirmed_at is not None,
            key=mfa.seal_secret(secret, app.staff_id),
            last_t=app.last_used_step or -1,
        )
    people = (
        LegacyCode.objects.filter(used_at__isnull=True)
        .values_list("staff_id", flat=True)
        .distinct()
    )
    for staff_id in people:
        device = StaticDevice.objects.create(
            user_id=staff_id, name="Recovery codes", confirmed=True
        )
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=code.code_hash[:16])
            for code in LegacyCode.objects.filter(staff_id=staff_id, used_at__isnull=True)
        )


def from_django_otp(apps, schema_editor):
    LegacyApp = apps.get_model("access", "LegacyAuthenticatorApp")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    for device in TOTPDevice.objects.all():
        LegacyApp.objects.create(
            staff_id=device.user_id,
            secret=mfa.base32(mfa.open_secret(device.key, device.user_id)),
            confirmed_at=device.created_at if device.confirmed else None,
            last_used_step=max(device.last_t, 0),
        )
    TOTPDevice.objects.all().delete()
    StaticDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_mis_access_administration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RenameModel("AuthenticatorApp", "LegacyAuthenticatorApp"),
        migrations.RenameModel("RecoveryCode", "LegacyRecoveryCode"),
        migrations.CreateModel(
            name="AuthenticatorApp",
            fields=[],
            options={
                "verbose_name": "authenticator app",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_totp.totpdevice",),
        ),
        migrations.CreateModel(
            name="RecoveryCodes",
            fields=[],
            options={
                "verbose_name": "recovery codes",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_static.staticdevice",),
        ),
        migrations.RunPython(to_django_otp, from_django_otp),
        migrations.DeleteModel("LegacyAuthenticatorApp"),
        migrations.DeleteModel("LegacyRecoveryCode"),
    ]
