"""The README's API table follows add-domain and remove-domain, and keeps what you wrote."""

from __future__ import annotations

from pathlib import Path

from domain_support import CUSTOMERS
from domain_support import add_domain as add

from gospel_scaffold.domain.apply import apply_plan
from gospel_scaffold.domain.record import load_record
from gospel_scaffold.domain.remove import RemoveRequest, plan_remove


def _table(project: Path) -> list[str]:
    text = (project / "README.md").read_text()
    start = text.index("<!-- gospel:api-table")
    end = text.index("<!-- /gospel:api-table -->")
    return text[start:end].splitlines()[1:]


def test_added_domains_list_their_endpoints_in_the_api_table(project: Path) -> None:
    before = _table(project)

    add(project, "customers", CUSTOMERS)
    add(project, "tags", ["label:str:40"], owner=False)

    assert _table(project) == [
        *before,
        "| GET, POST | `/api/v1/customers/` (GET paginated) | user: their own rows "
        "(superuser: all) |",
        "| GET, PATCH, DELETE | `/api/v1/customers/{customer_id}` | user: their own rows "
        "(superuser: all) |",
        "| GET | `/api/v1/tags/` (paginated), `/api/v1/tags/{tag_id}` | user |",
        "| POST | `/api/v1/tags/` | superuser |",
        "| PATCH, DELETE | `/api/v1/tags/{tag_id}` | superuser |",
    ]
    record = load_record(project, "customers")
    assert record is not None
    assert [edit.detail for edit in record.edits if edit.kind == "api_table"] == [
        {"prefix": "/customers"}
    ]


def test_your_edits_of_the_readme_survive_and_a_row_you_wrote_is_not_duplicated(
    project: Path,
) -> None:
    readme = project / "README.md"
    text = readme.read_text()
    text = text.replace("| anyone |\n<!-- /gospel", "| anyone (rate limited) |\n<!-- /gospel")
    text = text.replace(
        "<!-- /gospel:api-table -->",
        "| GET | `/api/v1/customers/` (our CRM's list) | staff |\n<!-- /gospel:api-table -->",
    )
    readme.write_text(text + "\nOur notes.\n")

    add(project, "customers", CUSTOMERS)
    add(project, "tags", ["label:str:40"], owner=False)
    apply_plan(plan_remove(RemoveRequest("tags", project)))

    after = readme.read_text()
    assert after == text + "\nOur notes.\n"


def test_removing_a_domain_takes_its_rows_out(project: Path) -> None:
    original = (project / "README.md").read_text()
    add(project, "customers", CUSTOMERS)

    apply_plan(plan_remove(RemoveRequest("customers", project)))

    assert (project / "README.md").read_text() == original


def test_a_readme_without_the_table_markers_is_left_alone(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text("# Our service\n\n| Method | Path |\n| --- | --- |\n")

    add(project, "customers", CUSTOMERS)

    assert readme.read_text() == "# Our service\n\n| Method | Path |\n| --- | --- |\n"
    record = load_record(project, "customers")
    assert record is not None
    assert all(edit.kind != "api_table" for edit in record.edits)
