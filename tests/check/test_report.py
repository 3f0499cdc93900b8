"""Text and JSON output."""

from __future__ import annotations

import io
import json

from gospel_scaffold.check.report import JSON_VERSION, print_text, to_json


def _violating(project):
    project.append("app/models/payments.py", "from app.models.user import User\n")
    project.remove("tests/integration/test_payments_routes.py")
    return project.check()


def test_json_document_shape(project):
    document = json.loads(to_json(_violating(project)))
    assert document["version"] == JSON_VERSION
    assert document["ok"] is False
    assert document["project"] == str(project.root.resolve())
    assert document["summary"] == {
        "violations": 2,
        "files_with_violations": 2,
        "files_checked": document["summary"]["files_checked"],
        "suppressed": 0,
        "by_code": {"GOS101": 1, "GOS701": 1},
    }
    assert document["summary"]["files_checked"] > 20
    first = document["violations"][0]
    assert set(first) == {"code", "rule", "path", "line", "column", "message", "fix", "docs"}
    assert first["code"] == "GOS701"
    assert first["rule"] == "domain-without-tests"
    assert first["path"] == "app/api/routes/payments.py"
    assert first["docs"] == "docs/rules/GOS701.md"
    assert document["rules"][0] == "GOS101"


def test_json_of_a_clean_project(project):
    document = json.loads(to_json(project.check()))
    assert document["ok"] is True
    assert document["violations"] == []
    assert document["summary"]["violations"] == 0


def test_text_groups_by_file_with_locations_fixes_and_summary(project):
    out = io.StringIO()
    print_text(_violating(project), file=out)
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0] == "app/api/routes/payments.py"
    assert any(
        line.startswith("  app/api/routes/payments.py:") and "GOS701" in line for line in lines
    )
    assert "app/models/payments.py" in lines
    assert "fix: " in text
    assert "Found 2 violations in 2 files" in text
    assert "GOS101 model-imports-model: 1" in text


def test_text_of_a_clean_project_is_one_line(project):
    out = io.StringIO()
    print_text(project.check(), file=out)
    assert out.getvalue().startswith("✓ No gospel violations")
    assert len(out.getvalue().splitlines()) == 1
