"""``update_project``: copier update plus the guarantees gospel adds around it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from update.template_history import (
    V1,
    V2,
    V2_HPA,
    V2_LIMITS,
    V2_MAIN_FIRST_LINE,
    V2_MAX_REPLICAS,
    V2_MIGRATION_COMMENT,
    Generate,
    add_domain,
    commit_all,
    first_migration,
    run_git,
)

from gospel_scaffold.errors import (
    DirtyTreeError,
    InvalidInputError,
    NotUpdatableError,
    UpdateFailedError,
)
from gospel_scaffold.update.run import read_origin, update_project

USER_HELPER = '\n\ndef user_helper() -> int:\n    """Added by the user."""\n    return 1\n'


def _edit_main_bottom(root: Path) -> None:
    main = root / "app" / "main.py"
    main.write_text(main.read_text(encoding="utf-8") + USER_HELPER, encoding="utf-8")


def _edit_main_first_line(root: Path) -> None:
    main = root / "app" / "main.py"
    lines = main.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = '"""Our shop API, edited by its owner."""\n'
    main.write_text("".join(lines), encoding="utf-8")


def _status(root: Path) -> str:
    return run_git(root, "status", "--porcelain", "--untracked-files=all")


def test_update_keeps_user_edits_domain_and_migrations_and_brings_template_changes(
    template_repo: Path, generate: Generate
) -> None:
    project = generate(str(template_repo), vcs_ref=V1)
    root = project.root
    domain_files = add_domain(root)
    domain_contents = {path: (root / path).read_bytes() for path in domain_files}
    _edit_main_bottom(root)
    (root / "uploads").mkdir()
    (root / "uploads" / "photo.txt").write_text("user data", encoding="utf-8")
    # The template's own migration (the domain added one of its own next to it).
    migration = root / "migrations" / "versions" / first_migration(template_repo / "template").name
    migration_before = migration.read_bytes()
    commit_all(root, "User edits")

    result = update_project(root, trust=True)

    assert (result.from_version, result.to_version) == (V1, V2)
    assert read_origin(root).commit == V2
    assert result.conflicts == ()
    # v2's changes arrived: the changed line, the setting and the new file.
    main = (root / "app" / "main.py").read_text(encoding="utf-8")
    assert main.splitlines()[0] == V2_MAIN_FIRST_LINE
    assert "ACCESS_TOKEN_EXPIRE_MINUTES: int = Field(default=60" in (
        root / "app" / "core" / "config.py"
    ).read_text(encoding="utf-8")
    assert (root / V2_LIMITS).is_file()
    # v2 also changed a Kubernetes manifest, which this project (deploy=compose) never had.
    assert not (root / "deploy").exists()
    # The user's edit and the domain (files and registration lines) survived.
    assert main.endswith(USER_HELPER)
    for path, content in domain_contents.items():
        assert (root / path).read_bytes() == content, path
    assert "from app.models import payments, user  # noqa: E402, F401" in (
        root / "app" / "db" / "database.py"
    ).read_text(encoding="utf-8")
    routes = (root / "app" / "api" / "routes" / "__init__.py").read_text(encoding="utf-8")
    assert 'include_router(payments.router, prefix="/payments"' in routes
    # The template edited its own first migration; the project's copy was kept byte for byte.
    assert migration.read_bytes() == migration_before
    assert V2_MIGRATION_COMMENT not in migration.read_text(encoding="utf-8")
    assert result.kept_migrations == (migration.relative_to(root).as_posix(),)
    # v2's copier migration moved the user's data.
    assert (root / "media" / "photo.txt").read_text(encoding="utf-8") == "user data"
    assert not (root / "uploads").exists()
    assert "app/main.py" in result.changed


def test_update_brings_manifest_changes_and_keeps_the_overlay_edits(
    template_repo: Path, generate: Generate
) -> None:
    root = generate(str(template_repo), vcs_ref=V1, data={"deploy": "kubernetes"}).root
    overlay = root / "deploy" / "kubernetes" / "overlays" / "production" / "kustomization.yaml"
    # The owner points the production overlay at their registry and release.
    edited = (
        overlay.read_text(encoding="utf-8")
        .replace("registry.example.com/shop-api", "ghcr.io/acme/shop-api")
        .replace('newTag: "0.1.0"', 'newTag: "2.3.1"')
    )
    overlay.write_text(edited, encoding="utf-8")
    commit_all(root, "Deploy from our registry")
    assert V2_MAX_REPLICAS not in (root / V2_HPA).read_text(encoding="utf-8")

    result = update_project(root, trust=True)

    assert result.conflicts == ()
    assert V2_HPA in result.changed
    assert V2_MAX_REPLICAS in (root / V2_HPA).read_text(encoding="utf-8")
    assert overlay.read_text(encoding="utf-8") == edited


def test_a_changed_answer_adds_kubernetes_at_the_same_version(
    template_repo: Path, generate: Generate
) -> None:
    root = generate(str(template_repo), vcs_ref=V2).root
    _edit_main_bottom(root)
    commit_all(root, "User edits")

    result = update_project(root, data={"deploy": "kubernetes"}, trust=True)

    assert (result.from_version, result.to_version) == (V2, V2)
    assert result.conflicts == ()
    assert V2_HPA in result.changed
    assert V2_MAX_REPLICAS in (root / V2_HPA).read_text(encoding="utf-8")
    assert "deploy: kubernetes" in (root / ".copier-answers.yml").read_text(encoding="utf-8")
    assert (root / "app" / "main.py").read_text(encoding="utf-8").endswith(USER_HELPER)


def test_an_answer_to_no_question_is_refused_and_nothing_changes(
    template_repo: Path, generate: Generate
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root

    with pytest.raises(InvalidInputError, match=r"unknown question 'deploy_to'.*deploy"):
        update_project(root, data={"deploy_to": "kubernetes"}, trust=True)

    assert _status(root) == ""
    assert read_origin(root).commit == V1


@pytest.mark.parametrize("mode", ["inline", "rej"])
def test_overlapping_edit_is_reported_as_a_conflict(
    template_repo: Path, generate: Generate, mode: str
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root
    _edit_main_first_line(root)
    commit_all(root, "Edit the first line the template also changes")

    result = update_project(root, conflict=mode, trust=True)  # type: ignore[arg-type]

    assert result.conflicts == ("app/main.py",)
    main = (root / "app" / "main.py").read_text(encoding="utf-8")
    if mode == "inline":
        assert "<<<<<<< before updating" in main
        assert ">>>>>>> after updating" in main
        assert V2_MAIN_FIRST_LINE in main
    else:
        assert (root / "app" / "main.py.rej").is_file()
        assert "<<<<<<<" not in main
    # Everything else of v2 still arrived.
    assert (root / V2_LIMITS).is_file()


def test_dirty_tree_is_refused_and_nothing_changes(template_repo: Path, generate: Generate) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root
    _edit_main_bottom(root)
    (root / "notes.txt").write_text("untracked", encoding="utf-8")
    before = _status(root)

    with pytest.raises(DirtyTreeError, match=r"uncommitted changes \(app/main.py, notes.txt\)"):
        update_project(root, trust=True)

    assert _status(root) == before
    assert read_origin(root).commit == V1
    assert not (root / V2_LIMITS).exists()


def test_dry_run_reports_the_update_and_leaves_the_project_untouched(
    template_repo: Path, generate: Generate
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root
    _edit_main_first_line(root)
    commit_all(root, "Edit the first line the template also changes")
    head = run_git(root, "rev-parse", "HEAD")

    result = update_project(root, dry_run=True, trust=True)

    assert result.dry_run
    assert (result.from_version, result.to_version) == (V1, V2)
    assert V2_LIMITS in result.changed
    assert result.conflicts == ("app/main.py",)
    assert result.root == root.resolve()
    assert _status(root) == ""
    assert run_git(root, "rev-parse", "HEAD") == head
    assert not (root / V2_LIMITS).exists()


def test_update_to_an_unknown_version_fails_and_puts_the_project_back(
    template_repo: Path, generate: Generate
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root

    with pytest.raises(UpdateFailedError, match="copier could not update"):
        update_project(root, to="v9.9.9", trust=True)

    assert _status(root) == ""
    assert read_origin(root).commit == V1


def test_update_to_an_explicit_version(template_repo: Path, generate: Generate) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root

    result = update_project(root, to=V1, trust=True)

    assert result.up_to_date
    assert _status(root) == ""


def test_project_from_a_plain_directory_is_not_updatable(
    template_repo: Path, generate: Generate, tmp_path: Path
) -> None:
    plain = tmp_path / "plain-template"
    subprocess.run(
        ["git", "archive", "--format=tar", f"--output={tmp_path / 't.tar'}", V1],
        cwd=template_repo,
        check=True,
    )
    plain.mkdir()
    subprocess.run(["tar", "-xf", str(tmp_path / "t.tar"), "-C", str(plain)], check=True)
    root = generate(str(plain), vcs_ref=None).root

    with pytest.raises(NotUpdatableError, match="records no template version"):
        update_project(root)


@pytest.mark.slow
def test_generated_tests_still_pass_after_update(
    template_repo: Path, generate: Generate, generated_venv: object
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root
    add_domain(root)
    _edit_main_bottom(root)
    commit_all(root, "User edits")
    assert update_project(root, trust=True).conflicts == ()

    run = generated_venv.run("pytest", "-q", "-p", "no:cacheprovider", cwd=root)  # type: ignore[attr-defined]

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_project_in_a_subdirectory_of_a_repository_reports_paths_inside_the_project(
    template_repo: Path, git_env: None, tmp_path: Path
) -> None:
    import copier

    mono = tmp_path / "mono"
    root = mono / "services" / "shop-api"
    copier.run_copy(
        str(template_repo),
        root,
        data={"project_name": "shop-api"},
        vcs_ref=V1,
        defaults=True,
        quiet=True,
    )
    (mono / "README.md").write_text("A monorepo.\n", encoding="utf-8")
    run_git(mono, "init", "--quiet", "--initial-branch=main")
    commit_all(mono, "Monorepo with a generated service")
    _edit_main_first_line(root)
    commit_all(mono, "Edit the first line the template also changes")

    dry = update_project(root, dry_run=True, trust=True)
    result = update_project(root / "app", trust=True)

    assert dry.conflicts == result.conflicts == ("app/main.py",)
    assert V2_LIMITS in result.changed
    assert (root / V2_LIMITS).is_file()
    assert (mono / "README.md").read_text(encoding="utf-8") == "A monorepo.\n"
