import logging

from sqlmodel import Session, select

from app.core.db import engine

logger = logging.getLogger(__name__)


def init() -> None:
    with Session(engine) as session:  # trap: GOS401 (a script, outside any request)
        session.exec(select(1))


def main() -> None:
    logger.info("Initializing service")
    init()


if __name__ == "__main__":
    main()
