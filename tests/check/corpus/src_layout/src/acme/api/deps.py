from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from acme.db.session import get_session
from acme.repositories.order_repository import OrderRepository
from acme.services.order_service import OrderService

DB = Annotated[AsyncSession, Depends(get_session)]


def order_service(db: DB) -> OrderService:
    return OrderService(OrderRepository(db))


Orders = Annotated[OrderService, Depends(order_service)]
