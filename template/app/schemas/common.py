"""Shapes shared by every resource."""

from typing import Generic, TypeVar

from pydantic import BaseModel

__all__ = ["Page"]

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """One page of a listing, with the total number of rows across all pages."""

    items: list[ItemT]
    total: int
    offset: int
    limit: int
