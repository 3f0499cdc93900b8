"""`gospel check` end to end: the real CLI in a subprocess, on a real generated project."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT_NAME = "wellnest-activity-engine"


def gospel(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gospel_scaffold", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def render_snapshot(dest: Path) -> Path:
    """Render the working tree's template from a non-git snapshot, as a user's copier would."""
    import copier

    snapshot = dest.parent / f"{dest.name}-template"
    snapshot.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "copier.yml", snapshot / "copier.yml")
    shutil.copytree(REPO_ROOT / "template", snapshot / "template")
    copier.run_copy(
        str(snapshot), dest, data={"project_name": PROJECT_NAME}, defaults=True, quiet=True
    )
    return dest


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project freshly generated from the template (shared by this module: copy to edit)."""
    return render_snapshot(tmp_path_factory.mktemp("generated") / PROJECT_NAME)


@pytest.fixture
def editable(generated: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the generated project."""
    return Path(shutil.copytree(generated, tmp_path / PROJECT_NAME))


def break_rules(root: Path) -> None:
    """Add an unregistered, untested model that imports another model at runtime."""
    (root / "app/models/invoice.py").write_text(
        "from sqlalchemy.orm import Mapped, mapped_column\n\n"
        "from app.db.database import Base\n"
        "from app.models.user import User\n\n\n"
        "class Invoice(Base):\n"
        '    __tablename__ = "invoices"\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n",
        encoding="utf-8",
    )


def test_freshly_generated_project_is_clean(generated):
    done = gospel("check", cwd=generated)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No gospel violations" in done.stdout
    assert "skipped" not in done.stdout


def test_show_layout_says_where_each_part_was_found(generated):
    done = gospel("check", "--show-layout", cwd=generated)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Layout"
    assert lines[1].startswith("  package      app/ (import app, ")
    assert "application  app/main.py:" in done.stdout
    assert "aggregators: app/api/routes/__init__.py\n" in done.stdout
    assert "registry migrations/env.py, which imports them through app/db/database.py" in (
        done.stdout
    )
    assert "  tests        tests/ (" in done.stdout
    assert lines[-1].startswith("✓ No gospel violations")


def test_show_layout_in_json(generated):
    done = gospel("check", "--show-layout", "--format", "json", cwd=generated)
    assert done.returncode == 0, done.stdout + done.stderr
    layout = json.loads(done.stdout)["layout"]
    assert layout["package"]["path"] == "app"
    assert layout["routers"]["aggregators"] == ["app/api/routes/__init__.py"]
    assert layout["models"] == {
        "registry": "migrations/env.py",
        "registers": "app/db/database.py",
        "modules": 1,
        "origin": "found",
    }
    assert layout["tests"]["paths"] == ["tests"]
    assert "layout" not in json.loads(gospel("check", "-f", "json", cwd=generated).stdout)


def test_every_case_of_the_template_matrix_is_clean(rendered_project):
    from gospel_scaffold.check import run_check

    result = run_check(rendered_project)
    assert [(v.path, v.line, v.code) for v in result.violations] == []


def test_clean_project_as_json(generated):
    done = gospel("check", "--project", str(generated), "--format", "json", cwd=generated.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads(done.stdout)
    assert document["ok"] is True
    assert document["violations"] == []
    assert document["project"] == str(generated.resolve())


def test_violations_exit_1_with_locations_codes_and_fixes(editable):
    break_rules(editable)
    done = gospel("check", cwd=editable)
    assert done.returncode == 1
    assert "app/models/invoice.py:4:1 GOS101" in done.stdout
    assert "app/models/invoice.py:7:1 GOS201" in done.stdout
    assert "app/models/invoice.py:7:1 GOS701" in done.stdout
    assert "fix:" in done.stdout
    assert "(gospel rule GOS101)" in done.stdout
    assert "Found 3 violations in 1 file" in done.stdout


def test_json_output_shape_for_ci(editable):
    break_rules(editable)
    done = gospel("check", "--format", "json", cwd=editable)
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["summary"]["by_code"] == {"GOS101": 1, "GOS201": 1, "GOS701": 1}
    assert [v["code"] for v in document["violations"]] == ["GOS101", "GOS201", "GOS701"]
    violation = document["violations"][0]
    assert violation == {
        "code": "GOS101",
        "rule": "model-imports-model",
        "path": "app/models/invoice.py",
        "line": 4,
        "column": 1,
        "message": violation["message"],
        "fix": violation["fix"],
        "docs": "docs/rules/GOS101.md",
    }
    assert "app.models.user" in violation["message"]


def test_select_and_ignore_options(editable):
    break_rules(editable)
    selected = json.loads(gospel("check", "-f", "json", "--select", "GOS2", cwd=editable).stdout)
    assert [v["code"] for v in selected["violations"]] == ["GOS201"]
    done = gospel("check", "--ignore", "GOS101,GOS2,GOS7", cwd=editable)
    assert done.returncode == 0, done.stdout


def test_selecting_only_the_migration_rule_without_migrations_is_a_one_line_error(generated):
    done = gospel("check", "--select", "GOS8", cwd=generated)
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("Error: --select picks only GOS801")
    assert "add --migrations" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_migration_rule_named_among_others_is_said_to_be_skipped(generated):
    done = gospel("check", "--select", "GOS1,GOS801", cwd=generated)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 rules, 1 skipped" in done.stdout
    assert "GOS801 skipped: needs --migrations" in done.stdout


def test_inline_suppression_and_project_configuration(editable):
    break_rules(editable)
    model = editable / "app/models/invoice.py"
    model.write_text(
        model.read_text().replace(
            "from app.models.user import User\n",
            "from app.models.user import User  # gospel: ignore[GOS101]\n",
        )
    )
    with (editable / "pyproject.toml").open("a") as config:
        config.write('\n[tool.gospel]\nignore = ["GOS201", "GOS701"]\n')
    done = gospel("check", cwd=editable)
    assert done.returncode == 0, done.stdout
    assert "11 rules, 1 suppressed" in done.stdout


def test_folder_that_is_not_a_project_exits_2_with_one_line(tmp_path):
    done = gospel("check", "--project", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("Error: ")
    assert "is not a gospel project (no FastAPI application package" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_unparsable_file_exits_2(editable):
    (editable / "app/services/broken.py").write_text("def broken(:\n")
    done = gospel("check", cwd=editable)
    assert done.returncode == 2
    assert "app/services/broken.py:1" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_rule_code_exits_2(generated):
    done = gospel("check", "--select", "GOS999", cwd=generated)
    assert done.returncode == 2
    assert "unknown rule code 'GOS999'" in done.stderr


@pytest.mark.parametrize("selection", ["", ",", " "])
def test_empty_select_option_exits_2_with_one_line(generated, selection):
    done = gospel("check", "--select", selection, cwd=generated)
    assert done.returncode == 2, done.stdout
    assert done.stdout == ""
    assert done.stderr.startswith("Error: --select names no rule")
    assert len(done.stderr.strip().splitlines()) == 1


def test_empty_select_in_configuration_exits_2_with_one_line(editable):
    with (editable / "pyproject.toml").open("a") as config:
        config.write("\n[tool.gospel]\nselect = []\n")
    done = gospel("check", cwd=editable)
    assert done.returncode == 2, done.stdout
    assert done.stdout == ""
    assert done.stderr.startswith("Error: select in [tool.gospel] in pyproject.toml names no rule")
    assert len(done.stderr.strip().splitlines()) == 1


def test_migrations_without_a_project_environment_exits_2(editable):
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    env.pop("VIRTUAL_ENV", None)
    if shutil.which("uv", path=env["PATH"]):
        pytest.skip("uv is installed system-wide: the project environment would be created")
    done = gospel("check", "--migrations", cwd=editable, env=env)
    assert done.returncode == 2
    assert "cannot find the Python environment" in done.stderr


@pytest.mark.slow
def test_migrations_agree_in_a_fresh_project_and_drift_is_reported(editable, generated_venv):
    (editable / ".venv").symlink_to(generated_venv.path, target_is_directory=True)
    done = gospel("check", "--migrations", "--select", "GOS8", cwd=editable)
    assert done.returncode == 0, done.stdout + done.stderr
    user = editable / "app/models/user.py"
    user.write_text(
        user.read_text().replace(
            "    is_superuser:",
            "    nickname: Mapped[str | None] = mapped_column(String(50))\n    is_superuser:",
        )
    )
    done = gospel("check", "--migrations", "--select", "GOS8", "--format", "json", cwd=editable)
    assert done.returncode == 1, done.stdout + done.stderr
    violations = json.loads(done.stdout)["violations"]
    assert [(v["code"], v["path"]) for v in violations] == [("GOS801", "app/models/user.py")]
    nickname_line = (
        user.read_text()
        .splitlines()
        .index("    nickname: Mapped[str | None] = mapped_column(String(50))")
    )
    assert violations[0]["line"] == nickname_line + 1
    assert "users.nickname" in violations[0]["message"]


ADDED_DOMAINS = (
    ("payments", ["amount:int", "note:str:null"]),
    ("categories", ["title:str"]),
    ("activities", ["title:str", "category:ref:categories"]),
)


def add_three_domains(root: Path) -> None:
    """Add three related domains the way `gospel add-domain` does."""
    from gospel_scaffold.domain.add import AddRequest, plan_add
    from gospel_scaffold.domain.apply import apply_plan

    for name, specs in ADDED_DOMAINS:
        apply_plan(plan_add(AddRequest(name=name, specs=specs, project=root)))


def test_project_with_three_added_domains_is_clean(editable):
    add_three_domains(editable)
    assert (editable / "app/api/routes/activities.py").is_file()
    done = gospel("check", "--format", "json", cwd=editable)
    document = json.loads(done.stdout)
    assert document["violations"] == []
    assert done.returncode == 0


@pytest.mark.slow
def test_added_domains_migrations_agree_with_their_models(editable, generated_venv):
    add_three_domains(editable)
    (editable / ".venv").symlink_to(generated_venv.path, target_is_directory=True)
    done = gospel("check", "--migrations", cwd=editable)
    assert done.returncode == 0, done.stdout + done.stderr


def test_quiet_check_prints_only_the_violations(generated, editable):
    clean = gospel("check", "-q", cwd=generated)
    break_rules(editable)
    broken = gospel("check", "--quiet", cwd=editable)

    assert (clean.returncode, clean.stdout) == (0, "")
    assert broken.returncode == 1
    assert "app/models/invoice.py:7:1 GOS201" in broken.stdout
    assert "Found" not in broken.stdout
