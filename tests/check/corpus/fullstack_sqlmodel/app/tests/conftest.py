from collections.abc import Generator

import pytest
from sqlmodel import Session

from app.core.db import engine, init_db


@pytest.fixture(scope="session", autouse=True)
def db() -> Generator[Session, None, None]:
    with Session(engine) as session:  # trap: GOS401 (tests are not application code)
        init_db(session)
        yield session
