from pydantic import BaseModel


class CustomerRead(BaseModel):
    id: int
