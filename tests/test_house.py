"""The house a newcomer reads: the package is grouped by stage, without import cycles, and one module
owns the data folder's layout."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pmf_pipeline

PACKAGE = Path(pmf_pipeline.__file__).parent
STAGES = {"config", "rules", "workbook", "returns", "master", "packs", "audit", "cli"}


def _modules() -> dict[str, Path]:
    out = {}
    for f in PACKAGE.rglob("*.py"):
        rel = f.relative_to(PACKAGE.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = f
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every pmf_pipeline module this one imports, at the top or inside a function."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pmf_pipeline"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                out.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("pmf_pipeline")}
    out.discard(name)
    return {m for m in out if m in known}


def test_the_package_is_grouped_by_stage():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert STAGES <= folders, STAGES - folders
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    # foundations every stage uses, the package's entry points, and the one orchestrating stage
    assert loose == ["__init__.py", "__main__.py", "errors.py", "periods.py", "quarter.py"], loose


def test_no_module_imports_one_that_imports_it_back():
    mods = _modules()
    graph = {m: _imports(m, p, set(mods)) for m, p in mods.items()}
    cycles = []

    def visit(m: str, path: list[str], on_path: set[str], done: set[str]) -> None:
        for n in sorted(graph[m]):
            if n in on_path:
                cycles.append(" -> ".join(path[path.index(n) :] + [n]))
            elif n not in done:
                visit(n, path + [n], on_path | {n}, done)
        done.add(m)

    done: set[str] = set()
    for m in sorted(graph):
        if m not in done:
            visit(m, [m], {m}, done)
    assert not cycles, "\n".join(sorted(set(cycles)))


def test_one_module_owns_the_data_folders_layout():
    """Folder names under DATA/ are spelt in master/paths.py only."""
    spelt = re.compile(r"""["'](archive|periods|reports|validation|master\.sqlite|manifest\.json|\.pmf\.lock)["']""")
    offenders = [
        f"{p.relative_to(PACKAGE)}:{i}"
        for m, p in _modules().items()
        if m != "pmf_pipeline.master.paths"
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if spelt.search(line) and not line.lstrip().startswith(("#", '"""'))
    ]
    assert not offenders, offenders


def test_the_command_layer_has_no_sql_and_no_spreadsheet_or_pdf_library():
    for f in (PACKAGE / "cli").rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\b\s", text), f
        assert not re.search(r"^\s*(import|from) (openpyxl|xlsxwriter|pandas|weasyprint|sqlite3)\b", text, re.M), f


def test_the_store_is_the_only_place_with_sql():
    sql = re.compile(r"""["'](SELECT|INSERT|UPDATE|DELETE|CREATE) """)
    offenders = [str(p.relative_to(PACKAGE)) for m, p in _modules().items() if m != "pmf_pipeline.master.store" and sql.search(p.read_text(encoding="utf-8"))]
    assert not offenders, offenders
