"""The import graph: portal/ sits under the apps and imports none of them, and no modules import
each other in a circle.

Read from the source with `ast`, imports inside functions included: a circle that an import
inside a function hides still ties two modules together.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "access",
    "participants",
    "optout",
    "dataedits",
    "audit",
    "demo",
    "notifications",
    "intake",
    "reporting",
}
# The packages whose modules must import in no circle: all but notifications/, whose services
# and email task still import each other.
UNTIED = [
    "portal",
    "access",
    "participants",
    "optout",
    "dataedits",
    "audit",
    "demo",
    "intake",
    "reporting",
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for each import in the file, relative ones resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # `from package import module` imports the module, where there is one by that name.
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                yield node.lineno, submodule if is_module(submodule) else module


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_portal_imports_no_app():
    found = sorted(
        {
            f"{path.relative_to(ROOT)}:{line} imports {module}"
            for path in sources("portal")
            for line, module in imports(path)
            if module.partition(".")[0] in APPS
        }
    )
    assert not found, "portal/ reaches an app by a setting or a registry, never an import:\n" + (
        "\n".join(found)
    )


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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
    return found


def test_no_import_circles():
    modules = {module_name(path): path for package in UNTIED for path in sources(package)}
    graph = {
        name: {module for _, module in imports(path) if module in modules and module != name}
        for name, path in modules.items()
    }
    assert not circles(graph), f"modules that import each other: {circles(graph)}"


def test_the_circle_finder_finds_a_circle():
    graph = {"a.models": {"a.querysets"}, "a.querysets": {"a.models"}, "a.views": {"a.models"}}
    assert circles(graph) == [["a.models", "a.querysets"]]
