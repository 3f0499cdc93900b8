"""Template repositories with real version history, and projects generated from them.

``template_repo`` copies the real ``copier.yml`` + ``template/`` into a temporary git repository
and tags two versions:

``v1.0.0``
    the template as it is in this checkout;
``v2.0.0``
    changes the first line of ``app/main.py`` (a file the user edits further down), changes a
    setting (``ACCESS_TOKEN_EXPIRE_MINUTES`` 30 -> 60), adds ``app/core/limits.py``, edits the
    template's own first migration (which must never reach a project) and ships a copier
    ``_migrations`` step that moves the project's ``uploads/`` data to ``media/``.

``gospel_checkout`` is gospel itself (package, ``copier.yml``, ``template/``) as a git checkout,
for running gospel the way an editable install of a clone does.

:func:`patch_domain_templates` makes "the next gospel" of generated domains: the module
docstring of every service changes, every model's ``__repr__`` changes (and the unit test that
reads it) and every domain's route tests gain a test. Tests render with such a copy through
``GOSPEL_DOMAIN_TEMPLATES`` (:func:`next_domain_templates`), and the wheel test ships it in its
second release.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

V1 = "v1.0.0"
V2 = "v2.0.0"
V2_MAIN_FIRST_LINE = (
    '"""The FastAPI application (template v2): lifespan, middleware and routers."""'
)
V2_LIMITS = "app/core/limits.py"
V2_HPA = "deploy/kubernetes/base/hpa.yaml"
V2_MAX_REPLICAS = "maxReplicas: 12"
V2_MIGRATION_COMMENT = "# template v2 edited this migration"
GIT_IDENTITY = ("-c", "user.name=Test User", "-c", "user.email=test@example.com")


def run_git(cwd: Path, *args: str) -> str:
    """Run git with a fixed identity; fail the test with git's output if it fails."""
    done = subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def commit_all(repo: Path, message: str, tag: str | None = None) -> None:
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "--quiet", "--no-verify", "-m", message)
    if tag:
        run_git(repo, "tag", tag)


def _replace(path: Path, pattern: str, replacement: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    new, done = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
    assert done, f"{pattern!r} not found in {path}"
    path.write_text(new, encoding="utf-8")


def first_migration(root: Path) -> Path:
    found = sorted((root / "migrations" / "versions").glob("*.py"))
    assert found, f"no migration under {root}"
    return found[0]


def apply_v2(repo: Path) -> None:
    """Turn the template at ``repo`` into its v2 (see the module docstring)."""
    template = repo / "template"
    _replace(template / "app" / "main.py", r"\A.*$", V2_MAIN_FIRST_LINE)
    config = template / "app" / "core" / "config.py.jinja"
    _replace(config, r"(ACCESS_TOKEN_EXPIRE_MINUTES: int = Field\(default=)30", r"\g<1>60")
    kubernetes = template / "{% if deploy == 'kubernetes' %}deploy{% endif %}" / "kubernetes"
    _replace(kubernetes / "base" / "hpa.yaml.jinja", r"^  maxReplicas: 10$", f"  {V2_MAX_REPLICAS}")
    (template / V2_LIMITS).write_text(
        '"""Request limits (added in template v2)."""\n\n'
        '__all__ = ["MAX_PAGE_SIZE"]\n\nMAX_PAGE_SIZE = 100\n',
        encoding="utf-8",
    )
    migration = first_migration(template)
    migration.write_text(
        migration.read_text(encoding="utf-8") + f"\n{V2_MIGRATION_COMMENT}\n", encoding="utf-8"
    )
    mover = (
        "import pathlib, shutil; old = pathlib.Path('uploads'); "
        "old.is_dir() and shutil.move(str(old), 'media')"
    )
    with (repo / "copier.yml").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n# v2 keeps user uploads under media/: move them on update.\n"
            "_migrations:\n"
            f"  - version: {V2}\n"
            "    when: \"{{ _stage == 'after' }}\"\n"
            f'    command: ["{{{{ _copier_python }}}}", "-c", "{mover}"]\n'
        )


