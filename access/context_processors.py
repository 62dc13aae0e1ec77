def staff_context(request):
    """The header's organization, current office and office switcher for a signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_office": user.current_office,
        "assigned_offices": list(user.offices.all()),
    }
