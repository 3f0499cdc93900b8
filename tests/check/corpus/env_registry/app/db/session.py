from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///./library.db")
SessionLocal = async_sessionmaker(engine)
