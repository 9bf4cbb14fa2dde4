"""The page flow of a personal link `/s/<token>/`, in one place.

Which page a respondent sees, where a post goes next, when the response is complete, and in
which language: `respond_open` (a GET) and `respond_post` (a POST) decide it and return a
`Step` that the view renders. The view parses the request and passes its form class; the
answers are validated here, inside the submit's transaction, so that a whole-survey submit
reads the link once, under its row lock (see `respond_post`).

* GET opens the page where the respondent left off (the first page with an unanswered
  required question); `page` opens another shown page up to that one; `score` preselects a
  value on the survey's opening scale question (`first_scale_question`) and stores nothing.
* A post of one page (`PostedPage`) saves it and goes to the next shown page, or completes
  the response on the last one; `back` saves what is valid and goes to the previous page.
* A post without a page is a whole-survey submit: every question's answer in one post.

Skip logic itself (which questions and pages are shown) is `surveys.logic`; storing answers
is `surveys.services.responses`.
"""

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from .. import logic
from ..models import Invitation, Question
from ..selectors.questions import first_scale_question, survey_questions
from .answers import field_name
from .responses import (
    InvitationNotAnswerable,
    LinkState,
    ResponseAlreadySubmitted,
    invitation_mark_opened,
    invitation_resolve,
    response_answers,
    response_for_invitation,
    response_page_save,
    response_submit,
    response_submit_locked,
)
from .texts import SurveyTexts, invitation_piping, survey_language_codes, survey_texts


class AnswerForm(Protocol):
    """What the flow needs of the view's form (`surveys.forms.SurveyResponseForm`)."""

    def is_valid(self) -> bool: ...

    def answers(self) -> dict[int, object]: ...

    def add_service_errors(self, error: ValidationError) -> None: ...


FormClass = Callable[..., AnswerForm]


class StepKind(enum.Enum):
    INVALID = "invalid"  # unknown, used, expired: one answer for all (404)
    ANSWERED = "answered"  # the link was answered: "already answered" for that browser only
    ALREADY_SUBMITTED = "already_submitted"  # a post found the response complete (409)
    CLOSED = "closed"  # the survey or its wave has closed, or the link stopped being valid
    FORM = "form"  # show `page` with `form`
    REDIRECT = "redirect"  # go to `page` (after a save, or for a page that is not shown)
    COMPLETED = "completed"  # the response is complete: the thank-you page


@dataclass(frozen=True)
class LanguageRequest:
    """The respondent's language wishes: `?lang=` and the choices remembered per invitation id."""

    requested: str | None = None
    remembered: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PostedPage:
    """A post of one page: its number (None when not a number) and whether it goes back."""

    number: int | None
    back: bool = False


@dataclass(frozen=True)
class PageInfo:
    """Where `page` sits in the survey as the respondent's saved answers shape it."""

    position: int
    total: int
    has_back: bool
    is_last: bool


def respondent_languages(invitation: Invitation) -> list[str]:
    """The survey's languages, plus the contact's own (texts fall back per key)."""
    codes = survey_language_codes(invitation.survey)
    contact_language = invitation.contact.language
    if contact_language not in codes and contact_language in dict(settings.LANGUAGES):
        codes.append(contact_language)
    return codes


def respondent_language(*, invitation: Invitation, wish: LanguageRequest) -> tuple[str, bool]:
    """The language to answer in, and whether to remember it for this invitation.

    `?lang=` when offered (remembered when it changes the choice), else the remembered choice,
    else the contact's language; never a language outside the survey's and the contact's own.
    """
    offered = respondent_languages(invitation)
    remembered = wish.remembered.get(str(invitation.pk))
    if wish.requested in offered:
        return wish.requested, remembered != wish.requested
    for candidate in (remembered, invitation.contact.language):
        if candidate in offered:
            return candidate, False
    return invitation.survey.default_language, False


