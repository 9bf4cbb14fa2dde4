"""Admin forms that give the JSON list fields proper widgets: a survey's languages as
checkboxes, a pulse segment's quadrants, roles and languages as multiple choices. The model
fields stay JSON lists; the rules (the default language among the offered ones, a sound
period) are the models' `clean`, so every writer gets the same messages."""

from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from customers.constants import Language
from customers.selectors import contact_role_list

from ..constants import Quadrant
from ..models import PulseSegment, Survey


def _label(model, name: str):
    """The model field's own (translated) name, as a model form would label it."""
    return capfirst(model._meta.get_field(name).verbose_name)


class FilteredChoices(FilteredSelectMultiple):
    """The admin's two-box chooser for a field that is not a many-to-many relation. Its script
    puts the boxes first in the select's parent, which for a plain field is the row itself
    (before the label); the wrapper a relation's widget has keeps them beside the label."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        return format_html('<div class="related-widget-wrapper">{}</div>', html)


class IsolatedChoices(forms.ModelMultipleChoiceField):
    """Option labels isolated for bidirectional text (FSI ... PDI): "Ali Rezaei <ali@x>"
    in a Persian page, or a Persian name in an English one, keeps its own order. An <option>
    holds plain text only, so the marks do what <bdi> does elsewhere."""

    def label_from_instance(self, obj) -> str:
        return f"\u2068{obj}\u2069"


class SurveyAdminForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_label(Survey, "languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Languages the survey is offered in; the default language must be one of them."
        ),
        error_messages={"required": _("Offer the survey in at least one language.")},
    )

    class Meta:
        model = Survey
        fields = (
            "title",
            "slug",
            "kind",
            "touch_point",
            "status",
            "intro",
            "thank_you",
            "default_language",
            "languages",
            "field_period_days",
            "send_delay",
            "fatigue_window_days",
            "open_link_enabled",
        )


class PulseSegmentAdminForm(forms.ModelForm):
    """`user` (set by the admin's get_form) decides which contacts' roles are offered."""

    user = None

    quadrants = forms.MultipleChoiceField(
        label=_label(PulseSegment, "quadrants"),
        choices=Quadrant.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Accounts in these quadrants of the customer matrix; none: any quadrant."),
    )
    roles = forms.MultipleChoiceField(
        label=_label(PulseSegment, "roles"),
        choices=(),
        widget=FilteredChoices(_("contact roles"), is_stacked=False),
        required=False,
        help_text=_("Contacts with one of these roles (any spelling case); none: any role."),
    )
    languages = forms.MultipleChoiceField(
        label=_label(PulseSegment, "languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Contacts who prefer one of these languages; none: any language."),
    )

    class Meta:
        model = PulseSegment
        fields = (
            "name",
            "vertical_markets",
            "quadrants",
            "roles",
            "languages",
            "key_contacts_only",
            "touch_points",
            "experienced_since",
            "experienced_until",
            "sample_size",
            "seed",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roles = contact_role_list(user=self.user) if self.user is not None else []
        # A saved role no contact has any more stays choosable, so saving does not drop it.
        known = {role.casefold() for role in roles}
        roles += [
            r for r in self.instance.roles or [] if isinstance(r, str) and r.casefold() not in known
        ]
        self.fields["roles"].choices = [(role, role) for role in roles]
