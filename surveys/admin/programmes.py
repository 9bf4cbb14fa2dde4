"""Relationship programmes and their waves: start a wave now, per-wave progress and coverage,
reminders to non-respondents."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from customers.selectors import visible_account_ids

from ..constants import InvitationStatus
from ..models import RelationshipProgramme, Wave
from ..selectors.progress import annotated_progress
from ..selectors.waves import wave_coverage, wave_list, wave_response_rate
from ..services.waves import wave_send_reminders, wave_start_or_get
from .common import percent, progress_table


class WaveInline(admin.TabularInline):
    model = Wave
    fields = ("name", "period_start", "opens_at", "closes_at", "status", "distribution")
    readonly_fields = ("distribution",)
    extra = 0
    show_change_link = True


@admin.register(RelationshipProgramme)
class RelationshipProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "survey", "cadence_months", "first_wave_on", "audience", "is_active")
    list_filter = ("is_active", "audience")
    search_fields = ("name",)
    filter_horizontal = ("vertical_markets",)
    inlines = (WaveInline,)
    actions = ("start_wave_now",)

    @admin.action(description=_("Start a wave now (current period)"))
    def start_wave_now(self, request: HttpRequest, queryset: QuerySet[RelationshipProgramme]):
        if not request.user.has_perm("surveys.add_wave"):
            raise PermissionDenied
        for programme in queryset.select_related("survey"):
            try:
                wave, created = wave_start_or_get(programme=programme, started_by=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(programme)s: no wave started: %(error)s")
                    % {"programme": programme, "error": " ".join(error.messages)},
                    messages.ERROR,
                )
                continue
            if created:
                self.message_user(
                    request, _("Started %(wave)s.") % {"wave": wave}, messages.SUCCESS
                )
            else:
                self.message_user(
                    request,
                    _("%(wave)s already exists for this period; nothing was sent.")
                    % {"wave": wave},
                    messages.WARNING,
                )


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    """Per-wave progress: invited, sent, completed, response rate and coverage."""

    list_display = (
        "name",
        "programme",
        "period_start",
        "status",
        "closes_at",
        "invited",
        "sent",
        "completed",
        "rate",
    )  # + the coverage columns of get_list_display
    list_filter = ("status", "programme")
    search_fields = ("name", "programme__name")
    date_hierarchy = "period_start"
    actions = ("send_reminders_now",)
    fields = (
        "programme",
        "name",
        "period_start",
        "opens_at",
        "closes_at",
        "status",
        "distribution",
        "progress",
        "coverage",
        "results_link",
    )
    readonly_fields = (
        "programme",
        "period_start",
        "opens_at",
        "status",
        "distribution",
        "progress",
        "coverage",
        "results_link",
    )

    def get_queryset(self, request):
        # Every wave is listed (a wave is the programme's, not an account's); its figures count
        # the accounts the user may see.
        return wave_list(user=request.user)

    def get_list_display(self, request):
        return (*super().get_list_display(request), *_coverage_columns(request.user))

    def get_object(self, request, object_id, from_field=None):
        wave = super().get_object(request, object_id, from_field)
        if wave is not None:
            wave.viewer = request.user  # whose accounts the change page's figures count
        return wave

    def has_add_permission(self, request) -> bool:
        return False  # waves are started by the schedule or the programme's action

    @admin.display(description=_("invited"), ordering="total")
    def invited(self, wave: Wave) -> int:
        return wave.total

    @admin.display(description=_("sent"), ordering="delivered")
    def sent(self, wave: Wave) -> int:
        return wave.delivered

    @admin.display(description=_("completed"))
    def completed(self, wave: Wave) -> int:
        return getattr(wave, InvitationStatus.COMPLETED)

    @admin.display(description=_("response rate"))
    def rate(self, wave: Wave) -> str:
        return percent(wave_response_rate(wave))

    @admin.display(description=_("progress"))
    def progress(self, wave: Wave) -> str:
        # Annotated by get_queryset with the counts the user may see.
        return progress_table(annotated_progress(wave)) if wave.distribution_id else "–"

    @admin.display(description=_("coverage"))
    def coverage(self, wave: Wave) -> str:
        viewer = getattr(wave, "viewer", None)
        if viewer is None:
            return "–"
        cover = wave_coverage(wave=wave, account_ids=visible_account_ids(viewer))
        return format_html(
            "{} / {} {} ({}) · {} / {} {} ({})",
            cover.accounts_answered,
            cover.accounts,
            _("accounts"),
            percent(cover.accounts_share),
            cover.billed_answered,
            cover.billed,
            _("billed"),
            percent(cover.billed_share),
        )

    @admin.display(description=_("results"))
    def results_link(self, wave: Wave) -> str:
        try:
            url = reverse("insights:programme_waves", args=[wave.programme_id])
        except NoReverseMatch:
            return "–"
        return format_html('<a href="{}">{}</a>', url, _("Compare the programme's waves"))

    @admin.action(description=_("Send reminders to non-respondents now"))
    def send_reminders_now(self, request: HttpRequest, queryset: QuerySet[Wave]):
        if not request.user.has_perm("surveys.change_wave"):
            raise PermissionDenied
        sent = sum(wave_send_reminders(wave=wave) for wave in queryset.select_related("programme"))
        self.message_user(
            request, _("%(count)s reminders sent.") % {"count": sent}, messages.SUCCESS
        )


def _coverage_columns(user) -> tuple:
    """The two coverage columns of the wave list, over the accounts `user` may see; one
    coverage query per wave, shared by both."""
    account_ids = visible_account_ids(user)
    cache: dict[int, object] = {}

    def cover(wave: Wave):
        if wave.pk not in cache:
            cache[wave.pk] = wave_coverage(wave=wave, account_ids=account_ids)
        return cache[wave.pk]

    @admin.display(description=_("accounts covered"))
    def coverage_accounts(wave: Wave) -> str:
        return percent(cover(wave).accounts_share)

    @admin.display(description=_("billed revenue covered"))
    def coverage_billed(wave: Wave) -> str:
        return percent(cover(wave).billed_share)

    return coverage_accounts, coverage_billed
