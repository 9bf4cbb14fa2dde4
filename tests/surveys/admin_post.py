"""The POST an admin change page sends, as a browser would send it."""

import json

from django import forms


def inline_post_data(adminform, inline_formsets) -> dict:
    """The change form's POST as a browser would send it, unchanged."""
    data = {}
    for form in [adminform.form, *(f for i in inline_formsets for f in i.formset.forms)]:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None:
                continue
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            if isinstance(field, forms.JSONField):
                value = json.dumps(value)
            data[form.add_prefix(name)] = getattr(value, "pk", value)
    for inline in inline_formsets:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, 0)
    return data
