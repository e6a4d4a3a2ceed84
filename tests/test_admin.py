import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    ("accounts", "user"),
    ("accounts", "program"),
    ("accounts", "mentorship"),
    ("accounts", "researchmanagerassignment"),
    ("meetings", "meeting"),
    ("meetings", "agenda"),
    ("meetings", "annotation"),
    ("meetings", "actionitem"),
    ("meetings", "meetingnote"),
]


@pytest.mark.parametrize("app,model", MODELS)
def test_it_lets_an_operator_use_the_admin_for_everything(world, client, app, model):
    client.force_login(UserFactory(username="op", is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", ["agenda", "annotation", "actionitem", "meetingnote"])
def test_it_keeps_private_content_out_of_the_admin_for_staff_accounts(world, client, model):
    world.staff.is_staff = True
    world.staff.save()
    world.staff.user_permissions.set(Permission.objects.all())
    client.force_login(world.staff)
    response = client.get(reverse(f"admin:meetings_{model}_changelist"))
    assert response.status_code == 403
    assert b"SECRET" not in response.content
    assert client.get(reverse("admin:accounts_mentorship_changelist")).status_code == 200
