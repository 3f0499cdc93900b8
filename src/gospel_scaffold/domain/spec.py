"""A domain's spec (:class:`DomainSpec`) and its references resolved to their targets.

:class:`SpecResolver` builds the specs of one project's domains, each once per command: a
spec's ``samples`` (what its generated tests need to build rows of the domains it references)
are *sample specs*, which keep only the fields a row cannot do without (required fields and
required references). So a sample follows required references only, and a field added with a
default or ``:null`` never changes the tests of the domains that reference its domain.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from gospel_scaffold.domain.fields import Field, parse_fields
from gospel_scaffold.domain.naming import DomainNames, domain_names, plural_of
from gospel_scaffold.domain.record import DomainRecord
from gospel_scaffold.domain.registered import (
    RegisteredModel,
    SampleRow,
    find_registered_model,
    registered_models,
)
from gospel_scaffold.domain.reserved import SNAKE_CASE, reason_name_is_refused
from gospel_scaffold.domain.target_project import Project
from gospel_scaffold.errors import InvalidInputError

__all__ = [
    "USER_NAMES",
    "DomainSpec",
    "RefTarget",
    "SpecResolver",
    "association_table",
    "required_fields",
    "sample_dependents",
]

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
        back_populates: The collection added to it (``payments``; ``children`` for ``parent``).
        ambiguous: Several foreign keys point at it, so relationships name theirs.
        is_self: The domain references itself (a tree): the collection is in its own model.
        sample_row: For a registered model gospel did not generate: how the tests build a row
            (``None`` for ``users`` and domains, whose rows the tests build otherwise).
    """

    names: DomainNames
    model_module: str
    repository_module: str
    repository_class: str
    owner: bool
    is_user: bool
    back_populates: str = ""
    ambiguous: bool = False
    is_self: bool = False
    sample_row: SampleRow | None = None

    @property
    def is_model(self) -> bool:
        """Whether the target is a registered model gospel did not generate."""
        return self.sample_row is not None


@dataclass(frozen=True)
class DomainSpec:
    """Everything needed to render a domain.

    Attributes:
        names: The domain's names.
        fields: Its fields, in order (a sample spec keeps only the required ones).
        owner: Whether rows belong to the user who created them.
        refs: Targets of its ``ref`` fields, by field name.
        owner_back_populates: The collection added to ``User`` for the owner relationship.
        samples: For the tests: sample specs of the domains its references point at, by
            plural name (``None`` where a loop of required references makes a row unbuildable).
        owner_ambiguous: Another foreign key also points at ``users``.
    """

    names: DomainNames
    fields: tuple[Field, ...]
    owner: bool
    refs: dict[str, RefTarget] = field(default_factory=dict)
    owner_back_populates: str = ""
    samples: dict[str, DomainSpec | None] = field(default_factory=dict)
    owner_ambiguous: bool = False


def association_table(table: str, item: Field) -> str:
    """The table linking the rows of a ``refs`` field: ``posts_tags`` for ``posts.tags``."""
    return f"{table}_{item.name}"


def required_fields(fields: list[Field] | tuple[Field, ...]) -> list[Field]:
    """The fields a row cannot be created without (what a sample row fills)."""
    return [item for item in fields if item.required]


def _names_of(record: DomainRecord) -> DomainNames:
    return domain_names(record.plural, singular=record.singular, plural=record.plural)


def _user_target(back_populates: str, *, ambiguous: bool) -> RefTarget:
    return RefTarget(
        names=USER_NAMES,
        model_module="user",
        repository_module="user_repository",
        repository_class="UserRepository",
        owner=False,
        is_user=True,
        back_populates=back_populates,
        ambiguous=ambiguous,
    )


def _domain_target(
    names: DomainNames, owner: bool, back_populates: str, *, ambiguous: bool, is_self: bool = False
) -> RefTarget:
    return RefTarget(
        names=names,
        model_module=names.module,
        repository_module=names.repository_module,
        repository_class=f"{names.class_name}Repository",
        owner=owner,
        is_user=False,
        back_populates=back_populates,
        ambiguous=ambiguous,
        is_self=is_self,
    )


def _model_target(
    names: DomainNames, model: RegisteredModel, back_populates: str, *, ambiguous: bool
) -> RefTarget:
    return RefTarget(
        names=names,
        model_module=model.module,
        repository_module=model.repository_module or "",
        repository_class=model.repository_class or "",
        owner=model.owned,
        is_user=False,
        back_populates=back_populates,
        ambiguous=ambiguous,
        sample_row=model.sample,
    )


def _find_record(records: dict[str, DomainRecord], ref: str) -> DomainRecord | None:
    return next((r for r in records.values() if ref in (r.plural, r.singular)), None)


_Resolved = tuple[DomainNames, str, "RegisteredModel | None"]


