from __future__ import annotations

from fastapi.testclient import TestClient


def create(client: TestClient, **body: object) -> dict:
    response = client.post("/api/items", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_empty_list(client: TestClient) -> None:
    response = client.get("/api/items")
    assert response.status_code == 200
    assert response.json() == []


def test_create_then_read(client: TestClient) -> None:
    item = create(client, name="teapot", description="short and stout", category="kitchen")
    assert item["id"] == 1
    assert item["name"] == "teapot"
    assert item["category"] == "kitchen"
    assert item["created_at"]

    detail = client.get(f"/api/items/{item['id']}").json()
    assert detail == {**item, "reviews": []}
    assert client.get("/api/items").json() == [item]


def test_list_filters_and_pages(client: TestClient) -> None:
    for index in range(5):
        create(client, name=f"item-{index}", category="even" if index % 2 == 0 else "odd")
    assert [i["name"] for i in client.get("/api/items?category=odd").json()] == ["item-1", "item-3"]
    assert [i["name"] for i in client.get("/api/items?limit=2&offset=1").json()] == ["item-1", "item-2"]
    assert client.get("/api/items?limit=0").status_code == 422


def test_duplicate_name_is_a_conflict(client: TestClient) -> None:
    create(client, name="lamp")
    response = client.post("/api/items", json={"name": "lamp"})
    assert response.status_code == 409
    assert response.json() == {"detail": "an item named 'lamp' already exists"}
    # The failed insert left the session usable.
    assert len(client.get("/api/items").json()) == 1


def test_invalid_bodies_are_rejected(client: TestClient) -> None:
    for body in ({}, {"name": ""}, {"name": "   "}, {"name": "x" * 101}, {"name": "ok", "price": 3}):
        response = client.post("/api/items", json=body)
        assert response.status_code == 422, body
    response = client.post("/api/items", content=b"not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_missing_item_is_404(client: TestClient) -> None:
    response = client.get("/api/items/999")
    assert response.status_code == 404
    assert response.json() == {"detail": "item 999 not found"}
    assert client.delete("/api/items/999").status_code == 404
    assert client.get("/api/items/not-a-number").status_code == 422


def test_delete_removes_the_item_and_its_reviews(client: TestClient) -> None:
    item = create(client, name="chair")
    assert client.post(f"/api/items/{item['id']}/reviews", json={"rating": 4}).status_code == 201
    response = client.delete(f"/api/items/{item['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"/api/items/{item['id']}").status_code == 404
    assert client.get(f"/api/items/{item['id']}/reviews").status_code == 404


def test_reviews(client: TestClient) -> None:
    item = create(client, name="desk")
    first = client.post(f"/api/items/{item['id']}/reviews", json={"rating": 5, "comment": "solid"})
    assert first.status_code == 201
    assert first.json()["item_id"] == item["id"]
    assert client.post(f"/api/items/{item['id']}/reviews", json={"rating": 6}).status_code == 422
    assert client.post("/api/items/999/reviews", json={"rating": 3}).status_code == 404

    reviews = client.get(f"/api/items/{item['id']}/reviews").json()
    assert [(r["rating"], r["comment"]) for r in reviews] == [(5, "solid")]
    assert client.get(f"/api/items/{item['id']}").json()["reviews"] == reviews
