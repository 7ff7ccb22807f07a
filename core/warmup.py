"""What a server process loads once, before its workers serve: ``warm_up``.

Gunicorn loads the application in its master (``preload_app``, ``config/gunicorn_conf.py``)
and calls ``warm_up`` there before it forks the workers. Each worker then starts with
what it would otherwise load on its first requests: the URLconf and every view module it
imports, the URL patterns reversed in each language, each language's translation
catalogue and every template compiled. A worker is replaced every ``max_requests``
requests; without this, each new worker spent about 2.5 s of CPU loading Django and
these on its first requests (``docs/performance.md``, part 9). The workers share these
pages of memory with the master until they write to them.

Nothing here opens a connection: the database and the cache are connected by each worker
(a connection made before the fork would be shared by all of them).
"""

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def warm_up() -> dict[str, int]:
    """Loads the URLconf, the catalogues and the templates; returns what it loaded."""
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Sanad")  # the catalogue of the language, merged from every app
            resolver.reverse_dict  # noqa: B018 - the patterns reversed in this language
    loaded = {"languages": len(settings.LANGUAGES), "templates": _compile_templates()}
    # No connection of the master may be inherited by the workers.
    connections.close_all()
    caches.close_all()
    # What is loaded stays: the garbage collector of each worker need not walk it (nor
    # write to its pages, which would copy them).
    gc.collect()
    gc.freeze()
    logger.info("warmed up: %(languages)s languages, %(templates)s templates", loaded)
    return loaded


def template_names(directory: Path) -> list[str]:
    """The templates under a template directory, by the name a view asks for."""
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.suffix in {".html", ".txt", ".xml"} and path.is_file()
    )


def _compile_templates() -> int:
    """Every template the Django engines can find, compiled into their cached loaders (the
    name each resolves to first, as a request would have it)."""
    from django.forms.renderers import get_default_renderer

    renderer = getattr(get_default_renderer(), "engine", None)  # the forms' own engine (widgets)
    count = 0
    for backend in [*engines.all(), *([renderer] if renderer is not None else [])]:
        engine = getattr(backend, "engine", None)
        if engine is None:
            continue
        names: set[str] = set()
        for loader in engine.template_loaders:
            for inner in getattr(loader, "loaders", [loader]):
                for directory in inner.get_dirs():
                    if Path(directory).is_dir():
                        names.update(template_names(Path(directory)))
        for name in sorted(names):
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                continue  # a library's template for a part not installed: loaded, if ever, when asked
            count += 1
    return count
