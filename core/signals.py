"""Signals a lower app sends so that a higher one can react without being imported.

``records_bulk_written`` is sent (``sender``: the model) by a service that writes rows with
``bulk_create`` or ``QuerySet.update``, which send no per-row ``post_save`` (the refugee
import), unless a saved record of the same transaction already said so. Reports listen to it, as to ``post_save``, to
move the data version their cached dashboards are keyed on.
"""

from django.dispatch import Signal

records_bulk_written = Signal()
