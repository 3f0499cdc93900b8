from fastapi import HTTPException  # expect: GOS502

from acme.models.order import Order
from acme.repositories.order_repository import OrderRepository
from acme.schemas.order import OrderCreate


class OrderService:
    def __init__(self, repository: OrderRepository) -> None:
        self.repository = repository

    async def list(self) -> list[Order]:
        return await self.repository.list()

    async def create(self, data: OrderCreate) -> Order:
        if data.customer_id < 1:
            raise HTTPException(status_code=422)
        return Order(customer_id=data.customer_id)
