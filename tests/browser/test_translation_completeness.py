"""Every page, rendered in Arabic for each role, shows no English word in its menus,
buttons, headings and labels.

The page list is the URLconf itself: every URL without arguments (the admin aside) that
a role can GET with a 200 HTML answer; pages that need an object go in ``EXTRA_PAGES``.
The word list is ``ENGLISH_UI_WORDS``: the words that betray a missing translation.
Both are meant to grow.
"""

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

LANG = "ar"

# Known English UI words and phrases (matched whole-word, case-sensitive).
ENGLISH_UI_WORDS = [
    "Log in",
    "Log out",
    "Save",
    "Cancel",
    "Search",
    "Next",
    "Previous",
    "Home",
    "Change password",
    "Submit",
    "Delete",
    "Edit",
    "Back",
    "Close",
    "Filter",
    "Download",
    "Skip to main content",
    "Administration",
    "Welcome",
    "Reset your password",
    "Language",
]

# Pages that need URL arguments: ``(user) -> path`` (create the object with the factories).
EXTRA_PAGES: list[Callable[..., str]] = []

PERSONAS = ["anonymous", "caseworker", "manager", "committee_member", "partner_unhcr", "admin_user"]
SKIPPED_NAMESPACES = ("admin",)

# Where UI words live: text inside these elements (menus, links, buttons, headings,
# labels, table headers), and these attributes anywhere.
UI_ELEMENTS = {"nav", "a", "button", "h1", "h2", "h3", "h4", "h5", "h6", "label", "legend", "th", "title", "caption"}
UI_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class UITextParser(HTMLParser):
    """Collects ``(where, text)`` for the text of UI elements and UI attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in UI_ATTRIBUTES & attributes.keys():
            self.found.append((f"<{tag} {name}>", attributes[name] or ""))
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.found.append(("<input type=submit>", attributes["value"]))
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag) :]

    def handle_data(self, data):
        inside = [t for t in self.stack if t in UI_ELEMENTS]
        if inside and data.strip():
            self.found.append((f"<{inside[-1]}>", " ".join(data.split())))


def english_words_in(html: str, words: list[str] = ENGLISH_UI_WORDS) -> list[tuple[str, str, str]]:
    """``(element, word, text)`` for each English UI word found in the page's UI text."""
    parser = UITextParser()
    parser.feed(html)
    patterns = [(w, re.compile(rf"(?<![\w]){re.escape(w)}(?![\w])")) for w in words]
    return [(where, word, text) for where, text in parser.found for word, rx in patterns if rx.search(text)]


def pages_without_arguments() -> Iterator[tuple[str, str]]:
    """``(url name, path)`` of every URL of the URLconf that takes no argument."""

    def walk(resolver: URLResolver, prefix: str, namespace: str):
        for entry in resolver.url_patterns:
            if not isinstance(entry.pattern, RoutePattern) or entry.pattern.converters:
                continue  # regex routes and routes with <arguments>
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIPPED_NAMESPACES:
                    continue
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                yield f"{namespace}{entry.name or ''}", "/" + prefix + str(entry.pattern)

    yield from sorted(set(walk(get_resolver(), "", "")))


def _render_all(client, user) -> dict[str, str]:
    client.cookies["django_language"] = LANG
    pages = {path: path for _name, path in pages_without_arguments()}
    pages.update({(p := extra(user)): p for extra in EXTRA_PAGES} if user else {})
    rendered = {}
    for path in pages:
        response = client.get(path)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            rendered[path] = response.content.decode()
    return rendered


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_no_english_ui_word_in_arabic(request, client, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user:
        client.force_login(user)
    rendered = _render_all(client, user)
    assert rendered, "no page rendered: the walk found nothing"
    offenders = [
        f"{path} {where}: {word!r} in {text!r}"
        for path, html in rendered.items()
        for where, word, text in english_words_in(html)
    ]
    assert not offenders, f"English UI words on Arabic pages for {persona} (translate them in the .po):\n" + "\n".join(
        sorted(set(offenders))
    )


# The checker itself: it must catch what it is meant to catch, and nothing else.


def test_it_catches_an_untranslated_word_in_the_ui():
    html = """<nav><a href="/">الرئيسية</a><button>Log out</button></nav>
    <h1>Search</h1><label for="x">الاسم</label><a class="btn btn-primary" href="#">Cancel</a>
    <input type="submit" value="Save"><div aria-label="Language"></div>"""
    assert {word for _where, word, _text in english_words_in(html)} == {
        "Log out",
        "Search",
        "Cancel",
        "Save",
        "Language",
    }


def test_it_ignores_english_outside_the_ui_and_inside_words():
    html = """<p>Home, Save and Cancel in running text</p><td>Next</td>
    <h1>Homeland Nextcloud</h1><nav><a href="/">تسجيل الخروج</a></nav><span title="">Edit</span>"""
    assert english_words_in(html) == []


@pytest.mark.django_db
def test_it_catches_english_on_a_real_page_rendered_without_translation(client):
    client.cookies["django_language"] = "en"
    html = client.get("/accounts/login/").content.decode()
    assert ("<button>", "Log in", "Log in") in english_words_in(html)


def test_it_walks_the_pages_without_arguments():
    paths = dict(pages_without_arguments())
    assert paths["home"] == "/"
    assert paths["login"] == "/accounts/login/"
    assert "password_reset_confirm" not in paths
    assert not any(name.startswith("admin:") for name in paths)
