"""Fixtures of the update tests: a template repository with history, projects made from it."""

from update.template_history import generate, git_env, template_repo

__all__ = ["generate", "git_env", "template_repo"]
