"""Issue 10: ``gospel update`` brings every generated domain slice to the installed gospel.

A project made from the v1 template gets three domains (owned, shared, one referencing both)
from this gospel and is committed; the user then edits generated files the way users do. "The
next gospel" is this gospel with patched domain templates (``GOSPEL_DOMAIN_TEMPLATES``, see
:func:`update.template_history.patch_domain_templates`). The update must leave untouched files
exactly as the next gospel generates them, keep the edits, report overlapping edits as
conflicts like template conflicts, never touch a migration, and leave a project whose own
toolchain and ``gospel check`` pass.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from succeeded import require_success
from update.template_history import (
    NEXT_SERVICE_DOCSTRING,
    NEXT_TEST,
    V1,
    V2,
    commit_all,
    generate_project,
    make_template_repo,
    next_domain_templates,
    run_git,
)

from gospel_scaffold.domain import render
from gospel_scaffold.domain.add import AddRequest, plan_add
from gospel_scaffold.domain.apply import apply_plan
from gospel_scaffold.domain.pristine import BASES_REF
from gospel_scaffold.domain.record import load_record
from gospel_scaffold.domain.upgrade import DomainSelection, update_domains

DOMAINS: list[tuple[str, list[str], bool]] = [
    ("customers", ["name:str:100", "email:str:320:unique"], True),
    ("tags", ["label:str:40:unique"], False),
    (
        "payments",
        [
            "amount:decimal:12,2",
            "status:enum:pending,paid",
            "note:text:null",
            "customer:ref:customers",
            "tags:refs:tags",
        ],
        True,
    ),
]
SERVICE = "app/services/customers_service.py"
SCHEMAS = "app/schemas/payments.py"
ROUTE_TESTS = "tests/integration/test_customers_routes.py"
MY_METHOD = '    async def vip_count(self) -> int:\n        """Mine."""\n        return 0\n\n'
MY_TEST = (
    "\n\nasync def test_our_list_answers_200(client: AsyncClient, user: User) -> None:\n"
    "    response = await client.get(URL, headers=_headers(user))\n\n"
    "    assert response.status_code == 200\n"
)
MY_DOCSTRING = '"""A payment, as our clients see it."""'


def _add_domains(project: Path) -> None:
    for name, specs, owner in DOMAINS:
        apply_plan(plan_add(AddRequest(name, specs, project, owner=owner)))


@contextmanager
def _templates(path: Path | None) -> Iterator[None]:
    """Render with the domain templates in ``path`` (``None``: gospel's own) in this process."""
    saved = os.environ.pop(render.TEMPLATES_ENV, None)
    if path is not None:
        os.environ[render.TEMPLATES_ENV] = str(path)
    render._environment.cache_clear()
    try:
        yield
    finally:
        os.environ.pop(render.TEMPLATES_ENV, None)
        if saved is not None:
            os.environ[render.TEMPLATES_ENV] = saved
        render._environment.cache_clear()


def _build(root: Path) -> None:
    template = make_template_repo(root / "template")
    project = generate_project(str(template), root, vcs_ref=V1, name="shop").root
    with _templates(None):
        _add_domains(project)
    commit_all(project, "Add three domains with gospel")


@pytest.fixture
def next_gospel(git_env: None, tmp_path: Path) -> Iterator[Path]:
    """The next gospel's domain templates, in use (in this process and in subprocesses)."""
    templates = next_domain_templates(tmp_path / "next-templates")
    with _templates(templates):
        yield templates


@pytest.fixture
def shop(shared_cache: Any, git_env: None, tmp_path: Path) -> Path:
    """A private copy (git history included) of the v1 project with three committed domains."""
    built = shared_cache.get("domain-update-shop", _build)
    return Path(shutil.copytree(built / "shop", tmp_path / "shop", symlinks=True))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_like_users(project: Path) -> None:
    """A method in a service, a changed docstring, an extra test; committed."""
    _edit(project / SERVICE, "    async def delete(", MY_METHOD + "    async def delete(")
    _edit(project / SCHEMAS, '"""A payment as the API shows it."""', MY_DOCSTRING)
    tests = project / ROUTE_TESTS
    tests.write_text(tests.read_text(encoding="utf-8") + MY_TEST, encoding="utf-8")
    commit_all(project, "Our edits")


def _migrations(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "migrations/versions").glob("*.py"))}


