from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from app.db.database import UTCDateTime


def test_utc_datetime_stores_aware_values_in_utc() -> None:
    paris_noon = datetime(2030, 6, 1, 12, tzinfo=timezone(timedelta(hours=2)))

    stored = UTCDateTime().process_bind_param(paris_noon, sqlite.dialect())

    assert stored == datetime(2030, 6, 1, 10, tzinfo=UTC)
    assert stored is not None
    assert stored.tzinfo is UTC


def test_utc_datetime_refuses_naive_values() -> None:
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2030, 6, 1, 12), sqlite.dialect())  # noqa: DTZ001


def test_utc_datetime_reads_naive_sqlite_values_back_as_utc() -> None:
    loaded = UTCDateTime().process_result_value(datetime(2030, 6, 1, 10), sqlite.dialect())  # noqa: DTZ001

    assert loaded == datetime(2030, 6, 1, 10, tzinfo=UTC)


def test_utc_datetime_passes_none_through() -> None:
    assert UTCDateTime().process_bind_param(None, sqlite.dialect()) is None
    assert UTCDateTime().process_result_value(None, sqlite.dialect()) is None
