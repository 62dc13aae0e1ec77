"""What the Quick Search box asks for: an SSN, a customer ID, or a name with perhaps a date of birth.

One reading serves the form, which refuses what is no search with the reason, and the selector,
which searches what was read, so the two never disagree:

- nine digits, dashes or spaces optional ("917-43-8265"): an SSN, refused if it is one the Social
  Security Administration never issues (participants.crypto.ssn_refusal);
- up to eight digits: a customer ID;
- anything else made only of digits and separators ("917-43-826", "1234567890"): a mistyped SSN,
  refused, rather than searched as a name that nobody has: zero results would send the case
  manager to the opt-out steps for a seeker who may well be there;
- words: a name (participants.search), with one date of birth among them if the case manager
  knows it ("smith 1993-11-22", "Smith 11/22/1993", "maria smith 1993-11-22").

No message repeats what was typed: it may be an SSN typed slightly wrong.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from portal.text import contains_ssn

from .crypto import NOT_AN_SSN, normalize_ssn, ssn_refusal

CUSTOMER_ID = re.compile(r"^[0-9]{1,8}$")
# Digits and the separators an SSN is typed with, and nothing else.
NUMBER = re.compile(r"^[0-9\s\-./\u2010-\u2015\u2212]+$")
ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
US_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")

NOT_A_NUMBER_WE_SEARCH = (
    f"{NOT_AN_SSN}: an SSN has nine digits (###-##-####), a customer ID up to eight digits."
)
SSN_BESIDE_WORDS = "Search by the SSN alone (nine digits), or by a name or customer ID without it."
DIGITS_IN_NAME = "Search by a name (with a date of birth if you know it), a full SSN alone or a customer ID alone."
DATE_ALONE = 'Add the seeker\'s last name to the date of birth, such as "smith 1993-11-22".'
NOT_A_DATE = "That date of birth is not a date: type it as 1993-11-22 or 11/22/1993."
DATE_OUT_OF_RANGE = "Enter a date of birth between 1900 and today."
ONE_DATE = "Type one date of birth."
TOO_SHORT = "Type at least two characters of a name."


class NotASearch(ValueError):
    """The box holds nothing Quick Search can look for; the message says why."""


@dataclass(frozen=True)
class Query:
    """What to look for; exactly one of `ssn` (nine digits), `customer_id` and `name` is set."""

    ssn: str | None = None
    customer_id: str | None = None
    name: str = ""
    date_of_birth: date | None = None


def parse_query(text: str) -> Query:
    """The search `text` asks for, or NotASearch with the reason (see the module's docstring)."""
    text = " ".join(text.split())
    if normalize_ssn(text):
        if refusal := ssn_refusal(text):
            raise NotASearch(refusal)
        return Query(ssn=normalize_ssn(text))
    if CUSTOMER_ID.match(text):
        return Query(customer_id=text)
    if contains_ssn(text):
        # An SSN beside other words would be searched as a name, and kept in clear in the session.
        raise NotASearch(SSN_BESIDE_WORDS)
    words = text.split(" ") if text else []
    dates = [word for word in words if ISO_DATE.match(word) or US_DATE.match(word)]
    if not dates and NUMBER.match(text):
        raise NotASearch(NOT_A_NUMBER_WE_SEARCH)
    if len(dates) > 1:
        raise NotASearch(ONE_DATE)
    name = " ".join(word for word in words if word not in dates)
    if any(character.isdigit() for character in name):
        raise NotASearch(DIGITS_IN_NAME)
    born = date_of_birth(dates[0]) if dates else None
    if born and not name:
        raise NotASearch(DATE_ALONE)
    if len(name.replace("-", "").replace(",", "").strip()) < 2:
        raise NotASearch(TOO_SHORT)
    return Query(name=name, date_of_birth=born)


def date_of_birth(word: str) -> date:
    """The date `word` spells (1993-11-22 or 11/22/1993), between 1900 and today."""
    if iso := ISO_DATE.match(word):
        year, month, day = iso.groups()
    else:
        us = US_DATE.match(word)
        assert us is not None  # only words matching one of the two spellings come here
        month, day, year = us.groups()
    try:
        born = date(int(year), int(month), int(day))
    except ValueError:
        raise NotASearch(NOT_A_DATE) from None
    if not date(1900, 1, 1) <= born <= timezone.localdate():
        raise NotASearch(DATE_OUT_OF_RANGE)
    return born
