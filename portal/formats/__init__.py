"""The portal's display formats (settings.FORMAT_MODULE_PATH): one way of writing a date and a time."""
