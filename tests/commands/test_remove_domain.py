"""``gospel remove-domain``, run as a real subprocess on a real rendered project."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from domain.domain_support import snapshot

if TYPE_CHECKING:
    from conftest import RunGospel


def test_remove_domain_undoes_add_domain_exactly(shop_project: Path, run_gospel: RunGospel) -> None:
    before = snapshot(shop_project)
    for args in (
        ["customers", "name:str:100"],
        ["payments", "amount:decimal:12,2:null", "customer:ref:customers"],
    ):
        assert run_gospel("add-domain", *args, cwd=shop_project).returncode == 0

    refused = run_gospel("remove-domain", "customers", cwd=shop_project)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "Error: Domain 'customers' is still referenced by payments.customer; remove those "
        "fields first (`gospel remove-field payments customer`) or the domains that hold them"
    ]

    dry = run_gospel("remove-domain", "payments", "--dry-run", cwd=shop_project)
    assert dry.returncode == 0, dry.stderr
    assert "--- a/app/models/payments.py\n+++ /dev/null\n" in dry.stdout
    assert (
        "-from app.models import customers, payments, user  # noqa: E402, F401\n"
        "+from app.models import customers, user  # noqa: E402, F401\n" in dry.stdout
    )

    removed = run_gospel("remove-domain", "payments", cwd=shop_project)
    assert removed.returncode == 0, removed.stderr
    assert "  [x] Delete app/models/payments.py" in removed.stdout.splitlines()
    assert "Deleted the migration: it was never applied" in removed.stdout

    data = json.loads(run_gospel("remove-domain", "customers", "--json", cwd=shop_project).stdout)
    assert (data["operation"], data["domain"], data["applied"]) == (
        "remove-domain",
        "customers",
        True,
    )
    assert snapshot(shop_project) == before


def test_removing_an_unknown_domain_is_one_line(shop_project: Path, run_gospel: RunGospel) -> None:
    result = run_gospel("remove-domain", "ghosts", cwd=shop_project)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: No domain 'ghosts' was added with gospel add-domain in this project "
        "(its domains: none)"
    ]


def test_removing_a_domain_with_a_modified_file_is_refused_unless_force(
    shop_project: Path, run_gospel: RunGospel
) -> None:
    before = snapshot(shop_project)
    assert run_gospel("add-domain", "payments", "amount:int", cwd=shop_project).returncode == 0
    model = shop_project / "app/models/payments.py"
    model.write_text(model.read_text() + "# mine\n")
    edited = snapshot(shop_project)

    refused = run_gospel("remove-domain", "payments", cwd=shop_project)

    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "Error: You modified app/models/payments.py; nothing was removed: keep your changes by "
        "leaving 'payments' in place, or delete everything with "
        "`gospel remove-domain payments --force`"
    ]
    assert snapshot(shop_project) == edited
    forced = run_gospel("remove-domain", "payments", "--force", cwd=shop_project)
    assert forced.returncode == 0, forced.stderr
    assert snapshot(shop_project) == before


def test_a_committed_migration_is_never_deleted_even_on_a_fresh_clone(
    shop_project: Path, tmp_path: Path, run_gospel: RunGospel, gospel_env: dict[str, str]
) -> None:
    def git(*args: str, cwd: Path) -> None:
        subprocess.run(["git", *args], cwd=cwd, env=gospel_env, check=True, capture_output=True)

    git("init", "-q", cwd=shop_project)
    assert run_gospel("add-domain", "notes", "body:text", cwd=shop_project).returncode == 0
    git("add", "-A", cwd=shop_project)
    git("commit", "-qm", "notes", cwd=shop_project)
    clone = tmp_path / "clone"
    git("clone", "-q", str(shop_project), str(clone), cwd=tmp_path)
    [created] = clone.glob("migrations/versions/*_create_notes_table.py")

    result = run_gospel("remove-domain", "notes", cwd=clone)

    assert result.returncode == 0, result.stderr
    assert "it is committed in git, so other databases may have applied it" in result.stdout
    assert created.is_file()
    assert len(list(clone.glob("migrations/versions/*_drop_notes_table.py"))) == 1
