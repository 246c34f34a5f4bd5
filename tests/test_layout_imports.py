"""The source tree stays readable: no import cycles (between modules, between packages),
no function over 80 lines.

Both checks read the source with ``ast``; nothing is imported. Every import counts,
also one inside a function (a lazy import) or under ``if TYPE_CHECKING:``: a cycle
hidden by a lazy import is still two modules that cannot be understood apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "personas"
MAX_FUNCTION_LINES = 80
# Package edges that still close a cycle; this list only shrinks. config -> review: the
# [review] section of personas.toml is typed by review.edits. review -> pipeline: the
# review page's rebuild runs the pipeline, which applies the edits (review.apply).
# ingest -> output: discover skips an earlier build inside the input folder, known by the
# output folder's own names (output.folder, which imports nothing from ingest).
PACKAGE_CYCLE_EDGES_ALLOWED = {
    ("personas.config", "personas.review"),
    ("personas.review", "personas.pipeline"),
    ("personas.ingest", "personas.output"),
}


def _modules(src: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module under ``src`` (packages by __init__)."""
    found: dict[str, Path] = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imported(
    node: ast.Import | ast.ImportFrom, name: str, path: Path, modules: set[str]
) -> list[str]:
    """The dotted names one import statement in module ``name`` refers to."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: from the module's own package, one level up per extra dot
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        anchor = package[: len(package) - node.level + 1]
        base = ".".join(anchor + ([node.module] if node.module else []))
    # `from personas.x import y` imports the module personas.x.y when there is one
    named = [f"{base}.{alias.name}" for alias in node.names]
    return [target if target in modules else base for target in named]


def _import_graph(src: Path = SRC) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, wherever the import statement is.

    No implicit edge to a parent package: importing personas.a.b runs personas/a/__init__
    too, but only an import that names personas.a makes an edge to it.
    """
    modules = _modules(src)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(node, name, path, set(modules)):
                while target and target not in modules:  # personas.x.Thing -> personas.x
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle (first module repeated at the end), or None: a depth-first search."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for nxt in sorted(graph[node]):
            if nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in done:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done:
            found = visit(start)
            if found:
                return found
    return None


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    """Top-level, lazy, TYPE_CHECKING and relative imports, and `from package import module`."""
    files = {
        "__init__.py": "",
        "a.py": "import personas.b\n",
        "b.py": "def f():\n    from personas.c import thing\n",
        "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import d\n",
        "d.py": "from personas.pkg import e\n",
        "pkg/__init__.py": "",
        "pkg/e.py": "from .. import a\nfrom ..pkg import f as g\nimport json\n",
        "pkg/f.py": "",
    }
    for relative, text in files.items():
        (tmp_path / PACKAGE / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / PACKAGE / relative).write_text(text, encoding="utf-8")
    graph = _import_graph(tmp_path)
    assert graph == {
        "personas": set(),
        "personas.a": {"personas.b"},
        "personas.b": {"personas.c"},
        "personas.c": {"personas.d"},
        "personas.d": {"personas.pkg.e"},
        "personas.pkg": set(),
        "personas.pkg.e": {"personas.a", "personas.pkg.f"},
        "personas.pkg.f": set(),
    }
    assert _find_cycle(graph) == [
        "personas.a",
        "personas.b",
        "personas.c",
        "personas.d",
        "personas.pkg.e",
        "personas.a",
    ]


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _find_cycle(graph) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles() -> None:
    """No module imports itself through others, not even lazily."""
    cycle = _find_cycle(_import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def _package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The module graph folded to top-level packages and modules (personas.X -> personas.Y)."""
    packages: dict[str, set[str]] = {}
    for name, targets in graph.items():
        edges = packages.setdefault(_top(name), set())
        edges.update(_top(t) for t in targets if _top(t) != _top(name))
    return packages


def _top(name: str) -> str:
    """The top-level package or module of a module: personas.ingest.tables -> personas.ingest."""
    return ".".join(name.split(".")[:2])


def test_no_import_cycles_between_packages() -> None:
    """The stage packages import one way (but for the edges still allowed)."""
    packages = _package_graph(_import_graph())
    for source, target in PACKAGE_CYCLE_EDGES_ALLOWED:
        assert target in packages[source], f"{source} -> {target} is gone: drop it from the list"
        packages[source].discard(target)
    cycle = _find_cycle(packages)
    assert cycle is None, "package import cycle: " + " -> ".join(cycle or [])


def test_pipeline_only_wires() -> None:
    """pipeline.py passes typed artefacts between stages; the work lives in the stages."""
    lines = (SRC / PACKAGE / "pipeline.py").read_text(encoding="utf-8").count("\n")
    assert lines <= 300, f"pipeline.py has {lines} lines (at most 300)"


def test_no_function_over_80_lines() -> None:
    """Every function in src/ fits on a screen (its decorators aside)."""
    long: list[str] = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{relative}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, "functions over 80 lines:\n" + "\n".join(long)
