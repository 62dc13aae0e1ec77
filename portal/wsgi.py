import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# Refuses to serve without a real mail server; warns if the database role could rewrite the trail.
from portal.checks import refuse_to_serve_misconfigured  # noqa: E402

refuse_to_serve_misconfigured(logging.getLogger("portal.wsgi"))
