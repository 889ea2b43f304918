"""Who may import whom: core stays at the bottom, and no router builds on another router."""

import ast
from pathlib import Path

from app.core.config import ROOT

APP = ROOT / "app"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (inside functions too), by its full name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from app.drafts import router` imports app.drafts.router: count both names.
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_walker_sees_both_import_forms(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text("import app.drafts.service\ndef f():\n    from app.comments import router\n")
    assert {"app.drafts.service", "app.comments.router"} <= imported_modules(module)


def test_core_imports_nothing_from_other_app_packages() -> None:
    offending = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((APP / "core").rglob("*.py"))
        for name in imported_modules(path)
        if name.startswith("app.") and not (name == "app.core" or name.startswith("app.core."))
    }
    assert not offending, sorted(offending)


def test_no_router_imports_another_router() -> None:
    routers = sorted(APP.glob("*/router.py"))
    assert len(routers) > 5  # the walk finds the routers
    offending = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in routers
        for name in imported_modules(path)
        if name.startswith("app.") and name.endswith(".router")
    }
    assert not offending, sorted(offending)
