from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo of `make run` and the browser tests: its data and its sign-in names, no models."""

    name = "demo"
    verbose_name = "Demo"
