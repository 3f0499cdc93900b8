"""Render every generated file of a domain: model, schemas, repository, service, routes, tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gospel_scaffold.domain.render import (
    INT32_MAX,
    MAX_LINKS,
    FieldView,
    import_block,
    render_template,
)
from gospel_scaffold.domain.spec import DomainSpec, RefTarget

__all__ = ["render_domain", "views_of"]


def views_of(spec: DomainSpec) -> list[FieldView]:
    """Return the fields of ``spec`` with their references resolved."""
    return [
        FieldView(item, spec.names, spec.refs.get(item.name), owner=spec.owner)
        for item in spec.fields
    ]


def _targets(spec: DomainSpec) -> list[RefTarget]:
    """The targets of single references, found through their own repositories."""
    unique: dict[str, RefTarget] = {}
    for view in views_of(spec):
        target = view.target
        # The service's own repository finds its own rows and the rows of refs lists.
        if view.kind == "ref" and target is not None and not target.is_self:
            unique.setdefault(target.names.plural, target)
    return list(unique.values())


def _many_targets(views: list[FieldView]) -> list[RefTarget]:
    """The targets of ``refs`` lists, each once (the domain's repository queries them)."""
    unique: dict[str, RefTarget] = {}
    for view in views:
        if view.many and view.target is not None:
            unique.setdefault(view.target.names.plural, view.target)
    return list(unique.values())


def _and_join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _model(spec: DomainSpec, views: list[FieldView]) -> str:
    imports: dict[str, set[str]] = {
        "sqlalchemy.orm": {"Mapped", "mapped_column"},
        "app.db.database": {"Base", "TimestampMixin"},
        "sqlalchemy": set(),
    }
    modules: set[str] = set()
    type_checking: set[str] = set()
    columns = [view for view in views if not view.many]
    many = [view for view in views if view.many]
    kinds = {view.kind for view in views}
    sa_names = {
        "str": "String",
        "text": "Text",
        "bigint": "BigInteger",
        "float": "Float",
        "decimal": "Numeric",
        "uuid": "Uuid",
        "json": "JSON",
        "enum": "Enum",
    }
    for kind, name in sa_names.items():
        if kind in kinds:
            imports["sqlalchemy"].add(name)
    if "decimal" in kinds:
        imports["decimal"] = {"Decimal"}
    if "date" in kinds:
        imports.setdefault("datetime", set()).add("date")
    if "datetime" in kinds:
        imports.setdefault("datetime", set()).add("datetime")
        imports["app.db.database"].add("UTCDateTime")
    if "uuid" in kinds:
        imports["uuid"] = {"UUID"}
    if "json" in kinds:
        imports["typing"] = {"Any"}
    if "enum" in kinds:
        modules.add("enum")
    refs = [view for view in views if view.kind == "ref"]
    if refs or many or spec.owner:
        imports["sqlalchemy"].add("ForeignKey")
        imports["sqlalchemy.orm"].add("relationship")
    if many:
        imports["sqlalchemy"] |= {"Column", "Table"}
    for view in [*refs, *many]:
        assert view.target is not None
        if view.target.is_self:
            continue
        type_checking.add(
            f"from app.models.{view.target.model_module} import {view.target.names.class_name}"
        )
    if spec.owner:
        type_checking.add("from app.models.user import User")
    owner_uniques = [view for view in views if view.unique_per_owner]
    if owner_uniques:
        imports["sqlalchemy"].add("UniqueConstraint")
    if type_checking:
        imports.setdefault("typing", set()).add("TYPE_CHECKING")
    enums = [view for view in views if view.kind == "enum"]
    exports = sorted(
        [
            spec.names.class_name,
            *(view.enum_class for view in enums),
            *(view.association for view in many),
        ]
    )
    return render_template(
        "model.py.jinja",
        {
            "names": spec.names,
            "imports": import_block(imports, modules),
            "type_checking": sorted(type_checking),
            "exports": exports,
            "enums": enums,
            "fields": columns,
            "refs": refs,
            "many": many,
            "self_refs": [view for view in refs if view.target and view.target.is_self],
            "owner": spec.owner,
            "owner_uniques": owner_uniques,
            "owner_back_populates": spec.owner_back_populates,
            "owner_ambiguous": spec.owner_ambiguous,
            "description": f"One {spec.names.title}."
            if not spec.owner
            else f"One {spec.names.title}, owned by the user who created it.",
        },
    )


def _schemas(spec: DomainSpec, views: list[FieldView]) -> str:
    imports: dict[str, set[str]] = {
        "pydantic": {"BaseModel", "ConfigDict"},
        "datetime": {"datetime"},
    }
    many = [view for view in views if view.many]
    text = "\n".join(
        [view.create_line + view.update_line for view in views] + [view.ids_type for view in many]
    )
    if "Annotated[" in text:
        imports["typing"] = {"Annotated"}
    if "Field(" in text:
        imports["pydantic"].add("Field")
    for view in views:
        for module, names in view.schema_imports.items():
            imports.setdefault(module, set()).update(names)
    kinds = {view.kind for view in views}
    if "decimal" in kinds:
        imports["decimal"] = {"Decimal"}
    if "date" in kinds:
        imports["datetime"].add("date")  # the read schema's type
    if "uuid" in kinds:
        imports["uuid"] = {"UUID"}
    if "json" in kinds:
        imports.setdefault("typing", set()).add("Any")
    enums = {view.enum_class for view in views if view.kind == "enum"}
    if enums:
        imports[f"app.models.{spec.names.module}"] = enums
    return render_template(
        "schemas.py.jinja",
        {
            "names": spec.names,
            "imports": import_block(imports),
            "fields": views,
            "many": many,
            "max_links": MAX_LINKS,
            "owner": spec.owner,
        },
    )


def _repository(spec: DomainSpec, views: list[FieldView]) -> str:
    names = spec.names
    many = [view for view in views if view.many]
    imports: dict[str, set[str]] = {
        f"app.models.{names.module}": {names.class_name},
        "app.repositories.base": {"RepositoryBase"},
    }
    targets = _many_targets(views)
    self_refs = [
        view
        for view in views
        if view.kind == "ref" and view.target is not None and view.target.is_self
    ]
    if many or self_refs:
        imports["collections.abc"] = {"Sequence"}
        imports["sqlalchemy"] = {"select"}
    if many:
        imports["collections.abc"].add("Collection")
        imports["sqlalchemy.orm"] = {"selectinload"}
    for target in targets:
        imports.setdefault(f"app.models.{target.model_module}", set()).add(target.names.class_name)
    return render_template(
        "repository.py.jinja",
        {
            "names": names,
            "imports": import_block(imports),
            "many": many,
            "loaded": _and_join([view.name.replace("_", " ") for view in many]) if many else "",
            "options": ", ".join(f"selectinload({names.class_name}.{view.name})" for view in many),
            "targets": targets,
            "self_refs": self_refs,
            "chained": _and_join([view.name.replace("_", " ") for view in self_refs])
            if self_refs
            else "",
        },
    )


def _unique_tuple(views: list[FieldView]) -> str:
    columns = [f'"{view.column}"' for view in views if view.unique]
    return f"({columns[0]},)" if len(columns) == 1 else f"({', '.join(columns)})"


def _service_imports(spec: DomainSpec, views: list[FieldView]) -> dict[str, set[str]]:
    """The imports the service and its unit tests both need."""
    names = spec.names
    exceptions = {"NotFoundError"}
    if any(view.kind in ("ref", "refs") or view.unique for view in views):
        exceptions.add("ConflictError")
    if not spec.owner:
        exceptions.add("ForbiddenError")
    imports: dict[str, set[str]] = {
        "collections.abc": {"Sequence"},
        "app.core.exceptions": exceptions,
        f"app.models.{names.module}": {names.class_name},
        "app.models.user": {"User"},
        f"app.repositories.{names.repository_module}": {f"{names.class_name}Repository"},
        f"app.schemas.{names.module}": {f"{names.class_name}Create", f"{names.class_name}Update"},
    }
    for target in _targets(spec):
        imports.setdefault(f"app.repositories.{target.repository_module}", set()).add(
            target.repository_class
        )
    return imports


def _checks_owner(spec: DomainSpec, view: FieldView) -> bool:
    """Whether a referenced row must belong to the caller.

    Without an owner only superusers write, and they may reference any row.
    """
    return spec.owner and view.target is not None and view.target.owner


@dataclass(frozen=True)
class _Actors:
    """Which service methods take the acting user (only those that use it do).

    Attributes:
        refs: ``_check_references`` checks the owner of a referenced row.
        update: ``update`` takes ``actor`` (write guard or reference owners).
    """

    refs: bool
    update: bool

    @classmethod
    def of(cls, spec: DomainSpec) -> _Actors:
        views = views_of(spec)
        refs = any(_checks_owner(spec, view) for view in views if view.kind == "ref")
        many = any(_checks_owner(spec, view) for view in views if view.many)
        return cls(refs=refs, update=refs or many or not spec.owner)


def _service(spec: DomainSpec, views: list[FieldView]) -> str:
    names = spec.names
    imports = _service_imports(spec, views)
    refs = [view for view in views if view.kind == "ref"]
    uniques = [view for view in views if view.unique]
    if spec.owner or refs or uniques:
        imports["typing"] = {"Any"}
    many = [
        _ViewWith(view, {"checks_owner": _checks_owner(spec, view)}) for view in views if view.many
    ]
    for view in many:
        target = view.target
        imports.setdefault(f"app.models.{target.model_module}", set()).add(target.names.class_name)
    actors = _Actors.of(spec)
    return render_template(
        "service.py.jinja",
        {
            "names": names,
            "imports": import_block(imports),
            "owner": spec.owner,
            "repo": names.plural if names.plural != names.singular else f"{names.plural}_rows",
            "var": names.singular,
            "id_param": f"{names.singular}_id",
            "targets": _targets(spec),
            "refs": refs,
            "refs_need_actor": actors.refs,
            "update_actor": actors.update,
            "uniques": uniques,
            "unique_tuple": _unique_tuple(views),
            "self_refs": [view for view in refs if view.target and view.target.is_self],
            "many": many,
        },
    )


def _routes(spec: DomainSpec) -> str:
    names = spec.names
    imports: dict[str, set[str]] = {
        "typing": {"Annotated"},
        "fastapi": {"APIRouter", "Depends", "Path", "status"},
        "app.api.dependencies": {"CurrentUser", "PaginationDep", "SessionDep"},
        "app.api.responses": {"error_responses"},
        f"app.models.{names.module}": {names.class_name},
        f"app.repositories.{names.repository_module}": {f"{names.class_name}Repository"},
        "app.schemas.common": {"Page"},
        f"app.schemas.{names.module}": {
            f"{names.class_name}Create",
            f"{names.class_name}Read",
            f"{names.class_name}Update",
        },
        f"app.services.{names.service_module}": {f"{names.class_name}Service"},
    }
    targets = _targets(spec)
    for target in targets:
        imports.setdefault(f"app.repositories.{target.repository_module}", set()).add(
            target.repository_class
        )
    return render_template(
        "routes.py.jinja",
        {
            "names": names,
            "imports": import_block(imports),
            "owner": spec.owner,
            "reader": "user" if spec.owner else "_user",
            "update_actor": _Actors.of(spec).update,
            "id_param": f"{names.singular}_id",
            "targets": targets,
            "int32_max": f"{INT32_MAX:_}",
        },
    )


def _fake_row(target: RefTarget, const: str, email: str) -> str:
    """The Python expression of a referenced row for the service's unit tests."""
    if target.is_user:
        return f'User(id={const}, email="{email}", hashed_password="x")'
    if target.owner:
        return f"{target.names.class_name}(id={const}, owner_id=ANN.id)"
    return f"{target.names.class_name}(id={const})"


def _link_const(target: RefTarget) -> str:
    return f"{target.names.singular.upper()}_LINK_ID"


def _unit_value(view: FieldView, number: str) -> str:
    if view.many:
        assert view.target is not None
        return f"[{_link_const(view.target)}]"
    if view.kind == "ref":
        assert view.target is not None
        if view.target.is_self:
            return "None"
        return f"{view.target.names.singular.upper()}_ID"
    if view.kind == "enum":
        return f"list({view.enum_class})[{number} % {len(view.field.choices)}]"
    expression = view.json_value(number)
    kind = view.kind
    if kind == "decimal":
        return f"Decimal({expression})"
    if kind == "date":
        return f"date(2024, 1, 1) + timedelta(days={number})"
    if kind == "datetime":
        return f"datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes={number})"
    if kind == "uuid":
        return f"UUID(int={number} + 1)"
    if kind == "str":
        width = min(view.field.length or 8, 8)
        return f"str({number}).zfill({width})[-{width}:]"
    return expression


def _unit_tests(spec: DomainSpec, views: list[FieldView]) -> str:
    names = spec.names
    imports = _service_imports(spec, views)
    imports["collections.abc"].add("Mapping")
    imports["itertools"] = {"count"}
    imports["typing"] = {"Any"}
    imports[f"app.services.{names.service_module}"] = {f"{names.class_name}Service"}
    modules = {"pytest"}
    kinds = {view.kind for view in views}
    if "decimal" in kinds:
        imports["decimal"] = {"Decimal"}
    if kinds & {"date", "datetime"}:
        imports["datetime"] = {"timedelta"}
        if "date" in kinds:
            imports["datetime"].add("date")
        if "datetime" in kinds:
            imports["datetime"].update({"UTC", "datetime"})
    if "uuid" in kinds:
        imports["uuid"] = {"UUID"}
    for view in views:
        if view.kind == "enum":
            imports[f"app.models.{names.module}"].add(view.enum_class)
    targets = []
    for target in _targets(spec):
        const = f"{target.names.singular.upper()}_ID"
        imports.setdefault(f"app.models.{target.model_module}", set()).add(target.names.class_name)
        row = _fake_row(target, const, "ref@example.com")
        targets.append(
            {
                "const": const,
                "class_name": target.names.class_name,
                "repository_class": target.repository_class,
                "title": target.names.title,
                "make_row": row,
            }
        )
    links = []
    for index, target in enumerate(_many_targets(views), start=1):
        const = _link_const(target)
        imports.setdefault(f"app.models.{target.model_module}", set()).add(target.names.class_name)
        imports["collections.abc"].add("Collection")
        row = _fake_row(target, const, "link@example.com")
        links.append(
            {
                "const": const,
                "number": 200 + index,
                "class_name": target.names.class_name,
                "plural": target.names.plural,
                "make_row": row,
            }
        )
    unit_views = [
        _ViewWith(
            view,
            {
                "unit_value": _unit_value(view, "number"),
                "unit_value_2": _unit_value(view, "2"),
                "checks_owner": _checks_owner(spec, view),
                "link_const": _link_const(view.target) if view.many and view.target else "",
            },
        )
        for view in views
    ]
    writer = "ANN" if spec.owner else "ADMIN"
    first = unit_views[0]
    second = unit_views[1] if len(unit_views) > 1 else None
    return render_template(
        "test_service.py.jinja",
        {
            "names": names,
            "imports": import_block(imports, modules),
            "owner": spec.owner,
            "targets": targets,
            "links": links,
            "fields": unit_views,
            "row_fields": [view for view in unit_views if not view.many],
            "many": [view for view in unit_views if view.many],
            "first": first,
            "second": second,
            "uniques": [view for view in unit_views if view.unique],
            "refs": [view for view in unit_views if view.kind == "ref"],
            "self_refs": [
                view for view in unit_views if view.kind == "ref" and view.target.is_self
            ],
            "var": names.singular,
            "writer": writer,
            "update_actor_arg": f", {writer}" if _Actors.of(spec).update else "",
        },
    )


@dataclass(frozen=True)
class _ViewWith:
    """A field view with a few more values for one template (``view.unit_value``...)."""

    view: FieldView
    extra: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        if name in self.extra:
            return self.extra[name]
        return getattr(self.view, name)


@dataclass
class _Payloads:
    """The rows a test factory creates first (``steps``) and what its values need.

    Attributes:
        steps: Rows created before the payload: through the API, or (for a registered model
            gospel did not generate) with the test session.
        kinds: Field kinds whose sample values appear (their imports follow).
        imports: Further imports the values of registered models' rows need.
        counter: Numbers the variables of the steps.
    """

    steps: list[dict[str, Any]]
    kinds: set[str]
    imports: dict[str, set[str]] = field(default_factory=dict)
    counter: int = 0

    def model_row(self, target: RefTarget, creator: str) -> str:
        """Add a step building a row of a registered model; return its variable."""
        assert target.sample_row is not None
        row = target.sample_row
        self.counter += 1
        var = f"{target.names.singular}_{self.counter}"
        values = [
            (column, value.format(number="number", creator=creator)) for column, value in row.values
        ]
        self.steps.append(
            {"var": var, "model": target.names.class_name, "columns": values, "creator": creator}
        )
        self.imports.setdefault(f"app.models.{target.model_module}", set()).add(
            target.names.class_name
        )
        for module, names in row.imports.items():
            self.imports.setdefault(module, set()).update(names)
        if row.text:
            self.kinds.add("str")
        return var


def _payload_steps(spec: DomainSpec, creator: str, out: _Payloads) -> list[tuple[str, str]]:
    """Return the payload entries of a ``spec`` row, appending setup steps for its refs."""
    entries: list[tuple[str, str]] = []
    for view in views_of(spec):
        if view.kind in ("ref", "refs"):
            assert view.target is not None
            # A refs list links one row, built like the row of a single reference.
            one, none = ("[{}]", "[]") if view.many else ("{}", "None")
            if view.target.is_user:
                entries.append((view.column, one.format(f"{creator}.id")))
                continue
            if view.target.is_self:
                entries.append((view.column, none))
                continue
            if view.target.is_model:
                var = out.model_row(view.target, creator)
                entries.append((view.column, one.format(f"{var}.id")))
                continue
            target_spec = spec.samples.get(view.target.names.plural)
            if target_spec is None or not _sampled(target_spec):
                # A loop of references (orders -> invoices -> orders): the nullable end is None.
                entries.append((view.column, none))
                continue
            target_creator = creator if target_spec.owner else "superuser"
            target_entries = _payload_steps(target_spec, target_creator, out)
            out.counter += 1
            var = f"{view.target.names.singular}_{out.counter}"
            out.steps.append(
                {
                    "var": var,
                    "model": "",
                    "url": f"/api/v1{view.target.names.url_prefix}/",
                    "payload": target_entries,
                    "creator": target_creator,
                }
            )
            entries.append((view.column, one.format(f'{var}.json()["id"]')))
        else:
            out.kinds.add(view.kind)
            entries.append((view.column, view.json_value("number")))
    return entries


def _sampled(spec: DomainSpec) -> bool:
    """Whether a row of ``spec`` can be built: every required reference can be built too."""
    for view in views_of(spec):
        target = view.target
        if view.kind != "ref" or view.nullable or target is None or target.is_user:
            continue
        sample = spec.samples.get(target.names.plural)
        if sample is None or not _sampled(sample):
            return False
    return True


def _sampled_target(spec: DomainSpec, plural: str) -> bool:
    sample = spec.samples.get(plural)
    return sample is not None and _sampled(sample)


def _integration_tests(spec: DomainSpec, views: list[FieldView]) -> str:
    names = spec.names
    imports: dict[str, set[str]] = {
        "collections.abc": {"Awaitable", "Callable"},
        "itertools": {"count"},
        "typing": {"Any"},
        "httpx": {"AsyncClient"},
        "app.core.security": {"create_access_token"},
        "app.models.user": {"User"},
    }
    modules = {"pytest"}
    # Inside the factory, `user` is whoever the row is built for; owned references are theirs.
    payloads = _Payloads(steps=[], kinds=set())
    payload = _payload_steps(spec, "user", payloads)
    steps, kinds = payloads.steps, payloads.kinds
    datetime_names: set[str] = set()
    if "date" in kinds:
        datetime_names |= {"date", "timedelta"}
    if "datetime" in kinds:
        datetime_names |= {"UTC", "datetime", "timedelta"}
    if datetime_names:
        imports["datetime"] = datetime_names
    if "uuid" in kinds:
        imports["uuid"] = {"UUID"}
    for module, members in payloads.imports.items():
        imports.setdefault(module, set()).update(members)
    needs_session = any(step["model"] for step in steps)
    if needs_session:
        imports["sqlalchemy.ext.asyncio"] = {"AsyncSession"}
    writer = "user" if spec.owner else "superuser"
    needs_superuser_fixture = any(step["creator"] == "superuser" for step in steps)
    refs = []
    for view in views:
        if view.kind not in ("ref", "refs"):
            continue
        assert view.target is not None
        refs.append(
            _ViewWith(
                view,
                {
                    "sampled": view.target.is_user
                    or view.target.is_self
                    or view.target.is_model
                    or _sampled_target(spec, view.target.names.plural),
                    "target_writer": writer if view.target.owner else "superuser",
                    "target_url": f"/api/v1{view.target.names.url_prefix}/",
                },
            )
        )
    equal_checks = [
        view.json_equal(f'data["{view.column}"]', f'payload["{view.column}"]') for view in views
    ]
    created_checks = [
        view.json_equal(f'response.json()["{view.column}"]', f'created["{view.column}"]')
        for view in views
    ]
    return render_template(
        "test_routes.py.jinja",
        {
            "names": names,
            "imports": import_block(imports, modules),
            "url": f"/api/v1{names.url_prefix}/",
            "owner": spec.owner,
            "writer": writer,
            "setup": steps,
            "payload": payload,
            "needs_text": "str" in kinds,
            "needs_superuser_fixture": needs_superuser_fixture,
            "needs_session": needs_session,
            "fields": views,
            "first": views[0],
            "second": views[1] if len(views) > 1 else None,
            "equal_checks": equal_checks,
            "created_checks": created_checks,
            "not_null": [view for view in views if not view.nullable],
            "uniques": [view for view in views if view.unique],
            "decimals": [view for view in views if view.kind == "decimal"],
            "refs": refs,
            "max_links": MAX_LINKS,
        },
    )


def render_domain(spec: DomainSpec) -> dict[str, str]:
    """Render every generated file of a domain (before formatting).

    Args:
        spec: The resolved domain.

    Returns:
        File text by step (``model``, ``schemas``...; see :func:`domain_files`).
    """
    views = views_of(spec)
    return {
        "model": _model(spec, views),
        "schemas": _schemas(spec, views),
        "repository": _repository(spec, views),
        "service": _service(spec, views),
        "routes": _routes(spec),
        "unit_tests": _unit_tests(spec, views),
        "integration_tests": _integration_tests(spec, views),
    }
