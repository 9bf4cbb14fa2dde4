import logging

from django.http import Http404

security_log = logging.getLogger("cem.security")


class ScopedObjectMixin:
    """Detail lookups run on the caller's scoped queryset, so another tenant's object is a 404.

    When the object exists outside the caller's scope, the refusal is logged (ASVS 16.3.2);
    the extra query runs only on that path. Set `unscoped_model` on the view.
    """

    unscoped_model = None

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
            model = self.unscoped_model
            exists_elsewhere = (
                model is not None
                and str(lookup).isascii()  # "²".isdigit() is True, int("²") fails
                and str(lookup).isdigit()
                and len(str(lookup)) < 19
                and model._default_manager.filter(pk=int(lookup)).exists()
            )
            if exists_elsewhere:
                security_log.warning(
                    "Out-of-scope %s %s requested by user %s",
                    model._meta.label,
                    lookup,
                    self.request.user.pk,
                )
            raise
