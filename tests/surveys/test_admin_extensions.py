"""The surveys app extends customers' contact and event admins through cem_project.admin_tools,
without unregistering them."""

from collections import defaultdict

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import path, reverse

from cem_project import admin_tools
from cem_project.admin_tools import AdminExtension, ExtensibleAdmin, admin_extend
from customers.admin import ContactAdmin, TouchPointEventAdmin
from customers.models import Contact, TouchPoint, TouchPointEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_customers_keep_their_own_admins_for_contacts_and_events():
    assert type(admin.site.get_model_admin(Contact)) is ContactAdmin
    assert type(admin.site.get_model_admin(TouchPointEvent)) is TouchPointEventAdmin


def test_the_contact_list_offers_the_send_action_added_by_the_surveys_app(staff_client):
    response = staff_client.get(reverse("admin:customers_contact_changelist"))

    choices = dict(response.context["action_form"].fields["action"].choices)
    assert "delete_selected" in choices
    assert choices["send_survey"] == "Send a survey to the selected contacts"


def test_the_event_import_button_shows_only_for_users_who_may_add_events(client):
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_touchpointevent"))
    importer = UserFactory()
    importer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_touchpointevent", "add_touchpointevent"])
    )
    url = reverse("admin:customers_touchpointevent_changelist")
    import_url = reverse("admin:customers_touchpointevent_import_csv")

    client.force_login(viewer)
    as_viewer = client.get(url)
    refused = client.get(import_url)
    client.force_login(importer)
    as_importer = client.get(url)

    assert as_viewer.status_code == 200 and import_url not in as_viewer.content.decode()
    assert refused.status_code == 403
    assert import_url in as_importer.content.decode()


def test_an_extension_registered_after_the_admin_was_built_still_reaches_it(
    staff_user, monkeypatch
):
    """The mechanism on its own, on a site of its own: extensions are read per request and per
    URLconf, so the order in which the apps' admin modules load does not matter."""
    monkeypatch.setattr(admin_tools, "_extensions", defaultdict(list))
    site = admin.AdminSite(name="extension_test")
    model_admin = ExtensibleAdmin(TouchPoint, site)

    def stamp(model_admin, request, queryset):
        return None

    extra_url = path("stamp/", lambda request: None, name="customers_touchpoint_stamp")
    admin_extend(TouchPoint, AdminExtension(actions=(stamp,), urls=lambda ma: [extra_url]))
    request = RequestFactory().get("/")
    request.user = staff_user

    assert "stamp" in model_admin.get_actions(request)
    assert model_admin.get_urls()[0] is extra_url
    assert "stamp" not in ExtensibleAdmin(Contact, site).get_actions(request)
