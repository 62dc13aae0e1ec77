def staff_context(request):
    """The header's organization, current office and office switcher for a signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_office": user.current_office,
        # Read with the person of the request (access.selectors.person_of_request) when it was.
        "assigned_offices": (
            user.assigned_offices if user.assigned_offices is not None else list(user.offices.all())
        ),
    }
