"""Log hygiene: whatever a log line carries, an SSN-shaped number leaves it redacted."""

import logging

from .text import redact_ssns


class RedactSSNFilter(logging.Filter):
    """Redacts the formatted message, so that arguments interpolated into it are covered too.

    It redacts ZIP+4-shaped numbers as well (portal.text.redact_ssns): a ZIP code lost from a log
    line costs nothing, an SSN typed as 91743-8265 would.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_ssns(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
