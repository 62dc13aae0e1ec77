from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "MIS access"

    def ready(self):
        from auditlog.registry import auditlog
        from axes.signals import user_locked_out
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import models, signals

        auditlog.register(models.WorkforceDevelopmentArea)
        auditlog.register(models.Organization)
        auditlog.register(models.Office)
        # Passwords and sign-in times are not changes of anyone's access: keep them out of the trail.
        auditlog.register(
            models.Staff,
            exclude_fields=["password", "last_login"],
            m2m_fields={"offices", "groups"},
        )
        auditlog.register(models.Contract)
        auditlog.register(models.AccessRequest, m2m_fields={"offices"})
        # The secret never enters the trail; the step counter, drift and throttle change at every sign-in.
        auditlog.register(models.AuthenticatorApp, include_fields=["name", "confirmed"])
        auditlog.register(models.ConfidentialityAgreement)
        auditlog.register(models.Report)

        user_logged_in.connect(signals.remember_session, dispatch_uid="access.remember_session")
        user_logged_out.connect(signals.forget_session, dispatch_uid="access.forget_session")
        # The password step alone is no use of the account: last_login is written when the code
        # is given too (access.services.onboarding.sign_in_complete), and the inactivity rule counts from it.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_locked_out.connect(signals.audit_lockout, dispatch_uid="access.audit_lockout")
        user_login_failed.connect(
            signals.audit_sign_in_failure, dispatch_uid="access.audit_sign_in_failure"
        )
