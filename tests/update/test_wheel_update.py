"""A pip-installed gospel (a wheel, no checkout of the template) updates its projects offline.

Builds two wheels of this repository (tagged ``v1.0.0`` and, with template changes, ``v2.0.0``),
installs the first in a fresh venv, generates a project with ``gospel new``, upgrades the venv
to the second wheel without network, and runs ``gospel update``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from update.template_history import (
    REPO_ROOT,
    V1,
    V2,
    V2_LIMITS,
    apply_v2,
    commit_all,
    run_git,
)

pytestmark = pytest.mark.slow

_IGNORED = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".scratch",
    "dist",
    "build",
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


def _uv() -> str:
    from uv import find_uv_bin

    return str(find_uv_bin())


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900
    )
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _build_wheel(source: Path, out: Path, env: dict[str, str]) -> Path:
    _run([_uv(), "build", "--quiet", "--wheel", "--out-dir", str(out)], source, env)
    (wheel,) = out.glob("*.whl")
    return wheel


def test_wheel_made_project_updates_offline_after_upgrading_gospel(tmp_path: Path) -> None:
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Test User\n\temail = test@example.com\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "GOSPEL_", "VIRTUAL_ENV", "PYTHON"))
    }
    env.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1")

    source = tmp_path / "gospel-src"
    shutil.copytree(REPO_ROOT, source, ignore=_IGNORED)
    run_git(source, "init", "--quiet", "--initial-branch=main")
    commit_all(source, "gospel 1.0.0", V1)
    wheel_v1 = _build_wheel(source, tmp_path / "dist-v1", env)
    apply_v2(source)
    commit_all(source, "gospel 2.0.0", V2)
    wheel_v2 = _build_wheel(source, tmp_path / "dist-v2", env)
    assert wheel_v1.name.startswith("gospel_scaffold-1.0.0-")
    assert wheel_v2.name.startswith("gospel_scaffold-2.0.0-")

    venv = tmp_path / "venv"
    _run([_uv(), "venv", "--quiet", "--python", sys.executable, str(venv)], tmp_path, env)
    python = str(venv / "bin" / "python")
    _run([_uv(), "pip", "install", "--quiet", "--python", python, str(wheel_v1)], tmp_path, env)
    gospel = str(venv / "bin" / "gospel")

    work = tmp_path / "work"
    work.mkdir()
    _run([gospel, "new", "shop-api", "--defaults"], work, {**env, **_NO_NETWORK})
    root = work / "shop-api"
    answers = (root / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "_src_path: gospel://template.git" in answers
    assert f"_commit: {V1}" in answers
    main = root / "app" / "main.py"
    main.write_text(main.read_text(encoding="utf-8") + "\nOURS = True\n", encoding="utf-8")
    commit_all(root, "Our edit")

    offline = {**env, **_NO_NETWORK}
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
    # The template source the wheels were built from is gone: only the installed bundle is left.
    shutil.rmtree(source)
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
