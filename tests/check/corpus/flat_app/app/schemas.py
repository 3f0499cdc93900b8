from pydantic import BaseModel, ConfigDict


class ItemCreate(BaseModel):
    title: str


class ItemRead(ItemCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int


class UserRead(BaseModel):
    id: int
    email: str
