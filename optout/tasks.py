from celery import shared_task

from .services import opt_in_requests_remind_overdue


@shared_task
def remind_overdue_opt_in_requests() -> int:
    """Beat: emails the supervisors about overdue opt-in requests; running it twice sends nothing twice."""
    return opt_in_requests_remind_overdue()
