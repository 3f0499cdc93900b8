"""Rich console logging for the app, uvicorn and SQLAlchemy alike."""

import logging

from rich.logging import RichHandler

__all__ = ["setup_logging"]


def setup_logging(level: int | str = logging.INFO) -> None:
    """Route every log record through one Rich handler; call once, before the app starts."""
    # Markup stays opt-in per record (extra={"markup": True}): messages may contain user input.
    handler = RichHandler(rich_tracebacks=True, markup=False, show_time=True, show_path=False)
    handler.setFormatter(logging.Formatter("%(message)s"))

    root = logging.getLogger()
    root.setLevel(level)
    # Replace uvicorn's default handlers so nothing is logged twice.
    root.handlers = [handler]
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
