"""Fuzz: every URL of the URLconf (the access matrix's rows, with its world of records),
every parameter its page's forms name plus ``q``, ``page`` and ``sort``, as the identity
that uses it, GET and POST, with wrong types, NUL bytes, over-long values, unicode, RTL
marks, "4200,50", "NaN" and dates at the limits; the fixed values, then values generated
by hypothesis. No answer is a 500. It prints how many requests it sent."""

import re

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.core.test_access_matrix import (
    ACCESS,
    ADMIN,
    ANON,
    CHAIR,
    CW,
    MEM,
    PM,
    UNHCR,
    _close_file,
    _identity,
)

pytestmark = pytest.mark.django_db

BAD = [
    "abc",
    "nan",
    "4200,50",
    "-1",
    "99999999999999999999",
    "1e309",
    "\x00",
    "a\x00b",
    "x" * 5000,
    "١٢٣٤",
    "\u200f\u202eabc",
    "😀",
    "2010-02-30",
    "0001-01-01",
    "9999-12-31",
    "",
]
PREFERENCE = [PM, CW, CHAIR, MEM, UNHCR, ADMIN, ANON]
SKIP = {"logout"}  # signs the identity out
EXTRA = ["admin:refugees_refugee_changelist", "admin:core_user_changelist", "admin:projects_session_changelist"]
NAME_RE = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"')


def _targets(world):
    """(identity, method, url) for every row: the first identity let in."""
    out = []
    for name, row in sorted(ACCESS.items()):
        if name in SKIP or name.startswith("admin:"):
            continue
        url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
        for method in ("GET", "POST"):
            who = next((w for w in PREFERENCE if row.expected(method, w) == row.let_in), None)
            if who is not None:
                out.append((who, method, url))
    out += [(ADMIN, "GET", reverse(n)) for n in EXTRA]
    return out


def _params(client, url) -> tuple[list[str], bool]:
    """The parameter names the page's forms use, and whether it is a page (not a file)."""
    with transaction.atomic():
        response = client.get(url)
        page = response.get("Content-Type", "").startswith("text/html")
        body = response.content.decode(errors="replace") if page else ""
        _close_file(response)
        transaction.set_rollback(True)
    names = set(NAME_RE.findall(body)) - {"csrfmiddlewaretoken"}
    return sorted(names | {"q", "page", "sort"}), page or response.status_code != 200


class Fuzzer:
    def __init__(self, request, client, world):
        self.request, self.client, self.sent, self.failures = request, client, 0, []
        self.by_identity: dict[str, list] = {}
        for who, method, url in _targets(world):
            self.by_identity.setdefault(who, []).append((method, url))
        self.users = {who: _identity(request, who) for who in self.by_identity}
        self.params: dict[str, list[str]] = {}
        self.pages: dict[str, bool] = {}

    def run(self, values, file_values=None) -> None:
        """Every target with each of ``values``; a file (a PDF drawn, a download) reads no
        parameter, so it gets only ``file_values`` (default: the first three values)."""
        file_values = values[:3] if file_values is None else file_values
        for who, targets in self.by_identity.items():
            self.client.logout()
            if self.users[who] is not None:
                self.client.force_login(self.users[who])
            for method, url in targets:
                if url not in self.params:
                    self.params[url], self.pages[url] = _params(self.client, url)
                for value in values if self.pages[url] else file_values:
                    self.send(who, method, url, dict.fromkeys(self.params[url], value))

    def send(self, who, method, url, data) -> None:
        self.sent += 1
        try:
            with transaction.atomic():
                response = self.client.get(url, data) if method == "GET" else self.client.post(url, data)
                _close_file(response)
                transaction.set_rollback(True)
            status = response.status_code
        except Exception as exc:  # a 500 in the test client
            status = f"{type(exc).__name__}: {str(exc)[:120]}"
        if status == 500 or not isinstance(status, int):
            value = next(iter(data.values()), "")
            self.failures.append(f"{method} {url} as {who} with {value[:30]!r}: {status}")


# The fixed values in slices of two, one test each: the slices run side by side on the
# suite's workers (all of them in one test took about five minutes on one worker).
SLICES = [BAD[i : i + 2] for i in range(0, len(BAD), 2)]


@pytest.mark.parametrize(
    "values", SLICES, ids=[f"values-{i}-{i + len(v) - 1}" for i, v in zip(range(0, len(BAD), 2), SLICES, strict=True)]
)
def test_the_fixed_bad_values_never_give_a_500(request, client, world, values):
    fuzz = Fuzzer(request, client, world)
    fuzz.run(values, file_values=[v for v in values if v in BAD[:3]])
    print(f"\nfuzz (fixed values): {fuzz.sent} requests over {len(fuzz.params)} URLs, {len(fuzz.failures)} 500s")
    assert not fuzz.failures, "\n".join(fuzz.failures[:40])


GENERATED = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.decimals(allow_nan=True).map(lambda d: str(d).replace(".", ",")),
)


@pytest.fixture
def fuzzer(request, client, world):
    fuzz = Fuzzer(request, client, world)
    yield fuzz
    print(f"\nfuzz (hypothesis): {fuzz.sent} requests over {len(fuzz.params)} URLs, {len(fuzz.failures)} 500s")


@hsettings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=GENERATED)
def test_generated_values_never_give_a_500(fuzzer, value):
    fuzzer.run([value])
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:40])
