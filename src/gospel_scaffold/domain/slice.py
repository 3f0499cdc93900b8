"""A domain's slice: its generated files, rendered and formatted, and other domains' edits to them.

A generated model may also carry lines that *other* domains added (the collection of a
back-populated relationship). Those lines belong to the other domains' records, so comparing or
merging a file always works on its *own view*: the file with the other domains' edits taken out
(structurally, with libcst), which is then put back the same way.
"""

from __future__ import annotations

from gospel_scaffold.domain.naming import DomainNames
from gospel_scaffold.domain.record import DomainRecord
from gospel_scaffold.domain.registry import BackPopulates, add_back_populates, remove_back_populates
from gospel_scaffold.domain.spec import DomainSpec, association_table

__all__ = [
    "domain_files",
    "other_edits",
    "relationship_sides",
    "with_edits",
    "without_edits",
]


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
