"""The admin stays the stock Django admin (right-to-left included), named for the product,
with its own small stylesheet served from the project."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admin_is_named_for_the_product_and_links_to_the_results(admin_client):
    text = admin_client.get(reverse("admin:index")).content.decode()

    assert "CEM administration" in text and "Django administration" not in text
    assert 'href="/insights/"' in text  # "View site": the results pages
    assert "/static/css/admin.css" in text
    assert finders.find("css/admin.css")


def test_the_persian_admin_is_right_to_left_with_the_same_stylesheet(admin_client, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"

    text = admin_client.get(reverse("admin:surveys_survey_changelist")).content.decode()

    assert 'dir="rtl"' in text
    assert "admin/css/rtl.css" in text and "/static/css/admin.css" in text


def test_the_admin_stylesheet_uses_only_logical_sides():
    """left/right in our CSS would not mirror on right-to-left pages."""
    css = Path(finders.find("css/admin.css")).read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)  # comments may say "right-to-left"
    for physical in ("-left", "-right", "left:", "right:", "float:"):
        assert physical not in css
