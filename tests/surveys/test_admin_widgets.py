"""A survey's languages and a pulse segment's filters are chosen from lists (checkboxes,
multiple choices), not typed as JSON, and bad choices get a message that says what to do."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from surveys.models import PulseSegment
from tests.factories import (
    AccountFactory,
    ContactFactory,
    SurveyFactory,
    UserFactory,
    VerticalMarketFactory,
)
from tests.surveys.admin_post import inline_post_data

pytestmark = pytest.mark.django_db


def _survey_post(client, survey) -> tuple[str, dict]:
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    page = client.get(url)
    return url, inline_post_data(page.context["adminform"], page.context["inline_admin_formsets"])


def test_the_survey_page_offers_the_languages_as_checkboxes(admin_client):
    survey = SurveyFactory(languages=["en", "fa"])

    text = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content
    text = text.decode()

    for code in ("en", "zh-hans", "pl", "fa"):
        assert f'type="checkbox" name="languages" value="{code}"' in text
    assert '<textarea name="languages"' not in text
    checkbox = r'<input type="checkbox" name="languages" value="([^"]+)"[^>]* checked'
    checked = re.findall(checkbox, text)
    assert checked == ["en", "fa"]


def test_saving_the_checked_languages_stores_them_as_the_list(admin_client):
    survey = SurveyFactory(languages=["en"])
    url, data = _survey_post(admin_client, survey)
    data["languages"] = ["en", "pl", "fa"]

    response = admin_client.post(url, data)

    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.languages == ["en", "pl", "fa"]


def test_a_default_language_that_is_not_offered_is_refused_with_a_message(admin_client):
    survey = SurveyFactory(languages=["en"], default_language="en")
    url, data = _survey_post(admin_client, survey)
    data["languages"] = ["en", "fa"]
    data["default_language"] = "pl"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "default language must be one of the languages" in errors["default_language"][0]
    assert "Polish" in errors["default_language"][0]
    survey.refresh_from_db()
    assert (survey.default_language, survey.languages) == ("en", ["en"])


def test_a_survey_offered_in_no_language_is_refused(admin_client):
    survey = SurveyFactory(languages=["en"])
    url, data = _survey_post(admin_client, survey)
    del data["languages"]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "at least one language" in response.content.decode()


def test_the_model_rules_hold_for_every_writer_not_only_the_admin():
    with pytest.raises(ValidationError) as unknown:
        SurveyFactory.build(languages=["en", "klingon"]).full_clean(exclude=["slug"])
    assert "klingon" in str(unknown.value)
    with pytest.raises(ValidationError) as not_offered:
        SurveyFactory.build(languages=["pl"], default_language="en").full_clean(exclude=["slug"])
    assert "default_language" in not_offered.value.message_dict


# ------------------------------------------------------------------ pulse segments


def _segment_post(**fields) -> dict:
    data = {
        "name": "Plant managers in Polish",
        "seed": "0",
        "quadrants": [],
        "roles": [],
        "languages": [],
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v != []}


def test_the_segment_page_offers_quadrants_roles_and_languages_to_choose(admin_client):
    ContactFactory(role="Plant Manager")
    ContactFactory(role="plant manager")  # the same role: segments match it either way
    ContactFactory(role="Buyer")
    ContactFactory(role="")

    page = admin_client.get(reverse("admin:surveys_pulsesegment_add"))

    form = page.context["adminform"].form
    assert [value for value, _label in form.fields["roles"].choices] == ["Buyer", "Plant Manager"]
    text = page.content.decode()
    for quadrant in ("model", "at_risk", "growth", "dangling"):
        assert f'type="checkbox" name="quadrants" value="{quadrant}"' in text
    for code in ("en", "zh-hans", "pl", "fa"):
        assert f'type="checkbox" name="languages" value="{code}"' in text
    assert '<select name="roles"' in text and "selectfilter" in text
    assert "<textarea" not in text


def test_a_segment_saves_the_chosen_filters_as_lists(admin_client):
    ContactFactory(role="Plant Manager", language="pl")
    market = VerticalMarketFactory()

    response = admin_client.post(
        reverse("admin:surveys_pulsesegment_add"),
        _segment_post(
            quadrants=["growth", "at_risk"],
            roles=["Plant Manager"],
            languages=["pl"],
            vertical_markets=[market.pk],
        ),
    )

    assert response.status_code == 302
    segment = PulseSegment.objects.get()
    assert sorted(segment.quadrants) == ["at_risk", "growth"]
    assert (segment.roles, segment.languages) == (["Plant Manager"], ["pl"])


def test_unknown_choices_and_a_reversed_period_are_refused_with_messages(admin_client):
    response = admin_client.post(
        reverse("admin:surveys_pulsesegment_add"),
        _segment_post(
            quadrants=["lucky"],
            languages=["xx"],
            experienced_since="2026-05-01",
            experienced_until="2026-04-01",
            sample_size="0",
        ),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "lucky is not one of the available choices" in errors["quadrants"][0]
    assert "xx is not one of the available choices" in errors["languages"][0]
    assert errors["experienced_until"] == ["The period ends before it starts."]
    assert "at least one contact" in errors["sample_size"][0]
    assert not PulseSegment.objects.exists()


def test_a_saved_role_that_no_contact_has_any_more_stays_chosen(admin_client):
    segment = PulseSegment.objects.create(name="Old", roles=["Chief Dreamer"])

    page = admin_client.get(reverse("admin:surveys_pulsesegment_change", args=[segment.pk]))

    form = page.context["adminform"].form
    assert ("Chief Dreamer", "Chief Dreamer") in form.fields["roles"].choices
    assert form["roles"].value() == ["Chief Dreamer"]


def test_a_segment_offers_only_the_roles_of_contacts_the_user_may_see(client):
    user = UserFactory(username="am.pulse", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_pulsesegment", "view_pulsesegment"])
    )
    mine = AccountFactory()
    mine.account_team.add(user)
    ContactFactory(account=mine, role="Site Engineer")
    ContactFactory(role="Secret Agent")  # another team's account
    client.force_login(user)

    page = client.get(reverse("admin:surveys_pulsesegment_add"))

    roles = [value for value, _label in page.context["adminform"].form.fields["roles"].choices]
    assert roles == ["Site Engineer"]


def test_saving_a_segment_that_matches_nobody_warns(admin_client):
    ContactFactory(language="en")

    response = admin_client.post(
        reverse("admin:surveys_pulsesegment_add"), _segment_post(languages=["fa"]), follow=True
    )

    assert "No contact matches this segment" in response.content.decode()
    assert PulseSegment.objects.get().languages == ["fa"]  # saved all the same


def test_the_send_form_isolates_each_name_for_right_to_left_pages(admin_client):
    survey = SurveyFactory()
    ContactFactory(name="Ali Rezaei", email="ali@pars.example")

    page = admin_client.get(reverse("admin:surveys_survey_send", args=[survey.pk]))

    labels = [label for _value, label in page.context["form"].fields["contacts"].choices]
    assert labels == ["\u2068Ali Rezaei <ali@pars.example>\u2069"]
    assert 'class="related-widget-wrapper"' in page.content.decode()  # the boxes by the label
