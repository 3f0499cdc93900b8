"""GOS401: no sessions created by hand."""

from __future__ import annotations

OPENS_A_SESSION = """
    from app.db.database import AsyncSessionLocal


    async def nightly_cleanup() -> None:
        async with AsyncSessionLocal() as session:
            await session.commit()
"""


def test_clean_project_creates_sessions_only_in_db_and_dependencies(project):
    assert "AsyncSessionLocal()" in (project.root / "app/api/dependencies.py").read_text()
    assert project.found("GOS4") == []


def test_service_opening_its_own_session_is_reported(project):
    project.append("app/services/payments_service.py", OPENS_A_SESSION)
    assert project.found("GOS401") == [
        project.violation("GOS401", "app/services/payments_service.py", "AsyncSessionLocal() as")
    ]


def test_sqlalchemy_session_class_and_sessionmaker_are_reported(project):
    project.write(
        "app/core/jobs.py",
        """
        from sqlalchemy.orm import Session, sessionmaker


        def run(engine):
            factory = sessionmaker(engine)
            with Session(engine) as session:
                return factory, session
        """,
    )
    assert [line for _, line, _ in project.found("GOS401")] == [5, 6]


def test_initial_data_script_may_open_a_session(project):
    project.write("app/initial_data.py", OPENS_A_SESSION)
    assert project.found("GOS401") == []


def test_unrelated_session_named_class_is_not_reported(project):
    project.write(
        "app/services/chat_service.py",
        "class Session:\n    pass\n\n\ndef start() -> Session:\n    return Session()\n",
    )
    assert project.found("GOS401") == []
