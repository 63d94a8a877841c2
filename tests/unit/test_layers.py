"""The layers point down and the import graph has no cycles.

Read from the source (every ``import``, module-level or inside a function, since a lazy
import is a dependency all the same): each module of ``schemas`` and ``streams`` belongs to
one layer, and a module may import only from its own layer or the ones below it. The client
and the processors sit side by side: neither imports the other, so a subscriber's install
never loads a stage. Inside the processors a stage's package imports only itself and the
shared text helpers."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: lowest first; a module belongs to the layer of its longest matching prefix
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("schemas", ("schemas",)),
    (
        "settings",
        (
            "streams",  # the package's __init__ (its version)
            "streams.logs",
            "streams.tracing",
            "streams.auth",
            "streams.timing",
            "streams.settings",
            "streams.ops",  # the package's __init__
            "streams.ops.metrics",
        ),
    ),
    ("client and processors", ("streams.client", "streams.inputs", "streams.processors")),
    ("pipeline", ("streams.pipeline", "streams.topics")),
    (
        "routing",
        (
            "streams.routing",
            "streams.isolation",
            "streams.ops.admin",
            "streams.ops.lag",
            "streams.ops.kafka",
            "streams.ops.exporter",
            "streams.ops.healthcheck",
        ),
    ),
    ("agents", ("streams.agents", "streams.app", "streams.offline")),
    ("worker and CLI", ("streams.worker", "streams.cli", "streams.build")),
)
#: packages in one layer that must not import each other
SIDE_BY_SIDE = (("streams.client", "streams.processors"), ("streams.inputs", "streams.processors"))
SHARED_PROCESSOR_MODULES = (
    "streams.processors",
    "streams.processors.text",
    "streams.processors.budget",
    "streams.processors.sentences",
    "streams.processors.identity",
)


def _modules() -> dict[str, Path]:
    out = {}
    for top in ("schemas", "streams"):
        for path in (ROOT / top).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module an imported name is, or None for another package's."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """(project module imported, line) for every import in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (target := _resolve(alias.name)) is not None:
                    yield target, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                target = _resolve(f"{base}.{alias.name}") or _resolve(base)
                if target is not None:
                    yield target, node.lineno


def layer_of(module: str) -> int:
    best, layer = -1, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best:
                best, layer = len(p), i
    if layer < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return layer


def _inside(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations(graph: dict[str, list[tuple[str, int]]]) -> list[str]:
    out = []
    for module, targets in graph.items():
        for target, line in targets:
            if layer_of(target) > layer_of(module):
                out.append(
                    f"{module}:{line} imports {target} "
                    f"({LAYERS[layer_of(module)][0]} -> {LAYERS[layer_of(target)][0]})"
                )
            for a, b in SIDE_BY_SIDE:
                for x, y in ((a, b), (b, a)):
                    if _inside(module, x) and _inside(target, y):
                        out.append(f"{module}:{line} imports {target} ({x} beside {y})")
            if _inside(module, "streams.processors") and _inside(target, "streams.processors"):
                own = ".".join(module.split(".")[:3])
                if not _inside(target, own) and target not in SHARED_PROCESSOR_MODULES:
                    out.append(f"{module}:{line} imports {target} (another stage's package)")
    return out


def cycles(graph: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), and self-loops."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w, _ in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def project_graph() -> dict[str, list[tuple[str, int]]]:
    graph: dict[str, list[tuple[str, int]]] = {}
    for module, path in MODULES.items():
        graph[module] = [(t, n) for t, n in imports_of(module, path) if t != module]
    return graph


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_layer_imports_a_higher_one() -> None:
    assert violations(project_graph()) == []


def test_the_import_graph_has_no_cycles() -> None:
    assert cycles(project_graph()) == []


def test_the_checks_catch_what_they_are_for() -> None:
    """An upward import, a client reaching a stage, one stage reaching another and a loop are
    each reported (so the tests above cannot pass by finding nothing)."""
    graph = {
        "schemas.models": [("streams.pipeline", 3)],
        "streams.client.reading": [("streams.processors.trends.stage", 7)],
        "streams.processors.trends.stage": [("streams.processors.dedup.stage", 9)],
        "streams.processors.entities.geo": [("streams.processors.text", 1)],
    }
    found = violations(graph)
    assert found == [
        "schemas.models:3 imports streams.pipeline (schemas -> pipeline)",
        "streams.client.reading:7 imports streams.processors.trends.stage "
        "(streams.client beside streams.processors)",
        "streams.processors.trends.stage:9 imports streams.processors.dedup.stage "
        "(another stage's package)",
    ]
    loop = {"a": [("b", 1)], "b": [("c", 1)], "c": [("a", 1)], "d": [("a", 1)]}
    assert cycles(loop) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("streams.cli.tail", "from streams.client import Start", ["streams.client"]),
        ("streams.cli.tail", "from streams.client import reading", ["streams.client.reading"]),
        ("streams.cli", "from . import tail", ["streams.cli.tail"]),
        ("streams.cli.tail", "from .base import app", ["streams.cli.base"]),
        ("streams.cli.tail", "import orjson", []),
        ("streams.worker", "def f():\n    import streams.agents.trends", ["streams.agents.trends"]),
    ],
)
def test_imports_are_read_as_python_resolves_them(
    module: str, source: str, expected: list[str], tmp_path: Path
) -> None:
    name = "__init__.py" if module == "streams.cli" else "m.py"
    path = tmp_path / name
    path.write_text(source)
    assert [t for t, _ in imports_of(module, path)] == expected
