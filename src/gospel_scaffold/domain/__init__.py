"""Add, evolve and remove domains (model, schemas, repository, service, routes, migration, tests).

The modules split the work the way the command runs it:

- :mod:`~gospel_scaffold.domain.naming`: domain names (singular, plural, class, table, URL).
- :mod:`~gospel_scaffold.domain.fields`: the field spec (``name:type[:args][:modifier...]``).
- :mod:`~gospel_scaffold.domain.target_project`: what the target project already holds.
- :mod:`~gospel_scaffold.domain.render`: per-field snippets and the Jinja environment.
- :mod:`~gospel_scaffold.domain.spec`: the domain spec, ``ref``/``refs`` fields resolved to
  their targets, each once per command.
- :mod:`~gospel_scaffold.domain.registered`: models registered by hand that a reference may use.
- :mod:`~gospel_scaffold.domain.generate`: every generated file of a domain.
- :mod:`~gospel_scaffold.domain.formatting`: the project's own ``ruff format``.
- :mod:`~gospel_scaffold.domain.database`: was a migration applied? (read-only).
- :mod:`~gospel_scaffold.domain.registry`: libcst edits of shared files.
- :mod:`~gospel_scaffold.domain.migration`: Alembic migrations written from the spec.
- :mod:`~gospel_scaffold.domain.plan`: the planned writes, edits and deletions, diffs and JSON.
- :mod:`~gospel_scaffold.domain.apply`: all-or-nothing application of a plan.
- :mod:`~gospel_scaffold.domain.record`: what was generated, for an exact undo.
- :mod:`~gospel_scaffold.domain.add` / :mod:`~gospel_scaffold.domain.remove`: whole domains.
- :mod:`~gospel_scaffold.domain.evolve`: ``add-field`` / ``remove-field`` (merged with
  :mod:`~gospel_scaffold.domain.merge`, bases from :mod:`~gospel_scaffold.domain.pristine`,
  uses of removed attributes found by :mod:`~gospel_scaffold.domain.usages`).
- :mod:`~gospel_scaffold.domain.slice`: a domain's files and its edits of shared files.
- :mod:`~gospel_scaffold.domain.upgrade`: every domain brought to the installed gospel (the
  domain half of ``gospel update``).

Nothing here imports Jinja2, libcst or inflect at module import time.
"""

from __future__ import annotations

__all__: list[str] = []
