from app.models.book import Book


async def test_list_books(client):
    response = await client.get("/api/books")
    assert response.json() == []
    assert Book.__tablename__ == "books"
