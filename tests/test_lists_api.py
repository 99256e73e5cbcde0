"""The lists through the staff API: the same acts as the pages, under the same capabilities."""

import json

from copvn.accounts import tokens
from copvn.lists import seed, services

SHA = "ab" * 32


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.create(user, 'thử')[1]}"}


def test_a_senior_analyst_adds_imports_and_exports_through_the_api(client, make_user):
    senior = make_user("senior_analyst")
    headers = bearer(senior)
    lists = client.get("/api/v1/lists", **headers)
    assert lists.status_code == 200 and seed.CONFIRMED_SHA256 in {row["slug"] for row in lists.json()}
    url = f"/api/v1/lists/{seed.CONFIRMED_SHA256}"
    added = client.post(f"{url}/entries", json.dumps({"values": [SHA]}), content_type="application/json", **headers)
    assert added.status_code == 200 and added.json()["added"] == 1
    bad = client.post(f"{url}/entries", json.dumps({"values": ["xyz"]}), content_type="application/json", **headers)
    assert bad.status_code == 422 and bad.json()["detail"][0][0] == "xyz"
    imported = client.post(f"{url}/import", json.dumps({"content": f"{'cd' * 32}\nkhong-phai-ma\n"}),
                           content_type="application/json", **headers)
    assert imported.json()["added"] == 1 and imported.json()["errors"][0][0] == 2
    lines = client.get(f"{url}/export?fmt=lines", **headers).content.decode()
    assert SHA in lines and "cd" * 32 in lines


def test_an_analyst_reads_but_cannot_change_lists(client, make_user):
    headers = bearer(make_user("analyst"))
    assert client.get("/api/v1/lists", **headers).status_code == 200
    answer = client.post(f"/api/v1/lists/{seed.CONFIRMED_SHA256}/entries", json.dumps({"values": [SHA]}),
                         content_type="application/json", **headers)
    assert answer.status_code == 403 and services.province_list(seed.CONFIRMED_SHA256).entry_count == 0
