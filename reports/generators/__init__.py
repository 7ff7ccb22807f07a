"""Partner reports: small generator classes in a registry.

A generator knows its code, title, audience (partner codes), default language, the
indicators it reports and how to lay out its tables. ``build`` returns a ``ReportData``
(figures and tables, labels in the requested language, through gettext: the catalogues
in ``reports/locale``); the renderers (``reports.rendering``) turn it into JSON, CSV, XLSX
or PDF. Partner-facing reports go through small-cell suppression; the internal programme
report shows exact counts.

| module | what |
|---|---|
| ``framework`` | ``ReportGenerator`` (build, suppression) and the registry ``reports`` |
| ``data`` | ``ReportData`` and ``Table``, what the renderers write |
| ``tables`` | the tables reports are made of, the names of a dimension's values |
| ``labels`` | the reports' texts (gettext) and ``t(text, lang)`` |
| ``programme``, ``unhcr``, ``ministry``, ``anapec``, ``donor`` | one module per report |
"""

from reports.generators.anapec import AnapecReport
from reports.generators.data import ReportData, Table
from reports.generators.donor import DonorReport
from reports.generators.framework import ReportGenerator, reports
from reports.generators.ministry import MinistryReport
from reports.generators.programme import ProgrammeReport
from reports.generators.tables import dimension_labels
from reports.generators.unhcr import UNHCRReport

for _generator in (ProgrammeReport(), UNHCRReport(), MinistryReport(), AnapecReport(), DonorReport()):
    reports.register(_generator)

__all__ = ["ReportData", "ReportGenerator", "Table", "dimension_labels", "reports"]
