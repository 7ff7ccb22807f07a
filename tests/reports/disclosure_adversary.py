"""The adversary of the disclosure attack harness: a partner officer who has everything the
partner can request for a period (every report table, every dashboard view under every
filter, the home panel) and public reference data (which city is in which region), and
tries to work out each protected cell exactly.

It models the people behind one indicator as counts of *atoms* (one per combination of
sex, age bracket, nationality, legal status, city (with its region) and office seen in the
publication): every published cell is the sum of the atoms it covers, shown exactly, as
"<5" (1 to 4) or "x" (0 or more). For each protected cell it asks a linear program for the
smallest and largest value the cell can take given all of that: totals, margins, the
region > city hierarchy, the difference between a filtered and an unfiltered view are all
special cases of these equations. A cell is *recovered* when both bounds are the same whole
number.

It also holds everything the API gives the partner (``api_figures``: every request a
partner's token can make for the period, over HTTP): each API cell is a cell of the
publication's space and joins the equations. (The API's answer may come from another build
of the same publication than the harness's, e.g. one that remembered the first build's
hidden cells: the adversary then holds both versions, a stronger position.)
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math

from scipy.optimize import linprog

from reports.disclosure.figures import SEXES, cities_by_region
from reports.indicators import UNKNOWN

DIMS = ("sex", "age", "nationality", "legal_status", "region", "city", "office")


def published_cells(pub, code: str) -> list[tuple[dict, object, object]]:
    """Every cell of ``code`` the partner can get from ``pub``: (slice, shown, true value)."""
    out = []
    exact = pub.exact
    space = pub.space
    with contextlib.suppress(LookupError):
        out.append(({}, pub.total(code), int(exact.total(code))))
    margins = {d for c, d in pub._margins() if c == code}
    for dim in margins:
        shown = pub.margin(code, dim)
        for k, v in exact.margin(code, dim).items():
            out.append(({dim: k}, shown[k], int(v)))
    for c, row, col in space.crosses:
        if c != code:
            continue
        shown = pub.cross(code, row, col)
        for (k, ck), v in exact.cross(code, row, col).items():
            out.append(({row: k, col: ck}, shown[(k, ck)], int(v)))
    return out


def api_figures(client, period_key: str) -> dict:
    """Every request a partner's API client can make that carries figures for the period:
    its calendar, the definitions and the protected indicators."""
    assert client.get("/api/v1/partner/periods/").status_code == 200
    assert client.get("/api/v1/partner/definitions/").status_code == 200
    response = client.get("/api/v1/partner/indicators/", {"period": period_key})
    assert response.status_code == 200, response.content
    return response.json()


def api_cells(payload: dict, pub, code: str) -> list[tuple[dict, object, object]]:
    """The cells of ``code`` the API returned, with their true values; each must be a cell
    of the publication's space (the API shows what the dashboard and the files show, never
    more: ``NotPublishedError`` otherwise)."""
    out = []
    exact = pub.exact
    for item in payload["indicators"]:
        if item["code"] != code:
            continue
        if item["total"] is not None:
            pub.total(code)
            out.append(({}, item["total"], int(exact.total(code))))
        for margin in item["margins"]:
            dim = margin["dimension"]
            pub.margin(code, dim)
            true = {str(k): (k, v) for k, v in exact.margin(code, dim).items()}
            for cell in margin["cells"]:
                key, value = true[cell["key"]]
                out.append(({dim: key}, cell["value"], int(value)))
        for table in item["tables"]:
            row, col = table["rows"], table["columns"]
            pub.cross(code, row, col)
            true = {(str(a), str(b)): v for (a, b), v in exact.cross(code, row, col).items()}
            keys = {(str(a), str(b)): (a, b) for (a, b) in exact.cross(code, row, col)}
            for cell in table["cells"]:
                pair = (cell["row"], cell["column"])
                a, b = keys[pair]
                out.append(({row: a, col: b}, cell["value"], int(true[pair])))
    return out


def atoms_for(cells, pub, code) -> list[dict]:
    """The atoms: combinations of the dimension values the publication shows; a value the
    publication never lists is known to be absent (tables list every value they count)."""
    values = {d: set() for d in DIMS}
    for slice_, _shown, _v in cells:
        for d, k in slice_.items():
            values[d].add(k)
    for d in DIMS:
        if not values[d]:
            values[d] = {"*"}  # a dimension never published: one atom value
    if "sex" in values and values["sex"] != {"*"}:
        values["sex"] |= set(SEXES)
    city_region = {}
    if values["city"] != {"*"}:
        for region, slugs in cities_by_region([c for c in values["city"] if c != UNKNOWN]).items():
            for s in slugs:
                city_region[s] = region
    out = []
    for combo in itertools.product(*[sorted(values[d], key=str) for d in DIMS]):
        atom = dict(zip(DIMS, combo, strict=True))
        if atom["city"] in city_region and atom["region"] != "*" and city_region[atom["city"]] != atom["region"]:
            continue  # public reference data: a city lies in one region
        out.append(atom)
    return out


def _covers(atom: dict, slice_: dict) -> bool:
    return all(atom[d] == k for d, k in slice_.items())


def attack(pub, code: str, threshold: int = 5, api: dict | None = None) -> tuple[int, list]:
    """(cells attacked, cells recovered) for indicator ``code`` of publication ``pub``, and
    of the API's answer ``api`` (:func:`api_figures`) when given."""
    cells = published_cells(pub, code)
    if api is not None:
        seen = {json.dumps([c[0], c[1]], sort_keys=True, default=str) for c in cells}
        for cell in api_cells(api, pub, code):
            key = json.dumps([cell[0], cell[1]], sort_keys=True, default=str)
            if key not in seen:  # shown otherwise than in the harness's build: one more equation
                seen.add(key)
                cells.append(cell)
    atoms = atoms_for(cells, pub, code)
    n = len(atoms)
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    rows = []
    for slice_, shown, _true in cells:
        row = [1.0 if _covers(a, slice_) else 0.0 for a in atoms]
        rows.append(row)
        if shown == "<5":
            a_ub.append(row)
            b_ub.append(threshold - 1)
            a_ub.append([-x for x in row])
            b_ub.append(-1)
        elif shown == "x":
            continue
        else:
            a_eq.append(row)
            b_eq.append(float(shown))
    attacked, recovered = 0, []
    for (slice_, shown, true), row in zip(cells, rows, strict=True):
        if shown not in ("<5", "x"):
            continue
        attacked += 1
        kwargs = {"A_eq": a_eq or None, "b_eq": b_eq or None, "A_ub": a_ub or None, "b_ub": b_ub or None}
        low = linprog(row, bounds=[(0, None)] * n, method="highs", **kwargs)
        high = linprog([-x for x in row], bounds=[(0, None)] * n, method="highs", **kwargs)
        assert low.status == 0, f"the true data does not satisfy the published cells: {low.message}"
        lo = low.fun
        hi = -high.fun if high.status == 0 else math.inf
        if not math.isinf(hi) and math.floor(hi + 1e-6) - math.ceil(lo - 1e-6) < 1:
            recovered.append((slice_, shown, true, lo, hi))
    return attacked, recovered
