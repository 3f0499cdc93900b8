from sqlalchemy.orm import Session

from app import models, schemas


def get_items(db: Session) -> list[models.Item]:
    return db.query(models.Item).all()  # trap: GOS301 (crud is not a route handler)


def create_item(db: Session, item: schemas.ItemCreate) -> models.Item:
    row = models.Item(title=item.title)
    db.add(row)
    db.commit()
    return row