DOMAIN_TEMPLATES = REPO_ROOT / "src" / "gospel_scaffold" / "domain" / "templates"
NEXT_SERVICE_DOCSTRING = "The business rules of"
NEXT_TEST = "test_reading_an_id_no_row_has_is_404"


def patch_domain_templates(templates: Path) -> None:
    """Turn the domain templates in ``templates`` into those of "the next gospel"."""
    service = templates / "service.py.jinja"
    _replace(service, r'\A"""Business rules of', f'"""{NEXT_SERVICE_DOCSTRING}')
    _replace(
        templates / "model.py.jinja",
        r'(def __repr__\(self\) -> str:\n\s+)return f"[^\n]*"$',
        r'\g<1>return f"<{{ names.class_name }} {self.id!r}>"',
    )
    _replace(
        templates / "test_service.py.jinja",
        r'(assert repr\(\{\{ var \}\}\) == )f"[^\n]*"$',
        r'\g<1>f"<{{ names.class_name }} { {{- var }}.id!r}>"',
    )
    _replace(
        templates / "test_routes.py.jinja",
        r"(?s)^(async def test_requests_without_a_token_are_401\(.*?\n\n)\n",
        "\\g<1>\n"
        f"async def {NEXT_TEST}(client: AsyncClient, user: User) -> None:\n"
        '    response = await client.get(f"{URL}{2**31 - 1}", headers=_headers(user))\n\n'
        "    assert response.status_code == 404\n\n\n",
    )


def next_domain_templates(dest: Path) -> Path:
    """A copy of gospel's domain templates in ``dest``, made "the next gospel"'s."""
    shutil.copytree(DOMAIN_TEMPLATES, dest, ignore=shutil.ignore_patterns("__pycache__"))
    patch_domain_templates(dest)
    return dest


_CACHES = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache", ".mypy_cache"
)


def _copy_template(dest: Path) -> None:
    dest.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "copier.yml", dest / "copier.yml")
    shutil.copytree(REPO_ROOT / "template", dest / "template", ignore=_CACHES)
    run_git(dest, "init", "--quiet", "--initial-branch=main")


