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


# Calls that read the file system: Path and file methods, os and subprocess functions, YAML from a stream,
# and the load stage's own readers (a later stage calling them reads a file again). Resolving a path (the
# symlink-escape checks) reads no input and is not counted.
FILE_METHODS = {"open", "read_text", "read_bytes", "iterdir", "glob", "rglob", "stat", "lstat", "exists", "is_file",
                "is_dir"}
OS_CALLS = {"walk", "listdir", "scandir", "stat", "lstat", "open", "access"}
LOAD_READERS = {"load_yaml_file", "load_source", "load_items", "load_project", "find_items", "last_changed",
                "entry_dates", "report_files", "package_yaml"}
YAML_CALLS = {"safe_load", "load", "full_load", "unsafe_load", "compose", "parse", "scan", "safe_load_all"}
# Allowed: the pipeline runs the load stage; the 年报 format for the commands, which run outside the build
# (the build uses the one the load stage read, report_data.format_of).
ALLOWED = {("pipeline.py", "load_project"), ("annual/report_data.py", "load_format")}


def file_access(rel: str, source: str) -> list[str]:
    """Each call in a module's source that reads the file system, as “file:line call”."""
    tree = ast.parse(source)
    allowed = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and (rel, f.name) in ALLOWED
               for n in ast.walk(f)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("subprocess", "glob", "shutil") for n in names):
                found.append(f"{rel}:{node.lineno} import {', '.join(names)}")
        if not isinstance(node, ast.Call) or id(node) in allowed:
            continue
        func, name = node.func, ""
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if (rel, name) in ALLOWED:
            continue
        bad = (isinstance(func, ast.Name) and name == "open" or name in LOAD_READERS
               or owner == "os" and name in OS_CALLS or owner == "subprocess"
               or owner == "yaml" and name in YAML_CALLS and not _loaded_text(node)
               or isinstance(func, ast.Attribute) and owner not in ("os", "re", "yaml") and name in FILE_METHODS)
        if bad:
            found.append(f"{rel}:{node.lineno} {ast.unparse(node)[:90]}")
    return found


def _loaded_text(call: ast.Call) -> bool:
    """yaml.compose(cfg.text …): YAML from the text the load stage read, not from a file."""
    arg = call.args[0] if call.args else None
    return isinstance(arg, ast.Attribute) and arg.attr == "text" or isinstance(arg, ast.Constant)


def later_stage_modules() -> list[Path]:
    """Every module that runs in the build after the load stage: the stages (but load, and write, which
    writes the site), the 年报, the inspection (but linkcheck, which checks the built site) and the pipeline."""
    out = [PKG / "pipeline.py"]
    for folder, skip in (("stages", {"load.py", "write.py"}), ("annual", set()), ("inspection", {"linkcheck.py"})):
        out += sorted(p for p in (PKG / folder).rglob("*.py") if p.name not in skip and "__pycache__" not in p.parts)
    return out


def test_only_the_load_stage_reads_inputs():
    offenders = [hit for path in later_stage_modules()
                 for hit in file_access(path.relative_to(PKG).as_posix(), path.read_text(encoding="utf-8"))]
    assert offenders == [], "读取文件只能在 stages/load.py 中进行：\n" + "\n".join(offenders)


def test_the_file_access_finder_finds_reads():
    source = ("import subprocess\np.read_text()\nos.walk(d)\nsubprocess.run(['git'])\nyaml.safe_load(open(p))\n"
              "load.load_yaml_file(p, r)\n(root / 'x').is_file()\nsorted(d.glob('*.yml'))\n"
              "col.walk()\nyaml.compose(cfg.text)\nre.compile('x')\nload.parse_config(t, r, p)\n")
    hits = file_access("stages/probe.py", source)
    assert sorted(int(h.split(" ", 1)[0].rsplit(":", 1)[1]) for h in hits) == [1, 2, 3, 4, 5, 5, 6, 7, 8], hits
    assert file_access("pipeline.py", "load.load_project(root)\n") == []
