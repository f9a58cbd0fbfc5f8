"""The notification centre: one's own notifications only, unread count, mark read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zaedno.notifications.models import Notification
from zaedno.notifications.services import notification_send

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_list_shows_own_notifications_and_unread_count(client, world):
    # petrov was added to the team of the world case: one notification.
    client.force_login(world.petrov)
    page = html(client.get(reverse("notifications:list")))
    assert "Включени сте в екипа по случай" in page
    assert '<span class="count"' in page  # the unread badge in the navigation
    client.force_login(world.georgieva)
    page = html(client.get(reverse("notifications:list")))
    assert "Включени сте в екипа" not in page and "Няма известия." in page


def test_open_marks_read_and_follows_the_link(client, world):
    n = world.petrov.notifications.get()
    client.force_login(world.petrov)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[world.case.pk])
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_never_redirects_off_site(client, world):
    n = notification_send(
        user=world.petrov, kind="x", title="Външна връзка", url="https://evil.example/", email=False
    )
    client.force_login(world.petrov)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_read_htmx_and_all(client, world):
    notification_send(user=world.petrov, kind="x", title="Второ", email=False)
    n = world.petrov.notifications.order_by("id").first()
    client.force_login(world.petrov)
    response = client.post(reverse("notifications:read", args=[n.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in html(response)
    n.refresh_from_db()
    assert n.read_at is not None
    assert world.petrov.notifications.filter(read_at__isnull=True).count() == 1
    client.post(reverse("notifications:read_all"))
    assert not world.petrov.notifications.filter(read_at__isnull=True).exists()


def test_other_users_notifications_are_404(client, world):
    n = world.petrov.notifications.get()
    client.force_login(world.georgieva)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_only_unread_filter(client, world):
    notification_send(user=world.petrov, kind="x", title="Прочетено", email=False)
    client.force_login(world.petrov)
    client.post(reverse("notifications:read_all"))
    notification_send(user=world.petrov, kind="x", title="Ново известие", email=False)
    page = html(client.get(reverse("notifications:list"), {"unread": "1"}))
    assert "Ново известие" in page and "Прочетено" not in page
