"""A released gospel: built from tags, installed from its wheel alone, updating offline.

Builds two releases of this repository on a throwaway copy (tagged ``v1.0.0`` and, with
template changes, ``v2.0.0``) as ``uv build`` does for a release: an sdist, then the wheel built
from that sdist; the second also ships changed domain templates ("the next gospel"). The source
is then deleted. The first wheel is installed in a fresh venv; its ``gospel new`` makes a project
whose pre-commit hook runs ``gospel check`` pinned to 1.0.0, and that hook is run against the
wheel served from a local package index, as it will be from PyPI on release day. The first wheel
also adds a domain, which the user edits. The venv is then upgraded to the second wheel without
network, and ``gospel update`` moves the project (and its pin) to v2 and the domain to the
second wheel's templates, its edit kept: the base of that merge comes from git alone.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import uuid
import zipfile
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]
from update.template_history import (
    NEXT_SERVICE_DOCSTRING,
    REPO_ROOT,
    V1,
    V2,
    V2_LIMITS,
    apply_v2,
    commit_all,
    patch_domain_templates,
    run_git,
)

pytestmark = pytest.mark.slow

_IGNORED = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".scratch",
    "dist",
    "build",
    "site",
    "__pycache__",
    "*.pyc",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
)
_NO_NETWORK = {
    "UV_OFFLINE": "1",
    "PIP_NO_INDEX": "1",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "ALL_PROXY": "http://127.0.0.1:9",
    "GIT_ALLOW_PROTOCOL": "file",
}

_MY_METHOD = '    async def vip_count(self) -> int:\n        """Mine."""\n        return 0\n\n'


def _uv() -> str:
    from uv import find_uv_bin

    return str(find_uv_bin())


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900
    )
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _build_release(source: Path, out: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """``uv build``: the sdist, then the wheel built from the unpacked sdist (not the checkout)."""
    _run([_uv(), "build", "--quiet", "--out-dir", str(out)], source, env)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def _local_index(root: Path, wheel: Path) -> str:
    """Serve ``wheel`` as a PEP 503 simple index; return its ``file://`` URL."""
    project = root / "simple" / "gospel-scaffold"
    project.mkdir(parents=True)
    shutil.copy2(wheel, project / wheel.name)
    (project / "index.html").write_text(
        f'<!DOCTYPE html><html><body><a href="{wheel.name}">{wheel.name}</a></body></html>\n'
    )
    (root / "simple" / "index.html").write_text(
        '<!DOCTYPE html><html><body><a href="gospel-scaffold/">gospel-scaffold</a></body></html>\n'
    )
    return (root / "simple").as_uri()


def _hook_entry(project: Path, hook_id: str) -> str:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (entry,) = [
        hook["entry"] for repo in config["repos"] for hook in repo["hooks"] if hook["id"] == hook_id
    ]
    return str(entry)


def _ci_step(project: Path, name_start: str) -> str:
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["check"]["steps"]
    (run,) = [step["run"] for step in steps if step.get("name", "").startswith(name_start)]
    return str(run)


