from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo of `make run`: its data and its sign-in names; no models of its own."""

    name = "demo"
    verbose_name = "Demo"
