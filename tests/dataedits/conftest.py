from pathlib import Path

import pytest


@pytest.fixture
def private_media(settings):
    """Where supporting documents are stored in this test run (tests/conftest.py makes it temporary)."""
    return Path(settings.PRIVATE_MEDIA_ROOT)