def make_template_repo(dest: Path) -> Path:
    """Copy the real template into ``dest`` as a git repository tagged v1.0.0 and v2.0.0."""
    _copy_template(dest)
    commit_all(dest, "template v1", V1)
    apply_v2(dest)
    commit_all(dest, "template v2", V2)
    return dest


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git clone of the template with tags v1.0.0 and v2.0.0 (read-only: do not commit)."""
    return make_template_repo(tmp_path_factory.mktemp("template-repo") / "gospel")


CHECKOUT_TAG = "v0.1.0"


@pytest.fixture
def gospel_checkout(tmp_path: Path) -> Path:
    """Gospel itself as a git checkout in ``tmp_path / "gospel"``, ``HEAD`` one commit past a tag.

    Run the CLI with ``PYTHONPATH=<checkout>/src`` to run gospel from it, as an editable
    install of a clone does: its default template is then the checkout.
    """
    dest = tmp_path / "gospel"
    _copy_template(dest)
    shutil.copytree(REPO_ROOT / "src", dest / "src", ignore=_CACHES)
    commit_all(dest, "gospel", CHECKOUT_TAG)
    (dest / "CHANGES.md").write_text("Unreleased work.\n", encoding="utf-8")
    commit_all(dest, "Work after the release")
    return dest


def checkout_env(checkout: Path) -> dict[str, str]:
    """The extra environment that makes ``python -m gospel_scaffold`` run from ``checkout``."""
    return {"PYTHONPATH": str(checkout / "src")}


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Give git (and copier's git) an identity and no user or system configuration."""
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Test User\n\temail = test@example.com\n")
    for key in [k for k in os.environ if k.startswith(("GIT_", "GOSPEL_"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@dataclass(frozen=True)
class Generated:
    """A project generated and committed by :func:`generate`."""

    root: Path
    name: str


Generate = Callable[..., Generated]


def generate_project(
    template: str | None,
    dest: Path,
    *,
    vcs_ref: str | None = V1,
    name: str = "shop-api",
    data: Mapping[str, Any] | None = None,
) -> Generated:
    """Render like ``gospel new --template TEMPLATE --vcs-ref REF`` and commit it to git.

    ``data`` answers more questions (``{"deploy": "kubernetes"}``).
    """
    import copier

    from gospel_scaffold.update.source import template_for_copy

    root = dest / name
    with template_for_copy(template, vcs_ref) as source:
        copier.run_copy(
            source.src_path,
            root,
            data={**(data or {}), "project_name": name, "secret_key": "s" * 64},
            vcs_ref=source.vcs_ref,
            defaults=True,
            quiet=True,
        )
    run_git(root, "init", "--quiet", "--initial-branch=main")
    commit_all(root, "Generate the project with gospel")
    return Generated(root=root, name=name)


@pytest.fixture
def generate(git_env: None, tmp_path: Path) -> Generate:
    """``generate(template, vcs_ref=V1, name=..., data=...)``: a committed project in tmp_path."""

    def make(
        template: str | None,
        *,
        vcs_ref: str | None = V1,
        name: str = "shop-api",
        data: Mapping[str, Any] | None = None,
    ) -> Generated:
        return generate_project(template, tmp_path, vcs_ref=vcs_ref, name=name, data=data)

    return make


def add_domain(root: Path) -> list[str]:
    """Add a ``payments`` domain with gospel's add-domain and commit it.

    Uses the real ``gospel add-domain`` implementation (:mod:`gospel_scaffold.domain.add`); only
    when that package is absent does it write a minimal domain of the same shape by hand.

    Returns:
        The files the domain added or edited, relative to ``root``.
    """
    try:
        from gospel_scaffold.domain.add import AddRequest, plan_add
        from gospel_scaffold.domain.apply import apply_plan
    except ImportError:
        written = _add_domain_by_hand(root)
    else:
        plan = plan_add(AddRequest(name="payments", specs=["amount:int"], project=root))
        written = list(apply_plan(plan).written)
    commit_all(root, "Add the payments domain")
    return written


def _add_domain_by_hand(root: Path) -> list[str]:
    model = root / "app" / "models" / "payments.py"
    model.write_text(
        '"""Payments."""\n\nfrom sqlalchemy.orm import Mapped, mapped_column\n\n'
        "from app.db.database import Base, TimestampMixin\n\n\n"
        "class Payment(TimestampMixin, Base):\n"
        '    """A payment."""\n\n'
        '    __tablename__ = "payments"\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n",
        encoding="utf-8",
    )
    database = root / "app" / "db" / "database.py"
    database.write_text(
        database.read_text(encoding="utf-8").replace(
            "from app.models import user", "from app.models import payments, user"
        ),
        encoding="utf-8",
    )
    routes = root / "app" / "api" / "routes" / "payments.py"
    routes.write_text(
        '"""Payment routes."""\n\nfrom fastapi import APIRouter\n\n'
        '__all__ = ["router"]\n\nrouter = APIRouter()\n\n\n'
        '@router.get("/")\nasync def list_payments() -> list[int]:\n'
        '    """List payments."""\n    return []\n',
        encoding="utf-8",
    )
    registry = root / "app" / "api" / "routes" / "__init__.py"
    text = registry.read_text(encoding="utf-8")
    text = re.sub(
        r"^from app\.api\.routes import (.*)$",
        lambda m: f"from app.api.routes import {m.group(1)}, payments",
        text,
        count=1,
        flags=re.MULTILINE,
    )
    text += 'api_router.include_router(payments.router, prefix="/payments", tags=["Payments"])\n'
    registry.write_text(text, encoding="utf-8")
    return [
        "app/models/payments.py",
        "app/api/routes/payments.py",
        "app/db/database.py",
        "app/api/routes/__init__.py",
    ]
