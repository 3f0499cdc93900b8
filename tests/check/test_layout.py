"""Layout discovery and `[tool.gospel]` layout settings, on small projects built for each case."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from gospel_scaffold.check import run_check
from gospel_scaffold.check.layout import minimum_python
from gospel_scaffold.errors import NotAProjectError, UnreadableProjectError

RUNNING = ".".join(map(str, sys.version_info[:2]))


def write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


SERVICE = {
    "__init__.py": "",
    "main.py": """
        from fastapi import FastAPI

        app = FastAPI()
    """,
}


@pytest.mark.parametrize(
    ("requires", "lowest"),
    [(">=3.11", (3, 11)), ("~=3.12", (3, 12)), (">=3.10,<4.0", (3, 10)), ("<4", None)],
)
def test_lowest_python_of_requires_python(requires, lowest):
    assert minimum_python(requires) == lowest


def test_package_creating_the_app_is_found_among_several(tmp_path):
    write(tmp_path, {f"service/{p}": t for p, t in SERVICE.items()})
    write(tmp_path, {"tools/__init__.py": "", "tools/lint.py": "X = 1\n"})
    result = run_check(tmp_path)
    assert result.layout["package"]["path"] == "service"


def test_several_packages_creating_apps_ask_for_package_then_obey_it(tmp_path):
    for name in ("orders", "billing"):
        write(tmp_path, {f"{name}/{p}": t for p, t in SERVICE.items()})
    with pytest.raises(UnreadableProjectError, match=r'several packages .* set package = "..."'):
        run_check(tmp_path)
    write(tmp_path, {"pyproject.toml": '[tool.gospel]\npackage = "billing"\n'})
    result = run_check(tmp_path)
    assert result.layout["package"] == {
        "path": "billing",
        "import": "billing",
        "files": 2,
        "origin": "[tool.gospel]",
    }


def test_a_project_one_folder_down_is_pointed_at(tmp_path):
    write(tmp_path, {f"backend/app/{p}": t for p, t in SERVICE.items()})
    write(tmp_path, {"backend/pyproject.toml": "[project]\nname = 'x'\n"})
    with pytest.raises(NotAProjectError, match=r"gospel check -C backend"):
        run_check(tmp_path)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('package = "nowhere"', "package = 'nowhere' in [tool.gospel]: no such folder"),
        ('tests = ["spec"]', "tests = 'spec' in [tool.gospel]: no such folder"),
        ('model-registry = "db.py"', "model-registry = 'db.py' in [tool.gospel]: no such file"),
        ("application = 3", "application in [tool.gospel] in pyproject.toml must be a path"),
    ],
)
def test_configured_paths_that_do_not_exist_are_errors(tmp_path, setting, message):
    write(tmp_path, {f"app/{p}": t for p, t in SERVICE.items()})
    write(tmp_path, {"pyproject.toml": f"[tool.gospel]\n{setting}\n"})
    with pytest.raises(UnreadableProjectError) as raised:
        run_check(tmp_path)
    assert message in str(raised.value)


FACTORY_PROJECT = {
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import APIRouter
        from platform_kit import make_app

        from app.routes import items

        root = APIRouter()
        root.include_router(items.router, prefix="/items")
        app = make_app(root)
    """,
    "app/routes/__init__.py": "",
    "app/routes/items.py": """
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/")
        def list_items() -> list[int]:
            return []
    """,
    "app/routes/orphans.py": """
        from fastapi import APIRouter

        router = APIRouter()
    """,
    "tests/test_items.py": 'URL = "/items/"\n',
}


def test_without_a_fastapi_app_router_inclusion_is_skipped_with_the_reason(tmp_path):
    write(tmp_path, FACTORY_PROJECT)
    result = run_check(tmp_path, select=["GOS2"])
    assert result.violations == ()
    reasons = {rule.code: rule.reason for rule in result.skipped}
    assert reasons["GOS202"].startswith("no FastAPI() application found in app/")
    assert 'application = "..."' in reasons["GOS202"]


