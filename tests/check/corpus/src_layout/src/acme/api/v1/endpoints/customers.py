from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from acme.db.session import get_session
from acme.models.customer import Customer
from acme.schemas.customer import CustomerRead

router = APIRouter(prefix="/customers", tags=["customers"])


@router.get("/", response_model=list[CustomerRead])
async def list_customers(s: AsyncSession = Depends(get_session)):
    return (await s.scalars(select(Customer))).all()  # expect: GOS301
