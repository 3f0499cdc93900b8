"""The template without the CLI: ``copier copy`` of the repository still makes a working project."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _secret_key(project: Path) -> str:
    found = re.search(r"^SECRET_KEY=(.*)$", (project / ".env").read_text(), re.MULTILINE)
    assert found, ".env has no SECRET_KEY"
    return found.group(1).strip().strip("'\"")


# A working tree with uncommitted template changes is rendered as a throwaway commit: expected.
@pytest.mark.filterwarnings("ignore:Dirty template changes")
def test_plain_copier_copy_generates_its_own_random_secret_key(copie: Any) -> None:
    first = copie.copy(extra_answers={"project_name": "plain-one"}, template_dir=REPO_ROOT)
    second = copie.copy(extra_answers={"project_name": "plain-two"}, template_dir=REPO_ROOT)

    assert first.exit_code == 0, first.exception
    assert second.exit_code == 0, second.exception
    secret = _secret_key(first.project_dir)
    assert len(secret) >= 64
    assert secret != _secret_key(second.project_dir)
    assert "secret_key" not in first.answers
    assert secret not in (first.project_dir / ".copier-answers.yml").read_text()
    assert (first.project_dir / "app" / "main.py").is_file()