def test_configured_application_module_is_where_routers_are_plugged_in(tmp_path):
    write(tmp_path, FACTORY_PROJECT)
    write(tmp_path, {"pyproject.toml": '[tool.gospel]\napplication = "app/main.py"\n'})
    result = run_check(tmp_path, select=["GOS202", "GOS701"])
    assert [(v.path, v.code) for v in result.violations] == [("app/routes/orphans.py", "GOS202")]
    assert result.skipped == ()
    assert result.layout["application"]["origin"] == "[tool.gospel]"


def test_a_router_included_through_an_unfollowable_call_skips_the_rule(tmp_path):
    write(tmp_path, FACTORY_PROJECT)
    write(
        tmp_path,
        {
            "app/main.py": """
                from fastapi import FastAPI

                from app.routes import items
                from app.plugins import discovered

                app = FastAPI()
                app.include_router(items.router)
                for plugin in discovered():
                    app.include_router(plugin.router)
            """
        },
    )
    result = run_check(tmp_path, select=["GOS202"])
    assert result.violations == ()
    (skipped,) = result.skipped
    assert skipped.reason.startswith("app/main.py:9 includes a router gospel cannot follow")


def test_configured_tests_and_model_registry_are_used(tmp_path):
    write(tmp_path, {f"app/{p}": t for p, t in SERVICE.items()})
    write(
        tmp_path,
        {
            "app/tables.py": """
                from app.base import Base


                class Gadget(Base):
                    __tablename__ = "gadgets"
            """,
            "app/registry.py": "from app import tables  # noqa: F401\n",
            "spec/test_gadgets.py": "from app.tables import Gadget\n",
            "pyproject.toml": """
                [tool.gospel]
                model-registry = "app/registry.py"
                tests = ["spec"]
            """,
        },
    )
    result = run_check(tmp_path)
    assert result.ok, result.violations
    assert result.layout["models"]["registry"] == "app/registry.py"
    assert result.layout["tests"] == {"paths": ["spec"], "files": 1, "origin": "[tool.gospel]"}
    write(tmp_path, {"app/registry.py": ""})
    result = run_check(tmp_path, select=["GOS201"])
    assert result.violations == ()
    assert "app/registry.py imports no model module" in result.skipped[0].reason


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="this Python parses 3.14 syntax")
def test_syntax_of_a_newer_python_than_gospel_runs_on_names_both_versions(tmp_path):
    write(tmp_path, {f"app/{p}": t for p, t in SERVICE.items()})
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.14"\n',
            "app/deps.py": """
                def parse(value: str) -> int:
                    try:
                        return int(value)
                    except ValueError, TypeError:
                        return 0
            """,
        },
    )
    with pytest.raises(UnreadableProjectError) as raised:
        run_check(tmp_path)
    message = str(raised.value)
    assert message.startswith("cannot parse app/deps.py:4:")
    assert f"with Python {RUNNING}'s grammar" in message
    assert "the project requires Python >=3.14" in message
    assert "run gospel on Python 3.14 or later" in message


def test_a_real_syntax_error_names_the_grammar_used(tmp_path):
    write(tmp_path, {f"app/{p}": t for p, t in SERVICE.items()})
    write(tmp_path, {"app/broken.py": "def broken(:\n"})
    with pytest.raises(UnreadableProjectError) as raised:
        run_check(tmp_path)
    assert str(raised.value).startswith("cannot parse app/broken.py:1:")
    assert f"parsed with Python {RUNNING}'s grammar" in str(raised.value)


def test_app_under_src_is_found_without_being_pointed_at(tmp_path):
    write(tmp_path, {f"src/app/{p}": t for p, t in SERVICE.items()})
    write(tmp_path, {"tests/test_health.py": 'URL = "/health"\n'})
    result = run_check(tmp_path)
    assert result.layout["package"]["path"] == "src/app"
    assert result.layout["package"]["import"] == "app"
    assert result.layout["tests"]["paths"] == ["tests"]