def test_released_wheel_creates_checks_and_updates_projects_with_no_source_around(
    tmp_path: Path,
) -> None:
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Test User\n\temail = test@example.com\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "GOSPEL_", "VIRTUAL_ENV", "PYTHON", "UV_"))
    }
    env.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1")
    offline = {**env, **_NO_NETWORK}

    # Two releases, each an sdist and the wheel built from it, versioned by their tags alone.
    source = tmp_path / "gospel-src"
    shutil.copytree(REPO_ROOT, source, ignore=_IGNORED)
    run_git(source, "init", "--quiet", "--initial-branch=main")
    commit_all(source, "gospel 1.0.0", V1)
    sdist_v1, wheel_v1 = _build_release(source, tmp_path / "dist-v1", env)
    apply_v2(source)
    patch_domain_templates(source / "src" / "gospel_scaffold" / "domain" / "templates")
    commit_all(source, "gospel 2.0.0", V2)
    _, wheel_v2 = _build_release(source, tmp_path / "dist-v2", env)
    assert sdist_v1.name == "gospel_scaffold-1.0.0.tar.gz"
    assert wheel_v1.name.startswith("gospel_scaffold-1.0.0-")
    assert wheel_v2.name.startswith("gospel_scaffold-2.0.0-")
    with tarfile.open(sdist_v1) as sdist:
        sdist_names = sdist.getnames()
    assert "gospel_scaffold-1.0.0/_gospel_template/template.bundle" in sdist_names
    assert "gospel_scaffold-1.0.0/template/app/main.py" in sdist_names
    with zipfile.ZipFile(wheel_v1) as wheel:
        wheel_names = wheel.namelist()
    assert "gospel_scaffold/_template/template.bundle" in wheel_names
    assert "gospel_scaffold/_template/copier.yml" in wheel_names
    # From here on, no gospel source exists: only the built packages.
    shutil.rmtree(source)

    venv = tmp_path / "venv"
    _run([_uv(), "venv", "--quiet", "--python", sys.executable, str(venv)], tmp_path, env)
    python = str(venv / "bin" / "python")
    _run([_uv(), "pip", "install", "--quiet", "--python", python, str(wheel_v1)], tmp_path, env)
    gospel = str(venv / "bin" / "gospel")
    assert _run([gospel, "--version"], tmp_path, env).stdout.strip() == "gospel 1.0.0"

    work = tmp_path / "work"
    work.mkdir()
    _run([gospel, "new", "shop-api", "--defaults"], work, offline)
    root = work / "shop-api"
    answers = (root / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "_src_path: gospel://template.git" in answers
    assert f"_commit: {V1}" in answers

    # The project checks itself with the gospel release that made it, pinned...
    entry = _hook_entry(root, "gospel-check")
    assert entry == 'uvx --from "gospel-scaffold==1.0.0" gospel check'
    assert _ci_step(root, "Architecture rules") == entry
    # ...and the hook works the day that release is on a package index.
    index = _local_index(tmp_path / f"index-{uuid.uuid4().hex}", wheel_v1)
    uv_bin = str(Path(_uv()).parent)
    hook_env = {**env, "UV_INDEX": index, "PATH": f"{uv_bin}{os.pathsep}{env['PATH']}"}
    checked = _run(shlex.split(entry), root, hook_env)
    assert "No gospel violations" in checked.stdout

    _run([gospel, "add-domain", "customers", "name:str:100"], root, offline)
    commit_all(root, "Add customers")
    main = root / "app" / "main.py"
    main.write_text(main.read_text(encoding="utf-8") + "\nOURS = True\n", encoding="utf-8")
    service = root / "app" / "services" / "customers_service.py"
    mine = "    async def delete("
    service.write_text(
        service.read_text(encoding="utf-8").replace(mine, _MY_METHOD + mine, 1), encoding="utf-8"
    )
    commit_all(root, "Our edits")

    _run(
        [
            _uv(),
            "pip",
            "install",
            "--quiet",
            "--offline",
            "--no-deps",
            "--python",
            python,
            str(wheel_v2),
        ],
        tmp_path,
        offline,
    )
    # The rule pages ship in the wheel too (docs/rules, packaged without a second copy).
    page = _run([gospel, "rule", "GOS301"], root, offline).stdout
    assert page.startswith("# GOS301 — handler-uses-database\n")

    done = _run([gospel, "update"], root, offline)

    assert f"from template {V1} to {V2}" in done.stdout
    answers = (root / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "_src_path: gospel://template.git" in answers
    assert f"_commit: {V2}" in answers
    assert (root / V2_LIMITS).is_file()
    assert main.read_text(encoding="utf-8").endswith("\nOURS = True\n")
    # The domain made by 1.0.0 is what 2.0.0 generates, with the method the user added.
    assert "Domains brought to this gospel: customers" in done.stdout
    customers = service.read_text(encoding="utf-8")
    assert customers.startswith(f'"""{NEXT_SERVICE_DOCSTRING} customers."""')
    assert _MY_METHOD in customers
    assert '"generator": "2.0.0"' in (root / ".gospel/domains/customers.json").read_text()
    # The update moved the pin to the release the project now matches.
    assert _hook_entry(root, "gospel-check") == 'uvx --from "gospel-scaffold==2.0.0" gospel check'
    assert "gospel-scaffold==2.0.0" in _ci_step(root, "Architecture rules")
