"""Signal receivers of the surveys app.

Opt-outs: a contact who opts out (`customers.signals.contact_opted_out`, whichever path asked)
has their waiting invitations skipped, in the opt-out's transaction. Erasure and export of a
contact's personal data (`contact_erasing`, `contact_export_requested`): services/privacy.py.

Keep `Survey.updated_at` moving with its questions and choices.

`survey_questions` caches a survey's question and choice rows per process, keyed by the
survey's `updated_at`: every save or delete of a Question or Choice (admin inlines, builders,
cascades) bumps it here, in the writer's transaction, and drops this process's entry. Bulk
writes send no signals: call `survey_touch` after them (`QuerySet.update`, `bulk_create`).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from customers.signals import contact_erasing, contact_export_requested, contact_opted_out

from .models import Choice, Question, Survey
from .selectors.questions import survey_questions_forget
from .services.optout import invitations_skip_opted_out
from .services.privacy import contact_survey_data_erase, contact_survey_data_export


@receiver(contact_opted_out, dispatch_uid="surveys.contact_opted_out_skip_invitations")
def _contact_opted_out(sender, contact, **kwargs) -> None:
    invitations_skip_opted_out(contact=contact)


@receiver(contact_erasing, dispatch_uid="surveys.contact_erasing_blank_survey_data")
def _contact_erasing(sender, contact, **kwargs) -> None:
    contact_survey_data_erase(contact=contact)


@receiver(contact_export_requested, dispatch_uid="surveys.contact_export_survey_data")
def _contact_export_requested(sender, contact, **kwargs) -> dict:
    return contact_survey_data_export(contact=contact)


def survey_touch(survey_id: int | None) -> None:
    """Mark a survey's questions or choices as changed (other processes re-read them)."""
    if survey_id is None:
        return
    Survey.objects.filter(pk=survey_id).update(updated_at=timezone.now())
    survey_questions_forget(survey_id)


@receiver(post_save, sender=Question, dispatch_uid="surveys.question_saved_touch")
@receiver(post_delete, sender=Question, dispatch_uid="surveys.question_deleted_touch")
def _question_changed(sender, instance: Question, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: the fixture brings the survey's own updated_at
        survey_questions_forget(instance.survey_id)
        return
    survey_touch(instance.survey_id)


@receiver(post_save, sender=Choice, dispatch_uid="surveys.choice_saved_touch")
@receiver(post_delete, sender=Choice, dispatch_uid="surveys.choice_deleted_touch")
def _choice_changed(sender, instance: Choice, raw: bool = False, **kwargs) -> None:
    if Choice.question.field.is_cached(instance) and instance.question is not None:
        survey_id = instance.question.survey_id
    else:
        survey_id = (
            Question.objects.filter(pk=instance.question_id)
            .values_list("survey_id", flat=True)
            .first()
        )
    if survey_id is None:  # deleted with its question (a cascade): the question touched it
        survey_questions_forget()
        return
    if raw:
        survey_questions_forget(survey_id)
        return
    survey_touch(survey_id)
