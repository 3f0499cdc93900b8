"""Allow ``python -m gospel_scaffold``."""

from gospel_scaffold.cli import main

main()
