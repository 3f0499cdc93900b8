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


def _break_relationship(project, last_line_comment: str = "") -> None:
    """Give ``Payment.owner`` a class argument (GOS102) on the second line of its statement."""
    project.replace(
        "app/models/payments.py",
        'relationship("User", back_populates="payments", lazy="raise")',
        'relationship(\n        User,\n        back_populates="payments",\n    )'
        + last_line_comment,
    )


def test_comment_on_the_first_line_suppresses_a_violation_on_a_later_line(project):
    _break_relationship(project)
    (line,) = [line for _, line, _ in project.found("GOS102")]
    assert line == project.line_of("app/models/payments.py", "        User,")
    project.replace(
        "app/models/payments.py", "relationship(\n", "relationship(  # gospel: ignore[GOS102]\n"
    )
    result = project.check(select=["GOS102"])
    assert result.ok
    assert result.suppressed == 1


def test_comment_on_the_last_line_suppresses_a_violation_on_an_earlier_line(project):
    _break_relationship(project, "  # gospel: ignore[GOS102]")
    assert project.found("GOS102") == []


def test_comment_on_the_next_statement_does_not_suppress(project):
    _break_relationship(project)
    project.append("app/models/payments.py", "    note = 1  # gospel: ignore[GOS102]\n")
    assert [code for *_, code in project.found("GOS102")] == ["GOS102"]


def _unregister_payment(project) -> None:
    project.replace(
        "app/db/database.py", "from app.models import payments  # noqa: E402, F401\n", ""
    )


def test_comment_on_the_closing_line_of_a_class_header_suppresses(project):
    _unregister_payment(project)
    project.replace(
        "app/models/payments.py",
        "class Payment(TimestampMixin, Base):",
        "class Payment(\n    TimestampMixin,\n    Base,\n):  # gospel: ignore[GOS201]",
    )
    assert project.found("GOS201") == []


def test_comment_line_between_a_class_header_and_its_body_does_not_suppress(project):
    _unregister_payment(project)
    project.replace(
        "app/models/payments.py",
        "class Payment(TimestampMixin, Base):\n",
        "class Payment(TimestampMixin, Base):\n    # gospel: ignore[GOS201]\n",
    )
    assert [code for *_, code in project.found("GOS201")] == ["GOS201"]


def test_comment_inside_a_class_body_does_not_suppress_a_class_violation(project):
    project.replace(
        "app/db/database.py", "from app.models import payments  # noqa: E402, F401\n", ""
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
