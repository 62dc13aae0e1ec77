"""Case notes and confidential medical information (seed 004, "Case notes"; 29 CFR 38.41(b)(3)).

"No notation other than the self-disclosure of disability information within the demographic
section ... and the notation of accommodation in a case note, without attachment to the
disability, may be made within the participant's file." A note may say that an accommodation
was made; one that names a condition is flagged and kept to its author's office and the state.

The words are a check, not a diagnosis: it catches the common names; a flagged note is the
author's to confirm, and one it misses is still the author's duty.
"""

import re

CONDITIONS = [
    "disability",
    "disabled",
    "diagnosis",
    "diagnosed",
    "medical condition",
    "medication",
    "prescription",
    "depression",
    "depressed",
    "anxiety",
    "ptsd",
    "bipolar",
    "schizophrenia",
    "autism",
    "autistic",
    "adhd",
    "dyslexia",
    "diabetes",
    "diabetic",
    "epilepsy",
    "seizure",
    "cancer",
    "chemotherapy",
    "hiv",
    "aids",
    "hepatitis",
    "asthma",
    "arthritis",
    "multiple sclerosis",
    "cerebral palsy",
    "dementia",
    "stroke",
    "heart condition",
    "pregnant",
    "pregnancy",
    "substance use",
    "addiction",
    "alcoholism",
    "rehab",
    "mental illness",
    "mental health",
    "therapist",
    "psychiatric",
    "blind",
    "deaf",
    "wheelchair",
    "amputee",
]
_CONDITION = re.compile(
    r"\b(" + "|".join(re.escape(word) for word in CONDITIONS) + r")\b", re.IGNORECASE
)


def named_condition(text: str) -> str | None:
    """The first medical condition or disability the text names, or None."""
    match = _CONDITION.search(text or "")
    return match.group(1).lower() if match else None
