"""Helpers shared by the browser journeys: logging in like a person, screenshots per
step, axe-core checks, and the translated text a page should show.

Kept free of fixtures so a journey (or the lead's later app journeys) can import them.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.factories.core import PASSWORD

AXE_JS = Path(settings.BASE_DIR) / "tests" / "vendor" / "axe" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
# axe-core impact levels that fail a test (the others are reported, not enforced).
BLOCKING_IMPACTS = ("serious", "critical")


def tr(message: str, lang: str) -> str:
    """``message`` as the page shows it in ``lang`` (through the real catalogue)."""
    with translation.override(lang):
        return translation.gettext(message)


def tr_label(model, field_name: str, lang: str) -> str:
    """A model field's form label (its verbose name, capitalised) as shown in ``lang``."""
    with translation.override(lang):
        return capfirst(str(model._meta.get_field(field_name).verbose_name))


def field_label(text: str) -> re.Pattern:
    """A form field's label exactly as ``text``, with or without crispy's asterisk for a
    required field (so "Date de naissance" does not also match "Date de naissance estimée")."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def login(page: Page, user, lang: str | None = None, *, password: str = PASSWORD) -> None:
    """Open the login page, pick ``lang`` with the language switcher if the page is in
    another language, type the credentials, submit, and wait to leave the login page:
    what a person does, no session cookie forged."""
    page.goto("/accounts/login/")
    if lang and html_lang_dir(page)[0] != lang:
        switch_language(page, lang)
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def switch_language(page: Page, lang: str) -> None:
    """Click the language switcher's button for ``lang`` and wait for the page to reload."""
    page.locator(f"#language-switcher button[value='{lang}']").click()
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)


def html_lang_dir(page: Page) -> tuple[str, str]:
    lang, direction = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    return lang, direction


@dataclass
class Screenshots:
    """One PNG per step: ``test-artifacts/screenshots/<test>/NN-step.png``."""

    folder: Path
    count: int = 0
    taken: list[Path] = field(default_factory=list)

    @classmethod
    def for_test(cls, test_name: str) -> Screenshots:
        folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "-", test_name).strip("-")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return cls(folder)

    def __call__(self, page: Page, step: str, *, full_page: bool = False) -> Path:
        self.count += 1
        slug = re.sub(r"[^\w.-]+", "-", step).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.wait_for_load_state("load")
        for attempt in range(3):
            try:
                page.screenshot(path=str(path), full_page=full_page)
                break
            except PlaywrightError as exc:
                # Chromium refuses a capture while a navigation swaps the page's frame;
                # the page settles within moments, so try again rather than fail the journey.
                if "Unable to capture screenshot" not in str(exc) or attempt == 2:
                    raise
                page.wait_for_timeout(300)
        self.taken.append(path)
        return path


@dataclass(frozen=True)
class AxeViolation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"[{self.impact}] {self.rule}: {self.help} -> {', '.join(self.targets[:5])}"


def axe_violations(page: Page, *, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[AxeViolation]:
    """Run the vendored axe-core on the page as it is now; return the violations of
    the given impacts (serious and critical by default)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Through the DevTools protocol: the page's Content-Security-Policy ('self' only, no
        # inline script) rightly refuses an injected <script>, and a test must not weaken it.
        session = page.context.new_cdp_session(page)
        session.send("Runtime.evaluate", {"expression": AXE_JS.read_text()})
        session.detach()
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        if v.get("impact") in impacts:
            targets = tuple(json.dumps(n["target"]) for n in v["nodes"])
            found.append(AxeViolation(v["id"], v["impact"], v["help"], targets))
    return found


def assert_accessible(page: Page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core on {what} ({page.url}):\n" + "\n".join(map(str, violations))


def small_pdf(path: Path, text: str = "Etude de faisabilite") -> Path:
    """A real one-page PDF (what a caseworker scans and attaches), written with pypdf."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    pdf_page = writer.add_blank_page(width=200, height=100)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    pdf_page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 12 Tf 10 50 Td ({text}) Tj ET".encode("latin-1"))
    pdf_page[NameObject("/Contents")] = writer._add_object(content)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def small_photo(path: Path) -> Path:
    """A real small JPEG (a photo taken on a visit), written with Pillow."""
    from PIL import Image

    Image.new("RGB", (64, 48), (180, 120, 60)).save(path, format="JPEG")
    return path