class Respondent:
    """What one request knows about an invitation's survey and its saved answers."""

    def __init__(self, invitation: Invitation, language: str):
        self.invitation = invitation
        self.survey = invitation.survey
        self.language = language
        self.questions: list[Question] = survey_questions(survey=self.survey)
        self.texts: SurveyTexts = survey_texts(
            survey=self.survey,
            questions=self.questions,
            language=language,
            piping=invitation_piping(invitation),
        )
        self.response = response_for_invitation(invitation=invitation)
        self.saved = response_answers(response=self.response)

    @property
    def pages(self) -> list[int]:
        return logic.visible_pages(self.questions, self.saved) or [1]

    def resume_page(self) -> int:
        return logic.resume_page(self.questions, self.saved) or self.pages[0]

    def page_questions(self, page: int) -> list[Question]:
        return logic.renderable_questions(self.questions, self.saved, page=page)

    def form_kwargs(self, page: int) -> dict[str, Any]:
        """The form of one page; the saved answers of the other pages decide its skip logic."""
        page_of = {question.pk: question.page for question in self.questions}
        return {
            "questions": self.page_questions(page),
            "all_questions": self.questions,
            "prior_answers": {k: v for k, v in self.saved.items() if page_of.get(k) != page},
            "texts": self.texts,
        }

    def whole_form_kwargs(self) -> dict[str, Any]:
        return {
            "questions": logic.renderable_questions(self.questions, self.saved),
            "all_questions": self.questions,
            "texts": self.texts,
        }

    def page_info(self, page: int) -> PageInfo:
        pages = logic.expected_pages(self.questions, self.saved) or [page]
        return PageInfo(
            position=pages.index(page) + 1 if page in pages else 1,
            total=len(pages),
            has_back=logic.page_before(self.questions, self.saved, page) is not None,
            is_last=logic.page_after(self.questions, self.saved, page) is None,
        )

    def saved_again(self) -> dict[int, Any]:
        """The saved answers as stored now (after a save in this request)."""
        return response_answers(response=response_for_invitation(invitation=self.invitation))


@dataclass(frozen=True)
class Step:
    """What the view shows next. `language` (when known) is the page's language, and
    `remember_language` says whether the view should remember it for `invitation`."""

    kind: StepKind
    invitation: Invitation | None = None
    language: str | None = None
    remember_language: bool = False
    respondent: Respondent | None = None
    page: int | None = None
    form: AnswerForm | None = None

    @property
    def answered_moments_ago(self) -> bool:
        """The link was completed within CEM_DOUBLE_SUBMIT_WINDOW_SECONDS: a post that finds
        it so is the loser of a double submit, not a guess at a used link."""
        completed_at = self.invitation.completed_at if self.invitation else None
        if self.kind != StepKind.ANSWERED or completed_at is None:
            return False
        window = timedelta(seconds=settings.CEM_DOUBLE_SUBMIT_WINDOW_SECONDS)
        return timezone.now() - completed_at <= window

    @property
    def refused(self) -> bool:
        return self.kind in (
            StepKind.INVALID,
            StepKind.ANSWERED,
            StepKind.ALREADY_SUBMITTED,
            StepKind.CLOSED,
        )


def _resolve(token: str, wish: LanguageRequest, *, lock: bool = False) -> Step:
    """The link's state as a Step: refused, or FORM with its invitation and language."""
    invitation, state = invitation_resolve(token=token, lock=lock)
    if state == LinkState.INVALID:
        return Step(StepKind.INVALID)
    language, remember = respondent_language(invitation=invitation, wish=wish)
    kind = {LinkState.ANSWERED: StepKind.ANSWERED, LinkState.CLOSED: StepKind.CLOSED}
    return Step(
        kind.get(state, StepKind.FORM),
        invitation=invitation,
        language=language,
        remember_language=remember,
    )


def respond_open(
    *,
    token: str,
    wish: LanguageRequest,
    form_class: FormClass,
    page: int | None = None,
    score: int | None = None,
) -> Step:
    """A GET of a personal link: marks it opened and picks the page to show (module rules)."""
    step = _resolve(token, wish)
    if step.refused:
        return step
    with translation.override(step.language):
        respondent = Respondent(step.invitation, step.language)
        invitation_mark_opened(invitation=respondent.invitation)
        pages, resume = respondent.pages, respondent.resume_page()
        if page not in pages or page > resume:
            page = resume  # no skipping ahead of an unanswered required question
        initial = {
            field_name(q): respondent.saved[q.pk]
            for q in respondent.questions
            if q.pk in respondent.saved
        }
        question = _score_question(respondent, score)
        if question is not None and question.page in pages and question.pk not in respondent.saved:
            # The click only preselects: nothing is stored until the respondent sends the page.
            # A saved answer wins (the link is opened again, or by a mail scanner).
            page = question.page
            initial[field_name(question)] = score
        form = form_class(None, initial=initial, **respondent.form_kwargs(page))
    return _at(step, StepKind.FORM, respondent, page, form)


def _score_question(respondent: Respondent, score: int | None) -> Question | None:
    """The opening scale question when `score` (from the email's scale links) fits it."""
    if score is None:
        return None
    question = first_scale_question(respondent.survey)
    if question is None:
        return None
    low, high = question.scale
    return question if low <= score <= high else None


