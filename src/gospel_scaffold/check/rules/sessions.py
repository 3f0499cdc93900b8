"""Session rules (GOS4xx): sessions come from the ``get_db`` dependency, never by hand."""

from __future__ import annotations

from collections.abc import Iterator

from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.project import Project
from gospel_scaffold.check.queries import session_creations

__all__ = ["ALLOWED", "CHECKS"]

#: Where sessions may be created: the database layer, the request dependencies (a module or a
#: package), and the stand-alone first-superuser script (it runs outside any request).
ALLOWED = (
    "app/db/",
    "app/api/dependencies.py",
    "app/api/dependencies/",
    "app/initial_data.py",
)


def _manual_session(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS401"]
    for source in project.tree_under("app"):
        if source.path.startswith(ALLOWED):
            continue
        for call, label in session_creations(source, source.tree):
            yield rule.at(
                source,
                call,
                f"{label} creates a database session by hand; sessions come from the get_db "
                "dependency (SessionDep), which commits or rolls back at the request boundary",
            )


#: The checks of this family, by rule code.
CHECKS = {"GOS401": _manual_session}
