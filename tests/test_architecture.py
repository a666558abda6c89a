"""The package's shape: folders by role, no import cycles, only the MkDocs hook imports mkdocs."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

PKG = ROOT / "hooks" / "gongkai"
ROLES = {"core", "stages", "annual", "inspection", "commands", "outputs"}


def module_name(path: Path) -> str:
    parts = ("gongkai",) + path.relative_to(PKG).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PKG.rglob("*.py")
            if "__pycache__" not in p.parts and "data" not in p.relative_to(PKG).parts}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of the package this module imports, at any depth (function-level imports count too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)   # `from . import x` names modules
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            found.add("dynamic")
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports(name, path, known) - {"gongkai"} for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
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
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_the_package_has_no_import_cycle():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_folders_are_the_roles_and_the_top_level_holds_only_the_pipeline_and_the_cli():
    top = {p.name for p in PKG.iterdir() if p.name != "__pycache__"}
    assert top == ROLES | {"__init__.py", "__main__.py", "pipeline.py", "templates", "data"}
    for role in ROLES:
        doc = ast.get_docstring(ast.parse((PKG / role / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{role}/__init__.py says what the folder is for"


def test_core_depends_on_nothing_else_and_stages_never_on_commands_or_the_pipeline():
    edges = graph()
    for name, targets in edges.items():
        role = name.split(".")[1] if name.count(".") else ""
        if role == "core":
            assert {t for t in targets if not t.startswith("gongkai.core")} == set(), name
        if role in ("core", "stages", "annual", "inspection", "outputs"):
            assert not {t for t in targets if t.startswith("gongkai.commands") or t == "gongkai.pipeline"}, name


def test_only_the_mkdocs_hook_imports_mkdocs():
    offenders = [p.relative_to(ROOT).as_posix() for p in list(PKG.rglob("*.py")) + list((ROOT / "bench").glob("*.py"))
                 if re.search(r"^\s*(import|from) mkdocs\b", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []
    assert re.search(r"^from mkdocs", (ROOT / "hooks" / "mkdocs_hook.py").read_text(encoding="utf-8"), re.M)


def test_readme_layout_names_every_folder_of_the_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for role in ROLES:
        assert f"{role}/" in readme, f"README 的目录结构一节缺少 hooks/gongkai/{role}/"
    for path in modules().values():
        rel = path.relative_to(PKG)
        name = rel.name if len(rel.parts) <= 2 else rel.parts[1] + "/"      # a sub-package is named as a folder
        if path.name != "__init__.py" or len(rel.parts) > 2:
            assert name in readme, f"README 的目录结构一节缺少 {rel.as_posix()}"