class SpecResolver:
    """Resolves the references of a project's domains; each sample spec is built once.

    Args:
        project: The project.
        records: Every record of the project (as the command sees them: a planned change may
            pass the records it would write).
    """

    def __init__(self, project: Project, records: dict[str, DomainRecord]) -> None:
        self.project = project
        self.records = records
        self._fields: dict[str, list[Field]] = {}
        self._samples: dict[tuple[str, frozenset[str]], DomainSpec | None] = {}
        self._registered: dict[str, RegisteredModel] | None = None

    def fields_of(self, record: DomainRecord) -> list[Field]:
        """The parsed fields of ``record`` (parsed once)."""
        if record.plural not in self._fields:
            self._fields[record.plural] = parse_fields(record.fields)
        return self._fields[record.plural]

    def registered(self) -> dict[str, RegisteredModel]:
        """The models registered in ``app/db/database.py`` (read once), by table."""
        if self._registered is None:
            self._registered = registered_models(self.project.root)
        return self._registered

    def _resolve(self, item: Field, own: DomainNames) -> _Resolved:
        """Return the referenced domain's names, kind and, for ``model``, what it is.

        Kinds: ``self``, ``user``, ``domain`` (added by gospel) and ``model`` (registered in
        ``app/db/database.py``, written by hand).
        """
        ref, spec, records = item.ref or "", item.spec, self.records
        if ref in (own.plural, own.singular):
            return own, "self", None
        added = _find_record(records, ref)
        if added is not None:
            return _names_of(added), "domain", None
        if ref in ("user", "users"):
            return USER_NAMES, "user", None
        try:
            target: DomainNames | None = domain_names(ref)
        except InvalidInputError:
            target = None
        if target is not None and target.plural in records:
            return _names_of(records[target.plural]), "domain", None
        models = self.registered()
        model = find_registered_model(ref, [target.table] if target else [], models)
        if model is not None and model.table != "users":
            reason = model.refuse_reason(spec, single=item.type == "ref")
            if reason is not None:
                raise InvalidInputError(reason)
            singular = model.singular
            names = DomainNames(
                singular=singular,
                plural=plural_of(singular),
                class_name=model.class_name,
                table=model.table,
                module=model.module,
                url_prefix="",
                tag="",
                title=singular.replace("_", " "),
            )
            return names, "model", model
        known = ", ".join(sorted({"users", *records, *models}))
        unregistered = self.project.models.get(target.table if target else ref)
        if unregistered is not None:
            raise InvalidInputError(
                f"Field {spec!r}: {unregistered.class_name} ({unregistered.path}) is not in the "
                f"model registry; add {unregistered.module} to `from app.models import ...` at the "
                "bottom of app/db/database.py and run the command again"
            )
        if target is None and not (SNAKE_CASE.match(ref) and reason_name_is_refused(ref) is None):
            raise InvalidInputError(
                f"Field {spec!r}: {ref!r} is not a domain name; use e.g. customer:ref:customers"
            )
        # A valid name inflect cannot derive (``bus``) lands here too: no such domain exists.
        raise InvalidInputError(
            f"Field {spec!r}: the referenced domain {ref!r} does not exist; add it first "
            f"(gospel add-domain {ref} ...) or reference one of: {known}"
        )

    def spec(
        self,
        names: DomainNames,
        fields: list[Field] | tuple[Field, ...],
        owner: bool,
        *,
        record: DomainRecord | None = None,
    ) -> DomainSpec:
        """Resolve every reference of a domain and the sample specs its tests need.

        Args:
            names: The domain's names.
            fields: Its parsed fields.
            owner: Whether its rows have an owner.
            record: The domain's own record, when it exists: the collections it already added
                to other models keep their names, so adding a field never renames them.

        Returns:
            The domain spec.

        Raises:
            InvalidInputError: A referenced domain is missing or unknown.
        """
        return self._build(names, tuple(fields), owner, record=record, seen=frozenset())

    def spec_of(self, record: DomainRecord) -> DomainSpec:
        """The full spec of a recorded domain."""
        return self.spec(_names_of(record), self.fields_of(record), record.owner, record=record)

    def _sample(self, plural: str, seen: frozenset[str]) -> DomainSpec | None:
        """The sample spec of a recorded domain: its required fields only.

        ``seen`` holds the domain whose tests are rendered and the samples on the way here: a
        sample never builds a row of those (a loop of required references, or an extra row of
        the domain under test, which would upset its counts), so it is ``None`` instead.
        """
        if plural in seen:
            return None
        key = (plural, seen)
        if key not in self._samples:
            record = self.records[plural]
            fields = tuple(required_fields(self.fields_of(record)))
            self._samples[key] = self._build(
                _names_of(record), fields, record.owner, record=record, seen=seen | {plural}
            )
        return self._samples[key]

    def _build(
        self,
        names: DomainNames,
        fields: tuple[Field, ...],
        owner: bool,
        *,
        record: DomainRecord | None,
        seen: frozenset[str],
    ) -> DomainSpec:
        resolved = [
            (item, *self._resolve(item, names))
            for item in fields
            if item.type in ("ref", "refs") and item.ref is not None
        ]
        counts = Counter(target.plural for _, target, _, _ in resolved)
        if owner:
            counts["users"] += 1
        existing = {
            edit.detail["back_populates"]: edit.detail["attribute"]
            for edit in (record.edits if record is not None else [])
            if edit.kind == "back_populates"
        }
        refs: dict[str, RefTarget] = {}
        samples: dict[str, DomainSpec | None] = {}
        for item, target, kind, model in resolved:
            ambiguous = counts[target.plural] > 1
            if item.type == "refs" and not seen:  # only the domain itself, not its samples
                self._check_association(names, item, target)
            if kind == "self":
                refs[item.name] = self._self_target(names, item, owner, ambiguous=ambiguous)
                continue
            attribute = existing.get(item.name) or (
                f"{names.plural}_as_{item.name}" if ambiguous else names.plural
            )
            if kind == "user":
                refs[item.name] = _user_target(attribute, ambiguous=ambiguous)
                continue
            if model is not None:
                refs[item.name] = _model_target(target, model, attribute, ambiguous=ambiguous)
                continue
            target_record = self.records[target.plural]
            refs[item.name] = _domain_target(
                target, target_record.owner, attribute, ambiguous=ambiguous
            )
            if target.plural not in samples:
                samples[target.plural] = self._sample(target.plural, seen | {names.plural})
        return DomainSpec(
            names=names,
            fields=fields,
            owner=owner,
            refs=refs,
            owner_back_populates=names.plural,
            samples=samples,
            owner_ambiguous=owner and counts["users"] > 1,
        )

    def association_tables(self) -> dict[str, str]:
        """The association tables of every recorded domain, with the field that owns each."""
        tables: dict[str, str] = {}
        for record in self.records.values():
            for item in self.fields_of(record):
                if item.type == "refs":
                    tables[association_table(record.plural, item)] = f"{record.plural}.{item.name}"
        return tables

    def _check_association(self, names: DomainNames, item: Field, target: DomainNames) -> None:
        if target == names:
            raise InvalidInputError(
                f"Field {item.spec!r}: a many-to-many reference of a domain to itself is not "
                "generated yet; link the rows through a domain of their own (gospel add-domain "
                f"{names.singular}_links {names.singular}:ref:{names.plural} ...)"
            )
        if item.item_name == names.singular:
            raise InvalidInputError(
                f"Field {item.spec!r}: its link column would be {names.singular}_id, the "
                f"column of {names.plural} itself; name the field after what it links (e.g. "
                f"related_{item.name})"
            )
        table = association_table(names.plural, item)
        owner = self.association_tables().get(table)
        taken = table in self.project.models or table in self.records
        if taken or (owner is not None and owner != f"{names.plural}.{item.name}"):
            raise InvalidInputError(
                f"Field {item.spec!r}: its association table {table!r} already exists in the "
                "project; give the field another name"
            )

    @staticmethod
    def _self_target(names: DomainNames, item: Field, owner: bool, *, ambiguous: bool) -> RefTarget:
        if not item.nullable:
            raise InvalidInputError(
                f"Field {item.spec!r}: a reference to the domain itself must be nullable (the "
                f"first {names.title} has no {item.name}); use {item.spec}:null"
            )
        collection = "children" if item.name == "parent" else f"{names.plural}_as_{item.name}"
        return _domain_target(names, owner, collection, ambiguous=ambiguous, is_self=True)


def sample_dependents(plural: str, resolver: SpecResolver) -> list[str]:
    """Domains whose generated tests build rows of ``plural`` (so its sample spec shapes them).

    A domain's tests build a row of every domain it references, and of every domain those
    reference with a required reference, and so on.
    """
    records = resolver.records

    def targets(name: str, *, required_only: bool) -> set[str]:
        found: set[str] = set()
        for item in resolver.fields_of(records[name]):
            if item.type not in ("ref", "refs") or item.ref is None:
                continue
            if required_only and not item.required:
                continue
            target = _find_record(records, item.ref)
            if target is not None and target.plural != name:
                found.add(target.plural)
        return found

    dependents: list[str] = []
    for name in records:
        if name == plural:
            continue
        pending = list(targets(name, required_only=False))
        reached: set[str] = set()
        while pending:
            current = pending.pop()
            if current in reached:
                continue
            reached.add(current)
            pending.extend(targets(current, required_only=True))
        if plural in reached:
            dependents.append(name)
    return dependents
