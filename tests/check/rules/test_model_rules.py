"""GOS101-GOS103: model rules, each with a violating and a clean project."""

from __future__ import annotations


def test_clean_project_breaks_no_model_rule(project):
    assert project.found("GOS1") == []


def test_runtime_import_of_another_model_module_is_reported(project):
    project.replace(
        "app/models/payments.py",
        "if TYPE_CHECKING:\n    from app.models.user import User\n",
        "from app.models.user import User\n",
    )
    assert project.found("GOS101") == [
        project.violation("GOS101", "app/models/payments.py", "from app.models.user import User")
    ]


def test_type_checking_import_of_another_model_is_not_reported(project):
    # The clean project imports User only under `if TYPE_CHECKING:` for Mapped["User"].
    assert "if TYPE_CHECKING:" in (project.root / "app/models/payments.py").read_text()
    assert project.found("GOS101") == []


def test_relative_and_package_imports_of_models_are_reported(project):
    project.append("app/models/payments.py", "from .user import User as _U\n")
    project.append("app/models/user.py", "from app.models import payments\n")
    found = project.found("GOS101")
    assert [(path, code) for path, _, code in found] == [
        ("app/models/payments.py", "GOS101"),
        ("app/models/user.py", "GOS101"),
    ]


def test_import_of_a_model_free_helper_module_is_allowed(project):
    project.write("app/models/enums.py", "import enum\n\nclass Status(enum.Enum):\n    OK = 1\n")
    project.append("app/models/payments.py", "from app.models.enums import Status\n")
    assert project.found("GOS101") == []


def test_relationship_given_a_class_is_reported(project):
    project.replace(
        "app/models/payments.py",
        'relationship("User", back_populates',
        "relationship(User, back_populates",
    )
    assert project.found("GOS102") == [
        project.violation("GOS102", "app/models/payments.py", "relationship(User")
    ]


def test_relationship_given_a_string_or_only_back_populates_is_clean(project):
    user = (project.root / "app/models/user.py").read_text()
    payments = (project.root / "app/models/payments.py").read_text()
    assert 'relationship(back_populates="owner"' in user
    assert 'relationship("User"' in payments
    assert project.found("GOS102") == []


def test_model_method_that_queries_is_reported(project):
    project.append(
        "app/models/payments.py",
        """

        from sqlalchemy import select


        class Invoice(Base):
            __tablename__ = "invoices"
            id: Mapped[int] = mapped_column(primary_key=True)

            async def total(self, session):
                rows = await session.scalars(select(Payment))
                return sum(p.amount for p in rows)
        """,
    )
    found = project.found("GOS103")
    assert len(found) == 1
    path, line, _ = found[0]
    assert path == "app/models/payments.py"
    assert line == project.line_of(path, "session.scalars")


def test_model_method_that_opens_a_session_is_reported(project):
    project.append(
        "app/models/user.py",
        """

        class Audit(Base):
            __tablename__ = "audits"
            id: Mapped[int] = mapped_column(primary_key=True)

            async def save(self):
                from app.db.database import AsyncSessionLocal
                async with AsyncSessionLocal() as s:
                    s.add(self)
        """,
    )
    found = project.found("GOS103")
    assert [code for *_, code in found] == ["GOS103"]


def test_plain_model_methods_and_hybrid_expressions_are_clean(project):
    project.append(
        "app/models/user.py",
        """

        from sqlalchemy import select
        from sqlalchemy.ext.hybrid import hybrid_property


        class Tag(Base):
            __tablename__ = "tags"
            id: Mapped[int] = mapped_column(primary_key=True)
            names: set[str] = set()

            def label(self) -> str:
                self.names.add("x")
                return "tag"

            @hybrid_property
            def count(self) -> int:
                return 0

            @count.expression
            def count(cls):
                return select(Tag.id).scalar_subquery()
        """,
    )
    assert project.found("GOS103") == []


def test_relationship_under_an_alias_is_still_relationship(project):
    project.replace(
        "app/models/payments.py",
        'relationship("User", back_populates',
        "rel(User, back_populates",
    )
    project.replace(
        "app/models/payments.py",
        "from sqlalchemy.orm import Mapped, mapped_column, relationship",
        "from sqlalchemy.orm import Mapped, mapped_column, relationship as rel",
    )
    assert project.found("GOS102") == [
        project.violation("GOS102", "app/models/payments.py", "rel(User")
    ]
