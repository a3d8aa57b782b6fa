import pytest


@pytest.mark.django_db
def test_home_answers_in_dutch_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "nl"
