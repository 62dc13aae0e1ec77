"""The portal keeps no model of its own.

The audit trail is the audit app's entry model (`AUDITLOG_LOGENTRY_MODEL`), append-only in the
database; django-auditlog's own table holds the entries written before it, kept as they were,
its triggers still refusing UPDATE, DELETE and TRUNCATE (migration 0003).
"""
