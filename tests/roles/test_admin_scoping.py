"""The admin's scoping (cem_project.admin_tools.VisibleAccountsAdminMixin) where a change list
alone does not show it: the choices of relations and autocomplete, list filters, actions, the
send figures of change pages, the log of refusals, and that every admin of account data uses it."""

import logging

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.db.models import ForeignKey
from django.urls import reverse

from cem_project.admin_tools import VisibleAccountsAdminMixin, VisibleAccountsInlineMixin
from cem_project.roles import ACCOUNT_TEAM_MEMBER, SURVEY_DESIGNER
from customers.models import Account, Contact
from surveys.models import Distribution, Inquiry
from tests.factories import (
    AccountFactory,
    ContactFactory,
    InvitationFactory,
    SurveyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():
    mine, theirs = AccountFactory(name="Alpha Corp"), AccountFactory(name="Beta Ltd")
    return {
        "mine": mine,
        "theirs": theirs,
        "my_contact": ContactFactory(account=mine, name="Ann Mine"),
        "their_contact": ContactFactory(account=theirs, name="Bob Theirs"),
    }


def _login(client, teams, role, *extra_permissions):
    user = UserFactory(username=f"u-{role}", roles=[role])
    user.user_permissions.add(*Permission.objects.filter(codename__in=extra_permissions))
    teams["mine"].account_team.add(user)
    client.force_login(user)
    return user


# ------------------------------------------------------------------ every admin uses it


def _account_bound(model, seen=()) -> bool:
    """A model whose rows belong to an account: Account, or a foreign key to such a model."""
    if model is Account:
        return True
    return any(
        isinstance(field, ForeignKey)
        and field.related_model not in seen
        and _account_bound(field.related_model, (*seen, model))
        for field in model._meta.concrete_fields
    )


def test_every_admin_of_account_data_shows_only_the_visible_accounts():
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        if _account_bound(model) and not isinstance(model_admin, VisibleAccountsAdminMixin):
            unscoped.append(model._meta.label)
        for inline in model_admin.inlines:
            # An inline's rows are its parent's (scoped above) or must be scoped themselves.
            of_parent = any(
                isinstance(f, ForeignKey) and f.related_model is model
                for f in inline.model._meta.concrete_fields
            ) and _account_bound(model)
            bound = _account_bound(inline.model)
            if bound and not of_parent and not issubclass(inline, VisibleAccountsInlineMixin):
                unscoped.append(f"{inline.__name__} on {model._meta.label}")

    assert unscoped == []


# ------------------------------------------------------------------ relations and filters


def test_a_contact_cannot_be_moved_to_another_teams_account_in_the_admin(client, teams):
    _login(client, teams, ACCOUNT_TEAM_MEMBER, "change_contact")
    contact = teams["my_contact"]
    url = reverse("admin:customers_contact_change", args=[contact.pk])

    response = client.post(
        url,
        {"account": teams["theirs"].pk, "name": contact.name, "email": contact.email,
         "language": "en", "role": ""},
    )  # fmt: skip

    assert response.status_code == 200  # the form again, with the error
    assert "account" in response.context["adminform"].form.errors
    contact.refresh_from_db()
    assert contact.account == teams["mine"]


def test_account_autocomplete_offers_only_the_visible_accounts(client, teams):
    _login(client, teams, ACCOUNT_TEAM_MEMBER, "change_contact")

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "customers", "model_name": "contact", "field_name": "account", "term": ""},
    )

    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Alpha Corp"]


def test_the_inquiry_account_filter_lists_only_the_visible_accounts(client, teams):
    user = _login(client, teams, SURVEY_DESIGNER)
    Inquiry.objects.create(title="Mine", account=teams["mine"], held_on="2026-01-05")
    Inquiry.objects.create(title="Theirs", account=teams["theirs"], held_on="2026-01-06")
    Inquiry.objects.create(title="Focus group", held_on="2026-01-07", created_by=user)

    response = client.get(reverse("admin:surveys_inquiry_changelist"))

    page = response.content.decode()
    assert "Alpha Corp" in page and "Beta Ltd" not in page
    assert {i.title for i in response.context["cl"].queryset} == {"Mine", "Focus group"}


def test_the_send_action_reaches_only_visible_contacts(client, teams):
    _login(client, teams, SURVEY_DESIGNER)
    survey = SurveyFactory()
    url = reverse("admin:customers_contact_changelist")
    chosen = {
        "action": "send_survey",
        helpers.ACTION_CHECKBOX_NAME: [teams["my_contact"].pk, teams["their_contact"].pk],
        "survey": survey.pk,
    }

    preview = client.post(url, {**chosen, "apply": "Send"})
    client.post(
        url,
        {
            **chosen,
            "apply": "1",
            "confirm": "1",
            "preview_digest": preview.context["preview"].digest,
        },
    )

    assert "Bob Theirs" not in preview.content.decode()
    send = Distribution.objects.get(survey=survey)
    assert list(send.invitations.values_list("contact", flat=True)) == [teams["my_contact"].pk]


# ------------------------------------------------------------------ figures and refusals


def test_send_figures_on_change_pages_count_only_the_visible_accounts(client, teams):
    _login(client, teams, SURVEY_DESIGNER)
    survey = SurveyFactory()
    send = InvitationFactory(survey=survey, contact=teams["my_contact"]).distribution
    for _ in range(3):
        InvitationFactory(
            survey=survey, distribution=send, contact=ContactFactory(account=teams["theirs"])
        )

    send_page = client.get(reverse("admin:surveys_distribution_change", args=[send.pk]))
    survey_page = client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    listing = client.get(reverse("admin:surveys_distribution_changelist"))

    assert send_page.context["original"].total == 1
    assert [row.total for row in listing.context["cl"].result_list] == [1]
    for page in (send_page, survey_page):
        # The progress table: its first figure is the pending invitations, 1 and not 4.
        html = page.content.decode()
        assert "<td>1</td>" in html and "<td>4</td>" not in html


def test_another_teams_object_in_the_admin_is_a_404_and_logged(client, teams, caplog):
    user = _login(client, teams, ACCOUNT_TEAM_MEMBER)
    url = reverse("admin:customers_contact_change", args=[teams["their_contact"].pk])
    missing = reverse("admin:customers_contact_change", args=[10**9])

    with caplog.at_level(logging.WARNING, logger="cem.security"):
        refused = client.get(url)
        unknown = client.get(missing)

    assert refused.status_code == unknown.status_code == 404
    assert "Bob Theirs" not in refused.content.decode()
    messages = [r.getMessage() for r in caplog.records if r.name == "cem.security"]
    assert messages == [
        f"Out-of-scope customers.Contact {teams['their_contact'].pk} requested in the admin by "
        f"user {user.pk}"
    ]
    assert Contact.objects.count() == 2
