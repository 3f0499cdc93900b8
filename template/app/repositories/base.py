"""Generic data access: one repository per model, queries only, never a commit."""

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, bindparam, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.base import ExecutableOption

from app.db.database import Base

__all__ = ["ModelT", "RepositoryBase"]

ModelT = TypeVar("ModelT", bound=Base)


class RepositoryBase(Generic[ModelT]):
    """Typed queries for `model`; the request boundary (`get_db`) commits or rolls back.

    The queries of every request (a row by id, a page) are statements built once per
    repository and run with their values as parameters: building a statement and its cache key
    costs more CPU than running it on a pooled connection.
    """

    model: type[ModelT]
    # Loader options of every read, e.g. selectinload(Model.links): relationships are
    # lazy="raise", so what a response shows must be loaded with the rows.
    loads: ClassVar[tuple[ExecutableOption, ...]] = ()

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, id_: int) -> ModelT | None:
        """Return the row with this primary key, or None."""
        row: ModelT | None = await self.session.scalar(_get_statement(type(self)), {"id": id_})
        return row

    async def list(self, *, offset: int = 0, limit: int = 100, **filters: Any) -> Sequence[ModelT]:
        """Return one page of rows matching `filters` (column=value), in primary key order."""
        statement = (
            select(self.model)
            .filter_by(**filters)
            .options(*self.loads)
            .order_by(*inspect(self.model).primary_key)
            .offset(offset)
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()

    async def page(
        self, *, offset: int = 0, limit: int = 100, **filters: Any
    ) -> tuple[Sequence[ModelT], int]:
        """Return one page of rows matching `filters`, in primary key order, and their total.

        One round trip: every row carries the total, counted by a window function.
        """
        statement = _page_statement(
            type(self),
            tuple(sorted(name for name, value in filters.items() if value is not None)),
            tuple(sorted(name for name, value in filters.items() if value is None)),
        )
        parameters = {
            f"filter_{name}": value for name, value in filters.items() if value is not None
        }
        parameters |= {"page_offset": offset, "page_limit": limit}
        rows = (await self.session.execute(statement, parameters)).all()
        if not rows:
            # An empty page carries no total: past the last page, it is counted apart.
            return [], await self.count(**filters) if offset else 0
        return [row[0] for row in rows], rows[0][1]

    async def count(self, **filters: Any) -> int:
        """Count the rows matching `filters`."""
        statement = select(func.count()).select_from(self.model).filter_by(**filters)
        return (await self.session.scalar(statement)) or 0

    async def add(self, obj: ModelT) -> ModelT:
        """Insert `obj`; the flush surfaces constraint errors inside the request."""
        self.session.add(obj)
        await self.session.flush()
        return obj

    async def update(self, obj: ModelT, values: Mapping[str, Any]) -> ModelT:
        """Set attributes of `obj` and flush them."""
        for name, value in values.items():
            setattr(obj, name, value)
        await self.session.flush()
        return obj

    async def delete(self, obj: ModelT) -> None:
        """Delete `obj`."""
        await self.session.delete(obj)
        await self.session.flush()


# Statements by repository class, which names the model and `loads`, and for pages by the
# columns filtered on. Plain dicts: mypy does not accept classes as functools.cache keys.
_get_statements: dict[type[Any], Select[Any]] = {}
_page_statements: dict[tuple[type[Any], tuple[str, ...], tuple[str, ...]], Select[Any, int]] = {}


def _get_statement(repository: type[RepositoryBase[Any]]) -> Select[Any]:
    if repository not in _get_statements:
        (primary_key,) = inspect(repository.model).primary_key
        _get_statements[repository] = (
            select(repository.model)
            .where(primary_key == bindparam("id"))
            .options(*repository.loads)
        )
    return _get_statements[repository]


def _page_statement(
    repository: type[RepositoryBase[Any]], equal: tuple[str, ...], null: tuple[str, ...]
) -> Select[Any, int]:
    # Columns named in `equal` equal their parameter, those in `null` are null.
    key = (repository, equal, null)
    if key not in _page_statements:
        model = repository.model
        _page_statements[key] = (
            select(model, func.count().over().label("total"))
            .where(*(getattr(model, name) == bindparam(f"filter_{name}") for name in equal))
            .where(*(getattr(model, name).is_(None) for name in null))
            .options(*repository.loads)
            .order_by(*inspect(model).primary_key)
            .offset(bindparam("page_offset"))
            .limit(bindparam("page_limit"))
        )
    return _page_statements[key]
