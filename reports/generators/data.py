"""What a generator builds and the renderers (``reports.rendering``) write: ``ReportData``
(figures, tables, definitions, labels in the report's language) and its ``Table``s."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    counts: bool = False  # a grid of counts with a total row and column: suppression applies
    chart: bool = False

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "columns": self.columns, "rows": self.rows}


@dataclass
class ReportData:
    code: str
    title: str
    partner: str | None
    start: datetime.date
    end: datetime.date
    lang: str
    suppressed: bool
    figures: dict[str, Any]
    tables: list[Table] = field(default_factory=list)
    definitions: list[tuple[str, str, str]] = field(default_factory=list)

    def chart_table(self) -> Table | None:
        return next((tb for tb in self.tables if tb.chart), None)
