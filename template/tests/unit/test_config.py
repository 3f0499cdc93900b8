import secrets

import pytest
from pydantic import ValidationError

from app.core.config import PLACEHOLDER_SECRET_KEY, Settings, normalize_database_url

STRONG_KEY = secrets.token_urlsafe(64)


def make_settings(**values: object) -> Settings:
    # model_validate reads neither the environment nor .env: only the values given here.
    return Settings.model_validate({"SECRET_KEY": STRONG_KEY, **values})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@db:5432/app", "postgresql+asyncpg://u:p@db:5432/app"),
        ("postgres://u:p@db:5432/app", "postgresql+asyncpg://u:p@db:5432/app"),
        ("postgresql+asyncpg://u:p@db/app", "postgresql+asyncpg://u:p@db/app"),
        ("sqlite:///./app.db", "sqlite+aiosqlite:///./app.db"),
        ("sqlite+aiosqlite:///./app.db", "sqlite+aiosqlite:///./app.db"),
    ],
)
def test_database_url_is_pointed_at_an_async_driver(url: str, expected: str) -> None:
    assert normalize_database_url(url) == expected
    assert make_settings(DATABASE_URL=url).DATABASE_URL == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('["http://a.io", "http://b.io"]', ["http://a.io", "http://b.io"]),
        ("http://a.io, http://b.io", ["http://a.io", "http://b.io"]),
        ("", []),
    ],
)
def test_cors_origins_accept_a_json_list_or_a_comma_separated_string(
    raw: str, expected: list[str]
) -> None:
    assert make_settings(CORS_ORIGINS=raw).CORS_ORIGINS == expected


def test_placeholder_secret_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        make_settings(SECRET_KEY=PLACEHOLDER_SECRET_KEY)


def test_short_secret_key_is_refused_outside_local() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        make_settings(SECRET_KEY="short", ENVIRONMENT="production")


def test_short_secret_key_is_allowed_locally() -> None:
    assert make_settings(SECRET_KEY="short", ENVIRONMENT="local").SECRET_KEY == "short"


@pytest.mark.parametrize(
    "key", ["a" * 32, "k" * 64, "password1234" * 3, secrets.token_hex(16)], ids=lambda key: key[:8]
)
@pytest.mark.parametrize("environment", ["staging", "production"])
def test_predictable_secret_keys_are_refused_outside_local(key: str, environment: str) -> None:
    with pytest.raises(ValidationError, match="too predictable"):
        make_settings(SECRET_KEY=key, ENVIRONMENT=environment)


@pytest.mark.parametrize("key", [secrets.token_urlsafe(32), secrets.token_hex(32)])
def test_random_secret_keys_are_accepted_in_production(key: str) -> None:
    assert make_settings(SECRET_KEY=key, ENVIRONMENT="production").SECRET_KEY == key


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_debug_is_refused_outside_local(environment: str) -> None:
    with pytest.raises(ValidationError, match="DEBUG=true"):
        make_settings(DEBUG=True, ENVIRONMENT=environment)
    assert make_settings(DEBUG=True, ENVIRONMENT="local").DEBUG is True


def test_any_origin_with_credentials_is_refused_outside_local() -> None:
    with pytest.raises(ValidationError, match="CORS_ORIGINS=\\*"):
        make_settings(CORS_ORIGINS="*", ENVIRONMENT="production")
    without_credentials = make_settings(
        CORS_ORIGINS="*", CORS_ALLOW_CREDENTIALS=False, ENVIRONMENT="production"
    )
    assert without_credentials.CORS_ORIGINS == ["*"]


@pytest.mark.parametrize(
    ("environment", "api_docs", "expected"),
    [
        ("local", None, True),
        ("staging", None, True),
        ("production", None, False),
        ("production", True, True),
        ("local", False, False),
    ],
)
def test_api_docs_are_off_in_production_unless_enabled(
    environment: str, api_docs: bool | None, expected: bool
) -> None:
    config = make_settings(ENVIRONMENT=environment, API_DOCS=api_docs)

    assert config.api_docs_enabled is expected


def test_login_limits_are_read_in_limits_notation() -> None:
    config = make_settings(LOGIN_FAILURES_PER_ACCOUNT="3 per 10 minutes")

    assert config.login_failures_per_account.amount == 3
    assert config.login_failures_per_account.get_expiry() == 600
    with pytest.raises(ValidationError, match="rate limit"):
        make_settings(LOGIN_FAILURES_PER_CLIENT="often")


def test_algorithm_is_fixed_to_hs256() -> None:
    with pytest.raises(ValidationError):
        make_settings(ALGORITHM="none")


def test_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db:5432/app")
    monkeypatch.setenv("CORS_ORIGINS", "http://a.io,http://b.io")

    settings = Settings(_env_file=None)

    assert settings.DATABASE_URL == "postgresql+asyncpg://u:p@db:5432/app"
    assert settings.CORS_ORIGINS == ["http://a.io", "http://b.io"]
