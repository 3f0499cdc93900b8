from fastapi import APIRouter

from acme.api.v1.endpoints import customers, health, legacy, orders

api_router = APIRouter()
api_router.include_router(orders.router, prefix="/orders", tags=["orders"])
api_router.include_router(customers.router)
api_router.include_router(legacy.router)
api_router.include_router(legacy.router)  # expect: GOS203

for probe in (health.router,):
    api_router.include_router(probe)
