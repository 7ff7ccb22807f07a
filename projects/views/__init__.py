"""Screens for sessions, projects and the validation committee, one module per part:
``sessions``, ``applications`` (the list and the application), ``workflow`` (submit, the
manual close) and ``committee``. ``projects/urls.py`` imports them directly.

Every view reads "access, selector or service, render": it starts with an access helper
or predicate of ``projects.access``, reads through ``projects.selectors``, writes through
``projects.services`` and shows a refused business rule with ``core.forms``.
"""
