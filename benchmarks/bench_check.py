"""Benchmark ``gospel check`` on a synthetic project of 50 domains.

Run: ``.venv/bin/python benchmarks/bench_check.py [--domains 50] [--repeat 5]``. Prints the
in-process time of :func:`gospel_scaffold.check.run_check` (best and median of the repeats) and
the wall time of one ``gospel check`` subprocess (interpreter start-up included). A benchmark,
not a test: nothing asserts on the figures.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gospel_scaffold.check import run_check

MODEL = '''"""The {plural} table."""

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.database import Base, TimestampMixin

if TYPE_CHECKING:
    from app.models.user import User


class {cls}(TimestampMixin, Base):
    """One {singular}."""

    __tablename__ = "{plural}"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    owner: Mapped["User"] = relationship(lazy="raise")
'''
SCHEMA = '''"""{cls} shapes."""

from pydantic import BaseModel, ConfigDict


class {cls}Create(BaseModel):
    title: str


class {cls}Update(BaseModel):
    title: str | None = None


class {cls}Read({cls}Create):
    model_config = ConfigDict(from_attributes=True)
    id: int
'''
REPOSITORY = '''"""{cls} queries."""

from app.models.{plural} import {cls}
from app.repositories.base import RepositoryBase


class {cls}Repository(RepositoryBase[{cls}]):
    model = {cls}
'''
SERVICE = '''"""{cls} workflows."""

from app.core.exceptions import NotFoundError
from app.models.{plural} import {cls}
from app.models.user import User
from app.repositories.{plural}_repository import {cls}Repository
from app.schemas.{plural} import {cls}Create, {cls}Update


class {cls}Service:
    def __init__(self, repository: {cls}Repository) -> None:
        self.repository = repository

    async def get(self, user: User, item_id: int) -> {cls}:
        item = await self.repository.get(item_id)
        if item is None or (item.owner_id != user.id and not user.is_superuser):
            raise NotFoundError("{cls}", item_id)
        return item

    async def create(self, user: User, data: {cls}Create) -> {cls}:
        return await self.repository.add({cls}(owner_id=user.id, **data.model_dump()))

    async def update(self, user: User, item_id: int, data: {cls}Update) -> {cls}:
        item = await self.get(user, item_id)
        for key, value in data.model_dump(exclude_unset=True).items():
            setattr(item, key, value)
        return item
'''
ROUTES = '''"""{cls} endpoints."""

from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.api.dependencies import CurrentUser, SessionDep
from app.models.{plural} import {cls}
from app.repositories.{plural}_repository import {cls}Repository
from app.schemas.{plural} import {cls}Create, {cls}Read, {cls}Update
from app.services.{plural}_service import {cls}Service

router = APIRouter()


def get_{singular}_service(session: SessionDep) -> {cls}Service:
    return {cls}Service({cls}Repository(session))


{cls}ServiceDep = Annotated[{cls}Service, Depends(get_{singular}_service)]


@router.post("/", response_model={cls}Read, status_code=status.HTTP_201_CREATED)
async def create_{singular}(
    data: {cls}Create, user: CurrentUser, service: {cls}ServiceDep
) -> {cls}:
    """Create one."""
    return await service.create(user, data)


@router.get("/{{item_id}}", response_model={cls}Read)
async def read_{singular}(item_id: int, user: CurrentUser, service: {cls}ServiceDep) -> {cls}:
    """Read one."""
    return await service.get(user, item_id)


@router.patch("/{{item_id}}", response_model={cls}Read)
async def update_{singular}(
    item_id: int, data: {cls}Update, user: CurrentUser, service: {cls}ServiceDep
) -> {cls}:
    """Change one."""
    return await service.update(user, item_id, data)
'''
TEST = '''"""{cls} routes."""

API = "/api/v1/{plural}"


async def test_create_{singular}(client, user_token_headers):
    response = await client.post(f"{{API}}/", json={{"title": "x"}}, headers=user_token_headers)
    assert response.status_code == 201


async def test_read_missing_{singular}(client, user_token_headers):
    response = await client.get(f"{{API}}/999", headers=user_token_headers)
    assert response.status_code == 404
'''


def build(root: Path, domains: int) -> None:
    """Write a gospel-shaped project with ``domains`` domains (plus users) under ``root``."""
    files: dict[str, str] = {
        "pyproject.toml": '[project]\nname = "bench"\nversion = "0"\n',
        "app/__init__.py": "",
        "app/main.py": "from fastapi import FastAPI\n\nfrom app.api.routes import api_router\n\n"
        'app = FastAPI()\napp.include_router(api_router, prefix="/api/v1")\n',
        "app/core/__init__.py": "",
        "app/core/exceptions.py": "class AppError(Exception): ...\n\n\n"
        "class NotFoundError(AppError): ...\n",
        "app/db/__init__.py": "",
        "app/models/__init__.py": "",
        "app/models/user.py": "from app.db.database import Base\n\n\n"
        'class User(Base):\n    __tablename__ = "users"\n',
        "app/repositories/__init__.py": "",
        "app/repositories/base.py": "class RepositoryBase:\n    def __init__(self, session):\n"
        "        self.session = session\n",
        "app/services/__init__.py": "",
        "app/schemas/__init__.py": "",
        "app/api/__init__.py": "",
        "app/api/dependencies.py": "from app.db.database import AsyncSessionLocal\n\n\n"
        "async def get_db():\n    async with AsyncSessionLocal() as session:\n"
        "        yield session\n",
        "tests/integration/test_users_routes.py": 'URL = "/api/v1/users/me"\n',
    }
    registry = ["from app.models.user import User  # noqa: E402, F401"]
    switchboard = ["from fastapi import APIRouter", "", "from app.api.routes import users"]
    includes = ["api_router = APIRouter()"]
    includes.append('api_router.include_router(users.router, prefix="/users", tags=["Users"])')
    files["app/api/routes/users.py"] = "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
    for index in range(domains):
        singular, plural, cls = f"thing{index}", f"thing{index}s", f"Thing{index}"
        names = {"singular": singular, "plural": plural, "cls": cls}
        files[f"app/models/{plural}.py"] = MODEL.format(**names)
        files[f"app/schemas/{plural}.py"] = SCHEMA.format(**names)
        files[f"app/repositories/{plural}_repository.py"] = REPOSITORY.format(**names)
        files[f"app/services/{plural}_service.py"] = SERVICE.format(**names)
        files[f"app/api/routes/{plural}.py"] = ROUTES.format(**names)
        files[f"tests/integration/test_{plural}_routes.py"] = TEST.format(**names)
        registry.append(f"from app.models.{plural} import {cls}  # noqa: E402, F401")
        switchboard.append(f"from app.api.routes import {plural}")
        includes.append(
            f'api_router.include_router({plural}.router, prefix="/{plural}", tags=["{cls}"])'
        )
    files["app/db/database.py"] = (
        "from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine\n"
        "from sqlalchemy.orm import DeclarativeBase\n\n"
        'engine = create_async_engine("sqlite+aiosqlite://")\n'
        "AsyncSessionLocal = async_sessionmaker(engine)\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class TimestampMixin:\n    pass\n\n\n" + "\n".join(registry) + "\n"
    )
    files["app/api/routes/__init__.py"] = "\n".join([*switchboard, "", *includes]) + "\n"
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def main() -> None:
    """Build the synthetic project, check it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--domains", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "bench"
        build(root, args.domains)
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = run_check(root)
            timings.append(time.perf_counter() - start)
        if not result.ok:
            for violation in result.violations[:10]:
                print(f"unexpected: {violation.path}:{violation.line} {violation.code}")
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "gospel_scaffold", "check", "--project", str(root)],
            capture_output=True,
            check=False,
        )
        cli = time.perf_counter() - start
    print(
        f"gospel check, {args.domains} domains, {result.files_checked} files, "
        f"{len(result.codes)} rules, {len(result.violations)} violations: "
        f"best {min(timings) * 1000:.0f} ms, median {statistics.median(timings) * 1000:.0f} ms "
        f"in process; {cli * 1000:.0f} ms for the whole `gospel check` command"
    )


if __name__ == "__main__":
    main()
