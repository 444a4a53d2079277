"""The shape of forum/: no import cycles, no upward imports, no module over 400 lines.

The layers, lowest first (README, "Layout"); a module imports from its own layer or below:

1. foundation: configuration, the extension objects, the models, the sanitizer and the
   detectors: what everything else stands on;
2. services: reading, deciding and changing (discussion.py, moderation/actions.py, queries,
   forms, mail, ...), which never handle a request's routing;
3. views: blueprints and commands, the only modules that answer an address or a command;
4. the app: forum/__init__.py's create_app, which wires them all.

A new module is a service unless it is listed here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

FORUM = Path(__file__).resolve().parent.parent / "forum"
MAX_LINES = 400

FOUNDATION_PACKAGES = ("forum.models", "forum.safety")
FOUNDATION = {
    "forum.avatars",
    "forum.cache_backend",
    "forum.config",
    "forum.database",
    "forum.extensions",
    "forum.gunicorn_worker",
    "forum.sanitize",
    "forum.security",
}
VIEWS = {
    "forum.account",
    "forum.accounts.recovery",
    "forum.accounts.team",
    "forum.accounts.views",
    "forum.api",
    "forum.articles",
    "forum.auth",
    "forum.cli",
    "forum.feeds",
    "forum.health",
    "forum.moderation",  # the blueprint every /moderation/ page is on
    "forum.moderation.log",
    "forum.moderation.views",
    "forum.porting.commands",
}
LAYERS = ("foundation", "services", "views", "app")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(FORUM.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(FORUM.rglob("*.py"))}


def layer(module: str) -> str:
    if module == "forum":
        return "app"
    if module in VIEWS:
        return "views"
    if module in FOUNDATION or module.startswith(tuple(p + "." for p in FOUNDATION_PACKAGES)):
        return "foundation"
    return "foundation" if module in FOUNDATION_PACKAGES else "services"


def _known(name: str) -> str | None:
    """The forum module an imported name lives in (a module, or a name in a module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _import_nodes(tree: ast.Module, top_level_only: bool) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that runs: not those for type checkers only; with
    `top_level_only`, not those inside functions (they run later, and cannot make a cycle)."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif top_level_only and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        pending.extend(ast.iter_child_nodes(node))
    return found


def imports(module: str, top_level_only: bool = False) -> set[str]:
    """The forum modules `module` imports at run time (inside functions too, unless told)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str | None] = set()
    for node in _import_nodes(ast.parse(path.read_text()), top_level_only):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name) for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            parent = parts[: len(parts) - (node.level - 1)]
            base = ".".join([*parent, base] if base else parent)
        found.update(_known(f"{base}.{alias.name}") for alias in node.names)
    return {m for m in found if m and m != module}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := walk(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := walk(start)):
            return found
    return None


def test_the_import_graph_reads_every_kind_of_import():
    """The checks below see what they should: absolute, relative, lazy, and not type-only."""
    assert "forum.moderation.actions" in imports("forum.reactions")
    assert {"forum.metrics", "forum.notifications"} <= imports("forum.moderation.actions")
    assert "forum.articles" in imports("forum")  # inside create_app
    assert "forum.articles" not in imports("forum", top_level_only=True)
    assert imports("forum.conditional") == {"forum.extensions", "forum.models"}


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycles():
    graph = {module: imports(module, top_level_only=True) for module in MODULES}
    assert _cycle(graph) is None


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_upward_imports(module):
    own = LAYERS.index(layer(module))
    upward = sorted(m for m in imports(module) if LAYERS.index(layer(m)) > own)
    assert upward == [], f"{module} ({layer(module)}) imports from a higher layer: {upward}"


def test_every_listed_module_exists():
    assert (FOUNDATION | VIEWS) - set(MODULES) == set()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_400_lines(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{module}: {lines} lines"


@pytest.mark.parametrize("module", ["forum.discussion", "forum.moderation.queries"])
def test_queries_never_commit(module):
    """What is read for a page never ends a transaction: only a view commits."""
    tree = ast.parse(MODULES[module].read_text())
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert calls.isdisjoint({"commit", "rollback", "add", "delete", "flush"})
