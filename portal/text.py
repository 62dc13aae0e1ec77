"""What a person may type: no SSN in free text, no control character in a single line.

Free text travels: into emails, the audit trail, exports and other people's screens. An SSN
written there would escape its encryption, so every text a person types refuses an SSN-shaped
number in any of the spellings people use (917-43-8265, 917 43 8265, 917.43.8265, 917438265).
The separators must agree, so a ZIP+4 code (98101-1234) or a phone number is not taken for one.

A line break or other control character in a name, subject or summary breaks email headers and
CSV rows after the change is saved; single-line fields refuse them, multi-line fields refuse all
but line breaks and tabs.

Forms get these checks on every text field through `portal.forms.USWDSFormMixin`; services ask
them again (`checked_line`, `checked_text`) for callers that are not forms.
"""

import re

from django.core.exceptions import ValidationError

from .errors import PortalError

SSN_IN_TEXT = re.compile(r"(?<!\d)\d{3}([-. ]?)\d{2}\1\d{4}(?!\d)")
SSN_MESSAGE = "Remove the Social Security number: it must not be written here."
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
LINE_MESSAGE = "Remove the line break or control character: this field takes one line of text."
TEXT_MESSAGE = "Remove the control character (such as NUL): only letters, digits, punctuation and line breaks belong here."


def contains_ssn(text: str) -> bool:
    return bool(SSN_IN_TEXT.search(text or ""))


def redact_ssns(text: str) -> str:
    return SSN_IN_TEXT.sub("[SSN REDACTED]", text)


def refuse_ssn(value: str) -> None:
    """Form validator: no SSN-shaped number (the message never repeats the value)."""
    if contains_ssn(value):
        raise ValidationError(SSN_MESSAGE, code="ssn_in_text")


def refuse_control_characters(value: str) -> None:
    """Form validator for single-line fields."""
    if CONTROL.search(value or ""):
        raise ValidationError(LINE_MESSAGE, code="control_character")


def refuse_control_characters_in_text(value: str) -> None:
    """Form validator for multi-line fields: line breaks and tabs are fine, the rest is not."""
    if CONTROL_IN_TEXT.search(value or ""):
        raise ValidationError(TEXT_MESSAGE, code="control_character")


def _checked(value: str, label: str, control: re.Pattern, control_message: str, required: bool, limit: int | None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PortalError(f"Enter {label}.", code="required")
    if limit is not None and len(value) > limit:
        raise PortalError(f"Keep {label} to {limit} characters.", code="too_long")
    if control.search(value):
        raise PortalError(f"{control_message} ({label})", code="control_character")
    if contains_ssn(value):
        raise PortalError(f"{SSN_MESSAGE} ({label})", code="ssn_in_text")
    return value


def checked_line(value: str, *, label: str, required: bool = False, limit: int | None = None) -> str:
    """`value` trimmed, if it is one line of text without an SSN; PortalError otherwise."""
    return _checked(value, label, CONTROL, LINE_MESSAGE, required, limit)


def checked_text(value: str, *, label: str, required: bool = False, limit: int | None = None) -> str:
    """`value` trimmed, if it is text without control characters or an SSN; PortalError otherwise."""
    return _checked(value, label, CONTROL_IN_TEXT, TEXT_MESSAGE, required, limit)


PHONE = re.compile(r"^\+?[0-9 ().-]+$")


def phone_number(value: str) -> str | None:
    """A U.S. phone number as typed, trimmed: 10 digits (a leading 1 allowed), only digits,
    spaces, parentheses, dots and dashes; None if it is anything else."""
    value = (value or "").strip()
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if not PHONE.match(value) or len(digits) != 10:
        return None
    return value
