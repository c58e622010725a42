"""The Django admin shows the company's bucket saves (who, when) but does not edit them: an
edit there changed a row in place, the old edges and who changed them lost. The aging page's
save, which records both, is where they change."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dunwell.insight.models import AgingBuckets, save_company_edges, saved_edges

pytestmark = pytest.mark.django_db


def test_the_admin_points_at_the_aging_page_and_refuses_an_edit(
    client: Any, director: Any, django_user_model: Any
) -> None:
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    row = save_company_edges((15, 45), director)
    client.force_login(admin)
    listing = client.get(reverse("admin:insight_agingbuckets_changelist")).content.decode()
    assert "15,45" in listing and str(director) in listing
    assert "changed on the" in listing and reverse("insight:aging") in listing
    assert "Add aging buckets" not in listing
    change = reverse("admin:insight_agingbuckets_change", args=[row.pk])
    response = client.post(change, {"edges": "10,20"})
    assert response.status_code == 403
    assert AgingBuckets.objects.get().edges == "15,45" and saved_edges() == (15, 45)
    assert client.post(reverse("admin:insight_agingbuckets_add"), {"edges": "1"}).status_code == 403
