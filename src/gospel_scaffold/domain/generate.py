"""Render every generated file of a domain: model, schemas, repository, service, routes, tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gospel_scaffold.domain.render import (
    INT32_MAX,
    FieldView,
    import_block,
    render_template,
)
from gospel_scaffold.domain.spec import DomainSpec, RefTarget

__all__ = ["render_domain", "views_of"]


def views_of(spec: DomainSpec) -> list[FieldView]:
    """Return the fields of ``spec`` with their references resolved."""
    return [FieldView(item, spec.names, spec.refs.get(item.name)) for item in spec.fields]


def _targets(spec: DomainSpec) -> list[RefTarget]:
    unique: dict[str, RefTarget] = {}
    for target in spec.refs.values():
        if not target.is_self:  # the service's own repository finds those rows
            unique.setdefault(target.names.plural, target)
    return list(unique.values())


def _model(spec: DomainSpec, views: list[FieldView]) -> str:
    imports: dict[str, set[str]] = {
        "sqlalchemy.orm": {"Mapped", "mapped_column"},
        "app.db.database": {"Base", "TimestampMixin"},
        "sqlalchemy": set(),
    }
    modules: set[str] = set()
    type_checking: set[str] = set()
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
    if refs or spec.owner:
        imports["sqlalchemy"].add("ForeignKey")
        imports["sqlalchemy.orm"].add("relationship")
    for view in refs:
        assert view.target is not None
        if view.target.is_self:
            continue
        type_checking.add(
            f"from app.models.{view.target.model_module} import {view.target.names.class_name}"
        )
    if spec.owner:
        type_checking.add("from app.models.user import User")
    if type_checking:
        imports.setdefault("typing", set()).add("TYPE_CHECKING")
    enums = [view for view in views if view.kind == "enum"]
    exports = sorted([spec.names.class_name, *(view.enum_class for view in enums)])
    return render_template(
        "model.py.jinja",
        {
            "names": spec.names,
            "imports": import_block(imports, modules),
            "type_checking": sorted(type_checking),
            "exports": exports,
            "enums": enums,
            "fields": views,
            "refs": refs,
            "self_refs": [view for view in refs if view.target and view.target.is_self],
            "owner": spec.owner,
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
    text = "\n".join(view.create_line + view.update_line for view in views)
    if "Annotated[" in text:
        imports["typing"] = {"Annotated"}
    if "Field(" in text:
        imports["pydantic"].add("Field")
    if "AwareDatetime" in text:
        imports["pydantic"].add("AwareDatetime")
    kinds = {view.kind for view in views}
    if "decimal" in kinds:
        imports["decimal"] = {"Decimal"}
    if "date" in kinds:
        imports["datetime"].add("date")
    if "uuid" in kinds:
        imports["uuid"] = {"UUID"}
    if "json" in kinds:
        imports.setdefault("typing", set()).add("Any")
    enums = {view.enum_class for view in views if view.kind == "enum"}
    if enums:
        imports[f"app.models.{spec.names.module}"] = enums
    not_null = [view for view in views if not view.nullable]
    if not_null:
        imports["pydantic"].add("field_validator")
    return render_template(
        "schemas.py.jinja",
        {
            "names": spec.names,
            "imports": import_block(imports),
            "fields": views,
            "not_null": not_null,
            "owner": spec.owner,
        },
    )


def _repository(spec: DomainSpec) -> str:
    return render_template("repository.py.jinja", {"names": spec.names})


def _unique_tuple(views: list[FieldView]) -> str:
    columns = [f'"{view.column}"' for view in views if view.unique]
    return f"({columns[0]},)" if len(columns) == 1 else f"({', '.join(columns)})"


def _service_imports(spec: DomainSpec, views: list[FieldView]) -> dict[str, set[str]]:
    """The imports the service and its unit tests both need."""
    names = spec.names
    exceptions = {"NotFoundError"}
    if any(view.kind == "ref" for view in views):
        exceptions.add("BadRequestError")
    if any(view.unique for view in views):
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
        # Without an owner only superusers write, and they may reference any row.
        refs = spec.owner and any(target.owner for target in spec.refs.values())
        return cls(refs=refs, update=refs or not spec.owner)


def _service(spec: DomainSpec, views: list[FieldView]) -> str:
    names = spec.names
    imports = _service_imports(spec, views)
    refs = [view for view in views if view.kind == "ref"]
    uniques = [view for view in views if view.unique]
    if spec.owner or refs or uniques:
        imports["typing"] = {"Any"}
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
        },
    )


def _routes(spec: DomainSpec) -> str:
    names = spec.names
    imports: dict[str, set[str]] = {
        "typing": {"Annotated"},
        "fastapi": {"APIRouter", "Depends", "Path", "status"},
        "app.api.dependencies": {"CurrentUser", "PaginationDep", "SessionDep"},
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


def _unit_value(view: FieldView, number: str) -> str:
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
        if target.is_user:
            row = f'User(id={const}, email="ref@example.com", hashed_password="x")'
        elif target.owner:
            row = f"{target.names.class_name}(id={const}, owner_id=ANN.id)"
        else:
            row = f"{target.names.class_name}(id={const})"
        targets.append(
            {
                "const": const,
                "class_name": target.names.class_name,
                "repository_class": target.repository_class,
                "title": target.names.title,
                "make_row": row,
            }
        )
    unit_views = [
        _ViewWith(
            view,
            {"unit_value": _unit_value(view, "number"), "unit_value_2": _unit_value(view, "2")},
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
            "fields": unit_views,
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


def _payload_steps(
    spec: DomainSpec, creator: str, steps: list[dict[str, Any]], counter: list[int]
) -> list[tuple[str, str]]:
    """Return the payload entries of a ``spec`` row, appending setup steps for its refs."""
    entries: list[tuple[str, str]] = []
    for view in views_of(spec):
        if view.kind == "ref":
            assert view.target is not None
            if view.target.is_user:
                entries.append((view.column, f"{creator}.id"))
                continue
            if view.target.is_self:
                entries.append((view.column, "None"))
                continue
            target_spec = spec.samples.get(view.target.names.plural)
            if target_spec is None or not _sampled(target_spec):
                # A loop of references (orders -> invoices -> orders): the nullable end is None.
                entries.append((view.column, "None"))
                continue
            target_creator = creator if target_spec.owner else "superuser"
            target_entries = _payload_steps(target_spec, target_creator, steps, counter)
            counter[0] += 1
            var = f"{view.target.names.singular}_{counter[0]}"
            steps.append(
                {
                    "var": var,
                    "url": f"/api/v1{view.target.names.url_prefix}/",
                    "payload": target_entries,
                    "creator": target_creator,
                }
            )
            entries.append((view.column, f'{var}.json()["id"]'))
        else:
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


def _needs(spec: DomainSpec, predicate: Any) -> bool:
    if any(predicate(view) for view in views_of(spec)):
        return True
    return any(_needs(sample, predicate) for sample in spec.samples.values())


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

    def uses(kind: str) -> bool:
        return _needs(spec, lambda view: view.kind == kind)

    if uses("decimal") and any(view.kind == "decimal" for view in views):
        imports["decimal"] = {"Decimal"}
    datetime_names: set[str] = set()
    if uses("date"):
        datetime_names |= {"date", "timedelta"}
    if uses("datetime"):
        datetime_names |= {"UTC", "datetime", "timedelta"}
    if datetime_names:
        imports["datetime"] = datetime_names
    if uses("uuid"):
        imports["uuid"] = {"UUID"}
    writer = "user" if spec.owner else "superuser"
    steps: list[dict[str, Any]] = []
    # Inside the factory, `user` is whoever the row is built for; owned references are theirs.
    payload = _payload_steps(spec, "user", steps, [0])
    needs_superuser_fixture = any(step["creator"] == "superuser" for step in steps)
    refs = []
    for view in views:
        if view.kind != "ref":
            continue
        assert view.target is not None
        refs.append(
            _ViewWith(
                view,
                {
                    "sampled": view.target.is_user
                    or view.target.is_self
                    or (
                        view.target.names.plural in spec.samples
                        and _sampled(spec.samples[view.target.names.plural])
                    ),
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
            "needs_text": _needs(spec, lambda view: view.kind == "str"),
            "needs_superuser_fixture": needs_superuser_fixture,
            "fields": views,
            "first": views[0],
            "second": views[1] if len(views) > 1 else None,
            "equal_checks": equal_checks,
            "created_checks": created_checks,
            "not_null": [view for view in views if not view.nullable],
            "uniques": [view for view in views if view.unique],
            "refs": refs,
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
        "repository": _repository(spec),
        "service": _service(spec, views),
        "routes": _routes(spec),
        "unit_tests": _unit_tests(spec, views),
        "integration_tests": _integration_tests(spec, views),
    }
