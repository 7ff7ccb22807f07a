"""Extract, check and compile translations for every locale directory of the project.

* ``manage.py sanad_messages``: run ``makemessages`` for ar and fr in the project's
  ``locale/`` (config, core, templates/) and in each app's own ``<app>/locale/``, then
  compile the ``.mo`` files (with polib, so no gettext is needed to *run* Sanad).
* ``manage.py sanad_messages --check``: the same extraction into a scratch copy; fails
  if any string is untranslated or fuzzy, or a ``.mo`` file is stale. Used by
  ``make lint``; it leaves the working tree untouched.
"""

import os
import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

LANGS = ["ar", "fr"]
APPS = ["refugees", "projects", "funding", "reports"]
TOP_IGNORES = [".venv", "staticfiles", "var", "static", "tests", "bench", "node_modules", *APPS]


def locale_roots() -> list[tuple[Path, list[str]]]:
    base = Path(settings.BASE_DIR)
    roots = [(base, TOP_IGNORES)]
    roots += [(base / app, []) for app in APPS if (base / app).is_dir()]
    return roots


class Command(BaseCommand):
    help = "Update, check and compile the ar and fr translations."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail on untranslated/fuzzy strings or stale .mo.")
        parser.add_argument(
            "--only", default="", help="Only this locale root: an app label, or 'project' for the top-level locale/."
        )

    def handle(self, *args, **options):
        problems: list[str] = []
        for root, ignores in locale_roots():
            name = "project" if root == Path(settings.BASE_DIR) else root.name
            if options["only"] and options["only"] != name:
                continue
            (root / "locale").mkdir(exist_ok=True)
            backup = self._backup(root) if options["check"] else None
            try:
                self._extract(root, ignores)
                for lang in LANGS:
                    po_path = root / "locale" / lang / "LC_MESSAGES" / "django.po"
                    if not po_path.exists():
                        continue
                    problems += self._check_po(po_path)
                    if options["check"]:
                        problems += self._check_mo(po_path, backup)
                    else:
                        self._compile(po_path, lang)
            finally:
                if backup is not None:
                    shutil.rmtree(root / "locale")
                    shutil.copytree(backup, root / "locale")
                    shutil.rmtree(backup)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            if options["check"]:
                raise CommandError(f"{len(problems)} translation problem(s); translate them and run `make messages`.")
        if not problems:
            self.stdout.write(self.style.SUCCESS("Translations: complete."))

    def _compile(self, po_path: Path, lang: str) -> None:
        po = polib.pofile(str(po_path), wrapwidth=0)
        po.metadata["Language"] = lang
        po.metadata.pop("POT-Creation-Date", None)
        po.metadata.pop("PO-Revision-Date", None)
        po.metadata_is_fuzzy = False
        po.save(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))

    def _backup(self, root: Path) -> Path:
        target = Path(tempfile.mkdtemp(prefix="sanad-locale-")) / "locale"
        shutil.copytree(root / "locale", target)
        return target

    def _extract(self, root: Path, ignores: list[str]) -> None:
        cwd = os.getcwd()
        os.chdir(root)
        try:
            call_command(
                "makemessages",
                locale=LANGS,
                ignore_patterns=[f"{i}/*" for i in ignores] + ["*/migrations/*"],
                no_obsolete=True,
                add_location="never",
                verbosity=0,
            )
        finally:
            os.chdir(cwd)

    def _check_po(self, po_path: Path) -> list[str]:
        po = polib.pofile(str(po_path))
        rel = po_path.relative_to(settings.BASE_DIR)
        bad = [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
        bad += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
        shown = [f"{rel}: {b}" for b in bad[:10]]
        if len(bad) > 10:
            shown.append(f"{rel}: ... and {len(bad) - 10} more")
        return shown

    def _check_mo(self, po_path: Path, backup: Path) -> list[str]:
        mo_path = po_path.with_suffix(".mo")
        rel = mo_path.relative_to(settings.BASE_DIR)
        if not mo_path.exists():
            return [f"{rel}: missing; run `make messages`"]
        wanted = {_key(e) for e in polib.pofile(str(po_path)).translated_entries()}
        have = {_key(e) for e in polib.mofile(str(mo_path)) if e.msgid}
        return [] if wanted <= have else [f"{rel}: stale; run `make messages`"]


def _key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
