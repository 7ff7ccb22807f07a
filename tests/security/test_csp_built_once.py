"""The Content-Security-Policy header is built once from the settings and is the header
django-csp builds; what changes it per response (a decorator's update, an exemption, a
nonce) still goes through django-csp's own path; a settings change is seen."""

import pytest
from csp.constants import HEADER, NONCE
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.security.middleware import CSPMiddleware


def _serve(view, path="/somewhere/"):
    request = RequestFactory().get(path)
    middleware = CSPMiddleware(view)
    middleware.process_request(request)
    return request, middleware.process_response(request, view(request))


def _django_csp(view, path="/somewhere/"):
    request = RequestFactory().get(path)
    middleware = DjangoCSPMiddleware(view)
    middleware.process_request(request)
    return middleware.process_response(request, view(request))


def plain(request):
    return HttpResponse("ok")


def test_the_kept_header_is_django_csp_own_and_a_late_nonce_is_refused():
    request, response = _serve(plain)
    assert response[HEADER] == _django_csp(plain)[HEADER]
    assert "script-src 'self'" in response[HEADER]
    _again, second = _serve(plain)
    assert second[HEADER] == response[HEADER]
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_header_already_set_is_kept():
    def own(request):
        response = HttpResponse("ok")
        response[HEADER] = "default-src 'none'"
        return response

    assert _serve(own)[1][HEADER] == "default-src 'none'"


def test_a_per_response_update_or_exemption_goes_through_django_csp():
    def updated(request):
        response = HttpResponse("ok")
        response._csp_update = {"img-src": ["https://tiles.example.org"]}
        return response

    def exempt(request):
        response = HttpResponse("ok")
        response._csp_exempt = True
        return response

    header = _serve(updated)[1][HEADER]
    assert "https://tiles.example.org" in header
    assert header == _django_csp(updated)[HEADER]
    assert HEADER not in _serve(exempt)[1]
    assert HEADER in _serve(plain)[1]  # the kept header is not touched by either


def test_a_nonce_used_by_the_page_is_in_its_header():
    def with_nonce(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    policy = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        request, response = _serve(with_nonce)
        assert f"'nonce-{request._csp_nonce}'" in response[HEADER]
        assert "nonce-" not in _serve(plain)[1][HEADER]


def test_a_settings_change_is_seen_and_excluded_prefixes_are_honoured():
    before = _serve(plain)[1][HEADER]
    policy = {"EXCLUDE_URL_PREFIXES": ["/outside/"], "DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert _serve(plain)[1][HEADER] == "default-src 'none'"
        assert HEADER not in _serve(plain, "/outside/page/")[1]
    assert _serve(plain)[1][HEADER] == before


def test_pages_are_served_with_it(client):
    response = client.get("/accounts/login/")
    assert response[HEADER] == _django_csp(plain)[HEADER]
