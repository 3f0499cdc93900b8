"""Keep generated projects updatable: template sources, the bundled history, ``gospel update``.

- :mod:`~gospel_scaffold.update.source`: what ``gospel new`` renders from
  (``--template``/``--vcs-ref``, or the template shipped with gospel).
- :mod:`~gospel_scaffold.update.bundle`: the template's git history shipped in the wheel, and
  the ``gospel://template.git`` source that points at it.
- :mod:`~gospel_scaffold.update.run`: ``gospel update`` itself.
- :mod:`~gospel_scaffold.update.verify`: ``gospel update --verify``.

Nothing here imports copier at module import time.
"""

from __future__ import annotations

__all__: list[str] = []
