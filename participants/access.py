"""One way to reach a seeker: through the visibility gate, for views and services alike.

A seeker the person may not see is not found, exactly like one that does not exist (Zulip's
`access_stream_by_id`): views answer 404, services refuse with the same words.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from portal.errors import NotFound

from .models import Participant


def access_participant(
    user: AbstractBaseUser | AnonymousUser, pk: int, *, lock: bool = False
) -> Participant:
    """The seeker `pk` if `user` may see them; with `lock`, re-read under a row lock for a write.

    Services re-read through here rather than trust the row they are given: a caller may hold
    a stale row, or one it never checked.
    """
    seekers = Participant.objects.visible_to(user)
    if lock:
        seekers = seekers.select_for_update()
    found = seekers.filter(pk=pk).first()
    if found is None:
        raise NotFound("This seeker could not be found.")
    return found
