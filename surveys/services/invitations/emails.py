"""The invitation email and its reminders: texts, the one-click scale, the opt-out link and
headers, and a Message-ID that stays the same for every attempt of one mail."""

import dataclasses
from datetime import datetime
from email.utils import formataddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from customers.constants import RTL_LANGUAGES

from ...models import Invitation, Survey
from ...selectors.questions import first_scale_question
from ..texts import SurveyTexts, invitation_piping, survey_texts


def _message_id(invitation: Invitation, reminder: int = 0) -> str:
    """The same Message-ID for every attempt of one mail, so a duplicate delivery is detectable;
    each reminder is a mail of its own."""
    salt, kind, value = "surveys.invitation.message-id", "invitation", str(invitation.pk)
    if reminder:
        salt, kind, value = "surveys.invitation.reminder", "reminder", f"{invitation.pk}:{reminder}"
    digest = salted_hmac(salt, value).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{kind}.{digest}@{domain}>"


def _one_click_scale(invitation: Invitation, texts, question) -> dict | None:
    """The survey's opening scale as links (`?score=n`): one click opens the form with the
    score chosen. Nothing is stored by the click (mail scanners follow links too)."""
    if question is None:
        return None
    low, high = question.scale
    return {
        "text": texts.question(question, "text"),
        "min_label": texts.question(question, "min_label"),
        "max_label": texts.question(question, "max_label"),
        "choices": [
            {"value": value, "url": f"{invitation.url}?score={value}"}
            for value in range(low, high + 1)
        ],
    }


def unsubscribe_url(invitation: Invitation) -> str:
    """The opt-out page of this link (surveys.views.optout); every email must carry it."""
    return f"{settings.SITE_URL}/s/{invitation.token}/unsubscribe/"


def unsubscribe_headers(invitation: Invitation) -> dict[str, str]:
    """RFC 2369 List-Unsubscribe with RFC 8058 one-click POST, for every survey email."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(invitation)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@dataclasses.dataclass(frozen=True)
class EmailTexts:
    """What every email of one survey in one language shares: the texts (without piping) and
    the opening scale question. Computed once per chunk, not once per message."""

    texts: SurveyTexts
    scale_question: object | None  # surveys.models.Question


def invitation_email_texts(*, survey: Survey, language: str) -> EmailTexts:
    """The survey's email texts in `language`: a few queries, whatever the number of mails."""
    return EmailTexts(
        texts=survey_texts(
            survey=survey,
            questions=survey.questions.prefetch_related("choices"),
            language=language,
        ),
        scale_question=first_scale_question(survey),
    )


def invitation_email_build(
    *,
    invitation: Invitation,
    reminder: int = 0,
    closes_at: datetime | None = None,
    texts_cache: dict | None = None,
) -> EmailMultiAlternatives:
    """The invitation email, or its `reminder`-th reminder, in the contact's language: plain
    text and HTML, the personal link, the one-click scale and the opt-out link and headers.

    `texts_cache`, a dict the caller keeps for a batch of mails, holds the EmailTexts per
    survey and language, so that a batch reads the questions and translations once. Without
    it every call reads them. Piping (the contact's name...) is always per invitation.
    """
    contact, survey = invitation.contact, invitation.survey
    language = contact.language or survey.default_language
    key = (survey.pk, language)
    shared = texts_cache.get(key) if texts_cache is not None else None
    if shared is None:
        shared = invitation_email_texts(survey=survey, language=language)
        if texts_cache is not None:
            texts_cache[key] = shared
    texts = dataclasses.replace(shared.texts, piping=invitation_piping(invitation))
    template = "reminder" if reminder else "invitation"
    with translation.override(language):
        context = {
            "invitation": invitation,
            "contact": contact,
            "survey": survey,
            "title": texts["title"],
            "url": invitation.url,
            "one_click": _one_click_scale(invitation, texts, shared.scale_question),
            "unsubscribe_url": unsubscribe_url(invitation),
            "language": language,
            "rtl": language in RTL_LANGUAGES,
            "closes_on": timezone.localdate(closes_at) if closes_at else None,
        }
        subject = render_to_string(f"surveys/email/{template}_subject.txt", context)
        text = render_to_string(f"surveys/email/{template}.txt", context)
        html = render_to_string(f"surveys/email/{template}.html", context)
    message = EmailMultiAlternatives(
        # A header is one line: collapse whatever whitespace a title carries.
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((contact.name, contact.email))],
        headers={
            "Message-ID": _message_id(invitation, reminder),
            **unsubscribe_headers(invitation),
        },
    )
    message.attach_alternative(html, "text/html")
    return message
