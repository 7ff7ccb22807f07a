"""Erasure helpers shared by the apps that hold a person's data.

``refugees.services.refugee_anonymise`` erases a person; each higher app removes what it
holds about them through a provider registered in ``core.registry.erasure`` (projects:
the study, the texts of their projects; funding: receipts, visit photos and notes). The
helpers here do the removing and count it in an ``ErasureReport``, which becomes the
erasure log record (who, when, which kinds of data, how many rows and files): it never
holds a removed value.

* ``Identifiers``: the strings that identify the person (names in both scripts, UNHCR
  numbers, phone) and ``scrub(text)``, which replaces each of them in a free text;
* ``scrub_rows``: scrub those strings out of text columns of some rows (current or
  historical), ``blank_rows``: empty columns of some rows;
* ``delete_files``: files of private storage deleted once the transaction commits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast

logger = logging.getLogger("sanad.erasure")

ERASED = "ANONYMISED"
_SEP = r"[\s.\-]*"
_DB_SEP = "[[:space:].-]*"  # the same in PostgreSQL's regular expressions


_ARABIC = re.compile(r"[\u0600-\u06FF]")
_ARABIC_PREFIXES = r"(?:[وفبلك]?(?:ال|لل)?)"  # and, so, with, for, like; the article


def _name_pattern(name: str) -> str:
    """A name as a whole word; an Arabic name also with the prefixes written onto it."""
    prefix = _ARABIC_PREFIXES if _ARABIC.search(name) else ""
    return rf"(?<!\w){prefix}{re.escape(name)}(?!\w)"


@dataclass(frozen=True)
class Identifiers:
    """What identifies one person in a free text, and how to take it out."""

    names: tuple[str, ...] = ()  # names (each part and the full names), both scripts
    numbers: tuple[str, ...] = ()  # UNHCR individual and case numbers
    phones: tuple[str, ...] = ()

    @classmethod
    def of(cls, *, names: Iterable[str], numbers: Iterable[str], phones: Iterable[str] = ()) -> Identifiers:
        """Longest first, so a full name is replaced before its parts."""
        clean = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
        nums = sorted({n.strip() for n in numbers if n and n.strip()}, key=len, reverse=True)
        return cls(names=tuple(clean), numbers=tuple(nums), phones=tuple(sorted({p.strip() for p in phones if p})))

    @cached_property
    def lookups(self) -> list[tuple[str, str]]:
        """Database look-ups (lookup, value) that pre-filter a text column: a row matching none of it needs
        no scrub (names as stored, numbers and phones with any separators)."""
        parts = [("icontains", n) for n in self.names]
        parts += [("iregex", _DB_SEP.join(ch for ch in n if ch.isalnum())) for n in self.numbers]
        parts += [("regex", _DB_SEP.join(re.sub(r"\D", "", p)[-8:])) for p in self.phones if len(p) >= 6]
        return [(lookup, value) for lookup, value in parts if value]

    @cached_property
    def patterns(self) -> list[re.Pattern]:
        patterns = [re.compile(_name_pattern(n), re.IGNORECASE) for n in self.names]
        for number in self.numbers:  # typed with or without the dash, in any case
            body = _SEP.join(re.escape(ch) for ch in number if ch.isalnum())
            patterns.append(re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE))
        for phone in self.phones:  # +212 6 12..., 06 12 ..., 0612...: digits with any separators
            digits = re.sub(r"\D", "", phone)
            if len(digits) < 6:
                continue
            national = digits[3:] if digits.startswith("212") else digits
            prefix = r"(?:(?:\+|00)?212" + _SEP + r"|0)?" if digits.startswith("212") else r"(?:\+|00)?"
            patterns.append(re.compile(r"(?<!\d)" + prefix + _SEP.join(national) + r"(?!\d)"))
        return patterns

    def strict(self) -> Identifiers:
        """Only what names this person and nobody else: full names, numbers, phones (for
        texts about other people too, such as the whole admin log, where a first name
        alone may be someone else's)."""
        return Identifiers(names=tuple(n for n in self.names if " " in n), numbers=self.numbers, phones=self.phones)

    def scrub(self, text: str) -> str:
        if not text:
            return text
        for pattern in self.patterns:
            text = pattern.sub(ERASED, text)
        return text

    def scrub_value(self, value):
        """A text, or the strings inside a JSON value (lists and objects), scrubbed."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub_value(v) for k, v in value.items()}
        return value

    def found_in(self, text: str) -> bool:
        return bool(text) and any(p.search(text) for p in self.patterns)


@dataclass
class ErasureReport:
    """What one erasure removed, by kind: rows changed or deleted, files deleted."""

    removals: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, kind: str, *, rows: int = 0, files: int = 0) -> None:
        if not rows and not files:
            return
        entry = self.removals.setdefault(kind, {"rows": 0, "files": 0})
        entry["rows"] += rows
        entry["files"] += files

    def as_list(self) -> list[dict]:
        return [{"kind": kind, **counts} for kind, counts in self.removals.items()]


def scrub_rows(queryset: QuerySet, fields: Iterable[str], identifiers: Identifiers) -> int:
    """Replace the person's identifiers in ``fields`` of these rows; returns the rows changed.

    Rows are pre-filtered in the database (``Identifiers.lookups``), then scrubbed in Python (whole
    words, any case, both scripts)."""
    fields = list(fields)
    if not fields or not identifiers.lookups:
        return 0
    model = queryset.model
    by_attname = {fl.attname: fl for fl in model._meta.concrete_fields}
    casts = {}  # a JSON column is searched as its text
    for f in fields:
        if isinstance(by_attname[f], models.JSONField):
            casts[f"_erasure_{f}"] = Cast(f, models.TextField())
    match = Q()
    for f in fields:
        name = f"_erasure_{f}" if f"_erasure_{f}" in casts else f
        for lookup, value in identifiers.lookups:
            match |= Q(**{f"{name}__{lookup}": value})
    queryset = queryset.annotate(**casts) if casts else queryset
    changed = 0
    pk_name = model._meta.pk.attname
    for row in queryset.filter(match).values(pk_name, *fields):
        new = {f: identifiers.scrub_value(row[f]) for f in fields if row[f]}
        new = {f: v for f, v in new.items() if v != row[f]}
        if new:
            model._base_manager.filter(**{pk_name: row[pk_name]}).update(**new)
            changed += 1
    return changed


def scrub_admin_log(model, pks: Iterable, identifiers: Identifiers) -> int:
    """Scrub the person out of the Django admin log entries of these objects (their
    ``object_repr`` and change messages). Who changed what, when, stays."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    ids = [str(pk) for pk in pks]
    if not ids:
        return 0
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return scrub_rows(entries, ["object_repr", "change_message"], identifiers)


def blank_rows(queryset: QuerySet, values: dict) -> int:
    """Set ``values`` (empty texts, cleared files) on the rows that do not have them yet."""
    differs = Q()
    for name, value in values.items():
        differs |= ~Q(**{name: value})
    return queryset.filter(differs).update(**values)


def text_fields(model, *, exclude: Iterable[str] = ()) -> list[str]:
    """The model's character, text and JSON columns (a historical model's too), without
    the ones limited to choices (codes, not text)."""
    skip = set(exclude)
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not f.choices
        and f.attname not in skip
        and f.attname not in ("history_type",)
    ]


def file_names(*querysets_and_fields: tuple[QuerySet, str]) -> set[str]:
    names: set[str] = set()
    for queryset, name in querysets_and_fields:
        names.update(n for n in queryset.exclude(**{name: ""}).values_list(name, flat=True) if n)
    return names


def delete_files(storage, names: Iterable[str]) -> int:
    """Delete these files of ``storage`` once the transaction commits (a rolled-back
    erasure keeps them). Returns how many exist now."""
    names = [n for n in set(names) if n and storage.exists(n)]

    def _delete() -> None:
        for name in names:
            if storage.exists(name):
                storage.delete(name)

    if names:
        transaction.on_commit(_delete)
    return len(names)
