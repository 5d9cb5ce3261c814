"""A trainee who types a card's code a second time reads why it fails and what to do."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_refused_login_says_a_cards_code_works_once_and_who_gives_a_new_card(client, trainee):
    page = client.post(reverse("login"), {"username": trainee.username, "password": "ABCD-EFGH"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "The code on a login card works only once" in html
    assert "ask your trainer for a new card" in html


def test_the_login_page_does_not_say_it_before_anything_went_wrong(client):
    assert "works only once" not in client.get(reverse("login")).content.decode()
