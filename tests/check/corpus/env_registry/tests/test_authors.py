async def test_list_authors(client):
    response = await client.get("/api/authors/")
    assert response.status_code == 200
