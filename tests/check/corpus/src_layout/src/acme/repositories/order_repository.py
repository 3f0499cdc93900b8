from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from acme.models.order import Order
from acme.services.pricing import price  # expect: GOS501


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self) -> list[Order]:
        return list(await self.session.scalars(select(Order)))

    async def total(self, amount: int) -> int:
        return price(amount)
