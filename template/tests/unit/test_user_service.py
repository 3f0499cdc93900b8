from contextlib import nullcontext

import pytest

from app.core.exceptions import BadRequestError, ConflictError, ForbiddenError, NotFoundError
from app.core.security import verify_password
from app.models.user import User
from app.schemas.user import PasswordChange, UserCreate, UserUpdate, UserUpdateMe
from app.services import user_service
from app.services.user_service import UserService
from tests.conftest import FAST_PASSWORD_HASH
from tests.unit.fakes import InMemoryUserRepository

PASSWORD_HASH = FAST_PASSWORD_HASH.hash("password-123")


def make_user(email: str = "ann@example.com") -> User:
    return User(email=email, hashed_password=PASSWORD_HASH, is_active=True)


async def has_password(user: User, password: str) -> bool:
    verified, _ = await verify_password(password, user.hashed_password)
    return verified


async def test_create_hashes_the_password_and_stores_the_user() -> None:
    repository = InMemoryUserRepository()
    service = UserService(repository)

    user = await service.create(UserCreate(email="Ann@Example.com", password="password-123"))

    assert repository.rows[user.id] is user
    assert user.email == "ann@example.com"
    assert user.hashed_password != "password-123"
    assert await has_password(user, "password-123")
    assert user.is_superuser is False


async def test_create_can_make_a_superuser() -> None:
    service = UserService(InMemoryUserRepository())

    user = await service.create(
        UserCreate(email="root@example.com", password="password-123"), is_superuser=True
    )

    assert user.is_superuser is True


async def test_create_rejects_a_taken_email() -> None:
    service = UserService(InMemoryUserRepository(make_user()))

    with pytest.raises(ConflictError):
        await service.create(UserCreate(email="ann@example.com", password="password-123"))


class QueryLog(InMemoryUserRepository):
    """Records when the service first reads the database, beside the hashes."""

    def __init__(self, steps: list[str], *users: User) -> None:
        super().__init__(*users)
        self.steps = steps

    async def get_by_email(self, email: str) -> User | None:
        self.steps.append("query")
        return await super().get_by_email(email)


@pytest.mark.parametrize("taken", [False, True], ids=["new-email", "taken-email"])
async def test_create_hashes_before_it_queries_whether_the_email_is_taken(
    taken: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The slow hash holds no database connection, and a taken email costs it too: same timing.
    steps: list[str] = []

    async def hash_password(password: str) -> str:
        steps.append("hash")
        return PASSWORD_HASH

    monkeypatch.setattr(user_service, "hash_password", hash_password)
    service = UserService(QueryLog(steps, *([make_user()] if taken else [])))

    with pytest.raises(ConflictError) if taken else nullcontext():
        await service.create(UserCreate(email="ann@example.com", password="password-123"))

    assert steps == ["hash", "query"]


async def test_get_raises_not_found_for_an_unknown_id() -> None:
    service = UserService(InMemoryUserRepository())

    with pytest.raises(NotFoundError, match="User with id '42' not found"):
        await service.get(42)


async def test_list_returns_a_page_and_the_total() -> None:
    users = [make_user(f"user{i}@example.com") for i in range(5)]
    service = UserService(InMemoryUserRepository(*users))

    page, total = await service.list(offset=1, limit=2)

    assert list(page) == users[1:3]
    assert total == 5


async def test_update_applies_only_the_fields_sent() -> None:
    user = make_user()
    user.full_name = "Ann"
    service = UserService(InMemoryUserRepository(user))

    await service.update(user, UserUpdateMe(email="new@example.com"))

    assert user.email == "new@example.com"
    assert user.full_name == "Ann"


async def test_update_rejects_an_email_of_another_user() -> None:
    user = make_user()
    service = UserService(InMemoryUserRepository(user, make_user("bob@example.com")))

    with pytest.raises(ConflictError):
        await service.update(user, UserUpdateMe(email="bob@example.com"))


async def test_update_keeps_an_unchanged_email() -> None:
    user = make_user()
    service = UserService(InMemoryUserRepository(user))

    await service.update(user, UserUpdateMe(email="ann@example.com", full_name="Ann"))

    assert user.full_name == "Ann"


async def test_admin_update_hashes_a_new_password() -> None:
    user = make_user()
    service = UserService(InMemoryUserRepository(user))

    await service.update(user, UserUpdate(password="brand-new-password"))

    assert await has_password(user, "brand-new-password")


@pytest.mark.parametrize(
    ("current_password", "new_password", "error"),
    [
        ("wrong-password", "new-password", "Incorrect password"),
        ("password-123", "password-123", "must differ"),
    ],
    ids=["wrong-current-password", "same-password"],
)
async def test_change_password_refuses_a_wrong_current_or_an_unchanged_password(
    current_password: str, new_password: str, error: str
) -> None:
    user = make_user()
    service = UserService(InMemoryUserRepository(user))
    change = PasswordChange(current_password=current_password, new_password=new_password)

    with pytest.raises(BadRequestError, match=error):
        await service.change_password(user, change)


async def test_change_password_stores_the_new_hash() -> None:
    user = make_user()
    service = UserService(InMemoryUserRepository(user))

    await service.change_password(
        user, PasswordChange(current_password="password-123", new_password="new-password-456")
    )

    assert await has_password(user, "new-password-456")


async def test_delete_removes_the_user() -> None:
    admin, user = make_user("root@example.com"), make_user()
    repository = InMemoryUserRepository(admin, user)

    await UserService(repository).delete(user, acting_user=admin)

    assert user.id not in repository.rows


async def test_delete_refuses_to_delete_the_acting_user() -> None:
    admin = make_user("root@example.com")
    service = UserService(InMemoryUserRepository(admin))

    with pytest.raises(ForbiddenError):
        await service.delete(admin, acting_user=admin)
