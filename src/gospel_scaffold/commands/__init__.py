"""The ``gospel`` commands: thin Typer functions, one module each, over pure functions."""

__all__: list[str] = []
