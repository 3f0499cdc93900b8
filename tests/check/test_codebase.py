"""Reading a project's sources: what is read, how, and when it cannot be read."""

from __future__ import annotations

import ast

import pytest

from gospel_scaffold.check.runner import read_codebase
from gospel_scaffold.errors import NotAProjectError, UnreadableProjectError


def test_folder_without_an_application_package_is_not_a_project(tmp_path):
    with pytest.raises(NotAProjectError, match="no FastAPI application package"):
        read_codebase(tmp_path)


def test_syntax_error_is_unreadable_with_its_location(project):
    project.write("app/services/broken.py", "def oops(:\n    pass\n")
    with pytest.raises(UnreadableProjectError, match=r"app/services/broken.py:1:\d+"):
        project.check()


def test_package_is_parsed_tests_are_read_and_virtualenvs_and_caches_are_not(project):
    project.write("app/.venv/lib/x.py", "def oops(:\n")
    project.write("app/__pycache__/x.py", "def oops(:\n")
    project.write("scripts/seed.py", "def oops(:\n")
    project.write("tests/test_broken.py", "def oops(:\n")  # tests are read, never parsed
    loaded = read_codebase(project.root)
    assert "app/models/user.py" in loaded.files
    assert "tests/integration/test_users_routes.py" in [test.path for test in loaded.tests]
    assert not any(
        ".venv" in p or "__pycache__" in p or p.startswith(("scripts", "tests"))
        for p in loaded.files
    )


def test_imports_are_resolved_to_modules(project):
    loaded = read_codebase(project.root)
    switchboard = loaded.files["app/api/routes/__init__.py"]
    modules = {ref.module for ref in switchboard.imports}
    assert {"app.api.routes.payments", "app.api.routes.users", "fastapi"} <= modules
    payments = loaded.files["app/models/payments.py"]
    user_import = next(ref for ref in payments.imports if ref.module == "app.models.user")
    assert user_import.type_checking


def test_statement_lines_span_the_enclosing_statement_or_compound_header(project):
    project.write(
        "app/services/spans.py",
        """
        import ast


        @staticmethod
        def handler(
            a: int,
        ) -> int:
            # a comment before the body
            total = sum(
                [a, a],
            )
            if ast.literal_eval(
                "1"
            ):
                return total
            return 0
        """,
    )
    source = read_codebase(project.root).files["app/services/spans.py"]
    function = source.tree.body[1]
    assert isinstance(function, ast.FunctionDef)
    assign, condition = function.body[0], function.body[1]
    assert isinstance(assign, ast.Assign)
    assert isinstance(assign.value, ast.Call)
    assert isinstance(condition, ast.If)
    assert isinstance(condition.test, ast.Call)
    assert source.statement_lines(assign.value.args[0]) == (9, 11)
    assert source.statement_lines(condition.test.args[0]) == (12, 14)
    assert source.statement_lines(condition.body[0]) == (15, 15)
    assert function.returns is not None
    assert source.statement_lines(function) == (4, 7)
    assert source.statement_lines(function.returns) == (4, 7)


def test_test_modules_next_to_the_code_are_tests_not_code(project):
    project.write(
        "app/services/test_payments_service.py",
        "from app.db.database import AsyncSessionLocal\n\nsession = AsyncSessionLocal()\n",
    )
    loaded = read_codebase(project.root)
    assert "app/services/test_payments_service.py" not in loaded.files
    assert "app/services/test_payments_service.py" in [test.path for test in loaded.tests]
    assert project.found("GOS401") == []
