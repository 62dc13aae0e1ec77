"""Who may review and who may decide a data-edit ticket, asked once for services, views and templates.

Four eyes (seed 004): the local board reviews what a case manager filed, the state decides what
the local board sent on, and nobody reviews or decides a ticket they filed or reviewed.
"""

from .models import DataEditTicket


def reviewer_areas(user) -> set[int]:
    """The workforce development areas whose local board the reviewer serves (their offices' areas)."""
    return set(user.offices.values_list("area_id", flat=True))


def local_review_refusal(user, ticket: DataEditTicket) -> str | None:
    """Why `user` may not review `ticket` for the local board, or None if they may (its state aside)."""
    if not user.can_review_data_edits_locally:
        return "Your role does not review data-edit tickets."
    if ticket.office.area_id not in reviewer_areas(user):
        return "This ticket belongs to another local board's area."
    if ticket.filed_by_id == user.pk:
        return "Nobody reviews a ticket they filed."
    return None


def decision_refusal(user, ticket: DataEditTicket) -> str | None:
    """Why `user` may not decide `ticket` for the state, or None if they may (its state aside)."""
    if not user.can_decide_data_edits:
        return "Your role does not decide data-edit tickets."
    if user.pk in (ticket.filed_by_id, ticket.local_reviewer_id):
        return "Nobody decides a ticket they filed or reviewed."
    return None


def self_correction_refusal(user, *, recorded_by_id: int, entered_at, dates, now) -> str | None:
    """Why `user` may not correct or remove a service or case note themselves, or None if they may.

    Seed 004 has entries made at the time; a slip is fixed by the person who made it, until the end
    of the next business day and while the quarter is still open. After that, a data-edit ticket.
    """
    from django.utils import timezone

    from .rules import Quarter, filing_deadline, self_correction_ends

    if recorded_by_id != user.pk:
        return "Only the person who recorded it corrects it: anyone else files a data-edit ticket."
    until = self_correction_ends(timezone.localtime(entered_at))
    if now > until:
        return (
            f"It could be corrected without a ticket until {timezone.localtime(until):%m/%d/%Y} (the end of the "
            "next business day after it was entered): file a data-edit ticket."
        )
    today = timezone.localdate(now)
    for day in dates:
        if filing_deadline(day) < today:
            return f"{Quarter.of(day)} is closed (its data-edit deadline passed): file a data-edit ticket."
    return None
