"""The authentication backend: Django's ``ModelBackend`` whose per-request user fetch
brings what every page needs in one statement, compiled once per process.

``AuthenticationMiddleware`` calls ``get_user`` once per request (lazily, on the first use
of ``request.user``). Here that one statement also reads the user's office, partner
organisation and role groups, so the navigation, ``base.html`` and the access helpers
(``roles_of``, ``user.office``) make no query of their own. Signing in (``authenticate``)
and the Django admin's permissions are ModelBackend's.

It is the statement every signed-in request runs, so it is not built by the ORM on each
request (compiling the equivalent queryset cost more than running it): ``UserRead`` writes
it once per database connection alias from the models' own fields and turns its rows into
model instances with the fields' and the backend's own converters, as the ORM does.
``tests/core/test_user_read.py`` checks that it gives what the ORM gives.
"""

import threading

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connections, router

from core.roles import Role


class UserRead:
    """``SELECT`` a user with its office, its partner organisation and its role groups:
    one row per group the user holds (one with no group name when it holds none)."""

    def __init__(self, alias: str):
        from core.models import Office, PartnerOrganisation

        self.alias = alias
        connection = connections[alias]
        qn = connection.ops.quote_name
        user_model = get_user_model()
        # (model, its fields, their attribute names, their converters, the primary key's place)
        self.parts = []
        columns = []
        for model, short in ((user_model, "u"), (Office, "o"), (PartnerOrganisation, "p")):
            fields = list(model._meta.concrete_fields)
            converters = []
            for i, field in enumerate(fields):
                col = field.get_col(short)
                chain = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
                if chain:  # the ORM's own conversions (SQLite's dates, booleans ...)
                    converters.append((i, col, chain))
                columns.append(f"{short}.{qn(field.column)}")
            pk_index = fields.index(model._meta.pk)
            self.parts.append((model, fields, [f.attname for f in fields], converters, pk_index))
        self.office_field = user_model._meta.get_field("office")
        self.organisation_field = user_model._meta.get_field("partner_organisation")
        through = user_model.groups.through
        user_col = through._meta.get_field("user").column
        group_col = through._meta.get_field("group").column
        roles = ", ".join(["%s"] * len(Role.values))
        user_pk, office_pk = qn(user_model._meta.pk.column), qn(Office._meta.pk.column)
        # Only quoted names of the models' own tables and columns are interpolated; the
        # role names and the key are parameters.
        self.sql = (
            f"SELECT {', '.join(columns)}, g.{qn('name')}"  # noqa: S608
            f" FROM {qn(user_model._meta.db_table)} u"
            f" LEFT JOIN {qn(Office._meta.db_table)} o ON o.{office_pk} = u.{qn(self.office_field.column)}"
            f" LEFT JOIN {qn(PartnerOrganisation._meta.db_table)} p"
            f" ON p.{qn(PartnerOrganisation._meta.pk.column)} = u.{qn(self.organisation_field.column)}"
            f" LEFT JOIN {qn(through._meta.db_table)} ug ON ug.{qn(user_col)} = u.{user_pk}"
            f" LEFT JOIN {qn(Group._meta.db_table)} g ON g.{qn(Group._meta.pk.column)} = ug.{qn(group_col)}"
            f" AND g.{qn('name')} IN ({roles})"
            f" WHERE u.{user_pk} = %s"
        )
        self.connection = connection

    def _instance(self, index: int, row: tuple, start: int):
        model, fields, attnames, converters, pk_index = self.parts[index]
        values = list(row[start : start + len(fields)])
        if values[pk_index] is None:  # the LEFT JOIN found no row
            return None, start + len(fields)
        for i, col, chain in converters:
            for convert in chain:
                values[i] = convert(values[i], col, self.connection)
        return model.from_db(self.alias, attnames, values), start + len(fields)

    def get(self, pk):
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, [*Role.values, pk])
            rows = cursor.fetchall()
        if not rows:
            return None
        user, at = self._instance(0, rows[0], 0)
        office, at = self._instance(1, rows[0], at)
        organisation, at = self._instance(2, rows[0], at)
        self.office_field.set_cached_value(user, office)
        self.organisation_field.set_cached_value(user, organisation)
        user._sanad_group_roles = frozenset(row[at] for row in rows if row[at] is not None)
        return user


# Per thread: a statement is bound to its thread's connection (Django's are per thread).
_reads = threading.local()


def read_user(pk):
    """The user of this primary key with its office, organisation and roles, or None."""
    user_model = get_user_model()
    try:
        pk = user_model._meta.pk.to_python(pk)
    except ValidationError:
        return None
    alias = router.db_for_read(user_model)
    cache = _reads.__dict__
    reader = cache.get(alias)
    if reader is None or reader.connection is not connections[alias]:
        reader = cache[alias] = UserRead(alias)
    return reader.get(pk)


class SanadBackend(ModelBackend):
    def get_user(self, user_id):
        user = read_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
