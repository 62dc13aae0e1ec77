"""What a person may type: no SSN in free text, no control character in a single line.

Free text travels: into emails, the audit trail, exports and other people's screens. An SSN
written there would escape its encryption, so every text a person types refuses an SSN-shaped
number however it is spelled: 917-43-8265, 917 43 8265, 917.43.8265, 917438265, 917-43 8265,
917 - 43 - 8265, with dashes of any kind, slashes or non-breaking spaces. One shape is let
through: five digits, a separator and four (98101-1234), which is how a ZIP+4 code is written.

A line break or other control character in a name, subject or summary breaks email headers and
CSV rows after the change is saved; single-line fields refuse them, multi-line fields refuse all
but line breaks and tabs. Both refuse the invisible characters that reorder or hide text
(bidirectional overrides, zero-width spaces).

Forms get these checks on every text field through `portal.forms.USWDSFormMixin`; services ask
them again (`checked_line`, `checked_text`) for callers that are not forms.
"""

import re

from django.core.exceptions import ValidationError

from .errors import PortalError

# A separator between the groups: a dash of any kind, a dot or a slash, with spaces or without,
# or spaces alone (\s takes the non-breaking space too).
_SEPARATOR = r"(?:\s*[-./\u2010-\u2015\u2212]\s*|\s+)?"
SSN_SHAPED = re.compile(
    rf"(?<!\d)\d{{3}}(?P<first>{_SEPARATOR})\d{{2}}(?P<second>{_SEPARATOR})\d{{4}}(?!\d)"
)
SSN_MESSAGE = "Remove the Social Security number: it must not be written here."
_INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and invisible format characters.
CONTROL = re.compile(rf"[\x00-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")
CONTROL_IN_TEXT = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")
LINE_MESSAGE = "Remove the line break or control character: this field takes one line of text."
TEXT_MESSAGE = "Remove the control character (such as NUL): only letters, digits, punctuation and line breaks belong here."


def _ssns(text: str):
    for match in SSN_SHAPED.finditer(text or ""):
        if not (match["first"] == "" and match["second"]):  # 98101-1234: a ZIP+4 code
            yield match


def contains_ssn(text: str) -> bool:
    return next(_ssns(text), None) is not None


def redact_ssns(text: str) -> str:
    """`text` with every SSN-shaped number, ZIP+4-shaped ones too, replaced (for log lines)."""
    return SSN_SHAPED.sub("[SSN REDACTED]", text)


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


def _checked(
    value: str,
    label: str,
    control: re.Pattern,
    control_message: str,
    required: bool,
    limit: int | None,
) -> str:
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


def checked_line(
    value: str, *, label: str, required: bool = False, limit: int | None = None
) -> str:
    """`value` trimmed, if it is one line of text without an SSN; PortalError otherwise."""
    return _checked(value, label, CONTROL, LINE_MESSAGE, required, limit)


def checked_text(
    value: str, *, label: str, required: bool = False, limit: int | None = None
) -> str:
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


def zip_code(value: str) -> str | None:
    """A ZIP code as typed, trimmed (12345, 12345-6789 or 123456789), or None if it is not one."""
    value = (value or "").strip()
    digits = value.replace("-", "", 1) if len(value) == 10 and value[5:6] == "-" else value
    return value if digits.isascii() and digits.isdigit() and len(digits) in (5, 9) else None


_ACRONYM = re.compile(r"^(?:[A-Z][A-Z0-9.&-]*[A-Z0-9.]|[A-Z]\.)(?:\W|$)")


def in_sentence(label: str) -> str:
    """A label ("Case manager", "ESD WIOA supervisor") as written inside a sentence.

    Only the first letter is lowered, and not when the first word is an acronym: "ESD WIOA
    supervisor" and "MIS data sharing contract" keep their capitals, which `lower()` would lose.
    """
    if not label or _ACRONYM.match(label):
        return label
    return label[0].lower() + label[1:]
