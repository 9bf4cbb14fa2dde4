"""A plan's PDF through the real WeasyPrint, read back with pypdf: the account, the scores and
the actions, in English, Persian and Chinese; nothing it mentions is fetched from outside."""

import http.server
import io
import threading
import unicodedata

import pytest
from pypdf import PdfReader

from insights.plans.constants import OwnerSide
from insights.plans.services.contents import action_create, finding_create
from insights.plans.services.plans import action_plan_publish, action_plan_update

pytestmark = pytest.mark.django_db

PERSIAN_ACTION = "بازدید دوباره از همهٔ محل‌های نصب"
CHINESE_ACTION = "安装团队再次回访所有现场"


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def glyphs(text: str) -> str:
    """Text as a PDF's text layer gives it back: zero-width non-joiners have no glyph, and a
    bold Persian face may map its glyphs to Arabic presentation forms (NFKC folds them)."""
    return unicodedata.normalize("NFKC", text.replace("\u200c", ""))


@pytest.fixture
def staff(client, story):
    client.force_login(story.team_member)
    return client


def _with_action(plan, story, title):
    return action_create(
        plan=plan,
        user=story.team_member,
        title=title,
        owner_side=OwnerSide.CUSTOMER,
        owner_name="Sara Karimi",
        touch_point=story.installation,
    )


def test_the_staff_pdf_holds_the_account_the_scores_and_the_actions(staff, plan, story):
    _with_action(plan, story, "Senior installer revisits every open site")
    response = staff.get(f"/action-plans/{plan.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Northbridge Health System" in text
    assert "Healthcare" in text
    assert "-50" in text  # the wave's NPS
    assert "100" in text  # the previous wave's
    assert "Senior installer revisits every open site" in text
    assert "Installation" in text  # the weakest touch point, and the action's
    assert "Draft" in text  # not published yet
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert f"Page 2 of {len(pages)}" in pages[1].extract_text()


def test_a_persian_plan_renders_its_persian_text_right_to_left(staff, plan, story):
    action_plan_update(plan=plan, user=story.team_member, language="fa")
    _with_action(plan, story, PERSIAN_ACTION)
    finding_create(plan=plan, user=story.team_member, title="نصب دیر انجام شد")
    response = staff.get(f"/action-plans/{plan.pk}.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.trailer["/Root"]["/Lang"] == "fa"
    text = glyphs(pdf_text(response.content))
    assert glyphs(PERSIAN_ACTION) in text
    assert glyphs("نصب دیر انجام شد") in text
    assert "2026-01-01 – 2026-01-31" in text  # the period isolated left to right
    assert "Northbridge Health System" in text and "-50" in text


def test_a_chinese_plan_keeps_its_chinese_text(staff, plan, story):
    action_plan_update(plan=plan, user=story.team_member, language="zh-hans")
    _with_action(plan, story, CHINESE_ACTION)
    response = staff.get(f"/action-plans/{plan.pk}.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.trailer["/Root"]["/Lang"] == "zh-hans"
    text = pdf_text(response.content)
    assert CHINESE_ACTION in text
    assert "-50" in text


def test_the_customer_pdf_is_in_the_contacts_language_and_of_the_published_version(
    client, plan, story
):
    _with_action(plan, story, PERSIAN_ACTION)
    action_plan_update(plan=plan, user=story.team_member, internal_notes="Renewal in May.")
    action_plan_publish(plan=plan, user=story.team_member, contacts=[story.key_contact])
    share = plan.shares.get()
    _with_action(plan, story, "Added after publishing")  # version 2, not shown
    response = client.get(f"/p/{share.token}/pdf/")
    text = glyphs(pdf_text(response.content))
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "fa"
    assert glyphs(PERSIAN_ACTION) in text
    assert "Added after publishing" not in text
    assert "Renewal in May." not in text


def test_a_published_version_prints_as_it_was(staff, plan, story):
    _with_action(plan, story, "First action")
    action_plan_publish(plan=plan, user=story.team_member)
    _with_action(plan, story, "Second action")
    text = pdf_text(staff.get(f"/action-plans/{plan.pk}.pdf?version=1").content)
    assert "First action" in text and "Second action" not in text
    assert "Version 1" in text


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list

    def do_GET(self):  # noqa: N802
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    hits: list = []
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), type("Handler", (_Counting,), {"hits": hits})
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_a_plan_that_mentions_an_external_image_makes_no_network_call(
    staff, plan, story, http_server
):
    base, hits = http_server
    finding_create(
        plan=plan,
        user=story.team_member,
        title=f'<img src="{base}/finding.png">',
        text=f'<link rel="attachment" href="{base}/attach"> <img src="{base}/text.png">',
    )
    _with_action(plan, story, f'<img src="{base}/action.png">')
    response = staff.get(f"/action-plans/{plan.pk}.pdf")
    assert response.status_code == 200
    assert f"{base}/finding.png" in pdf_text(response.content)  # shown as text, escaped
    assert hits == []


def test_the_report_fetcher_refuses_an_external_url(http_server):
    from insights.reports.fetcher import ResourceRefused, make_fetcher

    base, hits = http_server
    fetcher = make_fetcher()
    with pytest.raises(ResourceRefused):
        fetcher.fetch(f"{base}/logo.png")
    with pytest.raises(ResourceRefused):
        fetcher.fetch("file:///etc/passwd")
    assert hits == []
