"""Facts about the code base itself, checked the way ``git grep`` would (docs/ARCHITECTURE.md).

* no module over 500 lines (migrations, demo data and tests aside): past that, a package;
* no import circle among the project's modules;
* the layering ``core <- refugees <- projects <- funding <- reports`` (``config`` above all):
  a lower app never imports a higher one.

Imports are read with ``ast`` from every ``.py`` file of the apps and ``config`` (tests,
bench and migrations aside), wherever they are written: at module level, and inside
functions too, since a function-level import is the usual way a circle is hidden
(``from reports.tasks import build`` inside ``reports.services``). Imports under
``if TYPE_CHECKING:`` are not run, and are not counted.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = ["core", "refugees", "projects", "funding", "reports", "config"]  # each may import those before it
MAX_LINES = 500


def _is_demo(path: Path) -> bool:
    return any(part == "demo" or part.startswith("demo.") or part.endswith("_demo.py") for part in path.parts)


def project_files(*, sizes: bool = False) -> Iterator[Path]:
    """The project's Python files under ``LAYERS`` (no migrations; for sizes, no demo data)."""
    for top in LAYERS:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or (sizes and _is_demo(rel)):
                continue
            yield rel


def module_name(rel: Path) -> str:
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    return skipped


def imported_modules(rel: Path, known: set[str]) -> set[str]:
    """The project modules ``rel`` imports (``from a import b``: ``a.b`` if it is a module)."""
    tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"), filename=str(rel))
    skipped = _type_checking_nodes(tree)
    this = module_name(rel)
    package = this if rel.name == "__init__.py" else this.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            # ``import a.b.c`` or a name of a module: the deepest project module it names
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != this:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    files = list(project_files())
    known = {module_name(rel) for rel in files}
    return {module_name(rel): imported_modules(rel, known) for rel in files}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_module_is_over_500_lines():
    long = {
        str(rel): n
        for rel in project_files(sizes=True)
        if (n := len((ROOT / rel).read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (make them packages): {long}"


def test_there_is_no_import_circle():
    found = cycles(import_graph())
    assert not found, "import circles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_no_app_imports_a_higher_one():
    rank = {app: n for n, app in enumerate(LAYERS)}
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if rank[target.split(".")[0]] > rank[module.split(".")[0]]
    )
    assert not upward, "imports against the layering (core <- refugees <- projects <- funding <- reports):\n" + (
        "\n".join(upward)
    )


def test_the_import_graph_is_read():
    """The checks above see real imports (a broken parser would pass them all)."""
    graph = import_graph()
    assert "core.access" in graph["refugees.access"] or "core.roles" in graph["refugees.access"]
    assert "projects.models" in graph["funding.models"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