def _fresh(root: Path, template: Path) -> Path:
    """The same project generated directly by the next gospel (domains added in the same order)."""
    project = generate_project(str(template), root, vcs_ref=V1, name="fresh").root
    _add_domains(project)
    return project


def _generated(project: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for name, _, _ in DOMAINS:
        record = load_record(project, name)
        assert record is not None
        files.update({path: (project / path).read_text() for path in record.files})
    return files


@pytest.mark.slow
def test_update_brings_the_next_gospel_to_every_domain_and_keeps_your_edits(
    shop: Path,
    next_gospel: Path,
    run_gospel: Any,
    generated_venv: Any,
    tmp_path: Path,
) -> None:
    _edit_like_users(shop)
    migrations = _migrations(shop)
    head = run_git(shop, "rev-parse", "HEAD")
    env = {render.TEMPLATES_ENV: str(next_gospel)}

    done = run_gospel("update", "--trust", "--json", cwd=shop, extra_env=env)

    require_success(done, "gospel update")
    report = json.loads(done.stdout)
    assert (report["from"], report["to"], report["conflicts"]) == (V1, V2, [])
    assert report["domains"] == ["customers", "payments", "tags"]
    assert report["schema_changes"] == []
    assert run_git(shop, "rev-parse", "HEAD") == head  # nothing committed: yours to review
    # Untouched files are exactly what the next gospel generates for the same spec.
    fresh_project = _fresh(tmp_path / "fresh", Path(report["source"]))
    fresh = _generated(fresh_project)
    mine = {SERVICE, SCHEMAS, ROUTE_TESTS}
    current = _generated(shop)
    assert current.keys() == fresh.keys()
    for path in current.keys() - mine:
        assert current[path] == fresh[path], path
    # Your edits survive, next to the next gospel's changes.
    service = current[SERVICE]
    assert service.startswith(f'"""{NEXT_SERVICE_DOCSTRING} customers."""')
    assert MY_METHOD in service
    assert MY_DOCSTRING in current[SCHEMAS]
    assert current[ROUTE_TESTS].endswith(MY_TEST)
    assert f"async def {NEXT_TEST}(" in current[ROUTE_TESTS]
    # Migrations are byte for byte what they were; records name the texts the next gospel
    # generates, as they would had it generated the domains.
    assert _migrations(shop) == migrations
    for name, _, _ in DOMAINS:
        record, direct = load_record(shop, name), load_record(fresh_project, name)
        assert record is not None and direct is not None
        assert record.files == direct.files
    # The project's own toolchain and gospel check pass on SQLite.
    for tool, *args in (
        ("ruff", "check", "."),
        ("ruff", "format", "--check", "."),
        ("mypy",),
        ("pytest", "-q", "-p", "no:cacheprovider", "-x"),
    ):
        require_success(generated_venv.run(tool, *args, cwd=shop), f"{tool} {' '.join(args)}")
    require_success(run_gospel("check", cwd=shop, extra_env=env), "gospel check")


def test_an_overlapping_edit_is_a_conflict_left_like_copier_leaves_one(
    shop: Path, next_gospel: Path, run_gospel: Any, assert_one_line_error: Any
) -> None:
    _edit(shop / SERVICE, '"""Business rules of customers."""', '"""Our customer rules."""')
    _edit(shop / SERVICE, "    async def delete(", MY_METHOD + "    async def delete(")
    commit_all(shop, "Our docstring and method")
    head = run_git(shop, "rev-parse", "HEAD")
    migrations = _migrations(shop)

    done = run_gospel(
        "update", "--no-template", cwd=shop, extra_env={render.TEMPLATES_ENV: str(next_gospel)}
    )

    assert_one_line_error(done, "conflicts in 1 file(s)", SERVICE, exit_code=3)
    assert f"C {SERVICE}" in done.stdout
    service = (shop / SERVICE).read_text()
    assert service.startswith(
        '<<<<<<< before updating\n"""Our customer rules."""\n=======\n'
        f'"""{NEXT_SERVICE_DOCSTRING} customers."""\n>>>>>>> after updating\n'
    )
    assert MY_METHOD in service
    # Unmerged in git's index, as copier leaves a conflict: base, yours, the new version.
    stages = run_git(shop, "ls-files", "-u", "--", SERVICE)
    assert [line.split()[2] for line in stages.splitlines()] == ["1", "2", "3"]
    assert run_git(shop, "show", f":2:{SERVICE}").startswith('"""Our customer rules."""')
    assert run_git(shop, "rev-parse", "HEAD") == head
    assert _migrations(shop) == migrations
    # The other domains' files were brought along all the same.
    assert (
        (shop / "app/services/tags_service.py")
        .read_text()
        .startswith(f'"""{NEXT_SERVICE_DOCSTRING} tags."""')
    )


def test_conflict_rej_keeps_your_file_and_writes_the_rejected_hunks(
    shop: Path, next_gospel: Path
) -> None:
    _edit(shop / SERVICE, '"""Business rules of customers."""', '"""Our customer rules."""')
    commit_all(shop, "Our docstring")

    result = update_domains(shop, conflict="rej")

    assert result.conflicts == [SERVICE]
    assert (shop / SERVICE).read_text().startswith('"""Our customer rules."""')
    rejected = (shop / f"{SERVICE}.rej").read_text()
    assert f'+"""{NEXT_SERVICE_DOCSTRING} customers."""' in rejected
    assert '-"""Business rules of customers."""' in rejected
    assert 'return f"<Customer {self.id!r}>"' in (shop / "app/models/customers.py").read_text()


def test_dry_run_shows_the_diff_and_changes_nothing(
    shop: Path, next_gospel: Path, run_gospel: Any
) -> None:
    _edit_like_users(shop)
    status = run_git(shop, "status", "--porcelain", "--untracked-files=all")

    done = run_gospel(
        "update",
        "--no-template",
        "--dry-run",
        cwd=shop,
        extra_env={render.TEMPLATES_ENV: str(next_gospel)},
    )

    assert done.returncode == 0, done.stderr
    assert "Would update" in done.stdout
    assert f"--- a/{SERVICE}\n+++ b/{SERVICE}\n" in done.stdout
    assert f'+"""{NEXT_SERVICE_DOCSTRING} customers."""' in done.stdout
    assert run_git(shop, "status", "--porcelain", "--untracked-files=all") == status


def test_a_fresh_clone_finds_the_bases_in_history_and_a_base_never_committed_is_a_conflict(
    shop: Path, next_gospel: Path, tmp_path: Path
) -> None:
    # Committed untouched first, edited later: every clone has the base in its history.
    _edit_like_users(shop)
    # Edited before it was ever committed: only this repository has the base, under BASES_REF.
    with _templates(None):
        apply_plan(plan_add(AddRequest("notes", ["body:text"], shop)))
    notes_service = shop / "app/services/notes_service.py"
    _edit(notes_service, "    async def delete(", MY_METHOD + "    async def delete(")
    commit_all(shop, "Add notes, edited at once")
    clone = tmp_path / "clone"
    # --no-local: what a clone from a server gets (a local clone copies every object).
    run_git(tmp_path, "clone", "--quiet", "--no-local", str(shop), str(clone))
    assert not run_git(clone, "for-each-ref", BASES_REF)

    in_clone = update_domains(clone)

    assert in_clone.conflicts == ["app/services/notes_service.py"]
    assert any(
        "text gospel generated before is not in this clone" in note for note in in_clone.notes
    )
    assert MY_METHOD in (clone / SERVICE).read_text()
    assert (clone / SERVICE).read_text().startswith(f'"""{NEXT_SERVICE_DOCSTRING}')
    # The repository that made the domain keeps its bases, even after git gc prunes.
    run_git(shop, "gc", "--quiet", "--prune=now")

    here = update_domains(shop)

    assert here.conflicts == []
    notes = notes_service.read_text()
    assert notes.startswith(f'"""{NEXT_SERVICE_DOCSTRING} notes."""')
    assert MY_METHOD in notes


def test_only_the_chosen_domains_are_updated_and_unknown_names_change_nothing(
    shop: Path, next_gospel: Path, run_gospel: Any, assert_one_line_error: Any
) -> None:
    extra = {render.TEMPLATES_ENV: str(next_gospel)}
    payments = (shop / ".gospel/domains/payments.json").read_text()

    unknown = run_gospel(
        "update", "--no-template", "--domain", "invoices", cwd=shop, extra_env=extra
    )

    assert_one_line_error(unknown, "No domain 'invoices'", exit_code=2)
    assert run_git(shop, "status", "--porcelain") == ""

    done = run_gospel(
        "update",
        "--no-template",
        "--domain",
        "customer",
        "--domain",
        "tags",
        cwd=shop,
        extra_env=extra,
    )

    assert done.returncode == 0, done.stderr
    changed = run_git(shop, "diff", "--name-only").split()
    assert SERVICE in changed
    assert "app/services/tags_service.py" in changed
    assert "app/services/payments_service.py" not in changed
    assert (shop / ".gospel/domains/payments.json").read_text() == payments
    run_git(shop, "checkout", "--", ".")

    skipped = update_domains(shop, DomainSelection(skip=("customers", "tags")))

    assert skipped.domains == ["payments"]
    assert "app/services/payments_service.py" in skipped.changed
    assert SERVICE not in skipped.changed


def test_a_newer_table_definition_is_reported_and_no_migration_is_written(
    shop: Path, next_gospel: Path
) -> None:
    owner = 'owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="{}")'
    model = next_gospel / "model.py.jinja"
    text = model.read_text()
    assert owner.format("CASCADE") in text
    model.write_text(text.replace(owner.format("CASCADE"), owner.format("RESTRICT")))
    migrations = _migrations(shop)

    result = update_domains(shop)

    assert [line.split(":")[0] for line in result.schema_changes] == ["customers", "payments"]
    assert "(Customer.owner_id in app/models/customers.py)" in result.schema_changes[0]
    assert "alembic revision --autogenerate" in result.schema_changes[0]
    assert _migrations(shop) == migrations


def test_an_older_project_gets_the_registry_form_and_the_readme_rows(
    shop: Path, next_gospel: Path
) -> None:
    # As gospel before issue 10 left it: `from` registry lines, no README rows, no such edits.
    database = shop / "app/db/database.py"
    registry = "from app.models import customers, payments, tags, user  # noqa: E402, F401\n"
    older = "".join(
        f"from app.models.{module} import {class_name}  # noqa: E402, F401\n"
        for module, class_name in (
            ("customers", "Customer"),
            ("payments", "Payment"),
            ("tags", "Tag"),
            ("user", "User"),
        )
    )
    text = database.read_text()
    assert registry in text
    database.write_text(text.replace(registry, older))
    readme = shop / "README.md"
    urls = tuple(f"`/api/v1/{name}/" for name, _, _ in DOMAINS)
    lines = readme.read_text().splitlines(keepends=True)
    rows = [line for line in lines if any(url in line for url in urls)]
    assert len(rows) == 7
    readme.write_text("".join(line for line in lines if line not in rows))
    for name, _, _ in DOMAINS:
        record_file = shop / f".gospel/domains/{name}.json"
        data = json.loads(record_file.read_text())
        data["edits"] = [edit for edit in data["edits"] if edit["kind"] != "api_table"]
        record_file.write_text(json.dumps(data, indent=2) + "\n")
    commit_all(shop, "An older project")

    update_domains(shop)

    assert database.read_text() == text
    readme_rows = [line for line in readme.read_text().splitlines(keepends=True) if line in rows]
    assert sorted(readme_rows) == sorted(rows)
    record = load_record(shop, "customers")
    assert record is not None
    assert {"prefix": "/customers"} in [e.detail for e in record.edits if e.kind == "api_table"]
