"""gospel: generate FastAPI backends that follow the Backend Development Gospel."""

__all__ = ["__version__"]

try:
    # Written by the build (hatch-vcs) from the git tag: cheaper than importlib.metadata.
    from gospel_scaffold._version import __version__
except ImportError:  # pragma: no cover - a source tree that was never built or installed
    from importlib.metadata import PackageNotFoundError, version

    try:
        __version__ = version("gospel-scaffold")
    except PackageNotFoundError:
        __version__ = "0.0.0"
