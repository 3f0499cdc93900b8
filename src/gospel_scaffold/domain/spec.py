"""A domain's spec (:class:`DomainSpec`) and its ``ref`` fields resolved to their targets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from gospel_scaffold.domain.fields import Field, parse_fields
from gospel_scaffold.domain.naming import DomainNames, domain_names
from gospel_scaffold.domain.record import DomainRecord
from gospel_scaffold.domain.reserved import SNAKE_CASE, reason_name_is_refused
from gospel_scaffold.domain.target_project import Project
from gospel_scaffold.errors import InvalidInputError

__all__ = ["USER_NAMES", "DomainSpec", "RefTarget", "build_spec"]

USER_NAMES = DomainNames(
    singular="user",
    plural="users",
    class_name="User",
    table="users",
    module="user",
    url_prefix="/users",
    tag="Users",
    title="user",
)
"""The built-in users domain of every generated project."""


@dataclass(frozen=True)
class RefTarget:
    """The domain a ``ref`` field points at.

    Attributes:
        names: Its names (for ``users``: class ``User``, module ``user``).
        model_module: Its model module under ``app.models`` (``user``, ``customers``).
        repository_module: Its repository module under ``app.repositories``.
        repository_class: Its repository class.
        owner: Whether its rows belong to users (their owner must match the caller's).
        is_user: Whether the target is the built-in users table.
        fields: Its fields (for building rows in the tests), empty for users.
        back_populates: The collection added to it (``payments``; ``children`` for ``parent``).
        ambiguous: Several foreign keys point at it, so relationships name theirs.
        is_self: The domain references itself (a tree): the collection is in its own model.
    """

    names: DomainNames
    model_module: str
    repository_module: str
    repository_class: str
    owner: bool
    is_user: bool
    fields: tuple[Field, ...] = ()
    back_populates: str = ""
    ambiguous: bool = False
    is_self: bool = False


@dataclass(frozen=True)
class DomainSpec:
    """Everything needed to render a domain.

    Attributes:
        names: The domain's names.
        fields: Its fields, in order.
        owner: Whether rows belong to the user who created them.
        refs: Targets of its ``ref`` fields, by field name.
        owner_back_populates: The collection added to ``User`` for the owner relationship.
        samples: For the tests: specs of every domain a sample row needs, by plural name.
        owner_ambiguous: Another foreign key also points at ``users``.
    """

    names: DomainNames
    fields: tuple[Field, ...]
    owner: bool
    refs: dict[str, RefTarget] = field(default_factory=dict)
    owner_back_populates: str = ""
    samples: dict[str, DomainSpec] = field(default_factory=dict)
    owner_ambiguous: bool = False


def _resolve_names(ref: str) -> DomainNames:
    if ref in ("user", "users"):
        return USER_NAMES
    return domain_names(ref)


def _target_of(
    ref: str, own: DomainNames, project: Project, records: dict[str, DomainRecord], spec: str
) -> tuple[DomainNames, DomainRecord | None]:
    added = next((r for r in records.values() if ref in (r.plural, r.singular)), None)
    known = ", ".join(["users", *sorted(records)])
    if ref in (own.plural, own.singular):
        target = own
    elif added is not None:
        target = domain_names(added.plural, singular=added.singular, plural=added.plural)
    else:
        try:
            target = _resolve_names(ref)
        except InvalidInputError:
            if SNAKE_CASE.match(ref) and reason_name_is_refused(ref) is None:
                # A valid name inflect cannot derive (``bus``): no such domain was added.
                raise InvalidInputError(
                    f"Field {spec!r}: the referenced domain {ref!r} does not exist; add it first "
                    f"(gospel add-domain {ref} ...) or reference one of: {known}"
                ) from None
            raise InvalidInputError(
                f"Field {spec!r}: {ref!r} is not a domain name; use e.g. customer:ref:customers"
            ) from None
    if target is USER_NAMES:
        return target, None
    record = records.get(target.plural)
    if record is not None:
        return domain_names(record.plural, singular=record.singular, plural=record.plural), record
    if target.table in project.models:
        raise InvalidInputError(
            f"Field {spec!r}: {ref!r} was not added with gospel add-domain, so its "
            f"shape is unknown; reference one of: {known}"
        )
    raise InvalidInputError(
        f"Field {spec!r}: the referenced domain {ref!r} does not exist; add it first "
        f"(gospel add-domain {ref} ...) or reference one of: {known}"
    )


def _target(
    names: DomainNames, record: DomainRecord | None, back_populates: str, *, ambiguous: bool
) -> RefTarget:
    if record is None:
        return RefTarget(
            names=names,
            model_module="user",
            repository_module="user_repository",
            repository_class="UserRepository",
            owner=False,
            is_user=True,
            back_populates=back_populates,
            ambiguous=ambiguous,
        )
    return RefTarget(
        names=names,
        model_module=names.module,
        repository_module=names.repository_module,
        repository_class=f"{names.class_name}Repository",
        owner=record.owner,
        is_user=False,
        fields=tuple(parse_fields(record.fields)),
        back_populates=back_populates,
        ambiguous=ambiguous,
    )


def _self_target(names: DomainNames, item: Field, owner: bool, *, ambiguous: bool) -> RefTarget:
    if not item.nullable:
        raise InvalidInputError(
            f"Field {item.spec!r}: a reference to the domain itself must be nullable (the first "
            f"{names.title} has no {item.name}); use {item.spec}:null"
        )
    collection = "children" if item.name == "parent" else f"{names.plural}_as_{item.name}"
    return RefTarget(
        names=names,
        model_module=names.module,
        repository_module=names.repository_module,
        repository_class=f"{names.class_name}Repository",
        owner=owner,
        is_user=False,
        back_populates=collection,
        ambiguous=ambiguous,
        is_self=True,
    )


def build_spec(
    names: DomainNames,
    fields: list[Field],
    owner: bool,
    project: Project,
    records: dict[str, DomainRecord],
    *,
    record: DomainRecord | None = None,
    seen: frozenset[str] = frozenset(),
) -> DomainSpec:
    """Resolve every reference of a domain (and, for the tests, of the domains it references).

    Args:
        names: The domain's names.
        fields: Its parsed fields.
        owner: Whether its rows have an owner.
        project: The project.
        records: Every record of the project.
        record: The domain's own record, when it exists: the collections it already added to
            other models keep their names, so adding a field never renames them.
        seen: Domains already being resolved (guards against cycles).

    Returns:
        The domain spec.

    Raises:
        InvalidInputError: A referenced domain is missing or unknown.
    """
    resolved = [
        (item, names, None)
        if item.ref in (names.plural, names.singular)
        else (item, *_target_of(item.ref, names, project, records, item.spec))
        for item in fields
        if item.type == "ref" and item.ref is not None
    ]
    counts = Counter(target_names.plural for _, target_names, _ in resolved)
    if owner:
        counts["users"] += 1
    refs: dict[str, RefTarget] = {}
    samples: dict[str, DomainSpec] = {}
    existing = {
        edit.detail["back_populates"]: edit.detail["attribute"]
        for edit in (record.edits if record is not None else [])
        if edit.kind == "back_populates"
    }
    for item, target_names, target_record in resolved:
        ambiguous = counts[target_names.plural] > 1
        if target_names is names:
            refs[item.name] = _self_target(names, item, owner, ambiguous=ambiguous)
            continue
        attribute = existing.get(item.name) or (
            f"{names.plural}_as_{item.name}" if ambiguous else names.plural
        )
        refs[item.name] = _target(target_names, target_record, attribute, ambiguous=ambiguous)
        plural = target_names.plural
        if target_record is not None and plural not in seen and plural not in samples:
            samples[plural] = build_spec(
                target_names,
                list(refs[item.name].fields),
                target_record.owner,
                project,
                records,
                seen=seen | {names.plural},
            )
    return DomainSpec(
        names=names,
        fields=tuple(fields),
        owner=owner,
        refs=refs,
        owner_back_populates=names.plural,
        samples=samples,
        owner_ambiguous=owner and counts["users"] > 1,
    )
