"""Log hygiene: whatever a log line carries, an SSN-shaped number leaves it redacted."""

import logging
import re

# Broader than the free-text check (portal.text): any separators, since redacting a ZIP+4 code
# from a log line costs nothing and an SSN typed with mixed separators must not get through.
SSN_PATTERN = re.compile(r"(?<!\d)\d{3}[-. ]?\d{2}[-. ]?\d{4}(?!\d)")


def redact_ssns(text: str) -> str:
    return SSN_PATTERN.sub("[SSN REDACTED]", text)


class RedactSSNFilter(logging.Filter):
    """Redacts the formatted message, so that arguments interpolated into it are covered too."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_ssns(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
