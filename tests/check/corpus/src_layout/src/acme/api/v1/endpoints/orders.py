from fastapi import APIRouter

from acme.api.deps import DB, Orders
from acme.models.order import Order
from acme.schemas.order import OrderCreate, OrderRead

router = APIRouter()


@router.get("/", response_model=list[OrderRead])
async def list_orders(orders: Orders):
    return await orders.list()  # trap: GOS301 (a service call)


@router.get("/{order_id}", response_model=OrderRead)
async def get_order(order_id: int, db: DB):
    return await db.get(Order, order_id)  # expect: GOS301


@router.post("/", response_model=OrderRead, status_code=201)
async def create_order(data: OrderCreate, orders: Orders):
    return await orders.create(data)


@router.patch("/{order_id}", response_model=OrderRead)
async def update_order(order_id: int, data: OrderCreate, orders: Orders):  # expect: GOS602
    return await orders.create(data)
