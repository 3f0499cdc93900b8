"""Inline `# gospel: ignore[CODE]` comments."""

from __future__ import annotations

import pytest

from gospel_scaffold.check.suppress import suppression_codes

RUNTIME_IMPORT = "from app.models.user import User"


def _break_rule_2(project, comment: str = "") -> None:
    project.append("app/models/payments.py", f"{RUNTIME_IMPORT}{comment}\n")


def test_unsuppressed_violation_is_reported(project):
    _break_rule_2(project)
    assert [code for *_, code in project.found("GOS101")] == ["GOS101"]


def test_comment_naming_the_code_suppresses_it(project):
    _break_rule_2(project, "  # gospel: ignore[GOS101]")
    result = project.check(select=["GOS101"])
    assert result.ok
    assert result.suppressed == 1


def test_comment_naming_another_code_does_not_suppress(project):
    _break_rule_2(project, "  # gospel: ignore[GOS102]")
    assert [code for *_, code in project.found("GOS101")] == ["GOS101"]


def test_bare_comment_suppresses_every_code_on_the_statement(project):
    _break_rule_2(project, "  # gospel: ignore")
    assert project.found("GOS101") == []


def test_comment_on_a_later_line_of_a_multi_line_statement_suppresses(project):
    project.append(
        "app/models/payments.py",
        "from app.models.user import (\n    User,  # gospel: ignore[GOS101]\n)\n",
    )
    assert project.found("GOS101") == []


def test_comment_inside_a_class_body_does_not_suppress_a_class_violation(project):
    project.replace(
        "app/db/database.py", "from app.models.payments import Payment  # noqa: E402, F401\n", ""
    )
    project.replace(
        "app/models/payments.py",
        "    id: Mapped[int]",
        "    # gospel: ignore[GOS201]\n    id: Mapped[int]",
    )
    assert [code for *_, code in project.found("GOS201")] == ["GOS201"]
    project.replace(
        "app/models/payments.py",
        "class Payment(TimestampMixin, Base):",
        "class Payment(TimestampMixin, Base):  # gospel: ignore[GOS201]",
    )
    assert project.found("GOS201") == []


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("x = 1", None),
        ("x = 1  # gospel: ignore", ()),
        ("x = 1  # gospel: ignore[gos101, GOS2]", ("GOS101", "GOS2")),
        ("x = 1  #gospel:ignore[GOS301]", ("GOS301",)),
    ],
)
def test_suppression_comment_syntax(line, codes):
    assert suppression_codes(line) == codes
