import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """``api(header)``: a DRF client sending that Authorization header (None: no header)."""

    def _client(header=None, **extra):
        client = APIClient()
        if header:
            client.credentials(HTTP_AUTHORIZATION=header, **extra)
        return client

    return _client
