"""A domain's slice: its generated files, its edits of shared files, and other domains' edits.

A generated model may also carry lines that *other* domains added (the collection of a
back-populated relationship). Those lines belong to the other domains' records, so comparing or
merging a file always works on its *own view*: the file with the other domains' edits taken out
(structurally, with libcst), which is then put back the same way.

The edits a domain makes to shared files (:func:`shared_edits`: the router list, the model
registry, the collections on other models, the README's API table) are structural and
idempotent: applying one that is already there changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from gospel_scaffold.domain.naming import DomainNames
from gospel_scaffold.domain.readme import README, add_api_rows, has_api_table
from gospel_scaffold.domain.record import DomainRecord, Edit
from gospel_scaffold.domain.registry import (
    BackPopulates,
    add_back_populates,
    add_model_import,
    add_router,
    remove_back_populates,
)
from gospel_scaffold.domain.spec import DomainSpec, association_table
from gospel_scaffold.domain.target_project import Project

__all__ = [
    "ROUTES_FILE",
    "SharedEdit",
    "domain_files",
    "other_edits",
    "relationship_sides",
    "shared_edits",
    "with_edits",
    "without_edits",
]

ROUTES_FILE = "app/api/routes/__init__.py"
DATABASE_FILE = "app/db/database.py"


def domain_files(names: DomainNames) -> dict[str, str]:
    """Return the generated files of a domain by step, paths relative to the project root."""
    return {
        "model": f"app/models/{names.module}.py",
        "schemas": f"app/schemas/{names.module}.py",
        "repository": f"app/repositories/{names.repository_module}.py",
        "service": f"app/services/{names.service_module}.py",
        "routes": f"app/api/routes/{names.module}.py",
        "unit_tests": f"tests/unit/test_{names.service_module}.py",
        "integration_tests": f"tests/integration/test_{names.module}_routes.py",
    }


def other_edits(
    records: dict[str, DomainRecord], domain: str, path: str, *, current: str | None = None
) -> list[BackPopulates]:
    """Return the relationships other domains added to ``path``, in the order ``current`` has them.

    Args:
        records: Every record of the project.
        domain: The domain whose file ``path`` is (its own edits are not "other").
        path: The file.
        current: The file's text, to keep the order of the added lines.
    """
    found = [
        BackPopulates(**edit.detail)
        for record in records.values()
        if record.plural != domain
        for edit in record.edits
        if edit.path == path and edit.kind == "back_populates"
    ]
    if current is not None:

        def position(side: BackPopulates) -> int:
            index = current.find(f"    {side.attribute}: ")
            return index if index >= 0 else len(current)

        found.sort(key=position)
    return found


def relationship_sides(spec: DomainSpec) -> list[tuple[str, BackPopulates]]:
    """Return the collections ``spec`` adds to other models, with the file of each.

    The owner's collection on ``User`` comes first, then one per reference to another model
    (a ``refs`` list links through its association table, named by ``secondary``).
    """
    names = spec.names
    sides: list[tuple[str, str, str, str, str, str]] = []
    if spec.owner:
        sides.append(("user", "User", "owner", spec.owner_back_populates, "owner_id", ""))
    for item in spec.fields:
        target = spec.refs.get(item.name)
        if target is None or target.names.plural == names.plural:
            continue
        many = item.type == "refs"
        sides.append(
            (
                target.model_module,
                target.names.class_name,
                item.name,
                target.back_populates,
                "" if many else item.column,
                association_table(names.table, item) if many else "",
            )
        )
    return [
        (
            f"app/models/{module}.py",
            BackPopulates(
                class_name=class_name,
                attribute=attribute,
                target_class=names.class_name,
                target_module=f"app.models.{names.module}",
                back_populates=back,
                # Always explicit: a later reference the other way must not make it ambiguous.
                foreign_keys=f"{names.class_name}.{column}" if column else "",
                secondary=secondary,
            ),
        )
        for module, class_name, back, attribute, column, secondary in sides
    ]


def without_edits(text: str, path: str, edits: list[BackPopulates], line_length: int) -> str:
    """Return ``text`` with ``edits`` taken out (the file's own view)."""
    for side in reversed(edits):
        text = remove_back_populates(text, side, path=path, line_length=line_length)
    return text


def with_edits(text: str, path: str, edits: list[BackPopulates], line_length: int) -> str:
    """Return ``text`` with ``edits`` put back, in order."""
    for side in edits:
        text = add_back_populates(text, side, path=path, line_length=line_length)
    return text


@dataclass(frozen=True)
class SharedEdit:
    """One edit a domain makes to a shared file.

    Attributes:
        edit: What the record keeps of it.
        step: The checklist step (``router``, ``registry``, ``relationships``, ``readme``).
        apply: Makes the edit on the file's text (idempotent; raises ``EditError`` when the
            file does not have the expected shape).
    """

    edit: Edit
    step: str
    apply: Callable[[str], str]


def _add_side(text: str, *, side: BackPopulates, path: str, line_length: int) -> str:
    return add_back_populates(text, side, path=path, line_length=line_length)


def shared_edits(project: Project, spec: DomainSpec) -> list[SharedEdit]:
    """The edits of shared files the domain ``spec`` makes, in the order they are made.

    The README's API table is edited only when the README has its markers.
    """
    names, line_length = spec.names, project.line_length
    edits = [
        SharedEdit(
            Edit(
                ROUTES_FILE,
                "router",
                {"module": names.module, "prefix": names.url_prefix, "tag": names.tag},
            ),
            "router",
            lambda text: add_router(
                text,
                module=names.module,
                prefix=names.url_prefix,
                tag=names.tag,
                path=ROUTES_FILE,
                line_length=line_length,
            ),
        ),
        SharedEdit(
            Edit(
                DATABASE_FILE,
                "model_registry",
                {"module": names.module, "class_name": names.class_name},
            ),
            "registry",
            lambda text: add_model_import(
                text,
                module=names.module,
                class_name=names.class_name,
                path=DATABASE_FILE,
                line_length=line_length,
            ),
        ),
    ]
    for path, side in relationship_sides(spec):
        edits.append(
            SharedEdit(
                Edit(path, "back_populates", side.detail()),
                "relationships",
                functools.partial(_add_side, side=side, path=path, line_length=line_length),
            )
        )
    readme = project.read(README)
    if readme is not None and has_api_table(readme):
        edits.append(
            SharedEdit(
                Edit(README, "api_table", {"prefix": names.url_prefix}),
                "readme",
                lambda text: add_api_rows(text, names, owner=spec.owner),
            )
        )
    return edits
