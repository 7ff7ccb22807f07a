"""Middleware of the request's fixed cost (``docs/performance.md``).

* ``IdleSessionMiddleware``: the idle timeout without a write on every request. A session
  lives ``SESSION_IDLE_MINUTES`` from its last save (``SESSION_COOKIE_AGE``); a request
  saves it again (a new expiry) only when ``SESSION_REFRESH_MINUTES`` have passed since
  the last save, so a session ends between ``idle - refresh`` and ``idle`` minutes after
  its last request (the timeout stays a maximum) and a user's requests cost one session
  write per refresh window instead of one each.
* ``FreshTodoAfterWriteMiddleware``: the to-do counts of the navigation and the home page
  are cached per user for ``SANAD_TODO_CACHE_SECONDS`` (``core.registry.todo``); after a
  request that may have changed something (any method but GET/HEAD/OPTIONS) the user's
  own entry is dropped, so what they just did shows at once.
"""

import time

from django.conf import settings

from core.registry import todo

REFRESHED_KEY = "sanad_session_saved_at"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class IdleSessionMiddleware:
    """Place it right after ``SessionMiddleware`` (its response side runs just before the
    session is saved)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # No session cookie: nothing to keep alive (and do not touch the session, or every
        # anonymous response would vary on Cookie).
        if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response
        if session.is_empty():  # signed out in this request, or an unknown or expired key
            return response
        now = time.time()
        saved_at = session.get(REFRESHED_KEY, 0)
        if session.modified or now - saved_at >= settings.SANAD_SESSION_REFRESH_SECONDS:
            session[REFRESHED_KEY] = now  # saved (with a new expiry) by SessionMiddleware
        return response


def stamp_session_on_login(sender, request, user, **kwargs) -> None:
    """Signing in saves the session anyway: count the refresh window from there (connected
    to ``user_logged_in`` in ``core.apps``), so the first page after it writes nothing."""
    if getattr(request, "session", None) is not None:
        request.session[REFRESHED_KEY] = time.time()


class FreshTodoAfterWriteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                todo.forget(user)
        return response
