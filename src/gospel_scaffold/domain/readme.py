"""The API table of the project's ``README.md``: the rows of each domain, kept current.

The table sits between two markers that ``gospel new`` writes (and ``gospel update`` brings to
older projects)::

    <!-- gospel:api-table ... -->
    | Method | Path | Who |
    | --- | --- | --- |
    | POST | `/api/v1/auth/register` | anyone |
    <!-- /gospel:api-table -->

A domain's rows are the table rows whose path starts with the domain's URL
(``/api/v1/payments/``). :func:`add_api_rows` appends them unless the table already has a row
of the domain (yours, edited or not, stays as it is); :func:`remove_api_rows` takes them out.
Everything else in the README, the table's other rows included, is never touched. A README
without the markers is left alone.
"""

from __future__ import annotations

from gospel_scaffold.domain.naming import DomainNames

__all__ = [
    "README",
    "add_api_rows",
    "api_rows",
    "domain_url",
    "has_api_table",
    "remove_api_rows",
]

README = "README.md"
_START = "<!-- gospel:api-table"
_END = "<!-- /gospel:api-table -->"


def domain_url(url_prefix: str) -> str:
    """The collection URL of a domain (``/api/v1/payments/``) from its prefix (``/payments``)."""
    return f"/api/v1{url_prefix}/"


def api_rows(names: DomainNames, *, owner: bool) -> list[str]:
    """The table rows of a domain's endpoints, as the generated routes serve them.

    Owned rows are their creator's (superusers see all); shared rows are read by any user and
    changed by superusers.
    """
    collection = domain_url(names.url_prefix)
    item = f"{collection}{{{names.singular}_id}}"
    if owner:
        who = "user: their own rows (superuser: all)"
        return [
            f"| GET, POST | `{collection}` (GET paginated) | {who} |",
            f"| GET, PATCH, DELETE | `{item}` | {who} |",
        ]
    return [
        f"| GET | `{collection}` (paginated), `{item}` | user |",
        f"| POST | `{collection}` | superuser |",
        f"| PATCH, DELETE | `{item}` | superuser |",
    ]


def _span(lines: list[str]) -> tuple[int, int] | None:
    start = next((i for i, line in enumerate(lines) if line.startswith(_START)), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == _END), None)
    return None if end is None else (start, end)


def _is_row_of(line: str, url: str) -> bool:
    cells = line.strip().strip("|").split("|")
    if not line.lstrip().startswith("|") or len(cells) < 2:
        return False
    path = cells[1].strip()
    return path.startswith(f"`{url}")


def has_api_table(text: str) -> bool:
    """Whether ``text`` has the API table markers."""
    return _span(text.splitlines()) is not None


def add_api_rows(text: str, names: DomainNames, *, owner: bool) -> str:
    """Append the domain's rows to the API table, unless it has a row of the domain already.

    Args:
        text: The README.
        names: The domain's names.
        owner: Whether its rows belong to users.

    Returns:
        The edited README (``text`` itself without the markers, or with the rows there).
    """
    lines = text.splitlines(keepends=True)
    span = _span(lines)
    if span is None:
        return text
    start, end = span
    url = domain_url(names.url_prefix)
    if any(_is_row_of(line, url) for line in lines[start + 1 : end]):
        return text
    rows = [i for i in range(start + 1, end) if lines[i].lstrip().startswith("|")]
    position = rows[-1] + 1 if rows else end
    if position > 0 and not lines[position - 1].endswith("\n"):
        lines[position - 1] += "\n"
    lines[position:position] = [f"{row}\n" for row in api_rows(names, owner=owner)]
    return "".join(lines)


def remove_api_rows(text: str, url_prefix: str) -> str:
    """Undo :func:`add_api_rows`: take the rows of the domain at ``url_prefix`` out of the table.

    Args:
        text: The README.
        url_prefix: The domain's URL prefix (``/payments``).

    Returns:
        The edited README (``text`` itself when there is nothing to remove).
    """
    lines = text.splitlines(keepends=True)
    span = _span(lines)
    if span is None:
        return text
    start, end = span
    url = domain_url(url_prefix)
    kept = [line for i, line in enumerate(lines) if not (start < i < end and _is_row_of(line, url))]
    return "".join(kept)
