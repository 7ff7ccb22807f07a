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

On PostgreSQL the statement is also **prepared** once per database connection (``PREPARE``,
then ``EXECUTE`` on each request): planning its five-table join cost PostgreSQL about three
times what running it does (docs/performance.md, part 10). A prepared statement lives as
long as the connection, whatever its transactions do; a new connection (``CONN_MAX_AGE``,
a health check that failed) prepares it again. The ``PREPARE`` is sent on the driver's own
cursor, outside Django's query log: a page's pinned query count does not depend on whether
its connection had read a user before. A pooler that shares server connections between
clients per transaction (PgBouncer's transaction mode) would lose it: connect directly, or
in session mode.

For a session verified with a TOTP device (the second factor most users have), the same
statement also reads that device: ``SessionDeviceMiddleware`` says which one before the
user is read (``device_wanted``), and django-otp's own checks (the device is the user's
and confirmed) then run on it as on the device it would have read itself, one query later.
"""

import contextvars
import itertools
import re
import threading
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connections, router

from core.roles import Role

# The primary key of the TOTP device the session was verified with, while the session's
# user is read (``device_wanted``); None: no device is read with the user.
_device_wanted: contextvars.ContextVar[int | None] = contextvars.ContextVar("sanad_device_wanted", default=None)
NO_DEVICE_READ = object()  # the user was read without its device (``user_device``)


def totp_device_pk(persistent_id) -> int | None:
    """The primary key in django-otp's ``persistent_id`` of a TOTP device, else None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    label, _, pk = str(persistent_id or "").partition("/")
    if label != TOTPDevice._meta.label_lower or not pk.isdigit() or len(pk) > 18:
        return None
    return int(pk)


@contextmanager
def device_wanted(persistent_id):
    """Within this block a user read also reads the TOTP device of ``persistent_id``."""
    token = _device_wanted.set(totp_device_pk(persistent_id))
    try:
        yield
    finally:
        _device_wanted.reset(token)


def user_device(user):
    """The TOTP device read with ``user`` (``device_wanted``): the device, None when it is
    not this user's, or ``NO_DEVICE_READ``."""
    return getattr(user, "_sanad_otp_device", NO_DEVICE_READ)


class UserRead:
    """``SELECT`` a user with its office, its partner organisation and its role groups:
    one row per group the user holds (one with no group name when it holds none); with
    ``with_device``, also the TOTP device of a given key if it is this user's."""

    def __init__(self, alias: str, *, with_device: bool = False):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from core.models import Office, PartnerOrganisation

        self.alias = alias
        connection = connections[alias]
        qn = connection.ops.quote_name
        user_model = get_user_model()
        # (model, its fields, their attribute names, their converters, the primary key's place)
        self.parts = []
        columns = []
        self.with_device = with_device
        models = [(user_model, "u"), (Office, "o"), (PartnerOrganisation, "p")]
        if with_device:
            models.append((TOTPDevice, "d"))
        for model, short in models:
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
        device_join = ""
        if with_device:
            device_user = qn(TOTPDevice._meta.get_field("user").column)
            device_join = (
                f" LEFT JOIN {qn(TOTPDevice._meta.db_table)} d"
                f" ON d.{qn(TOTPDevice._meta.pk.column)} = %s AND d.{device_user} = u.{user_pk}"
            )
        # Only quoted names of the models' own tables and columns are interpolated; the
        # role names, the device's key and the user's key are parameters.
        self.sql = (
            f"SELECT {', '.join(columns)}, g.{qn('name')}"  # noqa: S608
            f" FROM {qn(user_model._meta.db_table)} u"
            f" LEFT JOIN {qn(Office._meta.db_table)} o ON o.{office_pk} = u.{qn(self.office_field.column)}"
            f" LEFT JOIN {qn(PartnerOrganisation._meta.db_table)} p"
            f" ON p.{qn(PartnerOrganisation._meta.pk.column)} = u.{qn(self.organisation_field.column)}"
            f"{device_join}"
            f" LEFT JOIN {qn(through._meta.db_table)} ug ON ug.{qn(user_col)} = u.{user_pk}"
            f" LEFT JOIN {qn(Group._meta.db_table)} g ON g.{qn(Group._meta.pk.column)} = ug.{qn(group_col)}"
            f" AND g.{qn('name')} IN ({roles})"
            f" WHERE u.{user_pk} = %s"
        )
        self.connection = connection
        self.prepared_on = None  # the driver's connection the statement was prepared on
        self.prepare_sql = self.execute_sql = None
        if connection.vendor == "postgresql":
            name = "sanad_user_read_device" if with_device else "sanad_user_read"
            numbers = itertools.count(1)
            numbered = re.sub("%s", lambda _m: f"${next(numbers)}", self.sql)
            self.prepare_sql = f"PREPARE {name} AS {numbered}"
            self.execute_sql = f"EXECUTE {name}({', '.join(['%s'] * self.sql.count('%s'))})"

    def _execute(self, cursor, params) -> None:
        if self.prepare_sql is None:
            cursor.execute(self.sql, params)
            return
        driver = self.connection.connection  # the cursor opened it
        if self.prepared_on is not driver:
            with driver.cursor() as own:
                own.execute(self.prepare_sql)
            self.prepared_on = driver
        cursor.execute(self.execute_sql, params)

    def _instance(self, index: int, row: tuple, start: int):
        model, fields, attnames, converters, pk_index = self.parts[index]
        values = list(row[start : start + len(fields)])
        if values[pk_index] is None:  # the LEFT JOIN found no row
            return None, start + len(fields)
        for i, col, chain in converters:
            for convert in chain:
                values[i] = convert(values[i], col, self.connection)
        return model.from_db(self.alias, attnames, values), start + len(fields)

    def get(self, pk, device_pk=None):
        params = [device_pk, *Role.values, pk] if self.with_device else [*Role.values, pk]
        with self.connection.cursor() as cursor:
            self._execute(cursor, params)
            rows = cursor.fetchall()
        if not rows:
            return None
        user, at = self._instance(0, rows[0], 0)
        office, at = self._instance(1, rows[0], at)
        organisation, at = self._instance(2, rows[0], at)
        self.office_field.set_cached_value(user, office)
        self.organisation_field.set_cached_value(user, organisation)
        if self.with_device:
            device, at = self._instance(3, rows[0], at)
            if device is not None:
                device.__class__.user.field.set_cached_value(device, user)
            user._sanad_otp_device = device
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
    device_pk = _device_wanted.get()
    key = (alias, device_pk is not None)
    cache = _reads.__dict__
    reader = cache.get(key)
    if reader is None or reader.connection is not connections[alias]:
        reader = cache[key] = UserRead(alias, with_device=device_pk is not None)
    return reader.get(pk, device_pk)


class SanadBackend(ModelBackend):
    def get_user(self, user_id):
        user = read_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
