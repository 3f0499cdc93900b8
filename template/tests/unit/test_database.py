import pkgutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.dialects import sqlite

import app.models
from app.db.database import UTCDateTime

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Imports each module named on the command line as the first module of the app, in turn.
IMPORT_FIRST = """
import importlib
import sys

for name in sys.argv[1:]:
    for loaded in [module for module in sys.modules if module.split(".")[0] == "app"]:
        del sys.modules[loaded]
    importlib.import_module(name)
"""


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


def test_every_model_module_imports_first_in_a_fresh_interpreter() -> None:
    # Scripts and shells often start with `import app.models.<name>`: the model registry at the
    # bottom of app/db/database.py imports that module again while it is half-initialised.
    modules = [info.name for info in pkgutil.iter_modules(app.models.__path__, "app.models.")]

    done = subprocess.run(
        [sys.executable, "-c", IMPORT_FIRST, *modules],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert "app.models.user" in modules
    assert done.returncode == 0, done.stderr
