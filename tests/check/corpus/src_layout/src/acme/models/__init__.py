"""Every model, imported here so the metadata holds every table."""

from acme.models.customer import Customer
from acme.models.order import Order

__all__ = ["Customer", "Order"]