def _at(
    step: Step,
    kind: StepKind,
    respondent: Respondent,
    page: int | None = None,
    form: AnswerForm | None = None,
) -> Step:
    return replace(step, kind=kind, respondent=respondent, page=page, form=form)


def respond_post(
    *,
    token: str,
    wish: LanguageRequest,
    form_class: FormClass,
    data: Mapping,
    page: PostedPage | None,
) -> Step:
    """A POST of a personal link: one page (`page`) or, without one, the whole survey.

    A page is saved in `response_page_save`'s transaction, or completed in `response_submit`'s.
    A whole-survey submit is one transaction: the link read under its row lock, then the saved
    response, then `response_submit_locked`; one read of each instead of two, and nothing is
    kept from a refused submit.
    """
    if page is None:
        return _submit_whole(token, wish, form_class, data)
    step = _resolve(token, wish)
    if step.refused:
        return step
    with translation.override(step.language):
        respondent = Respondent(step.invitation, step.language)
        try:
            return _post_page(step, respondent, page, form_class, data)
        except ResponseAlreadySubmitted:
            return _at(step, StepKind.ALREADY_SUBMITTED, respondent)
        except InvitationNotAnswerable:
            return _at(step, StepKind.CLOSED, respondent)


def _post_page(
    step: Step, respondent: Respondent, posted: PostedPage, form_class: FormClass, data: Mapping
) -> Step:
    invitation, language, questions = (
        respondent.invitation,
        respondent.language,
        respondent.questions,
    )
    page = posted.number
    if page not in respondent.pages:
        return _at(step, StepKind.REDIRECT, respondent, respondent.resume_page())
    form = form_class(data, **respondent.form_kwargs(page))

    if posted.back:
        form.is_valid()  # keep what is valid; going back requires nothing
        response_page_save(
            invitation=invitation,
            page=page,
            answers=form.answers(),
            language=language,
            partial=True,
        )
        previous = logic.page_before(questions, respondent.saved_again(), page)
        return _at(step, StepKind.REDIRECT, respondent, previous or page)

    if not form.is_valid():
        return _at(step, StepKind.FORM, respondent, page, form)
    answers = form.answers()
    following = logic.page_after(questions, {**respondent.saved, **answers}, page)
    try:
        if following is not None:
            response_page_save(invitation=invitation, page=page, answers=answers, language=language)
            return _at(step, StepKind.REDIRECT, respondent, following)
        response_submit(
            invitation=invitation, answers=answers, language=language, questions=questions
        )
    except ValidationError as error:
        if not _errors_on_page(error, respondent, page):
            # An earlier page misses an answer (a changed condition): keep this page's
            # answers and send the respondent there.
            response_page_save(
                invitation=invitation, page=page, answers=answers, language=language, partial=True
            )
            resume = logic.resume_page(questions, respondent.saved_again()) or page
            return _at(step, StepKind.REDIRECT, respondent, resume)
        form.add_service_errors(error)
        return _at(step, StepKind.FORM, respondent, page, form)
    return _at(step, StepKind.COMPLETED, respondent)


def _errors_on_page(error: ValidationError, respondent: Respondent, page: int) -> bool:
    """Whether the form of `page` can show `error` (non-field errors it always can)."""
    if not hasattr(error, "error_dict"):
        return True
    on_page = {field_name(question) for question in respondent.page_questions(page)}
    return all(name in on_page for name in error.error_dict)


@transaction.atomic
def _submit_whole(token: str, wish: LanguageRequest, form_class: FormClass, data: Mapping) -> Step:
    step = _resolve(token, wish, lock=True)
    if not step.refused:
        with translation.override(step.language):
            step = _submit_whole_locked(step, form_class, data)
    if step.refused:
        transaction.set_rollback(True)  # nothing to keep from a refused submit
    return step


def _submit_whole_locked(step: Step, form_class: FormClass, data: Mapping) -> Step:
    respondent = Respondent(step.invitation, step.language)
    form = form_class(data, **respondent.whole_form_kwargs())
    if form.is_valid():
        try:
            response_submit_locked(
                invitation=respondent.invitation,
                response=respondent.response,
                answers=form.answers(),
                language=respondent.language,
                questions=respondent.questions,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except ResponseAlreadySubmitted:
            return _at(step, StepKind.ALREADY_SUBMITTED, respondent)
        except InvitationNotAnswerable:
            return _at(step, StepKind.CLOSED, respondent)
        else:
            return _at(step, StepKind.COMPLETED, respondent)
    return _at(step, StepKind.FORM, respondent, respondent.pages[0], form)
