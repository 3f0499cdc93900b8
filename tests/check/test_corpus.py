"""`gospel check` on projects it did not generate: every true violation, no false alarm.

Each folder of ``tests/check/corpus`` is a small, realistic FastAPI project in a layout of its
own (flat ``app/``, ``src/`` layout with ``api/v1`` routers behind an aggregator, SQLModel in the
shape of fastapi/full-stack-fastapi-template's backend, models registered by Alembic's
``env.py``). Its files mark what the check must say, on the line it must say it:

* ``# expect: GOS301`` (or several codes) — a true violation, which must be reported there;
* ``# trap: GOS301 (why)`` — code that looks like a violation and is not; nothing may be
  reported on any line but the expected ones.

The rules a project lacks the information for must be named as skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gospel_scaffold.check import run_check

CORPUS = Path(__file__).parent / "corpus"
PROJECTS = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())
_MARK = re.compile(r"#\s*(expect|trap):\s*(GOS\d{3}(?:\s*,\s*GOS\d{3})*)")

#: The rules each project cannot check, and a fragment of the reason given.
SKIPPED = {
    "env_registry": {},
    "flat_app": {"GOS201": "no model registry found"},
    "fullstack_sqlmodel": {},
    "src_layout": {},
}
#: What discovery must find: package folder, application, aggregators, registry, tests.
LAYOUTS = {
    "env_registry": ("app", "app/main.py", ["app/api/routes/__init__.py"], "migrations/env.py"),
    "flat_app": ("app", "app/main.py", [], None),
    "fullstack_sqlmodel": ("app", "app/main.py", ["app/api/main.py"], "app/alembic/env.py"),
    "src_layout": (
        "src/acme",
        "src/acme/main.py",
        ["src/acme/api/v1/router.py"],
        "src/acme/models/__init__.py",
    ),
}
TESTS = {
    "env_registry": ["tests"],
    "flat_app": ["tests"],
    "fullstack_sqlmodel": ["app/tests"],
    "src_layout": ["tests"],
}


def marks(root: Path, kind: str) -> set[tuple[str, int, str]]:
    """Every (path, line, code) the project's files mark as ``kind`` (expect or trap)."""
    found: set[tuple[str, int, str]] = set()
    for file in sorted(root.rglob("*.py")):
        lines = file.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            for mark in _MARK.finditer(line):
                if mark.group(1) == kind:
                    for code in re.split(r"\s*,\s*", mark.group(2)):
                        found.add((file.relative_to(root).as_posix(), number, code))
    return found


@pytest.fixture(scope="module", params=PROJECTS)
def checked(request: pytest.FixtureRequest):
    root = CORPUS / request.param
    return request.param, root, run_check(root)


def test_the_corpus_covers_every_rule_family_with_violations_and_traps():
    expected = set().union(*(marks(CORPUS / name, "expect") for name in PROJECTS))
    traps = set().union(*(marks(CORPUS / name, "trap") for name in PROJECTS))
    families = {code[:4] for _, _, code in expected}
    assert families == {"GOS1", "GOS2", "GOS3", "GOS4", "GOS5", "GOS6", "GOS7"}
    assert {code[:4] for _, _, code in traps} >= {"GOS1", "GOS3", "GOS4"}


def test_every_true_violation_is_found_and_nothing_else(checked):
    name, root, result = checked
    found = {(v.path, v.line, v.code) for v in result.violations}
    expected = marks(root, "expect")
    assert sorted(expected - found) == [], f"{name}: true violations missed"
    assert sorted(found - expected) == [], f"{name}: false alarms"


def test_no_place_is_marked_both_a_trap_and_a_violation():
    # Then "nothing but the expected violations" also means "no trap reported".
    for name in PROJECTS:
        root = CORPUS / name
        assert marks(root, "trap") & marks(root, "expect") == set(), name


def test_rules_without_what_they_need_are_named_as_skipped(checked):
    name, _, result = checked
    skipped = {rule.code: rule.reason for rule in result.skipped}
    assert set(skipped) == set(SKIPPED[name])
    for code, fragment in SKIPPED[name].items():
        assert fragment in skipped[code]
    assert not set(skipped) & set(result.codes)


def test_the_layout_is_discovered(checked):
    name, _, result = checked
    package, application, aggregators, registry = LAYOUTS[name]
    layout = result.layout
    assert layout["package"]["path"] == package
    assert [path.split(":")[0] for path in layout["application"]["paths"]] == [application]
    assert layout["routers"]["aggregators"] == aggregators
    assert layout["models"]["registry"] == registry
    assert layout["tests"]["paths"] == TESTS[name]


def test_a_file_newer_than_requires_python_is_read_with_a_note():
    result = run_check(CORPUS / "env_registry")
    (note,) = result.notes
    assert note.startswith("app/core/formatting.py:")
    assert "newer than requires-python >=3.9" in note
    assert "Python 3.10" in note  # the parser's own words: which Python the syntax needs
    assert result.layout["python"]["grammar"] == "3.9"
